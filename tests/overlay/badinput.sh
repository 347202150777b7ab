#!/usr/bin/env bash
# Bad input to the overlay options: a missing rootfs or layer, a layer that is a file, an upper
# inside a lower layer (or containing one), --persist where nothing can be created (procfs,
# sysfs, a directory the user cannot write, a file in the way): each one line "hutch: <step>: <detail>: <reason>",
# exit 125, and nothing left behind: no new mount on the host, no half-made upper or work dir.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-overlay.sh"
require_userns
overlay_rootfs
# Refusals are quick: a run that hangs is cut short sooner than the usual 30 s.
export HUTCH_TIMEOUT=${HUTCH_TIMEOUT:-10}

# bad DESC STDERR-ERE HUTCH-OPTS...: one run (command: true) that must fail cleanly.
bad() {
	local desc=$1 want=$2 before left
	shift 2
	before=$(host_mounts)
	run_hutch "$@" -- true
	expect_exit 125 "$desc: 125"
	if [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && printf '%s\n' "$err" | grep -Eq -- "$want"; then
		ok "$desc: one clear line"
	else
		not_ok "$desc: one clear line" "stderr:" "$err" "expected one line matching: $want"
	fi
	left=$(new_mounts "$before")
	is "$left" "" "$desc: nothing left mounted"
}

bad "--rootfs missing" "^hutch: layer: $TEST_TMP/nope: No such file or directory\$" \
	--rootfs "$TEST_TMP/nope"
bad "--rootfs a file" "^hutch: layer: /etc/passwd: Not a directory\$" --rootfs /etc/passwd
bad "--layers with a missing layer" "^hutch: layer: $TEST_TMP/nope: No such file or directory\$" \
	--rootfs "$ROOTFS" --layers "$TEST_TMP/nope"
bad "--layers with a file as a layer" "^hutch: layer: /etc/passwd: Not a directory\$" \
	--rootfs "$ROOTFS" --layers /etc/passwd
bad "--layers alone, a file" "^hutch: layer: /etc/passwd: Not a directory\$" --layers "$ROOTFS:/etc/passwd"
bad "--rootfs-bind missing" "^hutch: rootfs-bind: $TEST_TMP/nope: No such file or directory\$" \
	--rootfs-bind "$TEST_TMP/nope"

# The upper must be apart from every lower layer: overlayfs refuses (or loops) otherwise.
img=$TEST_TMP/image
rootfs_copy "$img"
before_img=$(tree_state "$img")
bad "--persist inside the rootfs" "^hutch: --persist: $img/up: .*inside a lower layer" \
	--rootfs "$img" --persist "$img/up"
check "--persist inside the rootfs: no upper was made" test ! -e "$img/up"
bad "--persist inside a --layers layer" "^hutch: --persist: $img/etc/up: .*inside a lower layer" \
	--rootfs "$ROOTFS" --layers "$img" --persist "$img/etc/up"
bad "--persist containing the rootfs" "^hutch: --persist: $TEST_TMP: " \
	--rootfs "$img" --persist "$TEST_TMP"
ln -s "$img" "$TEST_TMP/img-link"
bad "--persist inside the rootfs through a symlink" "^hutch: --persist: .*inside a lower layer" \
	--rootfs "$TEST_TMP/img-link" --persist "$img/up2"
is "$(tree_state "$img")" "$before_img" "the refused runs left the image untouched"

# --persist where no upper can be made: the issue's "read-only file system". A rootless test
# cannot mount one (root.sh does); procfs, sysfs and a directory of the host's root (unmapped
# inside, so no capability of the sandbox helps) refuse the mkdir of the upper in their own ways.
bad "--persist under /proc" "^hutch: persist: /proc/hutch-upper: " \
	--rootfs "$ROOTFS" --persist /proc/hutch-upper
bad "--persist under /sys" "^hutch: persist: /sys/hutch-upper: " \
	--rootfs "$ROOTFS" --persist /sys/hutch-upper
if [ "$(id -u)" -ne 0 ] && [ "$(stat -c %u /usr)" -eq 0 ]; then
	bad "--persist in a directory the user cannot write" \
		"^hutch: persist: /usr/hutch-upper-$$: Permission denied\$" \
		--rootfs "$ROOTFS" --persist "/usr/hutch-upper-$$"
	check "--persist in /usr: nothing was created" test ! -e "/usr/hutch-upper-$$"
else
	skip_n 4 "run as root, or /usr is not root's"
fi
if fuse_ok; then
	bad "--persist under /sys with the fuse driver" "^hutch: persist: /sys/hutch-upper: " \
		--overlay-driver fuse --rootfs "$ROOTFS" --persist /sys/hutch-upper
else
	skip_n 3 "$fuse_why"
fi

# A file where the work dir (or the upper) belongs: each driver refuses it in one line, and the
# pair works again once the file is gone.
mkdir -p "$TEST_TMP/half/upper"
touch "$TEST_TMP/half/upper.work"
drivers=(kernel)
if fuse_ok; then drivers+=(fuse auto); else skip_n 6 "$fuse_why"; fi
for d in "${drivers[@]}"; do
	bad "[$d] --persist whose work dir is a file" "^hutch: .*$TEST_TMP/half/upper(\\.work)?\\b.*[Nn]ot a directory" \
		--overlay-driver "$d" --rootfs "$ROOTFS" --persist "$TEST_TMP/half/upper"
done
rm "$TEST_TMP/half/upper.work"
run_hutch --rootfs "$ROOTFS" --persist "$TEST_TMP/half/upper" -- sh -c 'echo ok >/etc/after && cat /etc/after'
is "$out" ok "once the file is gone, the same --persist works"
mkdir -p "$TEST_TMP/half2"
touch "$TEST_TMP/half2/upper"
bad "--persist that is a file" "^hutch: .*$TEST_TMP/half2/upper\\b.*[Nn]ot a directory" \
	--rootfs "$ROOTFS" --persist "$TEST_TMP/half2/upper"

# A symlink the sandbox planted in its persistent upper is not followed by a later run's bind.
up=$TEST_TMP/planted-upper
run_hutch --rootfs "$ROOTFS" --persist "$up" -- ln -s /etc /mnt
expect_exit 0 "a sandbox plants /mnt -> /etc in its persistent upper"
mkdir -p "$TEST_TMP/data"
bad "a bind onto the planted /mnt" "^hutch: bind: /mnt: .*symlink" \
	--rootfs "$ROOTFS" --persist "$up" --bind "$TEST_TMP/data:/mnt"

bad "--persist without --rootfs or --layers" "^hutch: --persist: " --persist "$TEST_TMP/lonely"
check "--persist without a root: nothing was created" test ! -e "$TEST_TMP/lonely"
bad "--rw without --rootfs-bind" "^hutch: " --rw

done_testing
