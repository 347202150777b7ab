#!/usr/bin/env bash
# --help lists every option (one line each) and exits 0; --version prints the version.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

OPTIONS="help version verbose uid gid idmap share-net share-ipc share-pid share-uts hostname
as-pid-1 bind ro-bind dev-bind tmpfs dir symlink chdir setenv unsetenv clearenv"

run_hutch --help
expect_exit 0 "--help exits 0"
is "$err" "" "--help: nothing on stderr"
help=$out
for o in $OPTIONS; do
	n=$(printf '%s\n' "$help" | grep -cE -- "(^|[ ,])--$o([ =,]|$)")
	if [ "$n" -eq 1 ]; then
		ok "--help lists --$o on one line"
	else
		not_ok "--help lists --$o on one line" "found on $n lines"
	fi
done

run_hutch -h
expect_exit 0 "-h exits 0"
is "$out" "$help" "-h prints the same help"

run_hutch --version
expect_exit 0 "--version exits 0"
like "$out" "(^|[^0-9.])${HUTCH_VERSION//./\\.}([^0-9.]|$)" "--version prints $HUTCH_VERSION"
is "$(printf '%s\n' "$out" | wc -l)" 1 "--version: one line"

done_testing
