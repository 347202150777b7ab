#!/usr/bin/env bash
# What only root can set up, for a normal user's hutch (run through runuser): --persist on a
# read-only file system (the upper to be created there, or upper and work dir already on it),
# and /dev/fuse out of reach. Each: one clear error, exit 125, no mount left.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-overlay.sh"
require_root

user=${HUTCH_TEST_USER:-}
if [ -z "$user" ]; then
	for u in hutch-test hutchtest; do
		id -u "$u" >/dev/null 2>&1 && user=$u && break
	done
fi
[ -n "$user" ] || skip_all "no normal user to run hutch as (tests/run makes hutch-test)"
runuser -u "$user" -- "$HUTCH" -- true 2>/dev/null ||
	skip_all "$user cannot run $HUTCH (user namespaces, or the build is not readable)"
_busybox >/dev/null || skip_all "needs a static busybox (package busybox-static)"

# The image of our own, the user's (the shared cache is the user's to build).
img=$TEST_TMP/image
_rootfs_build "$img" || bail_out "cannot build a rootfs in $img"
chown -R "$user:" "$img"
ROOTFS=$img

# as_user_hutch OPTS... -- CMD...: like run_hutch, as the user.
as_user_hutch() {
	_last_cmd="runuser -u $user -- $HUTCH $*"
	with_timeout 30 runuser -u "$user" -- env HOME="$(getent passwd "$user" | cut -d: -f6)" "${HUTCH_CMD[@]}" "$@" </dev/null \
		>"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}

ro=$TEST_TMP/ro
mkdir "$ro"
mount -t tmpfs -o mode=0777,size=4m hutch-test-ro "$ro" || bail_out "cannot mount a tmpfs on $ro"
defer "umount '$ro'"
runuser -u "$user" -- mkdir "$ro/existing" "$ro/existing.work"
mount -o remount,ro "$ro" || bail_out "cannot make $ro read-only"

for d in kernel fuse; do
	if [ "$d" = fuse ] && ! runuser -u "$user" -- bash -c "$(declare -f fuse_ok); fuse_ok"; then
		skip_n 6 "fuse-overlayfs is missing or /dev/fuse is not accessible to $user"
		continue
	fi
	before=$(host_mounts)
	as_user_hutch --overlay-driver "$d" --rootfs "$img" --persist "$ro/upper" -- true
	expect_exit 125 "[$d] --persist to be created on a read-only fs: 125"
	is "$err" "hutch: persist: $ro/upper: Read-only file system" "[$d] --persist to be created on a read-only fs: one clear error"
	is "$(new_mounts "$before")" "" "[$d] --persist to be created on a read-only fs: nothing left mounted"

	as_user_hutch --overlay-driver "$d" --rootfs "$img" --persist "$ro/existing" -- true
	expect_exit 125 "[$d] --persist existing on a read-only fs: 125"
	is "$err" "hutch: persist: $ro/existing: Read-only file system" "[$d] --persist existing on a read-only fs: one clear error"
	is "$(new_mounts "$before")" "" "[$d] --persist existing on a read-only fs: nothing left mounted"
done

# /dev/fuse out of reach (a mode-000 file bound over it, in a mount namespace of this test's
# own, so that other tests keep theirs): the forced fuse driver fails with one clear error
# naming it; auto still runs on the kernel's overlayfs.
if command -v fuse-overlayfs >/dev/null && [ -e /dev/fuse ] && command -v unshare >/dev/null; then
	touch "$TEST_TMP/no-fuse"
	chmod 000 "$TEST_TMP/no-fuse"
	home=$(getent passwd "$user" | cut -d: -f6)
	for d in fuse auto; do
		before=$(host_mounts)
		_last_cmd="(/dev/fuse hidden) runuser -u $user -- $HUTCH -v --overlay-driver $d --rootfs $img -- true"
		unshare -m --propagation private bash -c 'mount --bind "$1" /dev/fuse && shift && exec "$@"' sh \
			"$TEST_TMP/no-fuse" timeout -k 5 30 runuser -u "$user" -- env HOME="$home" "${HUTCH_CMD[@]}" \
			-v --overlay-driver "$d" --rootfs "$img" -- true </dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
		rc=$?
		err=$(grep -v -e '^hutch: profile:' -e '^hutch: id map:' -e '^hutch: limits:' "$TEST_TMP/.err")
		if [ "$d" = fuse ]; then
			expect_exit 125 "[fuse] /dev/fuse not accessible: 125"
			like "$err" '^hutch: [^:]+: /dev/fuse.*: Permission denied$' "[fuse] /dev/fuse not accessible: one clear error naming it"
		else
			expect_exit 0 "[auto] /dev/fuse not accessible: runs"
			is "$err" "hutch: overlay: kernel overlayfs" "[auto] /dev/fuse not accessible: the kernel's overlayfs"
		fi
		is "$(new_mounts "$before")" "" "[$d] /dev/fuse not accessible: nothing left mounted"
	done
else
	skip_n 6 "needs fuse-overlayfs, /dev/fuse and unshare"
fi

done_testing
