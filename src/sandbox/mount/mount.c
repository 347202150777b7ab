/* The mount plan's executor (see mount.h; its fd-based primitives are in mount-fd.c). Runs in
 * the sandbox's pid 1, before pivot_root, with the capabilities of the sandbox's own user
 * namespace only.
 * Over 600 lines: one short function per plan operation and the switch that replays them; the
 * shared primitives are in mount-fd.c. */
#include "sandbox/mount/mount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
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
#include "sandbox/mount/mount-extra.h"
#include "sandbox/mount/overlay.h"

/* MP_BIND's source. With MPF_COMPAT (bwrap's command line) a magic link as the last component
 * is followed, from this process, as bwrap's own setup follows it: /proc/self/ns/user is then
 * the sandbox's user namespace (Flatpak binds it at /run/.userns), /proc/self/fd/N one of its
 * fds. Only the last component: the path to it still resolves inside the host's root. */
static int open_bind_source(const struct mount_ctx *m, const struct mp_entry *e)
{
	char parent[4096];
	const char *name = strrchr(e->src, '/');
	int fd = mount_fd_source(m, e->src);
	_cleanup_close_ int pfd = -1;

	if (fd != -ELOOP || !(e->flags & MPF_COMPAT) || !name || !name[1])
		return fd;
	if (snprintf(parent, sizeof(parent), "%.*s", (int)(name - e->src), e->src) >= (int)sizeof(parent))
		return -ENAMETOOLONG;
	pfd = mount_fd_source(m, *parent ? parent : "/");
	if (pfd < 0)
		return pfd;
	fd = openat(pfd, name + 1, O_PATH | O_CLOEXEC);
	return fd < 0 ? negative_errno() : fd;
}

/* The detached mount made for e before the maps (taken), or -1. */
static int take_pre(const struct mount_ctx *m, const struct mp_entry *e)
{
	uintptr_t first = (uintptr_t)m->c->plan.ops, at = (uintptr_t)e;
	size_t i;
	int fd;

	/* e may be an entry of the caller's own (do_proc's fallback bind) */
	if (!m->pre || at < first || at >= first + m->c->plan.n * sizeof(*e))
		return -1;
	i = (at - first) / sizeof(*e);
	fd = m->pre[i];
	m->pre[i] = -1;
	return fd;
}

/* How far bind_tree() got when it failed. */
enum bind_step {
	BIND_SOURCE, /* opening the source */
	BIND_CLONE,  /* copying its mount tree */
	BIND_FLAGS,  /* setting the copy's flags */
};

/* The detached copy of a host path for MP_BIND, its flags set; *st is the source's. Returns the
 * mount's fd or -errno, with *ret_step saying which step failed. */
static int bind_tree(const struct mount_ctx *m, const struct mp_entry *e, struct stat *st,
		     enum bind_step *ret_step)
{
	_cleanup_close_ int sfd = open_bind_source(m, e), tree = -1;
	uint64_t attr = ((e->flags & MPF_SUID) ? 0 : MOUNT_ATTR_NOSUID) |
			((e->flags & MPF_RO) ? MOUNT_ATTR_RDONLY : 0) |
			((e->flags & MPF_DEV) ? 0 : MOUNT_ATTR_NODEV);
	int r;

