# git: the version control system, on the repository in the current directory.
#
# What it sees: the directory it was started in, read-write; ~/.gitconfig read-only (name,
# aliases; hooks and filters it names run inside this sandbox too); the network, for fetch
# and push over https. No credentials: ~/.git-credentials and ~/.ssh stay hidden.
#
# Start it from the top of the work tree (or `hutch git -C DIR`, with DIR under it): a
# repository's .git above the current directory is not seen.
include inc/hide-secrets.inc
include inc/network.inc
include inc/workdir.inc
home private

# A missing ~/.gitconfig is an error until an optional form exists; create the file, or put
# `ignore read-only ~/.gitconfig` in git.local.
# needs: read-only-try (a path that may be missing)
read-only ~/.gitconfig

# For push over ssh, git.local can add: ignore blacklist ~/.ssh, read-only ~/.ssh,
# keep-session-env (the agent) - the agent socket itself needs the socket support of issue 8.
