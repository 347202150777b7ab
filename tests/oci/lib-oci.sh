# shellcheck shell=bash
# Shared by the tests/oci scripts (issue 29): hutch-oci, a small root made of the static
# busybox (Debian's busybox-static), and bundles around it.
#   HUTCH_OCI   hutch-oci under test (tests/meson.build sets it; else beside $HUTCH)
#   ROOTFS      the busybox root (a directory in $TEST_TMP)
# make_bundle DIR ARGS_JSON [LINUX_EXTRA_JSON] [TOP_EXTRA_JSON]: DIR/config.json for ROOTFS
# oci ARGS...: hutch-oci with its own --root in $TEST_TMP; sets $out, $err, $rc
. "$HUTCH_TESTS/lib.sh"

HUTCH_OCI=${HUTCH_OCI:-$(dirname "$HUTCH")/hutch-oci}
[ -x "$HUTCH_OCI" ] || bail_out "no hutch-oci at $HUTCH_OCI"
BUSYBOX=/usr/bin/busybox
[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
	skip_all "needs a static busybox at $BUSYBOX (Debian's busybox-static)"
OCI_ROOT=$TEST_TMP/oci-state

ROOTFS=$TEST_TMP/rootfs
mkdir -p "$ROOTFS"/{bin,etc,tmp,proc,sys,dev,root,run}
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$ROOTFS/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' >"$ROOTFS/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$ROOTFS/etc/group"

make_bundle() {
	local dir=$1 args=$2 linux_extra=${3:-} top_extra=${4:-}
	mkdir -p "$dir"
	cat >"$dir/config.json" <<JSON
{
  "ociVersion": "1.0.2",
  "process": {"args": $args, "env": ["PATH=/bin", "HOME=/root"], "cwd": "/",
              "capabilities": {"effective": ["CAP_KILL"], "bounding": ["CAP_KILL"]}},
  "root": {"path": "$ROOTFS"},
  "hostname": "oci-test",
  "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
             {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
             {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}],
  "linux": {"namespaces": [{"type": "pid"}, {"type": "mount"}, {"type": "uts"}, {"type": "ipc"},
                           {"type": "network"}]$linux_extra}$top_extra
}
JSON
}

# (Output goes to files, one pair a call: a created container keeps create's stdout and stderr,
# and a command substitution would wait for their end. OCI_WRAP, when set, runs it: unshare -r.)
_oci_n=0
oci() {
	_oci_n=$((_oci_n + 1))
	# shellcheck disable=SC2086 # (a command and its options)
	with_timeout 30 ${OCI_WRAP:-} "$HUTCH_OCI" --root "$OCI_ROOT" "$@" >"$TEST_TMP/.oci-out.$_oci_n" \
		2>"$TEST_TMP/.oci-err.$_oci_n" </dev/null
	rc=$?
	out=$(cat "$TEST_TMP/.oci-out.$_oci_n")
	err=$(cat "$TEST_TMP/.oci-err.$_oci_n")
}

# The status field of `hutch-oci state ID`.
oci_status() {
	"$HUTCH_OCI" --root "$OCI_ROOT" state "$1" 2>/dev/null | grep -o '"status":"[a-z]*"' | cut -d'"' -f4
}

# Until ID's status is WANT (at most 10 s). The container's process is not our child, and
# no fd tells of its end: its state is read again every 50 ms.
wait_status() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(oci_status "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# Every test leaves nothing behind: its containers are removed at the end.
defer 'for d in "$OCI_ROOT"/*/; do [ -d "$d" ] && "$HUTCH_OCI" --root "$OCI_ROOT" delete --force "$(basename "$d")" 2>/dev/null; done'
