#!/usr/bin/env bash
# Rootless podman (Debian 12's 4.3) with --runtime hutch-oci, each command beside the same one
# with runc (issue 29): run and exit codes, kill, stop, rm -f, exec, logs, a terminal, the
# network modes, --read-only, --cap-drop, a seccomp profile. Its own storage, runtime dir and
# home in $TEST_TMP: nothing is left in the user's home; podman's pause process is ended.
. "$HUTCH_TESTS/oci/lib-oci.sh"
. "$HUTCH_TESTS/oci/lib-podman.sh"
require_userns

podman_setup cgroupfs

# /suid and /suidroot: busybox setuid to uid 1234 and to root as cat (noNewPrivileges'
# checks), appended so owned
mkdir -p "$TEST_TMP/suidroot/suid" "$TEST_TMP/suidroot/suidroot" &&
	cp "$BUSYBOX" "$TEST_TMP/suidroot/suid/cat" && cp "$BUSYBOX" "$TEST_TMP/suidroot/suidroot/cat" &&
	chmod 4755 "$TEST_TMP/suidroot/suid/cat" "$TEST_TMP/suidroot/suidroot/cat" || bail_out "cannot make the setuid copies"
tar -C "$ROOTFS" -cf "$TEST_TMP/img.tar" . &&
	tar -C "$TEST_TMP/suidroot" --owner=1234 --group=1234 -rf "$TEST_TMP/img.tar" ./suid &&
	tar -C "$TEST_TMP/suidroot" --owner=0 --group=0 -rf "$TEST_TMP/img.tar" ./suidroot || bail_out "cannot pack the root"
podman_import "$TEST_TMP/img.tar"

# The same for a container whose output is compared: podman 4.3 at times loses the whole
# output of a container that ends at once (with runc as with hutch-oci: its attach comes
# late), so a run with no output at all and no error is run once more, with either runtime.
pm_out() {
	pm "$@"
	[ -z "$out" ] && [ -z "$err" ] && pm "$@"
	return 0
}

# both DESC ARGS...: the same podman command with runc and with hutch-oci: same output and
# exit status; hutch-oci's are in $out and $rc after.
both() {
	local desc=$1 rout rrc rerr
	shift
	pm_out "$RUNC" "$@"
	rout=$out rrc=$rc rerr=$err
	pm_out "$HUTCH_OCI" "$@"
	if [ "$out|$rc" = "$rout|$rrc" ]; then
		ok "$desc: as runc ($(printf %s "$out" | head -c 60 | tr '\n' ' ')| $rc)"
	else
		not_ok "$desc: as runc" "runc:      $rout | $rrc" "hutch-oci: $out | $rc" "stderr: $err" "runc's: $rerr"
	fi
}

pm_out "$HUTCH_OCI" run --rm "$IMG" echo hi
is "$out|$rc" "hi|0" "run --rm echo: output and exit 0"
[ "$rc" = 0 ] || diag "$err"
both "exit 7" run --rm "$IMG" sh -c 'exit 7'
both "a command that does not exist" run --rm "$IMG" nonexistent
both "environment, working directory, host name" run --rm -e FOO=bar -w /tmp --hostname hh "$IMG" \
	sh -c 'echo $FOO $(pwd) $(hostname) $(id -u)'
both "config.json's default seccomp filter" run --rm "$IMG" sh -c 'grep Seccomp: /proc/self/status'
both "--network none: only lo" run --rm --network none "$IMG" sh -c 'grep -c : /proc/net/dev'
both "slirp4netns: its tap" run --rm --network slirp4netns "$IMG" sh -c 'grep -o tap0 /proc/net/dev'
both "--pid=host: the runtime's pid namespace" run --rm --pid=host "$IMG" sh -c 'readlink /proc/self/ns/pid; [ -d /proc/1 ] && echo has-1'
both "--network=host: the runtime's network namespace" run --rm --network=host "$IMG" readlink /proc/self/ns/net
both "--read-only" run --rm --read-only "$IMG" sh -c 'touch /x 2>/dev/null; echo $?'
both "--user with --group-add: ids, no capability left" run --rm --user 1000:1000 --group-add 5 "$IMG" \
	sh -c 'id; grep CapEff /proc/self/status'
