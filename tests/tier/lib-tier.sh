# shellcheck shell=bash
# Shared by the tier tests; sourced after tests/lib.sh.

# The Landlock ABI `hutch doctor --json` reports (0 without Landlock).
landlock_abi() {
	"$HUTCH" doctor --json 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["landlock_abi"])' 2>/dev/null || echo 0
}

require_landlock() {
	command -v python3 >/dev/null || skip_all "python3 is needed to read hutch doctor --json"
	[ "$(landlock_abi)" -gt 0 ] || skip_all "this kernel does not offer Landlock: no restricted tier"
}

# doctor_status OUTPUT NAME: the status word ("ok" or "missing") of check NAME in doctor's text.
doctor_status() {
	printf '%s\n' "$1" | awk -v n="$2" 'substr($0, 10, length(n)) == n && $1 != "fix:" { print $1; exit }'
}

# doctor_fix OUTPUT NAME: the fix line that follows check NAME.
doctor_fix() {
	printf '%s\n' "$1" | awk -v n="$2" 'found { if ($1 == "fix:") { sub(/^ *fix: /, ""); print }; exit } substr($0, 10, length(n)) == n { found = 1 }'
}

# flat TEXT: its lines joined by spaces, for one pattern over a status and several lines.
flat() {
	printf '%s' "$*" | tr '\n' ' '
}
