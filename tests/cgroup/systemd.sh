#!/usr/bin/env bash
# The systemd back-end, as a normal user with a user manager and cgroup v2 controllers (the VM
# of tests/vm/run): the transient scope hutch-NAME-PID.scope in hutch.slice while the sandbox
# runs (launcher in supervisor/, sandbox in sandbox/), gone after it, also after SIGKILL of the
# launcher; the sandbox sees its own limits; memory.max kills and the launcher says so (137);
# a fork bomb stops at pids.max; --cpu-max 20% gives about 20% (cpu.stat); --stats with the
# cgroup's figures; --cpu-time ends a busy sandbox (124); --timeout leaves no scope; limits whose
# controller is not delegated fail (125, the default) or warn (--limits best-effort).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cgroup.sh"
require_userns
require_user_systemd

share=$TEST_TMP/share
mkdir "$share"

# ---- the sandbox sees its limits -----------------------------------------------------------
run_hutch --memory-max 100M --memory-high 90M --pids-max 50 --cpu-max 50% -- sh -c \
	'cat /proc/self/cgroup /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.high /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max'
expect_exit 0 "limits: the sandbox runs"
is "$err" "" "limits: no warning"
is "$out" "0::/
104857600
94371840
50
50000 100000" "limits: the sandbox is the root of its cgroup namespace and sees memory.max, memory.high, pids.max, cpu.max"

# ---- the scope while the sandbox runs, and after -------------------------------------------
fifo_open ready "$share/ready" || bail_out "cannot make a fifo"
fifo_open go "$share/go" || bail_out "cannot make a fifo"
spawn_hutch --memory-max 200M --bind "$share:/share" -- sh -c 'echo up >/share/ready; read x </share/go'
unit=$(scope_of "$hutch_pid")
if read_line "$ready" 30; then
	ok "scope: the sandbox started"
else
	not_ok "scope: the sandbox started" "$(_last_run_diag)"
fi
is "$(systemctl --user is-active "$unit")" active "scope: $unit is active while the sandbox runs"
is "$(systemctl --user show --property=Slice --property=Delegate --property=MemoryMax "$unit" | sort | tr '\n' ' ')" \
	"Delegate=yes MemoryMax=209715200 Slice=hutch.slice " "scope: in hutch.slice, delegated, MemoryMax from --memory-max"
dir=$(scope_dir "$unit")
is "$(cat "$dir/supervisor/cgroup.procs" 2>&1)" "$hutch_pid" "scope: the launcher is alone in supervisor/"
is "$(cat "$dir/cgroup.procs" 2>&1)" "" "scope: no process at the scope's own level"
sandbox_pids=$(cat "$dir/sandbox/cgroup.procs" 2>&1)
like "$sandbox_pids" '^[0-9]+' "scope: the sandbox's processes are in sandbox/"
is "$(cat "$dir/sandbox/memory.max" 2>&1)" 209715200 "scope: the leaf has the memory.max too"
echo go >&"$go"
wait_hutch 30
expect_exit 0 "scope: the sandbox ended"
if why=$(wait_unit_gone "$unit" 10); then
	ok "scope: $unit is gone after the sandbox ended"
else
	not_ok "scope: $unit is gone after the sandbox ended" "$why"
fi

spawn_hutch --memory-max 200M --bind "$share:/share" -- sh -c 'echo up >/share/ready; read x </share/go'
unit=$(scope_of "$hutch_pid")
if read_line "$ready" 30 && [ "$(systemctl --user is-active "$unit")" = active ]; then
	ok "SIGKILL: the sandbox runs in $unit"
else
	not_ok "SIGKILL: the sandbox runs in $unit" "$(_last_run_diag)"
fi
kill -KILL "$hutch_pid"
wait "$hutch_pid" 2>/dev/null
if why=$(wait_unit_gone "$unit" 10); then
	ok "SIGKILL: $unit is gone after SIGKILL of the launcher"
else
	not_ok "SIGKILL: $unit is gone after SIGKILL of the launcher" "$why" "$(systemctl --user status "$unit" 2>&1 | head -20)"
