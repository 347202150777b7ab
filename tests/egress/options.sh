#!/usr/bin/env bash
# The egress options' bad input (one line, exit 125, nothing left running), what would undo
# the policy (--cap-add NET_ADMIN or ALL), and --unix-scope with a shared network: a host
# abstract socket is refused with EPERM while the same connect outside works, and a
# socketpair inside still works.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
plan 24

bad() {
	local want=$1
	shift
	run_hutch "$@" -- true
	if [ "$rc" = 125 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && [[ $err == *"$want"* ]]; then
		ok "$* -> 125: $want"
	else
		not_ok "$* -> 125: $want" "rc=$rc" "err=$err"
	fi
}

bad "--allow-domain: 'a..test' is not a domain name" --allow-domain a..test
bad "--allow-domain: 'a.*.test' is not a domain name" --allow-domain 'a.*.test'
bad "--allow-domain: '*' is not a domain name" --allow-domain '*'
bad "--via: 'ftp://h:1' is not" --via ftp://h:1
bad "--via: 'socks5h://host' is not" --via socks5h://host
bad "--allow-host-port: '0' is not" --allow-host-port 0
bad "--allow-host-port: '80/sctp' is not" --allow-host-port 80/sctp
bad "--dns-upstream: 'x.y' is not" --dns-upstream x.y
bad "--cap-add: NET_ADMIN with --allow-domain would let the command undo" --cap-add NET_ADMIN --allow-domain a.test
bad "--cap-add: ALL with --deny-lan would let the command undo" --cap-add ALL --deny-lan
bad "needs the sandbox's own network namespace" --share-net --allow-domain a.test
bad "--unix-scope: 'maybe'" --unix-scope=maybe
bad "--dns-upstream: needs an egress policy" --dns-upstream 127.0.0.1
bad "--allow-udp: needs --allow-domain" --allow-udp
bad "cannot give the egress policy" --tier restricted --accept-weaker --allow-domain a.test

# An upstream proxy that does not answer: a port nobody listens on.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
run_hutch --net slirp --via "socks5h://127.0.0.1:$port" -- sleep "29.$$"
if [ "$rc" = 125 ] && [[ $err == *"--via: the upstream socks5h://127.0.0.1:$port does not answer"* ]]; then
	ok "an upstream that does not answer: 125"
else
	not_ok "an upstream that does not answer: 125" "rc=$rc" "err=$err"
fi
if pgrep -u "$(id -u)" -f "sleep 29.$$" >/dev/null; then
	not_ok "nothing is left running"
else
	ok "nothing is left running"
fi

# --unix-scope with --share-net: an abstract socket of the test's (on the host's network
# namespace).
abi=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))')
if [ "$abi" -lt 6 ]; then
	skip "Landlock ABI $abi cannot scope abstract Unix sockets"
	skip "Landlock ABI $abi"
	skip "Landlock ABI $abi"
	skip "Landlock ABI $abi"
else
	fd=
	fifo_open fd "$TEST_TMP/abs-ready" || bail_out fifo
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind("\0hutch-egress-test-%s" % sys.argv[1]); s.listen(8)
open(sys.argv[2], "w").write("ready\n")
while True: s.accept()[0].close()' $$ "$TEST_TMP/abs-ready" &
	track_pid $!
	read_line "$fd" 20 || bail_out "the abstract socket server never said ready"
	probe='import errno, socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect("\0hutch-egress-test-" + sys.argv[1]); print("connected")
except OSError as e:
    print(errno.errorcode[e.errno])
a, b = socket.socketpair(); a.send(b"x"); print("pair", b.recv(1).decode())'
	outside=$(python3 -c "$probe" $$)
	run_hutch --share-net --unix-scope -- python3 -c "$probe" $$
	if [[ $outside == connected* ]] && [[ $out == EPERM* ]]; then
		ok "--unix-scope --share-net: a host abstract socket gives EPERM (outside: connected)"
	else
		not_ok "--unix-scope --share-net: a host abstract socket gives EPERM" "outside=$outside" "inside=$out" "err=$err"
	fi
	like "$out" "pair x" "a socketpair inside still works"
	run_hutch --share-net -- python3 -c "$probe" $$
	like "$out" "^EPERM" "scoping is on by default with --share-net"
	run_hutch --share-net --unix-scope=off -- python3 -c "$probe" $$
	like "$out" "^connected" "--unix-scope=off turns the default off"
fi

# --allow-unix: a path socket of the host is there (and answers) only when bound.
fd=
fifo_open fd "$TEST_TMP/unix-ready" || bail_out fifo
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8)
open(sys.argv[2], "w").write("ready\n")
while True:
    c = s.accept()[0]; c.send(b"unix-hello\n"); c.close()' "$TEST_TMP/app.sock" "$TEST_TMP/unix-ready" &
track_pid $!
read_line "$fd" 20 || bail_out "the Unix socket server never said ready"
uprobe='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1]); print(s.recv(64).decode().strip())
except OSError as e:
    print("error", e.errno)'
run_hutch -- python3 -c "$uprobe" "$TEST_TMP/app.sock"
like "$out" "^error" "without --allow-unix the host's socket is not there"
run_hutch --allow-unix "$TEST_TMP/app.sock" -- python3 -c "$uprobe" "$TEST_TMP/app.sock"
is "$out" "unix-hello" "--allow-unix binds it at the same place"
run_hutch --allow-unix "$TEST_TMP" -- true
expect_exit 125 "--allow-unix on something that is not a socket: 125"
