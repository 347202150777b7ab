# shellcheck shell=bash
# What the network tests share, sourced after ../lib.sh: servers on the host's loopback
# (serve.py, readiness through a fifo), one-line TCP greetings, and waiting for a process to
# end through a pidfd, never a timer.
NET_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

command -v python3 >/dev/null || skip_all "python3 is needed for the test servers"

# start_server ADDR NAME COUNT: serve.py on the host, greeting COUNT connections with NAME;
# sets $server_port and $server_pid. 1 when it never said ready.
start_server() {
	local fifo=$TEST_TMP/server.$RANDOM fd
	fifo_open fd "$fifo" || return 1
	python3 "$NET_TESTS/serve.py" "$1" 0 "$fifo" "$2" "$3" &
	server_pid=$!
	track_pid "$server_pid"
	read_line "$fd" 20 || return 1
	server_port=${line#ready }
	exec {fd}>&-
}

# greeting HOST PORT: the line a server greets with, or the connection's error.
greeting() {
	timeout 20 bash -c 'exec 3<>"/dev/tcp/$1/$2" && IFS= read -r l <&3 && echo "$l"' _ "$1" "$2" 2>&1
}

# free_port: a TCP port nobody uses now, chosen by the kernel.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])'
}

# wait_gone PID SECS: 0 once PID has ended (or never existed), 1 when SECS passed first.
wait_gone() {
	python3 - "$1" "$2" <<'PY'
import os, select, sys
try:
    fd = os.pidfd_open(int(sys.argv[1]))
except ProcessLookupError:
    sys.exit(0)
sys.exit(0 if select.select([fd], [], [], float(sys.argv[2]))[0] else 1)
PY
}

# helper_of PID: the pid of PID's child that is slirp4netns or pasta (pasta runs as
# passt.avx2 or passt after re-executing itself).
helper_of() {
	ps -o pid=,comm= --ppid "$1" | awk '$2 ~ /^(slirp4netns|pasta|passt)/ { print $1; exit }'
}

# reaped_hutch LIST [OPTS...] -- CMD...: run_hutch under reaper.py, a child subreaper standing
# for the session's init: LIST gets the names of the processes hutch left to it (its sandbox's
# pid 1, which it leaves to the init by design, dead or ending).
reaped_hutch() {
	local list=$1
	shift
	_last_cmd="${HUTCH_CMD[*]} $*"
	with_timeout "${HUTCH_TIMEOUT:-30}" python3 "$NET_TESTS/reaper.py" "$list" "${HUTCH_CMD[@]}" "$@" \
		</dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}

# no_helper_left LIST DESC: ok when reaped_hutch's LIST names no process of our own pid
# namespace (slirp4netns, pasta, or a child forked for them that had not exec'd yet), only
# the sandbox's pid 1: the launcher reaped its back-end itself before it returned.
no_helper_left() {
	if [ -f "$1" ] && ! grep -Eqv ' ([2-9]|[0-9]{2,}) [01]$' "$1"; then
		ok "$2"
	else
		not_ok "$2" "left to the init: $(paste -sd' ' "$1" 2>/dev/null)" "$(_last_run_diag)"
	fi
}

# no_backend_left LIST DESC: ok when reaped_hutch's LIST names no process of our own pid
# namespace that leads its own session, as the back-end does: the back-end itself was reaped by
# hutch (a child the back-end forked in its own start may outlive it by a moment, and end).
no_backend_left() {
	if [ -f "$1" ] && ! grep -Eq ' 1 1$' "$1"; then
		ok "$2"
	else
		not_ok "$2" "left to the init: $(paste -sd' ' "$1" 2>/dev/null)" "$(_last_run_diag)"
	fi
}

# have_backend NAME: whether its program is installed (slirp: slirp4netns).
have_backend() {
	case $1 in
	slirp) command -v slirp4netns >/dev/null ;;
	pasta) command -v pasta >/dev/null ;;
	esac
}

# A directory the sandboxes see as /share: the test servers and their fifos.
net_share() {
	share=$TEST_TMP/share
	mkdir -p "$share"
	chmod 777 "$share"
	cp "$NET_TESTS/serve.py" "$share/"
}
