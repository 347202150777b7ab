#!/usr/bin/env bash
# Workspace review a person can trust (issue 23): a path changed on both sides is marked C in
# `changes` (and `--json`), its --diff says what it compares; `apply` refuses an unknown PATH
# or option in one line with exit 2 before touching anything, names what it applied and what it
# left, and --overwrite / --drop resolve a conflict per path; a conflict on .git/index is
# explained; `discard` says what it did; a sandbox that leaves changes says so at exit, and an
# unnamed one that leaves none leaves no workspace.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
plan 25

W=$TEST_TMP/proj
CTL=$TEST_TMP/ctl
mkdir -p "$CTL" "$W/.git" "$W/keep"
printf 'one\n' >"$W/a.txt"
printf 'two\n' >"$W/b.txt"
printf 'index v1\n' >"$W/.git/index"
echo k >"$W/keep/k"
fifo_open go "$CTL/go" || bail_out "cannot make a fifo"
fifo_open ready "$CTL/ready" || bail_out "cannot make a fifo"
spawn_hutch --workspace "$W" --bind "$CTL:$CTL" --name res -- sh -c '
	cd "$1"
	echo sandbox >>a.txt
	echo sandbox >>b.txt
	echo "index staged" >.git/index
	echo new >new.txt
	echo ready >"$2/ready"
	read -r x <"$2/go"' sh "$W" "$CTL"
read_line "$ready" 20 || bail_out "the sandbox never got ready: $(_last_run_diag)"
echo host >>"$W/a.txt"
printf 'index v2\n' >"$W/.git/index" # what a git status on the host does
echo host-only >"$W/keep/k"          # a file the sandbox never touched
echo go >&"$go"
wait_hutch 20
is "$rc" 0 "the sandbox ends"
like "$err" "hutch: workspace res holds changes: review them with hutch changes res" \
	"at exit, one line says changes wait and how to review them"

is "$(changes_list res "$W" | sort)" "A file new.txt
C file .git/index (modified in the sandbox, changed on the host too)
C file a.txt (modified in the sandbox, changed on the host too)
M file b.txt" "changes: C for both sides, M for the sandbox's alone, nothing for the host's alone"
"$HUTCH" changes res --json >"$TEST_TMP/ch.json"
is "$(python3 -c 'import json, sys; print(sorted(e["relative"] for e in json.load(open(sys.argv[1])) if e.get("conflict")))' "$TEST_TMP/ch.json")" \
	"['.git/index', 'a.txt']" "changes --json: conflict true on those two"
like "$("$HUTCH" changes res --diff)" "# C a\.txt: changed on the host too since the start" \
	"--diff: a conflict's header says what the lines compare"

sub() {
	"$HUTCH" "$@" >"$TEST_TMP/o" 2>"$TEST_TMP/e"
	rc=$?
	out=$(cat "$TEST_TMP/o")
	err=$(cat "$TEST_TMP/e")
}
before=$(tree_hash "$W")
sub apply res --force
is "$rc:$(wc -l <<<"$err")" "2:1" "apply --force: exit 2, one line"
like "$err" "unknown option '--force'" "apply --force: named"
sub apply res no/such/path
is "$rc:$(wc -l <<<"$err")" "2:1" "apply of an unknown path: exit 2, one line"
like "$err" "no/such/path: no change of workspace res there" "apply of an unknown path: named"
sub apply res --drop
is "$rc" 2 "--drop without a PATH: exit 2"
is "$(tree_hash "$W")" "$before" "nothing was applied by the refused commands"

sub apply res
is "$rc" 1 "apply: exit 1 when a path is left"
like "$out" "applied M $W/b\.txt" "apply names what it applied"
like "$err" "$W/a\.txt: changed on the host since the start: not applied; --overwrite a\.txt takes the sandbox's, --drop a\.txt keeps the host's" \
	"apply names what it left and how to resolve it"
like "$err" "\.git/index: .*git rewrites \.git/index at every git status" "a .git/index conflict is explained"
like "$err" "2 paths left in workspace res" "apply ends with what it left"
is "$(cat "$W/b.txt") $(cat "$W/new.txt") $(cat "$W/keep/k")" $'two\nsandbox new host-only' \
	"the sandbox's own changes applied, the host's own kept"

sub apply res --overwrite .git/index --drop a.txt
is "$rc" 0 "apply --overwrite PATH --drop PATH: exit 0"
like "$out" "applied M $W/\.git/index" "--overwrite: applied and said"
like "$out" "dropped M $W/a\.txt" "--drop: dropped and said"
is "$(cat "$W/.git/index")|$(cat "$W/a.txt")" $'index staged|one\nhost' "the sandbox's index, the host's a.txt"
is "$(tail -n 1 <<<"$out"):$(test -d "$STATE/res" && echo kept)" "hutch: apply: done, the workspace is removed:" \
	"nothing left: the workspace is removed, and said"

run_hutch --workspace "$W" --name gone -- true
sub discard gone
is "$rc:$out" "0:hutch: discard: workspace gone removed, its changes with it" "discard says what it did"

run_hutch --workspace "$W" -- true
check "an unnamed workspace with no change is removed at exit" \
	test -z "$(ls "$STATE" 2>/dev/null | grep -v '^res$')"
is "$err" "" "and nothing is said"
