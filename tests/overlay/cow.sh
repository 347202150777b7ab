#!/usr/bin/env bash
# The copy-on-write root with one driver (the argument: kernel or fuse; the same checks for
# both): writes, a delete (whiteout) and a change land in the upper layer, never in the lower
# one; a tmpfs upper is thrown away at exit, a --persist upper keeps them across runs; --layers
# stacks lowest first and an upper layer's whiteout hides the lower file; the root gets its own
# /proc, /dev, /tmp and /run and nothing of the host's /usr, /etc or home.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-overlay.sh"
require_userns

DRIVER=${1:-kernel}
case $DRIVER in
kernel)
	SAYS="hutch: overlay: kernel overlayfs"
	FSTYPE='^overlay$'
	;;
fuse)
	require_fuse
	SAYS="hutch: overlay: fuse-overlayfs"
	FSTYPE='^fuse(\.fuse-overlayfs)?$'
	;;
*) bail_out "usage: cow.sh kernel|fuse" ;;
esac
overlay_rootfs
T="[$DRIVER]"
D=(--overlay-driver "$DRIVER")

# A home on the host with something in it, to show that the image does not see it.
export HOME=$TEST_TMP/home
mkdir -p "$HOME"
echo host-secret >"$HOME/host-file"

lower_before=$(tree_state "$ROOTFS")

# ---- the driver, and the root it makes -------------------------------------------------------

run_hutch -v "${D[@]}" --rootfs "$ROOTFS" -- true
expect_exit 0 "$T --rootfs runs"
like "$err" "^$SAYS\$" "$T -v says which driver ran"
is "$(grep -c '^hutch: overlay:' <<<"$err")" 1 "$T -v says it once"

# shellcheck disable=SC2016 # awk's own fields
fstype_of='awk -v m="$1" '\''$5 == m { for (i = 7; i <= NF; i++) if ($i == "-") { print $(i + 1); exit } }'\'' /proc/self/mountinfo'
run_hutch "${D[@]}" --rootfs "$ROOTFS" -- sh -c "$fstype_of" sh /
like "$out" "$FSTYPE" "$T / is the overlay"
run_hutch "${D[@]}" --rootfs "$ROOTFS" -- sh -c "$fstype_of" sh /tmp
is "$out" tmpfs "$T /tmp is a tmpfs"
run_hutch "${D[@]}" --rootfs "$ROOTFS" -- sh -c "$fstype_of" sh /run
is "$out" tmpfs "$T /run is a tmpfs"
run_hutch "${D[@]}" --rootfs "$ROOTFS" -- sh -c \
	'test -r /proc/self/stat && echo proc; echo x >/dev/null && echo null; test -c /dev/zero && echo zero'
is "$out" $'proc\nnull\nzero' "$T its own /proc and a minimal /dev"
run_hutch "${D[@]}" --rootfs "$ROOTFS" -- sh -c \
	'for p in /usr /etc/os-release /etc/hostname "$0"; do test -e "$p" && echo "$p"; done; echo end' \
	"$HOME/host-file"
is "$out" end "$T nothing of the host's /usr, /etc or home is bound"
run_hutch "${D[@]}" --rootfs "$ROOTFS" -- cat /etc/keep
is "$out" kept "$T the image's files are there"
is "$err" "" "$T a successful run says nothing on stderr (no helper's chatter either)"

# ---- a throw-away upper ------------------------------------------------------------------------

edit='echo new >/etc/new && rm /etc/del && echo changed >/etc/mod && mkdir -p /root/d/e &&
echo deep >/root/d/e/f && rm /bin/yes && echo done'
show='ls /etc; cat /etc/mod; test -e /etc/del && echo del-present; test -e /bin/yes && echo yes-present;
cat /root/d/e/f 2>/dev/null; true'

run_hutch "${D[@]}" --rootfs "$ROOTFS" -- sh -c "$edit; $show"
expect_exit 0 "$T write, delete and modify in the sandbox"
is "$out" $'done\ngroup\nkeep\nmod\nnew\npasswd\nchanged\ndeep' "$T the sandbox sees its own changes"
is "$(tree_state "$ROOTFS")" "$lower_before" "$T the lower layer is untouched"

run_hutch "${D[@]}" --rootfs "$ROOTFS" -- sh -c "$show"
is "$out" $'del\ngroup\nkeep\nmod\npasswd\noriginal\ndel-present\nyes-present' \
	"$T the next run starts from the image again (the tmpfs upper was discarded)"

