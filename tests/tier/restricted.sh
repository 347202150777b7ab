#!/usr/bin/env bash
# The restricted tier asked for directly (--tier restricted; no user namespace is tried): the
# file system is what the profile allows and nothing else, no network unless allowed, Unix
# sockets only under --accept-weaker, signals scoped (Landlock ABI 6), no_new_privs and the
# seccomp filter, the environment scrub and the fd sweep, exit statuses and signals as in the
# full tier, nothing left running after it; what it cannot do is refused naming the directive.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-tier.sh"
require_landlock
ABI=$(landlock_abi)

ro=$TEST_TMP/ro
rw=$TEST_TMP/rw
mkdir "$ro" "$rw"
echo readable >"$ro/file"
echo secret >"$TEST_TMP/secret"
R=(--tier restricted --read-only "$ro" --bind "$rw")

run_hutch "${R[@]}" -- cat "$ro/file"
is "$rc:$out" "0:readable" "a path the profile allows is readable"
run_hutch "${R[@]}" -- cat "$TEST_TMP/secret"
like "$rc:$(flat "$err")" '^1:.*Permission denied' "a path outside the allowed set is not (EACCES)"
run_hutch "${R[@]}" -- ls /tmp
like "$rc:$(flat "$err")" '^2:.*Permission denied' "/tmp is out of reach (no private /tmp in this tier)"
run_hutch "${R[@]}" -- sh -c "echo x > '$rw/new'"
is "$rc:$(cat "$rw/new" 2>/dev/null)" "0:x" "the writable set is writable"
run_hutch "${R[@]}" -- sh -c "echo x > '$ro/new'"
like "$rc:$(flat "$err")" '^2:.*Permission denied' "a read-only path is not writable"
run_hutch "${R[@]}" -- sh -c "echo x > '$TEST_TMP/other'"
like "$rc:$(flat "$err")" '^2:.*Permission denied' "a path outside both sets is not writable"
[ -e "$ro/new" ] || [ -e "$TEST_TMP/other" ] && not_ok "nothing was written outside the writable set" ||
	ok "nothing was written outside the writable set"

# No network by default: TCP and UDP sockets are refused; with the host's network a connect
# to a closed port reaches the kernel (refused by it, not by hutch).
run_hutch "${R[@]}" -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/1'
like "$err" 'Permission denied' "no network: TCP is refused"
run_hutch "${R[@]}" -- bash -c 'exec 3<>/dev/udp/127.0.0.1/9'
like "$err" 'Permission denied' "no network: UDP is refused"
run_hutch "${R[@]}" --share-net -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/1'
like "$err" 'Connection refused' "--share-net: TCP reaches the host's network"

if command -v python3 >/dev/null; then
	unix='import socket; socket.socket(socket.AF_UNIX)'
	run_hutch "${R[@]}" -- python3 -c "$unix"
	like "$rc:$(flat "$err")" '^1:.*PermissionError' "Unix sockets are refused (Landlock cannot limit them by path)"
	run_hutch "${R[@]}" --accept-weaker -- python3 -c "$unix"
	is "$rc" 0 "--accept-weaker allows Unix sockets"
else
	skip_n 2 "no python3"
fi

if [ "$ABI" -ge 6 ]; then
	run_hutch "${R[@]}" -- sh -c "kill -0 $$"
	like "$rc:$(flat "$err")" '^1:.*(not permitted|Operation)' "signals do not leave the sandbox (Landlock ABI $ABI)"
else
	skip "signal scoping needs Landlock ABI 6 (this kernel: $ABI)"
fi

if command -v ipcmk >/dev/null; then
	run_hutch "${R[@]}" -- ipcmk -M 4096
	like "$rc:$(flat "$err")" '^1:.*Permission denied' "System V IPC is refused (no ipc namespace)"
	run_hutch "${R[@]}" --share-ipc -- sh -c 'id=$(ipcmk -M 4096 | grep -o "[0-9]*$") && ipcrm -m "$id"'
	is "$rc" 0 "--share-ipc allows it"
else
	skip_n 2 "no ipcmk"
fi

run_hutch "${R[@]}" -- grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
is "$(printf '%s' "$out" | tr -s '\t' ' ' | tr '\n' ' ')" "NoNewPrivs: 1 Seccomp: 2" \
	"no_new_privs and a seccomp filter"
export SSH_AUTH_SOCK=/nonexistent/agent
run_hutch "${R[@]}" -- env
unset SSH_AUTH_SOCK
unlike "$out" '^SSH_AUTH_SOCK=' "the environment is scrubbed"
exec 7</dev/null
run_hutch "${R[@]}" -- ls /proc/self/fd
exec 7<&-
unlike "$out" '^7$' "inherited file descriptors are closed"

run_hutch "${R[@]}" -- sh -c 'exit 7'
is "$rc" 7 "the command's exit status is hutch's"
run_hutch "${R[@]}" -- sh -c 'kill -TERM $$'
is "$rc" 143 "killed by SIGTERM: 128+15"
run_hutch "${R[@]}" -- /nonexistent/command
expect_exit 127 "a missing command: 127"

run_hutch "${R[@]}" -- sh -c "sleep 300 & echo \$! > '$rw/orphan'"
orphan=$(cat "$rw/orphan" 2>/dev/null)
if [ -n "$orphan" ] && [ -z "$(not_zombies "$orphan")" ]; then
	ok "what the command left running ends with it"
else
	not_ok "what the command left running ends with it" "pid ${orphan:-?} is alive"
	kill -KILL "$orphan" 2>/dev/null
fi

fifo_open ready "$rw/ready" || bail_out "cannot make a fifo"
spawn_hutch "${R[@]}" -- sh -c "trap 'exit 42' TERM; sleep 1000 & echo ready > '$rw/ready'; wait"
if read_line "$ready" 20; then
	kill -TERM "$hutch_pid"
	wait_hutch 20
	is "$rc" 42 "a signal to hutch reaches the command"
else
	not_ok "a signal to hutch reaches the command" "it never said ready" "$(cat "$TEST_TMP/.err")"
fi

# What the tier cannot give: refused, naming the directive, unless --accept-weaker.
printf 'private-tmp\n' >"$TEST_TMP/ptmp.profile"
run_hutch --tier restricted --profile "$TEST_TMP/ptmp.profile" -- true
expect_exit 125 "a profile with private-tmp is refused in the restricted tier"
like "$err" 'cannot give private-tmp' "... naming the directive"
run_hutch --tier restricted --accept-weaker --profile "$TEST_TMP/ptmp.profile" -- true
is "$rc" 0 "with --accept-weaker it runs"
like "$err" 'accept-weaker: running without private-tmp' "... saying what it runs without"
run_hutch --tier restricted --blacklist /etc/passwd -- true
like "$rc:$(flat "$err")" '^125:.*blacklist /etc/passwd' "a hidden path inside an allowed one is refused"
run_hutch --tier restricted --accept-weaker --ro-bind /usr:/x -- true
like "$rc:$(flat "$err")" '^125:.*ro-bind /usr:/x' "a moved path is refused even with --accept-weaker"
run_hutch --tier restricted --as-pid-1 -- true
like "$rc:$(flat "$err")" '^125:.*as-pid-1' "--as-pid-1 is refused"
done_testing
