#!/usr/bin/env bash
# changes reads every form an upper dir can take, written here by hand (no sandbox): the
# whiteout as a character device 0/0 and as a user.overlay.whiteout file (userxattr
# overlayfs), fuse-overlayfs's .wh.NAME files and .wh..wh..opq markers, the opaque xattr ("y";
# "x" only marks xattr whiteouts inside), and the redirect xattr of a renamed directory.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-ws.sh"
plan 3

W=$TEST_TMP/proj
U=$STATE/forms/0/upper
mkdir -p "$W/odir" "$W/fdir" "$W/xdir" "$W/olddir" "$U/odir" "$U/fdir" "$U/xdir" "$U/ren" "$STATE/forms/0/work"
for f in xw fw cw odir/a odir/b fdir/c xdir/d olddir/e; do echo "$f" >"$W/$f"; done
chmod 755 "$W" "$U" "$W"/*/ "$U"/*/
printf 'hutch-workspace 1\nname forms\nstarted 0\ndriver auto\nmode overlay\ndir 0 %s %s\n' "$W" "$W" \
	>"$STATE/forms/manifest"
: >"$U/xw"
: >"$U/.wh.fw"
: >"$U/fdir/.wh..wh..opq"
echo new >"$U/odir/b"
python3 - "$U" <<'PY' || bail_out "cannot set user.* xattrs here"
import os, sys
u = sys.argv[1]
os.setxattr(u + "/xw", "user.overlay.whiteout", b"")
os.setxattr(u + "/odir", "user.overlay.opaque", b"y")
os.setxattr(u + "/xdir", "user.overlay.opaque", b"x")
os.setxattr(u + "/ren", "user.overlay.redirect", b"/olddir")
PY
expected="D file fw
D file xw
M dir odir (opaque)
D file odir/a
M file odir/b
M dir fdir (opaque)
D file fdir/c
R dir ren (from $W/olddir)"
if python3 -c 'import os, sys; os.mknod(sys.argv[1], 0o600 | 0o020000, 0)' "$U/cw" 2>/dev/null; then
	expected+=$'\nD file cw'
	ok "a character device 0/0 whiteout could be made here"
else
	skip "no character device 0/0 can be made here (mknod refused)"
fi
got=$(changes_list forms "$W")
is "$(sort <<<"$got")" "$(sort <<<"$expected")" "changes reads every whiteout, opaque and redirect form"
check "changes --json reads them too" python3 -c 'import json, sys; d = json.loads(sys.argv[1]); assert {e["change"] for e in d} == {"D", "M", "R"}, d' "$("$HUTCH" changes forms --json)"
