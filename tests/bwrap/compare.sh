#!/usr/bin/env bash
# The same command lines under the system's bubblewrap and under hutch-bwrap: what the command
# sees must be the same (id maps, which namespaces are new, the mounts findmnt lists, host
# name, environment, open fds, capability sets and no_new_privs, seccomp, pid 1, session,
# working directory, the root's entries) and so must the exit status and the key sets of
# --info-fd and --json-status-fd. One case per row; every option group of bwrap 0.8 (Debian's)
# has a row. The options newer than that bwrap are in newer.sh.
. "$HUTCH_TESTS/bwrap/lib-bwrap.sh"

[ -n "$REAL_BWRAP" ] || skip_all "bubblewrap is not installed"
"$REAL_BWRAP" --ro-bind / / true 2>/dev/null || skip_all "bwrap cannot run here (user namespaces?)"

D=$TEST_TMP
printf 'file from fd\n' >"$D/data1"
printf 'bound data\n' >"$D/data2"
printf 'ro bound data\n' >"$D/data3"
mkdir -p "$D/src/sub" "$D/bindme"
echo hi >"$D/src/sub/f"
touch "$D/lockme"
printf -- '--setenv\0FROM_ARGS\0yes\0--dir\0/from-args\0' >"$D/args"
# Raw classic BPF for x86-64: uname(2) (63) fails with EPERM, everything else is allowed.
bpf_uname_eperm() {
	printf '\x20\x00\x00\x00\x00\x00\x00\x00'
	printf '\x15\x00\x00\x01\x3f\x00\x00\x00'
	printf '\x06\x00\x00\x00\x01\x00\x05\x00'
	printf '\x06\x00\x00\x00\x00\x00\xff\x7f'
}
bpf_allow() { printf '\x06\x00\x00\x00\x00\x00\xff\x7f'; }
bpf_uname_eperm >"$D/bpf1"
bpf_allow >"$D/bpf2"

# name | options (word-split; redirections allowed) | exit status the command ends with
cases=(
	"minimal||0"
	"exit status||42"
	"unshare-all, proc, dev|--unshare-all --proc /proc --dev /dev|0"
	"unshare-user, uid and gid 0|--unshare-user --uid 0 --gid 0 --proc /proc|0"
	"uid and gid 1234|--unshare-user-try --uid 1234 --gid 4321 --proc /proc|0"
	"uts and hostname|--unshare-uts --hostname sandbox --proc /proc|0"
	"net, ipc, cgroup|--unshare-net --unshare-ipc --unshare-cgroup --proc /proc|0"
	"cgroup-try|--unshare-cgroup-try --proc /proc|0"
	"pid namespace: a reaper is pid 1|--unshare-pid --proc /proc|0"
	"pid namespace, as-pid-1|--unshare-pid --as-pid-1 --proc /proc|0"
	"unshare-all with share-net|--unshare-all --share-net --proc /proc|0"
	"binds|--proc /proc --bind $D/bindme /mnt/rw --ro-bind $D/src /mnt/ro --dev-bind /dev/null /null --bind-try /nonexistent /x --ro-bind-try /nonexistent /y --dev-bind-try /nonexistent /z|0"
	"tmpfs, dir, symlink, chmod|--proc /proc --tmpfs /tmp --dir /a/b --symlink ../a /tmp/link --chmod 0711 /a|0"
	"perms and size|--proc /proc --perms 0700 --tmpfs /s --size 1048576 --tmpfs /t --perms 0750 --size 2097152 --tmpfs /u --perms 0710 --dir /d|0"
	"dev|--proc /proc --dev /dev|0"
	"mqueue|--unshare-ipc --proc /proc --mqueue /dev/mqueue|0"
	"remount-ro of a bind|--proc /proc --bind $D/bindme /mnt --remount-ro /mnt|0"
	"file and bind-data|--proc /proc --file 5 /etc/f1 --perms 0640 --bind-data 6 /etc/f2 --ro-bind-data 7 /etc/f3 5<$D/data1 6<$D/data2 7<$D/data3|0"
	"bind-fd|--proc /proc --bind-fd 5 /mnt/a --ro-bind-fd 6 /mnt/b 5<$D/src 6<$D/bindme|0"
	"environment|--proc /proc --setenv HUTCH_A 1 --setenv HUTCH_B 2 --unsetenv HUTCH_B --unsetenv HOME|0"
	"clearenv|--proc /proc --setenv BEFORE 1 --clearenv --setenv AFTER 2|0"
	"chdir|--proc /proc --chdir /usr/share|0"
	"cwd missing inside: HOME|--proc /proc --setenv HOME /usr/lib|0"
	"new-session|--proc /proc --new-session|0"
	"die-with-parent|--proc /proc --die-with-parent|0"
	"cap-add and cap-drop|--unshare-user --uid 0 --proc /proc --cap-add ALL --cap-drop CAP_SYS_ADMIN --cap-drop cap_net_raw|0"
	"cap-add as a non-zero uid|--proc /proc --cap-add CAP_NET_RAW|0"
	"args from an fd|--proc /proc --args 5 5<$D/args|0"
	"seccomp|--proc /proc --seccomp 5 5<$D/bpf1|0"
	"add-seccomp-fd twice|--proc /proc --add-seccomp-fd 5 --add-seccomp-fd 6 5<$D/bpf2 6<$D/bpf1|0"
	"inherited fds stay open|--proc /proc 8<$D/data1 9<$D/data2|0"
	"block-fd|--proc /proc --block-fd 5 5<$D/data1|0"
	"sync-fd|--proc /proc --sync-fd 5 5<$D/data1|0"
	"lock-file|--proc /proc --bind $D/lockme /lockme --lock-file /lockme|0"
	"disable-userns|--unshare-user --disable-userns --assert-userns-disabled --proc /proc|0"
	"bind over /|--bind / / --proc /proc --tmpfs /tmp|0"
)

