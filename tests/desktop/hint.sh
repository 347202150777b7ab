#!/usr/bin/env bash
# A graphical program started without a display gets one line from hutch naming what passes
# one: an X client (xdpyinfo, linked against libX11), a GTK app (mousepad) and a script that a
# .desktop entry starts; a command-line
# program gets none, and neither does a graphical one that has its display.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
need xdpyinfo "x11-utils"
need Xvfb xauth mcookie "xvfb xauth util-linux"
plan 11

hint='warning: .* is a graphical program \(.*\) and no display is passed: add --socket wayland or --socket x11, or a profile that includes inc/desktop.inc'

run_hutch -- xdpyinfo
like "$err" "^hutch: warning: xdpyinfo is a graphical program \(linked against libX11.so\) and no display is passed: add --socket wayland or --socket x11" \
	"xdpyinfo without a display: hutch names the options that pass one"
is "$(printf '%s\n' "$err" | grep -c '^hutch: ')" 1 "... in one line"

run_hutch -- true
unlike "$err" "graphical" "a command-line program gets no hint"
run_hutch -- sh -c 'exit 0'
is "$err" "" "... nothing at all on stderr"

if command -v mousepad >/dev/null; then
	# no profile: firejail's mousepad profile (firejail-profiles) asks for a display itself
	run_hutch --noprofile -- mousepad --version
	like "$err" "^hutch: $hint" "mousepad (GTK) without a display gets the hint"
else
	skip "mousepad is not installed (Debian: mousepad)"
fi

# A script is no ELF: only its .desktop entry (here the user's, in $XDG_DATA_HOME) marks it.
mkdir -p "$TEST_TMP/bin" "$TEST_TMP/data/applications"
printf '#!/bin/sh\nexit 0\n' >"$TEST_TMP/bin/hutch-gui-app" && chmod 755 "$TEST_TMP/bin/hutch-gui-app"
PATH=$TEST_TMP/bin:$PATH run_hutch --bind "$TEST_TMP/bin" -- hutch-gui-app
unlike "$err" "graphical" "a script without a .desktop entry gets no hint"
printf '[Desktop Entry]\nType=Application\nName=Test\nExec=%s %%F\n' "$TEST_TMP/bin/hutch-gui-app" \
	>"$TEST_TMP/data/applications/org.example.hutch-gui-app.desktop"
XDG_DATA_HOME=$TEST_TMP/data PATH=$TEST_TMP/bin:$PATH run_hutch --bind "$TEST_TMP/bin" -- hutch-gui-app
like "$err" "^hutch: warning: hutch-gui-app is a graphical program \(started by $TEST_TMP/data/applications/org.example.hutch-gui-app.desktop\) and no display is passed" \
	"... with one (Exec= names it) it gets the hint, naming the entry"

printf 'socket-try wayland\nsocket-try x11\n' >"$TEST_TMP/display.profile"
run_hutch --profile "$TEST_TMP/display.profile" -- xdpyinfo
like "$err" "xdpyinfo is a graphical program \(linked against libX11.so\) and the host offers no display to pass" \
	"a profile asking for a display on a host without one: the hint says the host has none"

start_xvfb || bail_out "Xvfb did not start: $(cat "$TEST_TMP/xvfb.log")"
run_hutch --socket x11 -- xdpyinfo
expect_exit 0 "with its display, xdpyinfo connects"
unlike "$err" "graphical program" "... and gets no hint"
run_hutch -- xdpyinfo
like "$err" "^hutch: $hint" "with DISPLAY set but not passed, the hint is there"
