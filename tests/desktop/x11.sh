#!/usr/bin/env bash
# --socket x11 against a private Xvfb: an X client inside connects with it and not without it;
# only that display's socket and cookie reach the sandbox; the warning comes once; with the
# sandbox's own network namespace the server's abstract socket (@/tmp/.X11-unix/XN, which a
# client tries first) is unreachable; a window drawn inside shows up in a screenshot (xwd →
# png); and a missing or remote display is refused with the option named.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
require_userns
need Xvfb xauth mcookie "xvfb xauth util-linux"
need xdpyinfo xev "x11-utils"
need xwd "x11-apps"
need xwdtopnm pnmtopng ppmhist "netpbm"
need python3 "python3"
start_xvfb || bail_out "Xvfb did not start: $(cat "$TEST_TMP/xvfb.log")"
plan 23

check "an X client outside reaches display :$XNUM (the test's own server)" xdpyinfo

run_hutch --socket x11 -- xdpyinfo
expect_exit 0 "inside, xdpyinfo connects with --socket x11"
like "$out" "name of display: +:$XNUM" "... to display :$XNUM"
is "$(printf '%s\n' "$err" | grep -c 'warning: --socket x11: X11 gives no isolation')" 1 \
	"the no-isolation warning is printed once"

run_hutch -- xdpyinfo
unlike "$rc" '^0$' "without --socket x11, xdpyinfo inside cannot connect (DISPLAY=$DISPLAY is set)"

run_sh --socket x11 'ls -A /tmp/.X11-unix; echo "$DISPLAY $XAUTHORITY"; xauth -f "$XAUTHORITY" list'
like "$out" "^X$XNUM\$" "/tmp/.X11-unix holds only the display's own socket"
like "$out" "^:$XNUM /run/user/$(id -u)/Xauthority\$" "DISPLAY and XAUTHORITY point at the sandbox's own copies"
is "$(printf '%s\n' "$out" | grep -c 'MIT-MAGIC-COOKIE-1')" 1 "the Xauthority inside holds one cookie"
like "$out" "^#ffff#.*:$XNUM +MIT-MAGIC-COOKIE-1 +$(xauth -f "$XAUTHORITY" list ":$XNUM" | awk '{ print $3 }')\$" \
	"... the display's own, as a wildcard entry (the sandbox has its own host name)"

# The abstract socket: a client tries it before the path; only the netns keeps it out.
abstract_connect='import socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(b"\0/tmp/.X11-unix/X" + sys.argv[1].encode())
    print("connected")
except OSError as e:
    print("refused:", e.strerror)'
out=$(python3 -c "$abstract_connect" "$XNUM")
is "$out" connected "outside, the abstract socket @/tmp/.X11-unix/X$XNUM is reachable"
run_hutch --socket x11 -- python3 -c "$abstract_connect" "$XNUM"
like "$out" "^refused: Connection refused" "inside (own network namespace), the abstract socket is refused"

# Every network mode: in the host's network namespace the abstract name exists and Landlock's
# scope refuses it with EPERM, on which Xlib/xcb give up instead of trying the path.
run_hutch --socket x11 --share-net -- xdpyinfo
expect_exit 0 "--share-net: xdpyinfo connects (the client reaches the bound path socket)"
like "$out" "name of display: +:[0-9]+" "... and names a local display"
run_hutch --socket x11 --share-net -- python3 -c "$abstract_connect" "$XNUM"
like "$out" "^refused: " "--share-net: the abstract socket @/tmp/.X11-unix/X$XNUM stays refused"
run_sh --socket x11 --share-net 'd=${DISPLAY#:}; xauth -f "$XAUTHORITY" list; ls /tmp/.X11-unix'
like "$out" "^#ffff#.*:[0-9]+ +MIT-MAGIC-COOKIE-1 " "--share-net: the cookie is there for the display number used inside"
if command -v slirp4netns >/dev/null; then
	run_hutch --socket x11 --net slirp -- xdpyinfo
	expect_exit 0 "--net slirp: xdpyinfo connects"
else
	skip "slirp4netns is not installed (Debian: slirp4netns)"
fi
if command -v pasta >/dev/null; then
	run_hutch --socket x11 --net pasta -- xdpyinfo
	expect_exit 0 "--net pasta: xdpyinfo connects"
else
	skip "pasta is not installed (Debian: passt)"
fi

# A window drawn inside, taken from the screen: xev tells when it is exposed.
fifo_open efd "$TEST_TMP/xev.out"
"${HUTCH_CMD[@]}" --socket x11 -- xev -name hutch-shot -geometry 200x150+10+10 \
	</dev/null >"$TEST_TMP/xev.out" 2>"$TEST_TMP/xev.err" &
xev_pid=$!
track_pid $xev_pid
exposed=no
while read_line "$efd" 30; do
	case $line in Expose*) exposed=yes && break ;; esac
done
is "$exposed" yes "a window drawn by xev inside the sandbox is exposed"
xwd -display "$DISPLAY" -silent -name hutch-shot >"$TEST_TMP/shot.xwd" 2>"$TEST_TMP/xwd.err"
xwdtopnm "$TEST_TMP/shot.xwd" 2>/dev/null | pnmtopng >"$TEST_TMP/shot.png" 2>/dev/null
check "the screenshot (xwd → png) is a non-empty PNG" test -s "$TEST_TMP/shot.png"
colours=$(xwdtopnm "$TEST_TMP/shot.xwd" 2>/dev/null | ppmhist -noheader 2>/dev/null | wc -l)
like "$colours" '^([2-9]|[1-9][0-9]+)$' "... showing the window's drawing (more than one colour: $colours)"
kill -TERM "$xev_pid"
wait "$xev_pid" 2>/dev/null
[ -n "${HUTCH_DESKTOP_SHOTS:-}" ] && cp "$TEST_TMP/shot.png" "$HUTCH_DESKTOP_SHOTS/x11-window.png"

DISPLAY= run_hutch --socket x11 -- true
expect_exit 125 "no DISPLAY: --socket x11 is refused"
like "$err" '^hutch: --socket x11: DISPLAY is not set' "... and the error names the option"
DISPLAY=localhost:10.0 run_hutch --socket x11 -- true
like "$rc $err" "^125 hutch: --socket x11: DISPLAY=localhost:10.0 is not a local display" \
	"a remote (TCP) display is refused"
