# shellcheck shell=bash
# What the egress tests share, sourced after ../lib.sh by a test that re-ran itself inside
# `unshare -Urnm` (egress_isolate): an outside network of the test's own (a veth pair with the
# default route into nothing; the test's addresses on lo), the test's DNS server on
# 127.0.0.1:5353 (hutch's resolver is pointed at it with --dns-upstream) and HTTP servers on the
# addresses it hands out (servers.py). hutch runs there with --idmap single.
EGRESS_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

command -v python3 >/dev/null || skip_all "python3 is needed for the test servers"
command -v ip >/dev/null || skip_all "ip (iproute2) is needed to make the test's network"
command -v slirp4netns >/dev/null || skip_all "slirp4netns is not installed"
command -v curl >/dev/null || skip_all "curl is not installed"
HUTCH_CMD=("$HUTCH" --idmap single)

# egress_outside ADDR...: the test's network, each ADDR a local address on lo.
egress_outside() {
	local a
	ip link set lo up &&
		ip link add out0 type veth peer name out1 &&
		ip link set out1 up && ip link set out0 up &&
		ip addr add 192.0.2.2/24 dev out0 &&
		ip route add default via 192.0.2.1 || return 1
	for a in "$@"; do
		ip addr add "$a/32" dev lo || return 1
	done
}

# egress_servers TTL NAME=ADDR...: the DNS and HTTP servers; queries are logged to $dns_log.
egress_servers() {
	local fd ttl=$1
	shift
	dns_log=$TEST_TMP/dns.log
	: >"$dns_log"
	fifo_open fd "$TEST_TMP/servers-ready" || return 1
	python3 "$EGRESS_TESTS/servers.py" 5353 "$ttl" "$dns_log" "$TEST_TMP/servers-ready" "$@" &
	track_pid $!
	read_line "$fd" 20 || return 1
	exec {fd}>&-
}

# The probe of a raw connect, timed: "refused 0.01" / "connected" / "timeout".
RAW_CONNECT='import socket, sys, time
t = time.time()
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)
s.settimeout(10)
try:
    s.connect((sys.argv[1], int(sys.argv[2])))
    print("connected")
except socket.timeout:
    print("timeout")
except OSError as e:
    print("refused %.2f" % (time.time() - t), e.errno)'

# A query over TCP to the sandbox's resolver (RFC 1035 4.2.2): "rcode N" and each A address.
TCP_QUERY='import socket, struct, sys
q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(l)]) + l.encode() for l in sys.argv[1].split(".")) + b"\0" + struct.pack("!HH", 1, 1)
s = socket.create_connection(("127.0.0.53", 53), timeout=10)
s.sendall(struct.pack("!H", len(q)) + q)
n = struct.unpack("!H", s.recv(2))[0]
m = b""
while len(m) < n:
    m += s.recv(n - len(m))
print("rcode", m[3] & 15, "id", hex(struct.unpack("!H", m[:2])[0]))
an, off = struct.unpack("!H", m[6:8])[0], len(q)
for _ in range(an):
    t, c, ttl, l = struct.unpack("!HHIH", m[off + 2:off + 12])
    if t == 1:
        print(socket.inet_ntoa(m[off + 12:off + 16]))
    off += 12 + l'
