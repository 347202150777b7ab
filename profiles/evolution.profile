# evolution: the GNOME mail, calendar and contacts client.
#
# What it sees: its own mail store, settings and cache, ~/Downloads (attachments), the network.
# Nothing else of the home.
include inc/desktop.inc
include inc/network.inc
home private

# The session bus, through hutch's filter: evolution is a GTK application that shows only
# "Cannot start Evolution" without one, and its accounts live in evolution-data-server there.
dbus-user filter
dbus-user.own org.gnome.Evolution
# its reminders (evolution-alarm-notify, which it starts)
dbus-user.own org.gnome.Evolution-alarm-notify
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.gnome.evolution.dataserver.*
dbus-user.talk org.freedesktop.Notifications

# hide-secrets.inc hides its store from every other app: this one is its own
ignore blacklist ~/.config/evolution
ignore blacklist ~/.local/share/evolution
# GSettings in a key file of its own (~/.config/glib-2.0/settings), not through dconf's service,
# which would let it change every app's settings
setenv GSETTINGS_BACKEND=keyfile
# WebKit's own web-process sandbox (bubblewrap) cannot make its /proc inside hutch's: its mail
# views run in this sandbox, without one of their own (as epiphany's)
setenv WEBKIT_DISABLE_SANDBOX_THIS_IS_DANGEROUS=1
mkdir ~/.config/glib-2.0/settings
whitelist ~/.config/glib-2.0/settings
mkdir ~/.config/evolution
whitelist ~/.config/evolution
mkdir ${XDG_DATA_HOME}/evolution
whitelist ${XDG_DATA_HOME}/evolution
mkdir ${XDG_CACHE_HOME}/evolution
whitelist ${XDG_CACHE_HOME}/evolution
mkdir ~/Downloads
whitelist ~/Downloads
