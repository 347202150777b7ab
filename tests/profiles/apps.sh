#!/usr/bin/env bash
# Each app with a shipped profile, when it is installed here, runs under that profile — picked
# by the command's name, as `hutch APP` does — with --version or a small headless action; an
# app that is not installed is a clear skip.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

printf '[user]\n\tname = Test\n' >"$HOME/.gitconfig"
mkdir -p "$HOME/project"
cd "$HOME/project" || bail_out "cd"

# APP|ARGS|what the output must match (stdout and stderr together)
APPS='
firefox|--headless --version|Mozilla Firefox
chromium|--headless --no-sandbox --version|Chromium
thunderbird|--headless --version|Thunderbird
evince|--version|GNOME Document Viewer
okular|--version|okular
zathura|--version|zathura
mpv|--version|^mpv
vlc|--version|VLC (media player|version)
gimp|--version|GNU Image Manipulation Program
inkscape|--version|Inkscape
libreoffice|--version|LibreOffice
transmission-gtk|--version|transmission-gtk
curl|--version|^curl
wget|--version|GNU Wget
git|--version|^git version
ssh|-V|OpenSSH
python3|--version|^Python 3
node|--version|^v[0-9]
npm|--version|^[0-9]+\.
cargo|--version|^cargo
make|--version|GNU Make
gcc|--version|^gcc
pip|--version|^pip
7z|i|7-Zip
unzip|-v|UnZip
tar|--version|GNU tar
'

while IFS='|' read -r app args want; do
	[ -n "$app" ] || continue
	path=$(command -v "$app") || {
		skip "$app: not installed on this machine"
		continue
	}
	case "$(readlink -f "$path")" in
	"$REAL_HOME"/* | "$TEST_TMP"/*)
		skip "$app: installed in a home ($path), which its profile does not show"
		continue
		;;
	esac
	# A graphical app may need a display even for --version (GTK does): what fails outside
	# the sandbox too is not the profile's doing.
	# shellcheck disable=SC2086 # ARGS are words
	if ! with_timeout 30 "$app" $args </dev/null >/dev/null 2>&1; then
		skip "$app: '$app $args' fails outside the sandbox too (no display here?)"
		continue
	fi
	# shellcheck disable=SC2086
	run_hutch -v "$app" $args
	if [ "$rc" = 0 ] && printf '%s\n%s\n' "$out" "$err" | grep -Eq -- "$want" &&
		printf '%s\n' "$err" | grep -q "profile: $SHIPPED/$app\.profile"; then
		ok "$app runs under $app.profile ($app $args)"
	else
		not_ok "$app runs under $app.profile ($app $args)" "exit status $rc" "stdout: $(printf '%s' "$out" | head -c 600)" \
			"stderr: $(printf '%s' "$err" | head -c 1500)"
	fi
done <<<"$APPS"

# A headless action of some: real work, under the profile.
if command -v tar >/dev/null && command -v gzip >/dev/null; then
	mkdir -p src && echo hello >src/a.txt
	run_hutch tar czf a.tgz src
	run_hutch tar tzf a.tgz
	is "$out" "src/"$'\n'"src/a.txt" "tar: create and list an archive in the current directory"
	rm -rf src a.tgz
fi
if command -v python3 >/dev/null && [[ "$(readlink -f "$(command -v python3)")" != "$REAL_HOME"/* ]]; then
	run_hutch python3 -c 'import os, sys; open("py.out", "w").write(sys.version.split()[0]); print(os.environ.get("PYTHONDONTWRITEBYTECODE"))'
	is "$out" 1 "python3: the profile's environment"
	check "python3: wrote into the current directory" test -s py.out
fi
if command -v gcc >/dev/null; then
	printf '#include <stdio.h>\nint main(void) { puts("built"); return 0; }\n' >hello.c
	run_hutch gcc -o hello hello.c
	expect_exit 0 "gcc: compiles in the current directory"
	run_hutch --profile gcc -- ./hello
	is "$out" built "gcc: the program it built runs"
fi
if command -v make >/dev/null; then
	printf 'all:\n\techo made > made.txt\n' >Makefile
	run_hutch make -s
	is "$(cat made.txt 2>/dev/null)" made "make: runs a Makefile here"
fi
if command -v git >/dev/null; then
	run_hutch git init -q repo
	run_hutch git -C repo config user.name
	is "$out" Test "git: init here, and reads ~/.gitconfig"
fi
if command -v unzip >/dev/null && command -v python3 >/dev/null; then
	python3 -c 'import zipfile; z = zipfile.ZipFile("z.zip", "w"); z.writestr("inner.txt", "zipped"); z.close()'
	run_hutch unzip -q z.zip
	is "$(cat inner.txt 2>/dev/null)" zipped "unzip: extracts into the current directory"
fi
if command -v 7z >/dev/null; then
	mkdir -p seven && echo seventh >seven/s.txt
	run_hutch 7z a -bd -y s.7z seven
	rm -rf seven
	run_hutch 7z x -bd -y s.7z
	is "$(cat seven/s.txt 2>/dev/null)" seventh "7z: packs and unpacks in the current directory"
fi

done_testing
