# ristretto: the Xfce image viewer.
#
# What it sees: the directory it was started in, read-only (open an image from there), and its
# own settings and thumbnails. No network.
include inc/desktop.inc
include inc/workdir-ro.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in ristretto.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/ristretto
whitelist ~/.config/ristretto
mkdir ${XDG_CACHE_HOME}/thumbnails
whitelist ${XDG_CACHE_HOME}/thumbnails
