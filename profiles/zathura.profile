# zathura: a keyboard-driven document viewer.
#
# What it sees: the directory it was started in, read-only (open a document from there),
# and its own settings. No network: a document has no business phoning home.
include inc/desktop.inc
include inc/workdir-ro.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in zathura.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/zathura
whitelist ~/.config/zathura
mkdir ${XDG_DATA_HOME}/zathura
whitelist ${XDG_DATA_HOME}/zathura

# needs: read-only-try ~/Documents, ~/Downloads - where documents usually are, when they exist

# Fontconfig's cache, kept for this app alone (the fonts are not scanned again at each start,
# and no other app reads or writes it); the system's cache read-only where there is one.
mkdir ${XDG_DATA_HOME}/hutch/zathura/fontconfig
bind ${XDG_DATA_HOME}/hutch/zathura/fontconfig:${XDG_CACHE_HOME}/fontconfig
read-only-try /var/cache/fontconfig
