/* Mount-plan operations that bwrap's options need and the default plan does not (see
 * mountplan.h): chmod, mqueue, a file whose content comes from an fd (plain or bound), a
 * bind of an fd, and bwrap's in-place --remount-ro. Runs in the sandbox's pid 1 before pivot_root, with the capabilities of the
 * sandbox's user namespace, like mount.c. */
#include "sandbox/mount/mount-extra.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/failure.h"
#include "lib/macro.h"
#include "sandbox/mount/mount-fd.h"
#include "front/mountplan.h"
#include "lib/strv.h"

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

static int do_chmod(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	const char *name = NULL;
	_cleanup_close_ int pfd = mount_fd_dest(m, e->dst, MOUNT_MK_PARENT, 0755, &name);
	_cleanup_close_ int fd =
	    pfd < 0 ? pfd : mount_fd_openat2(pfd, name, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);

	if (fd < 0)
		return fail(f, fd, "chmod", "%04o %s", (unsigned)e->mode, e->dst);
	/* An O_PATH fd has no fchmod(); fchmodat2 takes it with AT_EMPTY_PATH (Linux 6.6). */
	if (syscall(SYS_fchmodat2, fd, "", e->mode, AT_EMPTY_PATH) == 0)
		return 0;
	if ((errno != ENOSYS && errno != EINVAL) || fchmodat(pfd, name, e->mode, 0) < 0)
		return fail(f, negative_errno(), "chmod", "%04o %s", (unsigned)e->mode, e->dst);
	return 0;
}

static int do_mqueue(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	/* the mount point first, as bwrap makes it; then no mount flags, as bwrap mounts it */
	_cleanup_close_ int dfd = mount_fd_dest(m, e->dst, MOUNT_MK_DIR, 0755, NULL);

	if (dfd < 0)
		return fail(f, dfd, "dir", "%s", e->dst);
	return mount_fd_new_fs_at(m, "mqueue", "mqueue", NULL, 0, e->dst, f);
}

static int copy_fd(int from, int to)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return negative_errno();
		for (char *p = buf; n > 0;) {
			ssize_t w = write(to, p, (size_t)n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return negative_errno();
			p += w;
			n -= w;
		}
	}
	return 0;
}

/* A plain file in the new root (bwrap's --file), or one in the staging root bound on dst
 * (--bind-data, --ro-bind-data). */
static int do_data_fd(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	const char *name = NULL;
	char staged[64];
	_cleanup_close_ int pfd = -1, fd = -1, tree = -1;
	int r;

	if (!(e->flags & MPF_MOUNTED)) {
		if ((pfd = mount_fd_dest(m, e->dst, MOUNT_MK_PARENT, 0755, &name)) < 0)
			return mount_fd_dest_error(f, pfd, "data", e->dst);
		fd = openat(pfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, e->mode);
	} else {
		snprintf(staged, sizeof(staged), "/data-fd-%u", m->n_files++);
		fd = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, e->mode);
	}
	if (fd < 0 || fchmod(fd, e->mode) < 0)
		return fail(f, negative_errno(), "data", "%s", e->dst);
	if ((r = copy_fd(e->fd, fd)) < 0)
		return fail(f, r, "data", "%s", e->dst);
	if (!(e->flags & MPF_MOUNTED))
		return 0;
	tree = open_tree(AT_FDCWD, staged, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return fail(f, negative_errno(), "data", "%s", e->dst);
	if ((r = mount_fd_set_attr(
		 tree, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | ((e->flags & MPF_RO) ? MOUNT_ATTR_RDONLY : 0),
		 false)) < 0)
		return fail(f, r, "data", "%s", e->dst);
	return mount_fd_attach(m, tree, "data", e->dst, MOUNT_MK_FILE, f);
}

/* The fd's mount belongs to the host's mount namespace, which open_tree() cannot clone from:
 * its path (from the host's /proc) is opened again in our copy of the host's tree, and must
 * be the same file. */
