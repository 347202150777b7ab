#!/usr/bin/env bash
# shellcheck disable=SC2088,SC2016 # ~ and ${HOME} are for hutch to expand, $ for the sandbox
# The host-view policy on the default root: --home private (the default: an empty tmpfs), host
# and ro; --whitelist (read-write, visible on the host), --read-only (EROFS), --blacklist (an
# empty mode-000 file or directory, also through symlinks to it and when named through one),
# --private-etc, --private-tmp, --mkdir; ~, ${HOME}, ${UID} and ${XDG_RUNTIME_DIR} in paths; a
# missing whitelisted path is an error unless --mkdir makes it, and --mkdir does not follow a
# symlink an earlier sandbox planted out of the places it may create in.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

# A home of our own under $TEST_TMP: hutch takes $HOME over the passwd entry.
export HOME=$TEST_TMP/home
export XDG_RUNTIME_DIR=$TEST_TMP/runtime
mkdir -p "$HOME"/{wl,docs,secret,.config} "$XDG_RUNTIME_DIR/app" "$TEST_TMP/data"
chmod 700 "$XDG_RUNTIME_DIR"
echo top-secret >"$HOME/secret/key"
echo secret-file >"$HOME/secret.txt"
echo document >"$HOME/docs/a.txt"
echo visible >"$HOME/plain"
ln -s "$HOME/secret" "$HOME/link-to-secret"
ln -s "$HOME/secret.txt" "$HOME/link-to-secret.txt"
ln -s secret "$HOME/rel-link"

# ---- --home -----------------------------------------------------------------------------------

run_hutch -- sh -c 'echo "$HOME"; ls -A "$HOME" | wc -l; echo x >"$HOME/new" && echo writable'
expect_exit 0 "default home runs"
is "$out" "$HOME"$'\n0\nwritable' "the default home is private: empty and writable"
check "a private home's writes do not reach the host" test ! -e "$HOME/new"
run_hutch --home private -- sh -c 'ls -A "$HOME" | wc -l'
is "$out" 0 "--home private: empty"
# (In a directory of the home: the home itself takes no new entry while a persistence point such
# as ~/.zshrc is missing in it, see tests/core/persist.sh.)
run_hutch --home host -- sh -c 'cat "$HOME/plain"; echo y >"$HOME/docs/from-host-mode" && echo wrote'
is "$out" $'visible\nwrote' "--home host: the real home, writable"
check "--home host: the write is on the host" test -e "$HOME/docs/from-host-mode"
run_hutch --home ro -- sh -c 'cat "$HOME/plain"; echo z >"$HOME/ro-write"'
is "$out" visible "--home ro: the real home is readable"
like "$err" "Read-only file system" "--home ro: a write fails with EROFS"
check "--home ro: nothing reached the host" test ! -e "$HOME/ro-write"

# ---- --whitelist, --read-only ------------------------------------------------------------

run_hutch --whitelist '~/wl' -- sh -c 'echo hi >~/wl/f && cat ~/wl/f && ls -A ~'
expect_exit 0 "--whitelist ~/wl runs"
is "$out" $'hi\nwl' "--whitelist: the dir is writable, and the only thing in the private home"
is "$(cat "$HOME/wl/f" 2>/dev/null)" hi "--whitelist: the write is visible on the host"
run_hutch --whitelist '${HOME}/wl' -- cat "$HOME/wl/f"
is "$out" hi "--whitelist \${HOME}/wl"
run_hutch --whitelist "$TEST_TMP/data" -- sh -c "echo d >$TEST_TMP/data/d && echo ok"
is "$out" ok "--whitelist of a path outside home (over the sandbox's own /tmp)"
is "$(cat "$TEST_TMP/data/d" 2>/dev/null)" d "--whitelist outside home: the write is on the host"
mkdir -p "$TEST_TMP/by-uid/$(id -u)"
run_hutch --whitelist "$TEST_TMP/by-uid/\${UID}" -- sh -c "echo u >$TEST_TMP/by-uid/$(id -u)/u && echo ok"
is "$out" ok "--whitelist with \${UID}"
run_hutch --whitelist '${XDG_RUNTIME_DIR}/app' -- sh -c "echo r >$XDG_RUNTIME_DIR/app/r && echo ok"
is "$out" ok "--whitelist with \${XDG_RUNTIME_DIR}"
is "$(cat "$XDG_RUNTIME_DIR/app/r" 2>/dev/null)" r "--whitelist \${XDG_RUNTIME_DIR}/app: the write is on the host"

run_hutch --read-only '~/docs' -- sh -c 'cat ~/docs/a.txt; echo x >~/docs/new; echo x >>~/docs/a.txt; rm ~/docs/a.txt'
is "$out" document "--read-only: readable"
is "$(grep -c 'Read-only file system' <<<"$err")" 3 "--read-only: create, append and delete fail with EROFS"
check "--read-only: the host files are untouched" \
	bash -c '[ ! -e "$1/new" ] && [ "$(cat "$1/a.txt")" = document ]' sh "$HOME/docs"
run_hutch --home host --read-only '~/docs' -- sh -c 'echo x >~/docs/new'
like "$err" "Read-only file system" "--read-only inside --home host"

# ---- --blacklist ---------------------------------------------------------------------------

