#!/usr/bin/env bash
# Nothing the sandbox names can forge what the user reads (issue 23): a file for every control
# byte, one with a terminal escape sequence, one that imitates a `hutch changes` line, one with
# a right-to-left override and some invalid UTF-8. `changes`, the `--diff` headers, `list` (the
# workspace and the running sandbox's command) and an error message show each visibly, one line
# per entry, with nothing a terminal acts on; `--json` stays JSON and keeps every name as it is.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
. "$HUTCH_TESTS/cmd/lib-cmd.sh"
require_userns
plan 13

# clean: no C0 control but newline, no DEL, no C1 control, nothing that is not UTF-8.
clean() {
	python3 -c '
import sys
b = sys.stdin.buffer.read()
try:
    t = b.decode("utf-8")
except UnicodeDecodeError as e:
    sys.exit("invalid UTF-8 at %d" % e.start)
bad = [hex(ord(c)) for c in t if (ord(c) < 32 and c != "\n") or 0x7f <= ord(c) <= 0x9f or c in "\u202e\u2028"]
sys.exit("control characters: %s" % bad[:8] if bad else 0)'
}

W=$TEST_TMP/proj
mkdir -p "$W"
echo old >"$W/kept.txt"
# The names are made inside the sandbox by a program that knows what it is doing.
run_hutch --workspace "$W" --name esc -- python3 -c '
import os, sys
os.chdir(sys.argv[1])
names = [b"c%02x-" % b + bytes([b]) + b"-x" for b in list(range(1, 32)) + [127]]
names += [b"x\nM file       9999 ~.bashrc", b"e\x1b[31mRED\x1b[2K\r", b"rtl\xe2\x80\xaetxt.exe",
          b"bad\xff\xfe", b"csi\xc2\x9b2J", b"back\\nslash"]
for n in names:
    with open(n, "wb") as f:
        f.write(b"text\n")
with open("kept.txt", "w") as f:
    f.write("new\n")
print(len(names) + 1)' "$W"
expect_exit 0 "the sandbox made a file for each control byte and the tricky names"
n=$out

hutch_sub changes esc
expect_exit 0 "changes: exit 0"
is "$(printf '%s\n' "$out" | wc -l)" "$n" "changes: one line per changed path, none added by a name"
printf '%s\n' "$out" | grep -q '^M file .*\.bashrc' && not_ok "changes: no line can be made to read as M ... .bashrc" "$out" ||
	ok "changes: no line can be made to read as M ... .bashrc"
check "changes: no control character and only UTF-8 reaches the terminal" clean <<<"$out"
like "$out" 'x\\nM file       9999 ~\.bashrc' "changes: the newline is shown as \\n"
like "$out" 'c1b-\\x1b-x' "changes: ESC is shown as \\x1b"

hutch_sub changes esc --json
printf '%s' "$out" >"$TEST_TMP/ch.json"
is "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
names = {e["relative"].encode("utf-8", "surrogateescape") for e in d}
print(b"x\nM file       9999 ~.bashrc" in names and b"bad\xff\xfe" in names)' "$TEST_TMP/ch.json")" True \
	"changes --json: strict UTF-8 JSON, every name read back byte for byte"

hutch_sub changes esc --diff
headers=$(printf '%s\n' "$out" | grep -a -E '^(\+\+\+|---) ')
is "$(printf '%s\n' "$headers" | grep -c '^+++ ')" "$n" "--diff: one +++ header per file"
check "--diff: the headers carry no control character" clean <<<"$headers"

spawn_hutch --name 'list-me' --info-fd "$INFO_FD" --bind "$SHARE:/share" -- \
	sh -c "$SAY_READY; exec sleep 1000 # $(printf 'x\033[2K\rfake\nline')" 3>"$TEST_TMP/info"
await_sandbox list-me || bail_out "the sandbox never got ready"
hutch_sub list
kill -TERM "$hutch_pid"
wait_hutch 20
is "$(printf "%s\n" "$out" | grep -c .)" 4 "list: the header and the sandbox, the workspace header and its line"
check "list: no control character from the command line or the file names" clean <<<"$out"

hutch_sub changes "$(printf 'no\nsuch\033[2J')"
is "$(printf '%s\n' "$err" | wc -l):$(clean <<<"$err" && echo clean)" "1:clean" \
	"an error naming a workspace is one line, escaped"
