#!/usr/bin/env bash
# Bad confinement input is the launcher's failure: status 125 and a message naming the culprit
# (FILE:LINE for a rule file).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

rules=$TEST_TMP/bad.rules
printf '# comment\ndeny keyctl\nallow no_such_syscall\n' >"$rules"
run_hutch --seccomp "$rules" -- true
expect_exit 125 "unknown system call in a rule file: 125"
like "$err" "$rules:3: unknown system call 'no_such_syscall'" "the error names FILE:LINE and the call"

printf 'errno keyctl EWHAT\n' >"$rules"
run_hutch --seccomp "$rules" -- true
expect_exit 125 "bad errno in a rule file: 125"
like "$err" "$rules:1: " "the error names FILE:LINE"

run_hutch --seccomp "$TEST_TMP/missing.rules" -- true
expect_exit 125 "missing rule file: 125"
like "$err" "missing.rules" "the error names the file"

run_hutch --cap-add chown,cap_frobnicate -- true
expect_exit 125 "unknown capability: 125"
like "$err" "cap_frobnicate" "the error names the capability"

run_hutch --seccomp-deny getpid,no_such_syscall -- true
expect_exit 125 "--seccomp-deny with an unknown name: 125"
like "$err" "no_such_syscall" "the error names the call"

done_testing
