#!/usr/bin/env bash
# Real apps on a real Wayland display: a headless weston that draws (pixman) and an Xvfb, both
# started here. Each app of apps.list named below (GTK 3 ones: Wayland clients) that is installed
# starts under its shipped profile, talks Wayland (its own protocol log, WAYLAND_DEBUG=client,
# shows its xdg_toplevel and no X connection is possible: DISPLAY is not in its environment),
# and its window changes the compositor's screen (weston-screenshooter before and after).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-desktop.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-apps.sh"
require_userns
need weston weston-screenshooter "weston"
need Xvfb xauth mcookie "xvfb xauth util-linux"
need pngtopnm ppmhist "netpbm"
need python3 "python3"
export HUTCH_PROFILE_PATH=$HUTCH_SRCDIR/profiles
export HOME=$TEST_TMP/home
mkdir -p "$HOME/work" && cd "$HOME/work" || bail_out "cd"
apps_fixtures "$PWD" || bail_out "cannot make the fixtures"
start_xvfb || bail_out "Xvfb did not start: $(cat "$TEST_TMP/xvfb.log")"
start_weston --use-pixman --debug --width=640 --height=480 ||
	bail_out "weston did not start: $(cat "$TEST_TMP/weston.log")"
# the ci apps, then GTK 3 apps of the smoke rows (skipped where not installed)
apps="mousepad geany ristretto xarchiver gedit eog file-roller gnumeric claws-mail totem"
plan $(($(echo $apps | wc -w) * 4))

# shot NAME: the compositor's screen now, as a netpbm file; its colour count on stdout.
shot() {
	rm -f wayland-screenshot-*.png
	weston-screenshooter >/dev/null 2>&1 && pngtopnm wayland-screenshot-*.png >"$TEST_TMP/$1.pnm" 2>/dev/null &&
		ppmhist -noheader "$TEST_TMP/$1.pnm" | wc -l
	rm -f wayland-screenshot-*.png
}

for app in $apps; do
	row=$(apps_rows | awk -F'|' -v a="$app" '$1 == a')
	IFS='|' read -r profile pkg _ _ args <<<"$row"
	if ! command -v "$profile" >/dev/null; then
		skip_n 4 "$profile is not installed (Debian: $pkg)"
		continue
	fi
	eval "set -- $args"
	before=$(shot "$app.before")
	err=$TEST_TMP/$app.wl.err
	WAYLAND_DEBUG=client setsid "${HUTCH_CMD[@]}" --profile "$profile" -- sh -c \
		'echo "DISPLAY=${DISPLAY-unset}" >&2; exec "$@"' sh "$profile" "$@" </dev/null >/dev/null 2>"$err" &
	APP_PID=$!
	mapped=no
	for _ in $(seq 1500); do
		grep -q 'xdg_toplevel@[0-9]*\.set_title' "$err" && mapped=yes && break
		kill -0 "$APP_PID" 2>/dev/null || break
		sleep 0.02
	done
	is "$mapped" yes "$profile: under its profile it opens a Wayland toplevel (its protocol log)"
	like "$(head -5 "$err")" "DISPLAY=unset" "$profile: its environment has no DISPLAY (X11 left out)"
	after=0
	for _ in $(seq 50); do
		after=$(shot "$app.after")
		cmp -s "$TEST_TMP/$app.before.pnm" "$TEST_TMP/$app.after.pnm" || break
		sleep 0.2
	done
	check "$profile: the screen changed once its window is up (colours: $before -> $after)" \
		eval '! cmp -s "$TEST_TMP/$app.before.pnm" "$TEST_TMP/$app.after.pnm"'
	like "$after" '^([2-9]|[1-9][0-9]+)$' "$profile: the screen with its window is not blank ($after colours)"
	app_stop
done
