#!/usr/bin/env bash
# docs/architecture.md, the project's design document, kept true where a machine can tell:
# every src/ path it names exists, every file under src/ is named in it, every message of
# src/lib/sync.h has a row of its own in it, and the order of the confinement steps it gives is
# the one src/command/confine.h gives (command.c is the authority; both texts must follow it).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

doc=$HUTCH_SRCDIR/docs/architecture.md
[ -f "$doc" ] || bail_out "$doc is missing"
cd "$HUTCH_SRCDIR" || bail_out "cannot enter $HUTCH_SRCDIR"

# Every src/ path the document names, once each (a trailing '.' or ',' is not part of it).
named=$(grep -oE 'src/[A-Za-z0-9_./-]*[A-Za-z0-9_]' "$doc" | sort -u)
[ -n "$named" ] || bail_out "the document names no src/ path"

missing=()
while read -r p; do
	[ -e "$p" ] || missing+=("$p")
done <<<"$named"
is "${missing[*]}" "" "every src/ path the document names exists"

unnamed=()
while read -r p; do
	grep -qxF -- "$p" <<<"$named" || unnamed+=("$p")
done < <(find src -type f | sort)
is "${unnamed[*]}" "" "every file under src/ is named in the document"

# The messages: the enum's members but its bounds (SYNC_NONE is end of file, not a message).
messages=$(sed -n '/^enum sync_type {/,/^};/p' src/lib/sync.h | grep -oE '^[[:space:]]*SYNC_[A-Z0-9_]+' |
	sed 's/^[[:space:]]*//' | grep -vxE 'SYNC_NONE|SYNC_TYPE_MAX' | tr '\n' ' ')
[ -n "$messages" ] || bail_out "no message found in src/lib/sync.h's enum sync_type"
for m in $messages; do
	if grep -qE "^\|.*\`$m\`" "$doc"; then
		ok "sync message $m has a row in the document"
	else
		not_ok "sync message $m has a row in the document" "add a row for \`$m\` to the table of section 3"
	fi
done
# And the other way: no message the code no longer has.
stale=()
for m in $(grep -E '^\|' "$doc" | grep -oE '`SYNC_[A-Z0-9_]+`' | tr -d '`' | sort -u); do
	grep -qE "^[[:space:]]*$m\b" src/lib/sync.h || stale+=("$m")
done
is "${stale[*]}" "" "every sync message in the document's tables is in src/lib/sync.h"

# The confinement order: the line after the marker in the document, and the arrow lines of
# confine.h's first comment, word for word.
doc_order=$(sed -n '/<!-- confinement-order/{n;p;q}' "$doc" | tr -s ' ')
header_order=$(sed -n '1,/\*\//p' src/command/confine.h | grep '→' | sed 's/^ \*[[:space:]]*//' | tr '\n' ' ' |
	tr -s ' ' | sed 's/ $//')
[ -n "$doc_order" ] || bail_out "the document has no confinement-order line"
is "$header_order" "$doc_order" "src/command/confine.h and the document give the same confinement order"

done_testing
