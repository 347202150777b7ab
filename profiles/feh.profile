# feh: a light X11 image viewer.
#
# What it sees: the directory it was started in, read-only, and its own settings. No network. It
# speaks only X11, so it gets the X server (no isolation from other X clients).
include inc/desktop.inc
include inc/workdir-ro.inc
home private
# an X11-only app: the X server's socket, not Wayland (hutch says so under --verbose)
x11 required

# on the session bus, once it is turned on (dbus-user filter, in feh.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/feh
whitelist ~/.config/feh
