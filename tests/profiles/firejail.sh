#!/usr/bin/env bash
# firejail's profiles read as hutch's (issue 26): a command without a hutch profile runs under
# its firejail profile, translated (includes, .local, ignore, conditions, macros, noblacklist
# order, whitelists, read-only, noexec, protocol); hutch's own profile wins; the fallback turns
# off; bad firejail input is one line naming file, line and directive, exit 125 unless lenient;
# `profile show` and `profile import firejail`. The profiles are the test's own (in
# $HUTCH_FIREJAIL_PATH), so that this runs without firejail installed.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

# `hutch profile ...` is a subcommand only as the first word: without HUTCH_CMD's options.
run_profile() {
	"$HUTCH" profile "$@" >"$TEST_TMP/.out" 2>"$TEST_TMP/.err"
	rc=$?
	out=$(cat "$TEST_TMP/.out")
	err=$(cat "$TEST_TMP/.err")
}

FJ=$TEST_TMP/firejail
export HUTCH_FIREJAIL_PATH=$FJ
mkdir -p "$FJ" "$HOME/docs" "$HOME/.ssh"
echo secret >"$HOME/.ssh/id_test"
echo hi >"$HOME/docs/a.txt"
echo kept >"$HOME/docs/b.txt"
echo hidden >"$HOME/docs/bb.txt"
echo ignored >"$HOME/docs/ig.txt"
echo rc >"$HOME/docs/rc"
cp "$(command -v true)" "$HOME/docs/exe"

cat >"$FJ/cat.profile" <<'P'
# a firejail profile in firejail's own words
include cat.local
include globals.local
?HAS_X11: blacklist ${HOME}/docs
?BROWSER_DISABLE_U2F: mkdir ${HOME}/made
ignore blacklist ${HOME}/docs/ig.txt
include cat-common.inc
whitelist ${HOME}/docs
whitelist ${HOME}/made
read-only ${HOME}/docs/rc
protocol unix
caps.drop all
nonewprivs
noroot
seccomp
net none
noexec ${HOME}
apparmor
P
cat >"$FJ/cat-common.inc" <<'P'
noblacklist ${HOME}/docs/b.txt
blacklist ${HOME}/docs/b*.txt
blacklist ${HOME}/docs/ig.txt
P
printf 'blacklist ${HOME}/docs/local-hidden\n' >"$FJ/globals.local"
echo x >"$HOME/docs/local-hidden"

run_hutch -v cat "$HOME/docs/a.txt"
expect_exit 0 "hutch cat runs under firejail's cat.profile"
is "$out" hi "it reads a whitelisted file"
like "$err" "profile: $FJ/cat\.profile \(firejail's, translated: [0-9]+ directive lines, 1 approximated, 0 dropped, 0 weaker" \
	"-v names the firejail file and counts what was not carried over"
check "mkdir under a true condition made the directory" test -d "$HOME/made"