static int open_fd_source(const struct mount_ctx *m, int fd, struct stat *ret)
{
	char link[64], path[4096];
	struct stat st;
	ssize_t n;
	int sfd;

	if (fstat(fd, ret) < 0)
		return negative_errno();
	snprintf(link, sizeof(link), "proc/self/fd/%d", fd);
	n = readlinkat(m->oldroot_fd, link, path, sizeof(path) - 1);
	if (n < 0)
		return negative_errno();
	path[n] = '\0';
	if (path[0] != '/')
		return -EINVAL;
	sfd = mount_fd_source(m, path);
	if (sfd >= 0 && (fstat(sfd, &st) < 0 || st.st_dev != ret->st_dev || st.st_ino != ret->st_ino)) {
		safe_close(sfd);
		return -ENOENT;
	}
	return sfd;
}

static int do_bind_fd(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int sfd = -1, tree = -1;
	uint64_t attr = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | ((e->flags & MPF_RO) ? MOUNT_ATTR_RDONLY : 0);
	struct stat st;
	int r;

	/* bwrap resolves /proc/self/fd/N: a closed fd is a missing source path there */
	if ((sfd = open_fd_source(m, e->fd, &st)) < 0)
		return fail(f, sfd == -EBADF ? -ENOENT : sfd, "bind", "/proc/self/fd/%d", e->fd);
	tree = open_tree(sfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return fail(f, negative_errno(), "bind-fd", "%d", e->fd);
	if ((r = mount_fd_set_attr(tree, attr, true)) < 0)
		return fail(f, r, "bind-fd", "%d: setting mount flags", e->fd);
	return mount_fd_attach(m, tree, "bind-fd", e->dst, S_ISDIR(st.st_mode) ? MOUNT_MK_DIR : MOUNT_MK_FILE,
			       f);
}

/* Only the one mount at dst, not those below it, and only a mount point: bwrap's --remount-ro. */
int mount_remount_ro_in_place(int dfd, const struct mp_entry *e, struct failure *f)
{
	struct statx stx;
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	if (statx(dfd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) < 0)
		return fail(f, negative_errno(), "remount-ro", "%s", e->dst);
	if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) ||
	    !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return fail(f, -EINVAL, "remount-ro", "%s: not a mount point", e->dst);
	if (mount_setattr(dfd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return fail(f, negative_errno(), "remount-ro", "%s", e->dst);
	return 0;
}

/* --noexec: a copy of the tree at dst with noexec added to each mount (their other flags
 * stay), put back over dst; as remount-ro does it for read-only. */
static int do_noexec(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int dfd = mount_fd_dest(m, e->dst, MOUNT_MK_NONE, 0, NULL), tree = -1;
	int r;

	if (dfd == -ENOENT && (e->flags & MPF_TRY))
		return 0;
	if (dfd < 0)
		return mount_fd_dest_error(f, dfd, "noexec", e->dst);
	tree = open_tree(dfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return fail(f, negative_errno(), "noexec", "%s", e->dst);
	/* MPF_DEV: device nodes stay usable (hutch-oci's noexec bind of a --device node) */
	if ((r = mount_fd_set_attr(
		 tree, MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | ((e->flags & MPF_DEV) ? 0 : MOUNT_ATTR_NODEV),
		 true)) < 0)
		return fail(f, r, "noexec", "%s", e->dst);
	if (move_mount(tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), "noexec", "%s", e->dst);
	return 0;
}

int mount_extra_apply(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	switch (e->op) {
	case MP_CHMOD:
		return do_chmod(m, e, f);
	case MP_MQUEUE:
		return do_mqueue(m, e, f);
	case MP_DATA_FD:
		return do_data_fd(m, e, f);
	case MP_NOEXEC:
		return do_noexec(m, e, f);
	case MP_BIND_FD:
		return do_bind_fd(m, e, f);
	default:
		return fail(f, -EINVAL, "mount plan", "unknown operation %d", (int)e->op);
	}
}
