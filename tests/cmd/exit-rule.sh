#!/usr/bin/env bash
# One exit-code rule for the subcommands (issue 23, hutch(1) EXIT STATUS): 2 for a usage error,
# 125 for "no such sandbox/workspace/profile", 0 for success, each failure one line; --name
# without a usable XDG_RUNTIME_DIR is an error; the seccomp cache keeps at most 32 programs,
# the least recently used going first.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-cmd.sh"
require_userns
export XDG_STATE_HOME=$TEST_TMP/state
plan 20

# rule CODE DESC ARGS...: the subcommand exits CODE; a failure says so in one line.
rule() {
	local code=$1 desc=$2
	shift 2
	hutch_sub "$@"
	if [ "$rc" = "$code" ] && { [ "$code" = 0 ] || [ "$(grep -c . <<<"$err")" -ge 1 ]; }; then
		ok "$desc: $code"
	else
		not_ok "$desc: $code" "got $rc" "stderr: $err"
	fi
}
rule 125 "join of no such sandbox" join no-such
rule 2 "join without a name" join
rule 125 "stop of no such sandbox" stop no-such
rule 2 "stop with an unknown option" stop x --bogus
rule 125 "profile show of no such profile" profile show no-such-profile
rule 2 "profile with no verb" profile
rule 125 "changes of no such workspace" changes no-such
rule 125 "apply of no such workspace" apply no-such
rule 125 "discard of no such workspace" discard no-such
rule 2 "apply with an unknown option" apply no-such --bogus
rule 2 "list with an unknown option" list --bogus
rule 0 "list" list

HUTCH_CMD=(env -u XDG_RUNTIME_DIR "${HUTCH_CMD[@]}")
run_hutch --name named -- true
is "$rc:$err" "125:hutch: --name: XDG_RUNTIME_DIR is not set: no record of sandbox named could be kept for hutch list, join and stop" \
	"--name without XDG_RUNTIME_DIR: one line, 125"
run_hutch -- true
expect_exit 0 "without --name it runs"
HUTCH_CMD=(env XDG_RUNTIME_DIR=/ "${HUTCH_CMD[@]:3}")
run_hutch --name named -- true
is "$rc" 125 "--name with a runtime dir that is not the caller's: 125"
HUTCH_CMD=("${HUTCH_CMD[@]:2}")

# 40 distinct filters: one --seccomp-deny name each.
names=(acct add_key bpf chroot delete_module fanotify_init finit_module init_module ioperm iopl
	kcmp kexec_load keyctl lookup_dcookie mbind migrate_pages move_pages name_to_handle_at
	nfsservctl open_by_handle_at perf_event_open personality pivot_root process_vm_readv
	process_vm_writev quotactl reboot request_key set_mempolicy setns swapoff swapon syslog
	umount2 unshare uselib userfaultfd ustat vhangup mount)
failed=
for n in "${names[@]}"; do
	run_hutch --seccomp-deny "$n" -- true
	[ "$rc" = 0 ] || failed+="$n: $rc $err; "
done
is "$failed" "" "40 sandboxes, each with its own filter"
count=$(find "$STATE" -maxdepth 1 -name 'seccomp-*.bpf' | wc -l)
is "$count" 32 "the cache keeps 32 programs"
newest=$(ls -t "$STATE"/seccomp-*.bpf | head -n 1)
run_hutch --seccomp-deny "${names[8]}" -- true # evicted: compiled and cached again
check "a program used again is cached again" test "$(find "$STATE" -maxdepth 1 -name 'seccomp-*.bpf' | wc -l)" = 32
touch -d '2000-01-01' "$newest"
before=$(ls -t "$STATE"/seccomp-*.bpf | tail -n 1)
run_hutch --seccomp-deny "${names[39]}" -- true # a hit: its file becomes the newest
is "$(ls -t "$STATE"/seccomp-*.bpf | head -n 1)" "$before" "a hit makes its program the most recently used"
run_hutch --seccomp-deny "${names[0]},${names[1]}" -- true
check "a new program evicts the least recently used one" test "$(find "$STATE" -maxdepth 1 -name 'seccomp-*.bpf' | wc -l)" = 32
