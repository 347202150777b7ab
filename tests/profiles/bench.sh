#!/usr/bin/env bash
# Issue 5's benchmark (meson benchmark, not a test): `hutch --profile firefox -- true` (the
# profile's resolution plus the sandbox's setup) against bwrap with a hand-written argument list
# that builds the same view, and against `firejail --profile=firefox true` when firejail is
# installed; the same number of runs each, in one go; prints the ratios (target: hutch at least
# 5x faster than firejail).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

RUNS=${HUTCH_BENCH_RUNS:-20}
mkdir -p "$HOME/.mozilla" "$HOME/.cache/mozilla" "$HOME/Downloads"

# mean_ms CMD...: mean wall time of RUNS runs of CMD, in milliseconds (1 decimal).
mean_ms() {
	local t0 t1 i
	t0=$(date +%s%N)
	for ((i = 0; i < RUNS; i++)); do
		"$@" >/dev/null 2>&1 </dev/null || return 1
	done
	t1=$(date +%s%N)
	awk -v d=$((t1 - t0)) -v n="$RUNS" 'BEGIN { printf "%.1f", d / n / 1e6 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

# The view firefox.profile builds, by hand for bwrap: host programs and /etc read-only, own
# /proc, /dev, empty /tmp, /run and home, the three whitelisted directories, host network.
bwrap_args=(--ro-bind /usr /usr --ro-bind /etc /etc --proc /proc --dev /dev --tmpfs /tmp --tmpfs /run
	--tmpfs "$HOME" --bind "$HOME/.mozilla" "$HOME/.mozilla" --bind "$HOME/.cache/mozilla" "$HOME/.cache/mozilla"
	--bind "$HOME/Downloads" "$HOME/Downloads" --unshare-all --share-net --new-session --die-with-parent)
for d in /bin /sbin /lib /lib32 /lib64 /libx32; do
	if [ -L "$d" ]; then
		bwrap_args+=(--symlink "$(readlink "$d")" "$d")
	elif [ -d "$d" ]; then
		bwrap_args+=(--ro-bind "$d" "$d")
	fi
done

if hutch_ms=$(mean_ms "${HUTCH_CMD[@]}" --profile firefox -- true); then
	ok "hutch --profile firefox -- true: $hutch_ms ms"
else
	not_ok "hutch --profile firefox -- true" "$("${HUTCH_CMD[@]}" --profile firefox -- true 2>&1)"
fi
if ! command -v bwrap >/dev/null; then
	skip "bwrap is not installed"
elif bwrap_ms=$(mean_ms bwrap "${bwrap_args[@]}" true); then
	ok "bwrap with the same view: $bwrap_ms ms (hutch/bwrap: $(ratio "$hutch_ms" "$bwrap_ms"))"
else
	skip "bwrap cannot run here: $(bwrap "${bwrap_args[@]}" true 2>&1 | head -1)"
fi
if ! command -v firejail >/dev/null; then
	skip "firejail is not installed: no ratio against it"
# Without a session bus (CI, a test user) firejail's firefox profile stops at its D-Bus proxy:
# both buses off, as hutch's profile has them by default.
elif fj_ms=$(mean_ms firejail --quiet --profile=firefox --dbus-user=none --dbus-system=none true); then
	r=$(ratio "$fj_ms" "$hutch_ms")
	if awk -v r="$r" 'BEGIN { exit !(r >= 5) }'; then
		ok "firejail --profile=firefox true: $fj_ms ms (firejail/hutch: $r, target >= 5)"
	else
		not_ok "firejail --profile=firefox true: $fj_ms ms (firejail/hutch: $r, target >= 5)"
	fi
else
	skip "firejail cannot run here"
fi

done_testing
