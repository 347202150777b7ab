#!/usr/bin/env bash
# What a user-mode sandbox reaches outside, with the back-ends' outside being a network and
# mount namespace this test makes (so that nothing leaves this machine, whatever the back-end
# forwards): an interface with a default route into nothing, 10.0.2.2 a local address there,
# a server on 127.0.0.1, and a DNS server on 127.0.0.1:53 named by a resolv.conf bound over
# /etc/resolv.conf. For slirp4netns and pasta each:
#   - the server on the host's loopback is NOT reachable through the gateway 10.0.2.2 by
#     default, and IS with --allow-host-loopback;
#   - a name resolves inside the sandbox through the back-end's resolver (10.0.2.3) to the
#     answer of the test's DNS server on the host's loopback.
# The test runs itself again inside `unshare -Urnm`, as root of a user namespace of its own;
# hutch runs there with --idmap single (newuidmap cannot map ids into a nested namespace).
# pasta (2023 versions) answers a refused connection with silence, not a reset: the refusals
# are seen as a connection that does not complete within 5 s.
if [ -z "${HUTCH_NET_ISOLATED:-}" ]; then
	if ! unshare -Urnm true 2>/dev/null; then
		echo "1..0 # SKIP cannot create a user, network and mount namespace (unshare -Urnm)"
		exit 0
	fi
	HUTCH_NET_ISOLATED=1 exec unshare -Urnm --propagation private bash "${BASH_SOURCE[0]}"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-net.sh"
CHECKS=5
plan $((2 * CHECKS))
HUTCH_CMD=("$HUTCH" --idmap single)

# The outside: a veth pair (dummy interfaces need a module the kernel may lack) with the
# default route, as pasta wants one; its far end leads nowhere.
net_outside() {
	ip link set lo up &&
		ip link add out0 type veth peer name out1 &&
		ip link set out1 up && ip link set out0 up &&
		ip addr add 192.0.2.2/24 dev out0 &&
		ip route add default via 192.0.2.1 &&
		ip addr add 10.0.2.2/32 dev lo &&
		printf 'nameserver 127.0.0.1\n' >"$TEST_TMP/resolv.conf" &&
		mount --bind "$TEST_TMP/resolv.conf" /etc/resolv.conf
}
command -v ip >/dev/null || skip_all "ip (iproute2) is needed to make the test's network"
net_outside || bail_out "cannot set up the test's network namespace"

fifo_open dnsfd "$TEST_TMP/dns-ready" || bail_out "fifo"
python3 "$NET_TESTS/dns.py" 192.0.2.77 "$TEST_TMP/dns-ready" &
track_pid $!
read_line "$dnsfd" 20 || bail_out "the test's DNS server never said ready"
start_server 127.0.0.1 host-loopback 100 || bail_out "the test server never said ready"

fetch='exec 3<>/dev/tcp/10.0.2.2/'$server_port' && IFS= read -r l <&3 && echo "$l"'

test_backend() {
	local b=$1

	run_hutch --net "$b" -- timeout 5 bash -c "$fetch"
	like "$rc" '^[1-9]' "$b: the host's loopback server is not reachable through 10.0.2.2"
	unlike "$out" host-loopback "$b: nothing of it arrives"

	run_hutch --net "$b" --allow-host-loopback -- timeout 5 bash -c "$fetch"
	is "$out" host-loopback "$b: --allow-host-loopback reaches it through 10.0.2.2"

	run_hutch --net "$b" -- getent hosts probe.hutch.test
	expect_exit 0 "$b: getent hosts resolves a name inside"
	like "$out" '^192\.0\.2\.77 +probe\.hutch\.test$' "$b: with the answer of the DNS server on the host's loopback"
}

for b in slirp pasta; do
	if have_backend "$b"; then
		test_backend "$b"
	else
		skip_n "$CHECKS" "$b is not installed"
	fi
done
