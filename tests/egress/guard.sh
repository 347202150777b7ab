#!/usr/bin/env bash
# --deny-lan and --allow-host-port: the internet (here a documentation address) is reached, a
# 10.x address is not, the host's port P is reached through the user-mode gateway and another
# host port is not.
if [ -z "${HUTCH_EGRESS_ISOLATED:-}" ]; then
	unshare -Urnm true 2>/dev/null || { echo "1..0 # SKIP cannot unshare -Urnm" && exit 0; }
	HUTCH_EGRESS_ISOLATED=1 exec unshare -Urnm --propagation private bash "${BASH_SOURCE[0]}"
fi
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-egress.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../net/lib-net.sh"

egress_outside 192.0.2.11 10.9.9.9 || bail_out "cannot make the test's network"
egress_servers 60 a.test=192.0.2.11 lan.test=10.9.9.9 || bail_out "the test servers never said ready"
start_server 127.0.0.1 host-allowed 100 || bail_out "the host server never said ready"
allowed=$server_port
start_server 127.0.0.1 host-other 100 || bail_out "the host server never said ready"
other=$server_port
fetch='exec 3<>/dev/tcp/10.0.2.2/$1 && IFS= read -r l <&3 && echo "$l"'

backends=(slirp)
command -v pasta >/dev/null && backends+=(pasta)
plan $((10 * ${#backends[@]}))

# first_act B ADDR PORT OPTS...: TRIES sandboxes whose command is the static probe's connect,
# the first thing it does after exec; prints how many connected. The policy must be in force
# before the command runs (it waits for NET_READY, sent once the ruleset is installed). A
# launcher that sent NET_READY before the install (built on purpose) failed all four checks,
# 1 or 2 of the 10 connects getting through; bash or python start too slowly to see it.
TRIES=10
first_act() {
	local b=$1 addr=$2 port=$3 n=0
	shift 3
	for _ in $(seq "$TRIES"); do
		run_hutch --net "$b" --deny-lan "$@" --ro-bind "$PROBE:/probe" -- /probe connect "$addr" "$port"
		[ "$out" = "connect: connected" ] && n=$((n + 1))
	done
	echo "$n"
}

for b in "${backends[@]}"; do
	if [ -x "${PROBE:-}" ] && ! ldd "$PROBE" >/dev/null 2>&1; then
		is "$(first_act "$b" 10.9.9.9 80)" 0 "$b: a LAN address, the command's first act, is refused ($TRIES runs)"
		is "$(first_act "$b" 10.0.2.2 "$other" --allow-host-port "$allowed")" 0 \
			"$b: a host port not allowed, the command's first act, is refused ($TRIES runs)"
	else
		skip_n 2 "no static probe built"
	fi
	run_hutch -v --net "$b" --dns-upstream 127.0.0.1:5353 --deny-lan --allow-host-port "$allowed" -- sh -c \
		'curl -sS -m 10 http://a.test/; curl -sS -m 10 http://lan.test/; echo "lan=$?"; python3 -c "$1" 10.9.9.9 80' _ "$RAW_CONNECT"
	like "$out" "hello from 192.0.2.11" "$b: --deny-lan: a public address is reached"
	like "$out" "lan=7" "$b: a 10.x address is refused"
	like "$out" "refused 0\.[0-9]+ 111" "$b: at once, also for a raw connect"
	like "$err" "denied connect 10.9.9.9:80 \(a LAN address \(deny-lan\)\)" "$b: --verbose says why"

	run_hutch --net "$b" --deny-lan --allow-host-port "$allowed" -- bash -c "$fetch" _ "$allowed"
	is "$out" host-allowed "$b: --allow-host-port: that port of the host is reached through 10.0.2.2"
	run_hutch -v --net "$b" --deny-lan --allow-host-port "$allowed" -- timeout 10 bash -c "$fetch" _ "$other"
	unlike "$out" host-other "$b: another host port is not"
	like "$err" "denied connect 10.0.2.2:$other \(host port not in allow-host-port\)" "$b: and --verbose says so"

	run_hutch -v --net "$b" --deny-lan -- sh -c 'getent hosts a.test >/dev/null; python3 -c "$1" 10.0.2.3 53' _ "$RAW_CONNECT"
	like "$err" "denied connect 10.0.2.3:53 \(names resolve through hutch's resolver only\)" \
		"$b: the back-end's own resolver is refused (TCP 53 too)"
done
