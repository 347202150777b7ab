# pidgin: a multi-protocol chat client.
#
# What it sees: its own accounts, logs and settings (~/.purple), ~/Downloads (received files),
# the network. Nothing else of the home. It is a GTK 2 app, which speaks only X11.
include inc/desktop.inc
include inc/network.inc
home private
# an X11-only app: the X server's socket, not Wayland (hutch says so under --verbose)
x11 required

# on the session bus, once it is turned on (dbus-user filter, in pidgin.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications
dbus-user.own im.pidgin.purple.PurpleService

mkdir ~/.purple
whitelist ~/.purple
mkdir ~/Downloads
whitelist ~/Downloads
