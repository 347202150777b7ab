#!/usr/bin/env bash
# --stats on any machine (issue 25): without a cgroup the figures come from the kernel's rusage
# of pid 1 and every child it reaped (the whole sandbox), in text or as JSON with the same keys
# the cgroup figures use where they mean the same. The figures are checked against what the
# command did (a 64 MiB buffer, a second of CPU ended by RLIMIT_CPU), not against a clock.
# --report says what enforces each limit. The cgroup's own figures are checked where there is
# one (systemd.sh, cgroupfs.sh).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cgroup.sh"
require_userns
command -v python3 >/dev/null || skip_all "python3 is not installed (the checks run in it)"

no_bus_hutch() {
	local saved=("${HUTCH_CMD[@]}")
	HUTCH_CMD=(env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "${saved[@]}")
	run_hutch "$@"
	HUTCH_CMD=("${saved[@]}")
}

# A grandchild of pid 1 touches 64 MiB: its peak RSS reaches pid 1 through the shell's wait.
touch64='sh -c "python3 -c \"x = bytearray(64 * 2**20); x[::4096] = b\\\"y\\\" * (len(x) // 4096)\""; true'
no_bus_hutch --stats -- sh -c "$touch64"
expect_exit 0 "--stats: the sandbox runs"
like "$err" "^hutch: stats: CPU time [0-9.]+ s \(user [0-9.]+ s, system [0-9.]+ s\), wall [0-9.]+ s, max RSS [0-9.]+[KMG] \((rusage|cgroup)" \
	"--stats: CPU time (user, system), wall time and max RSS, and where they come from"
rss=$(printf '%s\n' "$err" | sed -n 's/.*max RSS \([0-9]*\)\(\.[0-9]*\)\{0,1\}M.*/\1/p')
if [ -n "$rss" ] && [ "$rss" -ge 64 ]; then
	ok "--stats: max RSS counts the grandchild's 64 MiB (${rss}M)"
else
	not_ok "--stats: max RSS counts the grandchild's 64 MiB" "$err"
fi

# CPU: RLIMIT_CPU ends the loop after one second of it (rusage's split of it into user and
# system time is sampled: half of it is asked), counted though pid 1 never waited for the loop.
HUTCH_TIMEOUT=60 no_bus_hutch --stats=json --rlimit-cpu 1 -- sh -c 'sh -c "while :; do :; done"; true'
expect_exit 0 "--stats=json: the sandbox runs"
json=$(printf '%s\n' "$err" | grep '^{')
check_json='
import json, sys
d = json.loads(sys.argv[1])
keys = ["source", "wall_usec", "cpu_usec", "cpu_user_usec", "cpu_system_usec", "max_rss_bytes"]
missing = [k for k in keys if k not in d]
print("missing", missing) if missing else None
print(d["source"], d["cpu_usec"] >= 500000, d["cpu_usec"] == d["cpu_user_usec"] + d["cpu_system_usec"] or d["source"] == "cgroup", d["wall_usec"] >= d["cpu_usec"] // 2)'
got=$(python3 -c "$check_json" "$json" 2>&1)
if [ "$got" = "rusage True True True" ] || [ "$got" = "cgroup True True True" ]; then
	ok "--stats=json: one JSON line with the keys; the second of CPU is counted ($got)"
else
	not_ok "--stats=json: one JSON line with the keys; the second of CPU is counted" "got: $got" "json: $json" "$(_last_run_diag)"
fi
is "$(printf '%s\n' "$err" | grep -c '^{')" 1 "--stats=json: one JSON line"

printf 'stats json\n' >"$TEST_TMP/s.profile"
no_bus_hutch --profile "$TEST_TMP/s.profile" -- true
like "$err" '^\{"source":"(rusage|cgroup)","wall_usec":[0-9]+,' "profile 'stats json': the JSON line"

# ---- --report: what enforces each limit -------------------------------------------------------
report=$TEST_TMP/r.jsonl
no_bus_hutch --report "$report" --limits best-effort --memory-max 64M --rlimit-nofile 64 --timeout 20s -- true
expect_exit 0 "--report with limits: the sandbox runs"
check_report='
import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if d["kind"] == "limit":
        print(d["detail"], "|", d["action"], "|", d["result"])'
got=$(python3 -c "$check_report" "$report" 2>&1)
like "$got" "^--memory-max 64M \| (not enforced \| none|enforced \| cgroup)$" "--report: the cgroup limit, enforced or not, and by what"
like "$got" "^--rlimit-nofile 64 \| enforced \| rlimit$" "--report: the rlimit, enforced by rlimit"
unlike "$got" "rlimit-core" "--report: only the limits asked (not the default RLIMIT_CORE)"
like "$got" "^--timeout 20s \| enforced \| launcher$" "--report: the timeout, kept by the launcher"

done_testing
