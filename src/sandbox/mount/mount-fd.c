/* The fd-based primitives every mount operation of the plan uses (see mount-fd.h): open a
 * host source or a destination under the new root without following a symlink out of it,
 * make a detached superblock, attach a detached tree, set its attributes. Runs in the
 * sandbox's pid 1 before pivot_root, with the capabilities of its user namespace only. */
#include "sandbox/mount/mount-fd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "lib/sync.h"

int mount_fd_openat2(int dirfd, const char *path, uint64_t resolve)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = resolve };
	int fd;

	while (*path == '/')
		path++;
	fd = (int)syscall(SYS_openat2, dirfd, *path ? path : ".", &how, sizeof(how));
	return fd < 0 ? negative_errno() : fd;
}

/* A source on the host: absolute symlinks resolve against the host's root, not ours. */
int mount_fd_source(const struct mount_ctx *m, const char *src)
{
	return mount_fd_openat2(m->oldroot_fd, src, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

/* How destinations resolve under the new root: hutch's own never through a symlink; with
 * c->dest_symlinks (bwrap's) through those that stay beneath it (the setup's own --symlink, a
 * relative link in a bound tree), never one that leaves it (absolute, or too many "..":
 * EXDEV), as bwrap follows them. */
static uint64_t dest_resolve(const struct mount_ctx *m)
{
	return m->c->dest_symlinks ? RESOLVE_BENEATH : RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
}

/* One component under dirfd, created as kind when missing. */
static int open_component(int dirfd, const char *name, enum mount_mk kind, mode_t mode, uint64_t resolve)
{
	int fd = mount_fd_openat2(dirfd, name, resolve);

	if (fd != -ENOENT || kind == MOUNT_MK_NONE)
		return fd;
	if (kind == MOUNT_MK_FILE) {
		int w = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
		if (w < 0 && errno != EEXIST)
			return negative_errno();
		safe_close(w);
	} else if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return negative_errno();
	return mount_fd_openat2(dirfd, name, resolve);
}

/* Walk dst under the new root, creating what is missing; returns an O_PATH fd of dst (or of
 * its parent for MOUNT_MK_PARENT, with *ret_name pointing at the last component). A path two or
 * more levels deep is first opened in one call (the same RESOLVE_BENEATH|NO_SYMLINKS rules
 * hold for every component): most such destinations exist already (/proc/sys, /dev/pts). */
int mount_fd_dest(const struct mount_ctx *m, const char *dst, enum mount_mk kind, mode_t mode,
		  const char **ret_name)
{
	char buf[4096];
	int fd = m->newroot_fd; /* borrowed: never closed here */
	char *save = NULL, *comp, *next, *last;

	if (snprintf(buf, sizeof(buf), "%s", dst) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	while ((last = strrchr(buf, '/')) && last != buf && !last[1])
		*last = '\0'; /* trailing slashes */
	last = strrchr(buf, '/');
	if (last && last != buf && strchr(buf + 1, '/')) {
		if (kind == MOUNT_MK_PARENT) {
			*last = '\0';
			int pfd = mount_fd_openat2(m->newroot_fd, buf, dest_resolve(m));
			*last = '/';
			if (pfd >= 0 && last[1]) {
				*ret_name = dst + (last + 1 - buf);
				return pfd;
			}
			safe_close(pfd);
		} else {
			int dfd = mount_fd_openat2(m->newroot_fd, buf, dest_resolve(m));
			if (dfd != -ENOENT || kind == MOUNT_MK_NONE)
				return dfd;
		}
	}
	for (comp = strtok_r(buf, "/", &save); fd >= 0 && comp; comp = next) {
		next = strtok_r(NULL, "/", &save);
		if (!next && kind == MOUNT_MK_PARENT) {
			*ret_name = dst + (comp - buf);
			break;
		}
		/* Only a walk that creates makes missing parents; MOUNT_MK_NONE must not touch anything. */
		int nfd = open_component(fd, comp,
					 next ? (kind == MOUNT_MK_NONE ? MOUNT_MK_NONE : MOUNT_MK_DIR) : kind,
					 next ? 0755 : mode, dest_resolve(m));
		if (fd != m->newroot_fd)
			safe_close(fd);
		fd = nfd;
	}
	/* dst was the root itself (or MOUNT_MK_PARENT of a top-level name): the caller gets its own fd */
	if (fd == m->newroot_fd)
		return mount_fd_openat2(m->newroot_fd, "", RESOLVE_BENEATH);
	return fd;
}

int mount_fd_dest_error(struct failure *f, int r, const char *op, const char *dst)
{
	if (r == -ELOOP)
		return fail(f, r, op, "%s: destination goes through a symlink", dst);
	if (r == -EXDEV)
		return fail(f, r, op, "%s: destination goes through a symlink leaving the new root", dst);
	return fail(f, r, op, "%s", dst);
}

/* Attach the detached mount `tree` at dst, created as kind with mode when missing; failing to
 * reach or make dst is reported as stage mk_op, the move itself as op. */
int mount_fd_attach_at(const struct mount_ctx *m, int tree, const char *op, const char *mk_op,
		       const char *dst, enum mount_mk kind, mode_t mode, struct failure *f)
{
	_cleanup_close_ int dfd = mount_fd_dest(m, dst, kind, mode, NULL);

	if (dfd < 0)
		return mount_fd_dest_error(f, dfd, mk_op, dst);
	if (move_mount(tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), op, "%s", dst);
	return 0;
}

int mount_fd_attach(const struct mount_ctx *m, int tree, const char *op, const char *dst, enum mount_mk kind,
		    struct failure *f)
{
	return mount_fd_attach_at(m, tree, op, op, dst, kind, kind == MOUNT_MK_FILE ? 0644 : 0755, f);
}

static int set_attr(int tree, uint64_t set, uint64_t propagation, bool recursive)
{
	struct mount_attr a = { .attr_set = set, .propagation = propagation };

	if (mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
		return negative_errno();
	return 0;
}

int mount_fd_set_attr(int tree, uint64_t set, bool recursive)
{
	return set_attr(tree, set, 0, recursive);
}

int mount_fd_set_attr_slave(int tree, uint64_t set)
{
	return set_attr(tree, set, MS_SLAVE, true);
}

/* A new detached superblock mount: fsopen + options ("key=value" or "flag") + fsmount. */
int mount_fd_new_fs(const char *type, const char *const *opts, uint64_t attr)
{
	_cleanup_close_ int fs = fsopen(type, FSOPEN_CLOEXEC);

	if (fs < 0)
		return negative_errno();
	/* the mount's source, as mount(8) and bwrap name it ("tmpfs", "proc"), not "none",
	 * unless the options name one ("source=shm") */
	bool named = false;
	for (const char *const *o = opts; o && *o; o++)
		named |= strncmp(*o, "source=", 7) == 0;
	if (!named && fsconfig(fs, FSCONFIG_SET_STRING, "source", type, 0) < 0)
		return negative_errno();
	for (; opts && *opts; opts++) {
		char key[64];
		const char *eq = strchr(*opts, '=');
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - *opts) : 63, *opts);
		if (fsconfig(fs, eq ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, eq ? eq + 1 : NULL, 0) <
		    0)
			return negative_errno();
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return negative_errno();
	int mnt = fsmount(fs, FSMOUNT_CLOEXEC, (unsigned)attr);
	return mnt < 0 ? negative_errno() : mnt;
}

int mount_fd_new_fs_at(const struct mount_ctx *m, const char *op, const char *type, const char *const *opts,
		       uint64_t attr, const char *dst, struct failure *f)
{
	_cleanup_close_ int mnt = mount_fd_new_fs(type, opts, attr);

	if (mnt < 0)
		return fail(f, mnt, op, "%s", dst);
	return mount_fd_attach(m, mnt, op, dst, MOUNT_MK_DIR, f);
}

void mount_fd_note(const struct mount_ctx *m, const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sync_send(m->sync_fd, SYNC_INFO, 0, text, strlen(text) + 1, NULL, 0);
}
