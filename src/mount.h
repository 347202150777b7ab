/* Executes the mount plan in the sandbox's pid 1 (new user + mount namespace, full
 * capabilities of that user namespace): a staging tmpfs holds the host's root at /oldroot
 * and the new root at /newroot; every operation is fd-based (openat2, open_tree,
 * move_mount, mount_setattr), so no path walk inside the new root follows a symlink. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct config;
struct failure;

struct mount_ctx {
	const struct config *c;
	int oldroot_fd;	  /* the host's root, for sources (resolved with RESOLVE_IN_ROOT) */
	int newroot_fd;	  /* the sandbox's root, for destinations (no symlinks followed) */
	int sync_fd;	  /* for notes to the launcher (--verbose) */
	unsigned n_files; /* MP_FILE contents staged so far */
};

/* Stage the two roots (the host's tree at /oldroot, an empty tmpfs at /newroot). */
int mount_stage(struct mount_ctx *m, struct failure *f);
/* Replay c->plan into the new root. */
int mount_apply_plan(struct mount_ctx *m, struct failure *f);
void mount_ctx_close(struct mount_ctx *m);

/* A note for the launcher to print under --verbose (children never print). */
void mount_note(const struct mount_ctx *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Shared with overlay.c. */
int openat2_path(int dirfd, const char *path, uint64_t resolve);
int open_source(const struct mount_ctx *m, const char *src);
int set_attr(int tree, uint64_t set, bool recursive);
int new_fs(const char *type, const char *const *opts, uint64_t attr);