both "--userns keep-id: the maps and the caller's id" run --rm --userns keep-id "$IMG" sh -c 'id; cat /proc/self/uid_map'
# --user outside podman's user namespace: runc fails in its init ("unable to setup user: invalid
# argument"); hutch-oci refuses it at create, naming the field and the map; 126 from podman both
both "--user 4000000, outside the user namespace: refused" run --rm --user 4000000 "$IMG" id
like "$err" "process.user.uid 4000000: not in the container's uid map \(0 $(id -u) 1, " \
	"... the field and podman's user namespace's map named"
both "--uidmap 0:1000:2000: the container's root is another id outside" run --rm --uidmap 0:1000:2000 \
	--gidmap 0:1000:3000 "$IMG" sh -c 'id; cat /proc/self/uid_map; touch /tmp/x; stat -c "%u %g" /tmp/x'
both "umask" run --rm "$IMG" sh -c umask
both "--ulimit nofile and nproc" run --rm --ulimit nofile=1000:1000 --ulimit nproc=500:500 "$IMG" \
	sh -c 'ulimit -n; ulimit -Hn; ulimit -u'
both "--device /dev/fuse: the host's node, usable" run --rm --device /dev/fuse "$IMG" sh -c 'cat /dev/fuse 2>&1'
both "/dev/shm is noexec" run --rm "$IMG" sh -c 'cp /bin/busybox /dev/shm/b && /dev/shm/b true 2>/dev/null; echo $?'
both "--cap-drop all" run --rm --cap-drop all "$IMG" sh -c 'grep CapEff /proc/self/status'
# process.noNewPrivileges: absent in podman's config.json unless asked, and then not set, as
# runc: the filter still goes in (before the capabilities go), and a setuid program run by uid
# 1000 gains its owner's id (busybox gives its effective id back: the saved one shows it). Setuid
# root gains root's capabilities within podman's bounding set: busybox then drops uid 0 for good
# (the saved uid goes too), which it cannot without them.
status_nnp='grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
both "no noNewPrivileges (podman's default): no no_new_privs, the filter in place" run --rm "$IMG" sh -c "$status_nnp"
both "--security-opt no-new-privileges: no_new_privs" run --rm --security-opt no-new-privileges "$IMG" sh -c "$status_nnp"
both "a setuid program run by --user 1000 gains its owner's uid" run --rm --user 1000 "$IMG" sh -c '/suid/cat /proc/self/status | grep ^Uid:'
both "... not with no-new-privileges" run --rm --user 1000 --security-opt no-new-privileges "$IMG" \
	sh -c '/suid/cat /proc/self/status | grep ^Uid:'
both "a setuid-root program run by --user 1000 gains capabilities in the bounding set" run --rm --user 1000 "$IMG" \
	sh -c '/suidroot/cat /proc/self/status | grep -E "^(Uid|CapBnd):"'
both "... none with --cap-drop all" run --rm --user 1000 --cap-drop all "$IMG" \
	sh -c '/suidroot/cat /proc/self/status | grep -E "^(Uid|CapBnd):"'
pm_out "$HUTCH_OCI" run --rm --user 1000 --annotation run.hutch.seccomp=default "$IMG" \
	sh -c 'unshare -U true 2>/dev/null; echo $? $(id -u) $(grep NoNewPrivs: /proc/self/status)'
is "$out" "1 1000 NoNewPrivs: 0" "without no_new_privs, hutch's filter and the user switch both hold"
printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}' \
	>"$TEST_TMP/seccomp.json"
both "--security-opt seccomp=FILE" run --rm --security-opt seccomp="$TEST_TMP/seccomp.json" "$IMG" \
	sh -c 'mkdir /tmp/d 2>&1; echo $?'

