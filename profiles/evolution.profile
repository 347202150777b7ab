# evolution: the GNOME mail, calendar and contacts client.
#
# What it sees: its own mail store, settings and cache, ~/Downloads (attachments), the network.
# Nothing else of the home.
include inc/desktop.inc
include inc/network.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in evolution.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.gnome.evolution.dataserver.*
dbus-user.talk org.freedesktop.Notifications

# hide-secrets.inc hides its store from every other app: this one is its own
ignore blacklist ~/.config/evolution
ignore blacklist ~/.local/share/evolution
mkdir ~/.config/evolution
whitelist ~/.config/evolution
mkdir ${XDG_DATA_HOME}/evolution
whitelist ${XDG_DATA_HOME}/evolution
mkdir ${XDG_CACHE_HOME}/evolution
whitelist ${XDG_CACHE_HOME}/evolution
mkdir ~/Downloads
whitelist ~/Downloads
