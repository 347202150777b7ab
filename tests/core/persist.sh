#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2088 # $ is for the sandbox's shell, ~ for hutch
# Persistence points (issue 21, src/front/persist.c): whatever makes the home or a project writable
# (--home host, --whitelist ~, --bind ~, --bind ~:/elsewhere, --whitelist PROJECT), the points
# stay read-only, missing ones cannot be created (not even by renaming a parent away), a
# symlinked one keeps its target read-only, and the rest stays writable. --allow-persist makes
# exactly one writable and the report names it; bad input is one line and 125.
# Against f9983ce (before persist.c) every "refused" and "unchanged" check here fails: the
# writes went through to the host.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

export HOME=$TEST_TMP/home
unset XDG_CONFIG_HOME XDG_STATE_HOME
# The same home before each run, so that one run's plant cannot hide the next one's.
fresh_home() {
	rm -rf "$HOME"
	mkdir -p "$HOME"/{.ssh,.config,docs,dotfiles,proj/.git/hooks,proj/src}
	echo 'PS1=x' >"$HOME/.bashrc"
	echo 'login' >"$HOME/.profile"
	echo 'ssh-ed25519 AAAA k' >"$HOME/.ssh/authorized_keys"
	echo 'zsh' >"$HOME/dotfiles/zshrc"
	ln -s dotfiles/zshrc "$HOME/.zshrc"
	echo '[core]' >"$HOME/proj/.git/config"
	echo notes >"$HOME/notes"
	echo code >"$HOME/proj/src/a.c"
	mkdir -p "$HOME/proj/vendor/lib/.git/hooks"
	echo '[core]' >"$HOME/proj/vendor/lib/.git/config"
}
fresh_home

# A listing of the home with each file's checksum (what "unchanged" means here).
snapshot() {
	(cd "$HOME" && find . -path ./docs -prune -o -path ./proj/src -prune -o -path ./notes -prune -o -print |
		sort | while read -r p; do
		if [ -f "$p" ] && [ ! -L "$p" ]; then echo "$p $(md5sum <"$p")"; else echo "$p $(stat -c %F "$p")"; fi
	done)
}
before=$(snapshot)

# Each attack on its own line; each prints "planted NAME" when it went through.
ATTACKS='
echo x >>"$HOME/.bashrc" && echo planted bashrc
echo x >"$HOME/.bash_profile" && echo planted bash_profile
echo x >"$HOME/.zshrc" && echo planted zshrc-through-link
rm -f "$HOME/.zshrc" 2>/dev/null; echo x >"$HOME/.zshrc" && echo planted zshrc-replaced
echo x >>"$HOME/dotfiles/zshrc" && echo planted zshrc-target
echo k >>"$HOME/.ssh/authorized_keys" && echo planted authorized_keys
echo x >"$HOME/.ssh/config" && echo planted ssh-config
mkdir -p "$HOME/.config/autostart" 2>/dev/null && echo x >"$HOME/.config/autostart/a.desktop" && echo planted autostart
mkdir -p "$HOME/.config/systemd/user" 2>/dev/null && echo planted systemd-user
mkdir -p "$HOME/.config/hutch/profiles" 2>/dev/null && echo x >"$HOME/.config/hutch/profiles/curl.profile" && echo planted hutch-profile
mv "$HOME/.config" "$HOME/docs/moved" 2>/dev/null && mkdir -p "$HOME/.config/autostart" && echo planted config-renamed
echo x >"$HOME/proj/.git/hooks/pre-commit" && echo planted git-hook
echo x >>"$HOME/proj/.git/config" && echo planted git-config
mv "$HOME/proj/.git" "$HOME/proj/g" 2>/dev/null && echo planted git-renamed
echo x >"$HOME/proj/vendor/lib/.git/hooks/post-merge" && echo planted nested-git-hook
echo x >>"$HOME/proj/vendor/lib/.git/config" && echo planted nested-git-config
echo x >"$HOME/.gitconfig" && echo planted gitconfig
true'
# What must stay possible: existing files, and new files below the home's directories.
USE='echo more >>"$HOME/notes" && echo x >"$HOME/docs/new-$1" && echo y >"$HOME/proj/src/b-$1.c" && echo usable'

attack() { # attack DESC HUTCH-OPTIONS...
	local desc=$1
	shift
	fresh_home
	run_hutch "$@" -- sh -c "$ATTACKS"
	is "$out" "" "$desc: no persistence point can be written or created"
	is "$(snapshot)" "$before" "$desc: the home's persistence points are unchanged on the host"
}

