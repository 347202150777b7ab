#!/usr/bin/env bash
# Cleanup of a fuse-overlayfs root: the fuse-overlayfs process runs in the sandbox's pid
# namespace under the launcher; when the sandbox ends — normally, by SIGTERM to the launcher,
# or by SIGKILL of the launcher — no fuse-overlayfs process, no process of the sandbox's user or
# pid namespace and no fuse or overlay mount remains on the host. The same for the kernel driver
# (no helper process there, but the same namespaces and mounts). The sandbox holds a fifo open,
# so end of file tells when its processes have gone.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-overlay.sh"
require_userns
overlay_rootfs

share=$TEST_TMP/share
mkdir "$share"

# gone TYPE LINK: wait (at most 10 s) for no host process to be in that namespace; prints the
# stragglers. Processes that are not our children give no fd to wait on, hence the polling.
# A zombie has ended: pid 1, which hutch does not wait out (as bwrap), is its new parent's to
# reap, and an init that reaps only its own children (runuser as pid 1) never does.
gone() {
	local i left p
	for ((i = 0; i < 200; i++)); do
		left=$(not_zombies $(pids_in_ns "$1" "$2"))
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	for p in $left; do echo "$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
	return 1
}

# start_time PID: field 22 of /proc/PID/stat, to tell a pid from a later reuse of it.
start_time() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $20 }'
}

# pid_gone PID START: wait (at most 10 s) for that process to be gone.
pid_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(start_time "$1")" = "$2" ] || return 0
		sleep 0.05
	done
	return 1
}

# has_ancestor PID ANCESTOR
has_ancestor() {
	local p=$1
	while [ -n "$p" ] && [ "$p" -gt 1 ]; do
		[ "$p" = "$2" ] && return 0
		p=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
	done
	return 1
}

# end_test DRIVER HOW: one sandbox on DRIVER, ended by HOW (exit, TERM or KILL).
end_test() {
	local driver=$1 how=$2 T="[$1, $2]" rw rd go user_ns pid_ns before fuse_pid fuse_start left
	rm -f "$share/hold" "$share/go"
	fifo_open rw "$share/hold" || bail_out "cannot make a fifo"
	fifo_open go "$share/go" || bail_out "cannot make a fifo"
	before=$(host_mounts)
	# With "exit" the command reads one line from a second fifo before it ends: the test
	# first looks at the running sandbox, then lets it go.
	spawn_hutch --overlay-driver "$driver" --rootfs "$ROOTFS" --bind "$share:/share" -- sh -c '
		exec 9<>/share/hold
		sleep 1000 &
		echo "$(readlink /proc/self/ns/user) $(readlink /proc/self/ns/pid)" >&9
		if [ "$0" = exit ]; then read -r go </share/go; kill $!; exit 0; fi
		wait' "$how"
	if ! read_line "$rw" 20; then
		not_ok "$T the sandbox starts" "$(_last_run_diag)"
		eval "exec $rw>&- $go>&-"
		return
	fi
	read -r user_ns pid_ns <<<"$line"

	fuse_pid=
	for p in $(pids_in_ns pid "$pid_ns"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = fuse-overlayfs ] && fuse_pid=$p
	done
	if [ "$driver" = fuse ]; then
		if [ -n "$fuse_pid" ] && has_ancestor "$fuse_pid" "$hutch_pid"; then
			ok "$T fuse-overlayfs runs in the sandbox's pid namespace, under the launcher"
		else
			not_ok "$T fuse-overlayfs runs in the sandbox's pid namespace, under the launcher" \
				"fuse-overlayfs pid: '${fuse_pid}'" "$(pgrep -a fuse-overlayfs)"
		fi
		fuse_start=$(start_time "$fuse_pid")
	else
		is "$fuse_pid" "" "$T no fuse-overlayfs with the kernel driver"
	fi

	case $how in
	exit)
		echo go >&"$go"
		wait_hutch 20
		is "$rc" 0 "$T the sandbox ends normally"
		eval "exec $rw>&-"
		;;
	TERM | KILL)
		fifo_reader_only rd "$share/hold" "$rw"
		kill -"$how" "$hutch_pid"
		wait "$hutch_pid" 2>/dev/null
		if wait_eof "$rd" 20; then
			ok "$T every process holding the fifo died with the launcher"
		else
			not_ok "$T every process holding the fifo died with the launcher" "still open after 20 s"
		fi
		eval "exec $rd<&-"
		;;
	esac
	eval "exec $go>&-"

	if [ "$driver" = fuse ]; then
		if [ -n "$fuse_pid" ] && pid_gone "$fuse_pid" "$fuse_start"; then
			ok "$T the fuse-overlayfs process is gone"
		else
			not_ok "$T the fuse-overlayfs process is gone" "pid '$fuse_pid'" \
				"$(ps -o pid,ppid,stat,args -p "${fuse_pid:-1}" 2>&1)"
		fi
	fi
	if left=$(gone pid "$pid_ns"); then
		ok "$T no process of the sandbox's pid namespace is left"
	else
		not_ok "$T no process of the sandbox's pid namespace is left" "$left"
	fi
	if left=$(gone user "$user_ns"); then
		ok "$T no process of the sandbox's user namespace is left"
	else
		not_ok "$T no process of the sandbox's user namespace is left" "$left"
	fi
	is "$(new_mounts "$before")" "" "$T no overlay or fuse mount is left on the host"
}

if fuse_ok; then
	end_test fuse KILL
	end_test fuse TERM
	end_test fuse exit
else
	skip "$fuse_why"
fi
end_test kernel KILL
end_test kernel exit

# The persistent upper is usable right after a SIGKILL: no stale work dir blocks the next run.
if fuse_ok; then drivers=(kernel fuse); else drivers=(kernel); fi
for d in "${drivers[@]}"; do
	up=$TEST_TMP/upper-$d
	rm -f "$share/hold"
	fifo_open rw "$share/hold" || bail_out "cannot make a fifo"
	spawn_hutch --overlay-driver "$d" --rootfs "$ROOTFS" --persist "$up" --bind "$share:/share" -- sh -c \
		'echo before >/etc/killed && exec 9>/share/hold && echo ready >&9 && exec sleep 1000'
	if read_line "$rw" 20; then
		kill -KILL "$hutch_pid"
		wait "$hutch_pid" 2>/dev/null
	fi
	eval "exec $rw>&-"
	run_hutch --overlay-driver "$d" --rootfs "$ROOTFS" --persist "$up" -- sh -c 'cat /etc/killed && echo after >/etc/killed && cat /etc/killed'
	expect_exit 0 "[$d] a --persist upper works again right after a SIGKILL"
	is "$out" $'before\nafter' "[$d] it kept the killed run's write and takes new ones"
done

done_testing
