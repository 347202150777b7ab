#!/usr/bin/env bash
# bubblewrap's own test suite (v0.11.1's tests/, run unchanged by the shared harness
# ../shared/tools/bwrap-suite) against hutch-bwrap, in its continue mode and in upstream's
# strict mode. Every test of both runs is reported here; the expected result is upstream's:
# everything passes but what the machine lacks (no /dev/log socket, no FUSE).
# Where the suite lives: $BWRAP_SUITE_DIR, else ../shared beside the source tree (or beside
# the main clone, for a git worktree). Skips with a reason without it or its tools.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

# A worktree's .git is a file: "gitdir: MAIN/.git/worktrees/NAME".
main=
[ -f "$HUTCH_SRCDIR/.git" ] && main=$(sed -n 's|^gitdir: \(.*\)/\.git/worktrees/[^/]*$|\1|p' "$HUTCH_SRCDIR/.git")
shared=
for d in "$HUTCH_SRCDIR/../shared" ${main:+"$main/../shared"}; do
	[ -d "$d/fixtures/bubblewrap-v0.11.1" ] && shared=$(cd "$d" && pwd) && break
done
SUITE=${BWRAP_SUITE_DIR:-${shared:+$shared/fixtures/bubblewrap-v0.11.1}}
HARNESS=${BWRAP_SUITE_HARNESS:-${shared:+$shared/tools/bwrap-suite/run}}
[ -n "$SUITE" ] && [ -d "$SUITE/tests" ] || skip_all "no bubblewrap suite at ../shared/fixtures/bubblewrap-v0.11.1"
[ -x "$HARNESS" ] || skip_all "no harness at ../shared/tools/bwrap-suite/run"
command -v "${CC:-cc}" >/dev/null || skip_all "no C compiler for the suite's helper"
python3 -c 'import seccomp' 2>/dev/null || skip_all "no Python seccomp module (Debian package python3-seccomp)"
for t in strace getpcaps findmnt setpriv; do
	command -v "$t" >/dev/null || skip_all "no $t (Debian packages strace, libcap2-bin, util-linux)"
done
fuse=()
command -v bindfs >/dev/null && [ -w /dev/fuse ] || fuse=(--no-fuse)

# The harness copies tests/ keeping its modes; a read-only fixture gets a writable copy here.
mkdir -p "$TEST_TMP/suite" && cp -r --no-preserve=mode "$SUITE/tests" "$TEST_TMP/suite/" ||
	bail_out "cannot copy $SUITE/tests"
export TMPDIR=$TEST_TMP

# One harness run → its tests as TAP points of ours, prefixed with the mode; the rest as
# comments.
run_suite() {
	local mode=$1 line
	shift
	"$HARNESS" "$@" "${fuse[@]}" "$TEST_TMP/suite" "$HUTCH_BWRAP" >"$TEST_TMP/$mode.tap" 2>"$TEST_TMP/$mode.log"
	diag "$mode: exit status $?, $(grep '^bwrap-tests:' "$TEST_TMP/$mode.tap")"
	grep -q '^bwrap-tests:' "$TEST_TMP/$mode.tap" || not_ok "$mode: the harness ran" "$(tail -5 "$TEST_TMP/$mode.log")"
	while IFS= read -r line; do
		[[ $line =~ ^(not )?ok\ [0-9]+\ -\ (.*)$ ]] || continue
		_tap_n=$((_tap_n + 1))
		echo "${BASH_REMATCH[1]}ok $_tap_n - $mode: ${BASH_REMATCH[2]}"
		[ -z "${BASH_REMATCH[1]}" ] || _tap_failed=$((_tap_failed + 1))
	done <"$TEST_TMP/$mode.tap"
}

run_suite continue
run_suite strict --strict
done_testing
