#!/usr/bin/env bash
# The zsh and fish completions: syntax-checked (zsh -n, fish -n), then exercised: fish through
# `complete -C`, zsh through an interactive zsh on a pseudo-terminal (zsh-complete.zsh). Each
# shell that is not installed is skipped, with the reason.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-docs.sh"

# The completions ask `hutch --dump-options`: the hutch under test comes first in PATH.
mkdir -p "$TEST_TMP/bin" "$TEST_TMP/tree/subdir" "$TEST_TMP/run/hutch/box-one" \
	"$TEST_TMP/state/hutch/workspaces/ws-one"
ln -s "$HUTCH" "$TEST_TMP/bin/hutch"
touch "$TEST_TMP/tree/somefile"
export PATH=$TEST_TMP/bin:$PATH XDG_RUNTIME_DIR=$TEST_TMP/run HOME=$TEST_TMP XDG_STATE_HOME=$TEST_TMP/state
T=$TEST_TMP/tree

# wants SHELL LINE GOT WANT...: GOT (one match a line) includes each WANT.
wants() {
	local sh=$1 line=$2 got=$3 w missing=()
	shift 3
	for w in "$@"; do
		has_line "$got" "$w" || missing+=("$w")
	done
	if [ ${#missing[@]} -eq 0 ]; then
		ok "$sh: '$line' offers $*"
	else
		not_ok "$sh: '$line' offers $*" "missing: ${missing[*]}" "offered:" "$got"
	fi
}

# The lines each shell completes, and what must be among the matches (as the shell shows them).
fixed_values() {
	printf '%s\n' "$OPTION_TABLE" | awk -F'\t' -v o="$1" '$1 == o { print $5 }'
}

# ---- fish ---------------------------------------------------------------------------------
if ! command -v fish >/dev/null; then
	skip "fish is not installed (apt-get install fish): its completion is unchecked"
else
	check "fish -n accepts hutch.fish" fish -n "$BUILT_COMPLETIONS/hutch.fish"
	fish_complete() {
		with_timeout 20 fish --no-config -c "source $BUILT_COMPLETIONS/hutch.fish; complete -C \$argv[1]" "$1" |
			cut -f1
	}
	# shellcheck disable=SC2046
	wants fish "hutch --idmap " "$(fish_complete "hutch --idmap ")" $(fixed_values idmap)
	# shellcheck disable=SC2046
	wants fish "hutch --seccomp " "$(fish_complete "hutch --seccomp ")" $(fixed_values seccomp)
	wants fish "hutch --idm" "$(fish_complete "hutch --idm")" --idmap
	wants fish "hutch --cap-add chown,net_r" "$(fish_complete "hutch --cap-add chown,net_r")" chown,net_raw
	wants fish "hutch --bind $T/so" "$(fish_complete "hutch --bind $T/so")" "$T/somefile"
	wants fish "hutch -- tru" "$(fish_complete "hutch -- tru")" true
	wants fish "hutch join " "$(fish_complete "hutch join ")" box-one
	wants fish "hutch changes " "$(fish_complete "hutch changes ")" ws-one
	wants fish "hutch desktop " "$(fish_complete "hutch desktop ")" install
	got=$(fish_complete "hutch -- ls --idm")
	has_line "$got" --idmap && not_ok "fish: no hutch option after the command" "$got" ||
		ok "fish: no hutch option after the command"
fi

# ---- zsh ----------------------------------------------------------------------------------
if ! command -v zsh >/dev/null; then
	skip "zsh is not installed (apt-get install zsh): its completion is unchecked"
else
	check "zsh -n accepts _hutch" zsh -n "$BUILT_COMPLETIONS/_hutch"
	# compinit reads only files named _*: the built directory holds _hutch.
	zsh_complete() {
		with_timeout 20 zsh -f "$(dirname "${BASH_SOURCE[0]}")/zsh-complete.zsh" "$BUILT_COMPLETIONS" "$1"
	}
	if ! zsh -fc 'zmodload zsh/zpty' 2>/dev/null; then
		skip "zsh has no zsh/zpty module: the completion is only syntax-checked"
	else
		# shellcheck disable=SC2046
		wants zsh "hutch --idmap " "$(zsh_complete "hutch --idmap ")" $(fixed_values idmap)
		# shellcheck disable=SC2046
		wants zsh "hutch --landlock=" "$(zsh_complete "hutch --landlock=")" $(fixed_values landlock)
		wants zsh "hutch --idm" "$(zsh_complete "hutch --idm")" --idmap
		wants zsh "hutch --cap-add chown,net_r" "$(zsh_complete "hutch --cap-add chown,net_r")" net_raw
		# zsh offers a path's last component, the directory part being already typed.
		wants zsh "hutch --bind $T/so" "$(zsh_complete "hutch --bind $T/so")" somefile
		wants zsh "hutch -- tru" "$(zsh_complete "hutch -- tru")" true
		wants zsh "hutch join " "$(zsh_complete "hutch join ")" box-one
		wants zsh "hutch changes " "$(zsh_complete "hutch changes ")" ws-one
		wants zsh "hutch desktop " "$(zsh_complete "hutch desktop ")" install
	fi
fi

done_testing
