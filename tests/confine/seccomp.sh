#!/usr/bin/env bash
# The default seccomp filter through the real binary, native entry point: each refused call
# answers EPERM (clone3 ENOSYS) inside, while the same probe under --seccomp=none reaches the
# kernel (shown as a diagnostic, so a refusal that comes from the kernel's own sysctls is not
# mistaken for the filter's). Then --allow-ptrace, --allow-userns, --seccomp-deny and a file.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-confine.sh"
require_userns

probe_in -- seccomp-mode
is "$out" "Seccomp=2" "the command runs under a seccomp filter"

# call EXPECTED: the answer inside with the default filter.
for pair in keyctl:EPERM add_key:EPERM request_key:EPERM bpf:EPERM perf_event_open:EPERM \
	userfaultfd:EPERM unshare-user:EPERM clone-user:EPERM clone3:ENOSYS ptrace:EPERM \
	personality:EPERM io_uring_setup:EPERM; do
	call=${pair%%:*} want=${pair#*:}
	probe_in --seccomp none -- syscall "$call"
	diag "without the filter: $out"
	probe_in -- syscall "$call"
	is "$out" "$call: $want" "$call is refused with $want"
done

probe_in -- syscall personality-linux32
is "$out" "personality-linux32: ok" "personality(PER_LINUX32) is allowed"
probe_in -- syscall personality-query
is "$out" "personality-query: ok" "personality(0xffffffff), the query, is allowed"
probe_in -- syscall getpid
is "$out" "getpid: ok" "ordinary calls pass"

probe_in --allow-ptrace -- syscall ptrace
is "$out" "ptrace: ESRCH" "--allow-ptrace: ptrace reaches the kernel"
probe_in --allow-userns -- syscall unshare-user
is "$out" "unshare-user: ok" "--allow-userns: unshare(CLONE_NEWUSER) works"
probe_in --allow-userns -- syscall clone3
is "$out" "clone3: ok" "--allow-userns: clone3 is not hidden"

probe_in --seccomp-deny getpid,getppid -- syscall getpid
is "$out" "getpid: EPERM" "--seccomp-deny getpid,getppid refuses getpid"
probe_in --seccomp-deny getpid -- syscall keyctl
is "$out" "keyctl: EPERM" "--seccomp-deny adds to the default list"

rules=$TEST_TMP/rules
printf '# a test filter\ndefault allow\n\nerrno keyctl ENOSYS  # say not implemented\ndeny getpid\n' >"$rules"
probe_in --seccomp "$rules" -- syscall keyctl
is "$out" "keyctl: ENOSYS" "a rule file: errno keyctl ENOSYS"
probe_in --seccomp "$rules" -- syscall getpid
is "$out" "getpid: EPERM" "a rule file: deny getpid"
probe_in --seccomp "$rules" -- syscall bpf
unlike "$out" "EPERM" "a rule file replaces the default list (bpf is not refused by it)"

done_testing
