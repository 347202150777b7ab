#!/usr/bin/env bash
# The init reaps orphans: a command that double-forks leaves no zombie behind, seen from
# /proc inside.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

# Five grandchildren are orphaned by their subshells and re-parented to pid 1. Nothing signals
# their reaping to the command, so it polls /proc, bounded to 10 s: each must disappear, never
# stay as a zombie.
REAP='
for i in 1 2 3 4 5; do ( sh -c "exit 0" & echo $! >> /tmp/orphans ); done
n=0
while [ $n -lt 1000 ]; do
	left=
	for p in $(cat /tmp/orphans); do [ -e /proc/$p ] && left="$left $p"; done
	[ -z "$left" ] && break
	sleep 0.01
	n=$((n + 1))
done
for p in $left; do echo "left: $p $(grep State /proc/$p/status)"; done
for s in /proc/[0-9]*/status; do grep -q "^State:.*Z" $s 2>/dev/null && echo "zombie: $s"; done
wc -l < /tmp/orphans
'
run_sh "$REAP"
expect_exit 0 "the double-forking command runs"
is "$out" 5 "no orphan is left as a zombie: pid 1 reaped all five"

# An orphan that outlives its parent is still alive (running or asleep, not a zombie) and its
# parent is now pid 1.
run_sh '( sleep 1000 & echo $! > /tmp/p ); p=$(cat /tmp/p); awk "/^(State|PPid):/ { print \$2 }" /proc/$p/status'
is "$(printf '%s\n' "$out" | sed -n 2p)" 1 "an orphan is re-parented to pid 1"
unlike "$(printf '%s\n' "$out" | sed -n 1p)" '^(Z|X|$)' "the orphan is alive, not a zombie"

done_testing
