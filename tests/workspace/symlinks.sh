#!/usr/bin/env bash
# Symlinks planted by the sandbox (to /etc/passwd, to a file outside DIR, and a directory
# replaced by a symlink to a directory outside DIR) are applied as symlinks; nothing outside
# DIR is written.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
plan 8

W=$TEST_TMP/proj
O=$TEST_TMP/outside
make_tree "$W"
mkdir -p "$O/dir"
echo outside >"$O/file"
echo outside >"$O/dir/x"
outside=$(tree_hash "$O")
passwd=$(sha256sum /etc/passwd)

run_hutch --workspace "$W" --name sym -- sh -c '
	set -e
	cd "$1"
	ln -s /etc/passwd pw
	ln -s "$2/file" out
	rm -rf nested/a
	ln -s "$2/dir" nested/a
	rm text.txt && ln -s /etc/passwd text.txt' sh "$W" "$O"
expect_exit 0 "the sandbox planted its symlinks"
"$HUTCH" apply sym >"$TEST_TMP/apply.out" 2>&1
is "$?" 0 "apply succeeds"
is "$(readlink "$W/pw")" /etc/passwd "a symlink to /etc/passwd is applied as a symlink"
is "$(readlink "$W/out")" "$O/file" "a symlink out of DIR is applied as a symlink"
is "$(readlink "$W/nested/a")" "$O/dir" "a directory replaced by a symlink becomes that symlink"
is "$(readlink "$W/text.txt")" /etc/passwd "a file replaced by a symlink becomes that symlink"
is "$(tree_hash "$O")" "$outside" "nothing outside DIR was written"
is "$(sha256sum /etc/passwd)" "$passwd" "/etc/passwd is unchanged"
