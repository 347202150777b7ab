#!/usr/bin/env bash
# Each man page man/*.scd is built, and man(1) renders it at 80 columns without a warning;
# hutch(1)'s SYSTEM CALL FILTER lists every row of src/command/seccomp-table.h.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-docs.sh"

command -v man >/dev/null || skip_all "man(1) is not installed (apt-get install man-db)"
[ -d "$BUILT_MAN" ] && compgen -G "$BUILT_MAN/*.scd" >/dev/null ||
	skip_all "the man pages are not built: scdoc was not found at configure time (apt-get install scdoc)"

for scd in "$HUTCH_SRCDIR"/man/*.scd; do
	page=$(basename "$scd" .scd)
	if ! man_built "$page"; then
		not_ok "$page is built from $(basename "$scd")" "no $BUILT_MAN/$page (is it in man_page_names of man/meson.build?)"
		continue
	fi
	ok "$page is built"
	warnings=$(MANWIDTH=80 man --warnings -l "$BUILT_MAN/$page" 2>&1 >/dev/null)
	is "$warnings" "" "man --warnings renders $page cleanly"
	like "$(head -c 4096 "$BUILT_MAN/$page")" "^\.TH \"?${page%.*}\"? \"?${page##*.}\"?" "$page: .TH names it, section ${page##*.}"
	unlike "$(cat "$BUILT_MAN/$page")" "@[A-Z_]+@" "$page: no marker left unfilled"
done

page=$(man_text hutch.1)
section=$(printf '%s\n' "$page" | sed -n '/^SYSTEM CALL FILTER/,/^[A-Z]/p')
mapfile -t calls < <(python3 "$HUTCH_SRCDIR/man/gen-page.py" --seccomp-table "$HUTCH_SRCDIR/src/command/seccomp-table.h" --list)
[ "${#calls[@]}" -gt 0 ] && ok "the default seccomp table has ${#calls[@]} rows" ||
	not_ok "gen-page.py reads the rows of src/command/seccomp-table.h"
missing=()
for c in "${calls[@]}"; do
	printf '%s\n' "$section" | grep -qE "^ +${c}( |:)" || missing+=("$c")
done
is "${missing[*]}" "" "SYSTEM CALL FILTER in hutch(1) lists every system call of the default filter"
like "$page" "hutch ${HUTCH_VERSION//./\\.}" "hutch(1) carries the version $HUTCH_VERSION"

done_testing
