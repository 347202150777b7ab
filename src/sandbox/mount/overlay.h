/* The overlay root (--rootfs, --layers, --persist): layers and the upper directory are
 * staged under the staging root, then the kernel's overlayfs is mounted (userxattr, as a
 * user namespace requires), or fuse-overlayfs when the kernel refuses. Sandbox pid 1, before
 * pivot_root, with the capabilities of the sandbox's user namespace. */
#pragma once

struct failure;
struct mount_ctx;
struct mp_entry;

/* A detached mount of the overlay for e (MP_ROOT_OVERLAY) in *ret_tree. */
int overlay_mount(struct mount_ctx *m, const struct mp_entry *e, int *ret_tree, struct failure *f);

/* A detached overlay for e (MP_OVERLAY_AT): e->layers read-only (lowest first); e->src the upper
 * and e->work its work dir (one parent directory on the host), or, without them, a tmpfs upper
 * (or none with MPF_RO). Staged under /ovl-at/K of the staging root. */
int overlay_mount_at(struct mount_ctx *m, const struct mp_entry *e, int *ret_tree, struct failure *f);
