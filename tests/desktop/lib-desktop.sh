# shellcheck shell=bash
# Shared by the desktop tests: each server a test needs (an X server, a compositor, a bus, a sound
# server) is its own, started here on private sockets under $TEST_TMP, ready when it says so
# through a fifo (Xvfb -displayfd, sd_notify's READY=1, a line of its log), and stopped with
# SIGTERM at the end so that it removes its sockets. Sourced after tests/lib.sh.

DESKTOP_DIR=$(dirname "${BASH_SOURCE[0]}")

# Nothing of the caller's own session leaks in; the tests set what they pass.
unset DISPLAY WAYLAND_DISPLAY XAUTHORITY DBUS_SESSION_BUS_ADDRESS DBUS_SYSTEM_BUS_ADDRESS \
	PULSE_SERVER PIPEWIRE_REMOTE
export XDG_RUNTIME_DIR=$TEST_TMP/run
mkdir -m 700 "$XDG_RUNTIME_DIR" || bail_out "cannot create $XDG_RUNTIME_DIR"

# need TOOL... (PACKAGE): skip the whole test when a tool is missing.
need() {
	local pkg=${*: -1} t
	for t in "${@:1:$#-1}"; do
		command -v "$t" >/dev/null || skip_all "$t is not installed (Debian: $pkg)"
	done
}

# stop_at_end PID: SIGTERM and reap when the test ends (a server removes its socket then).
stop_at_end() {
	defer "kill -TERM $1 2>/dev/null; wait $1 2>/dev/null"
}

# start_xvfb: an X server on a free display number (-noreset: a server that resets when its last
# client leaves refuses the next one for a moment); sets XNUM, DISPLAY, XAUTHORITY (a client
# file with the display's cookie, and a second display's, which must not reach the sandbox).
start_xvfb() {
	local cookie xfd
	cookie=$(mcookie) || return 1
	: >"$TEST_TMP/xauth.server" && : >"$TEST_TMP/xauth" || return 1
	xauth -q -f "$TEST_TMP/xauth.server" add :0 MIT-MAGIC-COOKIE-1 "$cookie" || return 1
	fifo_open xfd "$TEST_TMP/xvfb.ready" || return 1
	Xvfb -displayfd 9 -auth "$TEST_TMP/xauth.server" -nolisten tcp -noreset -screen 0 320x240x24 \
		9>"$TEST_TMP/xvfb.ready" </dev/null >"$TEST_TMP/xvfb.log" 2>&1 &
	stop_at_end $!
	read_line "$xfd" 30 || return 1
	XNUM=$line
	export DISPLAY=:$XNUM XAUTHORITY=$TEST_TMP/xauth
	xauth -q -f "$XAUTHORITY" add ":$XNUM" MIT-MAGIC-COOKIE-1 "$cookie" &&
		xauth -q -f "$XAUTHORITY" add ":$((XNUM + 1))" MIT-MAGIC-COOKIE-1 "$(mcookie)"
}

# notify_start NAME SOCKET: the sd_notify receiver; returns once it listens; its fd in $nfd.
notify_start() {
	fifo_open nfd "$TEST_TMP/$1.notify" || return 1
	python3 "$DESKTOP_DIR/notify-ready.py" "$2" 30 >"$TEST_TMP/$1.notify" &
	track_pid $!
	read_line "$nfd" 30 && [ "$line" = bound ]
}

# notify_wait: the server said READY=1.
notify_wait() {
	read_line "$nfd" 40 && [ "$line" = ready ]
}

# start_weston [ARG...]: a headless compositor on $XDG_RUNTIME_DIR/wl-test, with weston's extra
# arguments (--use-pixman --debug: it draws, and weston-screenshooter can take the screen); sets
# WAYLAND_DISPLAY.
start_weston() {
	notify_start weston "$TEST_TMP/weston.sock" || return 1
	NOTIFY_SOCKET=$TEST_TMP/weston.sock weston --backend=headless-backend.so --socket=wl-test "$@" \
		--modules=systemd-notify.so --no-config --idle-time=0 </dev/null >"$TEST_TMP/weston.log" 2>&1 &
	stop_at_end $!
	notify_wait || return 1
	export WAYLAND_DISPLAY=wl-test
}

# start_dbus: a private bus; sets BUS_ADDR (not exported: each run says which bus it means).
start_dbus() {
	local afd
	fifo_open afd "$TEST_TMP/dbus.addr" || return 1
	dbus-daemon --session --nofork --address="unix:path=$TEST_TMP/bus" --print-address=9 \
		9>"$TEST_TMP/dbus.addr" </dev/null >"$TEST_TMP/dbus.log" 2>&1 &
	stop_at_end $!
	read_line "$afd" 30 || return 1
	BUS_ADDR=$line
}

# start_service NAME...: the test service on BUS_ADDR owning each NAME.
start_service() {
	local sfd
	fifo_open sfd "$TEST_TMP/service.ready" || return 1
	DBUS_SESSION_BUS_ADDRESS=$BUS_ADDR python3 "$DESKTOP_DIR/bus-service.py" "$@" \
		>"$TEST_TMP/service.ready" 2>"$TEST_TMP/service.log" </dev/null &
	stop_at_end $!
	read_line "$sfd" 30 && [ "$line" = ready ]
}

# start_pulseaudio: a PulseAudio server with a null sink on $XDG_RUNTIME_DIR/pulse/native.
start_pulseaudio() {
	notify_start pulse "$TEST_TMP/pulse.sock" || return 1
	mkdir -p "$TEST_TMP/pahome"
	HOME=$TEST_TMP/pahome NOTIFY_SOCKET=$TEST_TMP/pulse.sock pulseaudio -n --daemonize=no \
		--exit-idle-time=-1 --use-pid-file=no --system=no -L module-native-protocol-unix \
		-L module-null-sink </dev/null >"$TEST_TMP/pulse.log" 2>&1 &
	stop_at_end $!
	notify_wait
}

# start_pipewire: a PipeWire daemon on $XDG_RUNTIME_DIR/pipewire-0, ready when its log says it
# listens (it sends no READY=1).
start_pipewire() {
	local pfd
	fifo_open pfd "$TEST_TMP/pipewire.log" || return 1
	mkdir -p "$TEST_TMP/pwhome"
	HOME=$TEST_TMP/pwhome PIPEWIRE_DEBUG=3 pipewire </dev/null >"$TEST_TMP/pipewire.log" 2>&1 &
	stop_at_end $!
	while read_line "$pfd" 30; do
		case $line in *"Listening on 'pipewire-0'"*) break ;; esac
	done
	[ -S "$XDG_RUNTIME_DIR/pipewire-0" ] || return 1
	# Its log goes on: drained, so that a full fifo never stops it.
	cat <&"$pfd" >/dev/null &
	track_pid $!
}
