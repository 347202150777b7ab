# xterm: the X terminal emulator.
#
# What it sees: an empty private home and the directory it was started in, read-write; the shell
# it starts runs in the same sandbox. It speaks only X11, so it gets the X server (no isolation
# from other X clients), never Wayland.
include inc/desktop.inc
include inc/workdir.inc
home private
# an X11-only app: the X server's socket, not Wayland (hutch says so under --verbose)
x11 required

# on the session bus, once it is turned on (dbus-user filter, in xterm.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
