# epiphany-browser: GNOME Web, a WebKit browser.
#
# What it sees: its own profile, cookies and cache, ~/Downloads, the network. Nothing else of
# the home.
include inc/desktop.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in epiphany-browser.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications
dbus-user.own org.gnome.Epiphany

mkdir ~/.config/epiphany
whitelist ~/.config/epiphany
mkdir ${XDG_DATA_HOME}/epiphany
whitelist ${XDG_DATA_HOME}/epiphany
mkdir ${XDG_CACHE_HOME}/epiphany
whitelist ${XDG_CACHE_HOME}/epiphany
mkdir ~/Downloads
whitelist ~/Downloads
