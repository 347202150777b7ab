# shellcheck shell=bash
# Shared by the report tests: the probe at /probe, and readers of a JSON-lines report (jq).
# Sourced after tests/lib.sh.

[ -n "${PROBE:-}" ] && [ -x "$PROBE" ] || bail_out "PROBE is not set (the probe is not built)"
command -v jq >/dev/null || skip_all "jq is not installed"

# report_in REPORT [HUTCH OPTS...] -- CMD...: run with --report REPORT and the probe at /probe.
report_in() {
	local rep=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	rm -f "$rep"
	run_hutch --report "$rep" "${opts[@]}" --ro-bind "$PROBE:/probe" -- "$@"
}

# lines REPORT: the number of lines (0 when the file is missing or empty).
lines() {
	if [ -s "$1" ]; then wc -l <"$1" | tr -d ' '; else echo 0; fi
}

# field REPORT N KEY: KEY of the Nth line (1-based), or "" when absent.
field() {
	sed -n "${2}p" "$1" | jq -r ".${3} // \"\""
}

# valid_json REPORT: every line is a JSON object with the fields the man page lists.
valid_json() {
	jq -e 'has("time") and has("pid") and has("comm") and has("exe") and has("kind") and
		has("detail") and has("rule") and has("action") and has("result")' "$1" >/dev/null
}
