# libreoffice: the office suite (documents, spreadsheets, slides).
#
# What it sees: the directory it was started in, read-write (open and save files there),
# and its own settings. No network.
include inc/desktop.inc
include inc/workdir.inc
# Started from its menu entry (in the home), it starts in an empty directory instead.
workdir empty
home private

# on the session bus, once it is turned on (dbus-user filter, in libreoffice.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/libreoffice
whitelist ~/.config/libreoffice

# Macros in a document run with what the suite can reach: only the files here, and no network
# to send them anywhere.
