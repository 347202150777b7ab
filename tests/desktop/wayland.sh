#!/usr/bin/env bash
# --socket wayland against a private headless weston: wayland-info inside succeeds with it and
# fails without it; the sandbox's runtime dir holds that one socket and nothing else of the
# caller's; DISPLAY goes when only Wayland is passed; a missing compositor is refused with the
# option named, unless the profile's other display (x11) is there.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
need weston "weston"
need wayland-info "wayland-utils"
need python3 "python3"
start_weston || bail_out "weston did not start: $(cat "$TEST_TMP/weston.log")"
plan 10

check "wayland-info outside reaches the test's compositor" wayland-info

run_hutch --socket wayland -- wayland-info
expect_exit 0 "inside, wayland-info succeeds with --socket wayland"
like "$out" "interface: 'wl_compositor'" "... and lists the compositor's globals"

run_hutch -- wayland-info
unlike "$rc" '^0$' "without --socket wayland, wayland-info inside fails"

: >"$XDG_RUNTIME_DIR/secret-of-the-session"
DISPLAY=:99 run_sh --socket wayland 'echo "$XDG_RUNTIME_DIR $WAYLAND_DISPLAY ${DISPLAY-unset}"; ls -A "$XDG_RUNTIME_DIR"'
is "$out" "/run/user/$(id -u) wayland-0 unset
wayland-0" "the sandbox's own runtime dir holds only the compositor's socket (DISPLAY unset)"
check "the host's runtime dir still has the compositor's lock and the other file" \
	test -e "$XDG_RUNTIME_DIR/wl-test.lock" -a -e "$XDG_RUNTIME_DIR/secret-of-the-session"

WAYLAND_DISPLAY= run_hutch --socket wayland -- true
expect_exit 125 "no WAYLAND_DISPLAY: --socket wayland is refused"
like "$err" '^hutch: --socket wayland: WAYLAND_DISPLAY is not set' "... and the error names the option"
WAYLAND_DISPLAY=wl-none run_hutch --socket wayland -- true
like "$rc $err" "^125 hutch: --socket wayland: $XDG_RUNTIME_DIR/wl-none: no Wayland socket there" \
	"a WAYLAND_DISPLAY without a socket is refused"

# A profile asks for both displays; one that the host offers is enough.
DISPLAY= run_hutch --socket wayland --socket x11 -- wayland-info
expect_exit 0 "--socket wayland --socket x11 without an X server passes Wayland alone"
