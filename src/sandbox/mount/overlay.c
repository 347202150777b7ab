/* The overlay root (see overlay.h). Runs in the sandbox's pid 1 before pivot_root.
 * fuse-overlayfs runs as a child of pid 1, so it lives in the sandbox's pid namespace and
 * dies with it (also when the launcher is killed); it is chrooted into a small root of its
 * own under the staging area, which neither pivot_root moves, and it keeps capabilities the
 * command lacks, so the command cannot reach its /proc/PID/root. */
#include "sandbox/mount/overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <linux/openat2.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "sandbox/mount/mount-fd.h"
#include "lib/sync.h"

struct overlay_paths {
	char lower[4096]; /* top first, as overlayfs wants it */
	char upper[1024];
	char work[1024];
};

/* Bind host directory src at dst (a new directory of the staging root). */
static int stage_host_dir(const struct mount_ctx *m, const char *src, const char *dst, bool ro,
			  const char *what, struct failure *f)
{
	_cleanup_close_ int sfd = mount_fd_source(m, src), tree = -1;
	struct stat st;
	int r;

	if (sfd < 0 || fstat(sfd, &st) < 0)
		return fail(f, sfd < 0 ? sfd : negative_errno(), what, "%s", src);
	if (!S_ISDIR(st.st_mode))
		return fail(f, -ENOTDIR, what, "%s", src);
	tree = open_tree(sfd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0)
		return fail(f, negative_errno(), what, "%s", src);
	if (ro && (r = mount_fd_set_attr(tree, MOUNT_ATTR_RDONLY, true)) < 0)
		return fail(f, r, what, "%s: read-only", src);
	if ((mkdir(dst, 0755) < 0 && errno != EEXIST) ||
	    move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(f, negative_errno(), what, "%s", src);
	return 0;
}

/* mkdir -p of a host path, each prefix resolved under the host's root (absolute symlinks of
 * the host resolve there, not in the staging root). */
static int host_mkdir_p(const struct mount_ctx *m, const char *path)
{
	char buf[4096];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (char *p = buf + 1;; p++) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		int fd = mount_fd_openat2(m->oldroot_fd, buf, RESOLVE_IN_ROOT);
		if (fd == -ENOENT) {
			char *last = strrchr(buf, '/');
			*last = '\0';
			int pfd = mount_fd_openat2(m->oldroot_fd, *buf ? buf : "/", RESOLVE_IN_ROOT);
			*last = '/';
			if (pfd < 0)
				return pfd;
			fd = mkdirat(pfd, last + 1, 0755) < 0 && errno != EEXIST ? negative_errno() : 0;
			safe_close(pfd);
		}
		if (fd < 0)
			return fd;
		safe_close(fd);
		if (!slash)
			return 0;
		*slash = '/';
		p = slash;
	}
}

