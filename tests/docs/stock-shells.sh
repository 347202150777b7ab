#!/usr/bin/env bash
# After `meson install`, bash, zsh and fish complete `hutch --pro` with their stock Debian 12
# configuration: nothing added to any startup file, nothing in the environment. The install
# goes to a scratch DESTDIR; a user namespace with its own mounts then puts DESTDIR's prefix
# (and /etc/fish) where the installed files would be, so that each shell finds them where it
# looks by itself. bash and zsh are started interactive on a pseudo-terminal and sent TAB
# (pty-complete.py); fish is asked with `complete -C` after reading its stock configuration.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-docs.sh"

command -v meson >/dev/null || skip_all "meson is not in PATH"
command -v unshare >/dev/null || skip_all "unshare (util-linux) is not installed"
require_userns
prefix=$(meson introspect "$HUTCH_BUILDDIR" --buildoptions |
	python3 -c 'import json, sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
case $prefix in
/usr/local | /usr) ;;
*) skip_all "the build's prefix is $prefix: no stock shell looks there" ;;
esac

dest=$TEST_TMP/dest
out=$(meson install -C "$HUTCH_BUILDDIR" --no-rebuild --destdir "$dest" 2>&1) || bail_out "meson install failed: $out"
home=$TEST_TMP/home
mkdir -p "$home"
cp /etc/skel/.bashrc "$home/.bashrc" 2>/dev/null
# Debian's /etc/zsh/zshrc runs compinit only on Ubuntu: a zsh user gets completion from the
# ~/.zshrc that zsh's first-run wizard writes when asked for the recommended configuration
# (its choice (2) copies /etc/zsh/newuser.zshrc.recommended). Without a ~/.zshrc the wizard
# would take the terminal.
if [ -f /etc/zsh/newuser.zshrc.recommended ]; then
	cp /etc/zsh/newuser.zshrc.recommended "$home/.zshrc"
else
	echo '# Created by newuser' >"$home/.zshrc"
fi
if [ "$(id -u)" = 0 ]; then
	chmod 711 "$TEST_TMP" && chown -R 65534:65534 "$home" || bail_out "cannot give $home to nobody"
fi

# in_stock_env CMD...: CMD with the installed tree where it belongs, in a login-like
# environment. /usr/local and /etc/fish are bound over in a mount namespace of the test's own.
# As root (the root suite), CMD then runs as nobody, with every system file owned by root as
# on any machine. As a normal user, the mount namespace belongs to a new user namespace where
# the caller is root: the host's root-owned files show as nobody's there.
in_stock_env() {
	local binds="mount --rbind '$dest$prefix' '$prefix'" drop=
	if [ -d "$dest/etc/fish/completions" ] && [ -d /etc/fish ]; then
		cp -a /etc/fish "$TEST_TMP/etc-fish" 2>/dev/null
		mkdir -p "$TEST_TMP/etc-fish/completions" &&
			cp "$dest"/etc/fish/completions/* "$TEST_TMP/etc-fish/completions/" &&
			binds="$binds && mount --bind '$TEST_TMP/etc-fish' /etc/fish"
	fi
	local ns=(unshare --user --map-root-user --mount)
	if [ "$(id -u)" = 0 ]; then
		ns=(unshare --mount)
		drop="setpriv --reuid=65534 --regid=65534 --clear-groups"
	fi
	env -i HOME="$home" USER=tester LOGNAME=tester PATH=/usr/local/bin:/usr/bin:/bin \
		TERM=xterm LANG=C.UTF-8 "${ns[@]}" sh -c "$binds && exec $drop \"\$@\"" sh "$@"
}
PTY=$(dirname "${BASH_SOURCE[0]}")/pty-complete.py

if [ "$prefix" = /usr ]; then
	skip "prefix /usr: the stock directories are the system's own; not bound over"
	done_testing
	exit 0
fi
check "the installed hutch is the first in the stock PATH" in_stock_env sh -c '[ "$(command -v hutch)" = /usr/local/bin/hutch ]'

# pty_complete DESC KEYS -- SHELL...: SHELL, interactive on a terminal, shows --profile and
# --protect after KEYS.
pty_complete() {
	local desc=$1 keys=$2 got
	shift 3
	if got=$(in_stock_env timeout -k 5 30 python3 "$PTY" 20 "$keys" --profile,--protect -- "$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "what the shell drew:" "$(printf '%s' "$got" | tr -d '\r' | tail -n 20)"
	fi
}

if [ ! -f /usr/share/bash-completion/bash_completion ]; then
	skip "bash-completion is not installed: bash completes nothing by itself"
else
	pty_complete "bash (stock ~/.bashrc from /etc/skel) completes 'hutch --pro'" 'hutch --pro\t\t' -- bash -i
fi

if ! command -v zsh >/dev/null; then
	skip "zsh is not installed (apt-get install zsh): its completion is unchecked"
elif [ "$(id -u)" != 0 ]; then
	# compinit (compaudit) asks whether to use fpath directories owned by neither root nor the
	# user: in the user namespace every system one is nobody's.
	skip "zsh's compinit refuses the system's directories inside a user namespace: checked by the root suite (docs-stock-shells-root)"
else
	pty_complete "zsh (the wizard's recommended ~/.zshrc) completes 'hutch --pro'" 'hutch --pro\t' -- zsh -i
fi

if ! command -v fish >/dev/null; then
	skip "fish is not installed (apt-get install fish): its completion is unchecked"
else
	got=$(in_stock_env timeout -k 5 30 fish -c 'complete -C "hutch --pro"' 2>&1 | cut -f1)
	if has_line "$got" --profile && has_line "$got" --protect; then
		ok "fish (stock configuration) completes 'hutch --pro'"
	else
		not_ok "fish (stock configuration) completes 'hutch --pro'" "offered:" "$got"
	fi
fi

done_testing
