#!/usr/bin/env bash
# The limit options on any machine: bad values fail with 125 naming the option; without limits
# (and without --stats) hutch does no cgroup work at all; where no back-end can enforce them,
# hutch fails closed: 125 and one line with the reason and the fix (issue 25), unless
# --limits best-effort, which warns once and runs the sandbox.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cgroup.sh"
require_userns

# ---- bad values ------------------------------------------------------------------------------
while read -r opt value; do
	run_hutch "--$opt" "$value" -- true
	if [ "$rc" = 125 ] && [[ $err == "hutch: --$opt: '$value' is not a valid value" ]]; then
		ok "--$opt $value: 125, the option and the value named"
	else
		not_ok "--$opt $value: 125, the option and the value named" "$(_last_run_diag)"
	fi
done <<'EOF'
memory-max 12Q
memory-max -1
memory-max 99999999999T
memory-high lots
memory-swap-max 1.5G
cpu-max 0%
cpu-max 20000%
cpu-max fast
cpu-weight 0
cpu-weight 10001
io-weight 20000
pids-max 0
pids-max many
allowed-cpus 3-1
allowed-cpus 0,,1
allowed-cpus a
allowed-cpus 99999
rlimit-as 12Q
rlimit-as -1
rlimit-data lots
rlimit-fsize 1.5M
rlimit-nofile -1
rlimit-nofile 10k
rlimit-nproc many
rlimit-cpu 0
rlimit-cpu 5x
rlimit-core -2
timeout 0
timeout 1x
timeout -5s
timeout s
cpu-time 0s
cpu-time forever
EOF

run_hutch --limits sometimes -- true
expect_exit 125 "--limits sometimes: 125"
like "$err" "^hutch: --limits: 'sometimes' is not one of: strict best-effort$" "--limits sometimes: the option is named"
run_hutch --stats=xml -- true
expect_exit 125 "--stats=xml: 125"
like "$err" "^hutch: --stats: 'xml' is not one of: text json$" "--stats=xml: the option is named"

# ---- no limits: no cgroup work at all ------------------------------------------------------
# Seen from the system calls: not a look at /proc/self/cgroup or /sys/fs/cgroup, no bus, no
# libsystemd. Under strace where it exists (the launcher only: a traced newuidmap would lose its
# set-uid bit); the loader's own trace of libraries otherwise.
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
	strace -e trace=%file,connect -o "$TEST_TMP/trace" "${HUTCH_CMD[@]}" -- true \
		</dev/null >/dev/null 2>&1
	touched=$(grep -E '/proc/self/cgroup|/sys/fs/cgroup|libsystemd|/bus"|sd_bus|dbus' "$TEST_TMP/trace")
	if [ -z "$touched" ] && [ -s "$TEST_TMP/trace" ]; then
		ok "no limits: no cgroup file, bus or libsystemd is touched (strace)"
	else
		not_ok "no limits: no cgroup file, bus or libsystemd is touched (strace)" "$touched"
	fi
else
	LD_DEBUG=libs "${HUTCH_CMD[@]}" -- true </dev/null >/dev/null 2>"$TEST_TMP/ld"
	if ! grep -q libsystemd "$TEST_TMP/ld" && grep -q libc.so "$TEST_TMP/ld"; then
		ok "no limits: libsystemd is not loaded (LD_DEBUG; strace is not installed)"
	else
		not_ok "no limits: libsystemd is not loaded" "$(grep libsystemd "$TEST_TMP/ld")"
	fi
fi
run_hutch -- true
is "$err" "" "no limits: not a word on stderr"

# ---- no back-end: fail closed; best-effort warns once ----------------------------------------
# With no way to the user's bus, only a delegated cgroup would do; the test's own cgroup is not
# one (it is shared with this script, at the least).
no_bus_hutch() {
	local saved=("${HUTCH_CMD[@]}")
	HUTCH_CMD=(env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "${saved[@]}")
	run_hutch "$@"
	HUTCH_CMD=("${saved[@]}")
}
if ! cgroup_v2; then
	why="only cgroup v1 controllers here|no cgroup v2 at /sys/fs/cgroup"
else
	why="systemd: no user bus"
fi

# The issue's own example: 200 MiB asked of a 64 MiB limit that nothing enforces.
no_bus_hutch --memory-max 64M -- python3 -c 'x = bytearray(200 * 2**20); print("allocated")'
expect_exit 125 "no back-end: --memory-max is refused with 125"
is "$out" "" "no back-end: the command does not run"
is "$(printf '%s\n' "$err" | wc -l)" 1 "no back-end: one line"
like "$err" "^hutch: --memory-max: cannot be enforced here: ($why)" "no back-end: the line names the option and why"
like "$err" "fix: run hutch in a systemd user session or in a delegated cgroup v2 subtree, or use the rlimit twin --rlimit-as, or give --limits best-effort" \
	"no back-end: the line names the fix and the rlimit twin"

no_bus_hutch --pids-max 100 --cpu-max 50% -- echo ran
expect_exit 125 "no back-end: --pids-max --cpu-max refused too"
like "$err" "^hutch: --cpu-max: .*--rlimit-nproc" "no back-end: the first option asked names the line; --pids-max's twin is named"

no_bus_hutch --limits best-effort --memory-max 64M --pids-max 100 -- echo ran
expect_exit 0 "no back-end, --limits best-effort: the sandbox runs"
is "$out" ran "no back-end, --limits best-effort: the command's output"
like "$err" "^hutch: warning: not enforced \(--limits best-effort\): --memory-max 64M, --pids-max 100: ($why)" \
	"no back-end, --limits best-effort: a warning naming the limits and why"
is "$(printf '%s\n' "$err" | wc -l)" 1 "no back-end, --limits best-effort: one line"

# the profile directive is the option's twin
profile=$TEST_TMP/be.profile
printf 'limits best-effort\nmemory-max 64M\n' >"$profile"
no_bus_hutch --profile "$profile" -- echo ran
expect_exit 0 "profile 'limits best-effort': the sandbox runs"
like "$err" "^hutch: warning: not enforced" "profile 'limits best-effort': the warning"
printf 'memory-max 64M\n' >"$profile"
no_bus_hutch --profile "$profile" -- echo ran
expect_exit 125 "profile 'memory-max' without a back-end: refused"

no_bus_hutch --stats -- true
expect_exit 0 "no back-end, --stats alone: the sandbox runs"
like "$err" "^hutch: stats: CPU time [0-9.]+ s \(user [0-9.]+ s, system [0-9.]+ s\), wall [0-9.]+ s, max RSS [0-9.]+[KMG] \(rusage\)$" \
	"no back-end, --stats alone: the figures from rusage, no warning"

# Under --verbose, what enforces each limit (and what does not).
no_bus_hutch -v --limits best-effort --memory-max 64M --rlimit-nofile 64 -- true
like "$err" "^hutch: limits: --memory-max 64M: not enforced: none: ($why)" "--verbose: the cgroup limit not enforced, and why"
like "$err" "^hutch: limits: --rlimit-nofile 64: enforced by rlimit on the command" "--verbose: the rlimit and what enforces it"
like "$err" "^hutch: limits: --rlimit-core 0 \(the default\): enforced by rlimit on the command \(soft;" "--verbose: a soft RLIMIT_CORE of 0 by default"

done_testing
