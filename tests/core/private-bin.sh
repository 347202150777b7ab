#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2088 # $ is for the sandbox's shell, ~ for hutch
# --private-bin PROGS and the profile directive: the host's program directories show only the
# named programs, read-only, each a symlink kept as a link to its real file with that file
# (python3 -> python3.11, sh -> dash); a glob takes every match; a name installed nowhere is
# skipped; bad names and a non-host root are one line and 125. Compared with what firejail
# shows for the same profile when firejail runs here.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

# What firejail's private-bin gives for these names on this host: each name, and the real
# file of a name that is a link (when that file is in /usr/bin too).
expected_set() {
	local n real
	for n in "$@"; do
		[[ -e /usr/bin/$n ]] || continue
		echo "$n"
		real=$(readlink -f "/usr/bin/$n")
		[[ $real == /usr/bin/* ]] && echo "${real#/usr/bin/}"
	done | sort -u
}

run_hutch --private-bin sh,ls -- sh -c 'ls /usr/bin'
expect_exit 0 "--private-bin sh,ls runs"
is "$out" "$(expected_set sh ls)" "--private-bin sh,ls: /usr/bin holds sh, its real file and ls only"
run_hutch --private-bin sh,ls -- sh -c 'command -v cat || echo absent'
is "$out" absent "a program not named is absent (command -v cat fails)"
run_hutch --private-bin sh,ls -- sh -c 'echo x >/usr/bin/new 2>/dev/null || echo refused; ls /usr/bin/new 2>&1 || :'
like "$out" "^refused" "the private /usr/bin is read-only"
run_hutch --private-bin sh,readlink -- sh -c 'readlink /usr/bin/sh'
is "$out" "$(readlink -f /usr/bin/sh)" "a named symlink points at its real file"
if [[ -d /usr/sbin ]]; then
	run_hutch --private-bin sh,ls -- sh -c 'ls /usr/sbin'
	is "$out" "$(expected_set sh ls)" "/usr/sbin shows the same set (as firejail's)"
else
	skip "no /usr/sbin here"
fi
if [[ -L /bin ]]; then
	run_hutch --private-bin sh,ls,readlink -- sh -c 'readlink /bin; /bin/ls / >/dev/null && echo ran'
	is "$out" "$(readlink /bin)"$'\nran' "merged /usr: /bin stays the host's link and reaches the set"
else
	run_hutch --private-bin sh,ls -- sh -c 'ls /bin'
	is "$out" "$(expected_set sh ls)" "/bin shows the same set"
fi

if command -v python3 >/dev/null && [[ -L /usr/bin/python3 ]]; then
	run_hutch --private-bin 'sh,python3' -- python3 -c 'print(6 * 7)'
	is "$out" 42 "python3 (a link to $(readlink -f /usr/bin/python3)) runs: its real file came along"
	run_hutch --private-bin 'sh,ls,python3*' -- sh -c 'ls /usr/bin'
	want=$(cd /usr/bin && for f in python3*; do [[ -x $f && ! -d $f ]] && echo "$f"; done)
	is "$(grep '^python3' <<<"$out")" "$(sort -u <<<"$want")" "a glob (python3*) takes every match"
else
	skip_n 2 "python3 is not installed as a link here"
fi

run_hutch --private-bin sh,ls,no-such-program-here -- sh -c 'ls /usr/bin'
is "$out" "$(expected_set sh ls)" "a name installed nowhere is skipped"
run_hutch --private-bin sh --private-bin ls -- sh -c 'ls /usr/bin'
is "$out" "$(expected_set sh ls)" "--private-bin repeated adds"
run_hutch --private-bin /usr/bin/ls,sh -- sh -c 'ls /usr/bin'
is "$out" "$(expected_set sh ls)" "an absolute path in /usr/bin is taken"

printf 'private-bin sh,ls\n' >"$TEST_TMP/pb.profile"
run_hutch --profile "$TEST_TMP/pb.profile" -- sh -c 'ls /usr/bin'
is "$out" "$(expected_set sh ls)" "the profile directive private-bin does the same"

for bad in ../sh bin/ls '~/x'; do
	run_hutch --private-bin "$bad" -- true
	expect_exit 125 "--private-bin '$bad' is refused"
	like "$err" "^hutch: --private-bin: '$bad': expected program names" "… with one line naming it"
done
mkdir -p "$TEST_TMP/root"
run_hutch --rootfs-bind "$TEST_TMP/root" --private-bin sh -- true
expect_exit 125 "--private-bin with --rootfs-bind is refused"
like "$err" "^hutch: --private-bin: applies to the host view" "… with one line saying why"

# The restricted tier (Landlock only) cannot narrow /usr/bin: refused, or run with all of it
# and a warning under --accept-weaker.
run_hutch --tier restricted --private-bin sh,ls -- true
expect_exit 125 "--tier restricted refuses --private-bin"
like "$err" "^hutch: tier: .*cannot give private-bin: Landlock cannot narrow /usr/bin" "… naming private-bin"
run_hutch --tier restricted --accept-weaker --private-bin sh,ls -- true
expect_exit 0 "--accept-weaker runs it without"
like "$err" "running without private-bin" "… and says so"

# The same profile under firejail itself, when it runs here (setuid, as a normal user).
if command -v firejail >/dev/null && [[ $(id -u) != 0 ]] &&
	fj=$(firejail --quiet --profile="$TEST_TMP/pb.profile" ls /usr/bin 2>/dev/null) && [[ -n $fj ]]; then
	run_hutch --profile "$TEST_TMP/pb.profile" -- ls /usr/bin
	is "$out" "$fj" "hutch shows in /usr/bin what firejail shows with the same private-bin"
else
	skip "firejail is not installed or does not run here (as root, or not setuid)"
fi

done_testing
