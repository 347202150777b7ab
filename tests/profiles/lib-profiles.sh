# shellcheck shell=bash
# Shared by the profile tests, sourced after tests/lib.sh: a home of the test's own (profiles
# create directories in it with mkdir and read ~/.gitconfig), the user's profile directory in
# it, and the source tree's profiles/ as the shipped set (HUTCH_PROFILE_PATH).

[ -n "${HUTCH_SRCDIR:-}" ] || bail_out "HUTCH_SRCDIR is not set"
SHIPPED=$HUTCH_SRCDIR/profiles
[ -d "$SHIPPED" ] || bail_out "$SHIPPED is missing"

REAL_HOME=$(getent passwd "$(id -u)" | cut -d: -f6)
export HOME=$TEST_TMP/home
export XDG_CONFIG_HOME=$HOME/.config
unset XDG_DATA_HOME XDG_CACHE_HOME XDG_STATE_HOME
export HUTCH_PROFILE_PATH=$SHIPPED
USER_PROFILES=$XDG_CONFIG_HOME/hutch/profiles
mkdir -p "$HOME" "$USER_PROFILES"
chmod 700 "$HOME"

if [ -d /etc/hutch/profiles ] && [ -n "$(ls -A /etc/hutch/profiles 2>/dev/null)" ]; then
	diag "note: /etc/hutch/profiles is not empty here; its profiles shadow the shipped ones"
fi

# The directive lines of `hutch profile show` output (comments and blank lines dropped).
directive_lines() {
	grep -v -e '^#' -e '^$'
}

# The shipped profile names, one a line.
shipped_names() {
	local p
	for p in "$SHIPPED"/*.profile; do
		p=${p##*/}
		echo "${p%.profile}"
	done
}
