# shellcheck shell=bash
# Shared by the tests/bwrap scripts: the real bubblewrap and hutch-bwrap side by side.
#   HUTCH_BWRAP  hutch-bwrap under test (tests/meson.build sets it; else beside $HUTCH)
#   REAL_BWRAP   the system's bwrap (Debian's package), when installed
#   BASE         a root with the host's /usr and its merged-/usr links, read-only
#   probe        a sh script printing what the command sees, section by section
# bw_run BIN OPTS... -- CMD...: runs one with stdin on /dev/null; sets $out, $err, $rc.
. "$HUTCH_TESTS/lib.sh"

HUTCH_BWRAP=${HUTCH_BWRAP:-$(dirname "$HUTCH")/hutch-bwrap}
[ -x "$HUTCH_BWRAP" ] || bail_out "no hutch-bwrap at $HUTCH_BWRAP"
REAL_BWRAP=$(command -v bwrap || true)
# Where this user may not make user namespaces, nothing here can run.
"$HUTCH_BWRAP" --bind / / true </dev/null >/dev/null 2>&1 ||
	skip_all "hutch-bwrap cannot make a sandbox here: $("$HUTCH_BWRAP" --bind / / true 2>&1 </dev/null)"

BASE=(--ro-bind /usr /usr)
for p in /bin /sbin /lib /lib32 /lib64 /libx32; do
	if [ -L "$p" ]; then
		BASE+=(--symlink "$(readlink "$p")" "$p")
	elif [ -d "$p" ]; then
		BASE+=(--ro-bind "$p" "$p")
	fi
done

# The host's namespaces, for "new" or "host" inside.
HOST_NS=
for n in cgroup ipc mnt net pid user uts; do
	HOST_NS+="$n:$(readlink /proc/self/ns/$n) "
done

# What the command sees. $1: the host's namespaces; $2: the exit status to end with.
# shellcheck disable=SC2016
probe='
echo "== maps"; cat /proc/self/uid_map /proc/self/gid_map 2>&1 | tr -s " \t" " "
echo "== ns"
for kv in $1; do n=${kv%%:*}; cur=$(readlink /proc/self/ns/$n) || cur=none
	if [ "$cur" = "${kv#*:}" ]; then echo "$n host"; elif [ "$cur" = none ]; then echo "$n ?"; else echo "$n new"; fi
done
echo "== mounts"; findmnt -rn -o TARGET,FSTYPE,OPTIONS 2>&1
echo "== hostname"; cat /proc/sys/kernel/hostname 2>&1
echo "== env"; env | grep -v "^_=" | sort
echo "== fds"; ls /proc/self/fd 2>&1 | sort -n | tr "\n" " "; echo
echo "== status"; grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Seccomp_filters):" /proc/self/status 2>&1
echo "== process"; read -r _ _ _ ppid pgrp sid _ </proc/self/stat
	[ "$$" -le 2 ] && echo "pid $$" || echo "pid other"; [ "$sid" = "$$" ] && echo "own session" || echo "session inherited"
echo "== cwd"; pwd; echo "PWD=$PWD"
echo "== root"; ls -la / 2>&1 | tail -n +2 | while read -r m _ u g _ _ _ _ n _; do echo "$m $u $g $n"; done
echo "== dev"; ls -la /dev 2>&1 | tail -n +2 | while read -r m _ u g _ _ _ _ n _; do echo "$m $u $g $n"; done
exit "${2:-0}"
'

bw_run() {
	local bin=$1
	shift
	_last_cmd="$bin $*"
	with_timeout 30 "$bin" "$@" </dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
	return 0
}
