#!/usr/bin/env bash
# shellcheck disable=SC2088 # ~ is for hutch to expand
# A start that fails changes nothing on the host (issue 21): under every shipped profile, a
# command that does not exist (exit 127) leaves the home as it was, although the profile's
# mkdir lines made their directories for the sandbox's mounts; so does a start the launcher
# refuses after them. A start that succeeds keeps them.
# Against f9983ce: firefox, thunderbird, npm, cargo, pip and the other profiles with mkdir
# lines left ~/.mozilla, ~/Downloads, ~/.cache/hutch/... behind.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

mkdir -p "$HOME/project"
printf '[user]\n\tname = Test\n' >"$HOME/.gitconfig"
cd "$HOME/project" || bail_out "cd"

# Every name, type, mode and size below the home, and each file's checksum (not the times).
listing() {
	(cd "$HOME" && find . -printf '%p %y %m %s\n' | sort && find . -type f -exec md5sum {} + | sort)
}
before=$(listing)

for name in $(shipped_names); do
	run_hutch --profile "$name" -- hutch-test-no-such-command --version
	if [ "$rc" != 127 ]; then
		not_ok "$name: a missing command is exit 127" "exit $rc: $err"
		continue
	fi
	after=$(listing)
	if [ "$after" = "$before" ]; then
		ok "$name: a missing command leaves the home byte-identical"
	else
		not_ok "$name: a missing command leaves the home byte-identical" "$(diff <(echo "$before") <(echo "$after"))"
		before=$after
	fi
done

run_hutch --mkdir '~/made/deep' --whitelist '~/made/deep' --bind /nonexistent-source:/x -- true
expect_exit 125 "a mount refused after --mkdir: exit 125"
check "... and the directories it made are gone again" test ! -e "$HOME/made"
run_hutch --profile firefox -- true
expect_exit 0 "a start that succeeds"
check "... keeps the profile's directories" test -d "$HOME/.mozilla" -a -d "$HOME/Downloads"

done_testing
