# vlc: the VideoLAN media player.
#
# What it sees: the directory it was started in, read-only; its own settings, media library
# and cache; the network, for streams.
include inc/desktop.inc
include inc/workdir-ro.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in vlc.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.ScreenSaver
dbus-user.own org.mpris.MediaPlayer2.vlc.*

mkdir ~/.config/vlc
whitelist ~/.config/vlc
mkdir ${XDG_DATA_HOME}/vlc
whitelist ${XDG_DATA_HOME}/vlc
mkdir ${XDG_CACHE_HOME}/vlc
whitelist ${XDG_CACHE_HOME}/vlc

# needs: read-only-try ~/Music, ~/Videos

# Fontconfig's cache, kept for this app alone (the fonts are not scanned again at each start,
# and no other app reads or writes it); the system's cache read-only where there is one.
mkdir ${XDG_DATA_HOME}/hutch/vlc/fontconfig
bind ${XDG_DATA_HOME}/hutch/vlc/fontconfig:${XDG_CACHE_HOME}/fontconfig
read-only-try /var/cache/fontconfig
