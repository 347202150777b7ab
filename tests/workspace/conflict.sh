#!/usr/bin/env bash
# A file edited on the host while the sandbox runs is refused by apply and named; the rest is
# applied; exit 1; the refused change stays under review.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
plan 9

W=$TEST_TMP/proj
CTL=$TEST_TMP/ctl
mkdir -p "$CTL"
make_tree "$W"
fifo_open go "$CTL/go" || bail_out "cannot make a fifo"
fifo_open ready "$CTL/ready" || bail_out "cannot make a fifo"
spawn_hutch --workspace "$W" --bind "$CTL:$CTL" --name conf -- sh -c '
	cd "$1"
	echo sandbox >>text.txt
	echo sandbox >>nested/a/deep.txt
	echo new >new.txt
	rm -rf docs
	echo ready >"$2/ready"
	read -r x <"$2/go"' sh "$W" "$CTL"
if read_line "$ready" 20; then ok "the sandbox made its edits"; else not_ok "the sandbox made its edits" "$(_last_run_diag)"; fi
echo host >>"$W/text.txt"
echo host >"$W/docs/host-added.md"
echo go >&"$go"
wait_hutch 20
is "$rc" 0 "the sandbox ends"

"$HUTCH" apply conf >"$TEST_TMP/apply.out" 2>"$TEST_TMP/apply.err"
is "$?" 1 "apply exits 1 when it refused a path"
like "$(cat "$TEST_TMP/apply.err")" "$W/text.txt: changed on the host since the start" "the refused file is named"
is "$(cat "$W/text.txt")" $'line one\nline two\nhost' "the host's edit is kept"
is "$(cat "$W/nested/a/deep.txt") $(cat "$W/new.txt")" $'deep\nsandbox new' "the other changes are applied"
like "$(cat "$TEST_TMP/apply.err")" "$W/docs: changed on the host since the start \(docs/host-added.md\)" \
	"a directory the sandbox deleted is kept when the host added to it, and named"
check "with the host's new file" test -f "$W/docs/host-added.md"
is "$(changes_list conf "$W")" "C dir docs (deleted in the sandbox, changed on the host too)
C file text.txt (modified in the sandbox, changed on the host too)" \
	"the refused changes stay under review, marked C"
