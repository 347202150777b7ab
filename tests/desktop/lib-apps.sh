# shellcheck shell=bash
# Shared by tests/desktop/apps.sh and tests/bench/desktop: start a desktop app (on the host,
# under hutch with its shipped profile, or under firejail with firejail's), wait for its window
# on $DISPLAY, take a screenshot of it, close it; and the lines of its stderr that the same app
# on the host does not print. Needs xdotool, xwd (x11-apps) and netpbm.

APPS_LIST=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/apps.list

# apps_fixtures DIR: the files the apps open (apps.list's arguments).
apps_fixtures() {
	printf 'hutch smoke test\nline two\n' >"$1/text.txt"
	ppmpat -g2 96 64 2>/dev/null | pnmtopng >"$1/image.png" 2>/dev/null || return 1
	# A one-page PDF with a line of text, its cross-reference offsets computed here.
	python3 - "$1/doc.pdf" <<'PY'
import sys
objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
text = b"BT /F1 18 Tf 20 40 Td (hutch smoke) Tj ET"
objs[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text)
out = bytearray(b"%PDF-1.4\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n%s\nendobj\n" % (i, o)
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
}

# apps_rows [ci|smoke]: the rows of apps.list: all, or those marked ci, or smoke.
apps_rows() {
	grep -v -e '^#' -e '^$' "$APPS_LIST" |
		case ${1:-} in
		ci) awk -F'|' '$3 ~ /(^|,)ci(,|$)/' ;;
		smoke) awk -F'|' '$3 ~ /(^|,)smoke(,|$)/' ;;
		*) cat ;;
		esac
}

# apps_bus FLAGS: whether a row's flags (apps.list's third column) say the app needs a session bus.
apps_bus() {
	[[ ,$1, == *,bus,* ]]
}

# apps_fixture_title ARGS: the name the window's title must show when the arguments name a
# fixture (text.txt, image.png, doc.pdf; the extension may be left out, as qpdfview does).
apps_fixture_title() {
	local a
	for a in $1; do
		case $a in
		text.txt | image.png | doc.pdf) echo "${a%.*}" && return ;;
		esac
	done
}

# app_title WORD: the window's title, once it shows WORD (polled for up to 10 s: some apps name
# the file only after loading it), else the last title seen.
app_title() {
	local t= i
	for i in $(seq 50); do
		t=$(xdotool getwindowname "$APP_WID" 2>/dev/null)
		[[ $t == *"$1"* ]] && break
		sleep 0.2
	done
	echo "$t"
}

# app_start MODE PROFILE CLASS OUTBASE ARGS...: MODE host, hutch or firejail. Starts the app
# (with DBUS_SESSION_BUS_ADDRESS=$APP_BUS where APP_BUS is set, else with no session bus), waits (up to a minute, or until it exits) for a visible window of CLASS. Sets APP_PID, APP_WID (empty: no window)
# and APP_MS (time to the first window, milliseconds). stderr goes to OUTBASE.err.
app_start() {
	local mode=$1 profile=$2 class=$3 base=$4 t0 t1 exe
	shift 4
	exe=$profile
	case $mode in
	host) set -- "$exe" "$@" ;;
	hutch) set -- "${HUTCH_CMD[@]}" --profile "$profile" -- "$exe" "$@" ;;
	firejail) set -- firejail --quiet "--profile=$profile" "$exe" "$@" ;;
	esac
	t0=$(date +%s%N)
	setsid env ${APP_BUS:+DBUS_SESSION_BUS_ADDRESS=$APP_BUS} "$@" </dev/null >"$base.out" 2>"$base.err" &
	APP_PID=$!
	# polled every 20 ms (xdotool's own --sync waits in steps of half a second)
	APP_WID=
	for _ in $(seq 3000); do
		APP_WID=$(xdotool search --onlyvisible --class "^$class\$" 2>/dev/null | head -1)
		[ -n "$APP_WID" ] && break
		kill -0 "$APP_PID" 2>/dev/null || break
		sleep 0.02
	done
	t1=$(date +%s%N)
	APP_MS=$(((t1 - t0) / 1000000))
}

# app_class_titles CLASS TITLE: the titles of CLASS's visible windows, one a line, once one of
# them is TITLE (polled for up to 10 s), else the last ones seen.
app_class_titles() {
	local t= i w
	for i in $(seq 50); do
		t=$(for w in $(xdotool search --onlyvisible --class "^$1\$" 2>/dev/null); do
			xdotool getwindowname "$w" 2>/dev/null
		done)
		grep -qxF -- "$2" <<<"$t" && break
		sleep 0.2
	done
	echo "$t"
}

# app_colours: how many colours the window's screenshot has, once it has more than one (the
# app has drawn), polled for up to 10 s; 0 when the screenshot cannot be taken.
app_colours() {
	local n=0 i
	for i in $(seq 50); do
		n=$(xwd -silent -id "$APP_WID" 2>/dev/null | xwdtopnm 2>/dev/null | ppmhist -noheader 2>/dev/null | wc -l)
		[ "$n" -gt 1 ] && break
		sleep 0.2
	done
	echo "$n"
}

# app_stop: SIGTERM to the app's process group (hutch forwards it), then SIGKILL; reaped.
app_stop() {
	kill -TERM -- "-$APP_PID" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$APP_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL -- "-$APP_PID" 2>/dev/null
	wait "$APP_PID" 2>/dev/null
	# its windows are gone once the X server has seen the connection close
	xdotool search --onlyvisible --class "^${1:-_none_}\$" >/dev/null 2>&1 && sleep 0.5
	return 0
}

# app_new_stderr HOST_ERR SANDBOX_ERR: the sandbox's stderr lines (hutch's own left out) that
# the host run did not print, numbers (pids, addresses, times) masked.
app_new_stderr() {
	local mask='s/0x[0-9a-fA-F]+/HEX/g; s/[0-9]+/N/g'
	grep -v '^hutch: ' "$2" | sed -E "$mask" | sort -u >"$2.masked"
	sed -E "$mask" "$1" | sort -u >"$1.masked"
	comm -23 "$2.masked" "$1.masked"
}
