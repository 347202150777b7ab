# dino: a modern XMPP (Jabber) chat client.
#
# What it sees: its own accounts, history and settings, ~/Downloads (received files), the
# network. Nothing else of the home.
include inc/desktop.inc
include inc/network.inc
home private

# The session bus, through hutch's filter: dino is a GTK application that exits at start
# without one.
dbus-user filter
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications
dbus-user.own im.dino.Dino

mkdir ${XDG_DATA_HOME}/dino
whitelist ${XDG_DATA_HOME}/dino
mkdir ~/.config/dino
whitelist ~/.config/dino
mkdir ~/Downloads
whitelist ~/Downloads
