#!/usr/bin/env bash
# Refusals of the network options: one clear line each and exit 125, before any sandbox runs:
# a back-end that is not installed, bad --port specs, options the mode cannot honour, --net
# veth without its helper; and which back-end auto-usermode picks.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

# refused DESC PATTERN OPTS...: exit 125 and exactly one line on stderr, matching PATTERN.
refused() {
	local desc=$1 pattern=$2
	shift 2
	run_hutch "$@" -- true
	expect_exit 125 "$desc: exit 125"
	if [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && printf '%s\n' "$err" | grep -Eq -- "$pattern"; then
		ok "$desc: one clear line"
	else
		not_ok "$desc: one clear line" "stderr:" "$err" "expected one line matching: $pattern"
	fi
}

empty=$TEST_TMP/empty-path
mkdir "$empty"

# path_run DIR FUNC ARGS...: FUNC with hutch (only hutch) started with PATH=DIR.
path_run() {
	local saved=("${HUTCH_CMD[@]}") dir=$1
	shift
	HUTCH_CMD=(env "PATH=$dir" "${saved[@]}")
	"$@"
	HUTCH_CMD=("${saved[@]}")
}

# The back-end is looked up in $PATH: an empty one has none.
path_run "$empty" refused "--net slirp without slirp4netns" '^hutch: net: slirp4netns is not installed' --net slirp
path_run "$empty" refused "--net pasta without pasta" '^hutch: net: pasta is not installed' --net pasta
if [ "$(id -u)" != 0 ]; then
	path_run "$empty" refused "--net veth without hutch-veth" '^hutch: net: hutch-veth is not installed' \
		--net veth --bridge br0
else
	refused "as root, --net veth on a bridge that is not there" '^hutch: --bridge: bridge hutch-nope0: no such interface$' \
		--net veth --bridge hutch-nope0
fi

refused "--port 80" "^hutch: --port: '80': expected" --net slirp --port 80
refused "--port 0:80" "^hutch: --port: '0:80': ports are numbers" --net slirp --port 0:80
refused "--port 8080:80/sctp" "the protocol is tcp or udp" --net slirp --port 8080:80/sctp
refused "--port with a host name" "is not an IP address" --net slirp --port localhost:8080:80
refused "--port with --net none" "^hutch: --port: needs --net slirp or --net pasta" --port 8080:80
refused "--allow-host-loopback with --net host" "needs --net slirp or --net pasta" \
	--net host --allow-host-loopback
refused "--net veth without --bridge" "veth needs --bridge" --net veth
refused "--bridge with a slash" "is not an interface name" --net veth --bridge a/b

# auto-usermode: pasta when it is in $PATH, else slirp4netns.
only_slirp=$TEST_TMP/only-slirp
mkdir "$only_slirp"
# The id-map helpers stay reachable (HUTCH_TEST_IDMAP=subid asks for them).
for helper in newuidmap newgidmap; do
	command -v "$helper" >/dev/null && ln -s "$(command -v "$helper")" "$only_slirp/"
done
if command -v slirp4netns >/dev/null; then
	ln -s "$(command -v slirp4netns)" "$only_slirp/"
	path_run "$only_slirp" run_hutch -v --net auto-usermode -- /bin/true
	like "$err" "net: slirp4netns ready" "auto-usermode without pasta: slirp4netns"
else
	skip "slirp4netns is not installed"
fi
if command -v pasta >/dev/null; then
	run_hutch -v --net auto-usermode -- true
	like "$err" "net: pasta ready" "auto-usermode with pasta installed: pasta"
else
	skip "pasta is not installed"
fi

done_testing
