# qpdfview: a tabbed Qt document viewer.
#
# What it sees: the directory it was started in, read-only, and its own settings. No network. On a
# Wayland session it needs qtwayland5 to speak Wayland; without it hutch passes X11.
include inc/desktop.inc
include inc/workdir-ro.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in qpdfview.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/qpdfview
whitelist ~/.config/qpdfview
mkdir ${XDG_DATA_HOME}/qpdfview
whitelist ${XDG_DATA_HOME}/qpdfview
