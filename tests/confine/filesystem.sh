#!/usr/bin/env bash
# /proc and /sys inside, and Landlock: /proc/sys is read-only even to a fake root with every
# capability; /sys is absent; where the kernel offers Landlock a write outside the writable set
# (here /proc/self/comm, on a read-write proc mount the plan does not list) is refused while
# writes to tmpfs and read-write binds pass.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-confine.sh"
require_userns

probe_in -- write /proc/sys/kernel/domainname
like "$out" '^write /proc/sys/kernel/domainname: (EROFS|EACCES|EPERM)$' "a write to /proc/sys is refused"
# As a normal user the host's root owns /proc/sys and is unmapped, so EACCES may come first.
probe_in --uid 0 --cap-add ALL --landlock off -- write /proc/sys/kernel/domainname
like "$out" '^write /proc/sys/kernel/domainname: (EROFS|EACCES)$' \
	"a fake root with every capability cannot write /proc/sys"
# shellcheck disable=SC2016 # awk's own fields
run_hutch -- awk '$5 == "/proc/sys" { split($6, o, ","); print o[1] }' /proc/self/mountinfo
is "$out" ro "/proc/sys is mounted read-only"
if [ -e /proc/sysrq-trigger ]; then
	probe_in --uid 0 --cap-add ALL --landlock off -- write /proc/sysrq-trigger
	like "$out" ': (EROFS|EACCES|EPERM|ENOENT)$' "/proc/sysrq-trigger cannot be written"
else
	skip "this kernel has no /proc/sysrq-trigger"
fi
run_hutch -- sh -c 'test -e /sys/kernel && echo present || echo absent'
is "$out" absent "/sys is absent by default"

abi=$("$PROBE" landlock-abi)
if [ "$abi" = "landlock_abi=0" ]; then
	skip_n 9 "this kernel does not offer Landlock"
	probe_in --landlock require -- fds
	expect_exit 125 "--landlock require without Landlock: 125"
	done_testing
	exit 0
fi
diag "Landlock $abi"
mkdir "$TEST_TMP/rw"
probe_in -- write /proc/self/comm
is "$out" "write /proc/self/comm: EACCES" "Landlock: a write outside the writable set is refused"
probe_in --landlock off -- write /proc/self/comm
is "$out" "write /proc/self/comm: ok" "--landlock off: the same write passes"
probe_in --landlock require -- write /tmp/file
is "$out" "write /tmp/file: ok" "Landlock: writes to a tmpfs pass"
probe_in --landlock require --tmpfs /scratch -- write /scratch/file
is "$out" "write /scratch/file: ok" "Landlock: writes to --tmpfs pass"
probe_in --landlock require --bind "$TEST_TMP/rw:/rw" -- write /rw/file
is "$out" "write /rw/file: ok" "Landlock: writes beneath a read-write bind pass"
probe_in --landlock require -- write /dev/null
is "$out" "write /dev/null: ok" "Landlock: /dev/null stays writable"

# Landlock forbids mount(2) too: auto steps aside for a command that asks to mount.
run_hutch --uid 0 --cap-add sys_admin -- mount -t tmpfs none /tmp
expect_exit 0 "--cap-add sys_admin: auto Landlock lets the command mount"
run_hutch --uid 0 --cap-add sys_admin --landlock require -- mount -t tmpfs none /tmp
like "$rc" '^[1-9]' "--cap-add sys_admin --landlock require: mount is refused"
probe_in --allow-userns -- write /proc/self/comm
is "$out" "write /proc/self/comm: ok" "--allow-userns: auto Landlock steps aside"

done_testing
