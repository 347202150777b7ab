#!/usr/bin/env bash
# The window smoke test (apps.sh ci: desktop-apps, apps.sh smoke: desktop-apps-more): each app of
# apps.list marked so that is installed here starts under its shipped profile on an Xvfb the test starts (a pure X11 session), its window shows up
# (xdotool), a screenshot of the window is not blank (more than one colour), the window's title
# names the file it was given (an editor, a viewer) or, given none, is the host run's, and its stderr has nothing that the same app
# started on the host (same display, same arguments) does not print. An app marked bus gets a
# session bus of the test's own (on the host and under hutch: its profile says what passes); one
# marked again runs on the host twice and is compared with both (the second start sees the
# state the first left, as the sandbox's run does; the first, what a fresh start prints). An
# app that is not installed is a skip naming its package (CI installs the ci ones); the rest of
# the shipped profiles are in tests/bench/desktop. HUTCH_TEST_APPS="A B" keeps only those rows.
# GTK's accessibility bridge is off (NO_AT_BRIDGE=1, GTK 4's GTK_A11Y=none) on both sides: the test's bus would start
# an accessibility bus on the host, which hutch does not pass (every GTK app inside then warns).
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
kind=${1:-ci}
rows=$(apps_rows "$kind" | awk -F'|' -v only="${HUTCH_TEST_APPS:-}" 'only == "" || index(" " only " ", " " $1 " ")')
[ -n "$rows" ] || skip_all "no row of apps.list is marked $kind${HUTCH_TEST_APPS:+ among $HUTCH_TEST_APPS}"
export NO_AT_BRIDGE=1 GTK_A11Y=none
plan $(($(printf '%s\n' "$rows" | wc -l) * 5 + 1))
BUS_ADDR=
if printf '%s\n' "$rows" | awk -F'|' '$3 ~ /(^|,)bus(,|$)/' | grep -q . && command -v dbus-daemon >/dev/null; then
	start_dbus || bail_out "dbus-daemon did not start: $(cat "$TEST_TMP/dbus.log")"
fi

# The system's font cache: without it every GTK app scans all fonts at start (hundreds of ms).
if [ -d /var/cache/fontconfig ]; then
	run_sh --profile mousepad 'ls /var/cache/fontconfig | grep -c "\.cache-"'
	is "$out" "$(ls /var/cache/fontconfig | grep -c '\.cache-')" "a desktop profile shows the system's font cache"
else
	skip "no /var/cache/fontconfig here"
fi

while IFS='|' read -r profile pkg flags class args; do
	if ! command -v "$profile" >/dev/null; then
		skip_n 5 "$profile is not installed (Debian: $pkg)"
		continue
	fi
	APP_BUS=
	if apps_bus "$flags"; then
		if [ -z "$BUS_ADDR" ]; then
			skip_n 5 "$profile needs a session bus: dbus-daemon is not installed (Debian: dbus-daemon)"
			continue
		fi
		APP_BUS=$BUS_ADDR
	fi
	eval "set -- $args"
	want=$(apps_fixture_title "$args")
	if [[ ,$flags, == *,again,* ]]; then
		app_start host "$profile" "$class" "$TEST_TMP/$profile.first" "$@"
		app_stop "$class"
	fi
	app_start host "$profile" "$class" "$TEST_TMP/$profile.host" "$@"
	host_wid=$APP_WID host_title=
	# as long as the sandbox's run below lives (its screenshot), for the same chances to complain
	[ -n "$APP_WID" ] && app_colours >/dev/null && host_title=$(app_title "${want:-_none_}")
	app_stop "$class"
	app_start hutch "$profile" "$class" "$TEST_TMP/$profile.hutch" "$@"
	if [ -n "$APP_WID" ]; then
		ok "$profile: starts under its profile and shows a window"
		colours=$(app_colours)
		like "$colours" '^([2-9]|[1-9][0-9]+)$' "$profile: the window is not blank ($colours colours)"
		if [ -n "$want" ]; then
			title=$(app_title "$want")
			check "$profile: its window names the file it opened ($want): '$title'" eval '[[ $title == *"$want"* ]]'
		else
			# no file: a window as on the host (not, say, an error dialog alone)
			titles=$(app_class_titles "$class" "$host_title")
			check "$profile: it shows the window the host run shows (title '$host_title'; here: ${titles//$'\n'/, })" \
				grep -qxF -- "$host_title" <<<"$titles"
		fi
	else
		not_ok "$profile: starts under its profile and shows a window" \
			"host run's window: ${host_wid:-none}" "stderr: $(cat "$TEST_TMP/$profile.hutch.err")"
		skip_n 2 "$profile: no window to take"
	fi
	kill -0 "$APP_PID" 2>/dev/null
	is "$?" 0 "$profile: still running when its window is up"
	app_stop "$class"
	# what every profile withholds on purpose: the user's secrets (the Secret Service's bus name)
	[ -f "$TEST_TMP/$profile.first.err" ] && cat "$TEST_TMP/$profile.first.err" >>"$TEST_TMP/$profile.host.err"
	new=$(app_new_stderr "$TEST_TMP/$profile.host.err" "$TEST_TMP/$profile.hutch.err" |
		grep -v -E 'secrets?\b.*org\.freedesktop\.DBus\.Error\.ServiceUnknown')
	is "$new" "" "$profile: stderr has nothing the app on the host does not print"
done <<<"$rows"
