#!/usr/bin/env bash
# `hutch doctor` with a broken setup that only root can arrange, in a private mount namespace
# so that nothing else on the machine sees it: no subordinate ids for the user, /dev/fuse and
# /dev/net/tun that the user cannot open. Each problem is named, with its fix. Doctor runs as
# the user who owns the hutch under test (the test user of tests/run).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-tier.sh"
require_root
command -v unshare >/dev/null && command -v runuser >/dev/null || skip_all "needs unshare and runuser"

user=$(stat -c %U "$HUTCH")
if [ "$user" = root ]; then
	for u in hutch-test hutchtest; do id -u "$u" >/dev/null 2>&1 && user=$u && break; done
fi
[ "$user" != root ] || skip_all "no normal user to run doctor as"
# A copy the user can surely run, whatever the build directory's modes.
cp "$HUTCH" "$TEST_TMP/hutch"
chmod 755 "$TEST_TMP/hutch"
: >"$TEST_TMP/empty"
mknod -m 0600 "$TEST_TMP/fuse" c 10 229
mknod -m 0600 "$TEST_TMP/tun" c 10 200

# broken BINDS...: doctor's output as $user, with each "FILE:TARGET" bound over TARGET.
broken() {
	local script="" b
	for b in "$@"; do script+="mount --bind ${b%%:*} ${b#*:} && "; done
	unshare -m sh -c "${script}exec runuser -u $user -- env PATH=/usr/sbin:/usr/bin:/sbin:/bin $TEST_TMP/hutch doctor" 2>&1
}

out=$(broken "$TEST_TMP/empty:/etc/subuid" "$TEST_TMP/empty:/etc/subgid")
is "$(doctor_status "$out" "id-map helpers")" missing "no subordinate ids: the id-map helpers are named missing"
like "$(doctor_fix "$out" "id-map helpers")" "usermod --add-subuids .* $user" "... with the usermod command for $user"
like "$out" '^full tier: works' "... while the full tier still works (single-id maps)"

out=$(broken "$TEST_TMP/fuse:/dev/fuse")
is "$(doctor_status "$out" "fuse")" missing "/dev/fuse 0600: fuse is named missing"
like "$(doctor_fix "$out" "fuse")" 'chmod 0666 /dev/fuse' "... with the chmod to fix it"

out=$(broken "$TEST_TMP/tun:/dev/net/tun")
is "$(doctor_status "$out" "/dev/net/tun")" missing "/dev/net/tun 0600: named missing"
like "$(doctor_fix "$out" "/dev/net/tun")" 'chmod 0666 /dev/net/tun' "... with the chmod to fix it"
done_testing
