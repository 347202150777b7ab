# konsole: the KDE terminal emulator.
#
# What it sees: an empty private home and the directory it was started in, read-write; the shell
# it starts runs in the same sandbox. Its own settings and profiles.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in konsole.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ${XDG_DATA_HOME}/konsole
whitelist ${XDG_DATA_HOME}/konsole
whitelist-try ~/.config/konsolerc