# The issue's own image: a Debian 12 root made by debootstrap (tests/run, as root, packs the
# newcomer check's and names it in HUTCH_DEBIAN_TAR), imported as localhost/debian: bash and
# dynamically linked programs, the image's own users, apt, a terminal, exec, each as runc.
if [ -n "${HUTCH_DEBIAN_TAR:-}" ] && [ -r "$HUTCH_DEBIAN_TAR" ] &&
	"${PODMAN[@]}" import "$HUTCH_DEBIAN_TAR" localhost/debian >/dev/null 2>"$TEST_TMP/import-debian.err"; then
	both "Debian 12: bash, its ids, dynamically linked programs" run --rm localhost/debian \
		bash -c 'cat /etc/debian_version; id; ls --version | head -1; getent passwd _apt | cut -d: -f1,3'
	both "Debian 12: apt-get check" run --rm localhost/debian sh -c 'apt-get -qq check; echo $?'
	both "Debian 12: --user nobody cannot write root's /etc" run --rm --user nobody localhost/debian \
		sh -c 'id -un; touch /etc/x 2>&1; echo $?'
	if command -v script >/dev/null; then
		out=$(with_timeout 60 script -qec "$(printf '%q ' "${PODMAN[@]}" --runtime "$HUTCH_OCI" run --rm -it localhost/debian \
			bash -c 'sleep 1; [ -t 0 ] && tty && echo "$0 $BASH_VERSION"')" /dev/null </dev/null | tr -d '\r')
		# (podman 4.3 writes "^@" before the output, with runc too)
		like "$out" '/dev/pts/0$
bash 5\.' "Debian 12: run --rm -it bash: the container's own terminal, /dev/pts/0, as runc's"
	else
		skip "-it needs script(1) (bsdutils)"
	fi
	pm "$HUTCH_OCI" run -d --name deb localhost/debian sleep 1000
	pm "$HUTCH_OCI" exec deb bash -c 'cat /proc/1/comm; echo $$'
	is "$(printf '%s\n' "$out" | head -1)|$rc" "sleep|0" "Debian 12: exec into a running container (its pid 1 is the command)"
	pm "$HUTCH_OCI" rm -f -t 0 deb
	"${PODMAN[@]}" rmi -f localhost/debian >/dev/null 2>&1
else
	skip_n 5 "no Debian image: ${HUTCH_DEBIAN_TAR:+$(tail -1 "$TEST_TMP/import-debian.err" 2>/dev/null)}${HUTCH_DEBIAN_TAR:-HUTCH_DEBIAN_TAR names none (tests/run --newcomer, as root, packs the debootstrapped root)}"
fi

# slirp4netns with -p: busybox's httpd on port 80 inside (a port below 1024: the container's
# root holds CAP_NET_BIND_SERVICE over the engine's network namespace, as with runc), reached
# from the host. The server's start is not announced on any fd: fetched again every 0.2 s, at
# most 10 s.
mkdir -p "$TEST_TMP/www" && echo page >"$TEST_TMP/www/index.html"
port=$((20000 + $$ % 20000))
for rt in "$RUNC" "$HUTCH_OCI"; do
	pm "$rt" run -d --name web --network slirp4netns -p "127.0.0.1:$port:80" -v "$TEST_TMP/www:/www" "$IMG" \
		httpd -f -p 80 -h /www
	page=
	for ((i = 0; i < 50; i++)); do
		page=$("$BUSYBOX" wget -q -O - "http://127.0.0.1:$port/" 2>/dev/null) && break
		sleep 0.2
	done
	is "$page" page "slirp4netns -p $port:80: the page from the container ($(basename "$rt"))"
	pm "$rt" rm -f -t 0 web
done

