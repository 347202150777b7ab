#!/usr/bin/env bash
# As root, hutch still runs: the sandbox's root is the caller.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_root

run_hutch -- id -u
expect_exit 0 "as root: hutch -- id -u runs"
is "$out" 0 "as root: id -u inside is 0"

run_sh "$NS_SCRIPT"
expect_exit 0 "as root: prints the namespaces"
u_in=$(printf '%s\n' "$out" | awk '$1 == "user" { print $2 }')
if [ -n "$u_in" ] && [ "$u_in" != "$(ns_of user)" ]; then
	ok "as root: a new user namespace"
else
	not_ok "as root: a new user namespace" "inside '$u_in', host '$(ns_of user)'"
fi

run_hutch -- cat /proc/net/dev
is "$(printf '%s\n' "$out" | awk -F: 'NR > 2 { gsub(/[ \t]/, "", $1); print $1 }')" lo "as root: only lo"

done_testing
