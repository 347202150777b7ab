#!/usr/bin/env bash
# One table drives both: every option that is not command-line only is a profile directive,
# every directive is an option; --help lists each, and hutch.profile(5) describes exactly the
# directives (and no name that is not one).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"

table=$("$HUTCH" --dump-options) || bail_out "hutch --dump-options failed"
mapfile -t directives < <(printf '%s\n' "$table" | awk -F'\t' '$6 == "yes" { print $1 }')
mapfile -t cli_only < <(printf '%s\n' "$table" | awk -F'\t' '$6 == "no" { print $1 }')
[ "${#directives[@]}" -gt 20 ] || bail_out "only ${#directives[@]} directives in the table"
help=$("$HUTCH" --help)

# the profile parser knows each directive, and refuses each command-line-only option
bad=()
for d in "${directives[@]}"; do
	arg=$(printf '%s\n' "$table" | awk -F'\t' -v n="$d" '$1 == n && $3 == "arg" { print " /x" }')
	printf '%s%s\n' "$d" "$arg" >"$TEST_TMP/d.profile"
	"$HUTCH" profile check "$TEST_TMP/d.profile" >/dev/null 2>"$TEST_TMP/d.err"
	grep -qE "unknown directive|command-line option only|takes no argument|needs an argument" "$TEST_TMP/d.err" &&
		bad+=("$d: $(cat "$TEST_TMP/d.err")")
	printf '%s\n' "$help" | grep -qE -- "--$d( |$)" || bad+=("$d: not in --help")
done
is "${bad[*]}" "" "every directive (${#directives[@]}) is read as one in a profile and listed by --help"

bad=()
for o in "${cli_only[@]}"; do
	printf '%s\n' "$o" >"$TEST_TMP/d.profile"
	"$HUTCH" profile check "$TEST_TMP/d.profile" >/dev/null 2>"$TEST_TMP/d.err"
	grep -q "'$o' is a command-line option only" "$TEST_TMP/d.err" || bad+=("$o: $(cat "$TEST_TMP/d.err")")
done
is "${bad[*]}" "" "every command-line-only option (${cli_only[*]}) is refused as a directive"

for word in include ignore; do
	printf '%s\n' "$table" | awk -F'\t' -v n="$word" '$1 == n { found = 1 } END { exit !found }' &&
		not_ok "'$word' is not an option name" || ok "'$word' is not an option name (it is the language's own)"
done

# hutch.profile(5): the entries of DIRECTIVES are exactly the directives
page=$HUTCH_SRCDIR/man/hutch.profile.5.scd
[ -f "$page" ] || bail_out "$page is missing"
mapfile -t documented < <(sed -n '/^# DIRECTIVES/,/^## Not directives/p' "$page" | grep -E '^\*[a-z]' |
	sed 's/, \*/\n*/g' | sed -nE 's/^\*([a-z0-9._-]+)\*.*/\1/p' | sort -u)
is "$(printf '%s\n' "${documented[@]}")" "$(printf '%s\n' "${directives[@]}" | sort -u)" \
	"hutch.profile(5) DIRECTIVES: one entry for each directive, and none for anything else"
for o in "${cli_only[@]}"; do
	[ "$o" = dump-options ] && continue
	grep -q "\*$o\*" <(sed -n '/^## Not directives/,/^# /p' "$page") && ok "hutch.profile(5) says $o is not a directive" ||
		not_ok "hutch.profile(5) says $o is not a directive"
done

done_testing
