# xpdf: the classic X11 PDF viewer.
#
# What it sees: the directory it was started in, read-only, and its own settings (~/.xpdfrc). No
# network. It speaks only X11.
include inc/desktop.inc
include inc/workdir-ro.inc
home private
# an X11-only app: the X server's socket, not Wayland (hutch says so under --verbose)
x11 required

# on the session bus, once it is turned on (dbus-user filter, in xpdf.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

whitelist-try ~/.xpdfrc
