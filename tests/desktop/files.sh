#!/usr/bin/env bash
# `hutch desktop install|remove`: the per-user override of an app's .desktop entries, under
# the system entry's own file name in $XDG_DATA_HOME/applications, passes desktop-file-validate,
# keeps every other key, runs each Exec (the entry's and its actions') through hutch with the
# app's profile, drops DBusActivatable; `gio launch` of it starts the command inside a sandbox;
# remove deletes only hutch's entries; --all covers the apps with a shipped profile.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns
need() { command -v "$1" >/dev/null || skip_all "$1 is not installed (Debian: $2)"; }
need desktop-file-validate desktop-file-utils
plan 20

sys=$TEST_TMP/sys/applications
mkdir -p "$sys" "$TEST_TMP/profiles"
export XDG_DATA_HOME=$TEST_TMP/data XDG_DATA_DIRS=$TEST_TMP/sys
export HUTCH_PROFILE_PATH=$TEST_TMP/profiles:$HUTCH_SRCDIR/profiles
user=$XDG_DATA_HOME/applications

cat >"$sys/org.gnome.Evince.desktop" <<'END'
[Desktop Entry]
Name=Document Viewer
Name[de]=Dokumentenbetrachter
Comment=View multi-page documents
# a comment that stays
Exec=evince %U
TryExec=evince
Icon=org.gnome.Evince
Terminal=false
Type=Application
DBusActivatable=true
Categories=Office;Viewer;
MimeType=application/pdf;
Actions=new-window;

[Desktop Action new-window]
Name=New Window
Exec="/usr/bin/evince" --new-window
END
# An app of our own, with a profile that lets it reach the test's files, whose Exec we can run.
printf 'hostname hutch-desktop-test\nwhitelist %s\n' "$TEST_TMP" >"$TEST_TMP/profiles/hutch-probe-app.profile"
mkdir "$TEST_TMP/bin"
printf '#!/bin/sh\nuname -n >"$1"\n' >"$TEST_TMP/bin/hutch-probe-app"
chmod 755 "$TEST_TMP/bin/hutch-probe-app"
cat >"$sys/hutch-probe-app.desktop" <<END
[Desktop Entry]
Type=Application
Name=Probe
Exec="$TEST_TMP/bin/hutch-probe-app" %f
END
cat >"$sys/other.desktop" <<'END'
[Desktop Entry]
Type=Application
Name=Other
Exec=other-app %U
END

run() { # run ARGS...: hutch desktop ARGS; sets $out, $err, $rc
	"${HUTCH_CMD[0]}" desktop "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err" </dev/null
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}

run install evince
is "$rc" 0 "desktop install evince succeeds"
like "$out" "^installed $user/org.gnome.Evince.desktop " "... under the system entry's own file name"
check "... and the entry passes desktop-file-validate" \
	sh -c 'test -s "$1" && desktop-file-validate "$1"' - "$user/org.gnome.Evince.desktop"
is "$(grep '^Exec=' "$user/org.gnome.Evince.desktop")" "Exec=$HUTCH --profile evince -- evince %U
Exec=$HUTCH --profile evince -- \"/usr/bin/evince\" --new-window" \
	"both Exec lines (the entry's and the action's) run through hutch with the profile"
is "$(grep -c '^DBusActivatable' "$user/org.gnome.Evince.desktop")" 0 \
	"DBusActivatable is gone (activation would bypass Exec)"
is "$(grep -v -e '^Exec=' -e '^X-Hutch-' "$user/org.gnome.Evince.desktop")" \
	"$(grep -v -e '^Exec=' -e '^DBusActivatable=' "$sys/org.gnome.Evince.desktop")" \
	"every other line of the system entry is kept, in order"
check "the system entry is untouched" grep -q '^DBusActivatable=true' "$sys/org.gnome.Evince.desktop"

# A copy of hutch whose path needs Exec's quoting and escaping (a space, '$'). ('%' would be
# doubled as the spec says, but GLib looks for the program before it undoubles it.)
odd="$TEST_TMP/odd dir \$HOME"
mkdir "$odd"
cp "$HUTCH" "$odd/hutch"
"$odd/hutch" desktop install hutch-probe-app >"$TEST_TMP/install.log" 2>&1
is "$(grep '^Exec=' "$user/hutch-probe-app.desktop")" \
	"Exec=\"$TEST_TMP/odd dir \\\\\$HOME/hutch\" --profile hutch-probe-app -- \"$TEST_TMP/bin/hutch-probe-app\" %f" \
	"a hutch path with reserved characters is quoted and escaped as the spec says"
if command -v gio >/dev/null; then
	fifo_open lfd "$TEST_TMP/launched"
	with_timeout 30 gio launch "$user/hutch-probe-app.desktop" "$TEST_TMP/launched" >"$TEST_TMP/gio.log" 2>&1
	read_line "$lfd" 30
	is "$line" hutch-desktop-test "gio launch of the entry runs the app in a sandbox with its profile (its hostname)"
else
	skip "gio is not installed (Debian: libglib2.0-bin)"
fi

run install other-app
is "$rc $err" "1 hutch: desktop: other-app: no profile of that name" "an app without a profile is refused"
run install firefox
like "$rc $err" "^1 hutch: desktop: firefox: no .desktop entry runs it" "an app that is not installed is reported"
run install ../evince
is "$rc" 1 "a name with a path in it is refused"

: >"$user/mine.desktop"
printf '[Desktop Entry]\nType=Application\nName=Mine\nExec=mine\n' >"$user/mine.desktop"
run remove evince
is "$rc $out" "0 removed $user/org.gnome.Evince.desktop" "desktop remove evince removes hutch's entry"
run remove evince
is "$rc" 1 "... a second remove finds nothing and says so"
check "the user's own entry is left alone" test -e "$user/mine.desktop"

run install --all
like "$out" "installed $user/org.gnome.Evince.desktop" "install --all covers evince (a shipped profile, installed here)"
unlike "$out" "other.desktop" "... and not an app without a profile"
run remove --all
is "$(ls "$user")" "mine.desktop" "remove --all removes hutch's entries only"

run
is "$rc" 2 "desktop without a subcommand is a usage error"
run install
is "$rc" 2 "desktop install without an app is a usage error"
