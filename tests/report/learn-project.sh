#!/usr/bin/env bash
# hutch learn runs with somewhere to write (issue 23): a command that writes a dot directory in
# the home and its project's node_modules (what `npm install X` does) succeeds while learning;
# the host's home is not written (the run's home writes land in a scratch overlay that goes
# after), the project's changes wait in a workspace for review, and the learnt profile then
# runs the same command with an empty report.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
plan 9

export HOME=$TEST_TMP/home XDG_STATE_HOME=$TEST_TMP/state XDG_RUNTIME_DIR=$TEST_TMP/run
mkdir -p "$HOME/proj" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
echo '{"name": "p"}' >"$HOME/proj/package.json"
cd "$HOME/proj" || bail_out "no project dir"
# What npm install does, without the network: its cache in the home, the package in the project.
SCRIPT='set -e
mkdir -p "$HOME/.npm/_cacache" node_modules/is-number
echo cached >"$HOME/.npm/_cacache/entry"
echo "module.exports = 1" >node_modules/is-number/index.js
echo "{\"name\": \"p\", \"dependencies\": {\"is-number\": \"1\"}}" >package.json.tmp
mv package.json.tmp package.json'

HUTCH_STDIN=/dev/null
with_timeout 60 "$HUTCH" learn -o "$TEST_TMP/p.profile" --net none -- sh -c "$SCRIPT" \
	</dev/null >"$TEST_TMP/learn.out" 2>"$TEST_TMP/learn.err"
rc=$?
is "$rc" 0 "learn: the command that writes to its project and its home succeeds"
check "the host's home was not written" test ! -e "$HOME/.npm"
check "nor the project" test ! -e "$HOME/proj/node_modules"
name=$(sed -n 's/.* waits in workspace \([^:]*\):.*/\1/p' "$TEST_TMP/learn.err")
like "$name" '^sh-[0-9]+$' "learn names the workspace holding the project's changes"
check "no scratch directory is left" test -z "$(ls "$XDG_RUNTIME_DIR" | grep learn)"
"$HUTCH" apply "$name" >/dev/null 2>"$TEST_TMP/apply.err"
is "$?:$(cat node_modules/is-number/index.js 2>/dev/null)" "0:module.exports = 1" \
	"apply brings the project's changes to the host"
like "$(cat "$TEST_TMP/p.profile")" 'whitelist \$\{HOME\}/\.npm' "the profile lets the home's writes through"

rm -rf node_modules
echo '{"name": "p"}' >package.json
with_timeout 60 "$HUTCH" --profile "$TEST_TMP/p.profile" --report "$TEST_TMP/r.json" -- sh -c "$SCRIPT" \
	</dev/null >/dev/null 2>"$TEST_TMP/run.err"
is "$?" 0 "the learnt profile runs the same command"
is "$(wc -c <"$TEST_TMP/r.json")" 0 "with an empty report"
