#!/usr/bin/env bash
# Messages of bad input that said too little or the wrong thing (issue 23): each is one line
# naming the option, with what was wrong; a path with a newline or an escape sequence stays on
# that line, escaped; a source path holding ':' can be bound.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
plan 12

# one_line CODE PATTERN DESC: the last run exited CODE with one line on stderr matching PATTERN.
one_line() {
	if [ "$rc" = "$1" ] && [ "$(grep -c '' <<<"$err")" = 1 ] && [[ $err =~ $2 ]]; then
		ok "$3"
	else
		not_ok "$3" "$(_last_run_diag)"
	fi
}

run_hutch --seccomp-deny , -- true
one_line 125 "^hutch: --seccomp-deny: ',': expected system call names" "--seccomp-deny , is refused"
run_hutch --seccomp-deny mount,,umount2 -- true
one_line 125 "^hutch: --seccomp-deny: " "--seccomp-deny with an empty item is refused"
run_hutch --workspace /proc -- true
one_line 125 "^hutch: --workspace: /proc: a kernel file system" "--workspace /proc is refused"
exec {fd}</etc/hostname
run_hutch --ro-bind "/proc/self/fd/$fd:/x" -- true
one_line 125 "^hutch: bind: /proc/self/fd/$fd: goes through a /proc magic link.*give the file's own path" \
	"--bind /proc/self/fd/N says why it is refused"
exec {fd}<&-

mkdir -p "$TEST_TMP/backup:2024"
echo inside >"$TEST_TMP/backup:2024/f"
run_hutch --ro-bind "$TEST_TMP/backup:2024:/b" -- cat /b/f
is "$rc:$out" "0:inside" "a source path holding ':' is bound at DST"
run_hutch --ro-bind "$TEST_TMP/backup:2024" -- cat "$TEST_TMP/backup:2024/f"
is "$rc:$out" "0:inside" "and at its own path"

bad=$(printf '/no\nsuch\033[2Jpath')
run_hutch --ro-bind "$bad:/x" -- true
one_line 125 '^hutch: bind: /no\\nsuch\\x1b\[2Jpath: No such file or directory$' \
	"a bad path with a newline and an escape sequence: one line, escaped"
run_hutch --chdir "$bad" -- true
is "$rc:$(grep -c '' <<<"$err")" "125:1" "--chdir of such a path: one line"
run_hutch --profile "$bad" -- true
is "$rc:$(grep -c '' <<<"$err")" "125:1" "--profile of such a path: one line"
check "no raw ESC in any of them" test -z "$(printf '%s' "$err" | tr -d -c '\033')"

if command -v slirp4netns >/dev/null; then
	run_hutch --net slirp --port '[::1]:18080:80' -- true
	one_line 125 '^hutch: --port: \[::1\]:18080:80: slirp4netns forwards from IPv4 addresses only: use --net pasta$' \
		"--port [::1] with slirp4netns: what is wrong and what to use, no raw JSON"
	unlike "$err" '[{}]' "no JSON in the message"
else
	skip_n 2 "slirp4netns is not installed"
fi
