#!/usr/bin/env bash
# One command runner behind three supervisors (issue 28 item 2): the full sandbox's pid 1, the
# restricted tier's launcher and `hutch join` start the same command process (command.c's
# command_run) and read its failure back the same way (SYNC_ERROR): the same one line and the
# same status from each, for a program not found (127), one that cannot be executed (126) and a
# confinement step that fails (125, the step named); --keep-fd's fd reaches the sandbox's and
# the restricted tier's command, and nothing of the caller's beyond stdin, stdout and stderr
# reaches join's.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cmd.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../tier/lib-tier.sh"
require_userns

missing=hutch-no-such-program-$$
mkdir -m 0777 "$SHARE/sub" || bail_out "cannot make $SHARE/sub"
sandbox_start rn --chdir /share/sub -- "$SAY_READY; exec sleep 1000" || bail_out "the sandbox did not start"

# supervisor LABEL: run_hutch's arguments for it ("full", "restricted"), or join of rn.
runs=(full)
if [ "$(landlock_abi)" -gt 0 ]; then
	runs+=(restricted)
else
	skip "the restricted tier: this kernel does not offer Landlock"
fi
start() { # LABEL ARGS... -- CMD...
	local label=$1
	shift
	case $label in
	full) run_hutch "$@" ;;
	restricted) run_hutch --tier restricted "$@" ;;
	esac
}

for s in "${runs[@]}"; do
	start "$s" -- "$missing"
	expect_exit 127 "$s: a program not found: 127"
	is "$err" "hutch: exec: $missing: No such file or directory" "$s: ... and one line naming it"
	start "$s" -- /dev/null
	expect_exit 126 "$s: a file that cannot be executed: 126"
	is "$err" "hutch: exec: /dev/null: Permission denied" "$s: ... and one line naming it"
	start "$s" --chdir /hutch-no-such-dir -- true
	expect_exit 125 "$s: a failed confinement step (chdir): 125"
	is "$err" "hutch: chdir: /hutch-no-such-dir: No such file or directory" "$s: ... and one line naming the step"
	start "$s" --keep-fd 5 -- sh -c 'test -e /proc/self/fd/5 && ! test -e /proc/self/fd/6 && echo kept' 5</dev/null 6</dev/null
	is "$rc:$out" "0:kept" "$s: --keep-fd's fd reaches the command, another one does not"
done

hutch_sub join rn "$missing"
expect_exit 127 "join: a program not found: 127"
is "$err" "hutch: exec: $missing: No such file or directory" "join: ... and one line naming it"
hutch_sub join rn /dev/null
expect_exit 126 "join: a file that cannot be executed: 126"
is "$err" "hutch: exec: /dev/null: Permission denied" "join: ... and one line naming it"
hutch_sub join rn sh -c 'test -e /proc/self/fd/5 || test -e /proc/self/fd/6 || echo none' 5</dev/null 6</dev/null
is "$rc:$out" "0:none" "join: no fd of the joiner's beyond 0, 1 and 2 reaches the command"
# The sandbox's --chdir is gone: join's command fails that step.
rmdir "$SHARE/sub" || bail_out "cannot remove $SHARE/sub"
hutch_sub join rn true
expect_exit 125 "join: a failed confinement step (chdir): 125"
is "$err" "hutch: chdir: /share/sub: No such file or directory" "join: ... and one line naming the step"

kill -TERM "${sb_pid[rn]}"
sandbox_wait rn 10
done_testing
