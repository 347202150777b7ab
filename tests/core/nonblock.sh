#!/usr/bin/env bash
# No input blocks hutch (issue 23): a fifo, a device or a directory given where hutch reads or
# writes a file (--seccomp, --report, --profile) is refused at once with one line naming the
# option and the path; SIGTERM and SIGINT end a start that waits (hutch-bwrap's --block-fd
# and --userns-block-fd hold pid 1 until data comes) with 143 and 130, the sandbox gone.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
plan 16

F=$TEST_TMP/fifo
mkfifo "$F" || bail_out "cannot make a fifo"

# refused OPTION PATH WHAT: one line "hutch: OPTION: PATH: not a regular file", exit 125, at
# once (with_timeout is a limit: main waited in open() for ever).
refused() {
	HUTCH_TIMEOUT=10 run_hutch "$1" "$2" -- true
	is "$rc:$err" "125:hutch: $1: $2: not a regular file" "$1 $3: refused in one line"
}
refused --seccomp "$F" "a fifo with no writer"
refused --report "$F" "a fifo with no reader"
exec {rw}<>"$F"
refused --report "$F" "a fifo with a reader"
refused --seccomp "$F" "a fifo with a writer"
exec {rw}>&-
refused --seccomp /dev/null "a character device"
refused --seccomp "$TEST_TMP" "a directory"
refused --report /dev/null "a character device"
HUTCH_TIMEOUT=10 run_hutch --profile "$F" -- true
is "$rc" 125 "--profile a fifo: refused"
like "$err" "not a regular file" "--profile a fifo: said so"
check "no report file was made beside" test ! -e "$TEST_TMP/report"

# ---- signals during a start that waits ----
BW=$(dirname "$HUTCH")/hutch-bwrap
fifo_open block "$TEST_TMP/block" || bail_out "cannot make a fifo"
fifo_open info "$TEST_TMP/info" || bail_out "cannot make a fifo"
base=(--ro-bind / / --dev /dev --proc /proc)

# stopped SIG CODE OPT [EXTRA...]: the start is held by OPT; the launcher's --info-fd line says
# pid 1 exists; SIG then ends it with CODE and pid 1 is gone.
stopped() {
	local sig=$1 code=$2 opt=$3 pid1
	shift 3
	"$BW" "${base[@]}" "$@" --info-fd 9 "$opt" "$block" -- true 9>"$TEST_TMP/info" </dev/null \
		>/dev/null 2>"$TEST_TMP/bw.err" &
	local p=$!
	track_pid "$p"
	# the JSON spans lines: up to the one with the pid
	while read_line "$info" 20 && ! [[ $line =~ child-pid ]]; do :; done
	if ! [[ $line =~ child-pid ]]; then
		not_ok "$opt: SIG$sig ends the start with $code" "no --info-fd line: $(cat "$TEST_TMP/bw.err")"
		kill -KILL "$p"
		wait "$p"
		skip "no pid 1 to look for"
		return
	fi
	pid1=$(sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p' <<<"$line")
	kill "-$sig" "$p"
	hutch_pid=$p
	wait_hutch 20
	is "$rc" "$code" "$opt: SIG$sig ends the start with $code"
	check "$opt: SIG$sig: pid 1 ($pid1) is gone" test ! -e "/proc/$pid1"
}
stopped TERM 143 --block-fd
stopped INT 130 --block-fd
stopped TERM 143 --userns-block-fd --unshare-user