# ---- a persistent upper --------------------------------------------------------------------

up=$TEST_TMP/persist/upper
run_hutch "${D[@]}" --rootfs "$ROOTFS" --persist "$up" -- sh -c "$edit"
expect_exit 0 "$T --persist: the first run writes"
check "$T --persist: the upper dir was created" test -d "$up"
check "$T --persist: its work dir beside it" test -d "$up.work"
is "$(cat "$up/etc/new" 2>/dev/null)" new "$T --persist: a new file is in the upper on the host"
is "$(cat "$up/etc/mod" 2>/dev/null)" changed "$T --persist: a changed file was copied up"
check "$T --persist: the delete left a whiteout in the upper" \
	bash -c '[ -c "$1/etc/del" ] || [ -e "$1/etc/.wh.del" ]' sh "$up"
is "$(tree_state "$ROOTFS")" "$lower_before" "$T --persist: the lower layer is untouched"

run_hutch "${D[@]}" --rootfs "$ROOTFS" --persist "$up" -- sh -c "$show"
expect_exit 0 "$T --persist: the second run"
is "$out" $'group\nkeep\nmod\nnew\npasswd\nchanged\ndeep' "$T --persist: the second run sees the first one's changes"

run_hutch "${D[@]}" --rootfs "$ROOTFS" --persist "$up" -- sh -c 'echo more >>/etc/new && cat /etc/new'
is "$out" $'new\nmore' "$T --persist: the second run can write on"
is "$(cat "$up/etc/new" 2>/dev/null)" $'new\nmore' "$T --persist: and that lands in the upper too"

# ---- layers ---------------------------------------------------------------------------------

# The persistent upper above is an image layer in its own right: its whiteout must hide the
# lower file when it is stacked read-only on top of the rootfs.
run_hutch "${D[@]}" --layers "$ROOTFS:$up" -- sh -c "$show"
expect_exit 0 "$T --layers LOWER:UPPER runs"
is "$out" $'group\nkeep\nmod\nnew\npasswd\nchanged\ndeep' "$T --layers: the top layer's whiteout hides the lower file"
run_hutch "${D[@]}" --rootfs "$ROOTFS" --layers "$up" -- sh -c "$show"
is "$out" $'group\nkeep\nmod\nnew\npasswd\nchanged\ndeep' "$T --rootfs DIR --layers L: DIR is the lowest layer"

# Lowest first: the same file in two layers shows the upper one's content.
mkdir -p "$TEST_TMP/l1/etc" "$TEST_TMP/l2/etc"
echo one >"$TEST_TMP/l1/etc/which"
echo two >"$TEST_TMP/l2/etc/which"
echo only-l1 >"$TEST_TMP/l1/etc/l1"
run_hutch "${D[@]}" --layers "$ROOTFS:$TEST_TMP/l1:$TEST_TMP/l2" -- cat /etc/which /etc/l1
is "$out" $'two\nonly-l1' "$T --layers: later layers lie on top of earlier ones"
run_hutch "${D[@]}" --layers "$ROOTFS:$TEST_TMP/l1:$TEST_TMP/l2" -- sh -c \
	'echo w >/etc/which && rm /etc/l1 && cat /etc/which && ls /etc/l1 2>/dev/null; echo end'
is "$out" $'w\nend' "$T --layers: a throw-away upper on top takes writes"
is "$(cat "$TEST_TMP/l2/etc/which")/$(cat "$TEST_TMP/l1/etc/l1")" two/only-l1 "$T --layers: the layers are untouched"

run_hutch "${D[@]}" --layers "$ROOTFS:$up" --persist "$TEST_TMP/persist/top" -- sh -c \
	'echo top >/etc/top && rm /etc/keep'
expect_exit 0 "$T --layers with --persist"
run_hutch "${D[@]}" --layers "$ROOTFS:$up" --persist "$TEST_TMP/persist/top" -- sh -c \
	'cat /etc/top /etc/new; test -e /etc/keep && echo keep-present; true'
is "$out" $'top\nnew\nmore' "$T --layers with --persist: kept across runs"
is "$(cat "$up/etc/new" 2>/dev/null)" $'new\nmore' "$T --layers: a layer used read-only is not written"

is "$(tree_state "$ROOTFS")" "$lower_before" "$T the lower layer is untouched after all runs"

done_testing
