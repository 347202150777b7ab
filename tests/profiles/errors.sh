#!/usr/bin/env bash
# A profile with an error stops the run before any sandbox exists: exit 125 and one line
# `file:line:col: message` on stderr, for every kind of error the language has.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

P=$TEST_TMP/p.profile
MARK=$TEST_TMP/mark/ran
mkdir -p "$TEST_TMP/mark"
chmod 777 "$TEST_TMP/mark"

# expect_profile_error DESC LINE:COL REGEX: run with $P, which must fail before the sandbox.
expect_profile_error() {
	local desc=$1 where=$2 msg=$3 file=${4:-$P}
	rm -f "$MARK"
	run_hutch --profile "$P" --bind "$TEST_TMP/mark" -- touch "$MARK"
	expect_exit 125 "$desc: exit 125"
	if [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && printf '%s\n' "$err" | grep -Eq -- "^$file:$where: $msg"; then
		ok "$desc: one line, $where"
	else
		not_ok "$desc: one line, $where" "stderr: $err" "wanted: $file:$where: $msg"
	fi
	check "$desc: no sandbox ran" test ! -e "$MARK"
}

printf 'share-net\nfrobnicate yes\n' >"$P"
expect_profile_error "unknown directive" 2:1 "unknown directive 'frobnicate'"
printf 'tmpfs /a /b\n' >"$P"
expect_profile_error "too many arguments" 1:10 "'tmpfs' takes one argument"
printf 'tmpfs\n' >"$P"
expect_profile_error "missing argument" 1:6 "'tmpfs' needs an argument"
printf 'share-net please\n' >"$P"
expect_profile_error "argument to a flag" 1:11 "'share-net' takes no argument"
printf '\n\n   idmap maybe\n' >"$P"
expect_profile_error "bad value" 3:4 "idmap: 'maybe' is not one of: auto subid single"
printf 'include not-there.inc\n' >"$P"
expect_profile_error "include not found" 1:9 "include 'not-there.inc': not found"
printf 'include ./c1.inc\n' >"$P"
printf 'include ./c2.inc\n' >"$TEST_TMP/c1.inc"
printf 'include ./c1.inc\n' >"$TEST_TMP/c2.inc"
expect_profile_error "include cycle" 1:9 \
	"include cycle: $P -> $TEST_TMP/c1.inc -> $TEST_TMP/c2.inc -> $TEST_TMP/c1.inc" "$TEST_TMP/c2.inc"
{ printf 'share-net\nsetenv A='; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >"$P"
expect_profile_error "line over 4 KiB" 2:4097 "line is longer than 4096 bytes"
printf 'share-net\nhost\0name x\n' >"$P"
expect_profile_error "NUL byte" 2:5 "NUL byte"
{ head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' '\n'; } >"$P"
expect_profile_error "file over 1 MiB" 1048577:1 "file is larger than 1 MiB"
printf 'hostname caf\xe9\n' >"$P"
expect_profile_error "not UTF-8 (Latin-1)" 1:13 "not valid UTF-8"
printf 'bind ${HOME}/../etc:/x\n' >"$P"
expect_profile_error "'..' in a path" 1:6 "'$HOME/\.\./etc': '\.\.' is not allowed in a profile path"
printf 'bind relative/dir\n' >"$P"
expect_profile_error "relative path" 1:6 "'relative/dir': a path in a profile must be absolute"
printf 'bind ${NOPE}\n' >"$P"
expect_profile_error "unknown variable" 1:6 "unknown variable '\\$\\{NOPE\\}'"
printf 'bind "/x\n' >"$P"
expect_profile_error "unterminated quote" 1:6 "unterminated quote"

# a .local is held to the same rules
printf 'hostname fine\n' >"$P"
printf 'hostname fine\nfrobnicate\n' >"$TEST_TMP/p.local"
expect_profile_error "unknown directive in the .local beside it" 2:1 "unknown directive 'frobnicate'" \
	"$TEST_TMP/p.local"
rm "$TEST_TMP/p.local"
printf 'hostname fine\n' >"$USER_PROFILES/curl.local"
printf 'nosuchthing 1\n' >>"$USER_PROFILES/curl.local"
P=curl
rm -f "$MARK"
run_hutch --bind "$TEST_TMP/mark" -- curl -o "$MARK" file:///etc/hostname
expect_exit 125 "unknown directive in the user's curl.local: exit 125 for hutch curl"
like "$err" "^$USER_PROFILES/curl\.local:2:1: unknown directive 'nosuchthing'$" "… its line"
check "… and nothing ran" test ! -e "$MARK"

done_testing
