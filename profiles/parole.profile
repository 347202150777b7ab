# parole: the Xfce media player.
#
# What it sees: the directory it was started in, read-only, its own settings, and the network
# for streams.
include inc/desktop.inc
include inc/workdir-ro.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# The session bus, through hutch's filter: parole keeps its settings in Xfconf (xfconfd, on the
# bus) and exits at start without it.
dbus-user filter
dbus-user.talk org.xfce.Xfconf
# its own instance (a second start hands its files to the first)
dbus-user.own org.Parole.Media.*
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.ScreenSaver
dbus-user.own org.mpris.MediaPlayer2.parole

mkdir ~/.config/parole
whitelist ~/.config/parole
