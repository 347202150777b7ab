#!/usr/bin/env bash
# The file-system options: --bind, --ro-bind, --dev-bind, --tmpfs, --dir, --symlink, --chdir.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
require_userns

rw=$TEST_TMP/rw
ro=$TEST_TMP/ro
mkdir "$rw" "$ro"
echo content >"$ro/file"
echo single >"$TEST_TMP/one-file"

run_hutch --bind "$rw:/data" -- sh -c 'echo hi > /data/f && cat /data/f'
expect_exit 0 "--bind SRC:DST runs"
is "$out" hi "--bind: the sandbox reads what it wrote"
is "$(cat "$rw/f" 2>/dev/null)" hi "--bind: the write shows on the host"

run_hutch --bind "$rw" -- cat "$rw/f"
is "$out" hi "--bind SRC: bound at the same path"

run_hutch --bind "$rw:/deep/a/b/c" -- cat /deep/a/b/c/f
is "$out" hi "--bind: missing parents of the destination are made"

run_hutch --ro-bind "$ro:/ro" -- cat /ro/file
expect_exit 0 "--ro-bind runs"
is "$out" content "--ro-bind: the file is readable"
run_hutch --ro-bind "$ro:/ro" -- sh -c 'echo x > /ro/new'
like "$err" "Read-only file system" "--ro-bind: writing fails with EROFS"
check "--ro-bind: nothing was written on the host" test ! -e "$ro/new"
run_hutch --ro-bind "$ro:/ro" -- touch /ro/file
like "$err" "Read-only file system" "--ro-bind: touching an existing file fails with EROFS"

run_hutch --ro-bind "$TEST_TMP/one-file:/one" -- cat /one
is "$out" single "--ro-bind of a single file"

run_hutch --dev-bind /dev/null:/devnull -- sh -c 'echo x > /devnull && echo written'
is "$out" written "--dev-bind: a device node is usable"

run_sh --tmpfs /scratch 'ls -A /scratch | wc -l; touch /scratch/x && echo writable; awk '\''$5 == "/scratch" { for (i = 7; i <= NF; i++) if ($i == "-") print $(i + 1) }'\'' /proc/self/mountinfo'
is "$out" "0"$'\n'"writable"$'\n'"tmpfs" "--tmpfs: an empty, writable tmpfs"

run_hutch --tmpfs /usr/local -- sh -c 'touch /usr/local/x && echo ok'
is "$out" ok "--tmpfs over a path inside the read-only /usr"

run_hutch --dir /a/b/c -- sh -c 'test -d /a/b/c && ls -A /a/b/c | wc -l'
expect_exit 0 "--dir runs"
is "$out" 0 "--dir: an empty directory"

run_hutch --symlink /usr/bin:/mybin -- sh -c 'readlink /mybin; /mybin/true && echo ran'
is "$out" "/usr/bin"$'\n'"ran" "--symlink TARGET:LINK"

run_hutch --chdir /tmp -- pwd
is "$out" /tmp "--chdir /tmp"
run_hutch --bind "$rw:/data" --chdir /data -- cat f
is "$out" hi "--chdir into a bound directory"
run_hutch --chdir /no/such/dir -- true
expect_exit 125 "--chdir to a missing directory: 125"

# Later options win over earlier ones on the same path.
run_hutch --ro-bind "$ro:/m" --tmpfs /m -- sh -c 'ls -A /m | wc -l'
is "$out" 0 "a --tmpfs after a --ro-bind on the same path covers it"

done_testing