# pasta with a forwarded port, as podman 4.4 and later run it (Debian 12's 4.3 has no pasta
# network): in the engine's user namespace, a network namespace bound to a file, pasta started
# on it (--config-net, -t PORT:80), the file given to the runtime as the network namespace's
# path; busybox's httpd on port 80 in the container, fetched from the host through pasta. Each
# runtime under the same steps (podman unshare: root of podman's user namespace).
if command -v pasta >/dev/null; then
	mkdir -p "$TEST_TMP/pb" "$ROOTFS/www" && make_bundle "$TEST_TMP/pb" '["httpd", "-f", "-p", "80", "-h", "/www"]'
	sed -i 's|{"type": "network"}|{"type": "network", "path": "'"$TEST_TMP"'/pasta-ns"}|; s|"mounts": \[|"mounts": [{"destination": "/www", "type": "bind", "source": "'"$TEST_TMP"'/www", "options": ["rbind", "ro"]},|' \
		"$TEST_TMP/pb/config.json"
	sed -i 's|"effective": \["CAP_KILL"\], "bounding": \["CAP_KILL"\]|"effective": ["CAP_NET_BIND_SERVICE"], "permitted": ["CAP_NET_BIND_SERVICE"], "bounding": ["CAP_NET_BIND_SERVICE"]|' \
		"$TEST_TMP/pb/config.json"
	pport=$((port + 1))
	for rt in "$RUNC" "$HUTCH_OCI"; do
		n=$(basename "$rt")
		with_timeout 60 "${PODMAN[@]}" unshare sh -c '
			touch "$1/pasta-ns" && unshare --net="$1/pasta-ns" true &&
			pasta -q --config-net -t "$2:80" -u none -T none -U none -P "$1/pasta.pid" --netns "$1/pasta-ns" &&
			"$3" --root "$1/pasta-state" create -b "$1/pb" web </dev/null >/dev/null 2>"$1/pasta-create.err" &&
			"$3" --root "$1/pasta-state" start web' sh "$TEST_TMP" "$pport" "$rt" >"$TEST_TMP/pasta.out" 2>&1
		page=
		for ((i = 0; i < 50; i++)); do
			page=$("$BUSYBOX" wget -q -O - "http://127.0.0.1:$pport/" 2>/dev/null) && break
			sleep 0.2
		done
		is "$page" page "pasta -t $pport:80 on a network namespace given by path, as podman 4.4 runs it: the page ($n)"
		[ "$page" = page ] || diag "$(cat "$TEST_TMP/pasta.out" "$TEST_TMP/pasta-create.err" 2>/dev/null)"
		with_timeout 60 "${PODMAN[@]}" unshare sh -c '
			"$2" --root "$1/pasta-state" delete -f web; p=$(cat "$1/pasta.pid"); kill "$p"
			# gone before the next runtime'"'"'s pasta binds the same port (Debian 13'"'"'s is slower to go)
			for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
			umount -l "$1/pasta-ns"; rm -f "$1/pasta-ns" "$1/pasta.pid"' sh "$TEST_TMP" "$rt" >/dev/null 2>&1
	done
else
	skip_n 2 "pasta with -p needs passt (apt-get install passt)"
fi

# A pid namespace joined by path (one made here with unshare(1), as another runtime's container
# or a pinned namespace would be): the container's /proc is that namespace's, its pid 1 the
# sleep there. Each runtime under the same steps, in podman's user namespace.
mkdir -p "$TEST_TMP/pidb" && make_bundle "$TEST_TMP/pidb" '["cat", "/proc/1/comm"]'
sed -i 's|{"type": "pid"}|{"type": "pid", "path": "PIDNS"}|; s|"effective": \["CAP_KILL"\]|"effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]|' \
	"$TEST_TMP/pidb/config.json"
for rt in "$RUNC" "$HUTCH_OCI"; do
	printf -v "pj_$(basename "$rt" | tr - _)" '%s' "$(with_timeout 60 "${PODMAN[@]}" unshare sh -c '
		unshare --pid --fork --kill-child --mount-proc sleep 1000 >/dev/null 2>&1 & u=$!
		for i in $(seq 100); do p=$(pgrep -P $u) && break; sleep 0.05; done
		sed "s|PIDNS|/proc/$p/ns/pid|" "$1/pidb/config.json" >"$1/pidb/c.json" && mv "$1/pidb/c.json" "$1/pidb/config.json"
		"$2" --root "$1/pid-state" run -b "$1/pidb" pj </dev/null 2>&1; kill -KILL $u' sh "$TEST_TMP" "$rt" 2>&1 |
		grep -v "level=warning")"
	sed -i 's|"path": "/proc/[0-9]*/ns/pid"|"path": "PIDNS"|' "$TEST_TMP/pidb/config.json"
