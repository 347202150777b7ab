#!/usr/bin/env bash
# The rlimit options (issue 25), each observed from inside the sandbox, on any machine: they are
# set in the command process before its filter, soft and hard, so the command and all it starts
# keep them and cannot raise them. RLIMIT_CORE's soft limit is 0 unless asked; a value above the caller's
# own hard limit is refused before anything starts; the profile directive is the option's twin.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
command -v python3 >/dev/null || skip_all "python3 is not installed (the checks run in it)"

# ---- --rlimit-as: the issue's example, 200 MiB asked of 64 MiB -----------------------------
alloc='
try:
    x = bytearray(200 * 2**20)
    print("allocated")
except MemoryError:
    print("MemoryError")'
run_hutch --rlimit-as 64M -- python3 -c "$alloc"
expect_exit 0 "--rlimit-as 64M: python3 runs"
is "$out" MemoryError "--rlimit-as 64M: a 200 MiB allocation fails with MemoryError"
run_hutch -- python3 -c "$alloc"
is "$out" allocated "without --rlimit-as: the same allocation succeeds"
# a grandchild inherits it
run_hutch --rlimit-as 64M --setenv "ALLOC=$alloc" -- sh -c 'sh -c "python3 -c \"\$ALLOC\""'
is "$out" MemoryError "--rlimit-as 64M: a grandchild of the command has it too"

# ---- --rlimit-data --------------------------------------------------------------------------
run_hutch --rlimit-data 64M -- python3 -c "$alloc"
is "$out" MemoryError "--rlimit-data 64M: a 200 MiB heap allocation fails with MemoryError"

# ---- --rlimit-fsize: a write past 1 MiB fails with EFBIG (python ignores SIGXFSZ) -----------
fsize='
import errno
with open("/tmp/f", "wb", buffering=0) as f:
    try:
        for i in range(32):
            f.write(b"x" * 65536)
        print("wrote")
    except OSError as e:
        print(errno.errorcode[e.errno])
import os
print(os.path.getsize("/tmp/f"))'
run_hutch --rlimit-fsize 1M -- python3 -c "$fsize"
is "$out" "EFBIG
1048576" "--rlimit-fsize 1M: the file stops at 1 MiB, the write past it fails with EFBIG"
# shell tools get SIGXFSZ: the sandbox's command status says so (128 + 25)
run_hutch --rlimit-fsize 1M -- sh -c 'head -c 2097152 /dev/zero >/tmp/f'
expect_exit 153 "--rlimit-fsize 1M: head writing 2 MiB is killed by SIGXFSZ (153)"

# ---- --rlimit-nofile -----------------------------------------------------------------------
nofile='
import errno, resource
print(resource.getrlimit(resource.RLIMIT_NOFILE))
fds = []
try:
    while len(fds) < 100:
        fds.append(open("/dev/null"))
except OSError as e:
    print(errno.errorcode[e.errno], max(f.fileno() for f in fds) < 16)'
run_hutch --rlimit-nofile 16 -- python3 -c "$nofile"
is "$out" "(16, 16)
EMFILE True" "--rlimit-nofile 16: soft and hard 16; the 17th descriptor fails with EMFILE"
run_hutch --rlimit-nofile 16 -- sh -c 'ulimit -n 64'
if [ "$rc" != 0 ]; then
	ok "--rlimit-nofile 16: the command cannot raise it again"
else
	not_ok "--rlimit-nofile 16: the command cannot raise it again" "$(_last_run_diag)"
fi

# ---- --rlimit-nproc: per uid of the sandbox's user namespace --------------------------------
# Children wait on a pipe, so that they all exist at once; forking stops at the limit.
nproc='
import errno, os, resource
print(resource.getrlimit(resource.RLIMIT_NPROC))
r, w = os.pipe()
n = 0
try:
    while n < 30:
        if os.fork() == 0:
            os.close(w)
            os.read(r, 1)
            os._exit(0)
        n += 1
    print("forked", n)
except OSError as e:
    print(errno.errorcode[e.errno], "after", n, n < 8)
os.close(w)'
run_hutch --rlimit-nproc 8 -- python3 -c "$nproc"
like "$out" "^\(8, 8\)$" "--rlimit-nproc 8: soft and hard 8"
like "$out" "^EAGAIN after [0-9]+ True$" "--rlimit-nproc 8: fork fails with EAGAIN before 8 children"
run_hutch -- python3 -c "$nproc"
like "$out" "^forked 30$" "without --rlimit-nproc: 30 children fork"
# fake root inside does not lift it: CAP_SYS_RESOURCE would be needed in the host's namespace
run_hutch --uid 0 --rlimit-nproc 8 -- python3 -c "$nproc"
like "$out" "^EAGAIN after [0-9]+ True$" "--uid 0 --rlimit-nproc 8: root inside is held to it too"

# ---- --rlimit-cpu: SIGXCPU after a second of CPU --------------------------------------------
HUTCH_TIMEOUT=60 run_hutch --rlimit-cpu 1 -- sh -c 'while :; do :; done'
expect_exit 152 "--rlimit-cpu 1: a busy loop is ended by SIGXCPU (152)"
run_hutch --rlimit-cpu 2m -- python3 -c 'import resource; print(resource.getrlimit(resource.RLIMIT_CPU))'
is "$out" "(120, 121)" "--rlimit-cpu 2m: 120 s soft; SIGKILL a second later (hard)"

# ---- --rlimit-core: a soft 0 by default ---------------------------------------------------------
core='import resource; print(resource.getrlimit(resource.RLIMIT_CORE))'
hard_core=$(python3 -c 'import resource; print(resource.getrlimit(resource.RLIMIT_CORE)[1])')
run_hutch -- python3 -c "$core"
is "$out" "(0, $hard_core)" "RLIMIT_CORE: soft 0 by default, the hard limit the caller's ($hard_core), as firejail does"
run_hutch --rlimit-core 4M -- python3 -c "$core"
is "$out" "(4194304, 4194304)" "--rlimit-core 4M"
if [ "$(ulimit -Hc)" = unlimited ]; then
	run_hutch --rlimit-core unlimited -- python3 -c "$core"
	is "$out" "(-1, -1)" "--rlimit-core unlimited: core dumps as the host allows them"
else
	skip "the caller's hard core limit is $(ulimit -Hc), not unlimited"
fi

# ---- above the caller's hard limit: refused before anything runs ----------------------------
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ]; then
	run_hutch --rlimit-nofile $((hard + 1)) -- echo ran
	expect_exit 125 "--rlimit-nofile above the hard limit: 125"
	is "$out" "" "--rlimit-nofile above the hard limit: the command does not run"
	is "$err" "hutch: --rlimit-nofile: the value is above this session's hard limit $hard; without privilege a limit can only be lowered" \
		"--rlimit-nofile above the hard limit: one line saying why"
else
	skip "the caller's hard limit of open files is unlimited"
fi

# ---- the profile directives --------------------------------------------------------------
printf 'rlimit-nofile 16\nrlimit-as 64M\n' >"$TEST_TMP/r.profile"
run_hutch --profile "$TEST_TMP/r.profile" -- python3 -c "$alloc"
is "$out" MemoryError "profile 'rlimit-as 64M': MemoryError"
run_hutch --profile "$TEST_TMP/r.profile" --rlimit-nofile 32 -- sh -c 'ulimit -n'
is "$out" 32 "the command line has the last word over the profile's rlimit-nofile"

done_testing
