#!/usr/bin/env bash
# Display selection with both a headless weston and an Xvfb running: a desktop profile's app
# gets Wayland alone (only WAYLAND_DISPLAY, no X socket); `x11 required` (profile or --x11)
# gives it X11 instead, said under --verbose; --socket x11 from the user is passed as asked; on a
# pure X11 session the profile's app gets X11.
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
plan 15

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
