#!/usr/bin/env bash
# `meson install` (into a scratch DESTDIR) puts the binary, the man pages and the completions
# where Debian's man-db, bash-completion, zsh and fish look for them.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-docs.sh"

command -v meson >/dev/null || skip_all "meson is not in PATH"
options=$(meson introspect "$HUTCH_BUILDDIR" --buildoptions) || bail_out "meson introspect failed"
option() {
	printf '%s' "$options" | python3 -c 'import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == sys.argv[1]))' "$1"
}
prefix=$(option prefix)
datadir=$(option datadir)
mandir=$(option mandir)
bindir=$(option bindir)
# Relative directories are under the prefix.
under() {
	case $1 in /*) echo "$1" ;; *) echo "$prefix/$1" ;; esac
}

dest=$TEST_TMP/dest
if output=$(meson install -C "$HUTCH_BUILDDIR" --no-rebuild --destdir "$dest" 2>&1); then
	ok "meson install --destdir succeeds"
else
	not_ok "meson install --destdir succeeds" "$output"
fi

installed() {
	if [ -f "$dest$1" ]; then
		ok "installed: $1"
	else
		not_ok "installed: $1" "$(cd "$dest" && find . -type f | head -50)"
	fi
}

not_installed() {
	if [ ! -e "$dest$1" ]; then
		ok "not installed: $1 ($2)"
	else
		not_ok "not installed: $1 ($2)"
	fi
}

installed "$(under "$bindir")/hutch"
# hutch-veth and its page go together, installed only when the packager asks for the helper.
veth_helper=$(option veth_helper)
if [ "$veth_helper" = True ]; then
	installed "$(under "$bindir")/hutch-veth"
else
	not_installed "$(under "$bindir")/hutch-veth" "-Dveth_helper=false"
fi
installed "$(under "$datadir")/bash-completion/completions/hutch"
# Under /usr the shells' vendor directories; under another prefix the ones each shell reads
# by itself there (tests/docs/stock-shells.sh runs them).
if [ "$prefix" = /usr ]; then
	installed "$(under "$datadir")/zsh/vendor-completions/_hutch"
	installed "$(under "$datadir")/fish/vendor_completions.d/hutch.fish"
else
	installed "$(under "$datadir")/zsh/site-functions/_hutch"
	installed /etc/fish/completions/hutch.fish
fi
if compgen -G "$BUILT_MAN/*.scd" >/dev/null; then
	for scd in "$HUTCH_SRCDIR"/man/*.scd; do
		page=$(basename "$scd" .scd)
		if [ "$page" = hutch-veth.8 ] && [ "$veth_helper" != True ]; then
			not_installed "$(under "$mandir")/man8/$page" "-Dveth_helper=false"
		else
			installed "$(under "$mandir")/man${page##*.}/$page"
		fi
	done
else
	skip "the man pages are not built (no scdoc), so none is installed"
fi
f=$dest$(under "$datadir")/bash-completion/completions/hutch
if [ -f "$f" ]; then
	like "$(grep '^_hutch_datadir_profiles=' "$f")" "='$(under "$datadir")/hutch/profiles'" \
		"the installed bash completion knows where the profiles are installed"
fi

done_testing
