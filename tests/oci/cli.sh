#!/usr/bin/env bash
# hutch-oci's command line driven directly, as a normal user, on a busybox bundle (issue 29):
# run and its exit status, create/start/state/kill/delete as runc's, exec, the config.json
# seccomp filter, and the refusals: each names what is wrong, exits 1, leaves nothing.
. "$HUTCH_TESTS/oci/lib-oci.sh"
require_userns

B=$TEST_TMP/b
make_bundle "$B" '["sh", "-c", "echo hello $(hostname) $(id -u); exit 3"]'
oci run -b "$B" c1
is "$out" "hello oci-test 0" "run: the command's output, host name and uid 0 inside"
is "$rc" 3 "run: the command's exit status"
is "$(ls "$OCI_ROOT")" "" "run: the state is gone after the run"
# a relative --bundle, and its default ".", are the caller's directory's (as runc's)
(cd "$TEST_TMP" && oci run -b b c1r && echo "$rc $out" >"$TEST_TMP/rel")
is "$(cat "$TEST_TMP/rel")" "3 hello oci-test 0" "run: a relative --bundle from the current directory"
(cd "$B" && oci run c1r && echo "$rc $out" >"$TEST_TMP/rel")
is "$(cat "$TEST_TMP/rel")" "3 hello oci-test 0" "run: no --bundle, the current directory"

# create ... start: the command runs only once started
make_bundle "$B" '["sh", "-c", "echo started > /tmp/x; cat /tmp/x; trap \"\" USR1; exec sleep 1000"]'
oci create -b "$B" --pid-file "$TEST_TMP/pid" c2
is "$rc" 0 "create: exit 0"
is "$(oci_status c2)" created "state after create: created"
pid=$(cat "$TEST_TMP/pid")
oci state c2
like "$out" "\"id\":\"c2\",\"pid\":$pid,\"status\":\"created\",\"bundle\":\"$B\"" "state: runc's fields, the pid of --pid-file"
oci start c2
is "$rc" 0 "start: exit 0"
is "$(oci_status c2)" running "state after start: running"
oci start c2
like "$err" "cannot start a container in the running state" "start twice: refused"
is "$rc" 1 "start twice: exit 1"
oci ps --format json c2
like "$out" '^\[[0-9]+\]$' "ps: one process, the command as the container's pid 1"
oci exec c2 sh -c 'echo in $(hostname); exit 4'
is "$out" "in oci-test" "exec: runs in the container's namespaces"
is "$rc" 4 "exec: the process's exit status"
# the pid of state and --pid-file is the container's init, as runc's: in the container's pid
# namespace (an engine joins another container to it by /proc/PID/ns/pid), its pid 1 there
oci exec c2 readlink /proc/self/ns/pid
is "$(readlink "/proc/$pid/ns/pid")" "$out" "state's pid is in the container's pid namespace"
is "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")" 1 "state's pid is the container's pid 1"
oci delete c2
like "$err" "cannot delete container c2 that is not stopped: running" "delete of a running container: refused"
# (the process says it is ready in a file; the container gives no fd to wait on)
oci exec --detach c2 sh -c 'trap "echo usr1 > /tmp/got" USR1; touch /tmp/ready; while :; do sleep 0.1; done'
oci exec c2 sh -c 'while [ ! -e /tmp/ready ]; do sleep 0.05; done'
oci kill --all c2 USR1
oci exec c2 sh -c 'while [ ! -s /tmp/got ]; do sleep 0.05; done; cat /tmp/got'
is "$out" usr1 "kill --all: a process beside the command gets the signal too"
oci kill c2 KILL
is "$rc" 0 "kill KILL: exit 0"
wait_status c2 stopped
is "$(oci_status c2)" stopped "after kill: stopped"
oci kill c2 KILL
like "$err" "container c2 is not running" "kill of a stopped container: refused"
oci delete c2
is "$rc" 0 "delete of a stopped container"
oci state c2
like "$err" "container c2 does not exist" "state after delete: no container"
oci delete --force c2
is "$rc" 0 "delete --force of a container that does not exist: no error (as runc)"

# delete --force of a created container: nothing left
make_bundle "$B" '["sleep", "1000"]'
oci create -b "$B" c3
oci kill c3 9x
like "$err" "unknown signal 9x" "kill: a bad signal is named"
oci delete --force c3
is "$rc" 0 "delete --force of a created container"
is "$(pgrep -f -- "$OCI_ROOT" | tr '\n' ' ')" "" "nothing of it left running"

