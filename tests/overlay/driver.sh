#!/usr/bin/env bash
# Which root hutch builds: --overlay-driver auto picks the kernel's overlayfs on this machine
# (a kernel that mounts overlayfs in a user namespace), kernel and fuse can be forced, -v says
# which ran; --rootfs-bind uses the directory itself, read-only unless --rw, with the same
# /proc, /dev, /tmp and /run treatment (those a read-only image lacks are skipped).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-overlay.sh"
require_userns
overlay_rootfs

KERNEL="hutch: overlay: kernel overlayfs"
FUSE="hutch: overlay: fuse-overlayfs"

# ---- auto, kernel, fuse ---------------------------------------------------------------------

run_hutch -v --rootfs "$ROOTFS" -- true
expect_exit 0 "auto (the default) runs"
like "$err" "^$KERNEL\$" "auto picks the kernel's overlayfs here"
run_hutch -v --overlay-driver auto --rootfs "$ROOTFS" -- true
like "$err" "^$KERNEL\$" "--overlay-driver auto picks the kernel's overlayfs here"
run_hutch -v --overlay-driver kernel --rootfs "$ROOTFS" -- true
like "$err" "^$KERNEL\$" "--overlay-driver kernel: -v says so"
run_hutch -v --overlay-driver=kernel --layers "$ROOTFS" -- true
like "$err" "^$KERNEL\$" "--overlay-driver=kernel with --layers alone"
run_hutch --rootfs "$ROOTFS" -- true
unlike "$err" "overlay" "without -v nothing is said about the overlay"
if fuse_ok; then
	run_hutch -v --overlay-driver fuse --rootfs "$ROOTFS" -- true
	expect_exit 0 "--overlay-driver fuse runs"
	like "$err" "^$FUSE\$" "--overlay-driver fuse: -v says so"
	unlike "$err" "^$KERNEL\$" "--overlay-driver fuse: the kernel's was not used"
else
	skip_n 3 "$fuse_why"
fi
run_hutch --overlay-driver bogus --rootfs "$ROOTFS" -- true
expect_exit 125 "--overlay-driver bogus: 125"
like "$err" "^hutch: --overlay-driver: " "--overlay-driver bogus: the message names the option"

# ---- --rootfs-bind -------------------------------------------------------------------------

img=$TEST_TMP/image
rootfs_copy "$img"
rmdir "$img/run"
before=$(tree_state "$img")

run_hutch -v --rootfs-bind "$img" -- sh -c 'cat /etc/keep; echo x >/etc/new'
like "$err" "Read-only file system" "--rootfs-bind: the root is read-only"
is "$out" kept "--rootfs-bind: the image's files are the root"
unlike "$err" "hutch: overlay:" "--rootfs-bind: no overlay"
is "$(tree_state "$img")" "$before" "--rootfs-bind: nothing was written to the image"
run_hutch --rootfs-bind "$img" -- sh -c \
	'test -r /proc/self/stat && echo proc; echo x >/dev/null && echo null; echo t >/tmp/t && echo tmp; test -e /run || echo no-run'
is "$out" $'proc\nnull\ntmp\nno-run' "--rootfs-bind: /proc, /dev and a writable /tmp; /run, which the image lacks, skipped"

run_hutch --rootfs-bind "$img" --rw -- sh -c 'echo x >/etc/new && rm /etc/del && cat /etc/new'
expect_exit 0 "--rootfs-bind --rw: writes work"
is "$out" x "--rootfs-bind --rw: the sandbox reads its write"
is "$(cat "$img/etc/new" 2>/dev/null)" x "--rootfs-bind --rw: the write is in the image on the host"
check "--rootfs-bind --rw: the delete too" test ! -e "$img/etc/del"
run_hutch --rootfs-bind "$img" --rw -- sh -c 'echo t >/tmp/t; ls /tmp'
is "$out" t "--rootfs-bind --rw: /tmp is still a tmpfs of its own"
check "--rootfs-bind --rw: which did not write into the image's /tmp" test ! -e "$img/tmp/t"

done_testing
