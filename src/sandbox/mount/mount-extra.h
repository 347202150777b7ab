/* The plan operations only bwrap's options need (mount-extra.c): MP_CHMOD, MP_MQUEUE,
 * MP_DATA_FD, MP_BIND_FD, and MP_REMOUNT_RO in place. Sandbox pid 1, before pivot_root. */
#pragma once

struct failure;
struct mount_ctx;
struct mp_entry;

int mount_extra_apply(struct mount_ctx *m, const struct mp_entry *e, struct failure *f);
/* MP_REMOUNT_RO with MPF_COMPAT: the mount at dfd (which must be a mount point) made read-only. */
int mount_remount_ro_in_place(int dfd, const struct mp_entry *e, struct failure *f);
