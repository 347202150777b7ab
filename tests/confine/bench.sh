#!/usr/bin/env bash
# Issue 4's benchmark (meson benchmark, not a test): what the seccomp filter costs at start
# (hutch -- true with --seccomp none and default) and per system call (getppid x 10^6 outside,
# inside without a filter and inside with the default one), in one run; prints the ratios.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-confine.sh"
require_userns

RUNS=${HUTCH_BENCH_RUNS:-20}
CALLS=${HUTCH_BENCH_CALLS:-1000000}

# start_ms OPTS...: mean wall time of RUNS `hutch OPTS -- /probe fds` in milliseconds.
start_ms() {
	local t0 t1 i
	t0=$(date +%s%N)
	for ((i = 0; i < RUNS; i++)); do
		"${HUTCH_CMD[@]}" "$@" --ro-bind "$PROBE:/probe" -- /probe fds >/dev/null </dev/null || return 1
	done
	t1=$(date +%s%N)
	echo $(((t1 - t0) / RUNS / 1000000))
}

ns_per_call() {
	sed -n 's/^ns_per_call=//p' <<<"$1"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

if none_ms=$(start_ms --seccomp none); then
	ok "start without a filter: ${none_ms} ms"
else
	not_ok "start without a filter"
fi
if dflt_ms=$(start_ms); then
	ok "start with the default filter: ${dflt_ms} ms"
else
	not_ok "start with the default filter"
fi

outside=$(ns_per_call "$("$PROBE" loop "$CALLS")")
probe_in --seccomp none -- loop "$CALLS"
inside_none=$(ns_per_call "$out")
probe_in -- loop "$CALLS"
inside_dflt=$(ns_per_call "$out")
ok "getppid outside: $outside ns/call"
ok "getppid inside, no filter: $inside_none ns/call"
ok "getppid inside, default filter: $inside_dflt ns/call"

diag "start: default/none = $(ratio "$dflt_ms" "$none_ms")" \
	"per call: default/outside = $(ratio "$inside_dflt" "$outside")," \
	"default/none inside = $(ratio "$inside_dflt" "$inside_none")"
done_testing
