#!/usr/bin/env bash
# User-mode networking, for each of slirp4netns and pasta that is installed: the sandbox's
# layout (10.0.2.100 behind 10.0.2.2, resolver 10.0.2.3 in its resolv.conf), the sandbox's own
# loopback not leading to the host's, a host port forwarded to a server inside, two sandboxes
# forwarding different ports at once, a port in use refused before the command starts, and no
# back-end left running when the launcher is SIGKILLed; the command's status returned and the
# back-end reaped by hutch itself (under a subreaper standing for the session's init), also when
# it started in the id-map helpers' window and a helper then failed; the interface the
# persistent tap0 made ahead; with --ipv6, a global address and a
# default route already there when the command starts (no waiting in the command). Everything talks to the host's
# loopback only; reaching the host's loopback through the gateway (and its refusal) is in
# isolated.sh, where the back-ends' outside is a network namespace the test made.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-net.sh"
require_userns
net_share
CHECKS=24
plan $((2 * CHECKS))

# sandbox_server NAME PORT COUNT OPTS...: a sandbox whose command is serve.py on 0.0.0.0:PORT,
# started in the background with its own output files; waits until it listens. Sets $bg_pid.
sandbox_server() {
	local name=$1 port=$2 count=$3 fd
	shift 3
	fifo_open fd "$share/ready-$name" || return 1
	"${HUTCH_CMD[@]}" "$@" --bind "$share:/share" -- \
		python3 /share/serve.py 0.0.0.0 "$port" "/share/ready-$name" "$name" "$count" \
		</dev/null >"$TEST_TMP/$name.out" 2>"$TEST_TMP/$name.err" &
	bg_pid=$!
	track_pid "$bg_pid"
	if ! read_line "$fd" 30; then
		diag "sandbox $name never listened: $(cat "$TEST_TMP/$name.err")"
		exec {fd}>&-
		return 1
	fi
	exec {fd}>&-
}

# port_free PORT: whether nothing holds PORT on the host any more.
port_free() {
	python3 -c 'import socket, sys; socket.socket().bind(("0.0.0.0", int(sys.argv[1])))' "$1" 2>/dev/null
}

