#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ is for the sandbox's shell
# A viewer started from its menu entry (issue 21): zathura's installed .desktop entry, run in
# the home as a menu runs it, on an Xvfb display. Its stderr under hutch is what the same
# command prints outside hutch (hutch's own X11 warning aside), with no "Fontconfig error: No
# writable cache directories" or "Unable to initialize database"; its state (the database it
# makes at start, a settings change, its fontconfig cache under ~/.local/share/hutch/zathura)
# persists to its next run and is invisible to another viewer's profile (evince).
# Against f9983ce the home was read-only in the sandbox (inc/workdir-ro.inc from ~): zathura
# printed the Fontconfig error 17-19 times, and the stderr check fails.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns
for t in Xvfb xdotool zathura; do
	command -v "$t" >/dev/null || skip_all "$t is not installed (packages xvfb, xdotool, zathura)"
done
entry=$(grep -l '^Exec=zathura' /usr/share/applications/*.desktop 2>/dev/null | head -1)
[ -n "$entry" ] || skip_all "zathura's .desktop entry is not installed"
# The entry's command without its field codes (%U and friends), as a menu starts it with no file.
read -ra exec_cmd <<<"$(sed -n 's/^Exec=//p' "$entry" | head -1 | sed 's/ *%[a-zA-Z]//g')"

# An X server of the test's own; it says its display number on an fd when it is ready.
fifo_open xfd "$TEST_TMP/xready" || bail_out "fifo"
Xvfb -displayfd "$xfd" -nolisten tcp -screen 0 800x600x24 >/dev/null 2>&1 &
track_pid $!
read_line "$xfd" 30 || bail_out "Xvfb never said ready"
export DISPLAY=:$line

# start_viewer OUT-FILE CMD...: run CMD until its window is there, then end it (SIGTERM, which
# hutch passes on); its stderr in OUT-FILE. 0 when a window appeared.
start_viewer() {
	local out=$1 pid s
	shift
	"$@" </dev/null >/dev/null 2>"$out" &
	pid=$!
	track_pid "$pid"
	timeout 30 xdotool search --sync --onlyvisible --class zathura >/dev/null 2>&1
	s=$?
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return $s
}

# Outside hutch, in a home of its own (its state must not count as the sandbox's).
mkdir -p "$TEST_TMP/outside-home"
(cd "$TEST_TMP/outside-home" && HOME=$TEST_TMP/outside-home start_viewer "$TEST_TMP/outside.err" "${exec_cmd[@]}")
check "zathura from its .desktop entry opens a window outside hutch" test $? = 0
cd "$HOME" || bail_out "cd"
start_viewer "$TEST_TMP/inside.err" "$HUTCH" "${exec_cmd[@]}"
check "... and under hutch, started in the home as a menu starts it" test $? = 0
grep -v '^hutch: warning: --socket x11: X11 gives no isolation' "$TEST_TMP/inside.err" >"$TEST_TMP/inside.app.err"
is "$(cat "$TEST_TMP/inside.app.err")" "$(cat "$TEST_TMP/outside.err")" \
	"its stderr under hutch is its stderr outside hutch"
unlike "$(cat "$TEST_TMP/inside.err")" "Fontconfig error|Unable to initialize database" \
	"no fontconfig or database error"

# Its state: the database zathura made at start is on the host, where its next run finds it.
check "the database it made is kept (~/.local/share/zathura)" test -e "$HOME/.local/share/zathura/history"
run_hutch --profile zathura -- sh -c 'echo "set recolor true" >>"$HOME/.config/zathura/zathurarc"'
run_hutch --profile zathura -- sh -c 'cat "$HOME/.config/zathura/zathurarc"; ls "$HOME/.local/share/zathura"'
like "$out" "set recolor true" "a settings change persists to its next run"
like "$out" "history" "... and so does its database"
run_hutch --profile zathura -- sh -c 'echo cached >"${XDG_CACHE_HOME:-$HOME/.cache}/fontconfig/probe"'
is "$(cat "$HOME/.local/share/hutch/zathura/fontconfig/probe" 2>/dev/null)" cached \
	"its fontconfig cache is a directory of its own under ~/.local/share/hutch/zathura"
run_hutch --profile evince -- sh -c 'for d in .config/zathura .local/share/zathura .local/share/hutch/zathura; do
	test -e "$HOME/$d" && echo "sees $d"; done; grep -rl probe "${XDG_CACHE_HOME:-$HOME/.cache}/fontconfig" 2>/dev/null; true'
is "$out" "" "another viewer (evince) sees none of zathura's state"

done_testing
