# shell: an interactive shell in a sandbox, for poking at something untrusted by hand.
#
#   hutch --profile shell -- bash
#
# The home is there read-only (dotfiles, scripts, the user's tools) with its secrets hidden;
# the current directory is writable; no network. With a terminal on stdin the shell keeps it
# (job control works); see new-session in hutch.profile(5).
include inc/hide-secrets.inc
home ro
include inc/workdir.inc
# Started in the home (or /), the home stays read-only and the shell starts there.
workdir empty
