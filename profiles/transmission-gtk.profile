# transmission-gtk: a BitTorrent client.
#
# What it sees: its own settings and torrents, ~/Downloads (where it saves), the network.
# Nothing else of the home: a torrent's contents are not trusted.
include inc/desktop.inc
include inc/network.inc
home private

mkdir ~/.config/transmission
whitelist ~/.config/transmission
mkdir ~/Downloads
whitelist ~/Downloads

# needs: net slirp with --port (issue 6) - an incoming peer port without the host's loopback