/* A host directory, created when missing; anything else there is ENOTDIR. */
static int host_dir(const struct mount_ctx *m, const char *path)
{
	struct stat st;
	int r = host_mkdir_p(m, path);
	_cleanup_close_ int fd = r < 0 ? -1 : mount_fd_openat2(m->oldroot_fd, path, RESOLVE_IN_ROOT);

	if (r < 0)
		return r;
	if (fd < 0 || fstat(fd, &st) < 0)
		return fd < 0 ? fd : negative_errno();
	return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

/* --persist UPPER keeps its work dir beside it (UPPER.work): overlayfs wants both on one
 * mount, so their parent is staged at /persist. */
static int stage_persist(const struct mount_ctx *m, const char *upper, struct overlay_paths *o,
			 struct failure *f)
{
	char work[4096], parent[4096], base[512];
	struct statvfs sv;
	int r;

	snprintf(work, sizeof(work), "%s.work", upper);
	snprintf(parent, sizeof(parent), "%s", upper);
	snprintf(base, sizeof(base), "%s", basename(parent));
	dirname(parent);
	if ((r = host_dir(m, upper)) < 0)
		return fail(f, r, "persist", "%s", upper);
	if ((r = host_dir(m, work)) < 0)
		return fail(f, r, "persist", "%s (the upper's work dir)", work);
	if ((r = stage_host_dir(m, parent, "/persist", false, "persist", f)) < 0)
		return r;
	if (statvfs("/persist", &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return fail(f, -EROFS, "persist", "%s", upper);
	snprintf(o->upper, sizeof(o->upper), "/persist/%s", base);
	snprintf(o->work, sizeof(o->work), "/persist/%s.work", base);
	return 0;
}

static int stage_layers(const struct mount_ctx *m, const struct mp_entry *e, const char *dir,
			struct overlay_paths *o, struct failure *f)
{
	size_t n = 0, len = 0;
	char dst[128];

	while (e->layers && e->layers[n])
		n++;
	if (mkdir(dir, 0755) < 0)
		return fail(f, negative_errno(), "overlay", "%s", dir);
	for (size_t i = 0; i < n; i++) {
		snprintf(dst, sizeof(dst), "%s/%zu", dir, i);
		int r = stage_host_dir(m, e->layers[i], dst, true, "layer", f);
		if (r < 0)
			return r;
	}
	o->lower[0] = '\0';
	for (size_t i = n; i-- > 0;)
		len += (size_t)snprintf(o->lower + len, sizeof(o->lower) - len, "%s%s/%zu", len ? ":" : "",
					dir, i);
	return 0;
}

static int kernel_overlay(const struct overlay_paths *o, int *ret_tree, char *log, size_t loglen)
{
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC);
	int r = 0;

	if (fs < 0)
		return negative_errno();
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "overlay", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", o->lower, 0) < 0 ||
	    (o->upper[0] && fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", o->upper, 0) < 0) ||
	    (o->upper[0] && fsconfig(fs, FSCONFIG_SET_STRING, "workdir", o->work, 0) < 0) ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		r = negative_errno();
		/* The kernel says why on the context fd ("e overlayfs: …"). */
		ssize_t n = read(fs, log, loglen - 1);
		log[n > 0 ? n : 0] = '\0';
		log[strcspn(log, "\n")] = '\0';
		/* The context log's lines start with their level ("e ", "w "). */
		if ((log[0] == 'e' || log[0] == 'w') && log[1] == ' ')
			memmove(log, log + 2, strlen(log + 2) + 1);
		return r;
	}
	*ret_tree = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	return *ret_tree < 0 ? negative_errno() : 0;
}

/* mkdir -p in the staging root. */
static int stage_mkdir_p(const char *path)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = strchr(buf + 1, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return negative_errno();
		if (!p)
			return 0;
		*p = '/';
	}
}

/* The daemon's root (root, in the staging root): the host's /usr and library links, a /proc,
 * and the staged directories (NULL-terminated) under the same names as in the staging root. */
static int build_fuse_root(const struct mount_ctx *m, const char *root, const char *const *staged,
			   struct failure *f)
{
	static const char *const links[] = { "bin", "lib", "lib32", "lib64", "libx32" };
	char target[256], path[256];
	size_t rlen = strlen(root);
	int r = 0;

	snprintf(path, sizeof(path), "%s/usr", root);
	if (stage_mkdir_p(root) < 0 || (r = stage_host_dir(m, "/usr", path, true, "fuse-overlayfs", f)) < 0)
		return r < 0 ? r : fail(f, negative_errno(), "fuse-overlayfs", "%s", root);
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		ssize_t n = readlinkat(m->oldroot_fd, links[i], target, sizeof(target) - 1);
		snprintf(path, sizeof(path), "%s/%s", root, links[i]);
		if (n > 0) {
			target[n] = '\0';
			if (symlink(target, path) < 0)
				return fail(f, negative_errno(), "fuse-overlayfs", "%s", path);
		} else if (errno == EINVAL &&
			   (r = stage_host_dir(m, path + rlen, path, true, "fuse-overlayfs", f)) < 0)
			return r;
	}
	for (; *staged; staged++) {
		_cleanup_close_ int tree =
		    open_tree(AT_FDCWD, *staged, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		snprintf(path, sizeof(path), "%s%s", root, *staged);
		if (tree < 0 || stage_mkdir_p(path) < 0 ||
		    move_mount(tree, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			return fail(f, negative_errno(), "fuse-overlayfs", "%s", path);
	}
	_cleanup_close_ int proc =
	    mount_fd_new_fs("proc", NULL, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	snprintf(path, sizeof(path), "%s/proc", root);
	if (proc < 0 || mkdir(path, 0555) < 0 ||
	    move_mount(proc, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return fail(f, proc < 0 ? proc : negative_errno(), "fuse-overlayfs", "/proc for the daemon");
	return 0;
}

/* The kernel side of the fuse mount, made by us on the daemon's /dev/fuse fd (libfuse then
 * serves "/dev/fd/N" without mounting): the daemon needs no mount rights of its own. */
static int fuse_kernel_mount(int fuse_fd, int *ret_tree)
{
	char fd[16], uid[16], gid[16];
	_cleanup_close_ int fs = fsopen("fuse", FSOPEN_CLOEXEC);

	snprintf(fd, sizeof(fd), "%d", fuse_fd);
	snprintf(uid, sizeof(uid), "%u", getuid());
	snprintf(gid, sizeof(gid), "%u", getgid());
	/* default_permissions: the kernel checks modes, so a sandbox user cannot read what the
	 * image keeps from it through a daemon that runs as the sandbox's root. */
	if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "fd", fd, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "rootmode", "40000", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "user_id", uid, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "group_id", gid, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "allow_other", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "default_permissions", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return negative_errno();
	*ret_tree = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	return *ret_tree < 0 ? negative_errno() : 0;
}

/* The daemon: the sandbox's root where that id is mapped (it must chown like apt does),
 * else the sandbox user with its file capabilities kept as ambient ones. Either way it holds
 * capabilities the command will not have. */
_noreturn_ static void fuse_daemon(const struct overlay_paths *o, const char *root, int fuse_fd, int log_fd)
{
	static const cap_value_t keep[] = { CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_FSETID, CAP_MKNOD };
	char opts[8192];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* A mount namespace of its own: pid 1 later detaches the whole staging tree, and the
	 * daemon's root (with the /proc it reads xattrs through) must not go with it. */
	if (unshare(CLONE_NEWNS) < 0 || chroot(root) < 0 || chdir("/") < 0)
		_exit(EXIT_LAUNCHER);
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
		cap_t caps = cap_get_proc();
		if (caps && cap_set_flag(caps, CAP_INHERITABLE, ARRAY_SIZE(keep), keep, CAP_SET) == 0)
			cap_set_proc(caps);
		for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
			prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, keep[i], 0, 0);
		cap_free(caps);
	}
	if (dup2(fuse_fd, 3) < 0 || dup2(log_fd, STDERR_FILENO) < 0)
		_exit(EXIT_LAUNCHER);
	close_range(4, ~0U, 0);
	if (o->upper[0])
		snprintf(opts, sizeof(opts), "lowerdir=%s,upperdir=%s,workdir=%s", o->lower, o->upper,
			 o->work);
	else
		snprintf(opts, sizeof(opts), "lowerdir=%s", o->lower);
	execl("/usr/bin/fuse-overlayfs", "fuse-overlayfs", "-f", "-o", opts, "/dev/fd/3", (char *)NULL);
	_exit(EXIT_NOT_FOUND);
}

/* The daemon's last message says why it could not serve. */
static int fuse_failure(int log_fd, struct failure *f)
{
	char msg[512] = "";
	ssize_t n = pread(log_fd, msg, sizeof(msg) - 1, 0);
	char *line = msg, *nl;

	msg[n > 0 ? n : 0] = '\0';
	for (char *p = msg; (nl = strchr(p, '\n')); p = nl + 1)
		if (nl[1])
			line = nl + 1;
	line[strcspn(line, "\n")] = '\0';
	return failx(f, "overlay", "fuse-overlayfs failed: %s",
		     line[0] ? line : "it exited without a message");
}

static int fuse_overlay(struct mount_ctx *m, const struct overlay_paths *o, const char *root,
			const char *const *staged, int *ret_tree, struct failure *f)
{
	_cleanup_close_ int fuse_fd = -1;
	pid_t pid;
	int r;

	if (faccessat(m->oldroot_fd, "usr/bin/fuse-overlayfs", X_OK, 0) < 0)
		return failx(f, "overlay", "fuse-overlayfs is not installed (/usr/bin/fuse-overlayfs)");
	fuse_fd = openat(m->oldroot_fd, "dev/fuse", O_RDWR | O_CLOEXEC);
	if (fuse_fd < 0)
		return fail(f, negative_errno(), "overlay", "/dev/fuse (fuse-overlayfs needs it)");
	if ((r = build_fuse_root(m, root, staged, f)) < 0)
		return r;
	if ((r = fuse_kernel_mount(fuse_fd, ret_tree)) < 0)
		return fail(f, r, "overlay", "mounting fuse");
	/* Its messages go to a memfd, shown only when it fails: never a pipe it could die on. */
	_cleanup_close_ int log_fd = memfd_create("fuse-overlayfs-log", MFD_CLOEXEC);
	if (log_fd < 0)
		return fail(f, negative_errno(), "overlay", "memfd");
	pid = fork();
	if (pid < 0)
		return fail(f, negative_errno(), "overlay", "fork fuse-overlayfs");
	if (pid == 0)
		fuse_daemon(o, root, fuse_fd, log_fd);
	/* Ours closes on return: if the daemon dies, the connection aborts (ENOTCONN) instead of
	 * hanging every access. The first access waits for it to serve, or to fail. */
	fuse_fd = safe_close(fuse_fd);
	struct stat st;
	if (fstatat(*ret_tree, "", &st, AT_EMPTY_PATH) < 0)
		return fuse_failure(log_fd, f);
	return 0;
}

/* The kernel's overlayfs, or fuse-overlayfs (chrooted into root, which gets the staged
 * directories) where the driver says so or the kernel refuses. */
static int overlay_either(struct mount_ctx *m, const struct mp_entry *e, const struct overlay_paths *o,
			  const char *root, const char *const *staged, int *ret_tree, struct failure *f)
{
	char log[256] = "";
	int r;

	if (e->driver != OVERLAY_FUSE) {
		r = kernel_overlay(o, ret_tree, log, sizeof(log));
		if (r == 0) {
			mount_fd_note(m, "overlay: kernel overlayfs");
			return 0;
		}
		if (e->driver == OVERLAY_KERNEL || r == -EROFS)
			return fail(f, r, "overlay", "kernel overlayfs refused%s%s", log[0] ? ": " : "", log);
		mount_fd_note(m, "overlay: the kernel refused (%s%s%s), trying fuse-overlayfs", strerror(-r),
			      log[0] ? ": " : "", log);
	}
	r = fuse_overlay(m, o, root, staged, ret_tree, f);
	if (r == 0)
		mount_fd_note(m, "overlay: fuse-overlayfs");
	return r;
}

int overlay_mount(struct mount_ctx *m, const struct mp_entry *e, int *ret_tree, struct failure *f)
{
	static const char *const staged_tmp[] = { "/layers", "/ovl", NULL };
	static const char *const staged_persist[] = { "/layers", "/persist", NULL };
	struct overlay_paths o = { .upper = "/ovl/upper", .work = "/ovl/work" };
	int r = stage_layers(m, e, "/layers", &o, f);

	if (r == 0 && e->src)
		r = stage_persist(m, e->src, &o, f);
	else if (r == 0 && (mkdir("/ovl", 0755) < 0 || mkdir(o.upper, 0755) < 0 || mkdir(o.work, 0755) < 0))
		r = fail(f, negative_errno(), "overlay", "upper directory");
	if (r < 0)
		return r;
	return overlay_either(m, e, &o, "/fuse-root", e->src ? staged_persist : staged_tmp, ret_tree, f);
}

/* dir + name for overlayfs's upperdir/workdir, which take a backslash as an escape (the kernel's
 * ovl_unescape()): a backslash in name is doubled. */
static void ovl_path(char *buf, size_t size, const char *dir, const char *name)
{
	size_t n = (size_t)snprintf(buf, size, "%s", dir);

	for (; *name && n + 2 < size; name++) {
		if (*name == '\\')
			buf[n++] = '\\';
		buf[n++] = *name;
	}
	buf[n < size ? n : size - 1] = '\0';
}

/* An upper and its work dir share a parent on the host (overlayfs wants them on one mount):
 * that parent is staged at base/state. */
static int stage_upper_at(const struct mount_ctx *m, const struct mp_entry *e, const char *base,
			  struct overlay_paths *o, struct failure *f)
{
	char parent[4096], wparent[4096], state[128];
	const char *up = strrchr(e->src, '/'), *wk = e->work ? strrchr(e->work, '/') : NULL;
	struct statvfs sv;
	int r;

	if (!up || !wk || up == e->src)
		return failx(f, "overlay", "%s: the upper needs a work dir beside it", e->src);
	snprintf(parent, sizeof(parent), "%.*s", (int)(up - e->src), e->src);
	snprintf(wparent, sizeof(wparent), "%.*s", (int)(wk - e->work), e->work);
	if (strcmp(parent, wparent) != 0)
		return failx(f, "overlay", "%s and %s: upper and work dir must share a parent", e->src,
			     e->work);
	if ((r = host_dir(m, e->src)) < 0 || (r = host_dir(m, e->work)) < 0)
		return fail(f, r, "overlay", "%s", e->src);
	snprintf(state, sizeof(state), "%s/state", base);
	if ((r = stage_host_dir(m, parent, state, false, "overlay", f)) < 0)
		return r;
	if (statvfs(state, &sv) == 0 && (sv.f_flag & ST_RDONLY))
		return fail(f, -EROFS, "overlay", "%s", e->src);
	ovl_path(o->upper, sizeof(o->upper), state, up);
	ovl_path(o->work, sizeof(o->work), state, wk);
	return 0;
}

int overlay_mount_at(struct mount_ctx *m, const struct mp_entry *e, int *ret_tree, struct failure *f)
{
	struct overlay_paths o = { 0 };
	char base[64], layers[96], sub[96], root[96];
	const char *staged[] = { layers, sub, NULL };
	unsigned k = 0;
	int r;

	if (mkdir("/ovl-at", 0755) < 0 && errno != EEXIST)
		return fail(f, negative_errno(), "overlay", "/ovl-at");
	do
		snprintf(base, sizeof(base), "/ovl-at/%u", k++);
	while (mkdir(base, 0755) < 0 && errno == EEXIST);
	snprintf(layers, sizeof(layers), "%s/layers", base);
	snprintf(root, sizeof(root), "%s/root", base);
	if ((r = stage_layers(m, e, layers, &o, f)) < 0)
		return r;
	if (e->src) {
		snprintf(sub, sizeof(sub), "%s/state", base);
		r = stage_upper_at(m, e, base, &o, f);
	} else if (!(e->flags & MPF_RO)) {
		/* No upper given: writes go to a tmpfs of the staging root and end with the sandbox. */
		snprintf(sub, sizeof(sub), "%s/ovl", base);
		snprintf(o.upper, sizeof(o.upper), "%s/upper", sub);
		snprintf(o.work, sizeof(o.work), "%s/work", sub);
		if (mkdir(sub, 0755) < 0 || mkdir(o.upper, 0755) < 0 || mkdir(o.work, 0755) < 0)
			r = fail(f, negative_errno(), "overlay", "upper directory");
	} else
		staged[1] = NULL;
	return r < 0 ? r : overlay_either(m, e, &o, root, staged, ret_tree, f);
}
