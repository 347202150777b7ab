# eog: Eye of GNOME, the GNOME image viewer.
#
# What it sees: the directory it was started in, read-only (open an image from there), and its
# own settings. No network.
include inc/desktop.inc
include inc/workdir-ro.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in eog.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/eog
whitelist ~/.config/eog
