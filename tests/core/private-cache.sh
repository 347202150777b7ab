#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2088 # $ and ~ are for the sandbox's shell and for hutch
# --private-cache and the profile directive: an empty ~/.cache of the sandbox's own, writable,
# mounted after the whitelists so that it hides what they show in it (firejail's private-cache);
# nothing reaches the host, and a missing ~/.cache is not created in a visible home.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

export HOME=$TEST_TMP/home
mkdir -p "$HOME/.cache/foo" "$HOME/.cache/bar"
echo cached >"$HOME/.cache/foo/f"

run_hutch --whitelist '~/.cache/foo' -- sh -c 'ls -A ~/.cache'
is "$out" foo "without --private-cache a whitelist shows its part of ~/.cache"
run_hutch --private-cache --whitelist '~/.cache/foo' -- sh -c 'ls -A ~/.cache; echo end'
expect_exit 0 "--private-cache with a whitelist in ~/.cache runs"
is "$out" end "--private-cache: ~/.cache is empty, the whitelisted part hidden too"
run_hutch --private-cache --home host -- sh -c 'ls -A ~/.cache; echo x >~/.cache/new && echo wrote'
is "$out" wrote "--home host --private-cache: empty and writable"
check "… and the write stays in the sandbox" test ! -e "$HOME/.cache/new"
is "$(ls -A "$HOME/.cache" | tr '\n' ' ')" "bar foo " "the host's ~/.cache is unchanged"

mkdir -p "$TEST_TMP/bare"
HOME=$TEST_TMP/bare run_hutch --private-cache --home host -- sh -c 'echo ran'
is "$out" ran "no ~/.cache: skipped, the command runs"
check "… and no ~/.cache was created in the visible home" test ! -e "$TEST_TMP/bare/.cache"

printf 'private-cache\nwhitelist ~/.cache/foo\n' >"$TEST_TMP/pc.profile"
run_hutch --profile "$TEST_TMP/pc.profile" -- sh -c 'ls -A ~/.cache; echo end'
is "$out" end "the profile directive private-cache does the same"

run_hutch --tier restricted --private-cache -- true
expect_exit 125 "--tier restricted refuses --private-cache"
like "$err" "cannot give private-cache" "… naming it"

done_testing
