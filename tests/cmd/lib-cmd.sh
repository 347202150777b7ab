# shellcheck shell=bash
# Helpers of the cmd room (hutch list, join, stop; --info-fd, --json-status-fd), sourced after
# tests/lib.sh. Every test gets a runtime dir of its own for the records, and a directory
# bound at /share in its sandboxes with a fifo through which each says it is ready.

command -v python3 >/dev/null || skip_all "python3 is needed to read the JSON"

# The records go below $XDG_RUNTIME_DIR/hutch, whatever (or nothing) the caller's session has.
export XDG_RUNTIME_DIR=$TEST_TMP/run
# and `hutch list` shows the workspaces of this test alone (others run at the same time)
export XDG_STATE_HOME=$TEST_TMP/state
mkdir -m 0700 "$XDG_RUNTIME_DIR" || bail_out "cannot make $XDG_RUNTIME_DIR"
STATE=$XDG_RUNTIME_DIR/hutch

SHARE=$TEST_TMP/share
mkdir -m 0777 "$SHARE" || bail_out "cannot make $SHARE"
fifo_open READY "$SHARE/ready" || bail_out "cannot make a fifo"

# What a sandbox's script says when it is up: after pivot_root, so join can enter it.
SAY_READY='echo ready > /share/ready'

# Each sandbox also gets --info-fd on this fifo: hutch writes that line after its record, which
# the command may otherwise outrun. INFO_FD is the fd number the launcher gets it on.
fifo_open INFO "$TEST_TMP/info" || bail_out "cannot make a fifo"
INFO_FD=3

# await_sandbox NAME: both lines, the command's and the launcher's. 1 when one did not come.
await_sandbox() {
	if ! read_line "$READY" 20; then
		diag "sandbox $1 never got ready: $(cat "$TEST_TMP/$1.err" 2>/dev/null)"
		return 1
	fi
	if ! read_line "$INFO" 20; then
		diag "sandbox $1 never wrote its --info-fd line: $(cat "$TEST_TMP/$1.err" 2>/dev/null)"
		return 1
	fi
}

# hutch_sub ARGS...: a subcommand (it must be the first word, so no --idmap before it); sets
# $out, $err, $rc like run_hutch. Stdin is /dev/null unless HUTCH_STDIN names a file.
hutch_sub() {
	_last_cmd="$HUTCH $*"
	with_timeout "${HUTCH_TIMEOUT:-30}" "$HUTCH" "$@" <"${HUTCH_STDIN:-/dev/null}" \
		>"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
	return 0
}

# sandbox_start NAME [OPTS...] -- SCRIPT: hutch --name NAME OPTS, /share bound, running
# sh -c SCRIPT, which must say ready ($SAY_READY); waits for that and for the record. The
# launcher's pid is in ${sb_pid[NAME]}, its output in $TEST_TMP/NAME.{out,err}. 1 when it
# never got ready.
declare -A sb_pid=()
sandbox_start() {
	local name=$1 opts=()
	shift
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	"${HUTCH_CMD[@]}" --name "$name" --info-fd "$INFO_FD" --bind "$SHARE:/share" "${opts[@]}" -- sh -c "$2" \
		</dev/null >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" 3>"$TEST_TMP/info" &
	sb_pid[$name]=$!
	track_pid "$!"
	await_sandbox "$name"
}

# sandbox_wait NAME SECS: wait for NAME's launcher (killed after SECS); its status in $rc. The
# limit is a pidfd's, not a sleep(1) timer's: a timer killed before it has exec'd sleep would
# still be a copy of this shell, and run its TERM trap and so its cleanup.
sandbox_wait() {
	local pid=${sb_pid[$1]}
	if ! wait_exit "$pid" "$2"; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=124
		return 0
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	return 0
}

# children_of PID: the host pids whose parent is PID. Built-ins only: a process that ends while
# the list is read is skipped (awk would stop at its vanished file).
children_of() {
	local f st fields
	for f in /proc/[0-9]*/stat; do
		{ IFS= read -r st <"$f"; } 2>/dev/null || continue
		read -ra fields <<<"${st##*) }"
		[ "${fields[1]}" = "$1" ] && { f=${f#/proc/}; echo "${f%/stat}"; }
	done
	return 0
}

# pid1_of LAUNCHER: the host pid of the sandbox's pid 1: the launcher's child that is pid 1
# of its own pid namespace (the last NSpid field is its pid there).
pid1_of() {
	local c
	for c in $(children_of "$1"); do
		[ "$(awk '$1 == "NSpid:" { print $NF }' "/proc/$c/status" 2>/dev/null)" = 1 ] && echo "$c"
	done
	return 0
}

# json EXPR [ARGS...] < FILE: EXPR evaluated by python3 with the parsed document as d (and the
# ARGS as sys.argv[1:]).
json() {
	local expr=$1
	shift
	python3 -c "import json, sys; d = json.load(sys.stdin); print($expr)" "$@"
}

# wait_exit PID SECS: until PID has exited (a zombie counts), through a pidfd, at most SECS.
wait_exit() {
	python3 -c 'import os, select, sys
try:
    fd = os.pidfd_open(int(sys.argv[1]))
except ProcessLookupError:
    sys.exit(0)
sys.exit(0 if select.select([fd], [], [], float(sys.argv[2]))[0] else 1)' "$1" "$2"
}

# ns_inode TYPE PID: the inode number of /proc/PID/ns/TYPE.
ns_inode() {
	readlink "/proc/$2/ns/$1" | tr -dc 0-9
}
