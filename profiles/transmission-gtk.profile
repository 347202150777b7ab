# transmission-gtk: a BitTorrent client.
#
# What it sees: its own settings and torrents, ~/Downloads (where it saves), the network.
# Nothing else of the home: a torrent's contents are not trusted.
include inc/desktop.inc
include inc/network.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in transmission-gtk.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications

mkdir ~/.config/transmission
whitelist ~/.config/transmission
mkdir ~/Downloads
whitelist ~/Downloads

# needs: net slirp with --port (issue 6) - an incoming peer port without the host's loopback
