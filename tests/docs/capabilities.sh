#!/usr/bin/env bash
# The capability names the three completions offer for --cap-add (a static list in each file)
# are exactly the names of the installed libcap (tests/docs/cap-names), and hutch accepts each.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-docs.sh"

CAP_NAMES=$HUTCH_BUILDDIR/tests/docs/cap-names
[ -x "$CAP_NAMES" ] || bail_out "$CAP_NAMES is not built"
libcap=$("$CAP_NAMES" | sort)
[ -n "$libcap" ] || bail_out "cap-names printed nothing"

# The words of the list that starts at START (a regex) and ends at the first line matching END.
list_in() {
	awk -v start="$2" -v end="$3" '
		!on && $0 ~ start { on = 1; sub(start, "") }
		on { line = $0; gsub(/[^a-z0-9_ ]/, " ", line); print line; if ($0 ~ end) exit }
	' "$1" | tr -s ' ' '\n' | sed '/^$/d' | sort
}

is "$(list_in "$HUTCH_SRCDIR/completions/hutch.bash" "^_hutch_capabilities='" "'\$")" "$libcap" \
	"hutch.bash: the capability list is libcap's"
is "$(list_in "$HUTCH_SRCDIR/completions/_hutch" "^local -a _hutch_capabilities=\\(" "^\\)")" "$libcap" \
	"_hutch: the capability list is libcap's"
is "$(list_in "$HUTCH_SRCDIR/completions/hutch.fish" "^set -g __hutch_capabilities" "[a-z_]\$")" "$libcap" \
	"hutch.fish: the capability list is libcap's"

# hutch parses --cap-add with the same libcap: every name must pass its parser. A name the
# running kernel lacks is refused as such, which is not a failure of the list.
bad=()
while read -r cap; do
	err=$("$HUTCH" --cap-add "$cap" --help 2>&1 >/dev/null) && continue
	[[ $err == *"unknown to this kernel"* ]] && continue
	bad+=("$cap ($err)")
done <<<"$libcap"
is "${bad[*]}" "" "hutch --cap-add accepts every name of the list"

done_testing
