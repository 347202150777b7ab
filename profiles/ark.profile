# ark: the KDE archive manager.
#
# What it sees: the directory it was started in, read-write (an archive is opened and extracted
# there). No network. On a Wayland session it needs qtwayland5 to speak Wayland; without it hutch
# passes X11.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in ark.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

whitelist-try ~/.config/arkrc
