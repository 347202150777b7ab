# firefox: the Mozilla web browser.
#
# What it sees: its own profile (~/.mozilla) and cache, ~/Downloads, the network. The rest of
# the home is an empty private one; no other secrets are reachable.
include inc/desktop.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in firefox.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications
dbus-user.own org.mozilla.firefox.*
dbus-user.own org.mpris.MediaPlayer2.firefox.*

# the browser's own profile, taken out of the secrets list that desktop.inc brings in
ignore blacklist ~/.mozilla
mkdir ~/.mozilla
whitelist ~/.mozilla
mkdir ${XDG_CACHE_HOME}/mozilla
whitelist ${XDG_CACHE_HOME}/mozilla
mkdir ~/Downloads
whitelist ~/Downloads

# Firefox's own content-process sandbox uses user namespaces when it can; allowing them inside
# keeps that second layer as strong as outside.
allow-userns
