# xarchiver: a light GTK archive manager.
#
# What it sees: the directory it was started in, read-write (an archive is opened and extracted
# there), and its own settings. No network: an archive's contents are not trusted.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in xarchiver.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/xarchiver
whitelist ~/.config/xarchiver
