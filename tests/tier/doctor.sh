#!/usr/bin/env bash
# `hutch doctor` on this machine: the full tier works (exit 0), every capability has a line,
# every missing one a fix, --json says the same; then with the network helpers out of PATH
# (named, with their fix), with a bad argument (exit 2), and inside a hutch sandbox, whose
# seccomp filter refuses user namespaces: exit 1, the cause named, the restricted tier listed
# with what it cannot do.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-tier.sh"
require_userns
command -v python3 >/dev/null || skip_all "python3 is needed to read hutch doctor --json"

checks=("user namespaces" "id-map helpers" "kernel overlay" "fuse" "/dev/net/tun" "slirp4netns/pasta"
	"cgroup delegation" "Landlock" "seccomp" "nftables in a userns" "AppArmor userns")

# Every "missing" line is followed by its fix.
fixes_follow() {
	printf '%s\n' "$1" | awk '
		want { if ($1 != "fix:") bad = bad " " prev; want = 0 }
		$1 == "missing" { want = 1; prev = $2 }
		END { if (want) bad = bad " " prev; if (bad != "") { print "no fix after:" bad; exit 1 } }'
}

out=$("$HUTCH" doctor 2>&1)
rc=$?
is "$rc" 0 "doctor exits 0 where the full tier works"
for c in "${checks[@]}"; do
	st=$(doctor_status "$out" "$c")
	if [ "$st" = ok ] || [ "$st" = missing ]; then
		ok "doctor has a line for $c ($st)"
	else
		not_ok "doctor has a line for $c" "$out"
	fi
done
is "$(doctor_status "$out" "user namespaces")" ok "the user namespace probe passes"
like "$out" '^full tier: works$' "doctor says the full tier works"
like "$out" '^restricted tier: ' "doctor says whether the restricted tier is available"
check "every missing capability comes with its fix" fixes_follow "$out"
if [ "$(expected_idmap)" = subid ]; then
	is "$(doctor_status "$out" "id-map helpers")" ok "the id-map helpers and ranges are found"
else
	skip "no helpers or ranges for $(id -un) here"
fi

json=$("$HUTCH" doctor --json)
is "$?" 0 "doctor --json exits 0 too"
summary=$(printf '%s' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
ids = [c["id"] for c in d["checks"]]
bad = [c["id"] for c in d["checks"] if not c["ok"] and not c["fix"]]
print(d["full_tier"], len(ids), len(set(ids)), "nofix:" + ",".join(bad), len(d["restricted_cannot"]) > 0)
' 2>&1)
is "$summary" "True ${#checks[@]} ${#checks[@]} nofix: True" \
	"the JSON: full_tier true, one check each, every missing one with a fix, the restricted limits"

# The network helpers out of PATH: only the id-map helpers are left there.
bin=$TEST_TMP/bin
mkdir "$bin"
for p in newuidmap newgidmap fuse-overlayfs; do
	p=$(command -v "$p") && ln -s "$p" "$bin/"
done
out=$(PATH=$bin "$HUTCH" doctor 2>&1)
is "$?" 0 "without slirp4netns and pasta the full tier still works"
is "$(doctor_status "$out" "slirp4netns/pasta")" missing "slirp4netns and pasta out of PATH: named missing"
like "$(doctor_fix "$out" "slirp4netns/pasta")" 'apt install passt .*slirp4netns' "... with the packages to install"

# A subcommand must be the first word: not through run_hutch, which may add --idmap.
"$HUTCH" doctor --bogus >/dev/null 2>&1
is "$?" 2 "doctor --bogus is a usage error (2)"

# Inside a sandbox: the default filter refuses CLONE_NEWUSER.
# (No leak check for the inner hutch of an ASan build: LeakSanitizer needs ptrace.)
run_hutch --setenv ASAN_OPTIONS=detect_leaks=0 --ro-bind "$HUTCH:/h" -- /h doctor
expect_exit 1 "inside a hutch sandbox doctor exits 1: no full tier"
is "$(doctor_status "$out" "user namespaces")" missing "inside: user namespaces named missing"
like "$(doctor_fix "$out" "user namespaces")" 'seccomp filter' "inside: the fix names the seccomp filter"
like "$out" '^full tier: does not work' "inside: the full tier does not work"
if [ "$(landlock_abi)" -gt 0 ]; then
	like "$out" '^restricted tier: available' "inside: the restricted tier is available"
	like "$out" 'private /tmp' "inside: ... and what it cannot do is listed"
else
	skip_n 2 "no Landlock here"
fi
done_testing
