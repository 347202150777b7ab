#!/usr/bin/env bash
# Namespaces made by someone else: --userns and --pidns join them, --userns2 switches into a
# descendant after the setup, --userns-block-fd waits for another process to write the id
# maps. Each run under Debian's bwrap and hutch-bwrap; the command must see the same.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

[ -n "$REAL_BWRAP" ] || skip_all "bubblewrap is not installed"
command -v unshare >/dev/null || skip_all "unshare (util-linux) is missing"
unshare --user --map-root-user --pid --fork true 2>/dev/null || skip_all "unshare cannot make the namespaces to join"
D=$TEST_TMP
# (pids are numbered in turn in a shared pid namespace: only 1 is told apart)
see='cat /proc/self/uid_map | tr -s " "; id -u; readlink /proc/self/ns/user /proc/self/ns/pid; [ $$ = 1 ] && echo "pid 1" || echo "pid other"'

# A holder process in a user namespace (and a pid namespace) of its own, kept by a fifo.
mkfifo "$D/ready" "$D/hold"
exec {hold}<>"$D/hold"
unshare --user --map-root-user --pid --fork sh -c 'echo up >"$1"; read -r x <"$2"' sh "$D/ready" "$D/hold" &
holder=$!
track_pid "$holder"
read -r -t 20 _ <"$D/ready" || bail_out "the namespace holder did not start"
inner=$(pgrep -P "$holder" | head -1)
[ -n "$inner" ] || inner=$holder
ns_user=/proc/$inner/ns/user
ns_pid=/proc/$inner/ns/pid

# In the sanitizer build, LeakSanitizer's stop-the-world cannot run in a launcher whose new
# children go to another pid namespace (--pidns): leak checking is off for those runs.
no_lsan="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

run_both() {
	local impl bin
	for impl in real hutch; do
		bin=$REAL_BWRAP
		[ $impl = hutch ] && bin=$HUTCH_BWRAP
		# timeout(1) leads a process group of its own: what a bwrap leaves behind in it (Debian's
		# 0.8 leaves its --userns2 child waiting for ever) is ended with it
		eval "exec timeout -k 5 20 env \"\$no_lsan\" \"\$bin\" $1 \"\${BASE[@]}\" --proc /proc sh -c \"\$see\"" \
			</dev/null >"$D/$impl.out" 2>&1 &
		local tpid=$!
		wait "$tpid"
		echo "exit $?" >>"$D/$impl.out"
		kill -KILL -- "-$tpid" 2>/dev/null
		# the holder's namespaces by name, any other by what it is: new
		sed -i -e "s/$(readlink "$ns_user")/user:[holder]/; s/$(readlink "$ns_pid")/pid:[holder]/" \
			-e 's/user:\[[0-9]*\]/user:[other]/; s/pid:\[[0-9]*\]/pid:[other]/' "$D/$impl.out"
		# bwrap's own second line after a failed setup (its pid socket) is not part of the answer
		[ "${3:-}" = first-line ] && sed -i -e '2,${/^exit /!d}' "$D/$impl.out"
	done
	if diff -u "$D/real.out" "$D/hutch.out" >"$D/diff"; then
		ok "$2"
	else
		not_ok "$2" "$(cat "$D/diff")"
	fi
}

run_both "--userns 5 5<$ns_user" "--userns: the given user namespace, its map, no new one"
run_both "--userns 5 --pidns 6 5<$ns_user 6<$ns_pid" "--userns with --pidns: the given pid namespace"
run_both "--userns 5 --pidns 6 --unshare-pid 5<$ns_user 6<$ns_pid" "--pidns with --unshare-pid: a child of the given one"
# The sandbox's pid 1 also counts in the joined namespace, whose init cannot end until pid 1 is
# reaped: bwrap waits for it there. Run under a subreaper standing for the caller's init (which
# may reap only its own children, as runuser as pid 1 of a container): nothing may come to it.
for impl in real hutch; do
	bin=$REAL_BWRAP
	[ $impl = hutch ] && bin=$HUTCH_BWRAP
	: >"$D/left"
	timeout -k 5 20 env "$no_lsan" python3 "$HUTCH_TESTS/net/reaper.py" "$D/left" "$bin" --userns 5 --pidns 6 \
		--unshare-pid "${BASE[@]}" --proc /proc true 5<"$ns_user" 6<"$ns_pid" >/dev/null 2>&1
	is "$(cat "$D/left")" "" "--pidns with --unshare-pid: pid 1 reaped before the exit, as bwrap ($impl)"
done
run_both "--pidns 6 --unshare-pid 6<$ns_pid" "--pidns with a new user namespace: refused by the kernel, as for bwrap" first-line
run_both "--userns 5 --userns2 5 5<$ns_user" "--userns2: switched into after the setup"
run_both "--unshare-user --userns 5 5<$ns_user" "--userns with --unshare-user is refused"
run_both "--userns 9 9</dev/null" "--userns of something that is not a namespace"

# --userns-block-fd: this test writes the maps, as newuidmap would, once --info-fd has
# named the sandbox's first process, then lets it go on.
for impl in real hutch; do
	bin=$REAL_BWRAP
	[ $impl = hutch ] && bin=$HUTCH_BWRAP
	rm -f "$D/info" "$D/block"
	mkfifo "$D/info" "$D/block"
	exec {blk}<>"$D/block"
	"$bin" --unshare-user --info-fd 6 --userns-block-fd 5 "${BASE[@]}" --proc /proc sh -c "$see" \
		5<&$blk 6>"$D/info" >"$D/$impl.out" 2>&1 </dev/null &
	pid=$!
	track_pid $pid
	# read to its end, as a JSON reader does: the end must come before the maps are written
	info=$(timeout 20 cat "$D/info")
	echo "info read to its end: $?" >"$D/$impl.info"
	child=$(printf '%s\n' "$info" | sed -n 's/.*"child-pid": *\([0-9]*\).*/\1/p')
	echo "0 $(id -u) 1" >"/proc/$child/uid_map"
	echo deny >"/proc/$child/setgroups"
	echo "0 $(id -g) 1" >"/proc/$child/gid_map"
	echo go >&$blk
	wait $pid
	echo "exit $?" >>"$D/$impl.out"
	cat "$D/$impl.info" >>"$D/$impl.out"
	exec {blk}>&-
done
sed -i -E 's/user:\[[0-9]+\]/user:[N]/; s/pid:\[[0-9]+\]/pid:[N]/' "$D/real.out" "$D/hutch.out"
if diff -u "$D/real.out" "$D/hutch.out" >"$D/diff"; then
	ok "--userns-block-fd: the maps another process wrote"
else
	not_ok "--userns-block-fd: the maps another process wrote" "$(cat "$D/diff")"
fi
like "$(cat "$D/hutch.out")" "^ 0 $(id -u) 1" "--userns-block-fd: the map is the one written from outside"

echo "done" >&"$hold"
wait "$holder"
done_testing
