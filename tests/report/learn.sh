#!/usr/bin/env bash
# hutch learn on real programs: a Python script that reads a config file and writes to a
# cache directory, curl against a test server on loopback, and a probe that uses a call the
# default filter refuses behind an option. Each learned profile lets a second run pass with an
# empty --report=full, and never opens the whole home or /.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-report.sh"
require_userns

py=/usr/bin/python3
[ -x "$py" ] || skip_all "python3 is not installed"

home=$TEST_TMP/home
mkdir -p "$home/.config/app" "$home/.cache" "$home/bin" "$home/other"
echo "greeting = hello" >"$home/.config/app/app.conf"
echo "not for the app" >"$home/other/private"
cat >"$home/bin/app.py" <<'PY'
import os
home = os.environ["HOME"]
conf = open(os.path.join(home, ".config/app/app.conf")).read()
cache = os.path.join(home, ".cache/app")
os.makedirs(cache, exist_ok=True)
with open(os.path.join(cache, "data"), "w") as f:
    f.write(conf.upper())
print("done")
PY
export HOME=$home

# wide PROFILE: the directives that would open the whole home or the root.
wide() {
	grep -E '^(whitelist|read-only|whitelist-try|read-only-try|bind|ro-bind)[[:space:]]+("?(\$\{HOME\}|~|'"$home"')/?"?|/)[[:space:]]*$' "$1"
}

prof=$TEST_TMP/app.profile
run_hutch_learn() {
	_last_cmd="$HUTCH learn $*"
	with_timeout 60 "$HUTCH" learn "$@" </dev/null >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}
idmap=()
[ -n "${HUTCH_TEST_IDMAP:-}" ] && idmap=(--idmap "$HUTCH_TEST_IDMAP")

# --- the Python script: its cache write goes to learn's scratch overlay of the home (issue 23)
run_hutch_learn -o "$prof" "${idmap[@]}" -- "$py" "$home/bin/app.py"
is "$rc" 0 "learn: the script succeeds in the permissive run (the home writable, thrown away after)"
like "$err" "hutch learn: the profile is written to $prof" "learn says the profile is written"
check "the host's home was not written" test ! -e "$home/.cache/app"
check "the profile exists" test -s "$prof"
like "$(cat "$prof")" 'read-only \$\{HOME\}/\.config/app' "the config file's directory, read-only (collapsed to ~/.config/APP)"
like "$(cat "$prof")" 'whitelist \$\{HOME\}/\.cache/app' "the cache directory, writable (~/.cache/APP)"
like "$(cat "$prof")" 'mkdir \$\{HOME\}/\.cache/app' "created first, as it did not exist"
is "$(wide "$prof")" "" "neither the whole home nor / is in the profile"
unlike "$(cat "$prof")" 'other' "what the run did not touch stays out"
[ ! -e "$home/.cache/app" ] && ok "the learn run wrote nothing to the home" || not_ok "the learn run wrote nothing to the home"

rep=$TEST_TMP/r.jsonl
run_hutch --profile "$prof" --report=full --report "$rep" -- "$py" "$home/bin/app.py"
expect_exit 0 "the second run under the learned profile passes"
is "$out" done "the script did its work"
is "$(cat "$home/.cache/app/data" 2>/dev/null)" "GREETING = HELLO" "its cache file is on the host"
is "$(lines "$rep")" 0 "the second run's report is empty"
[ "$(lines "$rep")" = 0 ] || diag "$(cat "$rep")"

run_hutch --profile "$prof" -- cat "$home/other/private"
unlike "$out" "not for the app" "the learned profile does not show the rest of the home"

# --- curl against a server on loopback (the host's network: --share-net, copied into the profile)
if ! command -v curl >/dev/null; then
	skip_n 5 "curl is not installed"
else
	mkdir -p "$TEST_TMP/srv"
	echo hello-from-server >"$TEST_TMP/srv/index.txt"
	fifo_open portfd "$TEST_TMP/port"
	"$py" -c 'import http.server, os, sys
os.chdir(sys.argv[1])
s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
print(s.server_address[1], flush=True)
s.serve_forever()' "$TEST_TMP/srv" >"$TEST_TMP/port" 2>/dev/null &
	track_pid $!
	read_line "$portfd" 10 || bail_out "the test server did not start"
	url=http://127.0.0.1:$line/index.txt
	cprof=$TEST_TMP/curl.profile
	run_hutch_learn -o "$cprof" "${idmap[@]}" --share-net -- curl -sS "$url"
	is "$rc/$out" "0/hello-from-server" "learn: curl fetches from the test server"
	like "$(cat "$cprof")" '^share-net$' "the option given to learn is in the profile"
	like "$(cat "$cprof")" "connect 127\.0\.0\.1:$line" "the connection is noted"
	run_hutch --profile "$cprof" --report=full --report "$rep" -- curl -sS "$url"
	is "$rc/$out" "0/hello-from-server" "the second run under the learned profile passes"
	is "$(lines "$rep")" 0 "with an empty report"
