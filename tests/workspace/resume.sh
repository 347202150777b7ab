#!/usr/bin/env bash
# A workspace applied in part, then run again (issue 23): apply settles the paths it applied,
# so that the next run's change to one of them is the sandbox's alone (M), not a conflict with
# apply's own write; and a path the host changes after that is one again.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
plan 6

W=$TEST_TMP/proj
mkdir -p "$W"
echo a >"$W/a.txt"
echo b >"$W/b.txt"
echo c >"$W/c.txt"
run_hutch --workspace "$W" --name resume -- sh -c 'cd "$1" && echo one >>a.txt && echo one >>b.txt && echo one >>c.txt' sh "$W"
is "$rc" 0 "the first run edits three files"
"$HUTCH" apply resume a.txt c.txt >/dev/null 2>&1
run_hutch --workspace "$W" --name resume -- sh -c 'cd "$1" && echo two >>a.txt && echo two >>c.txt' sh "$W"
is "$rc" 0 "the second run, on the same workspace, edits two applied files again"
echo host >>"$W/c.txt"
is "$(changes_list resume "$W")" "M file a.txt
M file b.txt
C file c.txt (modified in the sandbox, changed on the host too)" \
	"changes: an applied file edited again is the sandbox's change; one the host changed since is a conflict"
"$HUTCH" apply resume a.txt >"$TEST_TMP/o" 2>"$TEST_TMP/e"
is "$?" 0 "apply of the file edited again: exit 0"
is "$(cat "$W/a.txt")" $'a\none\ntwo' "it holds both runs' edits"
host_part=$("$HUTCH" changes resume --diff | awk '/^# c\.txt: the host.s change/ { on = 1; next } on && /^# / { exit } on')
is "$host_part" "--- start/c.txt
+++ host/c.txt
@@ -1,2 +1,3 @@
 c
 one
+host" "--diff: the host's change against what apply left"
