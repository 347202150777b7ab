#!/usr/bin/env bash
# What crosses into the sandbox: only fds 0-2 and --keep-fd ones (an fd the test opens without
# CLOEXEC does not), and an environment without the session variables.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-confine.sh"
require_userns

echo secret >"$TEST_TMP/leak"
exec {leak}<"$TEST_TMP/leak" # bash opens it without O_CLOEXEC
[ -e "/proc/$$/fd/$leak" ] || bail_out "could not open the fd to leak"

probe_in -- fds
is "$out" "fds=0,1,2" "an fd opened without CLOEXEC before hutch is absent inside"
probe_in --keep-fd "$leak" -- fds
is "$out" "fds=0,1,2,$leak" "--keep-fd $leak passes exactly that one"
exec {leak}<&-

SESSION_VARS="SSH_AUTH_SOCK SSH_AGENT_PID GPG_AGENT_INFO DBUS_SESSION_BUS_ADDRESS XDG_SESSION_ID
XDG_SESSION_TYPE KRB5CCNAME SESSION_MANAGER"
for v in $SESSION_VARS; do
	export "$v=/leaked/$v"
done
export HUTCH_TEST_PLAIN=kept

probe_in -- env
for v in $SESSION_VARS; do
	unlike "$out" "^$v=" "$v is scrubbed from the command's environment"
done
like "$out" '^HUTCH_TEST_PLAIN=kept$' "other variables pass"

probe_in --clearenv -- env
unlike "$out" '^(HUTCH_TEST_PLAIN|SSH_AUTH_SOCK)=' "--clearenv: nothing of the caller's"

done_testing
