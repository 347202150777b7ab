# audacious: a music player.
#
# What it sees: the directory it was started in, read-only, its own settings and playlists, and
# the network for streams. On a Wayland session Qt needs qtwayland5 installed.
include inc/desktop.inc
include inc/workdir-ro.inc
include inc/network.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in audacious.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.own org.mpris.MediaPlayer2.audacious
dbus-user.own org.atheme.audacious

mkdir ~/.config/audacious
whitelist ~/.config/audacious
