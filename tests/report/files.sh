#!/usr/bin/env bash
# --report=full: file operations on hidden and read-only paths are reported (the kernel still
# decides: the mounts refuse them), each once with the rule that applies; a program inside
# cannot read, replace or forge the report.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-report.sh"
require_userns

rep=$TEST_TMP/r.jsonl
home=$TEST_TMP/home
mkdir -p "$home/.config/app" "$home/bin"
echo secret >"$home/.secret"
printf '#!/bin/sh\necho hidden-ran\n' >"$home/bin/tool"
chmod +x "$home/bin/tool"
export HOME=$home

report_in "$rep" --report=full --home ro --blacklist "$home/.secret" -- cat "$home/.secret"
expect_exit 1 "reading a hidden file fails inside"
is "$(lines "$rep")" 1 "a hidden file read: exactly one line"
is "$(field "$rep" 1 kind)/$(field "$rep" 1 detail)" "file/$home/.secret" "kind file, the path"
is "$(field "$rep" 1 rule)" "blacklist $home/.secret" "rule: the blacklist entry"
is "$(field "$rep" 1 result)" EACCES "result EACCES"

printf '# hide it\nblacklist %s\n' "$home/.secret" >"$TEST_TMP/hide.profile"
report_in "$rep" --report=full --home ro --profile "$TEST_TMP/hide.profile" -- cat "$home/.secret"
is "$(field "$rep" 1 rule)" "profile $TEST_TMP/hide.profile:2 (blacklist $home/.secret)" \
	"a profile's blacklist line: rule names the file:line and the path"

report_in "$rep" --report=full -- sh -c 'echo x > /usr/report-test-file'
expect_exit 2 "writing under /usr fails inside"
is "$(lines "$rep")" 1 "a write to a read-only path: exactly one line"
is "$(field "$rep" 1 detail)" /usr/report-test-file "the path"
is "$(field "$rep" 1 rule)/$(field "$rep" 1 result)" "read-only /usr/EROFS" "rule: the read-only /usr bind, EROFS"

report_in "$rep" --report=full --home ro -- sh -c "cd '$home/.config' && mkdir app2"
is "$(field "$rep" 1 detail)" "$home/.config/app2" "a relative mkdir is resolved against the caller's directory"
is "$(field "$rep" 1 rule)" "read-only $home" "rule: the read-only home"

report_in "$rep" --report=full --home ro --blacklist "$home/bin" -- "$home/bin/tool"
unlike "$out" "hidden-ran" "a hidden program does not run"
is "$(grep -c '"kind":"exec"' "$rep")" 1 "exec of a hidden path: exactly one exec line"
is "$(jq -r 'select(.kind == "exec") | .rule' "$rep")" "blacklist $home/bin" "rule: the blacklist entry"

report_in "$rep" --report=full --home ro -- sh -c "cat '$home/.config/app/none' 2>/dev/null; echo ok > /tmp/x; cat /etc/hostname >/dev/null; echo fine"
is "$out" fine "reads, a missing file and writes to /tmp"
is "$(lines "$rep")" 0 "leave no line"

report_in "$rep" -- sh -c 'echo x > /usr/report-test-file'
is "$(lines "$rep")" 0 "without full, file operations are not reported"

# firejail's build-systems-common.profile (make, cargo...) asks seccomp.block-secondary: the
# watched calls were once added after the compat architectures were removed, and libseccomp
# crashed hutch.
report_in "$rep" --report=full --seccomp-native-only -- sh -c 'echo x > /usr/report-test-file'
expect_exit 2 "--report=full with --seccomp-native-only runs the command"
is "$(field "$rep" 1 detail)" /usr/report-test-file "and reports its file operations"

# A path that is not UTF-8 (any byte but / and NUL is allowed) still makes a valid JSON line.
bad=$home/$'bad\xffname'
echo s >"$bad"
report_in "$rep" --report=full --home ro --blacklist "$bad" -- cat "$bad"
is "$(lines "$rep")" 1 "a hidden file with a name that is not UTF-8: one line"
check "valid JSON all the same" valid_json "$rep"
is "$(jq -r '.detail | endswith("bad\ufffdname")' "$rep")" true "the odd byte replaced by U+FFFD, the rest kept"

# The report lives in the home, shown read-write: still out of the program's reach.
rep=$home/r.jsonl
report_in "$rep" --report=full --home host -- sh -c "cat '$rep'; echo forged > '$rep'; rm -f '$rep'; /probe syscall keyctl"
unlike "$out" '"kind"' "the program cannot read the report"
is "$(lines "$rep")" 4 "its attempts (read, write, unlink) and its keyctl are the only lines"
is "$(jq -r .kind "$rep" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" " 3 file; 1 syscall;" "three file lines and one syscall line"
is "$(jq -r 'select(.kind == "file") | .rule' "$rep" | sort -u)" "report file $rep" "rule: the report file"
unlike "$(cat "$rep")" forged "nothing it wrote reached the file"

# Nor through an fd of another process inside (pid 1 never execs: it must not hold the file).
rep=$TEST_TMP/r2.jsonl
report_in "$rep" --cap-add ALL -- sh -c 'for f in /proc/1/fd/* /proc/[0-9]*/fd/*; do readlink "$f"; done 2>/dev/null; echo end'
like "$out" "end" "with every capability inside, the fds of the sandbox's processes are listed"
unlike "$out" "r2\.jsonl" "none of them is the report file"

done_testing
