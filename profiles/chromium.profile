# chromium: the Chromium web browser.
#
# What it sees: its own profile (~/.config/chromium) and cache, ~/Downloads, the network.
include inc/desktop.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in chromium.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications
dbus-user.own org.mpris.MediaPlayer2.chromium.*

ignore blacklist ~/.config/chromium
mkdir ~/.config/chromium
whitelist ~/.config/chromium
mkdir ${XDG_CACHE_HOME}/chromium
whitelist ${XDG_CACHE_HOME}/chromium
mkdir ~/Downloads
whitelist ~/Downloads

# Chromium will not start without its own sandbox, which needs user namespaces (its setuid
# helper cannot work under no_new_privs).
allow-userns
