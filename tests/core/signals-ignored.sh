#!/usr/bin/env bash
# The signal checks give the same results when the caller ignores signals: under nohup
# (SIGHUP ignored) and from a shell with SIGINT and SIGQUIT ignored (a background job), the
# way `nohup tests/run` or `tests/run &` start them. tests/lib.sh restores the default
# dispositions before a test runs; this runs tests/core/signals.sh in both states and compares
# its TAP lines with a run from a clean state.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
env --ignore-signal=HUP true 2>/dev/null || skip_all "env has no --ignore-signal (coreutils < 9)"
plan 4

results() { # CALLER-STATE...: the TAP result lines of signals.sh started in that state
	env -u _HUTCH_TEST_SIGNALS "$@" bash "$HUTCH_TESTS/core/signals.sh" 2>&1 | grep -E '^(ok|not ok) '
}
clean=$(results env --default-signal)
like "$clean" '^ok ' "signals.sh passes from a clean signal state"
unlike "$clean" '^not ok' "signals.sh has no failure from a clean signal state"
is "$(results env --ignore-signal=HUP)" "$clean" "under nohup (SIGHUP ignored): the same results"
is "$(results env --ignore-signal=INT,QUIT)" "$clean" "with SIGINT and SIGQUIT ignored: the same results"
