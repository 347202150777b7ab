#!/usr/bin/env bash
# Masks read as empty; files the sandbox creates under a mask are its own; protected
# persistence points are read-only, unless unprotected; a protected path the sandbox creates
# is refused by apply.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
require_userns
plan 15

W=$TEST_TMP/proj
make_tree "$W"
mkdir -p "$W/keys"
echo PRIVATE >"$W/keys/id.pem"

run_hutch --workspace "$W" --name m1 --mask '**/.env' --mask '**/*.pem' -- sh -c '
	cd "$1"; cat .env; echo "[$?]"; cat docs/.env; echo "[$?]"; cat keys/id.pem; echo "[$?]"
	echo mine >keys/new.pem && cat keys/new.pem
	echo x >>.env 2>/dev/null || echo ro' sh "$W"
expect_exit 0 "the sandbox ran with masks"
is "$out" $'[0]\n[0]\n[0]\nmine\nro' "masked files read as empty, read-only; new files under a mask are the sandbox's own"

run_hutch --workspace "$W" --name m2 --mask 'keys' -- sh -c 'ls -A "$1/keys" | wc -l; touch "$1/keys/f" 2>/dev/null || echo ro' sh "$W"
is "$out" $'0\nro' "a masked directory is empty and read-only"

run_hutch --workspace "$W" --workspace-mode direct --mask '**/.env' -- cat "$W/.env"
is "$rc:$out" "0:" "masks apply to a direct workspace too"

run_hutch --workspace "$W" --name m3 -- sh -c '
	cd "$1"
	echo evil >.git/hooks/pre-commit 2>/dev/null || echo hook-ro
	echo evil >.git/hooks/post-checkout 2>/dev/null || echo hooks-ro
	echo x >>.git/config 2>/dev/null || echo config-ro
	echo "eval evil" >.envrc && echo envrc-made' sh "$W"
is "$out" $'hook-ro\nhooks-ro\nconfig-ro\nenvrc-made' ".git/hooks and .git/config cannot be written"
"$HUTCH" apply m3 >/dev/null 2>"$TEST_TMP/apply.err"
is "$?" 1 "apply refuses a protected path the sandbox created"
like "$(cat "$TEST_TMP/apply.err")" "$W/.envrc: a protected path" "it names the protected path"
check "the protected file was not planted on the host" test ! -e "$W/.envrc"
"$HUTCH" discard m3 >/dev/null

run_hutch --workspace "$W" --name m4 --unprotect .git/hooks -- sh -c 'echo changed >"$1/.git/hooks/pre-commit"' sh "$W"
expect_exit 0 "--unprotect .git/hooks lets the sandbox write the hook"
"$HUTCH" apply m4 >/dev/null 2>&1
is "$(cat "$W/.git/hooks/pre-commit")" changed "and apply takes it"

mkdir -p "$W/vscode-real" && echo '{}' >"$W/vscode-real/tasks.json"
ln -s vscode-real "$W/.vscode"
run_hutch --workspace "$W" --name m6 -- cat "$W/.vscode/tasks.json"
is "$rc:$out" "0:{}" "a protected path behind a symlink does not stop the start"
"$HUTCH" discard m6 >/dev/null
rm -r "$W/.vscode" "$W/vscode-real"

run_hutch --workspace "$W:/srv/proj" --name m5 -- sh -c 'echo x >/srv/proj/elsewhere && cat /srv/proj/.git/config && { echo y >>/srv/proj/.git/config || true; }'
is "$rc:$out" "0:[core]" "a workspace at another DST is writable (Landlock lets it), its config still read-only"
is "$(changes_list m5 "$W")" "A file elsewhere" "its changes are kept for the host's DIR"
"$HUTCH" discard m5 >/dev/null

run_hutch --workspace "$W" --workspace-mode direct -- sh -c 'echo x >"$1/direct.txt" && echo evil >"$1/.git/hooks/pre-commit" 2>/dev/null || echo ro' sh "$W"
is "$out:$(cat "$W/direct.txt")" "ro:x" "a direct workspace is written in place, its hooks still read-only"
is "$(ls -A "$STATE" 2>/dev/null | grep -v -e m1 -e m2)" "" "a direct workspace keeps no state"
