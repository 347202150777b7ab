# gnome-terminal: the GNOME terminal emulator.
#
# What it sees: an empty private home and the directory it was started in, read-write; the shell
# it starts runs in the same sandbox. gnome-terminal is a client: the window and the shell are
# made by its server, gnome-terminal-server, found on the session bus. The host's server (or one
# the bus starts) is outside the sandbox, so this profile never lets the client reach it
# (org.gnome.Terminal): start a server of the sandbox's own, under its own name, and the client
# with that name:
#   hutch --profile gnome-terminal -- sh -c '/usr/libexec/gnome-terminal-server \
#       --app-id org.gnome.Terminal.Sandbox & gnome-terminal --app-id org.gnome.Terminal.Sandbox'
# Plain `gnome-terminal` fails here ("Error constructing proxy for org.gnome.Terminal").
include inc/desktop.inc
include inc/workdir.inc
home private

# The session bus, through hutch's filter (the server and client meet there)
dbus-user filter
dbus-user.talk org.freedesktop.portal.*
dbus-user.own org.gnome.Terminal.Sandbox
