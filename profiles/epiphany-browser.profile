# epiphany-browser: GNOME Web, a WebKit browser.
#
# What it sees: its own profile, cookies and cache, ~/Downloads, the network. Nothing else of
# the home.
include inc/desktop.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# The session bus, through hutch's filter: epiphany is a GTK application that exits at start
# without one.
dbus-user filter
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications
dbus-user.own org.gnome.Epiphany

# WebKit's own web process sandbox is bubblewrap in a new pid namespace, whose /proc mount the
# kernel refuses inside hutch (hutch's read-only covers on /proc/sys and friends make a new proc
# "too revealing"): the web processes run in this sandbox, without one of their own.
setenv WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1

# GSettings in a key file of its own (~/.config/glib-2.0/settings), not through dconf's service,
# which would let it change every app's settings
setenv GSETTINGS_BACKEND=keyfile
mkdir ~/.config/glib-2.0/settings
whitelist ~/.config/glib-2.0/settings

mkdir ~/.config/epiphany
whitelist ~/.config/epiphany
mkdir ${XDG_DATA_HOME}/epiphany
whitelist ${XDG_DATA_HOME}/epiphany
mkdir ${XDG_CACHE_HOME}/epiphany
whitelist ${XDG_CACHE_HOME}/epiphany
mkdir ~/Downloads
whitelist ~/Downloads
