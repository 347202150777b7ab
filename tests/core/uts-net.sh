#!/usr/bin/env bash
# The host name (hutch by default, --hostname NAME) and the new network namespace: only lo,
# and lo is up. /sys is not in the sandbox, so everything is read from /proc.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

run_hutch -- cat /proc/sys/kernel/hostname
expect_exit 0 "reads the host name"
is "$out" hutch "the default host name is hutch"

run_hutch -- uname -n
is "$out" hutch "uname -n agrees"

run_hutch --hostname x -- cat /proc/sys/kernel/hostname
expect_exit 0 "--hostname x runs"
is "$out" x "--hostname x sets it"

run_hutch --share-uts -- cat /proc/sys/kernel/hostname
expect_exit 0 "--share-uts runs"
is "$out" "$(cat /proc/sys/kernel/hostname)" "--share-uts keeps the host's name"

# The sandbox's name resolves as the host's does (claws-mail printed "getaddrinfo: Name or
# service not known" without it): /etc/hosts is the host's with a line for it, only where the
# host's does not name it already, and an image's or --private-etc's /etc is left alone.
run_hutch -- getent hosts hutch
expect_exit 0 "getent hosts hutch (the default name) resolves inside"
like "$out" '^127\.0\.1\.1[[:space:]]+hutch$' "... to 127.0.1.1"
run_hutch --hostname hutch-test-name -- cat /etc/hosts
is "$out" "$(cat /etc/hosts; echo '127.0.1.1	hutch-test-name')" "/etc/hosts: the host's, one line added"
host=$(cat /proc/sys/kernel/hostname)
if grep -qiw -- "$host" /etc/hosts; then
	run_hutch --hostname "$host" -- cat /etc/hosts
	is "$out" "$(cat /etc/hosts)" "a name the host's /etc/hosts has already: the file is the host's"
else
	skip "the host's /etc/hosts does not name $host"
fi
run_hutch --share-uts -- cat /etc/hosts
is "$out" "$(cat /etc/hosts)" "--share-uts: the host's /etc/hosts as it is"
run_hutch --private-etc hostname -- ls /etc
is "$out" hostname "--private-etc without hosts: no /etc/hosts made"

run_hutch -- cat /proc/net/dev
expect_exit 0 "reads /proc/net/dev"
ifaces=$(printf '%s\n' "$out" | awk -F: 'NR > 2 { gsub(/[ \t]/, "", $1); print $1 }' | sort | tr '\n' ' ')
is "$ifaces" "lo " "the only interface is lo"

# A connection to a closed port on 127.0.0.1 is refused when lo is up, and "Network is
# unreachable" when it is down.
run_hutch -- bash -c 'exec 3<>/dev/tcp/127.0.0.1/9'
like "$err" "Connection refused" "lo is up: 127.0.0.1 answers (connection refused)"

if command -v ip >/dev/null; then
	run_hutch -- ip -o link show
	expect_exit 0 "ip link runs inside"
	like "$out" '^1: lo: <[^>]*\bUP\b' "ip link: lo has the UP flag"
	is "$(printf '%s\n' "$out" | wc -l)" 1 "ip link: one link"
else
	skip "ip (iproute2) is not installed"
	skip "ip (iproute2) is not installed"
	skip "ip (iproute2) is not installed"
fi

done_testing
