# default: for a command that has no profile of its own (and no --profile).
#
# The built-in view is already narrow: the host's programs and /etc read-only, an empty private
# home, empty /tmp and /run, no network, no capabilities, the default seccomp filter, Landlock
# where the kernel has it. This adds the list of secrets, so that a default.local that shows
# the real home (`home ro`) still hides them.
include inc/hide-secrets.inc
