#!/usr/bin/env bash
# Display selection with both a headless weston and an Xvfb running: a desktop profile's app
# gets Wayland alone (only WAYLAND_DISPLAY, no X socket); `x11 required` (profile or --x11)
# gives it X11 instead, said under --verbose; --socket x11 from the user is passed as asked; on a
# pure X11 session the profile's app gets X11; a Qt app gets X11 where Qt's Wayland plugin is
# not installed.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
need weston "weston"
need wayland-info "wayland-utils"
need Xvfb xauth mcookie "xvfb xauth util-linux"
need xdpyinfo "x11-utils"
start_weston || bail_out "weston did not start: $(cat "$TEST_TMP/weston.log")"
start_xvfb || bail_out "Xvfb did not start: $(cat "$TEST_TMP/xvfb.log")"
export HUTCH_PROFILE_PATH=$HUTCH_SRCDIR/profiles
plan 18

show='echo "W=${WAYLAND_DISPLAY-unset} D=${DISPLAY-unset}"; ls -A /tmp/.X11-unix 2>/dev/null | sed "s/^/x:/"'

run_sh --profile evince "$show"
is "$out" "W=wayland-0 D=unset" "both sessions: the evince profile's app sees only WAYLAND_DISPLAY, no X socket"
run_hutch --profile evince -- wayland-info
expect_exit 0 "... and wayland-info inside reaches the compositor"
run_hutch --profile evince -- xdpyinfo
unlike "$rc" '^0$' "... while an X client cannot open a display"

run_hutch -v --profile evince -- true
like "$err" "skipped: x11: the Wayland compositor .* is there \(x11 required passes X11\)" \
	"--verbose says why X11 was left out"

run_sh -v --profile evince --x11 required "$show"
is "$(printf '%s\n' "$out" | head -1)" "W=unset D=:$XNUM" "--x11 required: the app gets X11 alone"
like "$out" "^x:X$XNUM\$" "... with the display's socket"
like "$err" "hutch: skipped: wayland: x11 required: X11 passed \(/tmp/.X11-unix/X$XNUM\)" "... said under --verbose"

cat >"$TEST_TMP/xonly.profile" <<EOP
# xonly: a test app that speaks only X11
socket-try wayland
socket-try x11
x11 required
EOP
run_hutch --profile "$TEST_TMP/xonly.profile" -- xdpyinfo
expect_exit 0 "a profile saying 'x11 required': xdpyinfo inside connects"
run_sh --profile "$TEST_TMP/xonly.profile" "$show"
is "$(printf '%s\n' "$out" | head -1)" "W=unset D=:$XNUM" "... and the app sees only DISPLAY"

DISPLAY= run_sh --profile "$TEST_TMP/xonly.profile" "$show"
is "$rc $(printf '%s\n' "$out" | head -1)" "0 W=wayland-0 D=unset" \
	"a profile's x11 required on a host without an X server: it still runs, with Wayland"

run_sh --profile evince --socket x11 "$show"
is "$(printf '%s\n' "$out" | head -1)" "W=wayland-0 D=:$XNUM" "--socket x11 from the user: both, as asked"

WAYLAND_DISPLAY= run_sh --profile evince "$show"
is "$(printf '%s\n' "$out" | head -1)" "W=unset D=:$XNUM" "a pure X11 session: the profile's app gets X11"
WAYLAND_DISPLAY= run_hutch --profile evince -- xdpyinfo
expect_exit 0 "... and xdpyinfo inside connects"

DISPLAY= run_hutch --x11 required -- true
like "$rc $err" "^125 hutch: --socket x11: DISPLAY is not set" "x11 required without an X server is an error"
run_hutch --x11 sometimes -- true
like "$rc $err" "^125 hutch: --x11: 'sometimes' is not one of: auto required" "a bad --x11 value is refused"

# A Qt 5 app on a host without Qt's Wayland plugin (qtwayland5) fails on a Wayland-only display
# ("no Qt platform plugin could be initialized"): its profile's display is X11 then, said under
# --verbose, and its window shows up on the X server.
qt=
for a in qpdfview konsole kate ark; do
	command -v "$a" >/dev/null && qt=$a && break
done
if [ -z "$qt" ]; then
	skip_n 3 "no Qt 5 app with a shipped profile is installed (Debian: qpdfview)"
elif compgen -G '/usr/lib/*/qt5/plugins/platforms/libqwayland-*.so' >/dev/null; then
	skip_n 3 "qtwayland5 is installed: Qt 5 apps speak Wayland here"
elif ! command -v xdotool >/dev/null; then
	skip_n 3 "xdotool is not installed (Debian: xdotool)"
else
	mkdir -p "$TEST_TMP/qt" && cd "$TEST_TMP/qt" || bail_out "cd"
	setsid "${HUTCH_CMD[@]}" -v --profile "$qt" -- "$qt" </dev/null >/dev/null 2>"$TEST_TMP/qt.err" &
	qt_pid=$!
	wid=
	for _ in $(seq 300); do
		wid=$(xdotool search --onlyvisible --class "^$qt\$" 2>/dev/null | head -1)
		[ -n "$wid" ] && break
		kill -0 "$qt_pid" 2>/dev/null || break
		sleep 0.1
	done
	check "$qt (Qt 5, no qtwayland5) under its profile on both sessions: its window shows up on X11" test -n "$wid"
	like "$(cat "$TEST_TMP/qt.err")" "hutch: x11: $qt is a Qt 5 program, and no Qt 5 Wayland platform plugin is installed \(Debian: qtwayland5\): X11 is passed" \
		"... said under --verbose"
	kill -TERM -- "-$qt_pid" 2>/dev/null
	wait "$qt_pid" 2>/dev/null
	unlike "$(cat "$TEST_TMP/qt.err")" "Qt platform plugin" "... and Qt found its platform plugin"
	cd - >/dev/null || true
fi
