#!/usr/bin/env bash
# Bad --report input is the launcher's failure: status 125, one line naming the option, and
# nothing of the sandbox started.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

run_hutch --report "$TEST_TMP/missing/dir/r.jsonl" -- true
expect_exit 125 "a report in a missing directory: 125"
is "$(printf '%s\n' "$err" | wc -l)" 1 "one line"
like "$err" "^hutch: --report: $TEST_TMP/missing/dir/r.jsonl: cannot write the report" "naming the option and the file"

mkdir "$TEST_TMP/ro"
chmod 555 "$TEST_TMP/ro"
if [ -w "$TEST_TMP/ro" ]; then
	skip "an unwritable directory (we are root)"
else
	run_hutch --report "$TEST_TMP/ro/r.jsonl" -- true
	expect_exit 125 "a report in an unwritable directory: 125"
fi

ln -s /nonexistent "$TEST_TMP/link"
run_hutch --report "$TEST_TMP/link" -- true
expect_exit 125 "a report name that is a symbolic link: 125 (never followed)"

run_hutch --report=full -- true
expect_exit 125 "--report=full without a file: 125"
like "$err" "^hutch: --report: full needs a file" "says so"

run_hutch --report '' -- true
expect_exit 125 "an empty --report: 125"

run_hutch --report "$TEST_TMP/ok.jsonl" -- true
expect_exit 0 "a good report path runs the command"

done_testing
