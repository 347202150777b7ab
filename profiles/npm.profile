# npm: the Node.js package manager.
#
# What it sees: the project in the current directory, read-write; the network (the registry);
# a package cache of its own that persists between runs. Install scripts of dependencies run
# here too, and find no home, no ~/.npmrc token and no cache the user's own npm reads.
include inc/hide-secrets.inc
include inc/network.inc
include inc/workdir.inc
home private

mkdir ${XDG_CACHE_HOME}/hutch/npm
bind ${XDG_CACHE_HOME}/hutch/npm:${HOME}/.npm

# needs: read-only-try ~/.npmrc without its tokens - a registry setting without the secret