done
is "$pj_hutch_oci" sleep "a pid namespace joined by path: the container sees that namespace's pid 1"
is "$pj_hutch_oci" "$pj_runc" "... as runc"
# kill --all KILL of a container in such a namespace: its own processes end (its command and
# the background sleep that command started), the namespace's init lives on (it is not the
# container's pid 1, whose SIGKILL would end them all)
mkdir -p "$TEST_TMP/pidk" && make_bundle "$TEST_TMP/pidk" '["sh", "-c", "sleep 900 & exec sleep 1000"]'
sed -i 's|{"type": "pid"}|{"type": "pid", "path": "PIDNS"}|' "$TEST_TMP/pidk/config.json"
out=$(with_timeout 60 "${PODMAN[@]}" unshare sh -c '
	unshare --pid --fork --kill-child --mount-proc sleep 1000 >/dev/null 2>&1 & u=$!
	for i in $(seq 100); do p=$(pgrep -P $u) && break; sleep 0.05; done
	sed -i "s|PIDNS|/proc/$p/ns/pid|" "$1/pidk/config.json"
	"$2" --root "$1/pidk-state" run -d -b "$1/pidk" ka </dev/null >/dev/null 2>&1
	for i in $(seq 100); do b=$(pgrep -x -f "sleep 900") && break; sleep 0.05; done
	"$2" --root "$1/pidk-state" kill --all ka KILL
	# (gone: a zombie, reparented to that init, a sleep that reaps nothing)
	live() { [ -e /proc/$1/stat ] && [ "$(cut -d" " -f3 /proc/$1/stat)" != Z ]; }
	for i in $(seq 100); do live $b || break; sleep 0.05; done
	printf "%s|" "$("$2" --root "$1/pidk-state" state ka | grep -o "\"status\":\"[a-z]*\"")" \
		"init $(live $p && echo alive)" "background $(live $b && echo alive || echo gone)"
	"$2" --root "$1/pidk-state" delete -f ka; kill -KILL $u' sh "$TEST_TMP" "$HUTCH_OCI" 2>&1 | grep -v level=warning)
is "$out" '"status":"stopped"|init alive|background gone|' \
	"kill --all KILL in a joined pid namespace: the container's processes end, not the namespace's init"

# Namespaces joined by path: --ipc, --uts and --network container:A hand the runtime A's by
# path (/proc/PID/ns/*, PID the one A's runtime gave); a pod's containers join its infra
# container's the same way (podman builds the pause image from catatonit). B must be in A's ipc
# and network namespaces, with A's host name and tap.
joined() {
	local rt=$1 a
	pm "$rt" run -d --name nsa --hostname pod-a --network slirp4netns "$IMG" sleep 1000
	pm "$rt" exec nsa sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/net'
	a=$out
	pm "$rt" run --rm --ipc container:nsa --uts container:nsa --network container:nsa "$IMG" \
		sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/net; hostname; grep -o tap0 /proc/net/dev'
	printf '%s|' "$rc" "$([ -n "$a" ] && [ "$(printf '%s\n' "$out" | head -2)" = "$a" ] && echo same)" \
		"$(printf '%s\n' "$out" | tail -2 | tr '\n' ' ')" "$err"
	pm "$rt" rm -f -t 0 nsa
}
in_pod() {
	local rt=$1 a
	pm "$rt" pod create --name pd --hostname pod-h
	[ "$rc" = 0 ] || { printf 'pod create: %s' "$err"; return; }
	pm "$rt" run -d --pod pd --name pa "$IMG" sleep 1000
	pm "$rt" exec pa sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts'
	a=$out
	pm "$rt" run --rm --pod pd "$IMG" sh -c 'readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts; hostname'
	printf '%s|' "$rc" "$([ -n "$a" ] && [ "$(printf '%s\n' "$out" | head -2)" = "$a" ] && echo same)" \
		"$(printf '%s\n' "$out" | tail -1)" "$err"
	pm "$rt" pod rm -f -t 0 pd
}
j_runc=$(joined "$RUNC")
j_hutch=$(joined "$HUTCH_OCI")
is "$j_hutch" "0|same|pod-a tap0 ||" "--ipc, --uts, --network container:A: A's namespaces joined by path"
is "$j_hutch" "$j_runc" "... as runc"
# --pid container:A: podman hands B the pid namespace of the pid A's runtime gave it
# (/proc/PID/ns/pid), which must be A's own: the pid of `state` (podman's .State.Pid) is A's
# init, in A's pid namespace, as runc's is. B sees A's sleep as its pid 1. (podman 5's warnings
# about runc's cgroups, "cannot toggle freezer", are podman's: left out of the comparison.)
pid_shared() {
	local rt=$1 a p
	pm "$rt" run -d --name pida "$IMG" sleep 1000
	pm "$rt" exec pida readlink /proc/self/ns/pid
	a=$out
	pm "$rt" inspect pida --format '{{.State.Pid}}'
	p=$out
	pm "$rt" run --rm --pid container:pida "$IMG" sh -c 'readlink /proc/self/ns/pid; cat /proc/1/comm'
	printf '%s|' "$rc" "$([ -n "$a" ] && [ "$(readlink "/proc/$p/ns/pid")" = "$a" ] && echo state-pid-inside)" \
		"$([ -n "$a" ] && [ "$(printf '%s\n' "$out" | head -1)" = "$a" ] && echo same)" \
		"$(printf '%s\n' "$out" | tail -1)" "$(printf '%s\n' "$err" | grep -v 'level=warning')"
	pm "$rt" rm -f -t 0 pida
}
pc_runc=$(pid_shared "$RUNC")
pc_hutch=$(pid_shared "$HUTCH_OCI")
is "$pc_hutch" "0|state-pid-inside|same|sleep||" "--pid container:A: state's pid is in A's pid namespace, which B joins"
is "$pc_hutch" "$pc_runc" "... as runc"
p_runc=$(in_pod "$RUNC")
if [[ "$p_runc" == "pod create:"* ]]; then
	skip_n 2 "podman cannot make a pod here: ${p_runc#pod create: }"
