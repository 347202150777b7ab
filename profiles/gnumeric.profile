# gnumeric: the GNOME spreadsheet.
#
# What it sees: the directory it was started in, read-write (open and save spreadsheets there),
# and its own settings. No network.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in gnumeric.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/gnumeric
whitelist ~/.config/gnumeric
