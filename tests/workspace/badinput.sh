#!/usr/bin/env bash
# Bad input: one line naming the problem, a non-zero exit, and nothing left in the state dir.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
plan 22

W=$TEST_TMP/proj
CTL=$TEST_TMP/ctl
mkdir -p "$CTL"
make_tree "$W"

one_line() { # DESC WANT-EXIT REGEX
	local n
	n=$(printf '%s\n' "$err" | grep -c .)
	if [ "$rc" = "$2" ] && [ "$n" = 1 ] && printf '%s\n' "$err" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1" "exit $rc, $n lines:" "$err"
	fi
}
sub() { # run a subcommand: sets rc, out, err
	"$HUTCH" "$@" >"$TEST_TMP/.o" 2>"$TEST_TMP/.e"
	rc=$?
	out=$(cat "$TEST_TMP/.o")
	err=$(cat "$TEST_TMP/.e")
}

run_hutch --workspace "$TEST_TMP/missing" -- true
one_line "a missing DIR" 125 "^hutch: --workspace: .*missing.*No such file"
run_hutch --workspace "$W/text.txt" -- true
one_line "a DIR that is a file" 125 "^hutch: --workspace: .*text.txt.*Not a directory"
run_hutch --workspace "$W:relative" -- true
one_line "a relative DST" 125 "^hutch: --workspace: relative: the destination must be absolute"
run_hutch --workspace "$W" --workspace-mode copy -- true
one_line "an unknown mode" 125 "^hutch: --workspace-mode: 'copy' is not one of"
run_hutch --workspace "$W" --mask '[abc' -- true
one_line "a bad glob" 125 "^hutch: --mask: '\[abc': unbalanced"
run_hutch --workspace "$W" --mask '**' -- true
one_line "a glob that hides everything" 125 "^hutch: --mask: '\*\*'"
run_hutch --workspace "$W" --mask 'a/**b' -- true
one_line "** inside a component" 125 "^hutch: --mask: 'a/\*\*b'"
run_hutch --workspace "$W" --protect ../x -- true
one_line "a protect path with .." 125 "^hutch: --protect: '../x'"
run_hutch --protect .envrc -- true
one_line "--protect without a workspace" 125 "^hutch: --protect: needs --workspace"
XDG_STATE_HOME=$W/state run_hutch --workspace "$W" -- true
one_line "a state dir inside the workspace" 125 "holds the workspace state"
run_hutch --workspace "$W" --name bad --rootfs "$TEST_TMP/missing-root" -- true
is "$rc" 125 "a launch that fails"
check "leaves no state behind" test ! -e "$STATE/bad"
sub changes nope
one_line "changes of an unknown NAME" 125 "^hutch: workspace: nope: no such workspace"
sub apply nope
one_line "apply of an unknown NAME" 125 "^hutch: workspace: nope: no such workspace"
sub discard nope
one_line "discard of an unknown NAME" 125 "^hutch: workspace: nope: no such workspace"
sub changes ../etc
one_line "a NAME with a slash" 125 "is not a workspace name"
sub changes
is "$rc" 2 "changes without a NAME is a usage error"
sub changes x --bogus
is "$rc" 2 "an unknown option of changes is a usage error"
sub discard
is "$rc" 2 "discard without a NAME is a usage error"

run_hutch --workspace "$W" --name busy -- true
fifo_open ready "$CTL/ready" || bail_out "cannot make a fifo"
spawn_hutch --workspace "$W" --bind "$CTL:$CTL" --name busy -- sh -c 'echo r >"$1/ready"; exec sleep 1000' sh "$CTL"
read_line "$ready" 20
sub apply busy
one_line "apply of a workspace in use" 125 "busy is in use by a running sandbox"
run_hutch --workspace "$W" --name busy -- true
# The name is checked first (state_validate), the workspace's lock after it: either refuses.
one_line "a second sandbox on a workspace in use" 125 "workspace busy is in use|a sandbox named busy is running already"
kill -KILL "$hutch_pid"; wait "$hutch_pid" 2>/dev/null
run_hutch --workspace "$W/docs" --name busy -- true
one_line "another DIR under a kept NAME" 125 "holds changes to other directories"