else
	p_hutch=$(in_pod "$HUTCH_OCI")
	is "$p_hutch" "0|same|pod-h||" "a pod: its containers share the infra container's ipc and uts namespaces"
	is "$p_hutch" "$p_runc" "... as runc"
fi

# A pod with a user namespace of its own (--userns keep-id, --userns auto): its containers
# join the infra container's user namespace by path (/proc/PID/ns/user) before its network,
# ipc and uts ones, with no map written (podman still gives its uidMappings). B, run in the pod,
# and A, running there (exec enters it), are in the same user, network and ipc namespaces,
# not podman's, with the pod's ids and maps; with auto, podman's root is not in the map and
# the container's root makes its files. --share ipc,uts: a new network namespace in the
# joined user namespace. A pod's container failing to start leaves the pod as runc's does.
podman_userns=$("${PODMAN[@]}" unshare readlink /proc/self/ns/user 2>/dev/null)
in_userns_pod() { # RUNTIME POD-CREATE-ARGS...
	local rt=$1 a
	shift
	pm "$rt" pod create --name pu "$@"
	[ "$rc" = 0 ] || { printf 'pod create: %s' "$err"; return; }
	pm "$rt" run -d --pod pu --name pua "$IMG" sleep 1000
	pm "$rt" exec pua sh -c 'for n in user net ipc; do readlink /proc/self/ns/$n; done'
	a=$out
	pm "$rt" run --rm --pod pu "$IMG" sh -c 'for n in user net ipc; do readlink /proc/self/ns/$n; done
		id; cat /proc/self/uid_map /proc/self/gid_map | tr -s " "; touch /tmp/f; stat -c "%u %g" /tmp/f'
	printf '%s|' "$rc" "$([ -n "$a" ] && [ "$(printf '%s\n' "$out" | head -3)" = "$a" ] && echo same)" \
		"$([ -n "$a" ] && [ "$(printf '%s\n' "$a" | head -1)" != "$podman_userns" ] && echo not-podmans)" \
		"$([ -n "$a" ] && [ "$(printf '%s\n' "$out" | sed -n 2p)" = "$(printf '%s\n' "$a" | sed -n 2p)" ] && echo same-net)" \
		"$(printf '%s\n' "$out" | tail -n +4 | tr '\n' ' ')" "$err"
	pm "$rt" pod rm -f -t 0 pu
}
for args in "--userns keep-id" "--userns auto" "--userns keep-id --share ipc,uts"; do
	# shellcheck disable=SC2086 # (the pod's options, split)
	pu_runc=$(in_userns_pod "$RUNC" $args)
	if [[ "$pu_runc" == "pod create:"* ]]; then
		skip_n 2 "podman cannot make a pod with $args here: ${pu_runc#pod create: }"
		continue
	fi
	# shellcheck disable=SC2086
	pu_hutch=$(in_userns_pod "$HUTCH_OCI" $args)
	case $args in
	*share*) want="0||not-podmans||" ;;
	*) want="0|same|not-podmans|same-net|" ;;
	esac
	like "$pu_hutch" "^${want//|/[|]}" "a pod with $args: its containers join the infra container's user namespace by path"
	is "$pu_hutch" "$pu_runc" "... as runc ($(printf %s "$pu_hutch" | cut -d'|' -f5 | head -c 60))"
