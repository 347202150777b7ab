#!/usr/bin/env bash
# What bubblewrap 0.11's own test suite and Flatpak found hutch-bwrap doing differently (issue
# 22), each checked here against bwrap's documented behaviour, without the suite: sources
# under /proc/self resolved in the sandbox's own context, destinations through symlinks the
# setup made, bwrap's refusals and messages.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

D=$TEST_TMP
B=("$HUTCH_BWRAP" "${BASE[@]}" --proc /proc)

# ---- /proc/self/... sources: the sandbox's own, as Flatpak binds them ----
bw_run "${B[@]}" --ro-bind-try /proc/self/ns/user /run/.userns \
	sh -c 'stat -L -c %i /run/.userns /proc/self/ns/user'
is "$rc $(echo $out)" "0 $(echo "$out" | tail -1) $(echo "$out" | tail -1)" \
	"--ro-bind-try /proc/self/ns/user: the sandbox's own user namespace is bound"
like "$(echo "$out" | head -1)" "^[0-9]+$" "--ro-bind-try /proc/self/ns/user: something is bound"
unlike "$out" "$(stat -L -c %i /proc/self/ns/user)" "--ro-bind-try /proc/self/ns/user: not the caller's namespace"
bw_run "${B[@]}" --ro-bind /proc/self/ns/user /userns true
is "$rc $err" "0 " "--ro-bind of a magic link under /proc/self works without -try too"
ln -s loop "$D/loop"
bw_run "${B[@]}" --ro-bind-try "$D/loop" /x true
is "$rc $err" "1 bwrap: Can't find source path $D/loop: Too many levels of symbolic links" \
	"--ro-bind-try: a source that exists but cannot be opened is an error, as in bwrap"
bw_run "${B[@]}" --ro-bind-try "$D/missing" /x sh -c 'test -e /x || echo skipped'
is "$rc $out" "0 skipped" "--ro-bind-try: a missing source is skipped"

# ---- destinations through symlinks ----
mkdir -p "$D/src" && echo inside >"$D/src/f"
bw_run "${B[@]}" --tmpfs /tmp --dir /tmp/dir --symlink dir /tmp/link --bind "$D/src" /tmp/link cat /tmp/dir/f
is "$rc $out" "0 inside" "a --symlink made by the setup is followed by a later destination"
bw_run "${B[@]}" --tmpfs /tmp --symlink /etc /tmp/abs --bind "$D/src" /tmp/abs true
like "$rc $err" "^1 bwrap: .*/tmp/abs.*symlink" "an absolute symlink (leaving the new root) is not followed"
bw_run "${B[@]}" --tmpfs /tmp --symlink ../../.. /tmp/up --bind "$D/src" /tmp/up/x true
like "$rc $err" "^1 bwrap: .*/tmp/up.*symlink" "a relative symlink climbing out of the new root is not followed"
bw_run "${B[@]}" --tmpfs /tmp --symlink a /tmp/l --symlink b /tmp/l true
is "$rc $err" "1 bwrap: Can't make symlink at /tmp/l: existing destination is a" \
	"a conflicting --symlink: bwrap's message names what is there"

# ---- what a run leaves ----
bw_run "${B[@]}" --json-status-fd 5 / 5>"$D/status"
like "$rc $(tr '\n' ' ' <"$D/status")" '^1 [{] "child-pid": [0-9]+.*[}] $' "exec failure: json-status has the start"
unlike "$(cat "$D/status")" "exit-code" "exec failure: no exit-code in json-status (the command never ran)"
touch "$D/file"
bw_run "${B[@]}" --bind "$D" "$D" --bind "$D/file" "$D/newfile" --bind "$D/src" "$D/newdir" true
is "$rc $(stat -c %a "$D/newfile" "$D/newdir" | tr '\n' ' ')" "0 444 755 " \
	"mount points made for a file are 0444, for a directory 0755"

# ---- option values, bwrap's rules ----
for v in ' -12345678' -12345678 9223372036854775809 18446744073709551616 '' 123bogus; do
	bw_run "${B[@]}" --size "$v" --tmpfs /tmp/a true
	is "$rc $err" "1 bwrap: --size takes a non-zero number of bytes" "--size '$v' is refused"
done
bw_run "${B[@]}" --size 1048576 --tmpfs /tmp/a sh -c 'findmnt -rn -o OPTIONS /tmp/a'
like "$rc $out" "^0 .*size=1024k" "--size 1048576 is taken"
bw_run "${B[@]}" --perms 0640 --perms 0640 --tmpfs /tmp/a true
like "$rc $err" "^1 bwrap: --perms may not be specified more than once" "--perms twice for one operation is refused"
bw_run "${B[@]}" --size 1048576 --size 1048576 --tmpfs /tmp/a true
like "$rc $err" "^1 bwrap: --size may not be specified more than once" "--size twice for one operation is refused"
bw_run "${B[@]}" --chdir / --chdir / true
is "$rc $err" "0 bwrap: Only the last --chdir option will take effect" "a second --chdir: bwrap's warning"
bw_run "${B[@]}" --level-prefix --chdir / --chdir / true
is "$rc $err" "0 <4>bwrap: Only the last --chdir option will take effect" "the warning with --level-prefix: <4>"
bw_run "${B[@]}" --chdir / true
is "$rc $err" "0 " "one --chdir: no warning"
msg="bwrap: --overlay-src must be followed by another --overlay-src or one of --overlay, --tmp-overlay, or --ro-overlay"
bw_run "${B[@]}" --overlay-src /tmp true
is "$rc $err" "1 $msg" "a trailing --overlay-src is refused"
bw_run "${B[@]}" --overlay-src /tmp --chdir / true
is "$rc $err" "1 $msg" "--overlay-src before another option is refused"

# ---- overlay directories with overlayfs's special characters ----
if unshare -rm sh -c "mount -t overlay -o lowerdir=$D/src,upperdir=$D/src,workdir=$D/src overlay $D/src" 2>&1 | grep -q 'unknown filesystem'; then
	skip "no overlayfs"
else
	w='x ":,\'
	mkdir "$D/lower $w" "$D/upper $w" "$D/work $w" && printf 1 >"$D/lower $w/a"
	bw_run "${B[@]}" --overlay-src "$D/lower $w" --overlay "$D/upper $w" "$D/work $w" /o \
		sh -c 'cat /o/a; printf 2 >/o/a; cat /o/a'
	is "$rc $out $(cat "$D/upper $w/a")" "0 12 2" "--overlay: upper and work dirs named with a backslash, colon, comma, quote"
fi

# ---- seccomp fds ----
: >"$D/empty"
bw_run "${B[@]}" --add-seccomp-fd 5 --seccomp 6 true 5<"$D/empty" 6<"$D/empty"
is "$rc $err" "1 bwrap: --seccomp cannot be combined with --add-seccomp-fd" \
	"--add-seccomp-fd then --seccomp: the combination is refused, an empty program is no error"
bw_run "${B[@]}" --add-seccomp-fd 5 --add-seccomp-fd 5 true 5<"$D/empty"
like "$rc $err" "^1 bwrap: Can't read seccomp data: " "the same fd twice: the second read fails (bwrap closes it)"
printf '\001' >"$D/odd"
bw_run "${B[@]}" --add-seccomp-fd 5 --add-seccomp-fd 6 true 5<"$D/empty" 6<"$D/odd"
is "$rc $err" "1 bwrap: Invalid seccomp data, must be multiple of 8" "a program of 1 byte is refused"

done_testing
