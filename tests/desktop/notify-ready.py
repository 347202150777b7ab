# sd_notify's receiving end, for servers that say READY=1 when they listen (weston with its
# systemd-notify module, pulseaudio): binds the datagram socket given as the first argument,
# prints "bound", then "ready" when READY=1 arrives (exit 0), or exits 1 after the limit in
# seconds given as the second argument.
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("bound", flush=True)
s.settimeout(float(sys.argv[2]))
try:
    while True:
        if "READY=1" in s.recv(4096).decode(errors="replace").split("\n"):
            print("ready", flush=True)
            sys.exit(0)
except socket.timeout:
    sys.exit(1)
