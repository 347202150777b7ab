#!/usr/bin/env bash
# The command's exit status comes back through pid 1 and the launcher: N as N, death by signal
# N as 128+N (as shells report it); with --as-pid-1 too.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

run_hutch -- true
expect_exit 0 "true: 0"
is "$err" "" "nothing on stderr"
run_hutch -- false
expect_exit 1 "false: 1"
run_sh 'exit 7'
expect_exit 7 "exit 7: 7"
run_sh 'exit 255'
expect_exit 255 "exit 255: 255"
run_sh 'kill -KILL $$'
expect_exit 137 "killed by SIGKILL: 137"
run_sh 'kill -TERM $$'
expect_exit 143 "killed by SIGTERM: 143"
run_sh 'kill -SEGV $$'
expect_exit 139 "killed by SIGSEGV: 139"

run_sh --as-pid-1 'exit 7'
expect_exit 7 "--as-pid-1, exit 7: 7"
run_hutch --as-pid-1 -- true
expect_exit 0 "--as-pid-1, true: 0"

run_sh 'echo out; echo err >&2'
is "$out" out "the command's stdout reaches the caller"
is "$err" err "the command's stderr reaches the caller"

# The sandbox ends with its command: a background child left behind does not hold it open.
run_sh 'sleep 1000 & exit 3'
expect_exit 3 "a leftover background process does not delay the exit"

done_testing
