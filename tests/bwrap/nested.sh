#!/usr/bin/env bash
# Nested use: programs re-exec their bwrap through /proc/self/exe, under any argv[0]. Inside
# hutch-bwrap --unshare-user --bind / / ..., the command /proc/self/exe is hutch-bwrap itself
# (the command process has not exec'd yet when it resolves it), and runs a second sandbox.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

inner='echo "pid $$ $INNER"; cat /proc/self/uid_map | tr -s " "; readlink /proc/self/ns/user'
bw_run "$HUTCH_BWRAP" --unshare-user --bind / / --proc /proc --dev /dev -- \
	/proc/self/exe --bind / / --unshare-pid --proc /proc --setenv INNER yes sh -c "$inner"
outer_ns=$(readlink /proc/self/ns/user)
like "$rc $(echo $out)" "^0 pid 2 yes 1001 1001 1 user:\[[0-9]+\]$|^0 pid 2 yes $(id -u) $(id -u) 1 user:" \
	"/proc/self/exe re-executes hutch-bwrap inside, with bwrap's options"
unlike "$out" "$outer_ns" "the inner sandbox has a user namespace of its own"

if [ -n "$REAL_BWRAP" ]; then
	bw_run "$REAL_BWRAP" --unshare-user --bind / / --proc /proc --dev /dev -- \
		/proc/self/exe --bind / / --unshare-pid --proc /proc --setenv INNER yes sh -c "$inner"
	real=$(echo "$out" | head -2)
	bw_run "$HUTCH_BWRAP" --unshare-user --bind / / --proc /proc --dev /dev -- \
		/proc/self/exe --bind / / --unshare-pid --proc /proc --setenv INNER yes sh -c "$inner"
	is "$(echo "$out" | head -2)" "$real" "the same as bwrap nested in bwrap"
else
	skip "no bwrap to compare with"
fi

# hutch-bwrap inside hutch (the other front end) and under another name.
ln -s "$HUTCH_BWRAP" "$TEST_TMP/bwrap"
bw_run "$TEST_TMP/bwrap" --bind / / --setenv X 1 sh -c 'echo $X'
is "$rc $out" "0 1" "called bwrap (a symlink), it is still hutch-bwrap"
bw_run bash -c 'exec -a /proc/self/exe "$0" --bind / / true' "$HUTCH_BWRAP"
is "$rc" 0 "argv[0] /proc/self/exe changes nothing"
# (LeakSanitizer cannot stop the world under hutch's seccomp filter: off inside, in the
# sanitizer build)
bw_run "${HUTCH_CMD[@]}" --share-net --allow-userns --whitelist "$(dirname "$HUTCH_BWRAP")" -- \
	env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	"$HUTCH_BWRAP" --ro-bind / / --unshare-pid --proc /proc sh -c 'echo $$'
is "$rc $out" "0 2" "hutch-bwrap runs inside hutch's own sandbox"

done_testing
