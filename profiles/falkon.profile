# falkon: a Qt WebEngine browser.
#
# What it sees: its own profile, cookies and cache, ~/Downloads, the network. Nothing else of the
# home. On a Wayland session it needs qtwayland5 to speak Wayland; without it hutch passes X11.
include inc/desktop.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in falkon.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications

# QtWebEngine's renderer sandbox (Chromium's) uses user namespaces
allow-userns

mkdir ~/.config/falkon
whitelist ~/.config/falkon
mkdir ${XDG_CACHE_HOME}/falkon
whitelist ${XDG_CACHE_HOME}/falkon
mkdir ~/Downloads
whitelist ~/Downloads
