#!/usr/bin/env bash
# hutch-oci's cgroups (issue 29), driven directly on a busybox bundle, with each back-end:
# --systemd-cgroup (a scope "prefix-name.scope" in the slice of cgroupsPath "slice:prefix:name")
# and cgroupfs (a relative cgroupsPath, made beside the runtime's own cgroup). linux.resources
# seen in the container's /sys/fs/cgroup and enforced (a fork bomb capped by pids.limit, an
# allocation killed by memory.limit: 137), pause (a counter stops; state says paused) and
# resume, exec's process in the group, update of memory and pids (options and -r FILE; with
# --systemd-cgroup the scope's unit told too, so that a daemon-reload keeps them), and delete
# removing the group.
# The cgroupfs half needs a delegated cgroup, which a normal user gets only from systemd: the
# script runs itself again in a scope with Delegate=yes, its shell moved to D/shell so that the
# controllers can be on below D. Needs the VM of tests/vm/run (or a machine like it).
if [ -z "${HUTCH_OCI_SCOPE:-}" ] && command -v systemd-run >/dev/null &&
	systemctl --user show --property=ControlGroup --value >/dev/null 2>&1; then
	export HUTCH_OCI_SCOPE=1
	exec systemd-run --user --scope --quiet -p Delegate=yes -- "$BASH" "$0" "$@"
fi
HUTCH_TESTS=${HUTCH_TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$HUTCH_TESTS/oci/lib-oci.sh"
. "$HUTCH_TESTS/cgroup/lib-cgroup.sh"
require_userns
require_user_systemd
[ -n "${HUTCH_OCI_SCOPE:-}" ] || skip_all "no systemd-run here to get a delegated scope"

D=$CGROUP_ROOT$(sed -n 's/^0:://p' /proc/self/cgroup)
mkdir "$D/shell" && echo $$ >"$D/shell/cgroup.procs" || bail_out "cannot move to $D/shell"
echo "+memory +pids +cpu" >"$D/cgroup.subtree_control" || bail_out "cannot enable controllers in $D"
SUBTREE=$(cat "$D/cgroup.subtree_control")

mkdir -p "$ROOTFS/sys/fs/cgroup" "$TEST_TMP/out"
B=$TEST_TMP/bundle

# bundle ARGS_JSON RESOURCES_JSON CGROUPS_PATH: a bundle with a cgroup namespace, the cgroup
# mounted at /sys/fs/cgroup, $TEST_TMP/out at /out
bundle() {
	make_bundle "$B" "$1" ", \"resources\": $2, \"cgroupsPath\": \"$3\""
	sed -i -e 's|{"type": "network"}|{"type": "network"}, {"type": "cgroup"}|' \
		-e "s|\"mounts\": \\[|\"mounts\": [{\"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\"}, {\"destination\": \"/out\", \"type\": \"bind\", \"source\": \"$TEST_TMP/out\", \"options\": [\"rbind\"]},|" \
		"$B/config.json"
}

# The group of container ID, from its state file.
group_of() {
	sed -n 's/.*"cgroup":"\([^"]*\)".*/\1/p' "$OCI_ROOT/$1/state.json"
}

# Until FILE's content differs from OLD (at most 10 s): the counter runs in the container.
wait_change() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(cat "$1" 2>/dev/null)" != "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# Until DIR is gone (at most 10 s): systemd removes a scope's cgroup after its last process.
wait_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -d "$1" ] || return 0
		sleep 0.05
	done
	return 1
}

# unit_told UNIT "P=V ..." WHAT: systemd was told of the update (SetUnitProperties), as runc and
# crun do: otherwise a daemon-reload, or any property set again, puts the old limit back
unit_told() {
	local names
	names=$(echo "$2" | sed 's/=[^ ]*//g; s/ /,/g')
	is "$(systemctl --user show "$1" -p "$names" | sort | tr '\n' ' ')" "$(echo "$2" | tr ' ' '\n' | sort | tr '\n' ' ')" \
		"systemd: $3: systemctl --user show of the scope: $2"
}

