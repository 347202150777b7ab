#!/usr/bin/env bash
# The limit options on any machine: bad values fail with 125 naming the option; without limits
# (and without --stats) hutch does no cgroup work at all; where no back-end can enforce them,
# --cgroup=auto warns once and runs the sandbox, --cgroup=require fails with 125 and the reason.
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
EOF

run_hutch --cgroup sometimes -- true
expect_exit 125 "--cgroup sometimes: 125"
like "$err" "--cgroup" "--cgroup sometimes: the option is named"

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

# ---- no back-end: auto warns once, require fails -------------------------------------------
# With no way to the user's bus, only a delegated cgroup would do; the test's own cgroup is not
# one (it is shared with this script, at the least).
no_bus_hutch() {
	local saved=("${HUTCH_CMD[@]}")
	HUTCH_CMD=(env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "${saved[@]}")
	run_hutch "$@"
	HUTCH_CMD=("${saved[@]}")
}
no_bus_hutch --memory-max 64M --pids-max 100 -- echo ran
expect_exit 0 "no back-end, --cgroup=auto: the sandbox runs"
is "$out" ran "no back-end, --cgroup=auto: the command's output"
like "$err" "^hutch: warning: resource limits cannot be enforced here: " "no back-end, --cgroup=auto: a warning"
is "$(printf '%s\n' "$err" | wc -l)" 1 "no back-end, --cgroup=auto: one line"
if cgroup_v2; then
	like "$err" "systemd: no user bus" "no back-end: the warning says there is no user bus"
else
	like "$err" "cgroup v2 is not mounted" "no back-end: the warning says there is no cgroup v2"
fi

no_bus_hutch --cgroup=require --memory-max 64M -- echo ran
expect_exit 125 "no back-end, --cgroup=require: 125"
is "$out" "" "no back-end, --cgroup=require: the command does not run"
like "$err" "^hutch: cgroup: resource limits cannot be enforced here: .*--cgroup=require" \
	"no back-end, --cgroup=require: the reason, on one line"

no_bus_hutch --stats -- true
expect_exit 0 "no back-end, --stats alone: the sandbox runs"
like "$err" "^hutch: warning: --stats cannot be measured here" "no back-end, --stats alone: a warning that says so"

done_testing
