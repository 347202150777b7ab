#!/usr/bin/env bash
# Rootless podman with --runtime hutch-oci where the cgroup is real (issue 29): its systemd
# cgroup manager (--systemd-cgroup, cgroupsPath "user.slice:libpod:ID") in a logind session,
# each command beside the same one with runc: --memory and --pids-limit seen and enforced,
# pause and unpause, update (its scope's unit told: a daemon-reload keeps it). Needs the VM of
# tests/vm/run (or a machine like it) and podman.
# Where crun is there (the VM has it; the test machines' hybrid layout stops it), its answers
# are said beside runc's as comments, a difference as "crun differs": runc is the reference.
HUTCH_TESTS=${HUTCH_TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$HUTCH_TESTS/oci/lib-oci.sh"
. "$HUTCH_TESTS/oci/lib-podman.sh"
. "$HUTCH_TESTS/cgroup/lib-cgroup.sh"
require_userns
require_user_systemd
podman_setup systemd
CRUN=$(command -v crun || true)
[ -n "$CRUN" ] || diag "crun is not installed: runc alone to compare with"
tar -C "$ROOTFS" -cf "$TEST_TMP/img.tar" . || bail_out "cannot pack the root"
podman_import "$TEST_TMP/img.tar"
PM_TIMEOUT=120

# crun_says DESC GOT WANT: crun's answer beside runc's, a comment (not a check)
crun_says() {
	if [ "$2" = "$3" ]; then
		diag "crun: $1: as runc"
	else
		diag "crun differs: $1: crun: $2 | runc: $3"
	fi
}

# both DESC ARGS...: the same podman command with runc and with hutch-oci (and crun, said)
both() {
	local desc=$1 rout rrc rerr
	shift
	pm "$RUNC" "$@"
	rout=$out rrc=$rc rerr=$err
	if [ -n "$CRUN" ]; then
		pm "$CRUN" "$@"
		crun_says "$desc" "$(printf %s "$out" | head -c 60 | tr '\n' ' ')| $rc" \
			"$(printf %s "$rout" | head -c 60 | tr '\n' ' ')| $rrc"
	fi
	pm "$HUTCH_OCI" "$@"
	if [ "$out|$rc" = "$rout|$rrc" ]; then
		ok "$desc: as runc ($(printf %s "$out" | head -c 60 | tr '\n' ' ')| $rc)"
	else
		not_ok "$desc: as runc" "runc:      $rout | $rrc" "hutch-oci: $out | $rc" "stderr: $err" "runc's: $rerr"
	fi
}

# crun_is GOT WANT "crun: DESC": in the loop below, crun's answer said where runc's is checked
crun_is() {
	crun_says "${3#crun: }" "$1" "$2"
}

N=(--network none)
both "--memory 64m: memory.max" run --rm "${N[@]}" --memory 64m "$IMG" cat /sys/fs/cgroup/memory.max
is "$out" 67108864 "--memory 64m: the container's memory.max"
both "--memory 64m --memory-swap 64m: an allocation over it is killed" run --rm "${N[@]}" --memory 64m \
	--memory-swap 64m "$IMG" dd if=/dev/zero of=/dev/null bs=256M count=1
is "$rc" 137 "--memory: killed, 137"
both "--pids-limit 20: pids.max" run --rm "${N[@]}" --pids-limit 20 "$IMG" cat /sys/fs/cgroup/pids.max
is "$out" 20 "--pids-limit: the container's pids.max"
both "--cpus 0.5: cpu.max" run --rm "${N[@]}" --cpus 0.5 "$IMG" cat /sys/fs/cgroup/cpu.max

# pause, unpause, update on a running container, with each runtime (crun's answers said)
for rt in "$RUNC" $CRUN "$HUTCH_OCI"; do
	name=$(basename "$rt")
	is=is
	[ "$rt" != "$CRUN" ] || is=crun_is
	pm "$rt" run -d --name p1 "${N[@]}" --memory 64m "$IMG" sleep 1000
	pm "$rt" pause p1
	$is "$rc" 0 "$name: podman pause"
	pm "$rt" inspect -f '{{.State.Status}}' p1
	$is "$out" paused "$name: podman inspect: paused"
	pm "$rt" unpause p1
	pm "$rt" inspect -f '{{.State.Status}}' p1
	$is "$out" running "$name: podman unpause: running"
	if "${PODMAN[@]}" update --help >/dev/null 2>&1; then
		pm "$rt" update --memory 128m p1
		pm "$rt" exec p1 cat /sys/fs/cgroup/memory.max
		$is "$out" 134217728 "$name: podman update --memory 128m: the container's memory.max"
		# systemd told (SetUnitProperties), so that a daemon-reload keeps it: the scope
		# libpod-ID.scope of cgroupsPath "user.slice:libpod:ID"
		pm "$rt" inspect -f '{{.Id}}' p1
		unit=libpod-$out.scope
		$is "$(systemctl --user show -p MemoryMax --value "$unit")" 134217728 \
			"$name: podman update --memory 128m: systemctl --user show of its scope: MemoryMax"
		cg=$CGROUP_ROOT$(systemctl --user show -p ControlGroup --value "$unit")
		$is "$(reload_read "$cg/memory.max")" 134217728 \
			"$name: podman update --memory 128m: after systemctl --user daemon-reload: the scope's memory.max"
	elif [ "$is" = is ]; then
		skip "podman $(podman --version | cut -d' ' -f3) has no update"
	fi
	pm "$rt" rm -f -t 0 p1
	$is "$rc" 0 "$name: podman rm -f"
done

done_testing
