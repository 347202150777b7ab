#!/usr/bin/env bash
# --net none (the default): the sandbox has only lo, and the host's loopback services are out
# of reach (its 127.0.0.1 is its own); --net host, the control, reaches the same server.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-net.sh"
require_userns
plan 6

start_server 127.0.0.1 host-server 1 || bail_out "the test server never said ready"

run_hutch --net none -- cat /proc/net/dev
expect_exit 0 "--net none: reads /proc/net/dev"
is "$(printf '%s\n' "$out" | awk -F: 'NR > 2 { gsub(/[ \t]/, "", $1); print $1 }')" lo \
	"--net none: the only interface is lo"

run_hutch --net none -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$server_port"
like "$rc" '^[1-9]' "--net none: a connection to the host's loopback server fails"
like "$err" "Connection refused" "--net none: refused at once by the sandbox's own lo"

run_hutch --net host -- bash -c "exec 3<>/dev/tcp/127.0.0.1/$server_port && IFS= read -r l <&3 && echo \"\$l\""
expect_exit 0 "--net host: connects to the host's loopback server"
is "$out" host-server "--net host: and reads its greeting"