P=$FJ/cat.profile
probe='cat ~/docs/b.txt; cat ~/docs/bb.txt 2>/dev/null || echo bb-hidden
cat ~/docs/ig.txt; cat ~/docs/local-hidden 2>/dev/null || echo local-hidden
cat ~/.ssh/id_test 2>/dev/null || echo ssh-hidden
echo x >>~/docs/rc 2>/dev/null || echo rc-ro; echo x >>~/docs/a.txt && echo a-rw
~/docs/exe 2>/dev/null || echo noexec
python3 -c "import socket
try:
    socket.socket(socket.AF_INET)
    print(\"inet-open\")
except OSError as e:
    print(\"inet\", e.errno)
socket.socket(socket.AF_UNIX); print(\"unix-ok\")"'
run_hutch --firejail-profile "$P" -- sh -c "$probe"
expect_exit 0 "--firejail-profile PATH runs"
is "$out" "kept
bb-hidden
ignored
local-hidden
ssh-hidden
rc-ro
a-rw
noexec
inet 97
unix-ok" "noblacklist before blacklist, ignore, globals.local, hutch's secrets, read-only, noexec, protocol"

# dbus-user filter where this host has no session bus: no bus, not a proxy that cannot start
printf 'dbus-user filter\ndbus-user.talk org.example.X\n' >"$FJ/dbus.profile"
DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-bus run_hutch --firejail-profile "$FJ/dbus.profile" -- true
expect_exit 0 "dbus-user filter without a session bus runs, with none"
DBUS_SESSION_BUS_ADDRESS=unix:path=$TEST_TMP/no-bus run_profile import firejail "$FJ/dbus.profile"
like "$out" "dbus-user none
# approximated: dbus-user filter - no session bus on this host" "… and import says why"

# system call groups become their calls; an unknown group is reported as weaker
printf 'seccomp.drop @swap,@reboot,@nosuch\n' >"$FJ/groups.profile"
run_profile import firejail "$FJ/groups.profile"
like "$out" "seccomp-deny swapoff
seccomp-deny swapon" "seccomp.drop @swap: its calls denied"
like "$out" "1 weaker than firejail" "an unknown group counts as weaker"
like "$out" "# weaker: seccomp.drop @swap,@reboot,@nosuch - system call group @nosuch" "… and says which"
run_hutch --firejail-profile "$FJ/groups.profile" -- true
expect_exit 0 "a sandbox with the groups' calls denied starts"

# private-bin: hutch's own; a whitelist under /usr: a tmpfs over that directory showing only the
# entries (even none); private-lib: dropped, as firejail's stock firejail.config ignores it
printf 'private-bin sh,ls\nwhitelist /usr/share/doc\nwhitelist-ro /usr/share/misc\nwhitelist /usr/libexec/no-such\nprivate-lib\n' \
	>"$FJ/narrow.profile"
run_profile import firejail "$FJ/narrow.profile"
like "$out" "^private-bin sh,ls$" "private-bin becomes hutch's private-bin"
is "$(grep -E '^(tmpfs|ro-bind-try) /usr' <<<"$out")" "tmpfs /usr/share
ro-bind-try /usr/share/doc
ro-bind-try /usr/share/misc
tmpfs /usr/libexec
ro-bind-try /usr/libexec/no-such" "whitelists under /usr: a tmpfs over the directory, then each entry"
like "$out" "# dropped: private-lib - firejail's firejail.config disables private-lib" "private-lib is dropped, and why"
unlike "$out" "approximated: (private-bin|whitelist)" "neither private-bin nor a /usr whitelist is approximated"
run_hutch --firejail-profile "$FJ/narrow.profile" -- sh -c 'ls /usr/bin; command -v cat || echo no-cat
ls /usr/share; ls -A /usr/libexec; echo end'
sh_real=$(readlink -f /usr/bin/sh)
is "$out" "$(printf '%s\n' ls sh "${sh_real#/usr/bin/}" | sort -u)
no-cat
doc
misc
end" "the run shows only the named programs and the whitelisted /usr entries"

printf '# a host that turned it on\nprivate-lib yes\n' >"$FJ/firejail.config"
run_profile import firejail "$FJ/narrow.profile"
like "$out" "# weaker: private-lib - this host's firejail.config enables private-lib" \
	"private-lib where firejail.config enables it: reported as weaker"
like "$out" ", 1 weaker than firejail" "… and counted"
rm "$FJ/firejail.config"

# private-opt: an /opt of only the named entries (none: empty), as firejail shows it
first_opt=$(ls -A /opt 2>/dev/null | head -1)
printf 'private-opt none\n' >"$FJ/opt.profile"
[ -n "$first_opt" ] && printf 'private-opt %s,no-such-entry\n' "$first_opt" >"$FJ/opt.profile"
run_profile import firejail "$FJ/opt.profile"
like "$out" "^tmpfs /opt$" "private-opt: /opt becomes a tmpfs"
unlike "$out" "approximated: private-opt" "… and is not approximated"
run_hutch --firejail-profile "$FJ/opt.profile" -- ls -A /opt
is "$out" "$first_opt" "private-opt: /opt shows only the named entry (${first_opt:-none})"
printf 'private-opt ../etc\n' >"$FJ/opt.profile"
run_hutch --firejail-profile "$FJ/opt.profile" -- true
expect_exit 125 "private-opt with a path is refused"
like "$err" "^hutch: firejail: $FJ/opt\.profile:1: private-opt \.\./etc: '\.\./etc': expected names inside /opt" "… in one line"

# private-cache: an empty ~/.cache that hides what a whitelist shows in it, as firejail does
mkdir -p "$HOME/.cache/app"
printf 'whitelist ${HOME}/.cache/app\nwhitelist ${HOME}/docs\nprivate-cache\n' >"$FJ/cache.profile"
run_profile import firejail "$FJ/cache.profile"
like "$out" "^private-cache$" "private-cache becomes hutch's private-cache"
unlike "$out" "approximated: private-cache" "… and is not approximated"
run_hutch --firejail-profile "$FJ/cache.profile" -- sh -c 'ls -A ~/.cache; echo end'
is "$out" end "private-cache: ~/.cache is empty although a whitelist names a part of it"

# machine-id: a random /etc/machine-id, not the host's
if [ -s /etc/machine-id ]; then
	printf 'machine-id\n' >"$FJ/mid.profile"
	run_profile import firejail "$FJ/mid.profile"
	like "$out" "^machine-id$" "machine-id becomes hutch's machine-id"
	run_hutch --firejail-profile "$FJ/mid.profile" -- cat /etc/machine-id
	[[ $out =~ ^[0-9a-f]{32}$ ]] && [ "$out" != "$(cat /etc/machine-id)" ] &&
		ok "machine-id: the sandbox sees a random id" || not_ok "machine-id: the sandbox sees a random id" "$out"
else
	skip_n 2 "no /etc/machine-id here"
fi

# hutch's own profile for the command wins, in any of its directories
printf 'hostname own\n' >"$USER_PROFILES/cat.profile"
run_hutch -v cat /etc/hostname
like "$err" "profile: $USER_PROFILES/cat\.profile$" "a hutch profile of the same name wins over firejail's"
rm "$USER_PROFILES/cat.profile"

# turned off: hutch's default profile
run_hutch -v --no-firejail-profiles cat "$HOME/docs/a.txt"
like "$err" "profile: $SHIPPED/default\.profile" "--no-firejail-profiles: hutch's default"
run_hutch -v --firejail-profiles=off cat "$HOME/docs/a.txt"
like "$err" "profile: $SHIPPED/default\.profile" "--firejail-profiles=off: hutch's default"
mkdir -p "$XDG_CONFIG_HOME/hutch"
printf '# mine\nfirejail-profiles off\n' >"$XDG_CONFIG_HOME/hutch/hutch.conf"
run_hutch -v cat "$HOME/docs/a.txt"
like "$err" "profile: $SHIPPED/default\.profile" "firejail-profiles off in hutch.conf: hutch's default"
run_profile show cat
expect_exit 125 "firejail-profiles off in hutch.conf: profile show does not offer firejail's either"
run_hutch -v --firejail-profiles=strict cat "$HOME/docs/a.txt"
like "$err" "profile: $FJ/cat\.profile" "the command line wins over hutch.conf"
printf 'firejail-profiles sometimes\n' >"$XDG_CONFIG_HOME/hutch/hutch.conf"
run_hutch cat "$HOME/docs/a.txt"
expect_exit 125 "a bad hutch.conf line is an error"
like "$err" "hutch.conf:1: firejail-profiles: 'sometimes'" "… naming file and line"
rm "$XDG_CONFIG_HOME/hutch/hutch.conf"

# bad input: one line, file:line: directive, exit 125; lenient: hutch's default instead
MARK=$TEST_TMP/mark
mkdir -p "$MARK"
chmod 777 "$MARK"
bad() { # DESC FILE-CONTENT REGEX
	printf '%b' "$2" >"$FJ/touch.profile"
	rm -f "$MARK/ran"
	run_hutch touch "$MARK/ran"
	expect_exit 125 "$1: exit 125"
	if [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && printf '%s\n' "$err" | grep -Eq -- "$3"; then
		ok "$1: one line naming file, line and directive"
	else
		not_ok "$1: one line naming file, line and directive" "stderr: $err" "wanted: $3"
	fi
	check "$1: nothing ran" test ! -e "$MARK/ran"
	run_hutch -v --firejail-profiles=lenient --bind "$MARK" -- touch "$MARK/ran"
	expect_exit 0 "$1: lenient runs"
	like "$err" "profile: $SHIPPED/default\.profile" "$1: lenient falls back to hutch's default"
}
bad "unknown directive" 'caps.drop all\nfrobnicate yes\n' \
	"^hutch: firejail: $FJ/touch\.profile:2: frobnicate yes: unknown firejail directive 'frobnicate'$"
bad "broken include" 'include nowhere.inc\n' \
	"^hutch: firejail: $FJ/touch\.profile:1: include nowhere\.inc: no such file"
printf 'include loop2.inc\n' >"$FJ/loop1.inc"
printf 'include loop1.inc\n' >"$FJ/loop2.inc"
bad "include loop" 'include loop1.inc\n' \
	"^hutch: firejail: $FJ/loop2\.inc:1: include loop1\.inc: include loop"
bad "unknown condition" '?HAS_MAGIC: net none\n' \
	"^hutch: firejail: $FJ/touch\.profile:1: \?HAS_MAGIC: net none: condition 'HAS_MAGIC' cannot be evaluated"
bad "unknown macro" 'blacklist ${NOPE}/x\n' \
	"^hutch: firejail: $FJ/touch\.profile:1: blacklist \\\$\{NOPE\}/x: unknown macro"
rm "$FJ/touch.profile"
run_hutch --firejail-profile "$FJ/cat.profile" --profile default -- true
expect_exit 125 "--firejail-profile and --profile contradict"

# profile show and import
run_profile show cat
expect_exit 0 "profile show cat"
like "$out" "^# cat: no hutch profile; a run uses firejail's $FJ/cat\.profile" "show says where it came from"
like "$out" "# approximated: apparmor - " "show lists the approximated line and why"
like "$out" "socket-family unix" "show has what it became"
run_profile import firejail cat -o "$TEST_TMP/imported.profile"
expect_exit 0 "profile import firejail cat -o FILE"
run_profile check "$TEST_TMP/imported.profile"
expect_exit 0 "the imported profile passes hutch profile check"
run_hutch --profile "$TEST_TMP/imported.profile" -- cat "$HOME/docs/b.txt"
is "$out" kept "the imported profile runs as the translation did"
run_profile import firejail nosuch
expect_exit 125 "import of a missing firejail profile fails"

done_testing
