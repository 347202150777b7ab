#!/usr/bin/env bash
# discard leaves nothing of the workspace; list shows a kept workspace with its changes and age,
# and no longer after discard; a partial apply applies only the paths named.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
plan 10

W=$TEST_TMP/proj
make_tree "$W"
before=$(tree_hash "$W")
run_hutch --workspace "$W" --name disc -- sh -c 'cd "$1" && echo x >a && echo y >b && rm text.txt' sh "$W"
expect_exit 0 "the sandbox ran"
like "$("$HUTCH" list)" "^disc +[0-9]+[smhd] +3 +- +$W\$" "list shows the workspace, its age and its 3 changes"
check "list --json has it too" python3 -c 'import json,sys; w=json.loads(sys.argv[1])["workspaces"]; assert [(x["name"], x["changes"]) for x in w] == [("disc", 3)], w' "$("$HUTCH" list --json)"

"$HUTCH" apply disc a >/dev/null 2>&1
is "$?" 0 "apply of one path succeeds"
is "$(ls "$W/a" 2>&1; ls "$W/b" 2>&1 | sed 's/.*: //')" "$W/a
No such file or directory" "only that path was applied"
is "$(changes_list disc "$W" | sort)" "A file b
D file text.txt" "the rest stays under review"

out=$("$HUTCH" discard disc)
is "$?" 0 "discard succeeds"
is "$out" "hutch: discard: workspace disc removed, its changes with it" "discard says what it removed"
is "$(ls -A "$STATE")" "" "discard leaves nothing in the state dir"
unlike "$("$HUTCH" list)" "^disc " "list no longer shows it"