reveals='cat "$0" "$0/key" 2>/dev/null; ls -A "$0" 2>/dev/null; echo end'
run_hutch --home host --blacklist '~/secret' -- sh -c "$reveals" "$HOME/secret"
is "$out" end "--blacklist DIR: nothing of it can be read"
run_hutch --home host --blacklist '~/secret' -- sh -c 'cat ~/secret/key'
like "$err" "Permission denied" "--blacklist DIR: reading fails with EACCES"
run_hutch --home host --blacklist '~/secret' -- stat -c '%a %F' "$HOME/secret"
is "$out" "0 directory" "--blacklist DIR: an empty mode-000 directory covers it"
run_hutch --home host --blacklist '~/secret' -- sh -c "$reveals" "$HOME/link-to-secret"
is "$out" end "--blacklist: an absolute symlink in home to it reveals nothing"
run_hutch --home host --blacklist '~/secret' -- sh -c "$reveals" "$HOME/rel-link"
is "$out" end "--blacklist: a relative symlink to it reveals nothing"
run_hutch --home host --blacklist '~/link-to-secret' -- sh -c "$reveals" "$HOME/secret"
is "$out" end "--blacklist named through a symlink: its target is covered"

run_hutch --home host --blacklist '~/secret.txt' -- sh -c \
	'cat ~/secret.txt ~/link-to-secret.txt 2>/dev/null; stat -c "%a %s %F" ~/secret.txt; echo x >~/secret.txt'
is "$out" "0 0 regular empty file" "--blacklist FILE: an empty mode-000 file covers it, also through a symlink"
like "$err" "Read-only file system|Permission denied" "--blacklist FILE: it cannot be written"
is "$(cat "$HOME/secret.txt")" secret-file "--blacklist FILE: the host file is untouched"

run_hutch --whitelist '~/secret' --blacklist '~/secret' -- sh -c "$reveals" "$HOME/secret"
is "$out" end "--blacklist wins over a --whitelist of the same path"

# ---- /etc, /tmp ----------------------------------------------------------------------------

run_hutch --private-etc passwd,group -- sh -c 'ls -A /etc; cat /etc/hostname /etc/shadow /etc/os-release 2>/dev/null; echo end'
is "$out" $'group\npasswd\nend' "--private-etc passwd,group: only those entries of /etc"
run_hutch --private-etc passwd -- cat /etc/passwd
is "$out" "$(cat /etc/passwd)" "--private-etc: the entry is the host's"
run_hutch -- test -e /etc/os-release
expect_exit 0 "without --private-etc the host's /etc is there"

marker=$(mktemp /tmp/hutch-overlay-marker.XXXXXX)
defer "rm -f '$marker'"
run_hutch --private-tmp -- sh -c "test -e $marker && echo seen; touch /tmp/in-sandbox && echo writable"
is "$out" writable "--private-tmp: an empty, writable /tmp"
check "--private-tmp: the sandbox's /tmp stays its own" test ! -e /tmp/in-sandbox

# ---- --mkdir, a missing whitelist ----------------------------------------------------------

run_hutch --whitelist '~/missing' -- true
expect_exit 125 "--whitelist of a missing path: 125"
is "$err" "hutch: bind: $HOME/missing: No such file or directory" "--whitelist of a missing path: one clear error"
check "--whitelist of a missing path: nothing was created" test ! -e "$HOME/missing"

run_hutch --mkdir '~/made/deep' --whitelist '~/made/deep' -- sh -c 'echo m >~/made/deep/m && echo ok'
expect_exit 0 "--mkdir ~/made/deep --whitelist ~/made/deep runs"
is "$(cat "$HOME/made/deep/m" 2>/dev/null)" m "--mkdir: created on the host (parents too) and whitelisted"
run_hutch --mkdir "$TEST_TMP/tmp-made" -- true
check "--mkdir under /tmp creates it on the host" test -d "$TEST_TMP/tmp-made"
run_hutch --mkdir '${XDG_RUNTIME_DIR}/made' -- true
check "--mkdir under \$XDG_RUNTIME_DIR creates it on the host" test -d "$XDG_RUNTIME_DIR/made"
run_hutch --mkdir /var/hutch-test-mkdir-$$ -- true
expect_exit 125 "--mkdir outside home, /tmp and the runtime dir: 125"
like "$err" "^hutch: --mkdir: " "--mkdir outside: the message names the option"
check "--mkdir outside: nothing was created" test ! -e /var/hutch-test-mkdir-$$

# A symlink planted by an earlier sandbox in a whitelisted dir must not carry --mkdir out of
# home, /tmp and the runtime dir (/dev/shm is none of them).
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	shm=$(mktemp -d /dev/shm/hutch-overlay-test.XXXXXX)
	defer "rm -rf '$shm'"
	run_hutch --whitelist '~/wl' -- ln -s "$shm" "$HOME/wl/planted"
	check "a sandbox plants a symlink in a whitelisted dir" test -L "$HOME/wl/planted"
	run_hutch --mkdir '~/wl/planted/escaped' -- true
	expect_exit 125 "--mkdir through a planted symlink to /dev/shm: 125"
	check "--mkdir through a planted symlink: nothing was created outside" test ! -e "$shm/escaped"
else
	skip_n 3 "no writable /dev/shm to plant a symlink to"
fi

done_testing
