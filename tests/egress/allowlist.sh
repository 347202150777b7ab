#!/usr/bin/env bash
# --allow-domain: names outside the list get NXDOMAIN, addresses of allowed names are reached
# and nothing else, a refused connect fails at once (also a raw socket that ignores every
# proxy setting), *.suffix matches below the suffix only, a learnt address lapses after its
# TTL (here 1 s, raised to the floor of 5 s), the command cannot undo the rules (also as uid
# 0), and each refusal prints one line under --verbose.
if [ -z "${HUTCH_EGRESS_ISOLATED:-}" ]; then
	unshare -Urnm true 2>/dev/null || { echo "1..0 # SKIP cannot unshare -Urnm" && exit 0; }
	HUTCH_EGRESS_ISOLATED=1 exec unshare -Urnm --propagation private bash "${BASH_SOURCE[0]}"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-egress.sh"
plan 27

egress_outside 192.0.2.11 192.0.2.12 192.0.2.13 || bail_out "cannot make the test's network"
egress_servers 1 a.test=192.0.2.11 b.test=192.0.2.12 c.a.test=192.0.2.13 ||
	bail_out "the test servers never said ready"
POLICY=(--net slirp --dns-upstream 127.0.0.1:5353 --allow-domain a.test)

run_hutch "${POLICY[@]}" -- curl -sS -m 10 http://a.test/
is "$out" "hello from 192.0.2.11" "an allowed name resolves and its address is reached"

run_hutch -v "${POLICY[@]}" -- sh -c 'getent hosts b.test; echo "rc=$?"; getent hosts b.test'
like "$out" "rc=2" "a name not in the list does not resolve"
like "$err" "hutch: denied dns b.test \(not in allow-domain\)" "--verbose names the refused name"
is "$(grep -c 'denied dns b.test' <<<"$err")" 1 "and says it once"
if grep -qx b.test "$dns_log"; then not_ok "the refused name never reached the upstream"; else ok "the refused name never reached the upstream"; fi

run_hutch -v "${POLICY[@]}" -- sh -c 'getent hosts a.test >/dev/null; curl -sS -m 10 http://192.0.2.12/; echo "curl=$?"; python3 -c "$1" 192.0.2.12 80' _ "$RAW_CONNECT"
like "$out" "curl=7" "curl to b's address fails (connection refused)"
like "$out" "refused 0\.[0-9]+ 111" "a raw socket.connect to it is refused at once"
unlike "$out" "hello from 192.0.2.12" "nothing of b's server arrives"
like "$err" "hutch: denied connect 192.0.2.12:80 \(not in allow-domain\)" "--verbose names the refused destination"

run_hutch --net slirp --dns-upstream 127.0.0.1:5353 --allow-domain '*.a.test' -- \
	sh -c 'curl -sS -m 10 http://c.a.test/; getent hosts a.test; echo "a=$?"'
like "$out" "hello from 192.0.2.13" "*.a.test allows c.a.test"
like "$out" "a=2" "*.a.test does not allow a.test itself"

run_hutch "${POLICY[@]}" -- sh -c 'curl -sS -m 10 http://a.test/ && sleep 7 && python3 -c "$1" 192.0.2.11 80' _ "$RAW_CONNECT"
like "$out" "hello from 192.0.2.11" "the address works while its TTL runs"
like "$out" "refused 0\.[0-9]+ 111" "and is refused once the TTL (floored to 5 s) is over"

run_hutch "${POLICY[@]}" -- sh -c 'nft flush ruleset 2>&1; echo "nft=$?"; curl -sS -m 5 http://192.0.2.12/ >/dev/null; echo "curl=$?"'
like "$out" "nft=1" "nft flush ruleset fails inside"
like "$out" "curl=7" "and the policy holds"

run_hutch --uid 0 "${POLICY[@]}" -- sh -c 'nft flush ruleset 2>&1; echo "nft=$?"'
like "$out" "nft=1" "nft flush ruleset fails inside under --uid 0 too"

