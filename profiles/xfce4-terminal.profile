# xfce4-terminal: the Xfce terminal emulator.
#
# What it sees: an empty private home and the directory it was started in, read-write; the shell
# it starts runs in the same sandbox. Its own settings.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in xfce4-terminal.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/xfce4/terminal
whitelist ~/.config/xfce4/terminal
