# kate: the KDE advanced text editor.
#
# What it sees: the directory it was started in, read-write (open and save files there), and its own
# sessions and plugin settings (~/.config/kate, ~/.local/share/kate). No network. Its main settings
# (katerc) stay in the sandbox's private home: KDE saves a file by renaming a new one over it, which
# a file passed alone into the sandbox refuses ("Couldn't write katerc. Disk full?"), and passing
# all of ~/.config would give it every app's settings. On a Wayland session it needs qtwayland5 to
# speak Wayland; without it hutch passes X11.
include inc/desktop.inc
include inc/workdir.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in kate.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*

mkdir ~/.config/kate
whitelist ~/.config/kate
mkdir ${XDG_DATA_HOME}/kate
whitelist ${XDG_DATA_HOME}/kate
