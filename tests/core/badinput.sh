#!/usr/bin/env bash
# Bad input gets one clear line on stderr and the right status: 125 for the launcher's own
# failures (naming the option or path), 126 for a command that cannot be executed, 127 for one
# that does not exist.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

# one_line DESC: stderr is exactly one line starting "hutch: ".
one_line() {
	if [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ $err == "hutch: "* ]]; then
		ok "$1"
	else
		not_ok "$1" "stderr:" "$err"
	fi
}

# mentions TEXT DESC
mentions() {
	if [[ $err == *"$1"* ]]; then ok "$2"; else not_ok "$2" "stderr does not name '$1':" "$err"; fi
}

run_hutch --no-such-option -- true
expect_exit 125 "unknown option: 125"
mentions --no-such-option "unknown option: the message names it"
one_line "unknown option: one line"
is "$out" "" "unknown option: nothing on stdout"

missing=$TEST_TMP/no/such/source
run_hutch --bind "$missing:/x" -- true
expect_exit 125 "missing bind source: 125"
mentions "$missing" "missing bind source: the message names the path"
mentions "No such file or directory" "missing bind source: the message gives the reason"
one_line "missing bind source: one line"
like "$err" '^hutch: [^:]+: .+: .+$' "missing bind source: hutch: <step>: <detail>: <strerror>"

run_hutch --ro-bind "$missing" -- true
expect_exit 125 "missing --ro-bind source: 125"

# A setup failure races with the launcher reading the sandbox's messages; repeat it so that a
# lost error (a launcher waiting forever) shows up here rather than once in a while.
statuses=
for ((i = 0; i < 25; i++)); do
	HUTCH_TIMEOUT=3 run_hutch --bind "$missing:/x" -- true
	statuses="$statuses $rc"
	[ "$rc" = 125 ] || break
done
is "${statuses# }" "$(printf '125 %.0s' {1..25} | sed 's/ $//')" \
	"25 setup failures in a row: each ends at once with 125 (124/137: the launcher hung)"

mkdir -p "$TEST_TMP/src"
run_hutch --symlink /tmp:/x --bind "$TEST_TMP/src:/x/y" -- true
expect_exit 125 "bind onto a path through a symlink planted in the sandbox: 125"
one_line "bind through a symlink: one line"

run_hutch
expect_exit 125 "no command: 125"
one_line "no command: one line"
run_hutch --
expect_exit 125 "empty command after --: 125"

run_hutch -- "no-such-command-$$"
expect_exit 127 "command not found: 127"
mentions "no-such-command-$$" "command not found: the message names it"
one_line "command not found: one line"
run_hutch -- /no/such/file
expect_exit 127 "absolute path that does not exist: 127"

run_hutch -- /etc/passwd
expect_exit 126 "a file without x bit: 126"
mentions /etc/passwd "not executable: the message names it"
one_line "not executable: one line"
run_hutch -- /usr
expect_exit 126 "a directory as the command: 126"
printf '#!/bin/sh\necho hi\n' >"$TEST_TMP/src/script"
chmod 644 "$TEST_TMP/src/script"
run_hutch --ro-bind "$TEST_TMP/src:/src" -- /src/script
expect_exit 126 "a bound script without x bit: 126"

run_hutch --uid abc -- true
expect_exit 125 "--uid abc: 125"
mentions --uid "--uid abc: the message names the option"
run_hutch --hostname 'a b' -- true
expect_exit 125 "--hostname with a space: 125"
run_hutch --idmap bogus -- true
expect_exit 125 "--idmap bogus: 125"
run_hutch --bind -- true
expect_exit 125 "--bind without its argument (eats --): 125"
run_hutch --tmpfs relative/path -- true
expect_exit 125 "--tmpfs with a relative path: 125"
run_hutch --setenv NOEQUALS -- true
expect_exit 125 "--setenv without =: 125"

done_testing
