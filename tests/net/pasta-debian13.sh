#!/usr/bin/env bash
# --net pasta with Debian 13's pasta (passt 2025), which Debian 12's host does not have: in the
# Debian 13 root of tests/oci/lib-podman5.sh (debootstrapped once, cached), as a user with
# subordinate ranges, the built hutch starts pasta, the sandbox has its route, a port forward
# reaches a server in the sandbox from outside, and no readiness fifo is left behind. That pasta
# makes itself non-dumpable before it opens its --pid file, so the /proc/self/fd/3 hutch gave it
# before was refused ("pasta exited before it was ready"). Root.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$HUTCH_TESTS/oci/lib-podman5.sh"
require_root
[ -x /usr/bin/busybox ] && ! ldd /usr/bin/busybox >/dev/null 2>&1 ||
	skip_all "needs a static busybox (Debian's busybox-static)"
podman5_root || skip_all "$PODMAN5_WHY"
for lib in $(ldd "$HUTCH" | awk '/=>/ {print $1}'); do
	chroot "$PODMAN5_ROOT" sh -c "ldconfig -p | grep -q '$lib'" ||
		bail_out "the Debian 13 root lacks $lib, which hutch links: add its package to PODMAN5_PKGS"
done
diag "$(chroot "$PODMAN5_ROOT" dpkg-query -W -f='passt ${Version}' passt)"

PORT=$((20000 + $$ % 20000))
mkdir -p "$TEST_TMP/in" && cp "$HUTCH" "$TEST_TMP/in/hutch" && cp -r "$HUTCH_SRCDIR/profiles" "$TEST_TMP/in/profiles" ||
	bail_out "cannot prepare $TEST_TMP"
cat >"$TEST_TMP/user.sh" <<'EOF'
r=$HOME/rootfs
mkdir -p "$r"/bin "$r"/etc "$r"/dev "$r"/proc "$r"/sys "$r"/tmp "$r"/run "$r"/root "$r"/www
cp /usr/bin/busybox "$r/bin/" && for a in sh ip httpd true; do ln -s busybox "$r/bin/$a"; done
echo "a page from the sandbox" >"$r/www/index.html"
out=$(hutch --net pasta -- busybox ip -4 route 2>&1)
st=$?
echo "R route $(printf %s "$out" | tr '\n' ' ')|$st"
out=$(hutch --rootfs "$r" --net pasta -- ip -4 route 2>&1)
st=$?
echo "R rootfs $(printf %s "$out" | tr '\n' ' ')|$st"
hutch --rootfs "$r" --net pasta --port "$PORT:8080" -- httpd -f -p 8080 -h /www >/out/httpd.log 2>&1 &
h=$!
st=1
for _ in $(seq 100); do
	out=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/") && st=0 && break
	sleep 0.1
done
echo "R port $out|$st"
kill "$h"
wait "$h"
echo "R left $(ls -d "$XDG_RUNTIME_DIR"/hutch-pasta.* /tmp/hutch-pasta.* 2>/dev/null | wc -l)"
EOF
PODMAN5_ENV="PORT=$PORT HUTCH_PROFILE_PATH=/opt/hutch/profiles" podman5_enter "$TEST_TMP" >"$TEST_TMP/results" 2>"$TEST_TMP/err"
diag "status $?; $(tail -n 2 "$TEST_TMP/err" | tr '\n' ' ')"
r() { sed -n "s/^R $1 //p" "$TEST_TMP/results"; }

like "$(r route)" "default via 10.0.2.2 dev tap0 .*\|0$" "hutch --net pasta: pasta ready, the sandbox's default route through it"
like "$(r rootfs)" "default via 10.0.2.2 dev tap0 .*\|0$" "hutch --rootfs --net pasta: the same with subordinate ranges"
is "$(r port)" "a page from the sandbox|0" "--port $PORT:8080: a server in the sandbox reached from outside"
is "$(r left)" "0" "no readiness fifo or its directory left in the runtime dir or /tmp"
[ -s "$TEST_TMP/out/httpd.log" ] && diag "httpd: $(head -c 300 "$TEST_TMP/out/httpd.log")"

done_testing
