#!/usr/bin/env bash
# Every option of the option table (hutch --dump-options) and of --help has an entry in
# hutch(1) and is offered by the bash completion; every profile directive (directive=yes) is
# in hutch.profile(5) once that page exists.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-docs.sh"

mapfile -t names < <(table_column 1)
mapfile -t shorts < <(table_column 2)
mapfile -t directives < <(table_column 1 '$6 == "yes"')

# --help and the table agree (the table is what everything else is checked against).
run_hutch --help
expect_exit 0 "--help exits 0"
mapfile -t help_names < <(printf '%s\n' "$out" | grep -oE -- '(^|[ ,])--[a-z0-9][a-z0-9.-]*' | sed 's/^[ ,]*--//; s/\.$//' | sort -u)
is "$(printf '%s\n' "${help_names[@]}")" "$(printf '%s\n' "${names[@]}" | sort -u)" \
	"--help lists exactly the options of --dump-options"

# hutch(1): an entry "--name" (or "-x, --name") at the start of a line of the rendered page.
if man_built hutch.1; then
	page=$(man_text hutch.1)
	for i in "${!names[@]}"; do
		entry="--${names[i]}"
		[ "${shorts[i]}" != - ] && entry="-${shorts[i]}, --${names[i]}"
		if printf '%s\n' "$page" | grep -qE -- "^ +${entry}( |\$)"; then
			ok "hutch(1) has an entry for $entry"
		else
			not_ok "hutch(1) has an entry for $entry" "add it under OPTIONS in man/hutch.1.scd"
		fi
	done
else
	skip "hutch(1) is not built (scdoc was not found at configure time)"
fi

# The bash completion offers every option for "--" and each one for its own prefix.
source_bash_completion
all=$(bash_complete "hutch --")
for i in "${!names[@]}"; do
	o=--${names[i]}
	if has_line "$all" "$o" && has_line "$(bash_complete "hutch $o")" "$o"; then
		ok "the bash completion offers $o"
	else
		not_ok "the bash completion offers $o" "offered for --: $(printf '%s ' $all)"
	fi
	if [ "${shorts[i]}" != - ]; then
		has_line "$(bash_complete "hutch -")" "-${shorts[i]}" && ok "the bash completion offers -${shorts[i]}" ||
			not_ok "the bash completion offers -${shorts[i]}"
	fi
done

# hutch.profile(5): each directive by name.
if [ ! -f "$HUTCH_SRCDIR/man/hutch.profile.5.scd" ]; then
	skip "hutch.profile(5) does not exist yet (man/hutch.profile.5.scd): its ${#directives[@]} directives are unchecked"
elif ! man_built hutch.profile.5; then
	skip "hutch.profile(5) is not built (scdoc was not found at configure time)"
else
	page=$(man_text hutch.profile.5)
	for d in "${directives[@]}"; do
		if printf '%s\n' "$page" | grep -qE -- "(^|[^a-z0-9-])${d}([^a-z0-9-]|\$)"; then
			ok "hutch.profile(5) describes the directive $d"
		else
			not_ok "hutch.profile(5) describes the directive $d"
		fi
	done
fi

done_testing