attack "--home host" --home host
run_hutch --home host -- sh -c "$USE" - home
is "$out" usable "--home host: existing files and the home's directories stay writable"
attack "--whitelist ~" --whitelist "$HOME"
attack "--bind ~" --bind "$HOME"
fresh_home
run_hutch --bind "$HOME:/mnt/h" -- sh -c 'echo x >>/mnt/h/.bashrc && echo planted; mkdir /mnt/h/.config/autostart && echo planted'
is "$out" "" "--bind ~:/mnt/h: the points are read-only at the other place too"
is "$(snapshot)" "$before" "--bind ~:/mnt/h: unchanged on the host"
fresh_home
run_hutch --whitelist "$HOME/proj" --chdir "$HOME/proj" -- sh -c "$(printf '%s\n' "$ATTACKS" | grep -e git- -e true)"
is "$out" "" "--whitelist PROJECT: its .git/hooks and .git/config are read-only"
is "$(snapshot)" "$before" "--whitelist PROJECT: unchanged on the host"
run_hutch --whitelist "$HOME/proj" -- sh -c 'echo y >"$HOME/proj/src/c.c" && echo usable'
is "$out" usable "--whitelist PROJECT: the project stays writable"
fresh_home
run_hutch --whitelist "$HOME/.config" -- sh -c 'mkdir "$HOME/.config/autostart" && echo planted'
is "$out" "" "--whitelist ~/.config: ~/.config/autostart cannot be created"
is "$(snapshot)" "$before" "--whitelist ~/.config: unchanged on the host"
fresh_home
run_hutch --whitelist "$HOME/proj/.git" -- sh -c 'echo x >"$HOME/proj/.git/hooks/post-checkout" && echo planted'
is "$out" "" "--whitelist PROJECT/.git: the hooks stay read-only"
is "$(snapshot)" "$before" "--whitelist PROJECT/.git: unchanged on the host"

# The same through profiles: a profile's whitelist ~ and bind ~ go through the same pass.
printf 'whitelist ~\n' >"$TEST_TMP/wl-home.profile"
printf 'bind ~\n' >"$TEST_TMP/bind-home.profile"
attack "a profile with whitelist ~" --profile "$TEST_TMP/wl-home.profile"
attack "a profile with bind ~" --profile "$TEST_TMP/bind-home.profile"

# The restricted tier (no mount namespace: Landlock only adds rights, so the points are kept by
# granting around them; see landlock.c).
run_hutch --tier restricted -- true
if [ "$rc" = 0 ]; then
	attack "--tier restricted --whitelist ~" --tier restricted --whitelist "$HOME"
	fresh_home
	run_hutch --tier restricted --whitelist "$HOME" -- sh -c 'echo more >>"$HOME/notes" && echo y >"$HOME/docs/new" && echo usable'
	is "$out" usable "--tier restricted --whitelist ~: existing files and the home's directories stay writable"
else
	skip "the restricted tier does not run here (no Landlock): $err"
	skip "the restricted tier does not run here"
	skip "the restricted tier does not run here"
fi

# ---- --allow-persist --------------------------------------------------------------------------

report=$TEST_TMP/report.jsonl
fresh_home
run_hutch --home host --allow-persist '~/.bashrc' --report "$report" -- sh -c "$ATTACKS"
is "$out" "planted bashrc" "--allow-persist ~/.bashrc: exactly that file is writable"
is "$(tail -n 1 "$HOME/.bashrc")" x "--allow-persist: the write reached the host"
like "$(cat "$report" 2>/dev/null)" "\"detail\":\"$HOME/.bashrc\".*\"rule\":\"allow-persist\".*\"action\":\"allowed\"" \
	"--allow-persist: the report names the path"
run_hutch --home host --allow-persist "$HOME/.ssh/config" -- \
	sh -c 'echo x >"$HOME/.ssh/config" && rm "$HOME/.ssh/config" && echo made; echo k >>"$HOME/.ssh/authorized_keys" || echo kept'
is "$out" $'made\nkept' "--allow-persist of a missing point: that one can be created, its sibling stays read-only"

for bad in 'relative/.bashrc' /etc/passwd "$HOME/notes" "$HOME"; do
	run_hutch --allow-persist "$bad" -- true
	expect_exit 125 "--allow-persist $bad: exit 125"
	like "$err" "^hutch: --allow-persist: .*$bad" "--allow-persist $bad: one line naming the option and path"
	is "$(printf '%s\n' "$err" | wc -l)" 1 "--allow-persist $bad: a single line"
done

done_testing