	*ret_step = BIND_SOURCE;
	if (sfd < 0)
		return sfd;
	*ret_step = BIND_CLONE;
	if (fstat(sfd, st) < 0)
		return negative_errno();
	tree = open_tree(sfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return negative_errno();
	*ret_step = BIND_FLAGS;
	r = m->copies_shared ? mount_fd_set_attr_slave(tree, attr) : mount_fd_set_attr(tree, attr, true);
	if (r < 0)
		return r;
	return TAKE_FD(tree);
}

/* After an ELOOP from mount_fd_source(): a magic link when following every link gets further (a
 * plain symlink loop fails the same way both times). */
static bool through_magic_link(const struct mount_ctx *m, const char *src)
{
	int fd = openat(m->oldroot_fd, src + 1, O_PATH | O_CLOEXEC);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	return errno != ELOOP;
}

static int do_bind(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int tree = take_pre(m, e);
	enum bind_step step = BIND_CLONE;
	struct stat st;

	if (tree < 0 || fstat(tree, &st) < 0) {
		safe_close(tree);
		tree = bind_tree(m, e, &st, &step);
	}
	/* -try: a missing source is skipped; one that cannot be opened otherwise (a symlink
	 * loop, a refused magic link) is an error, as in bwrap */
	if (tree == -ENOENT && step == BIND_SOURCE && (e->flags & MPF_TRY))
		return 0;
	/* mount_fd_source() follows no /proc magic link (/proc/self/fd/N, /proc/PID/root): what one
	 * names is the opener's, and pid 1 would bind its own, not the caller's */
	if (tree == -ELOOP && !(e->flags & MPF_COMPAT) && through_magic_link(m, e->src))
		return failx(
		    f, "bind",
		    "%s: goes through a /proc magic link (an fd or a process's root), which hutch does "
		    "not follow: give the file's own path",
		    e->src);
	if (tree < 0)
		return fail(f, tree, "bind", "%s%s", e->src,
			    step == BIND_FLAGS ? ": setting mount flags" : "");
	if (!(e->flags & MPF_COMPAT))
		return mount_fd_attach(m, tree, "bind", e->dst,
				       S_ISDIR(st.st_mode) ? MOUNT_MK_DIR : MOUNT_MK_FILE, f);
	/* bwrap's: a missing file mount point is made 0444, and one it cannot make is named as
	 * such ("Can't mkdir", "Can't create file at"), not as the source */
	if (S_ISDIR(st.st_mode))
		return mount_fd_attach_at(m, tree, "bind", "dir", e->dst, MOUNT_MK_DIR, 0755, f);
	return mount_fd_attach_at(m, tree, "bind", "file", e->dst, MOUNT_MK_FILE, 0444, f);
}

/* merged-/usr hosts have /bin → usr/bin: keep the same link; else bind the directory. */
static int do_mirror(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	char target[4096];
	const char *name = NULL;
	ssize_t n = readlinkat(m->oldroot_fd, e->src + 1, target, sizeof(target) - 1);
	_cleanup_close_ int pfd = -1;

	if (n < 0 && errno == EINVAL)
		return do_bind(m, e, f);
	if (n < 0)
		return errno == ENOENT ? 0 : fail(f, negative_errno(), "mirror", "%s", e->src);
	target[n] = '\0';
	pfd = mount_fd_dest(m, e->dst, MOUNT_MK_PARENT, 0755, &name);
	if (pfd < 0)
		return mount_fd_dest_error(f, pfd, "symlink", e->dst);
	if (symlinkat(target, pfd, name) < 0)
		return fail(f, negative_errno(), "symlink", "%s", e->dst);
	return 0;
}

/* MPF_TRY on a new file system: skipped where the root lacks its mount point and cannot
 * take one (a read-only image). */
static bool can_skip(const struct mount_ctx *m, const struct mp_entry *e)
{
	_cleanup_close_ int fd = -1;

	if (!(e->flags & MPF_TRY))
		return false;
	fd = mount_fd_dest(m, e->dst, MOUNT_MK_NONE, 0, NULL);
	return fd == -ENOENT;
}

static int tmpfs_tree(const struct mp_entry *e)
{
	char mode[24], size[40], source[128];
	const char *opts[] = { mode, e->size ? size : NULL, NULL, NULL };

	snprintf(mode, sizeof(mode), "mode=%04o", (unsigned)e->mode);
	snprintf(size, sizeof(size), "size=%llu", e->size);
	snprintf(source, sizeof(source), "source=%s", e->src ? e->src : "");
	opts[e->size ? 2 : 1] = e->src ? source : NULL;
	return mount_fd_new_fs("tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

static int do_tmpfs(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int mnt = take_pre(m, e);

	if (can_skip(m, e))
		return 0;
	if (mnt < 0 && (mnt = tmpfs_tree(e)) < 0)
		return fail(f, mnt, "tmpfs", "%s", e->dst);
	return mount_fd_attach(m, mnt, "tmpfs", e->dst, MOUNT_MK_DIR, f);
}

static int do_dir(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int fd = mount_fd_dest(m, e->dst, MOUNT_MK_DIR, e->mode, NULL);

	return fd < 0 ? mount_fd_dest_error(f, fd, "dir", e->dst) : 0;
}

/* Link dst (shown as path) to target in the directory open as pfd; the same link already there
 * (a mirrored /lib64, say) is fine. */
static int symlink_in(int pfd, const char *name, const char *target, const char *path, struct failure *f)
{
	char old[4096];
	ssize_t n;

	if (symlinkat(target, pfd, name) == 0)
		return 0;
	n = errno == EEXIST ? readlinkat(pfd, name, old, sizeof(old) - 1) : -1;
	if (n >= 0 && (size_t)n == strlen(target) && memcmp(old, target, (size_t)n) == 0)
		return 0;
	if (n >= 0)
		return failx(f, "symlink", "%s: existing destination is %.*s", path, (int)n, old);
	return fail(f, -EEXIST, "symlink", "%s", path);
}

static int do_symlink(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	const char *name = NULL;
	_cleanup_close_ int pfd = mount_fd_dest(m, e->dst, MOUNT_MK_PARENT, 0755, &name);

	if (pfd < 0)
		return mount_fd_dest_error(f, pfd, "symlink", e->dst);
	return symlink_in(pfd, name, e->src, e->dst, f);
}

static int proc_tree(void)
{
	return mount_fd_new_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

static int do_proc(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	struct mp_entry b = { .op = MP_BIND, .src = (char *)"/proc", .dst = e->dst };
	_cleanup_close_ int mnt = -1;

	if (can_skip(m, e))
		return 0;
	/* With the host's pid namespace the kernel refuses a new proc (our user namespace does
	 * not own that pid namespace): bind the host's instead, as the only faithful view. A pid
	 * namespace joined where we hold its owner's capabilities (hutch-oci's, by path, under an
	 * engine) gets a proc of its own: the runtime's would show the wrong one. */
	if (m->c->share & SHARE_PID) {
		mnt = proc_tree();
		return mnt < 0 ? do_bind(m, &b, f) : mount_fd_attach(m, mnt, "proc", e->dst, MOUNT_MK_DIR, f);
	}
	mnt = take_pre(m, e);
	if (mnt < 0)
		mnt = proc_tree();
	/* Inside another sandbox whose /proc has read-only parts bound over it, the kernel
	 * refuses a new proc instance (it would uncover them): the outer one is bound, with its
	 * covers, as nested bubblewrap needs too. */
	if (mnt == -EPERM) {
		mount_fd_note(m, "proc: a new /proc was refused (nested sandbox?); binding the outer one");
		return do_bind(m, &b, f);
	}
	if (mnt < 0)
		return fail(f, mnt, "proc", "%s", e->dst);
	return mount_fd_attach(m, mnt, "proc", e->dst, MOUNT_MK_DIR, f);
}

/* Make dst (a path already in the new root, maybe inside /proc) read-only: a bind of itself. */
static int do_remount_ro(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int dfd = mount_fd_dest(m, e->dst, MOUNT_MK_NONE, 0, NULL), tree = -1;
	int r;

	if (dfd == -ENOENT && (e->flags & MPF_TRY))
		return 0;
	if (dfd < 0)
		return mount_fd_dest_error(f, dfd, "remount-ro", e->dst);
	if (e->flags & MPF_COMPAT)
		return mount_remount_ro_in_place(dfd, e, f);
	tree = open_tree(dfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return fail(f, negative_errno(), "remount-ro", "%s", e->dst);
	if ((r = mount_fd_set_attr(tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, true)) < 0)
		return fail(f, r, "remount-ro", "%s", e->dst);
	if (move_mount(tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), "remount-ro", "%s", e->dst);
	return 0;
}

/* A host device node bound onto a file in the new /dev (we may not mknod in a user
 * namespace; a bind keeps the host's node and its permissions). */
/* A host device node bound on name in the new /dev (d: its root is that /dev; path is what
 * errors show). */
static int bind_node(const struct mount_ctx *d, const char *src, const char *name, const char *path,
		     uint64_t attr, struct failure *f)
{
	_cleanup_close_ int sfd = mount_fd_source(d, src), tree = -1, dfd = -1;
	int r;

	if (sfd < 0)
		return fail(f, sfd, "dev", "%s", src);
	tree = open_tree(sfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return fail(f, negative_errno(), "dev", "%s", src);
	if ((r = mount_fd_set_attr(tree, attr, false)) < 0)
		return fail(f, r, "dev", "%s", src);
	if ((dfd = mount_fd_dest(d, name, MOUNT_MK_FILE, 0644, NULL)) < 0)
		return mount_fd_dest_error(f, dfd, "dev", path);
	if (move_mount(tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), "dev", "%s", path);
	return 0;
}

static int dev_links(int dev_fd, const char *dev, struct failure *f)
{
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },	 { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },		 { "core", "/proc/kcore" },
	};
	char path[4096];

	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		snprintf(path, sizeof(path), "%s/%s", dev, links[i][0]);
		int r = symlink_in(dev_fd, links[i][0], links[i][1], path, f);
		if (r < 0)
			return r;
	}
	return 0;
}

/* A new file system of type (NULL: a plain directory) on directory name of the new /dev. */
static int dev_fs(const struct mount_ctx *d, const char *type, const char *const *opts, uint64_t attr,
		  const char *name, const char *dev, struct failure *f)
{
	_cleanup_close_ int mnt = type ? mount_fd_new_fs(type, opts, attr) : -1, dfd = -1;
	const char *op = type ? type : "dir";
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dev, name);
	if (type && mnt < 0)
		return fail(f, mnt, op, "%s", path);
	if ((dfd = mount_fd_dest(d, name, MOUNT_MK_DIR, 0755, NULL)) < 0)
		return mount_fd_dest_error(f, dfd, op, path);
	if (type && move_mount(mnt, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), op, "%s", path);
	return 0;
}

/* Its nodes, links and file systems are made from an fd of the new /dev, the root of d: one
 * lookup of it instead of three for each of its fourteen entries (issue 27; the same
 * RESOLVE_BENEATH and no-symlink rules hold beneath it). */
static int dev_fill(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
	static const char *const pts_opts[] = { "newinstance", "ptmxmode=0666", "mode=620", NULL };
	static const char *const shm_opts[] = { "mode=1777", NULL };
	char src[64], dst[4096], tty[256];
	uint64_t attr = MOUNT_ATTR_NOSUID | ((e->flags & MPF_COMPAT) ? 0 : MOUNT_ATTR_NOEXEC);
	_cleanup_close_ int dev_fd = mount_fd_dest(m, e->dst, MOUNT_MK_NONE, 0, NULL);
	struct mount_ctx d = *m;
	int r = 0;

	if (dev_fd < 0)
		return mount_fd_dest_error(f, dev_fd, "dev", e->dst);
	d.newroot_fd = dev_fd;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(nodes); i++) {
		snprintf(src, sizeof(src), "/dev/%s", nodes[i]);
		snprintf(dst, sizeof(dst), "%s/%s", e->dst, nodes[i]);
		r = bind_node(&d, src, nodes[i], dst, attr, f);
	}
	if (r == 0)
		r = dev_links(dev_fd, e->dst, f);
	if (r == 0)
		r = dev_fs(&d, "devpts", pts_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "pts", e->dst, f);
	if (r == 0 && (e->flags & MPF_COMPAT))
		r = dev_fs(&d, NULL, NULL, 0, "shm", e->dst, f);
	else if (r == 0)
		r = dev_fs(&d, "tmpfs", shm_opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, "shm", e->dst, f);
	/* The caller's terminal as /dev/console, as a login would have it. */
	for (int fd = 0; r == 0 && fd <= 2; fd++)
		if (isatty(fd) && ttyname_r(fd, tty, sizeof(tty)) == 0) {
			snprintf(dst, sizeof(dst), "%s/console", e->dst);
			r = bind_node(&d, tty, "console", dst, attr, f);
			break;
		}
	return r;
}

static int do_dev(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	int r;

	if (can_skip(m, e))
		return 0;
	r = do_tmpfs(m, e, f);
	return r < 0 ? r : dev_fill(m, e, f);
}

/* The new root's mount goes onto the staging /newroot; from then on it is reached by fd. */
static int root_attach(struct mount_ctx *m, int tree, const char *op, struct failure *f)
{
	if (move_mount(tree, "", AT_FDCWD, "/newroot", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), op, "attaching the new root");
	m->newroot_fd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return m->newroot_fd < 0 ? fail(f, negative_errno(), op, "opening the new root") : 0;
}

static int root_tree(void)
{
	return mount_fd_new_fs("tmpfs", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
}

static int do_root_tmpfs(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	/* bwrap's root is a directory of the staging tmpfs bound on itself: no second tmpfs */
	_cleanup_close_ int mnt = (e->flags & MPF_COMPAT)
				      ? open_tree(AT_FDCWD, "/newroot", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)
				      : take_pre(m, e);

	if (mnt < 0 && !(e->flags & MPF_COMPAT))
		mnt = root_tree();
	int r = mnt < 0 ? fail(f, mnt < -1 ? mnt : negative_errno(), "root", "tmpfs")
			: root_attach(m, mnt, "root", f);

	if (r == 0 && (e->flags & MPF_COMPAT))
		return 0;

	/* The mode set afterwards, not as an option: findmnt shows what bwrap's root shows. */
	if (r == 0 && chmod("/newroot", 0755) < 0)
		r = fail(f, negative_errno(), "root", "chmod");
	return r;
}

static int do_root_bind(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int sfd = mount_fd_source(m, e->src), tree = -1;
	uint64_t attr = ((e->flags & MPF_SUID) ? 0 : MOUNT_ATTR_NOSUID) | MOUNT_ATTR_NODEV |
			((e->flags & MPF_RO) ? MOUNT_ATTR_RDONLY : 0);
	struct stat st;
	int r;

	if (sfd < 0 || fstat(sfd, &st) < 0)
		return fail(f, sfd < 0 ? sfd : negative_errno(), "rootfs-bind", "%s", e->src);
	if (!S_ISDIR(st.st_mode))
		return fail(f, -ENOTDIR, "rootfs-bind", "%s", e->src);
	tree = open_tree(sfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return fail(f, negative_errno(), "rootfs-bind", "%s", e->src);
	if ((r = mount_fd_set_attr(tree, attr, true)) < 0)
		return fail(f, r, "rootfs-bind", "%s: setting mount flags", e->src);
	return root_attach(m, tree, "rootfs-bind", f);
}

static int do_overlay_at(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	int tree = -1, r = overlay_mount_at(m, e, &tree, f);

	if (r < 0)
		return r;
	r = mount_fd_attach(m, tree, "overlay", e->dst, MOUNT_MK_DIR, f);
	safe_close(tree);
	return r;
}

static int do_root_overlay(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	int tree = -1, r = overlay_mount(m, e, &tree, f);

	if (r < 0)
		return r;
	r = root_attach(m, tree, "overlay", f);
	safe_close(tree);
	return r;
}

/* What --mask binds: an empty readable object, made on first use. */
static const char *empty_object(const struct mp_entry *e, bool dir)
{
	const char *path = dir ? "/mask-dir" : "/mask-file";
	int fd;

	if (dir && mkdir(path, 0555) < 0 && errno != EEXIST)
		return NULL;
	if (!dir && (fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0444)) < 0)
		return NULL;
	if (!dir)
		safe_close(fd);
	return path;
}

/* Hide dst under an empty object of its kind, mode 000 and read-only (MPF_EMPTY: readable and
 * empty). A dst that goes through a symlink is skipped: its real path is on the list too
 * (config.c). */
static int do_cover(const struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	_cleanup_close_ int dfd = mount_fd_dest(m, e->dst, MOUNT_MK_NONE, 0, NULL), tree = -1;
	const char *op = (e->flags & MPF_EMPTY) ? "mask" : "blacklist", *obj;
	struct stat st;
	int r;

	if ((dfd == -ENOENT || dfd == -ELOOP) && (e->flags & MPF_TRY))
		return 0;
	if (dfd < 0 || fstat(dfd, &st) < 0)
		return mount_fd_dest_error(f, dfd < 0 ? dfd : negative_errno(), op, e->dst);
	if (e->flags & MPF_EMPTY)
		obj = empty_object(e, S_ISDIR(st.st_mode));
	else
		obj = S_ISDIR(st.st_mode) ? "/cover-dir" : "/cover-file";
	if (!obj)
		return fail(f, negative_errno(), op, "%s", e->dst);
	tree = open_tree(AT_FDCWD, obj, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return fail(f, negative_errno(), "blacklist", "%s", e->dst);
	r = mount_fd_set_attr(
	    tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false);
	if (r < 0)
		return fail(f, r, "blacklist", "%s", e->dst);
	if (move_mount(tree, "", dfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), "blacklist", "%s", e->dst);
	return 0;
}

/* Content written in the staging root, then bound read-only over dst (created if missing). */
static int do_file(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	char path[64];
	size_t len = strlen(e->src);
	_cleanup_close_ int fd = -1, tree = -1;
	int r;

	if (mkdir("/files", 0755) < 0 && errno != EEXIST)
		return fail(f, negative_errno(), "file", "%s", e->dst);
	snprintf(path, sizeof(path), "/files/%u", m->n_files++);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, e->mode);
	if (fd < 0 || write(fd, e->src, len) != (ssize_t)len)
		return fail(f, fd < 0 ? negative_errno() : -EIO, "file", "%s", e->dst);
	tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return fail(f, negative_errno(), "file", "%s", e->dst);
	if ((r = mount_fd_set_attr(
		 tree, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, false)) <
	    0)
		return fail(f, r, "file", "%s", e->dst);
	return mount_fd_attach(m, tree, "file", e->dst, MOUNT_MK_FILE, f);
}

/* cgroup2 mounted from inside our cgroup namespace shows the sandbox's leaf as its root. */
static int do_cgroup(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	if (can_skip(m, e))
		return 0;
	return mount_fd_new_fs_at(
	    m, "cgroup", "cgroup2", NULL,
	    MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e->dst, f);
}

static int apply_one(struct mount_ctx *m, const struct mp_entry *e, struct failure *f)
{
	switch (e->op) {
	case MP_CGROUP:
		return do_cgroup(m, e, f);
	case MP_FILE:
		return do_file(m, e, f);
	case MP_ROOT_TMPFS:
		return do_root_tmpfs(m, e, f);
	case MP_ROOT_BIND:
		return do_root_bind(m, e, f);
	case MP_ROOT_OVERLAY:
		return do_root_overlay(m, e, f);
	case MP_OVERLAY_AT:
		return do_overlay_at(m, e, f);
	case MP_COVER:
		return do_cover(m, e, f);
	case MP_BIND:
		return do_bind(m, e, f);
	case MP_MIRROR:
		return do_mirror(m, e, f);
	case MP_TMPFS:
		return do_tmpfs(m, e, f);
	case MP_DIR:
		return do_dir(m, e, f);
	case MP_SYMLINK:
		return do_symlink(m, e, f);
	case MP_PROC:
		return do_proc(m, e, f);
	case MP_DEV:
		return do_dev(m, e, f);
	case MP_REMOUNT_RO:
		return do_remount_ro(m, e, f);
	case MP_CHMOD:
	case MP_MQUEUE:
	case MP_DATA_FD:
	case MP_BIND_FD:
	case MP_NOEXEC:
		return mount_extra_apply(m, e, f);
	}
	return fail(f, -EINVAL, "mount plan", "unknown operation %d", (int)e->op);
}

static int reopen_newroot(struct mount_ctx *m, struct failure *f)
{
	int fd = open("/newroot", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return fail(f, negative_errno(), "mount", "opening the new root");
	safe_close(m->newroot_fd);
	m->newroot_fd = fd;
	return 0;
}

int mount_apply_plan(struct mount_ctx *m, struct failure *f)
{
	for (size_t i = 0; i < m->c->plan.n; i++) {
		const struct mp_entry *e = &m->c->plan.ops[i];
		if (!m->c->dest_symlinks && mountplan_cover_moot(&m->c->plan, i))
			continue; /* nothing there to hide: no lookup */
		int r = apply_one(m, e, f);
		if (r < 0)
			return r;
		/* Something mounted on / itself (bwrap's --bind / /) covers the root we hold: the
		 * later steps and pivot_root go to the top mount. */
		if (e->op > MP_ROOT_BIND && strcmp(e->dst, "/") == 0 && (r = reopen_newroot(m, f)) < 0)
			return r;
	}
	return 0;
}

static int *plan_fds_new(size_t n)
{
	int *fds = malloc((n ? n : 1) * sizeof(int));

	for (size_t i = 0; fds && i < n; i++)
		fds[i] = -1;
	return fds;
}

int *mount_trees_outside(const struct config *c)
{
	struct mount_ctx m = { .c = c, .newroot_fd = -1, .sync_fd = -1, .copies_shared = true };
	int *trees = geteuid() == 0 ? plan_fds_new(c->plan.n) : NULL;

	if (!trees || (m.oldroot_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		free(trees);
		return NULL;
	}
	for (size_t i = 0; i < c->plan.n; i++) {
		struct stat st;
		enum bind_step step;
		if (c->plan.ops[i].op == MP_BIND) {
			int fd = bind_tree(&m, &c->plan.ops[i], &st, &step);
			trees[i] = fd >= 0 ? fd : -1;
		}
	}
	safe_close(m.oldroot_fd);
	return trees;
}

void mount_take_outside(struct mount_ctx *m)
{
	if (!m->c->plan_trees || m->pre || !(m->pre = plan_fds_new(m->c->plan.n)))
		return;
	memcpy(m->pre, m->c->plan_trees, m->c->plan.n * sizeof(int));
}

void mount_prefetch(struct mount_ctx *m)
{
	const struct mountplan *p = &m->c->plan;

	if (!m->pre && !(m->pre = plan_fds_new(p->n)))
		return;
	m->oldroot_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->oldroot_fd < 0)
		return;
	for (size_t i = 0; i < p->n; i++) {
		const struct mp_entry *e = &p->ops[i];
		struct stat st;
		enum bind_step step;
		int fd = -1;
		if (m->pre[i] >= 0)
			continue; /* made by the launcher already */
		switch (e->op) {
		case MP_BIND:
			fd = bind_tree(m, e, &st, &step);
			break;
		case MP_TMPFS:
			fd = tmpfs_tree(e);
			break;
		case MP_PROC:
			if (!(m->c->share & SHARE_PID))
				fd = proc_tree();
			break;
		case MP_ROOT_TMPFS:
			if (!(e->flags & MPF_COMPAT))
				fd = root_tree();
			break;
		default:
			break;
		}
		m->pre[i] = fd >= 0 ? fd : -1;
	}
}

/* Our mount namespace stops sending events to the host's (MS_SLAVE: host mounts still show
 * up), then a staging tmpfs over /tmp becomes the root, with the host's tree at /oldroot;
 * pivot_root moves the staging mount away, uncovering the host's real /tmp beneath. */
int mount_stage(struct mount_ctx *m, struct failure *f)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return fail(f, negative_errno(), "mount", "making / a slave");
	m->copies_shared = false; /* copies of slaves are slaves */
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, NULL) < 0 || chmod("/tmp", 0755) < 0)
		return fail(f, negative_errno(), "mount", "staging tmpfs on /tmp");
	if (mkdir("/tmp/oldroot", 0755) < 0 || mkdir("/tmp/newroot", 0755) < 0)
		return fail(f, negative_errno(), "mount", "staging directories");
	if (syscall(SYS_pivot_root, "/tmp", "/tmp/oldroot") < 0 || chdir("/") < 0)
		return fail(f, negative_errno(), "pivot_root", "staging");
	/* What --blacklist binds over a hidden file or directory: empty, mode 000. */
	bool covers = false;
	for (size_t i = 0; i < m->c->plan.n; i++)
		covers = covers || m->c->plan.ops[i].op == MP_COVER;
	int fd = covers ? open("/cover-file", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0) : -1;
	if (covers && (fd < 0 || mkdir("/cover-dir", 0) < 0))
		return fail(f, negative_errno(), "mount", "staging cover objects");
	safe_close(fd);
	if (m->oldroot_fd < 0)
		m->oldroot_fd = open("/oldroot", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (m->oldroot_fd < 0)
		return fail(f, negative_errno(), "mount", "opening the host's root");
	return 0;
}

void mount_ctx_close(struct mount_ctx *m)
{
	for (size_t i = 0; m->pre && i < m->c->plan.n; i++)
		safe_close(m->pre[i]);
	free(m->pre);
	m->pre = NULL;
	m->oldroot_fd = safe_close(m->oldroot_fd);
	m->newroot_fd = safe_close(m->newroot_fd);
}
