#!/usr/bin/env bash
# gnome-terminal under its profile, on an Xvfb and a session bus the test starts: the terminal's
# server runs in the sandbox (started as the profile says), its window shows up and the shell it
# starts runs in the sandbox (its host name is hutch's). And the client alone never reaches a
# server outside: with the host's gnome-terminal-server on the bus (as in any GNOME session),
# `gnome-terminal -- CMD` under the profile must not run CMD on the host.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-apps.sh"
require_userns
need gnome-terminal "gnome-terminal"
server=/usr/libexec/gnome-terminal-server
[ -x "$server" ] || skip_all "$server is not installed (Debian: gnome-terminal)"
need Xvfb xauth mcookie "xvfb xauth util-linux"
need xdotool "xdotool"
need dbus-daemon dbus-send "dbus dbus-bin"
need xdg-dbus-proxy "xdg-dbus-proxy"
# gnome-terminal-server refuses a locale that is not UTF-8
export HUTCH_PROFILE_PATH=$HUTCH_SRCDIR/profiles NO_AT_BRIDGE=1 LC_ALL=C.UTF-8
export HOME=$TEST_TMP/home
mkdir -p "$HOME/work" && cd "$HOME/work" || bail_out "cd"
start_xvfb || bail_out "Xvfb did not start: $(cat "$TEST_TMP/xvfb.log")"
start_dbus || bail_out "dbus-daemon did not start: $(cat "$TEST_TMP/dbus.log")"
export DBUS_SESSION_BUS_ADDRESS=$BUS_ADDR
plan 4

# wait_file FILE: up to 30 s for FILE to have a line.
wait_file() {
	for _ in $(seq 300); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

id=org.gnome.Terminal.Sandbox
# the client starts once the server has taken its name on the bus (gnome-terminal fails, with
# status 0, where there is none)
owner="dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetNameOwner string:$id"
setsid "${HUTCH_CMD[@]}" --profile gnome-terminal -- sh -c "$server --app-id $id & \
	for i in \$(seq 100); do $owner >/dev/null 2>&1 && break; sleep 0.1; done; \
	gnome-terminal --app-id $id -- sh -c 'hostname >inside.out; exec sleep 60'; wait" \
	</dev/null >/dev/null 2>"$TEST_TMP/sandboxed.err" &
APP_PID=$!
check "the shell of the sandbox's own gnome-terminal-server runs in the sandbox" \
	eval 'wait_file inside.out && [ "$(cat inside.out)" = hutch ]' || diag "$(cat "$TEST_TMP/sandboxed.err")"
APP_WID=$(xdotool search --onlyvisible --class 'gnome-terminal' 2>/dev/null | head -1)
check "... and its window shows up" test -n "$APP_WID"
app_stop

# The host's server on the bus, as a GNOME session has it.
setsid "$server" </dev/null >/dev/null 2>"$TEST_TMP/host-server.err" &
host_server=$!
defer "kill -TERM -- -$host_server 2>/dev/null; wait $host_server 2>/dev/null"
for _ in $(seq 100); do
	dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.GetNameOwner \
		string:org.gnome.Terminal >/dev/null 2>&1 && break
	sleep 0.1
done
run_hutch --profile gnome-terminal -- gnome-terminal -- sh -c 'hostname >escaped.out'
sleep 2
check "plain gnome-terminal under the profile does not reach the host's server (nothing ran)" \
	test ! -e escaped.out
like "$err" "Error (constructing proxy for org.gnome.Terminal|creating terminal): .*ServiceUnknown" \
	"... and it says it found no server"