fi

# ---- memory.max ------------------------------------------------------------------------------
# dd's one 256 MiB buffer, filled by read(2), cannot fit in 64 MiB.
run_hutch --memory-max 64M --memory-swap-max 0 -- dd if=/dev/zero of=/dev/null bs=256M count=1 status=none
expect_exit 137 "memory.max: the command is killed, hutch exits with 137"
like "$err" "^hutch: command killed by the kernel out-of-memory killer \(memory.max=64.0M\)$" \
	"memory.max: the launcher says so"
run_hutch --memory-max 64M -- dd if=/dev/zero of=/dev/null bs=16M count=1 status=none
expect_exit 0 "memory.max: within the limit it runs"
unlike "$err" "out-of-memory" "memory.max: and no word of an out-of-memory kill"

# ---- pids.max: a fork bomb ----------------------------------------------------------------
# It churns for 3 s (timed by a sleep started before it, in the sandbox), then the shell reads
# pids.events with a builtin (no fork is left) and exits: pid 1 goes, and everything with it.
bomb='sleep 3 & s=$!; bomb() { bomb | bomb & }; (bomb); wait $s; read -r ev </sys/fs/cgroup/pids.events; echo "$ev"'
HUTCH_TIMEOUT=60 run_hutch --pids-max 64 --stats -- bash -c "$bomb"
like "$out" '^max [1-9][0-9]*$' "fork bomb: the sandbox hit pids.max (pids.events: $out)"
peak=$(printf '%s\n' "$err" | sed -n 's/.*peak tasks \([0-9]*\).*/\1/p')
if [ -n "$peak" ] && [ "$peak" -le 64 ] && [ "$peak" -ge 32 ]; then
	ok "fork bomb: the peak task count stayed at the limit ($peak of 64)"
else
	not_ok "fork bomb: the peak task count stayed at the limit" "peak: '$peak'" "$(_last_run_diag)"
fi
check "fork bomb: this machine still forks" /bin/true
is "$(systemctl --user is-system-running 2>&1)" running "fork bomb: the user manager is still running"

# ---- cpu.max -------------------------------------------------------------------------------
# A busy loop for 3 s under 20% of a CPU: cpu.stat's usage over its periods (100 ms each) is
# about 0.2; no wall clock is asked anything.
loop='timeout 3 sh -c "while :; do :; done"; cat /sys/fs/cgroup/cpu.stat; echo "cpu.max $(cat /sys/fs/cgroup/cpu.max)"'
HUTCH_TIMEOUT=60 run_hutch --cpu-max 20% -- sh -c "$loop"
usage=$(stat_field "$out" usage_usec)
periods=$(stat_field "$out" nr_periods)
throttled=$(stat_field "$out" nr_throttled)
if [ -n "$usage" ] && [ "${periods:-0}" -gt 0 ]; then
	share_pct=$((usage / periods / 1000))
	if [ "$share_pct" -ge 10 ] && [ "$share_pct" -le 30 ]; then
		ok "cpu.max 20%: the loop got ${share_pct}% of its periods"
	else
		not_ok "cpu.max 20%: the loop got about 20% of its periods" "got ${share_pct}%" "$out"
	fi
else
	not_ok "cpu.max 20%: cpu.stat has usage and periods" "$(_last_run_diag)" "$out"
fi
# Whether the loop was throttled depends on how fast the (emulated) CPU runs it: the quota in
# force is what is checked; the throttle count is only reported.
like "$out" "cpu\.max 20000 100000" "cpu.max 20%: the sandbox's cpu.max is 20000 100000 (throttled ${throttled:-0} times)"

# ---- --stats -------------------------------------------------------------------------------
run_hutch --stats -- dd if=/dev/zero of=/dev/null bs=32M count=2 status=none
expect_exit 0 "--stats: the sandbox runs"
like "$err" '^hutch: stats: CPU time [0-9.]+ s \(user [0-9.]+ s, system [0-9.]+ s\), wall [0-9.]+ s, max RSS [0-9.]+[KMG], peak memory [0-9.]+[KMG], peak tasks [1-9][0-9]* \(cgroup\)$' \
	"--stats: CPU time, wall, max RSS, and the cgroup's peak memory and tasks"