UDP_ECHO='import socket, sys
socket.getaddrinfo(sys.argv[1], 7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(5)
s.connect((sys.argv[1], 7))
try:
    s.send(b"ping"); print("udp", s.recv(64).decode())
except OSError as e:
    print("udp error", e.errno)'
run_hutch -v "${POLICY[@]}" -- python3 -c "$UDP_ECHO" a.test
like "$out" "udp error (1|111)$" "UDP to an allowed address is refused without --allow-udp (EPERM or ECONNREFUSED at once)"
like "$err" "denied connect 192.0.2.11:7/udp \(UDP without allow-udp\)" "and --verbose says why"
run_hutch "${POLICY[@]}" --allow-udp -- python3 -c "$UDP_ECHO" a.test
is "$out" "udp ping" "--allow-udp lets UDP reach an allowed address"
run_hutch --net slirp --dns-upstream 127.0.0.1:5353 --allow-domain a.test --allow-udp -- \
	sh -c 'getent hosts a.test; echo "rc=$?"'
like "$out" "192.0.2.11" "--allow-udp keeps the resolver working"

run_hutch "${POLICY[@]}" -- sh -c 'python3 -c "$1" a.test; python3 -c "$1" b.test; curl -sS -m 10 http://192.0.2.11/' _ "$TCP_QUERY"
like "$out" "rcode 0 id 0x1234"$'\n'"192.0.2.11" "DNS over TCP: an allowed name resolves (with the query's id)"
like "$out" "rcode 3 id 0x1234" "DNS over TCP: a name not in the list gets NXDOMAIN"
like "$out" "hello from 192.0.2.11" "an address learnt over TCP is allowed too"

run_hutch "${POLICY[@]}" -- python3 -c '
import socket, time
s = socket.create_connection(("a.test", 80), timeout=10)
time.sleep(7)
s.sendall(b"GET / HTTP/1.0\r\n\r\n")
print(s.recv(4096).decode().splitlines()[-1])'
is "$out" "hello from 192.0.2.11" "a connection made in time outlives its address's timeout"

# With CAP_NET_RAW kept, existing flows are told by conntrack rather than TCP flags.
run_hutch --cap-add NET_RAW "${POLICY[@]}" -- sh -c 'curl -sS -m 10 http://a.test/; python3 -c "$1" 192.0.2.12 80; python3 -c "
import socket, time
s = socket.create_connection((\"a.test\", 80), timeout=10); time.sleep(7)
s.sendall(b\"GET / HTTP/1.0\r\n\r\n\"); print(s.recv(4096).decode().splitlines()[-1])"' _ "$RAW_CONNECT"
is "$(grep -c 'hello from 192.0.2.11' <<<"$out")" 2 "--cap-add NET_RAW (conntrack): an allowed name is reached, also after its timeout"
like "$out" "refused 0\.[0-9]+ 111" "--cap-add NET_RAW (conntrack): another address is refused at once"
run_hutch --cap-add NET_RAW "${POLICY[@]}" -- python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
# a forged ACK to b: it must not leave (the rule is stateful under NET_RAW)
pkt = bytes([0x45, 0, 0, 40, 0, 0, 0x40, 0, 64, 6, 0, 0]) + socket.inet_aton("0.0.0.0") + socket.inet_aton("192.0.2.12")
tcp = (1234).to_bytes(2, "big") + (80).to_bytes(2, "big") + bytes(8) + bytes([0x50, 0x10]) + bytes(6)
try:
    s.sendto(pkt[:12] + socket.inet_aton("10.0.2.100") + pkt[16:] + tcp, ("192.0.2.12", 0)); print("sent")
except OSError as e:
    print("error", e.errno)'
like "$out" "error 1$" "a forged TCP segment from a raw socket is refused (EPERM)"