fi

# --- a call the default refuses unless an option lifts it: learn lifts it, and says why
pprof=$TEST_TMP/probe.profile
run_hutch_learn -o "$pprof" "${idmap[@]}" --ro-bind "$PROBE:/probe" -- /probe syscall ptrace
is "$out" "ptrace: ESRCH" "learn is permissive where an option would lift the default (ptrace reaches the kernel)"
like "$(cat "$pprof")" '^allow-ptrace$' "the profile gets allow-ptrace"
run_hutch --profile "$pprof" --report "$rep" -- /probe syscall ptrace
is "$out/$(lines "$rep")" "ptrace: ESRCH/0" "the second run passes with an empty report"

run_hutch_learn -o "$pprof" "${idmap[@]}" --ro-bind "$PROBE:/probe" -- /probe syscall keyctl
is "$out" "keyctl: EPERM" "a call no option lifts stays refused in learn"
like "$(cat "$pprof")" '# keyctl was refused' "and the profile says so in a comment"
unlike "$(grep -v '^#' "$pprof")" 'seccomp' "without widening the filter"

# --- the collapse rules, one by one (hutch.profile(5), LEARNED PROFILES)
mkdir -p "$home/.local/share/game/saves/slot1" "$home/projects/foo/src" "$home/.config/tool" "$home/docs/sub"
echo d >"$home/docs/sub/x"
echo 1 >"$home/.local/share/game/saves/slot1/s.dat"
echo int >"$home/projects/foo/src/a.c"
echo rc >"$home/.toolrc"
echo k >"$home/.config/tool/keys"
cprof=$TEST_TMP/collapse.profile
run_hutch_learn -o "$cprof" "${idmap[@]}" -- sh -c '
	cat "$HOME/.local/share/game/saves/slot1/s.dat" "$HOME/projects/foo/src/a.c" "$HOME/.toolrc" >/dev/null
	cat "$HOME/.nothing-here" 2>/dev/null
	mv "$HOME/.config/tool/keys" "$HOME/.config/tool/keys.old" 2>/dev/null
	echo x >"$HOME/newfile" 2>/dev/null
	ls "$HOME/docs" >/dev/null
	cat "$HOME/docs/sub/x" >/dev/null
	true'
body=$(grep -v '^#' "$cprof")
like "$body" '^read-only \$\{HOME\}/\.local/share/game$' "~/.local/share/APP/...: collapsed to ~/.local/share/APP"
like "$body" '^read-only \$\{HOME\}/projects/foo/src$' "a file elsewhere: its directory"
like "$body" '^read-only \$\{HOME\}/\.toolrc$' "a file directly in the home: itself"
like "$body" '^read-only \$\{HOME\}/docs$' "a directory listed: itself"
unlike "$body" 'docs/sub' "an entry beneath another of the same kind is dropped"
unlike "$body" 'nothing-here' "a missing file read is left out"
like "$body" '^whitelist \$\{HOME\}/\.config/tool$' "a rename in ~/.config/APP: the whole ~/.config/APP writable"
like "$body" '^whitelist-try \$\{HOME\}/newfile$' "a new file directly in the home: whitelist-try"
like "$(cat "$cprof")" 'newfile, which does not exist' "with a comment saying why"
is "$(wide "$cprof")" "" "never the whole home nor /"
check "the learned profile passes hutch profile check" "$HUTCH" profile check "$cprof"

# --- usage
run_hutch_learn -- true
is "$rc" 2 "learn without -o: usage error, status 2"
run_hutch_learn -o "$TEST_TMP/missing/dir/p.profile" -- true
is "$rc" 125 "learn with an unwritable -o: 125"
like "$err" "missing/dir/p.profile" "naming the file"

echo "# an earlier profile" >"$TEST_TMP/keep.profile"
run_hutch_learn -o "$TEST_TMP/keep.profile" "${idmap[@]}" --ro-bind "$TEST_TMP/no-such-file:/x" -- true
is "$rc" 125 "learn of a sandbox that cannot start: 125"
is "$(cat "$TEST_TMP/keep.profile")" "# an earlier profile" "an earlier profile of that name is left as it was"
check "and no temporary file is left" test ! -e "$TEST_TMP/keep.profile.tmp"

done_testing