# Two mounts at one place (a shadowed one) are left out, and so are mounts whose mount point the
# caller cannot reach by path (below a directory of mode 0700 of root's, such as rootful
# podman's /var/lib/containers): bwrap sets nosuid and nodev on the mounts it sees by path
# (EACCES elsewhere, which it ignores), hutch-bwrap on all of them (see hutch-bwrap(1)).
unreachable=$(awk '{ print $5 }' /proc/self/mountinfo | while read -r mp; do
	mp=$(printf '%b' "$mp")
	[ -e "$mp" ] || printf '%s\n' "$mp"
done)
normalise() {
	awk -v skip="$unreachable" 'BEGIN { k = split(skip, s, "\n"); for (i = 1; i <= k; i++) away[s[i]] = 1 }
	     /^== mounts/ { m = 1 } /^== hostname/ { m = 0 }
	     { line[NR] = $0; inm[NR] = m; if (m) n[$1]++ }
	     END { for (i = 1; i <= NR; i++) { p = substr(line[i], 1, index(line[i] " ", " ") - 1)
	                                       if (!inm[i] || (n[p] == 1 && !(p in away))) print line[i] } }' "$1"
}

probe_keys() {
	grep -o '"[a-z-]*"' "$1" | sort -u | tr '\n' ' '
}

for row in "${cases[@]}"; do
	IFS='|' read -r name opts status <<<"$row"
	for impl in real hutch; do
		bin=$REAL_BWRAP
		[ $impl = hutch ] && bin=$HUTCH_BWRAP
		eval "with_timeout 30 \"\$bin\" \"\${BASE[@]}\" $opts sh -c \"\$probe\" sh \"\$HOST_NS\" $status" \
			</dev/null >"$D/$impl.out" 2>"$D/$impl.err"
		echo "exit $?" >>"$D/$impl.out"
		cat "$D/$impl.err" >>"$D/$impl.out"
	done
	if diff -u <(normalise "$D/real.out") <(normalise "$D/hutch.out") >"$D/diff"; then
		ok "$name: the command sees the same"
	else
		not_ok "$name: the command sees the same" "options: $opts" "$(cat "$D/diff")"
	fi
done

# --info-fd and --json-status-fd: the same keys, one JSON document then the exit code.
for opts in "" "--unshare-all" "--unshare-pid --unshare-net" "--unshare-uts --unshare-ipc --unshare-cgroup"; do
	for impl in real hutch; do
		bin=$REAL_BWRAP
		[ $impl = hutch ] && bin=$HUTCH_BWRAP
		# shellcheck disable=SC2086
		"$bin" "${BASE[@]}" $opts --info-fd 5 --json-status-fd 6 sh -c 'exit 3' \
			5>"$D/$impl.info" 6>"$D/$impl.json" </dev/null
		echo "exit $? info: $(probe_keys "$D/$impl.info") json: $(probe_keys "$D/$impl.json")" \
			"lines: $(wc -l <"$D/$impl.json") exit-line: $(grep -c '"exit-code": 3' "$D/$impl.json")" >"$D/$impl.keys"
	done
	is "$(cat "$D/hutch.keys")" "$(cat "$D/real.keys")" "info and json-status keys with '${opts:-no unshare}'"
done

done_testing
