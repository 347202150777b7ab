# dev: a developer sandbox for running a project's own code and tools (npm test, make check,
# pytest) without handing them the rest of the account.
#
#   hutch --profile dev -- npm test
#
# What it sees: the current directory read-write; ~/.gitconfig read-only; a writable cache that
# persists between runs but is the sandbox's own (a build script cannot poison the caches the
# user's unsandboxed tools read); the network. The rest of the home is an empty private one.
include inc/hide-secrets.inc
include inc/workdir.inc
include inc/network.inc
home private

# A missing ~/.gitconfig is an error until an optional form exists; create the file, or put
# `ignore read-only ~/.gitconfig` in dev.local.
# needs: read-only-try (a path that may be missing)
read-only ~/.gitconfig

mkdir ${XDG_CACHE_HOME}/hutch/dev
bind ${XDG_CACHE_HOME}/hutch/dev:${XDG_CACHE_HOME}
