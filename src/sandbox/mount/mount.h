/* Executes the mount plan in the sandbox's pid 1 (new user + mount namespace, full
 * capabilities of that user namespace): a staging tmpfs holds the host's root at /oldroot
 * and the new root at /newroot; every operation is fd-based (openat2, open_tree,
 * move_mount, mount_setattr), so no path walk inside the new root follows a symlink. */
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
};

/* Before the id maps exist (they are needed only to create files and directories): open the
 * host's root and make the detached mounts the plan will attach (binds of host paths, new
 * proc and tmpfs instances), so that this work overlaps the id-map helpers. What fails here
 * is left for mount_apply_plan to do again and report. */
void mount_prefetch(struct mount_ctx *m);

/* Stage the two roots (the host's tree at /oldroot, an empty tmpfs at /newroot). */
int mount_stage(struct mount_ctx *m, struct failure *f);
/* Replay c->plan into the new root. */
int mount_apply_plan(struct mount_ctx *m, struct failure *f);
void mount_ctx_close(struct mount_ctx *m);

/* A note for the launcher to print under --verbose (children never print). */
void mount_note(const struct mount_ctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

enum mk_kind {
	MK_NONE, /* open only: the path must exist */
	MK_DIR,
	MK_FILE,
	MK_PARENT, /* create the parents and return the parent's fd */
};

/* Shared with overlay.c and mount-extra.c. */
int openat2_path(int dirfd, const char *path, uint64_t resolve);
int open_source(const struct mount_ctx *m, const char *src);
int set_attr(int tree, uint64_t set, bool recursive);
int new_fs(const char *type, const char *const *opts, uint64_t attr);
/* Walk dst under the new root, creating what is missing (as kind); an O_PATH fd of dst, or of
 * its parent for MK_PARENT with *ret_name at the last component. Never follows a symlink. */
int open_dest(const struct mount_ctx *m, const char *dst, enum mk_kind kind, mode_t mode,
	      const char **ret_name);
int dest_error(struct failure *f, int r, const char *op, const char *dst);
/* Attach the detached mount tree at dst (created as kind when missing). */
int attach(const struct mount_ctx *m, int tree, const char *op, const char *dst, enum mk_kind kind,
	   struct failure *f);
int mount_new_fs(const struct mount_ctx *m, const char *op, const char *type, const char *const *opts,
		 uint64_t attr, const char *dst, struct failure *f);

/* mount-extra.c: MP_CHMOD, MP_MQUEUE, MP_DATA_FD, MP_BIND_FD. */
struct mp_entry;
int mount_extra_apply(struct mount_ctx *m, const struct mp_entry *e, struct failure *f);
/* MP_REMOUNT_RO with MPF_COMPAT: the mount at dfd (which must be a mount point) made read-only. */
int mount_remount_ro_in_place(int dfd, const struct mp_entry *e, struct failure *f);
