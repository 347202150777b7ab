# shellcheck shell=bash
# Shared by the confine tests: the probe bound into the sandbox at /probe, and a helper that runs
# it there. Sourced after tests/lib.sh.

[ -n "${PROBE:-}" ] && [ -x "$PROBE" ] ||
	bail_out "PROBE is not set (the probe is not built)"

# probe_in [HUTCH OPTS...] -- PROBE ARGS...: run the probe inside; sets $out, $err, $rc.
probe_in() {
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	run_hutch "${opts[@]}" --ro-bind "$PROBE:/probe" -- /probe "$@"
}

# On a pty the probe's lines end in \r\n.
strip_cr() {
	printf '%s' "$1" | tr -d '\r'
}
