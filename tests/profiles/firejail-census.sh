#!/usr/bin/env bash
# The census of issue 26: every profile of the installed firejail-profiles package
# (/etc/firejail, or $HUTCH_FIREJAIL_CENSUS_DIR) through `hutch profile import firejail`, and
# a table: how many translate with no error, how many with approximations, drops, or a line
# weaker than firejail's, and the lines by directive. The goal: at least 98 % translate with
# nothing weaker. With HUTCH_FIREJAIL_CENSUS_RUN=1, each translation also starts a sandbox that
# runs the probe (about four minutes more). Run by `meson test -C build --benchmark --suite profiles` or by hand:
#   HUTCH_SRCDIR=$PWD HUTCH=build/hutch tests/profiles/firejail-census.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"

DIR=${HUTCH_FIREJAIL_CENSUS_DIR:-/etc/firejail}
compgen -G "$DIR/*.profile" >/dev/null || skip_all "no firejail profiles in $DIR (Debian package firejail-profiles)"
unset HUTCH_FIREJAIL_PATH

total=0 errors=0 exact=0 approx=0 dropped=0 weaker=0 started=0 tried=0
run=${HUTCH_FIREJAIL_CENSUS_RUN:-0}
[ "$run" = 1 ] && [ ! -x "${PROBE:-}" ] && run=0 && diag "no probe built: the sandboxes are not started"
notes=$TEST_TMP/notes
: >"$notes"
: >"$TEST_TMP/errors"
for p in "$DIR"/*.profile; do
	total=$((total + 1))
	name=${p##*/}
	if ! "$HUTCH" profile import firejail "$p" >"$TEST_TMP/t" 2>>"$TEST_TMP/errors"; then
		errors=$((errors + 1))
		continue
	fi
	read -r a d w < <(sed -nE '1s/.*, ([0-9]+) approximated, ([0-9]+) dropped, ([0-9]+) weaker.*/\1 \2 \3/p' "$TEST_TMP/t")
	[ "$a" -gt 0 ] && approx=$((approx + 1))
	[ "$d" -gt 0 ] && dropped=$((dropped + 1))
	[ "$w" -gt 0 ] && weaker=$((weaker + 1))
	[ "$a$d$w" = 000 ] && exact=$((exact + 1))
	if [ "$run" = 1 ]; then
		tried=$((tried + 1))
		if (cd "$HOME" && "${HUTCH_CMD[@]}" --firejail-profile "$p" --ro-bind "$PROBE:/probe" -- /probe nnp \
			>/dev/null 2>>"$TEST_TMP/run-errors" </dev/null); then
			started=$((started + 1))
		else
			echo "  ^ $p" >>"$TEST_TMP/run-errors"
		fi
	fi
	sed -nE 's/^# (approximated|dropped|weaker): ([a-z0-9.-]+)( .*)? - .*/\1 \2/p' "$TEST_TMP/t" |
		sed "s|\$| $name|" >>"$notes"
done

pct() { awk -v a="$1" -v b="$total" 'BEGIN { printf "%5.1f %%", b ? 100 * a / b : 0 }'; }
good=$((total - errors - weaker))
{
	printf 'firejail profiles in %s: %d\n' "$DIR" "$total"
	printf '  %-44s %5d  %s\n' "translate with no error" $((total - errors)) "$(pct $((total - errors)))"
	printf '  %-44s %5d  %s\n' "  exactly (nothing approximated or dropped)" "$exact" "$(pct "$exact")"
	printf '  %-44s %5d  %s\n' "  with approximations" "$approx" "$(pct "$approx")"
	printf '  %-44s %5d  %s\n' "  with drops" "$dropped" "$(pct "$dropped")"
	printf '  %-44s %5d  %s\n' "  with a line weaker than firejail's" "$weaker" "$(pct "$weaker")"
	printf '  %-44s %5d  %s\n' "fail to translate" "$errors" "$(pct "$errors")"
	[ "$run" = 1 ] && printf '  %-44s %5d  %s   (of %d tried)\n' "start a sandbox that runs the probe" "$started" \
		"$(pct "$started")" "$tried"
	printf '  %-44s %5d  %s   (goal: >= 98 %%)\n' "no error and nothing weaker" "$good" "$(pct "$good")"
	printf '\nlines not carried over exactly, by directive (lines, profiles):\n'
	printf '  %-14s %-26s %7s %9s\n' kind directive lines profiles
	awk '{ k = $1 " " $2; n[k]++; if (!seen[k, $3]++) p[k]++ }
	     END { for (k in n) { split(k, a, " "); printf "  %-14s %-26s %7d %9d\n", a[1], a[2], n[k], p[k] } }' "$notes" |
		sort -k1,1 -k3,3nr
	if [ "$run" = 1 ] && [ "$started" != "$tried" ]; then
		printf '\nsandboxes that did not start:\n'
		sed 's/^/  /' "$TEST_TMP/run-errors"
	fi
	if [ -s "$TEST_TMP/errors" ]; then
		printf '\nerrors:\n'
		sed 's/^/  /' "$TEST_TMP/errors"
	fi
} | tee "$TEST_TMP/table" | sed 's/^/# /'

awk -v g="$good" -v t="$total" 'BEGIN { exit !(t > 0 && g * 100 >= 98 * t) }' &&
	ok "at least 98 % of $total firejail profiles translate with nothing weaker ($good)" ||
	not_ok "at least 98 % of $total firejail profiles translate with nothing weaker ($good)"
done_testing
