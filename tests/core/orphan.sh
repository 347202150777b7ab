#!/usr/bin/env bash
# Never an orphan: after SIGKILL of the launcher no process of the sandbox is left on the host
# (looked up by namespace inode in /proc) and nothing it mounted shows in the host's
# /proc/self/mountinfo. The sandbox's processes hold a fifo open, so its end of file tells when
# the last one has gone.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

share=$TEST_TMP/share
mkdir "$share"

# gone TYPE LINK: wait (at most 10 s) for no live host process to be in that namespace; prints
# the stragglers. Processes not our children give no fd to wait on from bash, hence the
# polling. Zombies do not count: the launcher's children, re-parented to the host's init when
# it is killed, wait there to be reaped.
gone() {
	local i left
	for ((i = 0; i < 200; i++)); do
		# shellcheck disable=SC2046
		left=$(not_zombies $(pids_in_ns "$1" "$2"))
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	for p in $left; do echo "$p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"; done
	return 1
}

# kill_test OPTS: one run with the given hutch options.
kill_test() {
	local opts=$1 tag=${1:+ ($1)} rw rd user_ns pid_ns before after found left
	rm -f "$share/hold"
	fifo_open rw "$share/hold" || bail_out "cannot make a fifo"
	before=$(mount_ids)
	# shellcheck disable=SC2086
	spawn_hutch $opts --bind "$share:/share" -- sh -c \
		'exec 9>/share/hold; sleep 1000 & echo "$(readlink /proc/self/ns/user) $(readlink /proc/self/ns/pid)" >&9; wait'
	if ! read_line "$rw" 20; then
		not_ok "the sandbox starts$tag" "$(_last_run_diag)"
		return
	fi
	read -r user_ns pid_ns <<<"$line"
	found=$(pids_in_ns user "$user_ns" | wc -l)
	if [ "$found" -ge 2 ]; then
		ok "the sandbox's processes are visible on the host ($found in $user_ns)$tag"
	else
		not_ok "the sandbox's processes are visible on the host$tag" "found $found in '$user_ns'"
	fi
	fifo_reader_only rd "$share/hold" "$rw"

	kill -KILL "$hutch_pid"
	wait "$hutch_pid" 2>/dev/null
	if wait_eof "$rd" 20; then
		ok "every process holding the fifo died with the launcher$tag"
	else
		not_ok "every process holding the fifo died with the launcher$tag" "still open after 20 s"
	fi
	eval "exec $rd<&-"
	if left=$(gone user "$user_ns"); then
		ok "no process of the sandbox's user namespace is left$tag"
	else
		not_ok "no process of the sandbox's user namespace is left$tag" "$left"
	fi
	if left=$(gone pid "$pid_ns"); then
		ok "no process of the sandbox's pid namespace is left$tag"
	else
		not_ok "no process of the sandbox's pid namespace is left$tag" "$left"
	fi
	after=$(mount_ids)
	is "$(comm -13 <(echo "$before") <(echo "$after"))" "" "no new mount on the host$tag"
}

kill_test ""
kill_test --as-pid-1

# A normal exit: the command's code comes back at once, but only after pid 1 has ended and
# reaped every other process of the sandbox; none is left when hutch returns (no waiting
# here), also one that ignores SIGTERM.
rm -f "$share/ns"
run_sh --bind "$share:/share" 'trap "" TERM; sleep 1000 & sleep 1001 & readlink /proc/self/ns/pid > /share/ns; exit 3'
expect_exit 3 "a command leaving two sleeps behind exits 3"
ns=$(cat "$share/ns" 2>/dev/null)
left=
for p in $(pids_in_ns pid "$ns"); do
	case $(cat "/proc/$p/comm" 2>/dev/null) in sleep) left="$left $p" ;; esac
done
if [ -n "$ns" ] && [ -z "$left" ]; then
	ok "no process the command left behind outlives hutch's return"
else
	not_ok "no process the command left behind outlives hutch's return" "ns '$ns', left:$left"
fi

# A normal exit leaves nothing mounted either.
before=$(mount_ids)
run_hutch --tmpfs /x --bind "$share:/share" -- true
expect_exit 0 "a plain run"
after=$(mount_ids)
is "$(comm -13 <(echo "$before") <(echo "$after"))" "" "no new mount on the host after a normal exit"

done_testing
