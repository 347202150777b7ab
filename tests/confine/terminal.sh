#!/usr/bin/env bash
# The terminal: with stdin on a terminal (a pty the probe makes) the command stays in the
# caller's session, and the filter refuses TIOCSTI/TIOCLINUX, also with junk in the upper half
# of the request; with stdin elsewhere the command gets a session of its own (--new-session).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-confine.sh"
require_userns

# pty_probe STDIN [HUTCH OPTS...] -- PROBE ARGS...: hutch on a new controlling terminal, with
# stdin the terminal (STDIN=tty) or /dev/null (STDIN=null); output (\r removed) in $out.
pty_probe() {
	local stdin=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	local cmd=("${HUTCH_CMD[@]}" "${opts[@]}" --ro-bind "$PROBE:/probe" -- /probe "$@")
	_last_cmd="probe pty ${cmd[*]}"
	if [ "$stdin" = null ]; then
		cmd=(sh -c 'exec "$@" </dev/null' sh "${cmd[@]}")
	fi
	out=$(with_timeout 30 "$PROBE" pty "${cmd[@]}" </dev/null 2>&1)
	rc=$?
	out=$(strip_cr "$out")
	err=
}

pty_probe tty -- tty
is "$out" $'session_leader=no\nctty=yes\nstdin_tty=yes' \
	"stdin a terminal: the command keeps the caller's session and terminal"

pty_probe tty --seccomp none -- syscall tiocsti
diag "TIOCSTI without the filter: $out (dev.tty.legacy_tiocsti=$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null || echo n/a))"
pty_probe tty -- syscall tiocsti
is "$out" "tiocsti: EPERM" "TIOCSTI on the controlling terminal is refused"
pty_probe tty -- syscall tiocsti-hi
is "$out" "tiocsti-hi: EPERM" "TIOCSTI with bit 32 set is refused too (32-bit compare)"
pty_probe tty -- syscall tioclinux
is "$out" "tioclinux: EPERM" "TIOCLINUX is refused"

pty_probe null -- tty
is "$out" $'session_leader=yes\nctty=no\nstdin_tty=no' \
	"stdin not a terminal: a new session without a controlling terminal"
pty_probe null -- syscall tiocsti
is "$out" "tiocsti: EPERM" "stdin not a terminal: TIOCSTI still refused"

pty_probe tty --new-session yes -- tty
like "$out" $'session_leader=yes\nctty=no' "--new-session yes on a terminal: a new session"
pty_probe null --new-session no -- tty
like "$out" '^session_leader=no' "--new-session no: the caller's session"

done_testing
