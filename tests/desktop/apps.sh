#!/usr/bin/env bash
# The window smoke test: each app of apps.list marked ci that is installed here starts under its
# shipped profile on an Xvfb the test starts (a pure X11 session), its window shows up (xdotool),
# a screenshot of the window is not blank (more than one colour), and its stderr has nothing that
# the same app started on the host (same display, same arguments) does not print. An app that is
# not installed is a skip naming its package; the rest of the shipped profiles are in
# tests/bench/desktop.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-apps.sh"
require_userns
need Xvfb xauth mcookie "xvfb xauth util-linux"
need xdotool "xdotool"
need xwd "x11-apps"
need xwdtopnm pnmtopng ppmhist ppmpat "netpbm"
need python3 "python3"
export HUTCH_PROFILE_PATH=$HUTCH_SRCDIR/profiles
export HOME=$TEST_TMP/home
mkdir -p "$HOME/work" && cd "$HOME/work" || bail_out "cd"
apps_fixtures "$PWD" || bail_out "cannot make the fixtures"
start_xvfb || bail_out "Xvfb did not start: $(cat "$TEST_TMP/xvfb.log")"
rows=$(apps_rows ci)
plan $(($(printf '%s\n' "$rows" | wc -l) * 4 + 1))

# The system's font cache: without it every GTK app scans all fonts at start (hundreds of ms).
if [ -d /var/cache/fontconfig ]; then
	run_sh --profile mousepad 'ls /var/cache/fontconfig | grep -c "\.cache-"'
	is "$out" "$(ls /var/cache/fontconfig | grep -c '\.cache-')" "a desktop profile shows the system's font cache"
else
	skip "no /var/cache/fontconfig here"
fi

while IFS='|' read -r profile pkg _ class args; do
	if ! command -v "$profile" >/dev/null; then
		skip_n 4 "$profile is not installed (Debian: $pkg)"
		continue
	fi
	eval "set -- $args"
	app_start host "$profile" "$class" "$TEST_TMP/$profile.host" "$@"
	host_wid=$APP_WID
	app_stop "$class"
	app_start hutch "$profile" "$class" "$TEST_TMP/$profile.hutch" "$@"
	if [ -n "$APP_WID" ]; then
		ok "$profile: starts under its profile and shows a window"
		colours=$(app_colours)
		like "$colours" '^([2-9]|[1-9][0-9]+)$' "$profile: the window is not blank ($colours colours)"
	else
		not_ok "$profile: starts under its profile and shows a window" \
			"host run's window: ${host_wid:-none}" "stderr: $(cat "$TEST_TMP/$profile.hutch.err")"
		skip "$profile: no window to take"
	fi
	kill -0 "$APP_PID" 2>/dev/null
	is "$?" 0 "$profile: still running when its window is up"
	app_stop "$class"
	new=$(app_new_stderr "$TEST_TMP/$profile.host.err" "$TEST_TMP/$profile.hutch.err")
	is "$new" "" "$profile: stderr has nothing the app on the host does not print"
done <<<"$rows"
