#!/usr/bin/env bash
# Which profile a run uses and in what order its layers apply: the command's basename, else
# default; --profile NAME|PATH; --noprofile; the user's directory over the shipped set;
# NAME.local over the profile; the command line over everything. The host name is the
# witness: each layer sets its own.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-profiles.sh"
require_userns

HOSTNAME_CMD=$(command -v hostname) || skip_all "no hostname command"
# A shipped set of the test's own, so that each layer is known.
export HUTCH_PROFILE_PATH=$TEST_TMP/shipped:$TEST_TMP/shipped2
mkdir -p "$TEST_TMP/shipped" "$TEST_TMP/shipped2"
printf 'hostname from-shipped\n' >"$TEST_TMP/shipped/hostname.profile"
printf 'hostname from-default\n' >"$TEST_TMP/shipped/default.profile"
printf 'hostname from-second\n' >"$TEST_TMP/shipped2/hostname.profile"
printf 'hostname from-second\n' >"$TEST_TMP/shipped2/uname.profile"

run_hutch hostname
expect_exit 0 "hutch hostname runs"
is "$out" from-shipped "the profile named after the command"
run_hutch -v "$HOSTNAME_CMD"
is "$out" from-shipped "… also when the command is given by its path"
like "$err" "profile: $TEST_TMP/shipped/hostname\.profile" "--verbose names the profile"
run_hutch uname -n
is "$out" from-second "HUTCH_PROFILE_PATH: every entry is searched, in order"
run_hutch sh -c 'hostname'
is "$out" from-default "a command without a profile gets default.profile"

printf 'hostname from-user\n' >"$USER_PROFILES/hostname.profile"
run_hutch hostname
is "$out" from-user "the user's profile shadows the shipped one"
printf 'hostname from-shipped-local\n' >"$TEST_TMP/shipped/hostname.local"
run_hutch hostname
is "$out" from-shipped-local "hostname.local in the shipped directory overrides the user's profile"
printf 'hostname from-user-local\n' >"$USER_PROFILES/hostname.local"
run_hutch hostname
is "$out" from-user-local "the user's hostname.local comes last of all files"
run_hutch --hostname from-cli hostname
is "$out" from-cli "the command line wins over every file"
run_hutch hostname --hostname x
unlike "$out" "^from-cli$" "(an option after the command is the command's)"

run_hutch --profile default -- hostname
is "$out" from-default "--profile NAME"
printf 'hostname from-path\n' >"$TEST_TMP/my.profile"
printf 'hostname from-path-local\n' >"$TEST_TMP/my.local"
run_hutch --profile "$TEST_TMP/my.profile" -- hostname
is "$out" from-path-local "--profile PATH, and the .local beside it"
rm "$TEST_TMP/my.local"
(cd "$TEST_TMP" && run_hutch --profile ./my.profile -- hostname && echo "$out" >"$TEST_TMP/rel.out")
is "$(cat "$TEST_TMP/rel.out")" from-path "--profile ./relative/path"

run_hutch --noprofile -- hostname
is "$out" hutch "--noprofile: only the built-in defaults"
run_hutch --noprofile --profile default -- true
expect_exit 125 "--noprofile with --profile: an error"

run_hutch --profile "$TEST_TMP/shipped" -- touch "$TEST_TMP/ran"
expect_exit 125 "--profile DIRECTORY: exit 125"
like "$err" "is a directory, not a profile" "… is a directory"
run_hutch --profile . -- true
expect_exit 125 "--profile . : a directory too"
run_hutch --profile nope -- true
expect_exit 125 "--profile with an unknown name: exit 125"
like "$err" "no profile named 'nope'" "… says which"
run_hutch --profile "$TEST_TMP/none.profile" -- true
expect_exit 125 "--profile with a missing file: exit 125"

# Nothing installed at all: the built-in defaults, no error.
export HUTCH_PROFILE_PATH=$TEST_TMP/empty
mkdir -p "$TEST_TMP/empty"
rm -f "$USER_PROFILES"/*
run_hutch -v uname -n
expect_exit 0 "no profile anywhere: the run goes on"
is "$out" hutch "… with the built-in defaults"
like "$err" "profile: none found" "… and --verbose says so"

done_testing
