#!/usr/bin/env bash
# Blocked user namespaces: hutch nested in a hutch sandbox, whose default seccomp filter
# refuses CLONE_NEWUSER. --tier auto falls back to the restricted tier and says so; inside it a
# path outside the allowed set is not readable (EACCES), a path outside the writable set not
# writable, and connecting out fails when the profile allows no network, where a connection
# with --share-net succeeds. --tier full exits 125 with the reason; a profile that needs a
# private /tmp is refused naming the directive.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-tier.sh"
require_userns
require_landlock

ro=$TEST_TMP/ro
rw=$TEST_TMP/rw
mkdir "$ro" "$rw"
echo readable >"$ro/file"
echo secret >"$TEST_TMP/secret"
# The outer sandbox: the test's directory writable, the host's network, hutch at /h. In an
# ASan build the inner hutch must not look for leaks at exit: LeakSanitizer stops the world
# with ptrace, which the outer filter refuses.
OUTER=(--bind "$TEST_TMP" --share-net --setenv ASAN_OPTIONS=detect_leaks=0 --ro-bind "$HUTCH:/h" -- /h)
INNER=(--read-only "$ro" --bind "$rw")

run_hutch "${OUTER[@]}" "${INNER[@]}" -- cat "$ro/file"
is "$rc:$out" "0:readable" "--tier auto: the command runs, and reads an allowed path"
like "$err" 'running in the restricted tier' "... in the restricted tier, which hutch says"
run_hutch "${OUTER[@]}" "${INNER[@]}" -- cat "$TEST_TMP/secret"
like "$rc:$(flat "$err")" '^1:.*Permission denied' "reading outside the allowed set fails with EACCES"
run_hutch "${OUTER[@]}" "${INNER[@]}" -- sh -c "echo x > '$TEST_TMP/out'"
like "$rc:$(flat "$err")" '^2:.*Permission denied' "writing outside the writable set fails"
[ -e "$TEST_TMP/out" ] && not_ok "... and nothing was written" || ok "... and nothing was written"
run_hutch "${OUTER[@]}" "${INNER[@]}" -- sh -c "echo x > '$rw/in'"
is "$rc:$(cat "$rw/in" 2>/dev/null)" "0:x" "writing inside the writable set works"

# A listener on the host's loopback, which the outer sandbox shares.
if command -v python3 >/dev/null; then
	fifo_open portfd "$TEST_TMP/port" || bail_out "cannot make a fifo"
	python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
print(s.getsockname()[1], flush=True)
while True:
    s.accept()[0].close()
' >"$TEST_TMP/port" &
	track_pid $!
	if read_line "$portfd" 10; then
		port=$line
		connect="exec 3<>/dev/tcp/127.0.0.1/$port && echo connected"
		run_hutch "${OUTER[@]}" "${INNER[@]}" --share-net -- bash -c "$connect"
		is "$rc:$out" "0:connected" "with --share-net the command connects to the listener"
		run_hutch "${OUTER[@]}" "${INNER[@]}" -- bash -c "$connect"
		like "$rc:$(flat "$err")" '^1:.*Permission denied' "with no network allowed, connecting out fails"
	else
		skip_n 2 "the listener did not start"
	fi
else
	skip_n 2 "no python3 for a listener"
fi

run_hutch "${OUTER[@]}" --tier=full -- true
expect_exit 125 "--tier=full: 125"
like "$err" 'new user namespace: .*seccomp filter' "... with the reason (the seccomp filter around it)"

printf 'private-tmp\n' >"$TEST_TMP/ptmp.profile"
run_hutch "${OUTER[@]}" --tier=restricted --profile "$TEST_TMP/ptmp.profile" -- true
expect_exit 125 "a profile with private-tmp under --tier=restricted: refused"
like "$err" 'cannot give private-tmp' "... naming the directive"
done_testing