LIMITS='{"memory": {"limit": 67108864, "swap": 67108864}, "pids": {"limit": 20}, "cpu": {"quota": 50000, "period": 100000, "shares": 1024}, "devices": [{"allow": false, "access": "rwm"}]}'

backend() {
	local mode=$1 path id g
	shift
	id=c-$mode
	[ "$mode" = systemd ] && path="user.slice:hoci:$id" || path="hoci-$id"

	bundle '["sh", "-c", "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory.swap.max /sys/fs/cgroup/pids.max /sys/fs/cgroup/cpu.max /proc/self/cgroup"]' "$LIMITS" "$path"
	oci "$@" run -b "$B" "$id"
	is "$rc|$(echo $out)" "0|67108864 0 20 50000 100000 0::/" \
		"$mode: memory.max, memory.swap.max, pids.max, cpu.max in the container's own /sys/fs/cgroup"

	bundle '["sh", "-c", "(i=0; while [ $i -lt 40 ]; do sleep 60 & i=$((i+1)); done) 2>/dev/null; cat /sys/fs/cgroup/pids.current; grep max /sys/fs/cgroup/pids.events"]' "$LIMITS" "$path"
	oci "$@" run -b "$B" "$id"
	local cur=${out%%$'\n'*}
	if [ "$rc" = 0 ] && [ "$cur" -le 20 ] 2>/dev/null && [[ $out =~ max\ [1-9] ]]; then
		ok "$mode: a fork bomb is capped by pids.limit ($cur tasks, pids.events: ${out##*$'\n'})"
	else
		not_ok "$mode: a fork bomb is capped by pids.limit" "rc $rc" "out: $out" "err: $err"
	fi

	# without a cgroup namespace, pid 1 is cloned straight into the leaf (no first child)
	make_bundle "$B" '["cat", "/proc/self/cgroup"]' ", \"resources\": $LIMITS, \"cgroupsPath\": \"$path\""
	oci "$@" run -b "$B" "$id"
	like "$rc|$out" "^0[|]0::/.*/hoci-$id([.]scope)?/sandbox$" \
		"$mode: without a cgroup namespace: the command in the group's sandbox/"

	bundle '["dd", "if=/dev/zero", "of=/dev/null", "bs=256M", "count=1"]' "$LIMITS" "$path"
	oci "$@" run -b "$B" "$id"
	is "$rc" 137 "$mode: an allocation over memory.limit is killed: 137"

	# pause and resume a counter; update; delete
	rm -f "$TEST_TMP/out/n"
	bundle '["sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/out/n; done"]' "$LIMITS" "$path"
	oci "$@" run -d -b "$B" "$id"
	is "$rc" 0 "$mode: run -d"
	wait_change "$TEST_TMP/out/n" "" || not_ok "$mode: the counter did not start"
	g=$(group_of "$id")
	if [ "$mode" = systemd ]; then
		like "$g" "/user\\.slice/hoci-$id\\.scope$" "$mode: the state names the scope hoci-$id.scope in user.slice"
	else
		is "$CGROUP_ROOT$g" "$D/hoci-$id" "$mode: the state names the group made beside the runtime's cgroup"
		is "$(cd "$CGROUP_ROOT$g" && ls -d */)" "sandbox/" \
			"$mode: the group holds only sandbox/ (the launcher stays in the runtime's cgroup)"
	fi
	oci "$@" pause "$id"
	is "$rc|$err" "0|" "$mode: pause"
	like "$("$HUTCH_OCI" --root "$OCI_ROOT" state "$id")" '"status":"paused"' "$mode: state says paused"
	like "$(cat "$CGROUP_ROOT$g/sandbox/cgroup.events")" "frozen 1" "$mode: the sandbox's cgroup is frozen"
	local n1 n2
	n1=$(cat "$TEST_TMP/out/n")
	sleep 0.5 # (a frozen counter stays whatever the time given it)
	n2=$(cat "$TEST_TMP/out/n")
	is "$n2" "$n1" "$mode: the paused counter does not advance"
	oci "$@" exec "$id" true
	is "$rc|$err" "1|hutch-oci: exec: container $id is paused: resume it first" "$mode: exec into a paused container: refused"
	oci "$@" resume "$id"
	is "$rc|$err" "0|" "$mode: resume"
	wait_change "$TEST_TMP/out/n" "$n2" && ok "$mode: the counter runs again" || not_ok "$mode: the counter runs again"
	is "$(oci_status "$id")" running "$mode: state says running"
	oci "$@" exec "$id" cat /proc/self/cgroup
	is "$out" "0::/" "$mode: exec's process is in the container's cgroup (its limits hold for it)"

	oci "$@" update --memory 128m --pids-limit 50 "$id"
	is "$rc|$err" "0|" "$mode: update --memory 128m --pids-limit 50"
	is "$(cat "$CGROUP_ROOT$g/sandbox/memory.max" "$CGROUP_ROOT$g/sandbox/pids.max" | tr '\n' ' ')" "134217728 50 " \
		"$mode: the sandbox's memory.max and pids.max updated"
	oci "$@" exec "$id" cat /sys/fs/cgroup/memory.max
	is "$out" 134217728 "$mode: the container sees the new memory.max"
	[ "$mode" != systemd ] || unit_told "${g##*/}" "MemoryMax=134217728 TasksMax=50" "update --memory 128m --pids-limit 50"
	echo '{"pids": {"limit": 30}, "cpu": {"quota": 20000, "period": 100000}}' >"$TEST_TMP/res.json"
	oci "$@" update -r "$TEST_TMP/res.json" "$id"
	is "$rc|$(cat "$CGROUP_ROOT$g/sandbox/pids.max" "$CGROUP_ROOT$g/sandbox/cpu.max" | tr '\n' ' ')" "0|30 20000 100000 " \
		"$mode: update -r FILE: pids.max and cpu.max"
	if [ "$mode" = systemd ]; then
		unit_told "${g##*/}" "TasksMax=30 CPUQuotaPerSecUSec=200ms" "update -r FILE"
		is "$(reload_read "$CGROUP_ROOT$g/memory.max") $(cat "$CGROUP_ROOT$g/pids.max" "$CGROUP_ROOT$g/cpu.max" | tr '\n' ' ')" \
			"134217728 30 20000 100000 " \
			"$mode: after systemctl --user daemon-reload the scope's memory.max, pids.max, cpu.max are still the updated ones"
	fi
	oci "$@" update --memory-reservation 1m "$id"
	is "$rc|$err" "1|hutch-oci: update: --memory-reservation is not supported by hutch-oci" \
		"$mode: update of what hutch cannot set: one line, exit 1"

	oci "$@" pause "$id"
	oci "$@" delete --force "$id"
	is "$rc|$err" "0|" "$mode: delete --force of the paused container"
	wait_gone "$CGROUP_ROOT$g" && ok "$mode: its cgroup is removed" ||
		not_ok "$mode: its cgroup is removed" "left: $(find "$CGROUP_ROOT$g" -maxdepth 1 -type d)"
}

backend systemd --systemd-cgroup
backend cgroupfs
is "$(cd "$D" && ls -d hoci-* 2>/dev/null)" "" "cgroupfs: nothing left beside the runtime's cgroup"
is "$(cat "$D/cgroup.subtree_control")" "$SUBTREE" "cgroupfs: the delegated cgroup's controllers as they were"

# a cgroupsPath that cannot be made there, with a limit: one line, exit 1, nothing left
bundle '["true"]' "$LIMITS" "/not-delegated/x"
oci run -b "$B" bad
like "$err" "^hutch-oci: cgroup: memory.max 64M, memory.swap.max 0, cpu.max 50%, .*pids.max 20: cannot be enforced: .*/not-delegated" \
	"a cgroupsPath not delegated, with limits: the line says why"
is "$rc|$(ls "$OCI_ROOT")" "1|" "... exit 1, no state left"
oci --systemd-cgroup run -b "$B" bad
like "$err" "linux.cgroupsPath /not-delegated/x: expected slice:prefix:name with --systemd-cgroup" \
	"--systemd-cgroup with a path: refused as runc does"

done_testing
