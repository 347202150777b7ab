#!/usr/bin/env bash
# Where the shipped profiles come from. The binary in the build directory, not installed,
# reads the source tree's profiles/ (a newcomer's ./build/hutch firefox works before any
# install), and -v says so; the same binary installed (meson install into a scratch DESTDIR)
# or copied elsewhere reads only the installed data directory, never the build tree's.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

unset HUTCH_PROFILE_PATH
export HOME=$TEST_TMP/home XDG_CONFIG_HOME=$TEST_TMP/home/.config
mkdir -p "$HOME"
command -v meson >/dev/null || skip_all "meson is not in PATH"
[ -e /etc/hutch/profiles/firefox.profile ] && skip_all "/etc/hutch/profiles/firefox.profile exists: it would be chosen first"
src=$(cd "$HUTCH_SRCDIR" && pwd -P)

# shipped_line BINARY: what -v says about the shipped profiles (the sandbox itself may fail).
shipped_line() {
	"$1" -v --idmap single -- true 2>&1 | grep '^hutch: profile: shipped profiles from '
}
# read_line BINARY: the profile file `profile show firefox` read first.
profile_read() {
	"$1" profile show firefox 2>&1 | sed -n 's/^# Read: //p; s/^hutch: .*/&/p' | head -n 1
}

is "$(profile_read "$HUTCH")" "$src/profiles/firefox.profile" \
	"the build directory's hutch shows the source tree's firefox profile"
is "$(shipped_line "$HUTCH")" \
	"hutch: profile: shipped profiles from $src/profiles (this binary runs from its build directory)" \
	"-v names the source tree's profiles/ and why"

prefix=$(meson introspect "$HUTCH_BUILDDIR" --buildoptions |
	python3 -c 'import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
print(o["prefix"] + "/" + o["bindir"] + "\t" + o["prefix"] + "/" + o["datadir"])')
bindir=${prefix%%	*}
datadir=${prefix#*	}
dest=$TEST_TMP/dest
out=$(meson install -C "$HUTCH_BUILDDIR" --no-rebuild --destdir "$dest" 2>&1) || bail_out "meson install failed: $out"
installed=$dest$bindir/hutch
mkdir -p "$TEST_TMP/elsewhere" && cp "$HUTCH" "$TEST_TMP/elsewhere/hutch"
for bin in "$installed" "$TEST_TMP/elsewhere/hutch"; do
	what="an installed hutch"
	[ "$bin" = "$installed" ] || what="a copy of the build's hutch elsewhere"
	is "$(shipped_line "$bin")" "hutch: profile: shipped profiles from $datadir/hutch/profiles" \
		"$what reads the shipped profiles from the data directory"
	unlike "$(profile_read "$bin")" "^$src/" "$what never reads a profile from the source tree"
done

done_testing
