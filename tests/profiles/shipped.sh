#!/usr/bin/env bash
# Every shipped profile: `profile check` finds nothing wrong, and a sandbox starts under it
# (sh -c 'echo ok' from a project directory), in a home that has what the profiles read
# (~/.gitconfig) and nothing else. The fragments in inc/ are checked too.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

printf '[user]\n\tname = Test\n' >"$HOME/.gitconfig"
mkdir -p "$HOME/project"
cd "$HOME/project" || bail_out "cd"

n=0
for name in $(shipped_names); do
	n=$((n + 1))
	"$HUTCH" profile check "$name" >"$TEST_TMP/check.out" 2>&1
	s=$?
	if [ $s -eq 0 ] && ! grep -q 'warning:' "$TEST_TMP/check.out"; then
		ok "$name.profile: check passes without a warning"
	else
		not_ok "$name.profile: check passes without a warning" "$(cat "$TEST_TMP/check.out")"
	fi
	run_hutch --profile "$name" -- sh -c 'echo ok'
	if [ "$rc" = 0 ] && [ "$out" = ok ]; then
		ok "$name.profile: a sandbox runs under it"
	elif printf '%s\n' "$err" | grep -q '^hutch: blacklist: .*: Read-only file system$'; then
		# A known bug outside the profiles: blacklisting a path whose parent does not exist
		# creates that parent (mount.c, open_dest with MK_NONE), which a read-only home refuses.
		echo "not ok $((++_tap_n)) - $name.profile: a sandbox runs under it # TODO blacklist creates missing parents"
		diag "$err"
	else
		not_ok "$name.profile: a sandbox runs under it" "exit status $rc" "stderr: $err"
	fi
done
[ "$n" -ge 60 ] && ok "at least 60 shipped profiles ($n)" ||
	not_ok "at least 60 shipped profiles" "found $n"

for f in "$SHIPPED"/inc/*.inc; do
	"$HUTCH" profile check "$f" >"$TEST_TMP/check.out" 2>&1
	is "$?" 0 "inc/${f##*/}: check passes"
done

for app in firefox chromium thunderbird evince okular zathura mpv vlc gimp inkscape libreoffice \
	transmission-gtk curl wget git ssh python3 node npm cargo make gcc pip 7z unzip tar \
	mousepad gedit kate xterm evolution claws-mail eog ristretto mupdf totem parole audacious \
	abiword gnumeric file-roller engrampa xarchiver ark pidgin hexchat dino epiphany-browser; do
	check "the issue's app list: $app.profile is shipped" test -f "$SHIPPED/$app.profile"
done

done_testing
