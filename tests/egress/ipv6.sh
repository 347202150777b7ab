#!/usr/bin/env bash
# --allow-domain over IPv6 (--net slirp --ipv6): an AAAA answer's address goes into the IPv6
# allow set, another IPv6 address is refused at once. The command starts with its IPv6
# address (hutch waits for slirp4netns's router advertisement to configure it).
if [ -z "${HUTCH_EGRESS_ISOLATED:-}" ]; then
	unshare -Urnm true 2>/dev/null || { echo "1..0 # SKIP cannot unshare -Urnm" && exit 0; }
	HUTCH_EGRESS_ISOLATED=1 exec unshare -Urnm --propagation private bash "${BASH_SOURCE[0]}"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-egress.sh"
[ -e /proc/net/if_inet6 ] || skip_all "no IPv6 in this kernel"
plan 3

egress_outside 192.0.2.11 || bail_out "cannot make the test's network"
ip -6 addr add 2001:db8::11/128 dev lo && ip -6 addr add 2001:db8::12/128 dev lo &&
	ip -6 addr add 2001:db8::2/64 dev out0 && ip -6 route add default via 2001:db8::1 dev out0 ||
	bail_out "cannot add the test's IPv6 addresses"
egress_servers 60 a6.test=2001:db8::11 b6.test=2001:db8::12 || bail_out "the test servers never said ready"

run_hutch -v --net slirp --ipv6 --dns-upstream 127.0.0.1:5353 --allow-domain a6.test -- sh -c \
	'curl -sS -m 10 http://a6.test/; python3 -c "$1" 2001:db8::12 80' _ "$RAW_CONNECT"
like "$out" "hello from 2001:db8::11" "an allowed name's AAAA address is reached"
like "$out" "refused 0\.[0-9]+ 111" "another IPv6 address is refused at once"
like "$err" "denied connect \[2001:db8::12\]:80 \(not in allow-domain\)" "and --verbose names it"
