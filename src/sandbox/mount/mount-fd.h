/* The mount room's shared internals (mount.c, overlay.c, mount-extra.c): the context of one
 * plan's replay and the fd-based primitives of mount-fd.c. Sandbox pid 1, before pivot_root,
 * with the capabilities of the sandbox's user namespace. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct config;
struct failure;

struct mount_ctx {
	const struct config *c;
	int oldroot_fd;	  /* the host's root, for sources (resolved with RESOLVE_IN_ROOT) */
	int newroot_fd;	  /* the sandbox's root, for destinations (no symlinks followed) */
	int sync_fd;	  /* for notes to the launcher (--verbose) */
	unsigned n_files; /* MP_FILE contents staged so far */
	int *pre;	  /* per plan entry: its detached mount made before the id maps, or -1 */
	/* copies of host mounts may be the host's peers (made outside, mount_trees_outside, or
	 * before mount_stage in a mount namespace made in the launcher's own user namespace,
	 * which keeps shared mounts shared): bind_tree makes each a slave (mount_fd_set_attr_slave) */
	bool copies_shared;
};

enum mount_mk {
	MOUNT_MK_NONE, /* open only: the path must exist */
	MOUNT_MK_DIR,
	MOUNT_MK_FILE,
	MOUNT_MK_PARENT, /* create the parents and return the parent's fd */
};

/* An O_PATH fd of path under dirfd, resolved with resolve (openat2's RESOLVE_* flags). */
int mount_fd_openat2(int dirfd, const char *path, uint64_t resolve);
/* A source on the host, resolved inside the host's root. */
int mount_fd_source(const struct mount_ctx *m, const char *src);
/* Walk dst under the new root, creating what is missing (as kind); an O_PATH fd of dst, or of
 * its parent for MOUNT_MK_PARENT with *ret_name at the last component. Never follows a
 * symlink out of the new root. */
int mount_fd_dest(const struct mount_ctx *m, const char *dst, enum mount_mk kind, mode_t mode,
		  const char **ret_name);
int mount_fd_dest_error(struct failure *f, int r, const char *op, const char *dst);
/* Attach the detached mount tree at dst (created as kind when missing; mk_op names a failure
 * to reach or make it). */
int mount_fd_attach_at(const struct mount_ctx *m, int tree, const char *op, const char *mk_op,
		       const char *dst, enum mount_mk kind, mode_t mode, struct failure *f);
int mount_fd_attach(const struct mount_ctx *m, int tree, const char *op, const char *dst, enum mount_mk kind,
		    struct failure *f);
int mount_fd_set_attr(int tree, uint64_t set, bool recursive);
/* mount_fd_set_attr on the whole tree, which is made a slave in the same call: a detached copy
 * of the host's mounts that still receives what the host mounts later and sends nothing back.
 * A copy of a shared mount is its peer until then, so that whatever the sandbox mounts on it
 * would appear on the host too (m->copies_shared). */
int mount_fd_set_attr_slave(int tree, uint64_t set);
/* A new detached superblock mount: fsopen, options ("key=value" or "flag"), fsmount. */
int mount_fd_new_fs(const char *type, const char *const *opts, uint64_t attr);
/* The same, attached at dst (a directory made when missing). */
int mount_fd_new_fs_at(const struct mount_ctx *m, const char *op, const char *type, const char *const *opts,
		       uint64_t attr, const char *dst, struct failure *f);

/* A note for the launcher to print under --verbose (children never print). */
void mount_fd_note(const struct mount_ctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
