#!/usr/bin/env bash
# --via: every TCP connection of the sandbox goes through the upstream proxy, also a raw
# socket that knows nothing of proxies. socks5h:// sends the name (the test's proxy logs it)
# and no DNS query leaves (the test's DNS server logs none); socks5:// sends the address;
# http:// uses CONNECT. UDP is refused.
if [ -z "${HUTCH_EGRESS_ISOLATED:-}" ]; then
	unshare -Urnm true 2>/dev/null || { echo "1..0 # SKIP cannot unshare -Urnm" && exit 0; }
	HUTCH_EGRESS_ISOLATED=1 exec unshare -Urnm --propagation private bash "${BASH_SOURCE[0]}"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-egress.sh"
plan 16

egress_outside 192.0.2.11 || bail_out "cannot make the test's network"
egress_servers 60 a.test=192.0.2.11 || bail_out "the test servers never said ready"
proxy_log=$TEST_TMP/proxy.log
: >"$proxy_log"
fifo_open pfd "$TEST_TMP/proxy-ready" || bail_out fifo
python3 "$EGRESS_TESTS/proxy.py" 1080 "$proxy_log" "$TEST_TMP/proxy-ready" a.test=192.0.2.11 &
track_pid $!
read_line "$pfd" 20 || bail_out "the test's proxy never said ready"
# The host's resolver for hutch is the test's DNS server, so that a query would be seen.
printf 'nameserver 127.0.0.1\n' >"$TEST_TMP/resolv.conf"

run_hutch -v --net slirp --dns-upstream 127.0.0.1:5353 --via socks5h://127.0.0.1:1080 -- sh -c \
	'curl -sS -m 10 http://a.test/; python3 -c "
import socket; s = socket.create_connection((\"a.test\", 80), timeout=10)
s.sendall(b\"GET / HTTP/1.0\r\n\r\n\"); print(s.recv(4096).decode().splitlines()[-1])"'
is "$(grep -c 'hello from 192.0.2.11' <<<"$out")" 2 "socks5h: curl and a raw socket both reach a.test"
is "$(grep -c '^socks5 a.test:80$' "$proxy_log")" 2 "the proxy saw the name a.test, twice"
is "$(wc -l <"$dns_log")" 0 "no DNS query left the sandbox"
# A network profile's --deny-lan (inc/network.inc) does not stop --via (f9983ce+issue 21: 125)
run_hutch --deny-lan --net slirp --dns-upstream 127.0.0.1:5353 --via socks5h://127.0.0.1:1080 -- curl -sS -m 10 http://a.test/
is "$out" "hello from 192.0.2.11" "--via with --deny-lan (a network profile's): relayed"

: >"$proxy_log"
# (the literal address's connect also sends a request and reads the answer: the relay accepts
# the connect at once and talks to the upstream after, so a client that only connects and
# leaves may be gone before the upstream is asked, and the proxy's log may stay empty)
run_hutch --net slirp --via socks5h://127.0.0.1:1080 -- sh -c 'python3 -c "$1" 127.0.0.1 1080; python3 -c "$2"' _ "$RAW_CONNECT" '
import socket; s = socket.create_connection(("192.0.2.11", 80), timeout=10); print("connected")
s.sendall(b"GET / HTTP/1.0\r\n\r\n"); print(s.recv(4096).decode().splitlines()[-1])'
like "$out" "refused" "the sandbox's own lo is not relayed (nothing listens on 1080 there)"
like "$out" "connected" "a connect to a literal address goes through too"
like "$out" "hello from 192.0.2.11" "... and its request is answered through the relay"
like "$(cat "$proxy_log")" "socks5 192.0.2.11:80" "with the address"

: >"$proxy_log"
run_hutch --net slirp --dns-upstream 127.0.0.1:5353 --via http://127.0.0.1:1080 -- curl -sS -m 10 http://192.0.2.11/
is "$out" "hello from 192.0.2.11" "http:// CONNECT relays"
like "$(cat "$proxy_log")" "http 192.0.2.11:80" "the proxy saw the CONNECT"

: >"$proxy_log"
run_hutch --net slirp --dns-upstream 127.0.0.1:5353 --via socks5://127.0.0.1:1080 -- curl -sS -m 10 http://a.test/
is "$out" "hello from 192.0.2.11" "socks5:// relays"
like "$(cat "$proxy_log")" "socks5 192.0.2.11:80" "with the address, the name resolved locally"

: >"$proxy_log"
run_hutch --net slirp --dns-upstream 127.0.0.1:5353 --via http://127.0.0.1:1080 -- curl -sS -m 10 http://a.test/
is "$out" "hello from 192.0.2.11" "http:// CONNECT by name"
like "$(cat "$proxy_log")" "http a.test:80" "the CONNECT names the host the answer was for"

run_hutch -v --net slirp --via socks5h://127.0.0.1:1080 -- python3 -c \
	'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(("192.0.2.11", 9)); s.send(b"x"); s.send(b"x")' 
like "$err" "denied connect 192.0.2.11:9/udp" "UDP is refused under --via"

: >"$proxy_log"
run_hutch -v --net slirp --via socks5h://127.0.0.1:1080 -- curl -sS -m 10 http://nowhere.test/
like "$err" "denied connect nowhere.test:80 \(the upstream proxy refused it\)" "a name the upstream refuses fails, and --verbose says so"
