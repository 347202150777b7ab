# totem: the GNOME video player.
#
# What it sees: the directory it was started in, read-only, its own settings, and the network
# for streams.
include inc/desktop.inc
include inc/workdir-ro.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in totem.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.ScreenSaver
dbus-user.own org.mpris.MediaPlayer2.totem

mkdir ~/.config/totem
whitelist ~/.config/totem
mkdir ${XDG_DATA_HOME}/totem
whitelist ${XDG_DATA_HOME}/totem

# Its media sources (Grilo plugins) without Tracker's and dLeyna's: both are services on the
# session bus (Tracker's would show the index of every file of the home), which the sandbox does
# not reach; loaded, they fail at start and print criticals.
setenv GRL_PLUGIN_LIST=grl-filesystem:grl-local-metadata:grl-bookmarks:grl-optical-media:grl-metadata-store:grl-lua-factory:grl-podcasts:grl-opensubtitles