done

# hutch's extras through annotations (run.hutch.*)
pm_out "$HUTCH_OCI" run --rm --annotation run.hutch.seccomp=default --annotation "run.hutch.report=$TEST_TMP/report" \
	"$IMG" sh -c 'unshare -U true 2>/dev/null; echo $?'
is "$out" 1 "run.hutch.seccomp=default: hutch's filter refuses a nested user namespace"
like "$(cat "$TEST_TMP/report" 2>/dev/null)" '"comm":"unshare".*"action":"denied","result":"EPERM"' \
	"run.hutch.report=PATH: the refusal in the report"
"$BUSYBOX" httpd -f -p "127.0.0.1:$port" -h "$TEST_TMP/www" &
track_pid $!
get='printf "GET /index.html HTTP/1.0\r\n\r\n" | nc -w 5 10.0.2.2 '$port' 2>&1 | tail -1'
pm_out "$HUTCH_OCI" run --rm --network slirp4netns:allow_host_loopback=true "$IMG" sh -c "$get"
is "$out" page "the host's loopback through slirp4netns, without a policy"
pm_out "$HUTCH_OCI" run --rm --network slirp4netns:allow_host_loopback=true --annotation run.hutch.allow-domain=example.org \
	"$IMG" sh -c "$get; grep nameserver /etc/resolv.conf; nslookup example.com 2>&1"
like "$out" "Connection refused" "run.hutch.allow-domain: an address outside the allowlist is refused"
like "$out" "nameserver 127.0.0.53" "run.hutch.allow-domain: the sandbox's resolver answers"
like "$out" "NXDOMAIN" "run.hutch.allow-domain: a name outside the allowlist does not resolve"
pm_out "$HUTCH_OCI" run --rm --annotation run.hutch.bogus=1 "$IMG" true
like "$err" "annotation: run.hutch.bogus: unknown" "an unknown run.hutch annotation is named"

# a detached container: exec, kill (137), logs, rm
pm "$HUTCH_OCI" run -d --name k1 "$IMG" sh -c 'echo logged; exec sleep 1000'
is "$rc" 0 "run -d"
pm "$HUTCH_OCI" exec k1 sh -c 'echo in; exit 9'
is "$out|$rc" "in|9" "exec: output and exit status"
pm "$HUTCH_OCI" kill k1
pm "$HUTCH_OCI" wait k1
is "$out" 137 "kill: the container ends with 137"
pm "$HUTCH_OCI" logs k1
is "$out" logged "logs: the container's output"
pm "$HUTCH_OCI" rm k1
is "$rc" 0 "rm of the stopped container"

# stop: SIGTERM reaches the command
pm "$HUTCH_OCI" run -d --name s1 "$IMG" sh -c 'trap "exit 0" TERM; sleep 1000 & wait'
pm "$HUTCH_OCI" stop -t 20 s1
pm "$HUTCH_OCI" inspect s1 --format '{{.State.ExitCode}}'
is "$out" 0 "stop: the command's TERM trap ran (exit 0)"
pm "$HUTCH_OCI" rm s1

