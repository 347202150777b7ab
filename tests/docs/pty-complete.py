#!/usr/bin/env python3
"""pty-complete.py TIMEOUT KEYS WANT[,WANT...] -- SHELL [ARGS...]: start SHELL on a pseudo-terminal,
type KEYS (Python escapes: \\t is TAB), and read what the shell draws until every WANT has
appeared after the typed line, or TIMEOUT seconds pass. Prints what the shell drew; exits 0
when every WANT appeared, 1 otherwise. The reads block on the terminal (no sleeping); the
keys go once the shell has drawn its first prompt."""
import os, pty, re, select, sys, time

# Terminal control sequences (CSI, keypad modes, OSC), left out when looking for the prompt.
ESCAPES = re.compile(rb'\x1b(\[[0-9;?]*[ -/]*[@-~]|[=>]|\][^\x07]*\x07)')

timeout = float(sys.argv[1])
keys = sys.argv[2].encode().decode('unicode_escape').encode()
wants = [w.encode() for w in sys.argv[3].split(',')]
cmd = sys.argv[sys.argv.index('--') + 1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
deadline = time.monotonic() + timeout
seen = b''
sent = None   # the offset of `seen` when the keys were sent
status = 1
try:
    while time.monotonic() < deadline:
        r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if sent is None and ESCAPES.sub(b'', seen).rstrip().endswith((b'$', b'#', b'>', b'%')):
            os.write(fd, keys)
            sent = len(seen)
        if sent is not None and all(w in seen[sent:] for w in wants):
            status = 0
            break
finally:
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors='replace'))
sys.exit(status)
