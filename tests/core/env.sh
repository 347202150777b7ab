#!/usr/bin/env bash
# The environment options: --setenv, --unsetenv, --clearenv; the caller's environment passes
# through otherwise.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

export HUTCH_TEST_MARK=from-host

run_sh 'echo "${HUTCH_TEST_MARK-unset}"'
is "$out" from-host "the caller's variables pass through"

run_sh --setenv FOO=bar 'echo "$FOO"'
is "$out" bar "--setenv FOO=bar"
run_sh --setenv 'FOO=a=b c' 'echo "$FOO"'
is "$out" "a=b c" "--setenv keeps everything after the first ="
run_sh --setenv HUTCH_TEST_MARK=changed 'echo "$HUTCH_TEST_MARK"'
is "$out" changed "--setenv overrides the caller's value"

run_sh --unsetenv HUTCH_TEST_MARK 'echo "${HUTCH_TEST_MARK-unset}"'
is "$out" unset "--unsetenv removes a variable"
run_sh --setenv A=1 --unsetenv A 'echo "${A-unset}"'
is "$out" unset "--setenv then --unsetenv: unset"
run_sh --unsetenv A --setenv A=2 'echo "${A-unset}"'
is "$out" 2 "--unsetenv then --setenv: set"

run_hutch --clearenv -- /usr/bin/env
expect_exit 0 "--clearenv runs /usr/bin/env"
unlike "$out" '^HUTCH_TEST_MARK=' "--clearenv: the caller's variables are gone"
diag "environment under --clearenv:" "$out"
run_hutch --clearenv --setenv A=1 -- /usr/bin/env
like "$out" '^A=1$' "--clearenv --setenv A=1: A is set"
unlike "$out" '^HUTCH_TEST_MARK=' "--clearenv --setenv A=1: nothing else of the caller"

done_testing
