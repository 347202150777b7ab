#!/usr/bin/env bash
# shellcheck disable=SC2016 # $ is for the sandbox's shell
# Every shipped profile, started from the home, from / and from a project directory (issue
# 21): the sandbox cannot create or modify a persistence point on the host, existing or missing
# (src/front/persist.c), and a profile that shows the working directory never shows the whole home
# because of where it was started (--workdir: the tools stop with the fix, the viewers start in
# an empty directory). A refused start leaves the points as they were too.
# Against f9983ce: from ~, npm, curl, dev, shell and every other inc/workdir.inc profile ran
# with the whole home writable, and ~/.bashrc, ~/.config/hutch/profiles/curl.profile and the
# project's .git/hooks were planted (the "unchanged" checks fail there).
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

mkdir -p "$HOME"/{.ssh,project/.git/hooks,project/src}
echo 'PS1=x' >"$HOME/.bashrc"
echo 'login' >"$HOME/.profile"
echo 'ssh-ed25519 AAAA k' >"$HOME/.ssh/authorized_keys"
printf '[user]\n\tname = Test\n' >"$HOME/.gitconfig"
echo '[core]' >"$HOME/project/.git/config"
echo code >"$HOME/project/src/a.c"

POINTS=".bashrc .profile .bash_profile .bash_login .zshrc .zshenv .config/fish .ssh/authorized_keys
.ssh/config .config/autostart .config/systemd/user .config/environment.d .local/share/applications
.xinitrc .xsession .xprofile .pam_environment .gitconfig .config/git .config/hutch .local/state/hutch
project/.git/hooks project/.git/config"

# Each point's state on the host: missing, a directory listing, or a file's checksum.
points_state() {
	local p
	for p in $POINTS; do
		if [ -d "$HOME/$p" ]; then
			echo "$p dir $(cd "$HOME/$p" && find . | sort | tr '\n' ' ')"
		elif [ -e "$HOME/$p" ]; then
			echo "$p $(md5sum <"$HOME/$p")"
		else
			echo "$p missing"
		fi
	done
}
before=$(points_state)

# Write or create every point, and the issue's planted profile, by absolute host path.
ATTACK='for p in '"$(tr '\n' ' ' <<<"$POINTS")"'; do
	f=$HOME/$p
	mkdir -p "${f%/*}" 2>/dev/null
	if [ -d "$f" ]; then echo x >"$f/planted"; else echo x >>"$f"; fi
done 2>/dev/null
mkdir -p "$HOME/.config/hutch/profiles" 2>/dev/null && echo x >"$HOME/.config/hutch/profiles/curl.profile"
mv "$HOME/project/.git" "$HOME/project/g" 2>/dev/null
mv "$HOME/.config" "$HOME/c" 2>/dev/null && mkdir -p "$HOME/.config/autostart" && echo x >"$HOME/.config/autostart/a.desktop"
true'

for name in $(shipped_names); do
	for where in home root project; do
		case $where in
		home) dir=$HOME ;;
		root) dir=/ ;;
		project) dir=$HOME/project ;;
		esac
		(cd "$dir" && run_hutch --profile "$name" -- sh -c "$ATTACK" && declare -p rc err >"$TEST_TMP/last")
		# shellcheck disable=SC1091
		. "$TEST_TMP/last"
		state=$(points_state)
		if [ "$state" != "$before" ]; then
			not_ok "$name from $where: no persistence point changed on the host" \
				"$(diff <(echo "$before") <(echo "$state"))" "exit $rc: $err"
			before=$state # report each profile's own plants, not the last one's again
		elif [ "$rc" = 0 ]; then
			ok "$name from $where: no persistence point changed on the host"
		elif [ "$rc" = 125 ] && [[ $err == "hutch: workdir: started in $dir, which holds your whole home"* ]]; then
			ok "$name from $where: refused with the fix, nothing changed"
		else
			not_ok "$name from $where: runs (or is refused with the workdir fix)" "exit $rc: $err"
		fi
	done
done

# The tools stop from ~ and /; the viewers start in an empty directory with one --verbose line.
cd "$HOME" || bail_out "cd"
run_hutch --profile npm -- true
expect_exit 125 "npm from ~: refused"
like "$err" "cd ~/PROJECT" "npm from ~: the message says the fix"
is "$(printf '%s\n' "$err" | wc -l)" 1 "npm from ~: one line"
run_hutch --profile curl --workdir allow -- sh -c 'echo x >>"$HOME/.bashrc" || echo refused; echo y >"$HOME/new-file" 2>/dev/null || echo sealed'
is "$out" $'refused\nsealed' "curl from ~ with --workdir allow: the home is shown, its points still read-only"
run_hutch --verbose --profile zathura -- sh -c 'pwd; test -e "$HOME/project" || echo hidden'
is "$out" "$HOME"$'\nhidden' "zathura from ~: starts in its empty home, the real one is not shown"
like "$err" "hutch: workdir: $HOME holds the home; not shown" "zathura from ~: one line under --verbose"
cd / || bail_out "cd"
run_hutch --profile evince -- sh -c 'pwd; ls "$HOME/project" 2>/dev/null || echo hidden'
is "$out" "$HOME"$'\nhidden' "evince from /: starts in its empty home"
for d in "$HOME" /; do
	(cd "$d" && "$HUTCH" profile check npm zathura >/dev/null 2>"$TEST_TMP/check.err")
	is "$?" 0 "profile check of npm and zathura from $d: the profile is fine wherever it is checked"
done
cd "$HOME/project" || bail_out "cd"
run_hutch --profile zathura -- sh -c 'pwd; cat src/a.c'
is "$out" "$HOME/project"$'\ncode' "zathura from a project: the directory is shown"

done_testing
