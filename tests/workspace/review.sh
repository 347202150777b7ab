#!/usr/bin/env bash
# A workspace under review, with the driver given ($1: kernel or fuse): the sandbox creates,
# edits, deletes, renames and chmods; the host tree is byte-identical after exit; `changes`
# lists exactly those entries; `apply` makes the host tree equal to the merged view the sandbox
# saw; after a full apply the state is gone. With "cross-fs" ($2) the state is on another file
# system than the tree (/dev/shm), so that apply copies instead of renaming.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
driver=${1:-kernel}
set -- "$driver" "${2:-}"
[ "$driver" = fuse ] && ! fuse_available && skip_all "fuse-overlayfs or /dev/fuse missing"
if [ "${2:-}" = cross-fs ]; then
	[ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$TEST_TMP")" ] || skip_all "/dev/shm is on the test's file system"
	XDG_STATE_HOME=$(mktemp -d /dev/shm/hutch-ws-test.XXXXXX) || bail_out "no temp dir in /dev/shm"
	defer "rm -rf '$XDG_STATE_HOME'"
	STATE=$XDG_STATE_HOME/hutch/workspaces
	driver="$driver, cross-fs"
	set -- "${1:-kernel}"
fi
plan 11
# meson runs the three variants at once, under one XDG_RUNTIME_DIR: one sandbox name each.
NAME=rev-$(printf '%s' "$driver" | tr -c 'a-z' -)

W=$TEST_TMP/proj
make_tree "$W"
before=$(tree_hash "$W")

run_hutch --overlay-driver "$1" --workspace "$W" --name "$NAME" -- sh -c '
	set -e
	cd "$1"
	echo new >new.txt
	printf "more\n" >>text.txt
	rm bin.dat
	mv nested/a/deep.txt nested/moved.txt
	chmod 700 script.sh
	mkdir -p newdir/sub && echo z >newdir/sub/z.txt
	ln -s text.txt newlink
	rm link
	sh -c "$2" sh "$1"' sh "$W" "$TREE_HASH_SH"
expect_exit 0 "[$driver] the sandbox ran its edits"
merged=$out

is "$(tree_hash "$W")" "$before" "[$driver] the host tree is byte-identical after the run"
check "[$driver] the upper is kept in the state dir" test -d "$STATE/$NAME/0/upper"
check "[$driver] the manifest names the tree" grep -qx "dir 0 $W $W" "$STATE/$NAME/manifest"

expected="A file new.txt
D file bin.dat
D symlink link
A dir newdir
A dir newdir/sub
A file newdir/sub/z.txt
A symlink newlink -> text.txt
D file nested/a/deep.txt
A file nested/moved.txt
M file script.sh
M file text.txt"
got=$(changes_list "$NAME" "$W")
is "$(sort <<<"$got")" "$(sort <<<"$expected")" "[$driver] changes lists exactly the expected entries"
like "$("$HUTCH" changes "$NAME")" "M file +[0-9]+ $W/script.sh \(mode 0644 -> 0700\)" "[$driver] the mode change is shown"

json=$("$HUTCH" changes "$NAME" --json)
check "[$driver] changes --json is valid JSON with 11 entries" \
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert len(d) == 11, d' "$json"

diff=$("$HUTCH" changes "$NAME" --diff)
like "$diff" $'\\+\\+\\+ b/text.txt' "[$driver] changes --diff shows a unified diff of text files"

"$HUTCH" apply "$NAME" >"$TEST_TMP/apply.out" 2>&1
rc=$?
is "$rc" 0 "[$driver] apply succeeds"
is "$(tree_hash "$W")" "$merged" "[$driver] after apply the host tree equals the merged view"
check "[$driver] a full apply removes the state" test ! -e "$STATE/$NAME"
