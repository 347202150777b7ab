#!/usr/bin/env bash
# Podman 5 (Debian 13's) with --runtime hutch-oci, each command beside the same one with runc
# (issue 29): what Debian 12's podman 4.3 cannot drive, first `--network pasta -p` ("unable to
# find network with name or ID pasta" there). The host stays Debian 12: a Debian 13 root made
# with debootstrap (cached in HUTCH_PODMAN5_CACHE, default /var/tmp/hutch-podman5; made once,
# from deb.debian.org), entered through an overlay in a mount and pid namespace of the test's
# own, with the built hutch-oci copied in and a user of its own with subordinate ranges;
# podman runs there rootless, as that user. HUTCH_OCI is the dynamically linked build there
# (tests/oci/meson.build): a static one's dlopen() of libnftnl would load Debian 13's libc.so.6
# into a binary linked with Debian 12's, which crashes. Everything the test starts is in that pid
# namespace and ends with it; the overlay and its mounts go with the mount namespace. Root.
. "$HUTCH_TESTS/oci/lib-oci.sh"
. "$HUTCH_TESTS/oci/lib-podman5.sh"
require_root

podman5_root || skip_all "$PODMAN5_WHY"
BASE=$PODMAN5_ROOT
# (podman itself needs a /proc: its version from dpkg)
PODMAN_VERSION=$(chroot "$BASE" dpkg-query -W -f='podman ${Version}' podman 2>/dev/null) || bail_out "no podman in $BASE"
diag "$PODMAN_VERSION, $(chroot "$BASE" dpkg-query -W -f='runc ${Version}' runc), $(chroot "$BASE" dpkg-query -W -f='passt ${Version}' passt)"
for lib in $(ldd "$HUTCH_OCI" | awk '/=>/ {print $1}'); do
	chroot "$BASE" sh -c "ldconfig -p | grep -q '$lib'" ||
		bail_out "the Debian 13 root lacks $lib, which hutch-oci links: add its package to PODMAN5_PKGS"
done

PORT=$((20000 + $$ % 20000))
HOSTPORT=$((PORT + 1))
mkdir -p "$TEST_TMP/in" && cp "$HUTCH_OCI" "$TEST_TMP/in/hutch-oci" || bail_out "cannot prepare $TEST_TMP"

