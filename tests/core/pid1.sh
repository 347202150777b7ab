#!/usr/bin/env bash
# pid 1 inside: by default a small init is pid 1 and the command its child; --as-pid-1 runs the
# command itself as pid 1.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

# Only shell built-ins, so that no helper process shows up in /proc.
LIST='echo "$$ $PPID"; for p in /proc/[0-9]*; do printf "%s " "${p#/proc/}"; done; echo'

run_sh "$LIST"
expect_exit 0 "default init: runs"
read -r self parent <<<"$(printf '%s\n' "$out" | sed -n 1p)"
is "$parent" 1 "default init: the command's parent is pid 1"
if [ -n "$self" ] && [ "$self" != 1 ]; then
	ok "default init: the command is not pid 1 (it is $self)"
else
	not_ok "default init: the command is not pid 1" "got pid '$self'"
fi
is "$(printf '%s\n' "$out" | sed -n 2p)" "1 $self " "default init: only pid 1 and the command are in /proc"

run_sh --as-pid-1 "$LIST"
expect_exit 0 "--as-pid-1: runs"
read -r self parent <<<"$(printf '%s\n' "$out" | sed -n 1p)"
is "$self" 1 "--as-pid-1: the command is pid 1"
is "$parent" 0 "--as-pid-1: its parent is outside the namespace (0)"
is "$(printf '%s\n' "$out" | sed -n 2p)" "1 " "--as-pid-1: only the command is in /proc"

run_sh --as-pid-1 'exit 5'
expect_exit 5 "--as-pid-1: the exit status comes back"

done_testing
