#!/usr/bin/env bash
# The client hutch-bwrap exists for: Debian's flatpak with FLATPAK_BWRAP pointing at it, against
# the same flatpak with Debian's bwrap. Everything is local and per test: a runtime made here
# (a static busybox as /usr, exported to an OSTree repo in $TEST_TMP and installed --user from
# it), HOME, XDG_* and the runtime dir all under $TEST_TMP; no network, no system bus.
# `flatpak run --command=sh RUNTIME` and `flatpak build` in a fresh app directory must give
# the same exit status, /.flatpak-info, id maps and /run/.userns (Flatpak binds
# /proc/self/ns/user there: the sandbox's own user namespace) with both.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

command -v flatpak >/dev/null || skip_all "no flatpak (Debian package flatpak)"
[ -n "$REAL_BWRAP" ] || skip_all "no bwrap to compare with (Debian package bubblewrap)"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
	skip_all "no static busybox for the runtime (Debian package busybox-static)"
[ -x "${PROBE:-}" ] && ! ldd "$PROBE" >/dev/null 2>&1 || skip_all "no static probe built"

T=$TEST_TMP
export HOME=$T/home XDG_DATA_HOME=$T/home/.local/share XDG_CONFIG_HOME=$T/home/.config
export XDG_CACHE_HOME=$T/home/.cache XDG_RUNTIME_DIR=$T/run
unset DBUS_SESSION_BUS_ADDRESS DISPLAY WAYLAND_DISPLAY
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
RT=org.hutch.Test.Platform

# The runtime: files under usr/, metadata naming itself as runtime and SDK. Flatpak runs the
# runtime's ldconfig to make an ld.so.cache at the path after -C: an empty one serves.
R=$T/rt
mkdir -p "$R/usr/bin" "$R/files" "$R/var"
cp "$BUSYBOX" "$R/usr/bin/busybox"
cp "$PROBE" "$R/usr/bin/probe"
for a in sh cat ls id readlink stat echo grep tr cut sed sort; do ln -s busybox "$R/usr/bin/$a"; done
printf '#!/bin/sh\nwhile [ $# -gt 0 ]; do [ "$1" = -C ] && : >"$2"; shift; done\n' >"$R/usr/bin/ldconfig"
chmod +x "$R/usr/bin/ldconfig"
printf '[Runtime]\nname=%s\nruntime=%s/x86_64/1\nsdk=%s/x86_64/1\n' "$RT" "$RT" "$RT" >"$R/metadata"
setup() {
	flatpak build-export --runtime "$T/repo" "$R" 1 &&
		flatpak --user remote-add --no-gpg-verify hutch-test "file://$T/repo" &&
		flatpak --user install -y --noninteractive hutch-test "$RT//1"
} >"$T/setup.log" 2>&1
setup || bail_out "could not make the local runtime: $(tail -3 "$T/setup.log")"

# What the command reports: its maps, /.flatpak-info without the per-run instance id, and
# where /run/.userns sits relative to the command's own user namespace, the mount table
# (mount point, options, source).
# shellcheck disable=SC2016
inside='
echo "== maps"; cat /proc/self/uid_map /proc/self/gid_map | tr -s " "
echo "== info"; grep -v "^instance-id=" /.flatpak-info
echo "== userns"
own=$(probe userns /proc/self/ns/user); run=$(probe userns /run/.userns) || echo "$run"
o=${own#ino=}; o=${o%% *}; op=${own#*parent=}; r=${run#ino=}; r=${r%% *}; rp=${run#*parent=}
[ "$r" = "$o" ] && echo "/run/.userns is the command'"'"'s own"
[ "$r" = "$op" ] && echo "/run/.userns is the parent of the command'"'"'s own"
[ "$rp" = "$op" ] && [ "$r" != "$o" ] && echo "/run/.userns is a sibling of the command'"'"'s own"
echo "== root"; ls /
echo "== mounts"; cut -d" " -f5,6,9 /proc/self/mountinfo | sed "s|/.flatpak/[0-9]*|/.flatpak/ID|" | sort
echo "== app"; ls /app 2>&1; echo made >/app/made 2>&1 && echo "/app writable"
exit 7
'

# $1: the bwrap flatpak is to use; the rest: the flatpak command line. Sets $out, $err, $rc.
fp_run() {
	local bin=$1
	shift
	FLATPAK_BWRAP=$bin with_timeout 60 flatpak "$@" </dev/null >"$T/.out" 2>"$T/.err"
	rc=$?
	out=$(sed "s|$T|T|g" "$T/.out")
	err=$(cat "$T/.err")
}

# ---- flatpak run of the runtime ----
fp_run "$REAL_BWRAP" run --command=sh "$RT//1" -c "$inside"
want_rc=$rc want=$out
diag "with $REAL_BWRAP:" "$out" "$err"
like "$want_rc $(echo $want)" "^7 .*name=$RT.*/run/.userns is" "flatpak run through bwrap works here (the reference)"
fp_run "$HUTCH_BWRAP" run --command=sh "$RT//1" -c "$inside"
is "$rc" "$want_rc" "flatpak run: the command's exit status, as with bwrap"
is "$out" "$want" "flatpak run: /.flatpak-info, id maps, /run/.userns, the root and its mounts as with bwrap"
is "$err" "" "flatpak run: nothing on stderr"

# ---- flatpak build in a locally made app directory ----
for b in real hutch; do
	flatpak build-init "$T/app-$b" org.hutch.TestApp "$RT" "$RT" 1 >"$T/init.log" 2>&1 ||
		bail_out "flatpak build-init failed: $(cat "$T/init.log")"
done
fp_run "$REAL_BWRAP" build "$T/app-real" sh -c "$inside"
want_rc=$rc want=${out//app-real/app-X}
diag "with $REAL_BWRAP:" "$out" "$err"
fp_run "$HUTCH_BWRAP" build "$T/app-hutch" sh -c "$inside"
is "$rc" "$want_rc" "flatpak build: the command's exit status, as with bwrap"
is "${out//app-hutch/app-X}" "$want" "flatpak build: id maps, /run/.userns, a writable /app as with bwrap"
is "$(cat "$T/app-hutch/files/made" 2>&1)" "made" "flatpak build: what the command writes to /app lands in the app directory"

done_testing
