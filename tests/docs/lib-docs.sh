# shellcheck shell=bash
# Helpers of the docs room, sourced after tests/lib.sh: the option table, the built man pages
# and a way to drive the bash completion as bash does.

BUILT_MAN=$HUTCH_BUILDDIR/man
BUILT_COMPLETIONS=$HUTCH_BUILDDIR/completions

# The option table: one tab-separated line per option (see `hutch --dump-options`).
OPTION_TABLE=$("$HUTCH" --dump-options) || bail_out "hutch --dump-options failed"
[ -n "$OPTION_TABLE" ] || bail_out "hutch --dump-options printed nothing"

# table_column N [FILTER-AWK]: column N of the rows (1: name ... 7: help).
table_column() {
	printf '%s\n' "$OPTION_TABLE" | awk -F'\t' "${2:-1} { print \$$1 }"
}

# man_text PAGE: the page rendered for an 80-column terminal, as plain text.
man_text() {
	MANWIDTH=80 man -l "$BUILT_MAN/$1" 2>/dev/null | col -b
}

# man_has_scdoc: the pages are built only when scdoc was found at configure time.
man_built() {
	[ -f "$BUILT_MAN/$1" ]
}

# ---- bash completion, as bash would call it ---------------------------------------------------

# bash_complete LINE: split LINE the way bash does (at blanks, and at the COMP_WORDBREAKS
# characters = and :, which become words of their own), call _hutch with the cursor at the end,
# and print COMPREPLY one a line. The completion must be sourced first; words[0] is $HUTCH so
# that the hutch under test is the one asked for its options.
bash_complete() {
	local line=$1 i c tok=
	COMP_WORDS=()
	for ((i = 0; i < ${#line}; i++)); do
		c=${line:i:1}
		if [[ $c == [[:blank:]] ]]; then
			[[ -n $tok ]] && COMP_WORDS+=("$tok")
			tok=
		elif [[ $c == [=:] ]]; then
			[[ -n $tok ]] && COMP_WORDS+=("$tok")
			COMP_WORDS+=("$c")
			tok=
		else
			tok+=$c
		fi
	done
	if [[ -n $tok ]]; then
		COMP_WORDS+=("$tok")
	elif [[ $line == *[[:blank:]] ]]; then
		COMP_WORDS+=("")
	fi
	COMP_WORDS[0]=$HUTCH
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$HUTCH ${line#* }"
	COMP_POINT=${#COMP_LINE}
	COMP_WORDBREAKS=$' \t\n"\'><=;|&(:'
	COMPREPLY=()
	_hutch hutch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
}

# compopt works only while readline runs a completion; outside, it only complains.
compopt() {
	:
}

# source_bash_completion [with-helpers]: the built completion, after bash-completion's own
# helpers when asked for and installed. 1 when the helpers were asked for but are missing.
BASH_COMPLETION_HELPERS=/usr/share/bash-completion/bash_completion
source_bash_completion() {
	if [ "${1:-}" = with-helpers ]; then
		[ -r "$BASH_COMPLETION_HELPERS" ] || return 1
		# bash-completion expects an interactive shell's settings.
		set +u
		# shellcheck disable=SC1090
		. "$BASH_COMPLETION_HELPERS"
	fi
	# shellcheck disable=SC1091
	. "$BUILT_COMPLETIONS/hutch"
	compopt() {
		:
	}
}

# has_line TEXT LINE: TEXT has LINE as one of its lines.
has_line() {
	printf '%s\n' "$1" | grep -qxF -- "$2"
}
