#!/usr/bin/env bash
# What Debian's bwrap cannot show: the options of bwrap 0.11 it lacks, checked against
# bwrap(1)'s text (--overlay-src with --overlay, --tmp-overlay and --ro-overlay; --argv0;
# --level-prefix is in badinput.sh), the effects of options the comparison cannot see from
# inside (--lock-file held, --block-fd blocking, --json-status-fd's exit code after a
# signal), and HUTCH_BWRAP_HARDEN's opt-in extras.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

D=$TEST_TMP
B=("$HUTCH_BWRAP" "${BASE[@]}" --proc /proc --dev /dev)
mkdir -p "$D/low1" "$D/low2" "$D/upper" "$D/work"
echo one >"$D/low1/a"
echo one >"$D/low1/b"
echo two >"$D/low2/b"

# ---- overlays ----
bw_run "${B[@]}" --overlay-src "$D/low1" --overlay-src "$D/low2" --tmp-overlay /o \
	sh -c 'cat /o/a /o/b; echo new >/o/c && cat /o/c; findmnt -rn -o FSTYPE /o'
is "$rc $(echo $out)" "0 one two new overlay" "--tmp-overlay: the union, the last source on top, writable"
[ ! -e "$D/low1/c" ] && [ ! -e "$D/low2/c" ] && [ -z "$(ls "$D/upper")" ]
is "$?" 0 "--tmp-overlay: writes reach no host directory"

bw_run "${B[@]}" --overlay-src "$D/low1" --overlay "$D/upper" "$D/work" /o \
	sh -c 'echo written >/o/c; echo changed >/o/a; cat /o/b'
is "$rc $out $(cat "$D/upper/c" "$D/upper/a" 2>&1 | tr '\n' ' ')" "0 one written changed " \
	"--overlay: writes go to RWSRC, the sources stay as they were"
is "$(cat "$D/low1/a")" "one" "--overlay: the lower layer is untouched"

bw_run "${B[@]}" --overlay-src "$D/low1" --overlay-src "$D/low2" --ro-overlay /o \
	sh -c 'cat /o/b; touch /o/x'
like "$rc $out $err" "^1 two .*Read-only file system" "--ro-overlay: the union, read-only"

bw_run "${B[@]}" --overlay-src "$D/low1" --tmp-overlay /o1 --overlay-src "$D/low2" --tmp-overlay /o2 \
	sh -c 'ls /o1 | tr "\n" " "; ls /o2 | tr "\n" " "'
is "$out" "a b b " "--overlay-src applies to the next overlay only"

# ---- --argv0 ----
bw_run "${B[@]}" --argv0 renamed sh -c 'tr "\0" " " </proc/$$/cmdline'
is "$rc $out" "0 renamed -c tr \"\\0\" \" \" </proc/\$\$/cmdline " "--argv0 sets argv[0], the program is still found by its name"

# ---- --lock-file: held while the sandbox runs ----
touch "$D/lock"
mkfifo "$D/ready" "$D/go"
"${B[@]}" --bind "$D" /d --lock-file /d/lock sh -c 'echo up >/d/ready; read -r x </d/go' &
track_pid $!
read -r -t 20 _ <"$D/ready"
python3 -c 'import fcntl, sys
f = open(sys.argv[1], "r+")
try:
    fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print("free")
except OSError:
    print("held")' "$D/lock" >"$D/lockstate"
echo go >"$D/go"
wait $!
is "$? $(cat "$D/lockstate")" "0 held" "--lock-file: a lock is held on the file while the sandbox runs"

# ---- --block-fd: the command waits; --info-fd is written first ----
mkfifo "$D/block" "$D/info"
exec {blk}<>"$D/block"
"${B[@]}" --bind "$D" /d --info-fd 6 --block-fd 5 5<&$blk 6>"$D/info" sh -c 'touch /d/ran' &
pid=$!
track_pid $pid
info=$(timeout 20 cat "$D/info")
like "$info" '"child-pid": [0-9]+' "--info-fd: written (and closed) before the command runs"
[ ! -e "$D/ran" ]
is "$?" 0 "--block-fd: the command has not run before data arrives"
echo x >&$blk
wait $pid
is "$? $([ -e "$D/ran" ] && echo ran)" "0 ran" "--block-fd: it runs once there is data"
exec {blk}>&-

# ---- --json-status-fd: the exit code, also after a signal ----
bw_run "$HUTCH_BWRAP" "${BASE[@]}" --json-status-fd 5 sh -c 'kill -TERM $$' 5>"$D/status"
is "$rc $(tail -1 "$D/status")" '143 { "exit-code": 143 }' "--json-status-fd: 128+n for a signal, as bwrap(1) says"

# ---- HUTCH_BWRAP_HARDEN: off by default, each extra on request ----
probe_confine='grep -E "^Seccomp:" /proc/self/status | tr -d "\t"; wc -l </proc/self/uid_map; touch /x 2>/dev/null && echo root-writable || echo root-protected'
bw_run env -u HUTCH_BWRAP_HARDEN "$HUTCH_BWRAP" "${BASE[@]}" --proc /proc --dev /dev --unshare-user sh -c "$probe_confine"
is "$(echo $out)" "Seccomp:0 1 root-writable" "no extra by default: no filter, one id, a writable root"
HUTCH_BWRAP_HARDEN=seccomp bw_run "$HUTCH_BWRAP" "${BASE[@]}" --proc /proc --dev /dev sh -c "$probe_confine"
is "$(echo $out)" "Seccomp:2 1 root-writable" "HUTCH_BWRAP_HARDEN=seccomp: hutch's default filter"
if [ -r /sys/kernel/security/landlock ] || grep -qw landlock /sys/kernel/security/lsm 2>/dev/null; then
	HUTCH_BWRAP_HARDEN=landlock bw_run "$HUTCH_BWRAP" "${BASE[@]}" --proc /proc --dev /dev sh -c "$probe_confine"
	is "$(echo $out)" "Seccomp:0 1 root-protected" "HUTCH_BWRAP_HARDEN=landlock: writes only where the plan made them writable"
else
	skip "no Landlock in this kernel"
fi
if grep -q "^$(id -un):" /etc/subuid 2>/dev/null && command -v newuidmap >/dev/null; then
	HUTCH_BWRAP_HARDEN=idmap bw_run "$HUTCH_BWRAP" "${BASE[@]}" --proc /proc sh -c "$probe_confine"
	like "$(echo $out)" "^Seccomp:0 [3-9] " "HUTCH_BWRAP_HARDEN=idmap: the subordinate ranges are mapped"
else
	skip "no /etc/subuid range or newuidmap"
fi
HUTCH_BWRAP_HARDEN=seccomp,bogus bw_run "$HUTCH_BWRAP" "${BASE[@]}" true
is "$rc $err" "1 bwrap: HUTCH_BWRAP_HARDEN: unknown extra 'bogus' (seccomp, landlock, idmap)" "an unknown extra is refused"

done_testing
