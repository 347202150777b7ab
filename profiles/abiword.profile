# abiword: a word processor.
#
# What it sees: the directory it was started in, read-write (open and save documents there), and
# its own settings. No network: macros and links in a document reach nothing.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in abiword.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/abiword
whitelist ~/.config/abiword
