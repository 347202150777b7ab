#!/usr/bin/env bash
# The cgroupfs back-end, where there is no user bus but the launcher's cgroup is delegated to
# the user. The test delegates a subtree by hand: a systemd scope with Delegate=yes (the only
# way a normal user gets one), in which it makes its own cgroups and enables the controllers, as
# a container runtime would; hutch runs alone in one of them with no way to the bus. It makes
# its group there, limits the sandbox, and leaves the cgroup as it found it.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cgroup.sh"
require_userns
require_user_systemd
command -v systemd-run >/dev/null || skip_all "no systemd-run here"

# in_delegated SCRIPT: SCRIPT run by bash in a delegated scope D, after the shell has moved
# itself to D/shell and enabled memory, pids and cpu below D; it runs hutch through
# `alone HUTCH-ARGS...`, which moves a subshell to D/run and executes hutch there without a bus.
# After it: "left: …" the entries of D/run, "subtree: …" D/run's cgroup.subtree_control.
in_delegated() {
	local prologue='
D=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)
mkdir "$D/shell" "$D/run" && echo $$ >"$D/shell/cgroup.procs" || exit 99
echo "+memory +pids +cpu" >"$D/cgroup.subtree_control" || exit 98
alone() { (echo $BASHPID >"$D/run/cgroup.procs" && exec env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "$@"); }
report() { echo "left: $(cd "$D/run" && ls -d hutch-* 2>/dev/null)"; echo "subtree: $(cat "$D/run/cgroup.subtree_control")"; }
'
	with_timeout 60 systemd-run --user --scope --quiet -p Delegate=yes -- bash -c "$prologue$1" \
		</dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
	_last_cmd="in a delegated scope: $1"
}

# --share-cgroup: the sandbox sees where it is in the whole tree.
in_delegated "alone $HUTCH --share-cgroup --memory-max 64M --pids-max 40 -- cat /proc/self/cgroup; echo \"status \$?\"; report"
like "$out" "^0::/.*\.scope/run/hutch-cat-[0-9]+/sandbox$" "the sandbox is in its leaf below the delegated cgroup"
like "$out" "^status 0$" "the sandbox ran"
like "$out" "^left: $" "the group is removed at the end"
like "$out" "^subtree: $" "the controllers hutch enabled are off again"
unlike "$err" "warning" "no warning"

in_delegated "alone $HUTCH --memory-max 64M -- cat /sys/fs/cgroup/memory.max /proc/self/cgroup; echo \"status \$?\""
like "$out" "^67108864$" "the sandbox sees its memory.max at /sys/fs/cgroup"
like "$out" "^0::/$" "the sandbox is the root of its cgroup namespace"

in_delegated "alone $HUTCH --memory-max 64M --memory-swap-max 0 -- dd if=/dev/zero of=/dev/null bs=256M count=1; echo \"status \$?\"; report"
like "$out" "^status 137$" "memory.max kills, hutch exits with 137"
like "$err" "^hutch: command killed by the kernel out-of-memory killer \(memory.max=64.0M\)$" \
	"the launcher reports the kill"
like "$out" "^left: $" "the group is removed after the kill too"

in_delegated "alone $HUTCH -v --memory-max 64M -- true; echo \"status \$?\""
like "$err" "^hutch: limits: --memory-max 64M: enforced by cgroupfs subtree /sys/fs/cgroup/.*\.scope/run/hutch-true-[0-9]+$" \
	"--verbose: the limit is enforced by the cgroupfs subtree, named"

in_delegated "alone $HUTCH --stats -- true; echo \"status \$?\""
like "$err" "^hutch: stats: CPU time [0-9.]+ s .*, peak memory [0-9.]+[KMG], peak tasks [1-9][0-9]* \(cgroup\)$" "--stats: the cgroup's figures"

# Not alone in its cgroup: controllers cannot be enabled below a cgroup with processes.
in_delegated "env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR $HUTCH --memory-max 64M -- true; echo \"status \$?\""
like "$out" "^status 125$" "shared cgroup: refused (125)"
like "$err" "^hutch: --memory-max: cannot be enforced here: .*holds other processes" "shared cgroup: the line says why"
in_delegated "env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR $HUTCH --limits best-effort --memory-max 64M -- true; echo \"status \$?\""
like "$out" "^status 0$" "shared cgroup, --limits best-effort: the sandbox runs"
like "$err" "^hutch: warning: not enforced .*holds other processes" "shared cgroup, best-effort: the warning says why"

done_testing
