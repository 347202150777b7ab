#!/usr/bin/env python3
"""reaper.py LIST CMD...: run CMD as the child of a child subreaper, as a session's init or
systemd --user would run it: whatever CMD leaves behind comes here when CMD has exited. Writes
to LIST a line "COMM LEVELS LEADER" for each process that came, dead or alive (LEVELS: how many
pid namespaces it has from ours down, 1 for a process of our own, 2 for a sandbox's pid 1;
LEADER: 1 when it leads its own session, as hutch starts a network back-end), then
reaps them all (waiting for the live ones: a sandbox's pid 1 may still be ending), and exits
with CMD's status. Used to check that hutch reaps its network back-end itself before it
returns."""
import ctypes
import os
import signal
import sys

PR_SET_CHILD_SUBREAPER = 36


def levels(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("NSpid:"):
                    return len(line.split()) - 1
    except OSError:
        pass
    return 0


def ppid_and_comm(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None, None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), f"{comm} {levels(pid)} {int(fields[3] == str(pid))}"


def main():
    if len(sys.argv) < 3:
        sys.exit("usage: reaper.py LIST CMD...")
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("reaper.py: PR_SET_CHILD_SUBREAPER: " + os.strerror(ctypes.get_errno()))
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(sys.argv[2], sys.argv[2:])
        finally:
            os._exit(127)
    _, status = os.waitpid(pid, 0)
    me = os.getpid()
    with open(sys.argv[1], "w") as out:
        for p in filter(str.isdigit, os.listdir("/proc")):
            ppid, comm = ppid_and_comm(p)
            if ppid == me:
                out.write(comm + "\n")
    # A last resort against a process that never ends: the test's own timeout says so.
    signal.alarm(60)
    try:
        while True:
            os.waitpid(-1, 0)
    except ChildProcessError:
        pass
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


main()