# config.json's seccomp filter is installed
make_bundle "$B" '["sh", "-c", "mkdir /tmp/d && echo made; grep Seccomp: /proc/self/status"]' ',
  "seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
              "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
oci run -b "$B" c4
like "$out$err" "Operation not permitted" "seccomp: mkdir refused with EPERM"
like "$out" "Seccomp:.2" "seccomp: the filter is on"
# process.noNewPrivileges: absent, no no_new_privs (as runc) and the filter still goes in
# (while the command holds CAP_SYS_ADMIN); true, no_new_privs
make_bundle "$B" '["sh", "-c", "mkdir /tmp/d 2>/dev/null; echo $?; grep -E \"^(NoNewPrivs|Seccomp):\" /proc/self/status"]' ',
  "seccomp": {"defaultAction": "SCMP_ACT_ALLOW",
              "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
oci run -b "$B" c4n
is "$(echo $out)" "1 NoNewPrivs: 0 Seccomp: 2" "noNewPrivileges absent: no no_new_privs, the filter on"
sed -i 's/"process": {/"process": {"noNewPrivileges": true, /' "$B/config.json"
oci run -b "$B" c4n
is "$(echo $out)" "1 NoNewPrivs: 1 Seccomp: 2" "noNewPrivileges true: no_new_privs, the filter on"

# process.rlimits as runc sets them: soft apart from hard, any resource (here the stack's)
make_bundle "$B" '["sh", "-c", "ulimit -Sn; ulimit -Hn; ulimit -Ss; ulimit -Hs"]'
sed -i 's|"process": {|"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 300, "hard": 400}, {"type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608}], |' "$B/config.json"
oci run -b "$B" c4r
is "$(echo $out)" "300 400 4096 8192" "process.rlimits: soft and hard as given, RLIMIT_STACK too"

# a tmpfs shows the source config.json names in mountinfo (runtime-tools' mount check
# matches /dev/shm's "shm" so, as runc mounts it)
make_bundle "$B" '["sh", "-c", "grep \" /tmp \" /proc/self/mountinfo"]'
sed -i 's|"/tmp", "type": "tmpfs", "source": "tmpfs"|"/tmp", "type": "tmpfs", "source": "scratch"|' "$B/config.json"
oci run -b "$B" c4s
like "$out" " - tmpfs scratch " "tmpfs: the source config.json names, in mountinfo"

# linux.rootfsPropagation: the root's own propagation in mountinfo, as runc gives it; an
# unknown one is named
root_line='["sh", "-c", "while read -r a b c d e r; do [ \"$e\" = / ] && echo \"$r\"; done </proc/self/mountinfo"]'
make_bundle "$B" "$root_line" ', "rootfsPropagation": "rshared"'
oci run -b "$B" c4p
like "$out" " shared:[0-9]" "rootfsPropagation rshared: the root is shared"
make_bundle "$B" "$root_line" ', "rootfsPropagation": "unbindable"'
oci run -b "$B" c4p
like "$out" " unbindable " "rootfsPropagation unbindable: the root is unbindable"
make_bundle "$B" '["true"]' ', "rootfsPropagation": "sideways"'
oci run -b "$B" c4p
like "$err|$rc" "linux.rootfsPropagation: unknown propagation sideways.*\|1" "rootfsPropagation: an unknown one is named, exit 1"

# bad input: one line naming the field, exit 1, nothing left
bad() {
	local desc=$1 want=$2
	oci run -b "$B" bad
	like "$err" "$want" "$desc: named"
	is "$rc" 1 "$desc: exit 1"
	is "$(ls "$OCI_ROOT" 2>/dev/null)" "" "$desc: no state left"
}
echo '{"ociVersion": "1.0.2", "process": ' >"$B/config.json"
bad "config.json not JSON" "config.json:2:1: unexpected end of input"
echo '{"ociVersion": "1.0.2", "root": {"path": "/"}, "linux": {}}' >"$B/config.json"
bad "no process" "process: missing"
make_bundle "$B" '["true"]' ', "intelRdt": {}'
bad "an unsupported field" "line 11: linux.intelRdt is not supported by hutch-oci"
make_bundle "$B" '["true"]'
sed -i 's/{"type": "ipc"}/{"type": "bogus"}/' "$B/config.json"
bad "an unknown namespace" "unknown or unsupported namespace type bogus"
# namespaces joined by path: the ones a container cannot join are named with the reason; a
# path that is not absolute, or where there is no namespace, is named
make_bundle "$B" '["true"]'
sed -i 's|{"type": "pid"}|{"type": "pid", "path": "/proc/self/ns/pid"}|' "$B/config.json"
bad "joining a pid namespace by path, not root in the runtime's user namespace" 'setns: pid namespace /proc/self/ns/pid: Operation not permitted'
make_bundle "$B" '["true"]'
sed -i 's|{"type": "mount"}|{"type": "mount", "path": "/proc/1/ns/mnt"}|' "$B/config.json"
bad "joining a mount namespace the caller may not open" 'setns: mount namespace /proc/1/ns/mnt: Permission denied$'
make_bundle "$B" '["true"]'
sed -i 's|{"type": "ipc"}|{"type": "ipc", "path": "ns/ipc"}|' "$B/config.json"
bad "a namespace path that is not absolute" "linux.namespaces: ipc's path ns/ipc is not absolute"
make_bundle "$B" '["true"]'
sed -i "s|{\"type\": \"ipc\"}|{\"type\": \"ipc\", \"path\": \"$TEST_TMP/no-ns\"}|" "$B/config.json"
bad "a namespace path where there is none" "setns: ipc namespace $TEST_TMP/no-ns: No such file or directory"
make_bundle "$B" '["true"]'
sed -i 's|{"type": "uts"}|{"type": "uts", "path": "/proc/self/ns/uts"}|' "$B/config.json"
bad "a namespace the caller may not enter" "setns: uts namespace /proc/self/ns/uts: Operation not permitted"
make_bundle "$B" '["true"]'
sed -i 's|{"type": "uts"}, ||' "$B/config.json"
bad "a host name without a uts namespace of the container's" "hostname needs a new uts namespace"
make_bundle "$B" '["true"]'
sed -i "s|\"path\": \"$ROOTFS\"|\"path\": \"$TEST_TMP/nonexistent\"|" "$B/config.json"
bad "a missing rootfs" "root.path $TEST_TMP/nonexistent: No such file or directory"
make_bundle "$B" '["true"]' ', "seccomp": {"defaultAction": "SCMP_ACT_NOTIFY"}'
bad "SCMP_ACT_NOTIFY" "SCMP_ACT_NOTIFY is not supported"
oci --log "$TEST_TMP/log" --log-format json run -b "$B" bad
like "$(cat "$TEST_TMP/log")" '^\{"level":"error","msg":"config: line [0-9]+: linux.seccomp: SCMP_ACT_NOTIFY' "--log-format json: the error in the log as JSON"
make_bundle "$B" '["true"]'
sed -i 's/"bounding": \["CAP_KILL"\]/"bounding": ["CAP_KILL", "CAP_TEST"]/' "$B/config.json"
bad "an unknown capability in the bounding set" "process.capabilities.bounding: unknown capability 'CAP_TEST'"

# process.apparmorProfile where AppArmor is off (tests/oci/apparmor.sh, as root where it is on,
# sees the profile entered): a profile cannot be applied, so create fails naming it, as runc's
# fails to write it; "unconfined" asks for nothing and runs, said in the log.
aa_bundle() { # PROFILE
	make_bundle "$B" '["true"]'
	sed -i "s|\"cwd\": \"/\",|\"cwd\": \"/\", \"apparmorProfile\": \"$1\",|" "$B/config.json"
}
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
	aa_bundle hutch-test
	bad "an AppArmor profile where AppArmor is off" \
		"line 3: process.apparmorProfile hutch-test: AppArmor is not enabled on this machine"
	aa_bundle unconfined
	oci --log "$TEST_TMP/aa.log" run -b "$B" aa
	is "$rc|$err" "0|" "apparmorProfile unconfined where AppArmor is off: runs"
	like "$(cat "$TEST_TMP/aa.log")" "warning.*process.apparmorProfile unconfined: AppArmor is not enabled here" \
		"... said in the log"
else
	skip_n 5 "AppArmor is enabled here: tests/oci/apparmor.sh"
fi

# process.user's ids must be in the container's id maps, checked at create as runc checks them
# (it said so only when pid 1 failed, exit 125): a normal user's single map is made from uid
# and gid and allows no setgroups; as root of a user namespace of one id (unshare -r: the
# runtime's, shared) or with linux.uidMappings, an id outside them is named with the map.
user_bundle() { # USER-JSON [LINUX_EXTRA]
	make_bundle "$B" '["true"]' "${2:-}"
	sed -i "s/\"cwd\": \"\/\",/\"cwd\": \"\/\", \"user\": {$1},/" "$B/config.json"
}
user_bundle '"uid": 0, "gid": 0, "additionalGids": [7]'
bad "process.user.additionalGids with a single map" \
	"^hutch-oci: config: line 3: process.user.additionalGids: a normal user's container maps one uid and one gid, and allows no setgroups$"
me=$(id -u) mg=$(id -g)
OCI_WRAP="unshare -r"
user_bundle '"uid": 1000, "gid": 0'
bad "process.user.uid outside the runtime's user namespace" \
	"^hutch-oci: config: line 3: process.user.uid 1000: not in the container's uid map \(0 $me 1\)$"
user_bundle '"uid": 0, "gid": 1000'
bad "process.user.gid outside it" "process.user.gid 1000: not in the container's gid map \(0 $mg 1\)$"
user_bundle '"uid": 0, "gid": 0, "additionalGids": [0]'
bad "process.user.additionalGids where setgroups is denied" \
	"process.user.additionalGids: the container's user namespace denies setgroups"
maps='"uidMappings": [{"containerID": 0, "hostID": 0, "size": 1}], "gidMappings": [{"containerID": 0, "hostID": 0, "size": 1}]'
user_bundle '"uid": 0, "gid": 0, "additionalGids": [0, 5]' ", $maps"
sed -i 's|{"type": "network"}|{"type": "network"}, {"type": "user"}|' "$B/config.json"
bad "process.user.additionalGids outside linux.gidMappings" \
	"process.user.additionalGids 5: not in the container's gid map \(0 0 1\)$"
OCI_WRAP=

# A user namespace and a mount namespace joined by path (as a pod's containers join the infra
# container's, as runc joins them): the user namespace first, no map written (process.user is
# checked against its own); the container is in the joined mount namespace itself (the spec's
# MUST, runtime-tools' linux_ns_path; before, it was in a copy), so that a bind's source is
# found there (a tmpfs only that namespace has) and root.path's mounts go on top.
# P: sleep in a user namespace of ours and a mount namespace of its own.
mkdir -p "$TEST_TMP/jsrc"
mkfifo "$TEST_TMP/jready"
unshare -rm sh -c 'mount -t tmpfs t "$1" && echo only-there >"$1/f" && echo >"$2" && exec sleep 300' sh \
	"$TEST_TMP/jsrc" "$TEST_TMP/jready" &
P=$!
track_pid $P
read -r _ <"$TEST_TMP/jready"
join_bundle() { # ARGS_JSON [USER-JSON]
	make_bundle "$B" "$1"
	[ -z "${2:-}" ] || sed -i "s/\"cwd\": \"\/\",/\"cwd\": \"\/\", \"user\": {$2},/" "$B/config.json"
	sed -i -e "s|{\"type\": \"mount\"}|{\"type\": \"mount\", \"path\": \"/proc/$P/ns/mnt\"}|" \
		-e "s|{\"type\": \"network\"}|{\"type\": \"network\"}, {\"type\": \"user\", \"path\": \"/proc/$P/ns/user\"}|" \
		-e "s|\(\"destination\": \"/tmp\"\)|\"destination\": \"/j\", \"type\": \"bind\", \"source\": \"$TEST_TMP/jsrc\", \"options\": [\"bind\"]},\n             {\1|" \
		"$B/config.json"
}
join_bundle '["sh", "-c", "cat /j/f; readlink /proc/self/ns/user; readlink /proc/self/ns/mnt; id -u; cat /proc/self/uid_map | tr -s \" \"; ls /bin/busybox"]'
oci run -b "$B" cj
is "$out|$rc" "only-there
$(readlink /proc/$P/ns/user)
$(readlink /proc/$P/ns/mnt)
0
 0 $me 1
/bin/busybox|0" "a user and a mount namespace joined by path: P's user and mount namespaces, P's map, a bind from P's mount namespace, the root on top"
join_bundle '["true"]' '"uid": 5, "gid": 0'
bad "process.user.uid outside a user namespace joined by path" \
	"^hutch-oci: config: line 3: process.user.uid 5: not in the container's uid map \(0 $me 1\)$"

# cgroup resources where no cgroup can be had (this machine's hybrid layout; a user without a
# delegated cgroup v2): a limit is an error, as runc's; no limit runs without a cgroup (as runc
# rootless), a cgroupsPath said ignored in the log; pause, resume and update are refused
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && [ -w "/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)/.." ]; then
	skip_n 9 "a writable cgroup v2 here: tests/cgroup/oci.sh covers it"
else
	make_bundle "$B" '["true"]' ', "resources": {"memory": {"limit": 100000000}}'
	bad "linux.resources without a cgroup" "^hutch-oci: cgroup: memory.max 100000000: cannot be enforced: .*cgroup v2 delegated"
	make_bundle "$B" '["sleep", "20"]' ', "resources": {"devices": [{"allow": false, "access": "rwm"}]}, "cgroupsPath": "/x/y"'
	oci --log "$TEST_TMP/log2" run -d -b "$B" c5
	is "$rc" 0 "no limit, no cgroup: the container runs"
	like "$(cat "$TEST_TMP/log2")" 'level=warning msg="line [0-9]+: linux.cgroupsPath /x/y ignored: no cgroup could be made here' \
		"linux.cgroupsPath: ignored, said in the log"
	for cmd in pause resume "update --memory 64m"; do
		oci $cmd c5
		is "$rc|$err" "1|hutch-oci: ${cmd%% *}: container c5 has no cgroup (none could be made where it was created)" \
			"${cmd%% *} without a cgroup: one line, exit 1"
	done
	is "$(oci_status c5)" running "the container still runs after them"
	oci delete -f c5
fi
make_bundle "$B" '["true"]' ', "resources": {"memory": {"limit": 100000000, "reservation": 1000}}'
bad "an unsupported resource" "line 11: linux.resources.memory.reservation is not supported by hutch-oci"
oci update --cpu-rt-period 5 c5
is "$rc|$err" "1|hutch-oci: update: --cpu-rt-period is not supported by hutch-oci" "update: an unsupported option named"

# process.user: the command takes the ids and groups itself
make_bundle "$B" '["id"]'
sed -i 's/"cwd": "\/",/"cwd": "\/", "user": {"uid": 0, "gid": 0, "umask": 63},/' "$B/config.json"
oci run -b "$B" c6
# A single map allows no setgroups: the caller's own supplementary groups stay, each shown as
# the overflow id (a user in sudo's group, as on a fresh machine's first user); none else.
extra=$(id -G | wc -w)
groups=$(for _ in $(seq 2 "$extra"); do printf '65534(nobody),'; done)
is "$out" "uid=0(root) gid=0(root) groups=${groups}0(root)" \
	"process.user: uid 0 and no other group but the caller's unmapped ones (a single map allows no setgroups)"

# process.terminal without --console-socket: the terminal run was started in (script(1) gives
# one), and an error without any
make_bundle "$B" '["sh", "-c", "[ -t 0 ] \u0026\u0026 [ -t 1 ] \u0026\u0026 echo terminal; exit 6"]'
sed -i 's/"cwd": "\/",/"cwd": "\/", "terminal": true,/' "$B/config.json"
if command -v script >/dev/null; then
	out=$(with_timeout 30 script -qec "$(printf '%q ' "$HUTCH_OCI" --root "$OCI_ROOT" run -b "$B" t1); echo rc=\$?" /dev/null \
		</dev/null | tr -d '\r')
	is "$out" "terminal
rc=6" "process.terminal in a terminal, no --console-socket: that terminal"
else
	skip "process.terminal in a terminal needs script(1) (bsdutils)"
fi
oci run -b "$B" t2
like "$err" "process.terminal needs --console-socket" "process.terminal with no terminal and no socket: named"

# --preserve-fds: fd 3 reaches the command only when asked
echo passed >"$TEST_TMP/fd3"
make_bundle "$B" '["sh", "-c", "cat <&3 2>/dev/null || echo closed"]'
exec 3<"$TEST_TMP/fd3"
oci run --preserve-fds 1 -b "$B" c9
is "$out" passed "--preserve-fds 1: fd 3 reaches the command"
oci run -b "$B" c9
is "$out" closed "without --preserve-fds: fd 3 does not"
exec 3<&-

# hooks: each kind at its point, the state on stdin; createContainer and startContainer in the
# container's namespaces (the static busybox runs there too)
H=$TEST_TMP/hooks
mkdir -p "$H"
hook() { # PATH-IN-JSON SCRIPT
	printf '{"path": "%s", "args": ["busybox", "sh", "-c", "%s"]}' "$BUSYBOX" "$1"
}
make_bundle "$B" '["sh", "-c", "cat /tmp/hc; sleep 1000"]' '' ", \"hooks\": {
  \"createRuntime\": [$(hook "cat > $H/createRuntime")],
  \"createContainer\": [$(hook 'echo container $(hostname) > /tmp/hc')],
  \"startContainer\": [$(hook 'echo start >> /tmp/hc')],
  \"poststart\": [$(hook "cat > $H/poststart")],
  \"poststop\": [$(hook "cat > $H/poststop")]}"
oci create -b "$B" c7
is "$rc" 0 "hooks: create"
like "$(cat "$H/createRuntime" 2>/dev/null)" '"id":"c7","pid":[0-9]+,"status":"created"' "createRuntime: the state on its stdin"
oci start c7
like "$(cat "$H/poststart" 2>/dev/null)" '"id":"c7",.*"status":"running"' "poststart: after start, status running"
oci exec c7 cat /tmp/hc
is "$out" "container oci-test
start" "createContainer and startContainer ran in the container (its host name, its /tmp)"
oci delete --force c7
like "$(cat "$H/poststop" 2>/dev/null)" '"id":"c7",.*"status":"stopped"' "poststop: by delete"
# a failed poststart or poststop hook is warned of, and the hooks after it still run
# (runtime-spec; runtime-tools' poststart_fail, poststop_fail)
make_bundle "$B" '["sleep", "1000"]' '' ", \"hooks\": {
  \"poststart\": [{\"path\": \"/bin/false\"}, $(hook "cat > $H/poststart2")],
  \"poststop\": [{\"path\": \"/bin/false\"}, $(hook "cat > $H/poststop2")]}"
oci create -b "$B" c9
oci start c9
is "$rc" 0 "a failing poststart hook: start still succeeds"
like "$(cat "$H/poststart2" 2>/dev/null)" '"id":"c9",.*"status":"running"' "a failing poststart hook: the next one still runs"
oci delete --force c9
like "$(cat "$H/poststop2" 2>/dev/null)" '"id":"c9",.*"status":"stopped"' "a failing poststop hook: the next one still runs"
make_bundle "$B" '["true"]' '' ", \"hooks\": {\"createRuntime\": [{\"path\": \"/bin/false\"}]}"
oci create -b "$B" c8
like "$err" "hook: /bin/false exited with status 1" "a failing createRuntime hook: named"
is "$rc" 1 "a failing createRuntime hook: create exits 1"
is "$(ls "$OCI_ROOT")$(pgrep -f -- "$OCI_ROOT" | tr '\n' ' ')" "" "a failing createRuntime hook: nothing left"

# A create killed midway (here in its createRuntime hook, once the state is written) leaves no
# one to start or delete the container: its command, waiting at the start gate, sees create's
# end and the container ends, as runc's init does when its parent is gone (on the code before,
# pid 1 and the launcher waited at the gate for good). delete then removes what is left.
gone() { # PID: no such process, or a zombie not yet reaped by whoever adopted it
	[ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}
make_bundle "$B" '["sleep", "1000"]' '' ", \"hooks\": {
  \"createRuntime\": [$(hook "cat > $H/kstate; echo \$\$ > $H/khook; exec sleep 60")]}"
"$HUTCH_OCI" --root "$OCI_ROOT" create -b "$B" c10 </dev/null >/dev/null 2>&1 &
cpid=$!
for ((i = 0; i < 200; i++)); do [ -s "$H/khook" ] && break; sleep 0.05; done
kill -KILL "$cpid"
wait "$cpid" 2>/dev/null
kpid1=$(grep -o '"pid":[0-9]*' "$H/kstate" | cut -d: -f2)
klaunch=$(grep -o '"launcher":[0-9]*' "$OCI_ROOT/c10/state.json" 2>/dev/null | cut -d: -f2)
for ((i = 0; i < 200; i++)); do gone "${kpid1:-1}" && gone "${klaunch:-1}" && break; sleep 0.05; done
[ -s "$H/khook" ] && kill "$(cat "$H/khook")" 2>/dev/null
if [ -n "$kpid1" ] && gone "$kpid1"; then ok "create killed midway: the container's pid 1 ends"
else not_ok "create killed midway: the container's pid 1 ends" "pid 1: '$kpid1'"; fi
if [ -n "$klaunch" ] && gone "$klaunch"; then ok "create killed midway: its launcher ends"
else not_ok "create killed midway: its launcher ends" "launcher: '$klaunch'"; fi
oci delete --force c10
is "$(ls "$OCI_ROOT")$(pgrep -f -- "$OCI_ROOT" | tr '\n' ' ')" "" "create killed midway: delete --force leaves nothing"

oci features
like "$out" '"ociVersionMax":"1.2.0"' "features: JSON with the spec's version"
oci --version
like "$out" "^hutch-oci version" "--version"
done_testing