test_backend() {
	local b=$1 prog=$2 p1 p2 pa pb helper
	local opt=(--net "$b")

	run_hutch "${opt[@]}" -- cat /etc/resolv.conf
	expect_exit 0 "$b: runs"
	is "$out" "nameserver 10.0.2.3" "$b: resolv.conf names the back-end's resolver"

	run_hutch "${opt[@]}" -- cat /proc/net/route
	like "$out" $'\t00000000\t0202000A\t' "$b: the default route goes through 10.0.2.2"

	run_hutch "${opt[@]}" -- cat /proc/net/fib_trie
	like "$out" '10\.0\.2\.100' "$b: the sandbox is 10.0.2.100"

	# The tap is made ahead by the sandbox, persistent, so that the back-end's exit does not
	# wait for its removal (net.h). Fails on 5d97cb8: pasta's was named as the host's
	# interface, slirp4netns's tap0 was not persistent.
	if command -v ip >/dev/null; then
		run_hutch "${opt[@]}" -- ip -d link show tap0
		like "$out" 'tun type tap .*persist on' "$b: the sandbox's interface is the persistent tap0"
	else
		skip "no ip(8) (iproute2)"
	fi

	run_hutch -v "${opt[@]}" -- true
	like "$err" "net: $prog ready \\(pid [0-9]+\\)" "$b: -v says $prog is ready"

	# pasta's AVX2 build, which pasta re-executes itself as, is started directly (one exec of a
	# dynamic program less); a build there that cannot be executed leaves pasta itself to run.
	local real
	real=$(realpath "$(command -v "$prog")").avx2
	if [ "$b" != pasta ]; then
		skip_n 2 "slirp4netns has a single build"
	elif [ -x "$real" ] && grep -qw avx2 /proc/cpuinfo; then
		like "$err" "net: starting pasta's AVX2 build $real directly" "$b: -v says its AVX2 build starts directly"
		mkdir -p "$TEST_TMP/pbin"
		cp "$(realpath "$(command -v pasta)")" "$TEST_TMP/pbin/pasta"
		: >"$TEST_TMP/pbin/pasta.avx2"
		chmod +x "$TEST_TMP/pbin/pasta.avx2"
		PATH=$TEST_TMP/pbin:$PATH run_hutch "${opt[@]}" -- cat /proc/net/fib_trie
		like "$rc $(printf '%s' "$out" | grep -c '10\.0\.2\.100')" '^0 [1-9]' \
			"$b: an AVX2 build that cannot run: pasta itself runs"
	else
		skip_n 2 "no AVX2 build of pasta at $real, or no AVX2 in this CPU"
	fi

	# The launcher tells the back-end to end first and waits for its exit last, after its own
	# teardown (net_stop_begin): the command's status is still the one returned, and the
	# back-end is reaped by hutch itself, never left to the session's init.
	reaped_hutch "$TEST_TMP/left" "${opt[@]}" -- sh -c 'exit 7'
	expect_exit 7 "$b: the command's exit status comes back"
	no_helper_left "$TEST_TMP/left" "$b: $prog is reaped by hutch, not left to the init"

	# With subordinate ranges the back-end starts while newuidmap and newgidmap run, before
	# the maps are written: it configures the network all the same, and a helper that fails
	# after it started leaves nothing running.
	if [ -n "$(subid_ranges /etc/subuid)" ] && [ -n "$(subid_ranges /etc/subgid)" ] &&
		command -v newuidmap >/dev/null && command -v newgidmap >/dev/null; then
		run_hutch "${opt[@]}" --idmap subid -- cat /proc/net/fib_trie
		like "$out" '10\.0\.2\.100' "$b, --idmap subid: the sandbox is 10.0.2.100"
		mkdir -p "$TEST_TMP/failing-helpers"
		printf '#!/bin/sh\necho "refused by the test" >&2\nexit 1\n' >"$TEST_TMP/failing-helpers/newuidmap"
		chmod +x "$TEST_TMP/failing-helpers/newuidmap"
		PATH=$TEST_TMP/failing-helpers:$PATH reaped_hutch "$TEST_TMP/left" "${opt[@]}" --idmap subid -- true
		like "$rc $err" '^125 .*newuidmap failed \(refused by the test\)' \
			"$b, --idmap subid: a helper that fails is the error, exit 125"
		no_backend_left "$TEST_TMP/left" "$b, --idmap subid: $prog, started before the failure, is reaped"
	else
		skip_n 3 "no subordinate ranges or no newuidmap/newgidmap"
	fi

	if [ -e /proc/net/if_inet6 ]; then
		run_hutch "${opt[@]}" --ipv6 -- sh -c 'cat /proc/net/if_inet6 /proc/net/ipv6_route'
		like "$out" '^fd00[0-9a-f]{28} [0-9a-f]{2} 40 00 ' "$b: --ipv6: the command starts with a global fd00::/64 address"
		like "$out" '^0{32} 00 0{32} 00 (fe80|fd00)[0-9a-f]{28} ' "$b: --ipv6: and a default route through the back-end's router"
	else
		skip_n 2 "no IPv6 in this kernel"
	fi

	# With pasta's defaults (-T auto) the sandbox's own 127.0.0.1 would lead to the host's.
	run_hutch "${opt[@]}" -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$server_port"
	like "$err" "Connection refused" "$b: the sandbox's 127.0.0.1 is not the host's"

	p1=$(free_port)
	helper=
	if sandbox_server "$b-A" 8080 1 "${opt[@]}" --port "$p1:8080"; then
		helper=$(helper_of "$bg_pid")
		is "$(greeting 127.0.0.1 "$p1")" "$b-A" "$b: host port $p1 reaches the server inside"
	else
		not_ok "$b: host port $p1 reaches the server inside"
	fi
	wait "$bg_pid"
	is "$?" 0 "$b: the sandbox with the forward ends cleanly"
	# The launcher returns without waiting for pid 1's exit (as without a back-end), but only
	# once it has stopped and reaped the back-end: none is left, not even a zombie.
	if [ -n "$helper" ] && ! kill -0 "$helper" 2>/dev/null; then
		ok "$b: $prog is gone when hutch returns"
	else
		not_ok "$b: $prog is gone when hutch returns" "helper pid '$helper'" \
			"$(ps -o pid,ppid,stat,args -p "${helper:-1}")"
	fi

	pa=$(free_port)
	pb=$(free_port)
	[ "$pa" != "$pb" ] || pb=$((pa + 1))
	if sandbox_server "$b-B" 8080 1 "${opt[@]}" --port "$pa:8080" && p1=$bg_pid &&
		sandbox_server "$b-C" 9090 1 "${opt[@]}" --port "127.0.0.1:$pb:9090"; then
		is "$(greeting 127.0.0.1 "$pa") $(greeting 127.0.0.1 "$pb")" "$b-B $b-C" \
			"$b: two sandboxes forward ports $pa and $pb at once"
	else
		not_ok "$b: two sandboxes forward ports $pa and $pb at once"
	fi
	wait "$p1" "$bg_pid"

	run_hutch "${opt[@]}" --port "$server_port:8080" -- true
	expect_exit 125 "$b: a host port in use: exit 125"
	like "$err" "^hutch: --port: host port $server_port/tcp is already in use$" \
		"$b: a host port in use: one clear line"

	p2=$(free_port)
	if sandbox_server "$b-K" 8080 1 "${opt[@]}" --port "$p2:8080"; then
		helper=$(helper_of "$bg_pid")
		kill -KILL "$bg_pid"
		wait "$bg_pid" 2>/dev/null
		if [ -n "$helper" ] && wait_gone "$helper" 20; then
			ok "$b: $prog ends when the launcher is SIGKILLed"
		else
			not_ok "$b: $prog ends when the launcher is SIGKILLed" "helper pid '$helper'" \
				"$(ps -o pid,ppid,stat,args -p "${helper:-1}")"
		fi
		if port_free "$p2"; then
			ok "$b: and its forwarded port $p2 is free again"
		else
			not_ok "$b: and its forwarded port $p2 is free again"
		fi
	else
		not_ok "$b: $prog ends when the launcher is SIGKILLed" "the sandbox never listened"
		skip "no sandbox"
	fi
}

start_server 127.0.0.1 host-server 100 || bail_out "the test server never said ready"

for b in slirp pasta; do
	prog=$b
	[ "$b" = slirp ] && prog=slirp4netns
	if have_backend "$b"; then
		test_backend "$b" "$prog"
	else
		skip_n "$CHECKS" "$prog is not installed"
	fi
done
