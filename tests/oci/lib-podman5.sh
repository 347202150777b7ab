# shellcheck shell=bash
# Shared by tests/oci/podman5.sh and tests/bench/podman5: Debian 13's podman 5, which Debian 12's
# podman 4.3 is not (no pasta network), run on this Debian 12 host in a debootstrapped Debian 13
# root. As root.
#   podman5_root      the root in PODMAN5_ROOT, made once with debootstrap from deb.debian.org and
#                     cached in HUTCH_PODMAN5_CACHE (default /var/tmp/hutch-podman5); status 1
#                     with the reason in PODMAN5_WHY where it cannot be made here
#   podman5_enter DIR the root entered through an overlay (upper and work dir in DIR) in a mount
#                     and pid namespace of its own: DIR/in's files copied to /opt/hutch there,
#                     DIR/out bound at /out, and DIR/user.sh run by bash as the user podman5
#                     (made there with subordinate ranges) with HOME, XDG_RUNTIME_DIR, PATH
#                     (/opt/hutch first) and the NAME=VALUE words of PODMAN5_ENV. Its status is
#                     user.sh's (124 after PODMAN5_TIMEOUT seconds, default 600); every process
#                     it started ends with the namespace's pid 1, every mount with the namespace.
PODMAN5_CACHE=${HUTCH_PODMAN5_CACHE:-/var/tmp/hutch-podman5}
PODMAN5_ROOT=$PODMAN5_CACHE/root
# podman and what it runs with (pasta from passt, conmon, the id-map helpers), runc to compare
# with, busybox for the images, procps (pgrep, for tests/oci/podman.sh), and the libraries hutch and hutch-oci (built on Debian 12) link
PODMAN5_PKGS=podman,passt,uidmap,catatonit,conmon,fuse-overlayfs,slirp4netns,runc,busybox-static,curl,procps
PODMAN5_PKGS+=,ca-certificates,libseccomp2,libcap2,libsystemd0,libnftnl11,libmnl0

podman5_root() {
	PODMAN5_WHY=
	if ! command -v debootstrap >/dev/null; then
		PODMAN5_WHY="needs debootstrap (apt-get install debootstrap)"
	elif [ ! -e /usr/share/debootstrap/scripts/trixie ]; then
		PODMAN5_WHY="this debootstrap does not know Debian 13 (trixie)"
	fi
	[ -z "$PODMAN5_WHY" ] || return 1
	mkdir -p "$PODMAN5_CACHE" || { PODMAN5_WHY="cannot make $PODMAN5_CACHE"; return 1; }
	(
		flock 9
		# (made again when the package list changed since)
		[ "$(cat "$PODMAN5_ROOT/.complete" 2>/dev/null)" = "$PODMAN5_PKGS" ] && exit 0
		rm -rf "$PODMAN5_ROOT"
		timeout -k 5 900 debootstrap --variant=minbase --include="$PODMAN5_PKGS" trixie "$PODMAN5_ROOT" \
			http://deb.debian.org/debian >"$PODMAN5_CACHE/debootstrap.log" 2>&1 &&
			echo "$PODMAN5_PKGS" >"$PODMAN5_ROOT/.complete"
	) 9>"$PODMAN5_CACHE/.lock"
	if [ "$(cat "$PODMAN5_ROOT/.complete" 2>/dev/null)" != "$PODMAN5_PKGS" ]; then
		rm -rf "$PODMAN5_ROOT"
		PODMAN5_WHY="debootstrap of Debian 13 failed ($(tail -n 1 "$PODMAN5_CACHE/debootstrap.log")): see $PODMAN5_CACHE/debootstrap.log"
		return 1
	fi
}

podman5_enter() {
	local dir=$1
	mkdir -p "$dir"/{mnt,up,wk,in,out} && chmod 777 "$dir/out" || return 1
	# (pivot_root, not chroot: the kernel refuses new user namespaces to a chrooted process)
	timeout -k 5 "${PODMAN5_TIMEOUT:-600}" unshare --mount --pid --fork --kill-child bash -c '
	set -e
	D=$1 BASE=$2 ENVS=$3
	mount --make-rprivate /
	mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$D/up,workdir=$D/wk" "$D/mnt"
	R=$D/mnt
	mount -t proc proc "$R/proc"
	mount --rbind /dev "$R/dev"
	mount --rbind /sys "$R/sys"
	for d in tmp run home; do mount -t tmpfs tmpfs "$R/$d"; done
	mkdir -p "$R/opt/hutch" "$R/out"
	cp -a "$D/in/." "$R/opt/hutch/"
	cp "$D/user.sh" "$R/opt/user.sh"
	mount --bind "$D/out" "$R/out"
	cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
	mkdir -p "$R/.oldroot"
	cd "$R"
	pivot_root . .oldroot
	umount -l /.oldroot
	mount --make-rshared /
	useradd -m -s /bin/bash podman5 >/dev/null 2>&1
	uid=$(id -u podman5)
	mkdir -p "/run/user/$uid" && chown podman5: "/run/user/$uid" && chmod 700 "/run/user/$uid"
	# shellcheck disable=SC2086 # ENVS: NAME=VALUE words
	exec setpriv --reuid=podman5 --regid=podman5 --init-groups env -i HOME=/home/podman5 \
		USER=podman5 LOGNAME=podman5 LANG=C.UTF-8 PATH=/opt/hutch:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin \
		XDG_RUNTIME_DIR="/run/user/$uid" PODMAN_IGNORE_CGROUPSV1_WARNING=1 $ENVS bash /opt/user.sh
	' _ "$dir" "$PODMAN5_ROOT" "${PODMAN5_ENV:-}"
}
