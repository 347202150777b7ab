#!/usr/bin/env bash
# The bash completion, driven as bash drives it (COMP_WORDS, COMP_CWORD, COMP_LINE,
# COMP_POINT, then _hutch; COMPREPLY read back): option values from the option table, paths,
# capabilities, profile, sandbox and workspace names, the subcommands' arguments, the command
# after `--` or the first non-option.
# Run twice: on its own, then with bash-completion's helpers when they are installed.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-docs.sh"

[ -f "$BUILT_COMPLETIONS/hutch" ] || bail_out "$BUILT_COMPLETIONS/hutch is not built"

# A scratch tree to complete in.
mkdir -p "$TEST_TMP/tree/subdir" "$TEST_TMP/home/.config/hutch/profiles" "$TEST_TMP/shipped" \
	"$TEST_TMP/run/hutch/box-one" "$TEST_TMP/run/hutch/box-two" \
	"$TEST_TMP/state/hutch/workspaces/ws-one" "$TEST_TMP/state/hutch/workspaces/ws-two"
touch "$TEST_TMP/tree/somefile" "$TEST_TMP/tree/subfile" \
	"$TEST_TMP/home/.config/hutch/profiles/mine.profile" "$TEST_TMP/shipped/shipped-one.profile"
export HOME=$TEST_TMP/home XDG_RUNTIME_DIR=$TEST_TMP/run HUTCH_PROFILE_PATH=$TEST_TMP/shipped \
	XDG_STATE_HOME=$TEST_TMP/state
unset XDG_CONFIG_HOME
export HUTCH_DOCS_TEST_VARIABLE=1
T=$TEST_TMP/tree

# offers LABEL LINE WANT...: the completion of LINE includes each WANT.
offers() {
	local label=$1 line=$2 got w missing=()
	shift 2
	got=$(bash_complete "$line")
	for w in "$@"; do
		has_line "$got" "$w" || missing+=("$w")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "$label: '$line' offers $*"
	else
		not_ok "$label: '$line' offers $*" "missing: ${missing[*]}" "offered:" "$got"
	fi
}

# offers_not LABEL LINE UNWANTED...
offers_not() {
	local label=$1 line=$2 got w found=()
	shift 2
	got=$(bash_complete "$line")
	for w in "$@"; do
		has_line "$got" "$w" && found+=("$w")
	done
	if [ ${#found[@]} -eq 0 ]; then
		ok "$label: '$line' does not offer $*"
	else
		not_ok "$label: '$line' does not offer $*" "offered: $got"
	fi
}

# offers_exactly LABEL LINE WANT...: the completion of LINE is the set WANT.
offers_exactly() {
	local label=$1 line=$2
	shift 2
	is "$(bash_complete "$line" | sort -u)" "$(printf '%s\n' "$@" | sort -u)" "$label: '$line' offers exactly $*"
}

checks() {
	local m=$1 name values

	# Every option with fixed values (the table's fifth column), both spellings.
	for name in idmap seccomp landlock new-session; do
		has_line "$(table_column 1 '$5 != "-"')" "$name" && ok "$m: --$name has fixed values in the table" ||
			not_ok "$m: --$name has fixed values in the table"
	done
	while IFS=$'\t' read -r name values; do
		# shellcheck disable=SC2086
		offers "$m" "hutch --$name " $values
		# shellcheck disable=SC2086
		offers "$m" "hutch --$name=" $values
	done < <(printf '%s\n' "$OPTION_TABLE" | awk -F'\t' '$5 != "-" { print $1 "\t" $5 }')
	offers_exactly "$m" "hutch --idmap s" subid single
	offers_exactly "$m" "hutch --new-session=n" no
	offers_exactly "$m" "hutch --landlock re" require

	# Options, and where they stop being options.
	offers "$m" "hutch --id" --idmap
	offers "$m" "hutch -v --share-net --hostname box --bi" --bind
	offers_not "$m" "hutch -- ls --id" --idmap
	offers_not "$m" "hutch ls --id" --idmap

	# Paths: plain, after = and after the colon of SRC:DST; directories only for DIR.
	offers_exactly "$m" "hutch --bind $T/so" "$T/somefile"
	offers_exactly "$m" "hutch --ro-bind=$T/so" "$T/somefile"
	offers_exactly "$m" "hutch --bind /usr:$T/so" "$T/somefile"
	offers_exactly "$m" "hutch --chdir $T/s" "$T/subdir"
	offers "$m" "hutch --seccomp $T/so" "$T/somefile"

	# Capabilities, one element of a comma-separated list at a time.
	offers_exactly "$m" "hutch --cap-add net_r" net_raw
	offers_exactly "$m" "hutch --cap-add CAP_SYS_AD" CAP_SYS_ADMIN
	offers_exactly "$m" "hutch --cap-add=chown,net_r" chown,net_raw
	offers "$m" "hutch --cap-add " ALL net_admin sys_admin

	# Environment variables.
	offers "$m" "hutch --setenv HUTCH_DOCS_TEST_V" HUTCH_DOCS_TEST_VARIABLE=
	offers "$m" "hutch --unsetenv HUTCH_DOCS_TEST_V" HUTCH_DOCS_TEST_VARIABLE

	# Profiles from the user's directory and the shipped one; sandboxes; subcommands.
	offers "$m" "hutch --profile " mine shipped-one
	offers_exactly "$m" "hutch --profile=mi" mine
	offers_exactly "$m" "hutch join " box-one box-two
	offers_exactly "$m" "hutch stop box-t" box-two
	offers_exactly "$m" "hutch profile " show check list import
	offers "$m" "hutch profile show " mine shipped-one
	offers_exactly "$m" "hutch profile import " firejail
	offers_exactly "$m" "hutch profile import firejail x " -o
	offers "$m" "hutch l" list learn
	offers "$m" "hutch cha" changes
	offers_not "$m" "hutch -- chan" changes
	offers_not "$m" "hutch --share-net chan" changes
	offers_exactly "$m" "hutch doctor " --json
	offers_exactly "$m" "hutch changes " ws-one ws-two
	offers_exactly "$m" "hutch discard ws-t" ws-two
	offers_exactly "$m" "hutch apply ws-o" ws-one
	offers_exactly "$m" "hutch changes ws-one --" --diff --json
	offers_exactly "$m" "hutch apply ws-one $T/so" "$T/somefile"
	offers_exactly "$m" "hutch desktop " install remove
	offers "$m" "hutch desktop install " --all mine shipped-one
	offers "$m" "hutch learn -" -o --idmap
	offers_exactly "$m" "hutch learn -o $T/so" "$T/somefile"
	offers "$m" "hutch learn -o out.profile --id" --idmap
	offers "$m" "hutch learn -o out.profile --share-net tru" true
	offers "$m" "hutch learn -o out.profile -- tru" true

	# The command: after --, after the first non-option, and its own arguments.
	offers "$m" "hutch -- tru" true
	offers "$m" "hutch --share-net tru" true
	offers "$m" "hutch --bind $T tru" true
	offers "$m" "hutch -- cat $T/so" "$T/somefile"
	offers_not "$m" "hutch -- join " box-one
}

source_bash_completion
checks plain

if source_bash_completion with-helpers; then
	checks bash-completion
else
	skip "bash-completion is not installed ($BASH_COMPLETION_HELPERS): the run with its helpers is skipped"
fi

done_testing
