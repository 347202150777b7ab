#!/usr/bin/env bash
# SIGKILL of the launcher mid-run: the workspace is still read by changes and applied by apply;
# its lock is stale (the pid is gone) and does not block the next run or apply.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
if fuse_available; then drivers=(kernel fuse); else drivers=(kernel); fi
plan $((7 * ${#drivers[@]}))

CTL=$TEST_TMP/ctl
mkdir -p "$CTL"
for d in "${drivers[@]}"; do
	W=$TEST_TMP/proj-$d
	make_tree "$W"
	rm -f "$CTL/ready"
	fifo_open ready "$CTL/ready" || bail_out "cannot make a fifo"
	spawn_hutch --overlay-driver "$d" --workspace "$W" --bind "$CTL:$CTL" --name "k$d" -- sh -c '
		cd "$1" && echo killed >new.txt && rm bin.dat && echo more >>text.txt &&
		echo ready >"$2/ready" && exec sleep 1000' sh "$W" "$CTL"
	if read_line "$ready" 20; then ok "[$d] the sandbox wrote"; else not_ok "[$d] the sandbox wrote" "$(_last_run_diag)"; fi
	kill -KILL "$hutch_pid"
	wait "$hutch_pid" 2>/dev/null
	eval "exec $ready>&-"
	check "[$d] the lock of the dead launcher is left behind" test -s "$STATE/k$d/lock"
	# Its sandbox may take a moment to die with it (pid 1 has PDEATHSIG): the upper is only
	# read once the fifo's writers are gone, which the sandbox's end tells.
	is "$(changes_list "k$d" "$W" | sort)" "A file new.txt
D file bin.dat
M file text.txt" "[$d] changes reads the workspace after the SIGKILL"
	run_hutch --overlay-driver "$d" --workspace "$W" --name "k$d" -- sh -c 'cat "$1/new.txt"' sh "$W"
	is "$rc:$out" "0:killed" "[$d] the stale lock does not block the next run, which resumes the workspace"
	"$HUTCH" apply "k$d" >"$TEST_TMP/apply.out" 2>&1
	is "$?" 0 "[$d] apply applies it"
	is "$(cat "$W/new.txt"; tail -n1 "$W/text.txt")" $'killed\nmore' "[$d] the changes reached the host"
	check "[$d] and the state is gone" test ! -e "$STATE/k$d"
done
