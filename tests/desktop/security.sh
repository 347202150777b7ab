#!/usr/bin/env bash
# The Wayland security context (wp_security_context_v1), against a headless weston (Debian 12:
# weston 10, which does not offer it): hutch's own client lists the compositor's globals (it
# finds wl_compositor and xdg_wm_base, and not the security-context manager), and under
# --verbose hutch says that the compositor lacks it; without --verbose it says nothing.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
need weston "weston"
need wayland-info "wayland-utils"
start_weston || bail_out "weston did not start: $(cat "$TEST_TMP/weston.log")"
plan 6

probe=$HUTCH_BUILDDIR/tests/desktop/wayland-globals
sock=$XDG_RUNTIME_DIR/$WAYLAND_DISPLAY
out=$("$probe" "$sock" wl_compositor xdg_wm_base wp_security_context_manager_v1 no_such_global_v1)
is "$out" "wl_compositor yes
xdg_wm_base yes
wp_security_context_manager_v1 $(wayland-info | grep -q "'wp_security_context_manager_v1'" && echo yes || echo no)
no_such_global_v1 no" "hutch's probe lists the compositor's globals as wayland-info does"

if wayland-info | grep -q "'wp_security_context_manager_v1'"; then
	skip_n 3 "this compositor offers wp_security_context_v1: the absence cannot be checked here"
else
	run_hutch -v --socket wayland -- true
	expect_exit 0 "a sandbox with the compositor's socket runs"
	like "$err" "hutch: wayland: the compositor at $sock offers no wp_security_context_v1: the sandbox's connection is not restricted" \
		"--verbose says the compositor lacks the security context"
	is "$(printf '%s\n' "$err" | grep -c 'security_context')" 1 "... once"
fi
run_hutch --socket wayland -- true
unlike "$err" "security_context" "without --verbose, nothing is said"
WAYLAND_DISPLAY=wl-none run_hutch -v --socket-try wayland -- true
unlike "$err" "security_context" "no compositor: no probe, nothing said about it"
