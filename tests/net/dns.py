#!/usr/bin/env python3
"""A DNS server for the network tests, on 127.0.0.1:53 of a network namespace the test made:
it answers every A query with ADDR (and every other query with no answer), writes "ready" to
the READY fifo once it listens, and serves until killed. Enough for getent(1) in a sandbox to
show that its queries travelled through slirp4netns's or pasta's resolver to the host's."""
import socket
import struct
import sys


def answer(query, addr):
    (qid,) = struct.unpack("!H", query[:2])
    end = 12
    while query[end] != 0:
        end += query[end] + 1
    qtype, qclass = struct.unpack("!HH", query[end + 1:end + 5])
    question = query[12:end + 5]
    records = b""
    if qtype == 1 and qclass == 1:
        records = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
    header = struct.pack("!HHHHHH", qid, 0x8180, 1, 1 if records else 0, 0, 0)
    return header + question + records


def main():
    addr, ready = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 53))
    with open(ready, "w") as f:
        f.write("ready\n")
    while True:
        query, peer = s.recvfrom(512)
        try:
            s.sendto(answer(query, addr), peer)
        except (IndexError, struct.error):
            pass


main()
