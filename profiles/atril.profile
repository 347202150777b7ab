# atril: the MATE document viewer (PDF, PostScript, DjVu).
#
# What it sees: the directory it was started in, read-only (open a document from there), and its
# own settings. No network.
include inc/desktop.inc
include inc/workdir-ro.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in atril.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/atril
whitelist ~/.config/atril
