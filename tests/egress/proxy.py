#!/usr/bin/env python3
"""A SOCKS5 and HTTP CONNECT proxy for the --via tests, on 127.0.0.1:PORT of the test's network
namespace: it appends "socks5 HOST:PORT" or "http HOST:PORT" to LOG for each request (HOST as
the client sent it: a name or an address), resolves names from its own NAME=ADDR table (never
through DNS), connects and relays. Writes "ready" to the READY fifo; serves until killed.
usage: proxy.py PORT LOG READY NAME=ADDR..."""
import socket
import struct
import sys
import threading


def pipe(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def recv_exact(c, n):
    d = b""
    while len(d) < n:
        k = c.recv(n - len(d))
        if not k:
            raise OSError("eof")
        d += k
    return d


def socks(c):
    n = recv_exact(c, 1)[0]
    recv_exact(c, n)
    c.sendall(b"\x05\x00")
    _, cmd, _, atyp = recv_exact(c, 4)
    if atyp == 1:
        host = socket.inet_ntoa(recv_exact(c, 4))
    elif atyp == 3:
        host = recv_exact(c, recv_exact(c, 1)[0]).decode()
    else:
        host = socket.inet_ntop(socket.AF_INET6, recv_exact(c, 16))
    (port,) = struct.unpack("!H", recv_exact(c, 2))
    return "socks5", host, port


def http(c, first):
    data = first
    while b"\r\n\r\n" not in data:
        data += c.recv(4096)
    target = data.split(b" ")[1].decode()
    host, port = target.rsplit(":", 1)
    return "http", host, int(port)


def serve(c, table, log):
    try:
        first = recv_exact(c, 1)
        kind, host, port = socks(c) if first == b"\x05" else http(c, first)
        with open(log, "a") as f:
            f.write("%s %s:%d\n" % (kind, host, port))
        try:
            socket.inet_aton(table.get(host, host))  # names outside the table: no DNS, a refusal
            u = socket.create_connection((table.get(host, host), port), timeout=5)
        except OSError:
            c.sendall(b"\x05\x05\x00\x01\0\0\0\0\0\0" if kind == "socks5" else b"HTTP/1.1 502 Bad\r\n\r\n")
            return
        c.sendall(b"\x05\x00\x00\x01\0\0\0\0\0\0" if kind == "socks5" else b"HTTP/1.1 200 OK\r\n\r\n")
        threading.Thread(target=pipe, args=(u, c), daemon=True).start()
        pipe(c, u)
    except OSError:
        c.close()


def main():
    port, log, ready = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    table = dict(a.split("=", 1) for a in sys.argv[4:])
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(16)
    with open(ready, "w") as f:
        f.write("ready\n")
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve, args=(c, table, log), daemon=True).start()


main()
