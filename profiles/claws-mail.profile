# claws-mail: a light GTK mail client.
#
# What it sees: its own mail store and settings (~/.claws-mail, ~/Mail), ~/Downloads
# (attachments), the network. Nothing else of the home.
include inc/desktop.inc
include inc/network.inc
home private

# on the session bus, once it is turned on (dbus-user filter, in claws-mail.local
# or on the command line)
dbus-user.talk org.freedesktop.portal.*
dbus-user.talk org.freedesktop.Notifications

mkdir ~/.claws-mail
whitelist ~/.claws-mail
mkdir ~/Mail
whitelist ~/Mail
mkdir ~/Downloads
whitelist ~/Downloads
