# gnome-terminal: the GNOME terminal emulator.
#
# What it sees: an empty private home and the directory it was started in, read-write; the shell
# it starts runs in the same sandbox. It needs its server on the session bus (dbus-user filter
# in gnome-terminal.local); without it, it cannot open a window.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in gnome-terminal.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.gnome.Terminal
dbus-user.own org.gnome.Terminal
