#!/usr/bin/env bash
# process.apparmorProfile where AppArmor is enabled (issue 29): the container's command enters
# the profile at its execve, as under runc. A profile loaded here for the test denies one file
# of the root; the command reads its own /proc/self/attr/current and tries that file, in a
# container hutch-oci runs as root and in one a normal user runs (its own user namespace), in
# a process `exec` adds to a running one, and under rootful podman, whose default profile
# (containers-default-*) it loads and hands to the runtime itself: the same answers as runc's
# (and, as root, its cgroup a scope of systemd's system manager: --memory as under runc).
# A profile the kernel does not have fails create, naming it, with nothing left.
# Needs root (apparmor_parser loads the profile) and AppArmor enabled: the VM of tests/vm/run,
# whose Debian kernel has it (tests/vm/guest runs this as root; HUTCH_APPARMOR_USER is its
# normal user). Skips elsewhere; tests/oci/cli.sh checks the field where AppArmor is off.
HUTCH_TESTS=${HUTCH_TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$HUTCH_TESTS/oci/lib-oci.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root: apparmor_parser loads the test's profile"
[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && [ -d /sys/kernel/security/apparmor ] ||
	skip_all "AppArmor is not enabled on this machine"
command -v apparmor_parser >/dev/null || skip_all "needs apparmor_parser (apt-get install apparmor)"

PROFILE=hutch-test-$$
cat >"$TEST_TMP/profile" <<EOF
profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  deny /etc/hutch-secret r,
}
EOF
apparmor_parser -r "$TEST_TMP/profile" 2>"$TEST_TMP/parser.err" ||
	bail_out "apparmor_parser cannot load the test's profile: $(cat "$TEST_TMP/parser.err")"
defer 'apparmor_parser -R "$TEST_TMP/profile" 2>/dev/null'
echo 5ecret-c0ntent >"$ROOTFS/etc/hutch-secret"

# the command's answer: its AppArmor label, then the file the profile denies (exit 0 either way)
PROBE_ARGS='["sh", "-c", "cat /proc/self/attr/current; echo; cat /etc/hutch-secret 2>&1; true"]'
aa_bundle() { # PROFILE (empty: none) [ARGS_JSON]
	make_bundle "$B" "${2:-$PROBE_ARGS}"
	[ -z "$1" ] || sed -i "s|\"cwd\": \"/\",|\"cwd\": \"/\", \"apparmorProfile\": \"$1\",|" "$B/config.json"
}
B=$TEST_TMP/bundle

aa_bundle ""
oci run -b "$B" none
like "$out" "^unconfined" "without a profile: unconfined"
like "$out" "5ecret-c0ntent" "... and the file reads"
aa_bundle "$PROFILE"
oci run -b "$B" aa1
is "$rc" 0 "root, with the profile: runs ($err)"
like "$out" "^$PROFILE \(enforce\)" "root: the command is in the profile"
like "$out" "Permission denied" "root: the profile's rule holds (the file is denied)"
unlike "$out" "5ecret-c0ntent" "... nothing of it read"

# exec into a running container: the container's profile, as runc's exec
aa_bundle "$PROFILE" '["sleep", "1000"]'
oci run -d -b "$B" aa2
oci exec aa2 sh -c 'cat /proc/self/attr/current'
like "$out" "^$PROFILE \(enforce\)" "exec: the process added is in the container's profile"
oci delete --force aa2

aa_bundle hutch-no-such-profile
oci run -b "$B" aa3
is "$rc" 1 "a profile the kernel lacks: exit 1"
like "$err" "apparmor: profile hutch-no-such-profile" "... named"
is "$(ls "$OCI_ROOT" 2>/dev/null)" "" "... no state left"

# a normal user's container: hutch-oci makes the user namespace itself
U=${HUTCH_APPARMOR_USER:-}
if [ -n "$U" ] && id "$U" >/dev/null 2>&1; then
	chmod 755 "$TEST_TMP"
	aa_bundle "$PROFILE"
	chmod -R a+rX "$B"
	install -d -o "$U" -m 700 "$TEST_TMP/user-state"
	uout=$(with_timeout 60 runuser -u "$U" -- env XDG_RUNTIME_DIR="/run/user/$(id -u "$U")" \
		"$HUTCH_OCI" --root "$TEST_TMP/user-state" run -b "$B" aa4 2>"$TEST_TMP/user.err" </dev/null)
	urc=$?
	is "$urc" 0 "rootless ($U), with the profile: runs ($(cat "$TEST_TMP/user.err"))"
	like "$uout" "^$PROFILE \(enforce\)" "rootless: the command is in the profile"
	like "$uout" "Permission denied" "rootless: the file is denied"
	defer 'rm -rf "$TEST_TMP/user-state"'
else
	skip_n 3 "no normal user named in HUTCH_APPARMOR_USER"
fi

# rootful podman: its own default profile, loaded and handed to the runtime, with runc and with
# hutch-oci; the label and the denial the same
RUNC=$(command -v runc || echo /usr/sbin/runc)
if command -v podman >/dev/null && [ -x "$RUNC" ]; then
	P=(podman --root "$TEST_TMP/storage" --runroot "$TEST_TMP/runroot" --tmpdir "$TEST_TMP/ptmp"
		--storage-driver=vfs --events-backend=file)
	defer '"${P[@]}" rm -af -t 0 >/dev/null 2>&1; "${P[@]}" rmi -af >/dev/null 2>&1'
	tar -C "$ROOTFS" -cf "$TEST_TMP/img.tar" . &&
		"${P[@]}" import "$TEST_TMP/img.tar" localhost/hutch-aa >/dev/null 2>"$TEST_TMP/import.err" ||
		bail_out "podman cannot import the root: $(tail -n 1 "$TEST_TMP/import.err")"
	# pm RUNTIME ARGS...: one podman command; its stderr in pm.err. (Every runtime in turn:
	# one that left a mount on the host, as hutch-oci's copies of shared mounts once did
	# (tests/oci/root.sh), fails the next ones: runc's "cgroupRootHandle ... (deleted)".)
	pm() {
		with_timeout 120 "${P[@]}" --runtime "$@" 2>"$TEST_TMP/pm.err" </dev/null
	}
	pm_aa() { # RUNTIME [RUN-OPTION...]
		local rt=$1
		shift
		pm "$rt" run --rm --network none "$@" localhost/hutch-aa \
			sh -c 'cat /proc/self/attr/current; echo; cat /proc/sysrq-trigger 2>&1 | head -c 60'
	}
	rout=$(pm_aa "$RUNC")
	rrc=$?
	rerr=$(tail -n 3 "$TEST_TMP/pm.err")
	hout=$(pm_aa "$HUTCH_OCI")
	hrc=$?
	herr=$(tail -n 5 "$TEST_TMP/pm.err")
	like "$rout" "^containers-default-[0-9.]* \(enforce\)" "rootful podman with runc: its default profile ($rrc $rerr)"
	# (unconfined, the same read of /proc/sysrq-trigger opens and fails otherwise: the denial
	# is the profile's)
	uout=$(pm_aa "$RUNC" --security-opt apparmor=unconfined)
	uerr="$? $(tail -n 3 "$TEST_TMP/pm.err")"
	like "$rout" "sysrq-trigger.: Permission denied" "... whose rules hold"
	like "$uout" "^unconfined" "... and runc's container unconfined is so ($uerr)"
	unlike "$uout" "Permission denied" "... and opens that file"
	like "$hout" "^containers-default-[0-9.]* \(enforce\)" \
		"rootful podman with hutch-oci: its default profile ($hrc $herr)"
	is "$hrc|$hout" "$rrc|$rout" "... the same answers as runc's"
	# (root's podman asks systemd's system manager for the container's scope: a limit there)
	mem() { pm "$1" run --rm --network none --memory 64m localhost/hutch-aa cat /sys/fs/cgroup/memory.max; }
	rmem=$(mem "$RUNC")
	hmem=$(mem "$HUTCH_OCI")
	is "$hmem|$rmem" "67108864|67108864" \
		"rootful podman --memory (a system manager's scope): hutch-oci as runc ($(tail -n 2 "$TEST_TMP/pm.err"))"
else
	skip_n 7 "no podman or runc"
fi
done_testing
