#!/usr/bin/env bash
# The other ABIs of an x86-64 kernel cannot bypass the filter: the same calls through
# int $0x80 with i386 numbers, and with x32 numbers (__X32_SYSCALL_BIT) when the kernel runs
# x32 at all.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-confine.sh"
require_userns

[ "$(uname -m)" = x86_64 ] || skip_all "the compat ABIs are probed on x86-64 only"

CALLS="keyctl:EPERM add_key:EPERM bpf:EPERM perf_event_open:EPERM userfaultfd:EPERM \
unshare-user:EPERM clone-user:EPERM clone3:ENOSYS ptrace:EPERM personality:EPERM tiocsti:EPERM"

# abi_checks ABI: every call of $CALLS through ABI inside the sandbox.
abi_checks() {
	local abi=$1 pair call want
	for pair in $CALLS; do
		call=${pair%%:*} want=${pair#*:}
		probe_in -- "$abi" "$call"
		is "$out" "$call: $want" "$abi: $call is refused with $want"
	done
}

# i386: the probe's getpid through int $0x80 tells whether IA32 emulation is on.
if [ "$("$PROBE" i386 getpid)" = "getpid: ok" ]; then
	probe_in -- i386 getpid
	is "$out" "getpid: ok" "i386: ordinary calls pass"
	abi_checks i386
	probe_in -- i386 personality-query
	is "$out" "personality-query: ok" "i386: the personality query passes"
else
	skip "i386 syscalls disabled in this kernel"
fi

if [ "$("$PROBE" x32 getpid)" = "getpid: ok" ]; then
	abi_checks x32
else
	for pair in $CALLS; do
		skip "x32 syscalls disabled in this kernel (x32 ${pair%%:*})"
	done
	# The filter still sees x32 numbers before the kernel turns them away: they must meet the
	# x32 rules (EPERM), not kill the process as an unknown architecture would.
	probe_in -- x32 keyctl
	is "$out" "keyctl: EPERM" "x32 numbers meet the filter's x32 rules even with x32 disabled"
fi

done_testing
