#!/usr/bin/env bash
# hutch-oci run by root without a user namespace, as rootful podman and CRI-O run their runtime
# (issue 29), on a host whose mounts are shared, as systemd makes every mount: the container's
# mounts stay in its own mount namespace. Its /sys and /sys/fs/cgroup are copies of the host's
# (a read-only bind each), made before its namespace is a slave; a copy of a shared mount is
# the host's peer, and a mount made on it inside used to appear on the host as well (a
# read-only cgroup tree over the host's /sys/fs/cgroup, which then broke systemd's next scope
# and runc's next create in the VM of tests/vm/run). Needs root; the host's shared propagation
# is made in a mount namespace of the test's own (unshare -m, / made rshared there).
HUTCH_TESTS=${HUTCH_TESTS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
. "$HUTCH_TESTS/oci/lib-oci.sh"
[ "$(id -u)" -eq 0 ] || skip_all "needs root: hutch-oci without a user namespace"
command -v unshare >/dev/null || skip_all "needs unshare(1)"

B=$TEST_TMP/bundle
make_bundle "$B" '["sh", "-c", "grep -c . /proc/self/mountinfo >/dev/null && ls /sys/fs/cgroup | grep -c ."]'
sed -i -e 's/{"type": "ipc"}/{"type": "ipc"}, {"type": "cgroup"}/' \
	-e 's|"mounts": \[|"mounts": [{"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]}, {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup", "options": ["rprivate", "nosuid", "noexec", "nodev", "relatime", "ro"]},|' \
	"$B/config.json"
mkdir -p "$ROOTFS/sys"

# in a mount namespace of ours whose mounts are all shared, as a systemd host's: the mount
# table before and after one container, and what the container said
# shellcheck disable=SC2016 # (expanded by the inner shell)
res=$(with_timeout 60 unshare -m --propagation unchanged bash -c '
	mount --make-rshared / || exit 9
	before=$(cut -d" " -f5 /proc/self/mountinfo | sort)
	out=$("$1" --root "$2" run -b "$3" shared 2>&1 </dev/null)
	rc=$?
	after=$(cut -d" " -f5 /proc/self/mountinfo | sort)
	printf "rc=%s out=%s\n" "$rc" "$out"
	diff <(echo "$before") <(echo "$after") | sed -n "s/^> /left: /p"
	"$1" --root "$2" delete --force shared >/dev/null 2>&1
' _ "$HUTCH_OCI" "$OCI_ROOT" "$B")
like "$res" "^rc=0 out=[1-9]" "as root on a shared host: the container runs and sees its cgroup tree"
unlike "$res" "left: " "... and no mount of its is left on the host ($(echo "$res" | grep -c "left: ") left)"
diag "$res"
done_testing
