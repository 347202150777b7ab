#!/usr/bin/env bash
# --timeout (issue 25) on any machine: after the time the command gets SIGTERM, SIGKILL ends the
# whole pid namespace after a grace period, and hutch exits with 124, as timeout(1) does, saying
# so on one line; nothing of the sandbox is left. A command that ends in time keeps its own
# status. --cpu-time needs a cgroup: without one it is refused, or a warning under
# --limits best-effort. The test's own limit (HUTCH_TIMEOUT) is far above the one asked, and
# hutch's line tells its 124 from the test harness's.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cgroup.sh"
require_userns

share=$TEST_TMP/share
mkdir "$share"
chmod 777 "$share"

# left_in NSFILE: the processes still running in the pid namespace named in NSFILE.
left_in() {
	local ns
	ns=$(cat "$1" 2>/dev/null) || {
		echo "no namespace recorded"
		return
	}
	# shellcheck disable=SC2046
	not_zombies $(pids_in_ns pid "$ns")
}

HUTCH_TIMEOUT=30 run_hutch --timeout 1s --bind "$share:/share" -- \
	sh -c 'readlink /proc/self/ns/pid >/share/ns1; sleep 25 & sleep 25'
expect_exit 124 "--timeout 1s, sleep 25: hutch exits with 124"
is "$err" "hutch: --timeout: the sandbox ran for 1 s and was ended" "--timeout: one line says so"
is "$(left_in "$share/ns1")" "" "--timeout: nothing of the sandbox is left (the background sleep neither)"

# A command that ignores SIGTERM: SIGKILL after the grace period.
HUTCH_TIMEOUT=30 run_hutch --timeout 1s --bind "$share:/share" -- \
	sh -c 'trap "" TERM; readlink /proc/self/ns/pid >/share/ns2; sleep 25; echo survived'
expect_exit 124 "--timeout, SIGTERM ignored: 124 all the same"
is "$out" "" "--timeout, SIGTERM ignored: the command did not go on"
is "$(left_in "$share/ns2")" "" "--timeout, SIGTERM ignored: nothing is left"

# The command gets SIGTERM first, and may use the grace period.
HUTCH_TIMEOUT=30 run_hutch --timeout 1s -- sh -c 'trap "echo got TERM; exit 3" TERM; sleep 25 & wait'
expect_exit 124 "--timeout: 124 even when the command exits on SIGTERM with its own status"
is "$out" "got TERM" "--timeout: the command gets SIGTERM first"

HUTCH_TIMEOUT=30 run_hutch --timeout 1s --as-pid-1 -- sleep 25
expect_exit 124 "--timeout --as-pid-1: 124 (pid 1 ignores SIGTERM: SIGKILL ends it)"

run_hutch --timeout 20s -- sh -c 'exit 7'
expect_exit 7 "--timeout, the command ends in time: its own status"
is "$err" "" "--timeout, the command ends in time: not a word"

printf 'timeout 1s\n' >"$TEST_TMP/t.profile"
HUTCH_TIMEOUT=30 run_hutch --profile "$TEST_TMP/t.profile" -- sleep 25
expect_exit 124 "profile 'timeout 1s': 124"

# ---- --cpu-time ------------------------------------------------------------------------------
no_bus_hutch() {
	local saved=("${HUTCH_CMD[@]}")
	HUTCH_CMD=(env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "${saved[@]}")
	run_hutch "$@"
	HUTCH_CMD=("${saved[@]}")
}
no_bus_hutch --cpu-time 1s -- echo ran
expect_exit 125 "--cpu-time without a cgroup: 125"
like "$err" "^hutch: --cpu-time: cannot be enforced here: .*--rlimit-cpu \(per process\)" \
	"--cpu-time without a cgroup: the line names why and the per-process twin"
no_bus_hutch --limits best-effort --cpu-time 1s -- echo ran
expect_exit 0 "--cpu-time without a cgroup, best-effort: the sandbox runs"
like "$err" "^hutch: warning: not enforced \(--limits best-effort\): --cpu-time 1s" "--cpu-time, best-effort: the warning"

done_testing
