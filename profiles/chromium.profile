# chromium: the Chromium web browser.
#
# What it sees: its own profile (~/.config/chromium) and cache, ~/Downloads, the network.
include inc/desktop.inc
include inc/network.inc
home private

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
