#!/usr/bin/env bash
# --info-fd N and --json-status-fd N, bwrap's interface for programs that drive a sandbox: the
# child's host pid and the inode of each of its namespaces as JSON once it exists, and on the
# status fd the exit code at the end; the fds do not reach the command.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cmd.sh"
require_userns

fifo_open GO "$SHARE/go" || bail_out "cannot make a fifo"
fifo_open STATUS "$TEST_TMP/status" || bail_out "cannot make a fifo"
# The command's own fds 3 and 4 (the shell's: [ is a built-in).
SCRIPT="for n in 3 4; do [ -e /proc/self/fd/\$n ] && echo \"fd \$n open\"; done >/share/fds; $SAY_READY; read x </share/go; exit 5"

# Both fds are fifos of this test's, read line by line as a driving program would.
"${HUTCH_CMD[@]}" --info-fd 3 --json-status-fd 4 --bind "$SHARE:/share" -- sh -c "$SCRIPT" \
	3>"$TEST_TMP/info" 4>"$TEST_TMP/status" </dev/null >"$TEST_TMP/sb.out" 2>"$TEST_TMP/sb.err" &
sb_pid[sb]=$!
track_pid "$!"
read_line "$READY" 20 || bail_out "the sandbox never got ready: $(cat "$TEST_TMP/sb.err")"
read_line "$INFO" 20 || bail_out "no line on --info-fd: $(cat "$TEST_TMP/sb.err")"
printf '%s\n' "$line" >"$TEST_TMP/info.json"
read_line "$STATUS" 20 || bail_out "no line on --json-status-fd: $(cat "$TEST_TMP/sb.err")"
printf '%s\n' "$line" >"$TEST_TMP/status.json"
pid1=$(pid1_of "${sb_pid[sb]}")

check "--info-fd: JSON" python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$TEST_TMP/info.json"
is "$(json 'd["child-pid"]' <"$TEST_TMP/info.json")" "$pid1" "--info-fd: child-pid is the host pid of the sandbox's pid 1"
for ns in cgroup ipc mnt net pid user uts; do
	is "$(json "d.get(\"$ns-namespace\")" <"$TEST_TMP/info.json")" "$(ns_inode "$ns" "$pid1")" \
		"--info-fd: $ns-namespace is the inode of /proc/CHILD/ns/$ns"
done
is "$(json 'sorted(d)' <"$TEST_TMP/info.json")" \
	"['cgroup-namespace', 'child-pid', 'ipc-namespace', 'mnt-namespace', 'net-namespace', 'pid-namespace', 'user-namespace', 'uts-namespace']" \
	"--info-fd: bwrap's keys, no others"
is "$(cat "$TEST_TMP/status.json")" "$(cat "$TEST_TMP/info.json")" "--json-status-fd: the same JSON first"
is "$(cat "$SHARE/fds")" "" "neither fd reaches the command"

echo go >&"$GO"
sandbox_wait sb 20
is "$rc" 5 "the sandbox exits with the command's status"
# hutch is gone: only what it wrote is left in the fifos, then end of file.
fifo_reader_only INFO_RD "$TEST_TMP/info" "$INFO"
fifo_reader_only STATUS_RD "$TEST_TMP/status" "$STATUS"
read_line "$STATUS_RD" 5
is "$line" '{"exit-code": 5}' "--json-status-fd: then the exit code"
is "$(printf '%s' "$line" | json 'd["exit-code"]')" 5 "--json-status-fd: the exit code line is JSON"
read_line "$STATUS_RD" 5
is "$?" 1 "--json-status-fd: two lines in all"
read_line "$INFO_RD" 5
is "$?" 1 "--info-fd: one line in all"

# A status fd that is a pipe (as a driving program has it), with a command killed by a signal.
exec {rd}< <("${HUTCH_CMD[@]}" --json-status-fd 1 -- sh -c 'kill -KILL $$' 2>/dev/null)
mapfile -t lines <&"$rd"
exec {rd}<&-
is "${#lines[@]}" 2 "--json-status-fd on a pipe: two lines"
is "${lines[1]:-}" '{"exit-code": 137}' "--json-status-fd: a command killed by SIGKILL reports 137"

run_hutch --info-fd 99 -- true
expect_exit 125 "--info-fd of a closed fd: 125"
like "$err" "--info-fd: '99' is not an open file descriptor" "--info-fd of a closed fd: says so"
run_hutch --json-status-fd x -- true
expect_exit 125 "--json-status-fd x: 125"

done_testing