# top: the container's processes, its command as pid 1 (the other pids are the runtimes' own
# numbering); stop: sleep as pid 1 has no TERM handler, so only the KILL after -t ends it
for rt in "$RUNC" "$HUTCH_OCI"; do
	n=$(basename "$rt" | tr - _)
	pm "$rt" run -d --name p1 "$IMG" sh -c 'sleep 1000 & exec sleep 999'
	for ((i = 0; i < 50; i++)); do
		pm "$rt" top p1 comm args
		[ "$(printf '%s\n' "$out" | wc -l)" -ge 3 ] && break
		sleep 0.2
	done
	printf -v "top_$n" '%s' "$(printf '%s\n' "$out" | tr -s ' ' | sort)"
	pm "$rt" top p1 pid args
	printf -v "top1_$n" '%s' "$(printf '%s\n' "$out" | tr -s ' ' | grep '^1 ')"
	pm "$rt" stop -t 1 p1
	pm "$rt" inspect p1 --format '{{.State.ExitCode}}'
	printf -v "stop_$n" '%s' "$out"
	pm "$rt" rm -f -t 0 p1
done
if [ -n "$top1_runc" ] && [ "$top_runc|$top1_runc" = "$top_hutch_oci|$top1_hutch_oci" ]; then
	ok "podman top: the container's processes, the command as pid 1, as runc ($top1_runc)"
else
	not_ok "podman top: as runc" "runc:      $top_runc | $top1_runc" "hutch-oci: $top_hutch_oci | $top1_hutch_oci"
fi
is "$stop_hutch_oci|$stop_runc" "137|137" "stop: sleep as pid 1 ignores TERM and ends by the KILL (137), as with runc"

# rm -f of a running container: nothing of it left
pm "$HUTCH_OCI" run -d --name f1 "$IMG" sleep 1000
pm "$HUTCH_OCI" rm -f -t 0 f1
is "$rc" 0 "rm -f of a running container"
is "$(pgrep -f -- "$XDG_RUNTIME_DIR/hutch-oci" | tr '\n' ' ')$(ls "$XDG_RUNTIME_DIR/hutch-oci")" "" \
	"rm -f: no process and no state left"

# -it: the command's standard streams are a terminal (script(1) gives podman one)
if command -v script >/dev/null; then
	it_run() { # RUNTIME
		with_timeout 60 script -qec "$(printf '%q ' "${PODMAN[@]}" --runtime "$1" run --rm -it "$IMG" \
			sh -c 'sleep 1; [ -t 0 ] && [ -t 1 ] && echo terminal $(tty); [ /dev/console -ef "$(tty)" ] && echo console; exit 5')" \
			/dev/null </dev/null | tr -d '\r'
	}
	# (podman 4.3 attaches to a terminal late: what a container prints at once is lost in 1 run
	# of 3, with runc as with hutch-oci, so the command answers after a second; an empty output
	# is still run once more. A command without a terminal prints nothing both times.)
	out=$(it_run "$HUTCH_OCI")
	[ -n "$out" ] || out=$(it_run "$HUTCH_OCI")
	like "$out" terminal "-it: stdin and stdout are a terminal"
	# the container's own terminal, on its /dev/pts and bound over its /dev/console, as runc's
	rout=$(it_run "$RUNC")
	[ -n "$rout" ] || rout=$(it_run "$RUNC")
	like "$out" 'terminal /dev/pts/0$
console' "-it: the terminal is the container's /dev/pts/0, also its /dev/console"
	is "$(printf '%s\n' "$out" | tr -d '^@')" "$(printf '%s\n' "$rout" | tr -d '^@')" "-it: the terminal's name as with runc"
	pm "$HUTCH_OCI" run -d --name t1 "$IMG" sleep 1000
	out=$(with_timeout 60 script -qec "$(printf '%q ' "${PODMAN[@]}" --runtime "$HUTCH_OCI" exec -it t1 \
		sh -c '[ -t 0 ] && [ -t 1 ] && echo terminal $(tty)')" /dev/null </dev/null | tr -d '\r')
	like "$out" 'terminal /dev/pts/[0-9]' "exec -it: a terminal for the process, on the container's /dev/pts"
	pm "$HUTCH_OCI" rm -f -t 0 t1
else
	skip_n 4 "-it needs script(1) (bsdutils)"
fi
done_testing
