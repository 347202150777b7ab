# celluloid: a GTK front end for mpv.
#
# What it sees: the directory it was started in, read-only, its own and mpv's settings, and the
# network for streams.
include inc/desktop.inc
include inc/workdir-ro.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in celluloid.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.ScreenSaver
dbus-user.own org.mpris.MediaPlayer2.io.github.celluloid_player.Celluloid

mkdir ~/.config/celluloid
whitelist ~/.config/celluloid
mkdir ~/.config/mpv
whitelist ~/.config/mpv
