# geany: a small GTK programmer's editor.
#
# What it sees: the directory it was started in, read-write (open, save and build files there),
# and its own settings. No network.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in geany.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/geany
whitelist ~/.config/geany