mib=$(printf '%s\n' "$err" | sed -n 's/.*peak memory \([0-9]*\)\(\.[0-9]*\)\{0,1\}M.*/\1/p')
if [ -n "$mib" ] && [ "$mib" -ge 32 ]; then
	ok "--stats: the peak memory counts dd's 32 MiB buffer (${mib}M)"
else
	not_ok "--stats: the peak memory counts dd's 32 MiB buffer" "$err"
fi

# ---- --stats=json: the cgroup's figures ------------------------------------------------------
run_hutch --stats=json -- true
like "$err" '^\{"source":"cgroup","wall_usec":[0-9]+,"cpu_usec":[0-9]+,"cpu_user_usec":[0-9]+,"cpu_system_usec":[0-9]+,"max_rss_bytes":[0-9]+,"memory_peak_bytes":[1-9][0-9]*,"tasks_peak":[1-9][0-9]*\}$' \
	"--stats=json: the cgroup's figures, with the same keys as rusage's and its own"

# ---- --cpu-time: the whole sandbox's CPU budget ---------------------------------------------
# Two busy loops share the budget: each alone would stay under it for 30 s of wall time.
HUTCH_TIMEOUT=60 run_hutch -v --cpu-time 2s --stats -- sh -c '(while :; do :; done) & while :; do :; done'
expect_exit 124 "--cpu-time 2s: the busy sandbox is ended, 124"
like "$err" "^hutch: limits: --cpu-time 2s: enforced by systemd scope hutch-sh-[0-9]+\.scope$" "--cpu-time: --verbose names the scope"
like "$err" "^hutch: --cpu-time: the sandbox used its 2 s of CPU time and was ended$" "--cpu-time: one line says so"
cpu=$(printf '%s\n' "$err" | sed -n 's/^hutch: stats: .*CPU time \([0-9]*\)\..*/\1/p')
if [ -n "$cpu" ] && [ "$cpu" -ge 2 ]; then
	ok "--cpu-time 2s: the sandbox used the budget (${cpu} s) before it was ended"
else
	not_ok "--cpu-time 2s: the sandbox used the budget before it was ended" "$(_last_run_diag)"
fi

# ---- --timeout: nothing left, the scope neither --------------------------------------------
spawn_hutch --timeout 1s --memory-max 100M -- sleep 25
unit=$(scope_of "$hutch_pid" sleep)
wait_hutch 30
expect_exit 124 "--timeout with the systemd back-end: 124"
if why=$(wait_unit_gone "$unit" 10); then
	ok "--timeout: $unit is gone"
else
	not_ok "--timeout: $unit is gone" "$why"
fi

# ---- a controller the user manager does not have -------------------------------------------
for pair in io:--io-weight=200 cpuset:--allowed-cpus=0; do
	ctl=${pair%%:*} opt=${pair#*:}
	if grep -qw "$ctl" "$MANAGER_CG/cgroup.controllers"; then
		run_hutch "$opt" -- true
		expect_exit 0 "$opt: delegated here ($ctl), it applies"
		is "$err" "" "$opt: no warning"
		skip "$opt: the $ctl controller is delegated here"
		continue
	fi
	run_hutch --limits best-effort "$opt" -- true
	expect_exit 0 "$opt without the $ctl controller, --limits best-effort: the sandbox runs"
	like "$err" "^hutch: warning: not enforced .*${opt%%=*}.*not delegated" "$opt without the $ctl controller: one warning naming it"
	run_hutch "$opt" -- true
	expect_exit 125 "$opt without the $ctl controller: 125"
	like "$err" "^hutch: ${opt%%=*}: cannot be enforced here: the $ctl controller is not delegated" \
		"$opt without the $ctl controller: the line says why"
done

done_testing
