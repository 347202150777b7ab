# gimp: the GNU image editor.
#
# What it sees: the directory it was started in, read-write (open and save files there),
# and its own settings. No network.
include inc/desktop.inc
include inc/workdir.inc
# Started from its menu entry (in the home), it starts in an empty directory instead.
workdir empty
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in gimp.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/GIMP
whitelist ~/.config/GIMP
mkdir ${XDG_CACHE_HOME}/gimp
whitelist ${XDG_CACHE_HOME}/gimp
