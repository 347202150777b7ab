# shellcheck shell=bash
# Shared by the overlay tests (issue 3): a small busybox root file system, built once per build
# directory, and helpers around it. Sourced after tests/lib.sh.
#
#   overlay_rootfs            sets ROOTFS to the cached image: /bin/busybox with RELATIVE applet
#                             links, /etc/{keep,del,mod,passwd,group}, empty /root, /home, /tmp,
#                             /run, /proc, /dev. Tests must not write into it: copy it for that.
#   rootfs_copy DIR           a private copy of it at DIR
#   _rootfs_build DIR         the same image built afresh at DIR (which must not exist)
#   tree_state DIR            one line per entry (path, type, mode, owner, size, mtime, hash):
#                             compare before and after to show that a lower layer was untouched
#   require_fuse              skip_all unless fuse-overlayfs can run here
#   fuse_ok                   0 when fuse-overlayfs can run here (reason in $fuse_why otherwise)
#   host_mounts               this test's /proc/self/mountinfo (the host's mount namespace)
#   new_mounts BEFORE         the host mounts (mountinfo lines) that are not in BEFORE and could
#                             be ours: overlay or fuse file systems, or a path under $TEST_TMP or
#                             $ROOTFS (other tests may mount things of their own meanwhile)

ROOTFS_STAMP=.hutch-test-rootfs-1

_busybox() {
	local bb
	bb=$(command -v busybox) || return 1
	# It must run in a root with no libraries: a static one (busybox-static).
	LC_ALL=C ldd "$bb" 2>&1 | grep -Eq 'not a dynamic|statically linked' || return 1
	echo "$bb"
}

# _rootfs_build DIR: the image at DIR (which must not exist).
_rootfs_build() {
	local dir=$1 bb applet
	bb=$(_busybox) || return 1
	mkdir -p "$dir"/{bin,etc,root,tmp,proc,dev,run,home} || return 1
	cp "$bb" "$dir/bin/busybox" || return 1
	# busybox --install -s would make absolute links (to the host's path); the image wants
	# relative ones so that it works wherever it is mounted.
	for applet in $("$bb" --list); do
		[ "$applet" = busybox ] && continue
		ln -s busybox "$dir/bin/$applet" || return 1
	done
	echo kept >"$dir/etc/keep"
	echo doomed >"$dir/etc/del"
	echo original >"$dir/etc/mod"
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$dir/etc/passwd"
	printf 'root:x:0:\n' >"$dir/etc/group"
	touch "$dir/$ROOTFS_STAMP"
}

overlay_rootfs() {
	local cache tmp
	_busybox >/dev/null || skip_all "needs a static busybox (package busybox-static)"
	cache=${HUTCH_BUILDDIR:-$TEST_TMP}/overlay-rootfs
	if [ ! -e "$cache/$ROOTFS_STAMP" ]; then
		# Tests run in parallel: build aside, then rename into place; who loses the race
		# throws its copy away.
		tmp=$(mktemp -d "$cache.tmp.XXXXXX") || bail_out "cannot make a temp dir beside $cache"
		rmdir "$tmp"
		_rootfs_build "$tmp" || bail_out "cannot build the test rootfs in $tmp"
		mv -T "$tmp" "$cache" 2>/dev/null || rm -rf "$tmp"
		[ -e "$cache/$ROOTFS_STAMP" ] || bail_out "the test rootfs at $cache is incomplete"
	fi
	ROOTFS=$cache
}

rootfs_copy() {
	cp -a "$ROOTFS" "$1"
}

tree_state() {
	(cd "$1" && find . -printf '%p %y %m %U:%G %s %T@ %l\n' | sort &&
		find . -type f -exec md5sum {} + | sort -k 2)
}

fuse_ok() {
	fuse_why=
	if ! command -v fuse-overlayfs >/dev/null; then
		fuse_why="fuse-overlayfs is not installed"
	elif [ ! -r /dev/fuse ] || [ ! -w /dev/fuse ]; then
		fuse_why="/dev/fuse is not accessible to $(id -un) (tests/run makes it 0666 as root)"
	fi
	[ -z "$fuse_why" ]
}

require_fuse() {
	fuse_ok || skip_all "$fuse_why"
}

host_mounts() {
	cat /proc/self/mountinfo
}

new_mounts() {
	local before=$1
	host_mounts | while IFS= read -r l; do
		grep -qxF -- "$l" <<<"$before" && continue
		case "$l" in
		*" - overlay "* | *" - fuse"* | *"$TEST_TMP"* | *"${ROOTFS:-/nonexistent}"*) echo "$l" ;;
		esac
	done
}
