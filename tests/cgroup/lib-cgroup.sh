# shellcheck shell=bash
# Shared by the cgroup tests (issue 7). Sourced after tests/lib.sh. The tests that need a real
# systemd user manager with cgroup v2 controllers run in the VM of tests/vm/run (and on any
# machine that has one); elsewhere they skip with the reason.
#
#   require_user_systemd      skip_all unless cgroup v2, the user's systemd manager and its
#                             memory, pids and cpu controllers are here
#   MANAGER_CG                that manager's cgroup directory (after require_user_systemd)
#   scope_of PID [CMD]        the unit hutch makes for the launcher PID running CMD (default sh)
#   scope_dir UNIT            its cgroup directory
#   wait_unit_gone UNIT SECS  0 once UNIT is inactive and its cgroup is gone
#   no_bus CMD...             CMD without a way to the user's bus (no systemd back-end)
#   stat_field TEXT KEY       the number after KEY in a flat-keyed cgroup file's TEXT
#   reload_read FILE          systemctl --user daemon-reload, then FILE's content once systemd
#                             had the time to apply its units' properties again

CGROUP_ROOT=/sys/fs/cgroup

cgroup_v2() {
	[ "$(stat -f -c %T "$CGROUP_ROOT" 2>/dev/null)" = cgroup2fs ]
}

require_user_systemd() {
	local cg
	cgroup_v2 || skip_all "no cgroup v2 at $CGROUP_ROOT here (the VM of tests/vm/run has one)"
	command -v systemctl >/dev/null || skip_all "no systemctl here"
	cg=$(systemctl --user show --property=ControlGroup --value 2>/dev/null) ||
		skip_all "no systemd user manager on this session's bus (tests/vm/run gives one)"
	[ -n "$cg" ] || skip_all "the systemd user manager has no cgroup"
	MANAGER_CG=$CGROUP_ROOT$cg
	for c in memory pids cpu; do
		grep -qw "$c" "$MANAGER_CG/cgroup.controllers" 2>/dev/null ||
			skip_all "the $c controller is not delegated to the user manager ($MANAGER_CG)"
	done
}

scope_of() {
	echo "hutch-${2:-sh}-$1.scope"
}

scope_dir() {
	echo "$MANAGER_CG/hutch.slice/$1"
}

# Systemd stops a scope whose last process has gone, asynchronously, and gives no fd to wait on
# from here: poll, bounded.
wait_unit_gone() {
	local unit=$1 secs=$2 i state
	for ((i = 0; i < secs * 20; i++)); do
		state=$(systemctl --user show --property=ActiveState --value "$unit")
		[ "$state" = inactive ] && [ ! -d "$(scope_dir "$unit")" ] && return 0
		sleep 0.05
	done
	echo "after $secs s: $state; cgroup dir: $(ls -d "$(scope_dir "$unit")" 2>&1)"
	return 1
}

no_bus() {
	env -u DBUS_SESSION_BUS_ADDRESS -u XDG_RUNTIME_DIR "$@"
}

stat_field() {
	printf '%s\n' "$1" | awk -v k="$2" '$1 == k { print $2; exit }'
}

# Systemd applies every unit's cgroup properties again after a reload (unit_cgroup_catchup), from
# its realize queue once the reload has answered: nothing to wait on from here. Bounded, 1 s; less
# where the value changes.
reload_read() {
	local before i
	before=$(cat "$1")
	systemctl --user daemon-reload
	for ((i = 0; i < 20; i++)); do
		[ "$(cat "$1")" != "$before" ] && break
		sleep 0.05
	done
	cat "$1"
}
