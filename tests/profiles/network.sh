#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ is for the sandbox's shell
# Every shipped profile, started from the home, from / and from a project directory (issue
# 21): a server the test starts on the host's 127.0.0.1 is out of reach (directly, and through
# the user-mode gateway, which pasta and slirp4netns can map to the host's loopback), and no
# host interface is there: the sandbox's network namespace is not the host's, and none of the
# host's link addresses shows in it. inc/network.inc's profiles have a network of their own
# (user-mode, --deny-lan); the others none. (--workdir empty on the command line lets the tools
# start from ~ and / too, so that each case runs.)
# Against f9983ce, inc/network.inc said share-net: every network profile reached the server and
# saw the host's interfaces.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
. "$(dirname "${BASH_SOURCE[0]}")/../net/lib-net.sh"
require_userns
command -v pasta >/dev/null || command -v slirp4netns >/dev/null ||
	skip_all "neither pasta (passt) nor slirp4netns is installed"
command -v ip >/dev/null || skip_all "ip (iproute2) is needed to list the interfaces"

mkdir -p "$HOME/project"
printf '[user]\n\tname = Test\n' >"$HOME/.gitconfig"
host_net=$(readlink /proc/self/ns/net)
host_macs=$(ip -o link | grep -v 'link/loopback' | grep -o 'link/[a-z]* [0-9a-f:]*' | awk '{print $2}' | sort -u | tr '\n' ' ')
start_server 127.0.0.1 host-loopback 1000 || bail_out "the test server never said ready"

# Prints "reached ADDR" for each address where the server answered, then the namespace and the
# link addresses.
PROBE='for a in 127.0.0.1 10.0.2.2 $(ip route 2>/dev/null | awk "/^default/ { print \$3 }"); do
	timeout 5 bash -c "exec 3<>/dev/tcp/$a/$1 && IFS= read -r l <&3 && [ \"\$l\" = host-loopback ]" 2>/dev/null && echo "reached $a"
done
echo "ns $(readlink /proc/self/ns/net)"
ip -o link | grep -o "link/[a-z]* [0-9a-f:]*" | awk "{ print \"mac \" \$2 }"'

for name in $(shipped_names); do
	for where in home root project; do
		case $where in
		home) dir=$HOME ;;
		root) dir=/ ;;
		project) dir=$HOME/project ;;
		esac
		(cd "$dir" && run_hutch --profile "$name" --workdir empty -- bash -c "$PROBE" - "$server_port" &&
			declare -p rc out err >"$TEST_TMP/last")
		# shellcheck disable=SC1091
		. "$TEST_TMP/last"
		bad=$(printf '%s\n' "$out" | grep '^reached ')
		[ "$(printf '%s\n' "$out" | sed -n 's/^ns //p')" = "$host_net" ] && bad+=" the host's network namespace"
		for m in $(printf '%s\n' "$out" | sed -n 's/^mac //p'); do
			[[ " $host_macs " == *" $m "* ]] && [ "$m" != 00:00:00:00:00:00 ] && bad+=" host interface $m"
		done
		if [ "$rc" != 0 ]; then
			not_ok "$name from $where: runs" "exit $rc: $err"
		elif [ -n "$bad" ]; then
			not_ok "$name from $where: the host's loopback and interfaces are out of reach" "$bad"
		else
			ok "$name from $where: the host's loopback and interfaces are out of reach"
		fi
	done
done

# share-net stays an explicit choice (in curl.local): it is the host's network again.
cd "$HOME/project" || bail_out "cd"
printf 'ignore deny-lan\nshare-net\n' >"$USER_PROFILES/curl.local"
run_hutch --profile curl -- bash -c "$PROBE" - "$server_port"
like "$out" "reached 127.0.0.1" "curl with share-net in curl.local: the host's network, as asked"
rm "$USER_PROFILES/curl.local"
run_hutch --profile curl --allow-host-port "$server_port" -- bash -c "$PROBE" - "$server_port"
like "$out" "reached" "curl --allow-host-port PORT: that port of the host's loopback, as asked"

done_testing
