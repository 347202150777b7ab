# thunderbird: the Mozilla mail client.
#
# What it sees: its own profile (~/.thunderbird: mail, accounts, its OpenPGP keys) and cache,
# ~/Downloads for attachments, the network.
include inc/desktop.inc
include inc/network.inc
home private
# the GPU (render nodes and what its drivers read), where the host has one
gpu

# on the session bus, once it is turned on (dbus-user filter, in thunderbird.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications
dbus-user.own org.mozilla.thunderbird.*

ignore blacklist ~/.thunderbird
mkdir ~/.thunderbird
whitelist ~/.thunderbird
mkdir ${XDG_CACHE_HOME}/thunderbird
whitelist ${XDG_CACHE_HOME}/thunderbird
mkdir ~/Downloads
whitelist ~/Downloads

# the same reason as firefox: its content sandbox uses user namespaces
allow-userns