# The user's part, in the root: an image of busybox with a page, then each case with runc and
# with hutch-oci, one line per case and runtime: R <tab> CASE <tab> RUNTIME <tab> STATUS <tab>
# OUTPUT (one line).
cat >"$TEST_TMP/user.sh" <<'EOF'
export PODMAN_IGNORE_CGROUPSV1_WARNING=1
P=(podman --cgroup-manager=cgroupfs --events-backend=file)
res() { printf 'R\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(printf %s "$4" | tr '\n\t' '  ')"; }
d=$(mktemp -d) && mkdir -p "$d"/bin "$d"/www "$d"/etc "$d"/tmp || exit 1
cp /usr/bin/busybox "$d/bin/" && for a in sh httpd true cat wget sleep readlink tr; do ln -s busybox "$d/bin/$a"; done
echo "a page from the container" >"$d/www/index.html"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$d/etc/passwd"
tar -C "$d" -c . | "${P[@]}" import - localhost/web >/dev/null 2>&1 || { echo "import failed"; exit 1; }
mkdir -p /tmp/srv && echo "a page from the host" >/tmp/srv/index.html
busybox httpd -f -p "0.0.0.0:$HOSTPORT" -h /tmp/srv &
for rt in runc /opt/hutch/hutch-oci; do
	name=${rt##*/}
	out=$(timeout 60 "${P[@]}" --runtime "$rt" run --rm localhost/web true 2>&1); res true "$name" $? "$out"
	out=$(timeout 60 "${P[@]}" --runtime "$rt" run --rm localhost/web sh -c 'exit 7' 2>&1); res exit7 "$name" $? "$out"
	# the issue's command: pasta, with a port forwarded to the container's web server
	timeout 60 "${P[@]}" --runtime "$rt" run -d --name web --network pasta -p "$PORT:80" localhost/web \
		httpd -f -p 80 -h /www >/dev/null 2>&1
	st=1
	for _ in $(seq 100); do
		out=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/") && st=0 && break
		sleep 0.1
	done
	res pasta-p "$name" $st "$out"
	timeout 60 "${P[@]}" rm -f -t 0 web >/dev/null 2>&1
	# podman 5's own rootless network is pasta: the host reached from inside, by the name
	# podman gives it
	out=$(timeout 60 "${P[@]}" --runtime "$rt" run --rm localhost/web \
		wget -qO- "http://host.containers.internal:$HOSTPORT/" 2>&1)
	res pasta-out "$name" $? "$out"
	# a running container: exec into it, and another one in its pid namespace (the pid podman
	# knows it by is its init's)
	timeout 60 "${P[@]}" --runtime "$rt" run -d --name a localhost/web sleep 300 >/dev/null 2>&1
	out=$(timeout 60 "${P[@]}" --runtime "$rt" exec a cat /proc/1/cmdline 2>&1 | tr '\0' ' ')
	res exec "$name" $? "$out"
	out=$(timeout 60 "${P[@]}" --runtime "$rt" run --rm --pid container:a localhost/web cat /proc/1/cmdline 2>&1 | tr '\0' ' ')
	res pid-container "$name" $? "$out"
	out=$(timeout 60 "${P[@]}" --runtime "$rt" rm -f -t 0 a 2>&1)
	res rm-f "$name" $? "$out"
done
EOF

PODMAN5_ENV="PORT=$PORT HOSTPORT=$HOSTPORT" podman5_enter "$TEST_TMP" >"$TEST_TMP/results" 2>"$TEST_TMP/inner.err"
rc=$?
grep -v '^R	' "$TEST_TMP/results" | while IFS= read -r l; do diag "$l"; done
[ -s "$TEST_TMP/inner.err" ] && diag "stderr: $(tail -n 3 "$TEST_TMP/inner.err" | tr '\n' ' ')"
[ $rc = 0 ] || diag "the root's run ended with status $rc"

# result CASE RUNTIME: "STATUS|OUTPUT"
result() { awk -F'\t' -v c="$1" -v r="$2" '$1 == "R" && $2 == c && $3 == r { print $4 "|" $5 }' "$TEST_TMP/results"; }

# expect CASE WANT DESC: runc and hutch-oci both give WANT ("STATUS|OUTPUT")
expect() {
	local runc hutch
	runc=$(result "$1" runc)
	hutch=$(result "$1" hutch-oci)
	if [ "$hutch" = "$2" ] && [ "$runc" = "$2" ]; then
		ok "$PODMAN_VERSION: $3: as runc ($2)"
	elif [ "$hutch" = "$2" ]; then
		ok "$PODMAN_VERSION: $3 ($2; runc gave '$runc' here)"
	else
		not_ok "$PODMAN_VERSION: $3: hutch-oci gave '$hutch', runc '$runc', expected '$2'"
	fi
}

expect true "0|" "run --rm IMAGE true"
expect exit7 "7|" "run --rm IMAGE sh -c 'exit 7': the status"
expect pasta-p "0|a page from the container" "run --network pasta -p $PORT:80: the container's server from the host"
expect pasta-out "0|a page from the host" "pasta, podman's own network: the host's server by host.containers.internal"
expect exec "0|sleep 300 " "exec into a running container: its pid 1 is the command"
expect pid-container "0|sleep 300 " "run --pid container:A: A's init is pid 1 there"
expect rm-f "0|a" "rm -f -t 0 of the running container"

# tests/oci/podman.sh, the comparison written for podman 4.3, run whole under podman 5 in the
# same root: each of its checks relayed here, named "podman 5, podman.sh: ...". (It found that
# podman 5 keeps a container's files, userdata/shm among them, under a directory only its user
# may search, which --uidmap's container root could not bind by path: hutch-oci now opens the
# binds' sources before the clone, as runc does; mount.h, mount_trees_outside.)
mkdir -p "$TEST_TMP/all/in" && cp "$HUTCH_OCI" "$TEST_TMP/all/in/hutch-oci" && cp "$HUTCH" "$TEST_TMP/all/in/" &&
	cp -r "$HUTCH_TESTS" "$TEST_TMP/all/in/tests" || bail_out "cannot prepare $TEST_TMP/all"
cat >"$TEST_TMP/all/user.sh" <<'EOF'
cd /tmp && exec env HUTCH=/opt/hutch/hutch HUTCH_OCI=/opt/hutch/hutch-oci HUTCH_TESTS=/opt/hutch/tests \
	HUTCH_SRCDIR=/opt/hutch bash /opt/hutch/tests/oci/podman.sh
EOF
PODMAN5_TIMEOUT=900 podman5_enter "$TEST_TMP/all" >"$TEST_TMP/all.tap" 2>"$TEST_TMP/all.err"
rc=$?
relayed=0 planned=
pending=() # a "not ok" and its diagnostics, written once the next line shows where they end
flush() {
	[ ${#pending[@]} -gt 0 ] || return 0
	not_ok "podman 5, podman.sh: ${pending[0]}" "${pending[@]:1}"
	pending=()
}
while IFS= read -r line; do
	case $line in
	'#'*) [ ${#pending[@]} -gt 0 ] && pending+=("${line#\# }") ;;
	'ok '*'# SKIP'*)
		flush
		relayed=$((relayed + 1))
		skip "podman 5, podman.sh: ${line#*# SKIP }"
		;;
	'ok '*)
		flush
		relayed=$((relayed + 1))
		ok "podman 5, podman.sh: ${line#ok * - }"
		;;
	'not ok '*)
		flush
		relayed=$((relayed + 1))
		pending=("${line#not ok * - }")
		;;
	1..*)
		flush
		planned=${line#1..}
		planned=${planned%% *}
		;;
	'Bail out!'*)
		flush
		not_ok "podman 5, podman.sh: $line"
		;;
	esac
done <"$TEST_TMP/all.tap"
flush
if [ "$planned" != "$relayed" ]; then
	not_ok "podman 5, podman.sh: ran $relayed of its ${planned:-?} checks (status $rc)" "$(tail -n 5 "$TEST_TMP/all.err")"
fi

done_testing
