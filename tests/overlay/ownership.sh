#!/usr/bin/env bash
# File ownership with subordinate ranges: a file owned by root and one owned by uid 1000 inside
# the rootfs (made here by a fake root with CAP_CHOWN on a bind of the image) show with those
# owners in a --rootfs sandbox with the same map (--uid 0 --gid 0), with either driver; writes
# keep them: a copy-up keeps the owner, chown inside works, and uid 1000 can write its own file.
# Ids are relative to the map, which follows --uid (the caller's own id sits at --uid, the ranges
# around it), so every run here uses --uid 0, and uid 1000 is reached with su inside.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib-overlay.sh"
require_userns
if [ "$(expected_idmap)" = single ]; then
	skip_all "single-id mode maps only the caller's own id: uid 1000 has no host id to be stored as"
fi
overlay_rootfs

img=$TEST_TMP/image
rootfs_copy "$img"
echo 'u1000:x:1000:1000::/:/bin/sh' >>"$img/etc/passwd"
echo 'u1000:x:1000:' >>"$img/etc/group"
ROOT0=(--uid 0 --gid 0)
# shellcheck disable=SC2054 # a capability list
AS1000=(--cap-add SETUID,SETGID -- su -s /bin/sh u1000 -c)
read -r sub_start sub_count < <(subid_ranges /etc/subuid | head -n 1)

# ---- the image, made inside --------------------------------------------------------------------

run_hutch "${ROOT0[@]}" --cap-add CHOWN --bind "$img:/r" -- sh -c \
	'touch /r/etc/by-root /r/etc/by-1000 && chown 0:0 /r/etc/by-root && chown 1000:1000 /r/etc/by-1000 &&
	stat -c "%u:%g %n" /r/etc/by-root /r/etc/by-1000'
expect_exit 0 "a fake root with CAP_CHOWN makes a root-owned and a uid-1000 file in the image"
is "$out" $'0:0 /r/etc/by-root\n1000:1000 /r/etc/by-1000' "inside the bind they show as 0 and 1000"
host_owner=$(stat -c %u "$img/etc/by-1000" 2>/dev/null)
if [ -n "$host_owner" ] && [ "$host_owner" -ge "$sub_start" ] &&
	[ "$host_owner" -lt $((sub_start + sub_count)) ]; then
	ok "on the host uid 1000's file belongs to a subordinate id ($host_owner)"
else
	not_ok "on the host uid 1000's file belongs to a subordinate id" \
		"owner '$host_owner', range $sub_start+$sub_count"
fi
is "$(stat -c %u "$img/etc/by-root" 2>/dev/null)" "$(id -u)" "on the host root's file belongs to the caller"

# ---- seen through the overlay, with each driver -----------------------------------------------

drivers=(kernel)
if fuse_ok; then drivers+=(fuse); else skip_n 8 "$fuse_why"; fi
for d in "${drivers[@]}"; do
	T="[$d]"
	D=(--overlay-driver "$d")
	run_hutch "${D[@]}" "${ROOT0[@]}" --rootfs "$img" -- stat -c '%u:%g %n' /etc/by-root /etc/by-1000 /etc/keep
	expect_exit 0 "$T --rootfs --uid 0 runs"
	is "$out" $'0:0 /etc/by-root\n1000:1000 /etc/by-1000\n0:0 /etc/keep' \
		"$T root's and uid 1000's files show with their owners"

	up=$TEST_TMP/upper-$d
	run_hutch "${D[@]}" "${ROOT0[@]}" --cap-add CHOWN,DAC_OVERRIDE,FOWNER --rootfs "$img" --persist "$up" -- sh -c \
		'echo more >>/etc/by-1000 && chown 1000:1000 /etc/keep && touch /etc/new-root &&
		stat -c "%u:%g %n" /etc/by-1000 /etc/keep /etc/new-root'
	expect_exit 0 "$T a fake root writes to uid 1000's file and chowns another"
	is "$out" $'1000:1000 /etc/by-1000\n1000:1000 /etc/keep\n0:0 /etc/new-root' \
		"$T the copied-up file keeps its owner; chown and new files show right"
	is "$(stat -c %u "$up/etc/by-1000" 2>/dev/null)" "$host_owner" \
		"$T in the upper on the host, the copy has the lower file's owner"

	run_hutch "${D[@]}" "${ROOT0[@]}" --rootfs "$img" --persist "$up" "${AS1000[@]}" \
		'id -u && echo mine >>/etc/by-1000 && tail -n 1 /etc/by-1000 && stat -c "%u:%g" /etc/by-1000'
	is "$out" $'1000\nmine\n1000:1000' "$T uid 1000 writes its own file, which stays its own"
	run_hutch "${D[@]}" "${ROOT0[@]}" --rootfs "$img" "${AS1000[@]}" \
		'echo x >>/etc/by-root 2>/dev/null && echo wrote; echo x >/etc/nope 2>/dev/null && echo created; echo end'
	is "$out" end "$T uid 1000 cannot write root's file or root's /etc"
	run_hutch "${D[@]}" "${ROOT0[@]}" --rootfs "$img" --persist "$up" -- stat -c '%u:%g %n' /etc/by-1000 /etc/keep
	is "$out" $'1000:1000 /etc/by-1000\n1000:1000 /etc/keep' "$T the owners are kept across runs"
done

done_testing
