#!/usr/bin/env python3
"""A TCP server for the network tests: listens on ADDR:PORT, writes "ready PORT" to the
READY file (a fifo the test reads, so that it never sleeps), then greets each of COUNT
connections with NAME and a newline and closes it. PORT 0 takes a free port. Runs on the host
or inside a sandbox."""
import socket
import sys


def main():
    addr, port, ready, name, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    with open(ready, "w") as f:
        f.write("ready %d\n" % s.getsockname()[1])
    for _ in range(count):
        c, _ = s.accept()
        c.sendall((name + "\n").encode())
        c.close()


main()
