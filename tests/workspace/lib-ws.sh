# shellcheck shell=bash
# Helpers for the workspace tests (issue 12): a private state dir, a sample tree, a hash of a
# whole tree (paths, types, modes, link targets and file contents), and a driver check.

export XDG_STATE_HOME=$TEST_TMP/state
STATE=$XDG_STATE_HOME/hutch/workspaces

# The commands that hash a tree, run on the host and inside the sandbox alike.
TREE_HASH_SH='cd "$1" && { find . -printf "%p %y %m %l\n" | LC_ALL=C sort;
	find . -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum; } | sha256sum | cut -d" " -f1'

tree_hash() {
	sh -c "$TREE_HASH_SH" sh "$1"
}

# make_tree DIR: text and binary files, a symlink, nested dirs, a .env and a git hook.
make_tree() {
	mkdir -p "$1/nested/a/b" "$1/.git/hooks" "$1/docs"
	printf 'line one\nline two\n' >"$1/text.txt"
	head -c 4096 /dev/urandom >"$1/bin.dat"
	printf '#!/bin/sh\necho hi\n' >"$1/script.sh"
	chmod 644 "$1/script.sh"
	ln -s text.txt "$1/link"
	echo deep >"$1/nested/a/deep.txt"
	echo deeper >"$1/nested/a/b/deeper.txt"
	echo 'API_KEY=secret' >"$1/.env"
	echo 'KEY=nested' >"$1/docs/.env"
	printf '#!/bin/sh\nexit 0\n' >"$1/.git/hooks/pre-commit"
	echo '[core]' >"$1/.git/config"
	echo readme >"$1/docs/readme.md"
}

# changes_list NAME DIR: "KIND TYPE RELPATH[ -> TARGET]" lines of `hutch changes NAME`.
changes_list() {
	"$HUTCH" changes "$1" | awk '{ $3 = ""; print }' | sed -e "s|  *| |g" -e "s| $2/| |" -e "s| $2\$| .|" \
		-e 's/ (mode [0-7]* -> [0-7]*)//'
}

fuse_available() {
	[ -x /usr/bin/fuse-overlayfs ] && [ -w /dev/fuse ]
}
