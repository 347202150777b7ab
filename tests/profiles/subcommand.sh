#!/usr/bin/env bash
# `hutch profile show|check|list`: the resolved profile and its round trip, errors and warnings
# with positions and exit status, the list of every profile with what shadows what; and that
# a program named `profile` still runs after --.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"

# ---- usage
run_profile() {
	"$HUTCH" profile "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}

run_profile
is "$rc" 2 "profile without a verb: exit 2"
like "$err" "^usage: hutch profile show" "… and the usage"
run_profile --help
is "$rc" 0 "profile --help: exit 0"
run_profile frobnicate
is "$rc" 2 "an unknown verb: exit 2"
run_profile show
is "$rc" 2 "show without a name: exit 2"

# ---- show
run_profile show firefox
is "$rc" 0 "show firefox"
like "$out" "^whitelist $HOME/\.mozilla$" "show: ~ filled"
like "$out" "^mkdir $HOME/\.cache/mozilla$" "show: \${XDG_CACHE_HOME} filled with its default"
like "$out" "^# ignored: blacklist $HOME/\.mozilla$" "show: an ignored line is shown as a comment"
like "$out" "^blacklist $HOME/\.ssh$" "show: the includes' lines are there"
like "$out" "^# from $SHIPPED/inc/hide-secrets\.inc$" "show: each part says which file it comes from"
unlike "$(printf '%s\n' "$out" | directive_lines)" '^include |\$\{|~' "show: no include, no macro, no ~ left"

# show of show: the same directives (the round trip, for every shipped profile)
fails=()
for name in $(shipped_names); do
	"$HUTCH" profile show "$name" >"$TEST_TMP/a.profile" 2>"$TEST_TMP/a.err" || {
		fails+=("$name: show failed: $(cat "$TEST_TMP/a.err")")
		continue
	}
	"$HUTCH" profile show "$TEST_TMP/a.profile" >"$TEST_TMP/b.profile" 2>"$TEST_TMP/b.err" || {
		fails+=("$name: show of the shown profile failed: $(cat "$TEST_TMP/b.err")")
		continue
	}
	if ! diff <(directive_lines <"$TEST_TMP/a.profile") <(directive_lines <"$TEST_TMP/b.profile") >/dev/null; then
		fails+=("$name: the shown profile reads back differently")
	fi
done
if [ ${#fails[@]} -eq 0 ]; then
	ok "round trip: 'profile show' output of every shipped profile reads back to the same directives"
else
	not_ok "round trip of every shipped profile" "${fails[@]}"
fi

# a profile with every kind of quoting
cat >"$TEST_TMP/q.profile" <<'P'
bind "/with space/a b":/dst   # a comment
setenv "MSG=say \"hi\" \$HOME"
setenv "E="
setenv "H=#not a comment"
setenv "T=~/not home"
bind /ünïcode
P
run_profile show "$TEST_TMP/q.profile"
is "$rc" 0 "show of a profile with quotes"
cp "$TEST_TMP/.out" "$TEST_TMP/q2.profile"
like "$out" '^setenv "MSG=say \\"hi\\" \\\$HOME"$' "show: quotes and escapes written back"
run_profile show "$TEST_TMP/q2.profile"
is "$(printf '%s\n' "$out" | directive_lines)" "$(directive_lines <"$TEST_TMP/q2.profile")" \
	"round trip with quotes, escapes, '#', '~' and UTF-8"

run_profile show no-such-profile
is "$rc" 125 "show of an unknown profile: exit 125 (issue 23: one rule for subcommands)"
like "$err" "no profile named 'no-such-profile'" "… and says so"
printf 'hostname "bad name"\n' >"$TEST_TMP/bad.profile"
run_profile show "$TEST_TMP/bad.profile"
is "$rc" 125 "show of a profile with a bad value: exit 125"
like "$err" "bad\.profile:1:1: error: hostname: 'bad name' is not a valid host name" "… with its position"

# ---- check
run_profile check firefox "$SHIPPED/dev.profile"
is "$rc" 0 "check of good profiles: exit 0"
like "$out" "firefox\.profile: ok" "check: ok for each"
like "$out" "dev\.profile: ok" "check: several at once"

cat >"$TEST_TMP/bad.profile" <<'P'
# three mistakes and a warning
frobnicate
bind /a /b
share-net
hostname "bad name"
ignore tmpfs /nothing
P
run_profile check "$TEST_TMP/bad.profile"
is "$rc" 1 "check with errors: exit 1"
like "$err" "bad\.profile:2:1: error: unknown directive 'frobnicate'" "check: unknown directive, line and column"
like "$err" "bad\.profile:3:9: error: 'bind' takes one argument" "check: argument count, at the extra word"
like "$err" "bad\.profile:5:1: error: hostname: 'bad name' is not a valid host name" "check: a bad value"
like "$err" "bad\.profile:6:1: warning: 'ignore tmpfs /nothing' matches no directive" "check: a warning"
is "$(printf '%s\n' "$err" | grep -c ': error: ')" 3 "check: every error, not only the first"

(cd "$TEST_TMP" && "$HUTCH" profile check bad.profile >/dev/null 2>"$TEST_TMP/here.err")
like "$(cat "$TEST_TMP/here.err")" "^bad\.profile:2:1: error: unknown directive" "check FILE: a file in the current directory, by its name"

printf 'ignore tmpfs /nothing\n' >"$TEST_TMP/warn.profile"
run_profile check "$TEST_TMP/warn.profile"
is "$rc" 0 "check with only a warning: exit 0"
printf 'share-uts\nhostname box\n' >"$TEST_TMP/whole.profile"
run_profile check "$TEST_TMP/whole.profile"
is "$rc" 1 "check: what only the whole configuration shows (hostname with share-uts)"
like "$err" "whole\.profile: error: hostname" "… is reported against the file"

# ---- list
cp "$SHIPPED/curl.profile" "$USER_PROFILES/curl.profile"
printf 'share-net\n' >"$USER_PROFILES/curl.local"
run_profile list
is "$rc" 0 "list: exit 0"
like "$out" "^#   $USER_PROFILES \(user\)$" "list: the user's directory first"
like "$out" "^#   /etc/hutch/profiles \(system\)" "list: then /etc/hutch/profiles"
like "$out" "^#   $SHIPPED \(shipped\)$" "list: then the shipped set"
like "$out" "^firefox\.profile +shipped +$SHIPPED/firefox\.profile$" "list: a shipped profile"
like "$out" "^curl\.profile +user +$USER_PROFILES/curl\.profile  \(shadows the shipped one\)$" "list: the user's shadows"
like "$out" "^curl\.profile +shipped +$SHIPPED/curl\.profile  \(shadowed by the user one\)$" "list: the shadowed one"
like "$out" "^curl\.local +user +.*\(override, read after curl\.profile\)$" "list: a .local override"
n=$(printf '%s\n' "$out" | grep -c '^[a-z0-9].*\.profile ')
is "$n" "$(($(shipped_names | wc -l) + 1))" "list: every shipped profile, and the user's"
rm "$USER_PROFILES/curl.profile" "$USER_PROFILES/curl.local"

# ---- a program called profile
require_userns
run_hutch -- profile list
is "$rc" 127 "hutch -- profile: runs a program of that name (none here: 127)"
unlike "$err" "usage: hutch profile" "… not the subcommand"

done_testing
