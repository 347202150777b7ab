#!/usr/bin/env bash
# Signals sent to the launcher reach the command (through the init, or directly with
# --as-pid-1). The command traps the signal, writes a marker and exits 42; readiness and the
# marker travel through a bound directory with a fifo, never a sleep.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

share=$TEST_TMP/share
mkdir "$share"
fifo_open ready "$share/ready" || bail_out "cannot make a fifo"

# A shell waiting in `wait`, which a trapped signal interrupts at once (POSIX).
trapper() {
	printf '%s' "trap 'echo $1 > /share/marker; exit 42' $1; sleep 1000 & echo ready > /share/ready; wait"
}

# send OPTS SIG: start, wait for ready, send SIG to the launcher, wait for it to end. After a
# sandbox that never got ready, the rest is skipped rather than waited for.
broken=
send() {
	local opts=$1 sig=$2
	if [ -n "$broken" ]; then
		skip_n 2 "a sandbox never got ready: $broken"
		return
	fi
	rm -f "$share/marker"
	# shellcheck disable=SC2086
	spawn_hutch $opts --bind "$share:/share" -- sh -c "$(trapper "$sig")"
	if ! read_line "$ready" 20; then
		not_ok "$sig reaches the command${opts:+ ($opts)}" "the sandbox never said ready"
		kill -KILL "$hutch_pid" 2>/dev/null
		wait_hutch 10
		diag "$(_last_run_diag)"
		skip "no exit status to check"
		broken="$sig${opts:+ ($opts)}"
		return
	fi
	kill "-$sig" "$hutch_pid"
	wait_hutch 20
	is "$(cat "$share/marker" 2>/dev/null)" "$sig" "$sig reaches the command${opts:+ ($opts)}"
	expect_exit 42 "the launcher returns the command's status after $sig${opts:+ ($opts)}"
}

# SIGINT and SIGQUIT are left out: bash starts background jobs with them ignored, and a shell
# cannot trap a signal ignored on entry.
for sig in TERM HUP USR1 USR2; do
	send "" "$sig"
done
send --as-pid-1 TERM
send --as-pid-1 HUP

# Without a trap, SIGTERM ends the command and the launcher reports 128+15.
spawn_hutch --bind "$share:/share" -- sh -c 'echo ready > /share/ready; exec sleep 1000'
if [ -n "$broken" ]; then
	kill -KILL "$hutch_pid" 2>/dev/null
	wait_hutch 10
	skip "a sandbox never got ready: $broken"
elif read_line "$ready" 20; then
	kill -TERM "$hutch_pid"
	wait_hutch 20
	expect_exit 143 "an untrapped SIGTERM ends the command: 143"
else
	not_ok "an untrapped SIGTERM ends the command: 143" "the sandbox never said ready"
fi

done_testing
