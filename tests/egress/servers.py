#!/usr/bin/env python3
"""The egress tests' outside world, in the network namespace the test made: a DNS server on
127.0.0.1:PORT that answers A (or, for an IPv6 ADDR, AAAA) queries from NAME=ADDR pairs with TTL
(NXDOMAIN for others) and
appends each query's name to LOG; an HTTP server on each ADDR:80 whose body names the address,
and a UDP echo server on each ADDR:7.
Writes "ready" to the READY fifo once everything listens; serves until killed.
usage: servers.py PORT TTL LOG READY NAME=ADDR..."""
import socket
import struct
import sys
import threading


def answer(query, table, ttl):
    (qid,) = struct.unpack("!H", query[:2])
    end, labels = 12, []
    while query[end] != 0:
        labels.append(query[end + 1:end + 1 + query[end]].decode().lower())
        end += query[end] + 1
    qtype, qclass = struct.unpack("!HH", query[end + 1:end + 5])
    name = ".".join(labels)
    question = query[12:end + 5]
    records = b""
    if name not in table:
        return name, struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question
    v6 = ":" in table[name]
    if qtype == 1 and qclass == 1 and not v6:
        records = struct.pack("!HHHIH", 0xC00C, 1, 1, ttl, 4) + socket.inet_aton(table[name])
    if qtype == 28 and qclass == 1 and v6:
        records = struct.pack("!HHHIH", 0xC00C, 28, 1, ttl, 16) + socket.inet_pton(socket.AF_INET6, table[name])
    header = struct.pack("!HHHHHH", qid, 0x8180, 1, 1 if records else 0, 0, 0)
    return name, header + question + records


def dns(sock, table, ttl, log):
    while True:
        query, peer = sock.recvfrom(512)
        try:
            name, msg = answer(query, table, ttl)
        except (IndexError, struct.error, UnicodeDecodeError):
            continue
        with open(log, "a") as f:
            f.write(name + "\n")
        sock.sendto(msg, peer)


def http(sock, addr):
    while True:
        conn, _ = sock.accept()
        try:
            conn.recv(4096)
            body = ("hello from %s\n" % addr).encode()
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        except OSError:
            pass
        conn.close()


def echo(sock):
    while True:
        data, peer = sock.recvfrom(512)
        sock.sendto(data, peer)


def main():
    port, ttl, log, ready = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
    table = dict(a.split("=", 1) for a in sys.argv[5:])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", port))
    threading.Thread(target=dns, args=(s, table, ttl, log), daemon=True).start()
    for addr in sorted(set(table.values())):
        h = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET)
        h.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        h.bind((addr, 80))
        h.listen(16)
        threading.Thread(target=http, args=(h, addr), daemon=True).start()
        u = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
        u.bind((addr, 7))
        threading.Thread(target=echo, args=(u,), daemon=True).start()
    with open(ready, "w") as f:
        f.write("ready\n")
    threading.Event().wait()


main()
