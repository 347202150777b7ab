#!/usr/bin/env bash
# --report and the seccomp filter: each refused call is one JSON line with the rule that
# refused it (the default list, a profile's seccomp-deny line, --seccomp-deny, a rule file's
# line), and the program sees the same errno as without a report. Allowed calls leave no line.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-report.sh"
require_userns

rep=$TEST_TMP/r.jsonl

report_in "$rep" -- /probe syscall keyctl
is "$out" "keyctl: EPERM" "keyctl is still refused with EPERM under --report"
is "$(lines "$rep")" 1 "keyctl: exactly one report line"
check "the line is a JSON object with every field" valid_json "$rep"
is "$(field "$rep" 1 kind)" syscall "kind syscall"
like "$(field "$rep" 1 detail)" '^keyctl\(0, 0xfffffffffffffffd' "detail: the call and its arguments"
is "$(field "$rep" 1 rule)" default "rule: the built-in default"
is "$(field "$rep" 1 action)/$(field "$rep" 1 result)" denied/EPERM "action denied, result EPERM"
is "$(field "$rep" 1 comm)" probe "comm of the caller"
is "$(field "$rep" 1 exe)" /probe "exe of the caller, as the sandbox names it"
like "$(field "$rep" 1 time)" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$' "time in UTC"

report_in "$rep" -- /probe syscall getpid
is "$out" "getpid: ok" "an allowed call passes"
is "$(lines "$rep")" 0 "an allowed call leaves no line (the report file exists, empty)"
check "the report file is created even when empty" test -f "$rep"

report_in "$rep" -- /probe syscall personality
is "$out" "personality: EPERM" "a conditional row (personality) answers EPERM"
like "$(field "$rep" 1 detail)" '^personality\(' "and is reported"

report_in "$rep" -- /probe syscall personality-linux32
is "$(lines "$rep")" 0 "personality(PER_LINUX32), allowed by the same row, leaves no line"

report_in "$rep" -- /probe syscall clone3
is "$out" "clone3: ENOSYS" "clone3 still answers ENOSYS"

report_in "$rep" --seccomp-deny getpid -- /probe syscall getpid
is "$out" "getpid: EPERM" "--seccomp-deny getpid under --report: EPERM"
is "$(field "$rep" 1 rule)" "--seccomp-deny" "rule: --seccomp-deny"

prof=$TEST_TMP/deny.profile
printf '# a test profile\n\nseccomp-deny getppid,getpid\n' >"$prof"
report_in "$rep" --profile "$prof" -- /probe syscall getpid
is "$out" "getpid: EPERM" "a profile's seccomp-deny under --report: EPERM"
is "$(lines "$rep")" 1 "one line"
is "$(field "$rep" 1 rule)" "profile $prof:3" "rule: the profile's file:line"

# The directive: a profile can ask for the report itself.
prep=$TEST_TMP/p.jsonl
printf 'report %s\n' "$prep" >"$TEST_TMP/rep.profile"
run_hutch --profile "$TEST_TMP/rep.profile" --ro-bind "$PROBE:/probe" -- /probe syscall keyctl
is "$out/$(lines "$prep")" "keyctl: EPERM/1" "a profile's report directive writes the report"

rules=$TEST_TMP/rules
printf 'default allow\nerrno keyctl ENOSYS\ndeny getpid\n' >"$rules"
report_in "$rep" --seccomp "$rules" -- sh -c '/probe syscall keyctl; /probe syscall getpid'
is "$out" "keyctl: ENOSYS
getpid: EPERM" "a rule file's errnos are kept under --report"
# (sh calls getpid itself: the probe's lines are picked by comm)
is "$(jq -r 'select(.comm == "probe" and (.detail | startswith("keyctl"))) | "\(.rule)/\(.result)"' "$rep")" \
	"$rules:2/ENOSYS" "rule: the file's line 2, ENOSYS"
is "$(jq -r 'select(.comm == "probe" and (.detail | startswith("getpid"))) | "\(.rule)/\(.result)"' "$rep")" \
	"$rules:3/EPERM" "rule: the file's line 3, EPERM"

report_in "$rep" --verbose -- sh -c '/probe syscall keyctl; /probe syscall keyctl; /probe syscall bpf'
is "$(lines "$rep")" 3 "every refusal is a line (the same call twice: two)"
like "$err" "report: 3 syscall denials" "--verbose: a summary per kind at exit"

if [ "$(uname -m)" = x86_64 ] && [ "$("$PROBE" i386 getpid)" = "getpid: ok" ]; then
	report_in "$rep" -- /probe i386 keyctl
	is "$out" "keyctl: EPERM" "i386 (int \$0x80): keyctl refused under --report"
	like "$(field "$rep" 1 detail)" '^keyctl\(.*\) \[i386\]$' "reported under its name, with the ABI"
else
	skip_n 2 "no IA32 emulation on this machine"
fi

run_hutch --ro-bind "$PROBE:/probe" -- /probe syscall keyctl
is "$out" "keyctl: EPERM" "without --report the plain filter refuses as before"

done_testing
