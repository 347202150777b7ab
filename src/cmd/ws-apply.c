/* The upper-dir walker and the applier (see ws-apply.h). Subcommand side, the caller's own
 * privileges. Every host-side step is relative to the tree's directory fd, each component
 * opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS), and every object is created
 * under a temporary name and renamed into place: nothing outside the tree is written, no
 * symlink is followed, and a reader never sees half a file.
 * Over 600 lines: the walker and the applier share the per-entry checks that keep every write
 * beneath the tree; apart, those checks would be written twice. */
#include "cmd/ws-apply.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/escape.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"
#include "workspace/workspace.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

static char type_of(mode_t m)
{
	return S_ISREG(m) ? WS_FILE : S_ISDIR(m) ? WS_DIR : S_ISLNK(m) ? WS_LINK : WS_OTHER;
}

/* ---- the walk ---- */

struct collect {
	struct ws_changes *out;
	size_t cap;
	char upper[4096]; /* the upper's path, then the entry's below it */
	size_t upper_len;
};

static struct ws_change *add(struct collect *c, char kind, const char *rel)
{
	struct ws_changes *o = c->out;

	if (o->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		struct ws_change *v = reallocarray(o->v, cap, sizeof(*v));
		if (!v)
			return NULL;
		o->v = v, c->cap = cap;
	}
	o->v[o->n] = (struct ws_change){ .kind = kind, .path = strdup(rel) };
	return o->v[o->n].path ? &o->v[o->n++] : NULL;
}

/* An xattr of the upper entry rel, in either namespace (userxattr overlayfs and fuse-overlayfs
 * use user.*, a privileged overlayfs trusted.*). Its length, or -1. */
static ssize_t ovl_xattr(struct collect *c, const char *rel, const char *key, char *buf, size_t size)
{
	char name[64];
	const char *ns[] = { "user.overlay.", "trusted.overlay." };

	snprintf(c->upper + c->upper_len, sizeof(c->upper) - c->upper_len, "/%s", rel);
	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		snprintf(name, sizeof(name), "%s%s", ns[i], key);
		ssize_t n = lgetxattr(c->upper, name, buf, size);
		if (n >= 0) {
			c->upper[c->upper_len] = '\0';
			return n;
		}
	}
	c->upper[c->upper_len] = '\0';
	return -1;
}

/* The same through an open directory fd: no path walk per call. */
static ssize_t ovl_fxattr(int fd, const char *key, char *buf, size_t size)
{
	char name[64];
	const char *ns[] = { "user.overlay.", "trusted.overlay." };

	for (size_t i = 0; i < ARRAY_SIZE(ns); i++) {
		snprintf(name, sizeof(name), "%s%s", ns[i], key);
		ssize_t n = fgetxattr(fd, name, buf, size);
		if (n >= 0)
			return n;
	}
	return -1;
}

static bool is_whiteout(struct collect *c, const char *rel, const struct stat *st)
{
	char v[8];

	if (S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0))
		return true;
	return S_ISREG(st->st_mode) && st->st_size == 0 && ovl_xattr(c, rel, "whiteout", v, sizeof(v)) >= 0;
}

/* The opaque xattr, or fuse-overlayfs's marker file in the directory (sub). */
static bool is_opaque(int sub)
{
	char v[8];
	ssize_t n = ovl_fxattr(sub, "opaque", v, sizeof(v));

	/* "x" (kernel 6.7+) marks a directory holding xattr whiteouts, not an opaque one. */
	if (n == 1 && v[0] == 'y')
		return true;
	return faccessat(sub, WH_OPAQUE, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static int join(char *buf, size_t size, const char *rel, const char *name)
{
	int n = snprintf(buf, size, "%s%s%s", strcmp(rel, ".") ? rel : "", strcmp(rel, ".") ? "/" : "", name);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int walk(struct collect *c, int udir, int ldir, const char *rel, bool hidden);

/* Everything of the host's directory that an opaque upper dir hides, as deletions. */
static int opaque_deletes(struct collect *c, int udir, int ldir, const char *rel)
{
	DIR *d;
	struct dirent *de;
	int fd = ldir < 0 ? -1 : openat(ldir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		safe_close(fd);
		return 0;
	}
	while ((de = readdir(d))) {
		char path[4096];
		struct stat st, ust;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(udir, de->d_name, &ust, AT_SYMLINK_NOFOLLOW) == 0 ||
		    fstatat(ldir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    join(path, sizeof(path), rel, de->d_name) < 0)
			continue;
		struct ws_change *e = add(c, 'D', path);
		if (!e) {
			closedir(d);
			return -ENOMEM;
		}
		e->type = e->old_type = type_of(st.st_mode);
		e->old_mode = st.st_mode;
	}
	closedir(d);
	return 0;
}

/* hidden: the parent is opaque, so the host's directory of this name is hidden as well. */
static int visit_dir(struct collect *c, int udir, int ldir, const char *name, const char *path,
		     const struct stat *st, const struct stat *lst, bool have_lower, bool hidden)
{
	char redirect[4096];
	int sub = openat(udir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), lsub = -1, r = 0;
	ssize_t n = sub < 0 ? -1 : ovl_fxattr(sub, "redirect", redirect, sizeof(redirect) - 1);
	bool lower_dir = have_lower && S_ISDIR(lst->st_mode);
	bool opaque = sub >= 0 && (hidden || is_opaque(sub));
	bool listed = n > 0 || !lower_dir || (lst->st_mode & 07777) != (st->st_mode & 07777) || opaque;
	struct ws_change *e = NULL;

	if (sub < 0)
		return -errno;
	if (listed && !(e = add(c, n > 0 ? 'R' : have_lower ? 'M' : 'A', path))) {
		safe_close(sub);
		return -ENOMEM;
	}
	if (n > 0) {
		redirect[n] = '\0';
		if (!(e->from = strdup(redirect[0] == '/' ? redirect + 1 : redirect))) {
			safe_close(sub);
			return -ENOMEM;
		}
	}
	if (e) {
		e->type = WS_DIR;
		e->mode = st->st_mode;
		e->opaque = opaque && lower_dir;
		e->old_type = have_lower ? type_of(lst->st_mode) : 0;
		e->old_mode = have_lower ? lst->st_mode : 0;
	}
	if (lower_dir)
		lsub = openat(ldir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (opaque && lsub >= 0)
		r = opaque_deletes(c, sub, lsub, path);
	if (r == 0)
		r = walk(c, sub, lsub, path, opaque);
	else
		safe_close(sub);
	safe_close(lsub);
	return r;
}

/* A whiteout of a host object: the sandbox deleted it. */
static int add_deletion(struct collect *c, const char *path, const struct stat *lst)
{
	struct ws_change *e = add(c, 'D', path);

	if (!e)
		return -ENOMEM;
	e->type = e->old_type = type_of(lst->st_mode);
	e->old_mode = lst->st_mode;
	e->whiteout = true;
	return 0;
}

static int visit(struct collect *c, int udir, int ldir, const char *name, const char *rel, bool hidden)
{
	char path[4096];
	struct stat st, lst;
	bool have_lower;

	if (join(path, sizeof(path), rel, name) < 0 || fstatat(udir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	/* fuse-overlayfs's own markers: ".wh.NAME" (a file) hides NAME; the opaque marker is read
	 * with its directory; a device of that name is its internal bookkeeping. */
	if (strncmp(name, WH_PREFIX, 4) == 0) {
		if (hidden || strcmp(name, WH_OPAQUE) == 0 || !S_ISREG(st.st_mode) ||
		    join(path, sizeof(path), rel, name + 4) < 0 || ldir < 0 ||
		    fstatat(ldir, name + 4, &lst, AT_SYMLINK_NOFOLLOW) < 0)
			return 0;
		return add_deletion(c, path, &lst);
	}
	have_lower = ldir >= 0 && fstatat(ldir, name, &lst, AT_SYMLINK_NOFOLLOW) == 0;
	if (is_whiteout(c, path, &st)) {
		if (!have_lower)
			return 0; /* hides nothing of the host's: created and removed inside */
		return add_deletion(c, path, &lst);
	}
	if (S_ISDIR(st.st_mode))
		return visit_dir(c, udir, ldir, name, path, &st, &lst, have_lower, hidden);
	struct ws_change *e = add(c, have_lower ? 'M' : 'A', path);
	if (!e)
		return -ENOMEM;
	e->type = type_of(st.st_mode);
	e->mode = st.st_mode;
	e->size = (uint64_t)st.st_size;
	e->old_type = have_lower ? type_of(lst.st_mode) : 0;
	e->old_mode = have_lower ? lst.st_mode : 0;
	char v[8];
	/* A metacopy upper (data still in the lower) has no data blocks of its own. */
	e->meta_only = S_ISREG(st.st_mode) && st.st_size > 0 && st.st_blocks == 0 &&
		       ovl_xattr(c, path, "metacopy", v, sizeof(v)) >= 0;
	if (S_ISLNK(st.st_mode)) {
		char target[4096];
		ssize_t n = readlinkat(udir, name, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		if (!(e->target = strdup(target)))
			return -ENOMEM;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* udir is consumed; entries in name order, so that the listing is stable. */
static int walk(struct collect *c, int udir, int ldir, const char *rel, bool hidden)
{
	DIR *d = fdopendir(udir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int r = 0;

	if (!d) {
		safe_close(udir);
		return -errno;
	}
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = strv_extend(&names, de->d_name);
	n = strv_length(names);
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; r == 0 && i < n; i++)
		r = visit(c, dirfd(d), ldir, names[i], rel, hidden);
	strv_free(names);
	closedir(d);
	return r;
}

int ws_collect(const char *lower, const char *upper, struct ws_changes *ret, struct failure *f)
{
	struct collect c = { .out = ret };
	int u = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int l = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat ust, lst;
	int r = 0;

	*ret = (struct ws_changes){ 0 };
	if (u < 0) {
		safe_close(l);
		return fail(f, negative_errno(), "changes", "%s", upper);
	}
	c.upper_len = (size_t)snprintf(c.upper, sizeof(c.upper), "%s", upper);
	/* The tree's own root: a mode change shows on the upper's root. */
	if (l >= 0 && fstat(u, &ust) == 0 && fstat(l, &lst) == 0 &&
	    (ust.st_mode & 07777) != (lst.st_mode & 07777)) {
		struct ws_change *e = add(&c, 'M', ".");
		if (!e)
			r = -ENOMEM;
		else
			*e = (struct ws_change){ .kind = 'M',
						 .type = WS_DIR,
						 .old_type = WS_DIR,
						 .path = e->path,
						 .mode = ust.st_mode,
						 .old_mode = lst.st_mode };
	}
	if (r == 0)
		r = walk(&c, u, l, ".", false);
	else
		safe_close(u);
	safe_close(l);
	if (r < 0) {
		ws_changes_free(ret);
		return fail(f, r, "changes", "reading %s", upper);
	}
	return 0;
}

void ws_changes_free(struct ws_changes *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].path);
		free(c->v[i].from);
		free(c->v[i].target);
	}
	free(c->v);
	*c = (struct ws_changes){ 0 };
}

/* ---- the applier ---- */

struct applier {
	const struct ws_apply_opts *o;
	int root;  /* the tree's directory */
	int uroot; /* the upper */
	int base;  /* the kept start contents, -1 when there are none */
	char cached[4096];
	int cached_fd; /* the host directory `cached`, reused for siblings */
	unsigned refused;
	char **refused_dirs; /* nothing below these is applied */
	bool same_fs;	     /* the upper and the tree are on one file system */
	bool mergeable;	     /* the conflict being refused is a file both sides modified */
	bool *done;	     /* per change: applied (its upper dir may go) */
	char **moved;	     /* old places of directories renamed by 'R' (their whiteouts are done) */
	uid_t uid;
	pid_t pid;
};

static int open_beneath(int dirfd, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* The host directory holding rel (an fd owned by a), and rel's last component. */
static int host_parent(struct applier *a, const char *rel, const char **ret_name)
{
	const char *slash = strrchr(rel, '/');
	char dir[4096];

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - rel) : 1, slash ? rel : ".");
	*ret_name = slash ? slash + 1 : rel;
	if (a->cached_fd >= 0 && strcmp(dir, a->cached) == 0)
		return a->cached_fd;
	a->cached_fd = safe_close(a->cached_fd);
	int fd = open_beneath(a->root, dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		snprintf(a->cached, sizeof(a->cached), "%s", dir);
		a->cached_fd = fd;
	}
	return fd;
}

bool ws_beneath(const char *p, const char *dir)
{
	return strcmp(dir, ".") == 0 || path_is_beneath(p, dir);
}

static bool is_git_index(const char *rel)
{
	const char *base = strrchr(rel, '/');

	return base && strcmp(base, "/index") == 0 && base - rel >= 4 && strncmp(base - 4, ".git", 4) == 0 &&
	       (base - rel == 4 || base[-5] == '/');
}

/* A conflict's line names the ways to resolve it: --merge only when it was not tried. */
static void refuse(struct applier *a, const char *rel, const char *why)
{
	const char *slash = strcmp(rel, ".") ? "/" : "", *shown = strcmp(rel, ".") ? ESC(rel) : "";

	a->refused++;
	fprintf(a->o->log, "hutch: apply: %s%s%s: %s", ESC(a->o->shown_dir), slash, shown, why);
	if (!strstr(why, "changed on the host since the start")) {
		fputc('\n', a->o->log);
		return;
	}
	fprintf(a->o->log, "; --overwrite %s takes the sandbox's, --drop %s keeps the host's", ESC(rel),
		ESC(rel));
	if (a->mergeable && !strstr(why, "not merged") && !is_git_index(rel))
		fprintf(a->o->log, ", --merge %s merges both line by line", ESC(rel));
	if (is_git_index(rel))
		fputs(" (git rewrites .git/index at every git status on the host, so this is usually that: "
		      "--overwrite keeps what was staged in the sandbox, and the host's next git status "
		      "refreshes the rest)",
		      a->o->log);
	fputc('\n', a->o->log);
}

/* Whether the host's rel differs from the start record: a directory by its type only (its
 * own times change with every entry), anything else also by size, times and inode. */
static bool host_changed(const struct applier *a, const char *rel, const struct stat *now, bool exists)
{
	const struct ws_stat *s = workspace_start_find(a->o->start, rel);

	if (!s || !exists)
		return !s != !exists;
	if ((s->mode & S_IFMT) != (now->st_mode & S_IFMT))
		return true;
	if (S_ISDIR(now->st_mode))
		return false;
	return s->size != (uint64_t)now->st_size || s->ino != now->st_ino ||
	       s->mtime_ns != (int64_t)now->st_mtim.tv_sec * 1000000000 + now->st_mtim.tv_nsec ||
	       s->ctime_ns != (int64_t)now->st_ctim.tv_sec * 1000000000 + now->st_ctim.tv_nsec ||
	       (s->mode & 07777) != (now->st_mode & 07777);
}

static bool tree_unchanged(const struct applier *a, int dfd, const char *rel, char *bad, size_t badlen);

bool ws_conflict(const char *dir, const struct ws_start *start, const struct ws_change *e)
{
	struct ws_apply_opts o = { .start = start };
	struct applier a = { .o = &o };
	char path[8192];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, e->path);
	bool exists = lstat(path, &st) == 0;
	if (strcmp(e->path, ".") == 0 || host_changed(&a, e->path, &st, exists))
		return strcmp(e->path, ".") != 0;
	/* a directory the sandbox removed or replaced: what the host changed inside it */
	if (!exists || !S_ISDIR(st.st_mode) || (e->kind != 'D' && e->type == WS_DIR))
		return false;
	char bad[4096];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 || !tree_unchanged(&a, fd, e->path, bad, sizeof(bad));
}

/* Every entry of the host's directory rel unchanged since the start (before deleting it). */
static bool tree_unchanged(const struct applier *a, int dfd, const char *rel, char *bad, size_t badlen)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	bool ok = true;

	if (!d) {
		safe_close(fd);
		return false;
	}
	while (ok && (de = readdir(d))) {
		char path[4096];
		struct stat st;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		join(path, sizeof(path), rel, de->d_name);
		if (host_changed(a, path, &st, true)) {
			snprintf(bad, badlen, "%s", path);
			ok = false;
		} else if (S_ISDIR(st.st_mode)) {
			int sub =
			    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			ok = sub >= 0 && tree_unchanged(a, sub, path, bad, badlen);
			safe_close(sub);
		}
	}
	closedir(d);
	return ok;
}

static int remove_host(int pfd, const char *name, bool dir)
{
	if (!dir)
		return unlinkat(pfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
	return workspace_remove_tree(pfd, name);
}

static int copy_data(int in, int out)
{
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return -errno;
		break;
	}
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* A new object named tmp in pfd, made like the upper's rel (file, symlink or fifo). */
static int make_tmp(struct applier *a, const struct ws_change *e, int pfd, const char *tmp)
{
	struct stat st;
	int r = 0;

	if (e->type == WS_LINK)
		return symlinkat(e->target, pfd, tmp) < 0 ? -errno : 0;
	if (fstatat(a->uroot, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	if (S_ISFIFO(st.st_mode))
		return mkfifoat(pfd, tmp, st.st_mode & 07777) < 0 ? -errno : 0;
	_cleanup_close_ int in = openat(a->uroot, e->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int out =
	    openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (in < 0 || out < 0)
		return -errno;
	struct timespec ts[2] = { st.st_atim, st.st_mtim };
	if ((r = copy_data(in, out)) < 0)
		return r;
	if (fchmod(out, st.st_mode & 07777) < 0 || futimens(out, ts) < 0)
		return -errno;
	return 0;
}

static void upper_remove(struct applier *a, const struct ws_change *e)
{
	if (e->type != WS_DIR || e->kind == 'D')
		unlinkat(a->uroot, e->path, 0);
}

static int apply_object(struct applier *a, const struct ws_change *e, int pfd, const char *name,
			const struct stat *hst, bool exists)
{
	char tmp[300];
	int r;

	if (e->type == WS_OTHER) {
		struct stat st;
		if (fstatat(a->uroot, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISFIFO(st.st_mode))
			return refuse(a, e->path, "a device or socket: not applied"), 0;
	}
	/* On one file system the upper's own object moves into place: one atomic rename, no copy,
	 * and it leaves the upper with it. Only the caller's own: one made as another id of the
	 * sandbox's map is copied, so that the host's file is the caller's. */
	struct stat ust;
	if (a->same_fs && fstatat(a->uroot, e->path, &ust, AT_SYMLINK_NOFOLLOW) == 0 &&
	    ust.st_uid == a->uid && (ust.st_nlink == 1 || S_ISLNK(ust.st_mode))) {
		if (exists && S_ISDIR(hst->st_mode) && (r = remove_host(pfd, name, true)) < 0)
			return r;
		if (renameat(a->uroot, e->path, pfd, name) == 0)
			return 0;
		if (errno != EXDEV)
			return -errno;
	}
	snprintf(tmp, sizeof(tmp), ".hutch-apply.%d.%.200s", (int)a->pid, name);
	if ((r = make_tmp(a, e, pfd, tmp)) < 0) {
		unlinkat(pfd, tmp, 0);
		return r;
	}
	/* A directory in the way (the sandbox replaced it) goes first: rename cannot replace it. */
	if (exists && S_ISDIR(hst->st_mode) && (r = remove_host(pfd, name, true)) < 0) {
		unlinkat(pfd, tmp, 0);
		return r;
	}
	if (renameat(pfd, tmp, pfd, name) < 0) {
		r = -errno;
		unlinkat(pfd, tmp, 0);
		return r;
	}
	upper_remove(a, e);
	return 0;
}

static int apply_dir(struct applier *a, const struct ws_change *e, int pfd, const char *name,
		     const struct stat *hst, bool exists)
{
	int r;

	if (exists && !S_ISDIR(hst->st_mode) && (r = remove_host(pfd, name, false)) < 0)
		return r;
	if ((!exists || !S_ISDIR(hst->st_mode)) && mkdirat(pfd, name, 0700) < 0 && errno != EEXIST)
		return -errno;
	_cleanup_close_ int fd = strcmp(e->path, ".") == 0
				     ? openat(a->root, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
				     : open_beneath(pfd, name, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return fd == -1 ? -errno : fd;
	return fchmod(fd, e->mode & 07777) < 0 ? -errno : 0;
}

/* A directory renamed inside (overlayfs's redirect): the host's old one moves first. */
static int apply_rename(struct applier *a, const struct ws_change *e, int pfd, const char *name)
{
	const char *oname;
	struct stat st;
	int opfd = open_beneath(a->root, ".", O_RDONLY | O_DIRECTORY), r = 0;
	char dir[4096];
	const char *slash = strrchr(e->from, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - e->from) : 1, slash ? e->from : ".");
	oname = slash ? slash + 1 : e->from;
	safe_close(opfd);
	opfd = open_beneath(a->root, dir, O_RDONLY | O_DIRECTORY);
	if (opfd < 0)
		return opfd;
	if (fstatat(opfd, oname, &st, AT_SYMLINK_NOFOLLOW) < 0 || host_changed(a, e->from, &st, true))
		r = -ESTALE;
	else if (renameat(opfd, oname, pfd, name) < 0)
		r = -errno;
	safe_close(opfd);
	return r;
}

static bool under_any(char **v, const char *rel)
{
	for (; v && *v; v++)
		if (ws_beneath(rel, *v))
			return true;
	return false;
}

/* The paths of the command line, --overwrite's and --drop's alike: all when there are none. */
static bool selected(const struct applier *a, const struct ws_change *e, bool *ret_ancestor)
{
	char **lists[] = { a->o->paths, a->o->overwrite, a->o->drop, a->o->merge };

	*ret_ancestor = false;
	if (!a->o->paths && !a->o->overwrite && !a->o->drop && !a->o->merge)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		for (char **p = lists[i]; p && *p; p++) {
			if (ws_beneath(e->path, *p))
				return true;
			if (e->type == WS_DIR && e->kind != 'D' && ws_beneath(*p, e->path))
				*ret_ancestor = true;
		}
	return *ret_ancestor;
}

/* A path applied or dropped is no longer under review: its kept start content goes (a later
 * run's first change keeps it again, from the host's file as it is then). */
static void say(const struct applier *a, const char *what, const struct ws_change *e)
{
	if (a->base >= 0 && e->type != WS_DIR)
		unlinkat(a->base, e->path, 0);
	if (a->o->out)
		fprintf(a->o->out, "%s %c %s%s%s\n", what, e->kind, ESC(a->o->shown_dir),
			strcmp(e->path, ".") ? "/" : "", strcmp(e->path, ".") ? ESC(e->path) : "");
}

/* --drop: the sandbox's change leaves the upper; the host's object stays as it is. */
static int drop_one(struct applier *a, const struct ws_change *e, bool *done)
{
	const char *slash = strrchr(e->path, '/');
	char parent[4096];
	int r = 0;

	if (strcmp(e->path, ".") == 0)
		return 0;
	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - e->path) : 1, slash ? e->path : ".");
	_cleanup_close_ int pfd = open_beneath(a->uroot, parent, O_RDONLY | O_DIRECTORY);
	if (pfd < 0)
		return pfd == -ENOENT ? 0 : pfd;
	if (e->type == WS_DIR && e->kind != 'D')
		r = workspace_remove_tree(pfd, slash ? slash + 1 : e->path);
	else if (unlinkat(pfd, slash ? slash + 1 : e->path, 0) < 0 && errno != ENOENT)
		r = -errno;
	if (r == 0) {
		say(a, "dropped", e);
		*done = true;
	}
	return r;
}

static bool strv_contains(char **v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

static bool under_refused(const struct applier *a, const char *rel)
{
	for (char **d = a->refused_dirs; d && *d; d++)
		if (ws_beneath(rel, *d) && strcmp(rel, *d) != 0)
			return true;
	return false;
}

static bool protected_path(const struct applier *a, const char *rel)
{
	for (char **p = a->o->protect; p && *p; p++)
		if (ws_beneath(rel, *p))
			return true;
	return false;
}

/* --merge of a file both sides changed: refused (and left) unless diff3 merges it cleanly. */
static int merge_one(struct applier *a, const struct ws_change *e, int pfd, const char *name,
		     const struct stat *hst, bool exists, bool *done)
{
	char why[512];
	int r = -EMEDIUMTYPE;

	if (e->kind == 'M' && e->type == WS_FILE && exists && S_ISREG(hst->st_mode))
		r = ws_merge(pfd, name, a->uroot, a->base, e->path, e->mode);
	if (r == 0) {
		upper_remove(a, e);
		say(a, "merged", e);
		*done = true;
		return 0;
	}
	snprintf(why, sizeof(why), "changed on the host since the start, and not merged: %s",
		 r == -ENOENT	     ? "its start content is unknown"
		 : r == -EMEDIUMTYPE ? "not a text file on both sides"
		 : r == -EEXIST	     ? "both sides changed the same lines (hutch changes --diff shows them)"
		 : r == -ESTALE	     ? "the host's file changed during the merge"
		 : r == -ENOEXEC     ? "diff3 (diffutils) is not installed"
				     : strerror(-r));
	refuse(a, e->path, why);
	return 0;
}

static int apply_one(struct applier *a, const struct ws_change *e, bool *done)
{
	const char *name;
	struct stat hst;
	char bad[4096], why[4200];
	bool ancestor;
	int pfd, r;

	if (!selected(a, e, &ancestor) || under_refused(a, e->path))
		return 0;
	if (!ancestor && under_any(a->o->drop, e->path))
		return drop_one(a, e, done);
	if (e->kind == 'D' && strv_contains(a->moved, e->path)) {
		upper_remove(a, e);
		*done = true;
		return 0;
	}
	if (protected_path(a, e->path)) {
		refuse(a, e->path, "a protected path (hutch --unprotect): not applied");
		return e->type == WS_DIR ? strv_extend(&a->refused_dirs, e->path) : 0;
	}
	pfd = strcmp(e->path, ".") == 0 ? a->root : host_parent(a, e->path, &name);
	if (pfd < 0) {
		refuse(a, e->path,
		       pfd == -ELOOP ? "its directory is a symlink on the host: not applied"
				     : "its directory is missing on the host: not applied");
		return e->type == WS_DIR ? strv_extend(&a->refused_dirs, e->path) : 0;
	}
	if (pfd == a->root)
		name = ".";
	bool exists = fstatat(pfd, name, &hst, AT_SYMLINK_NOFOLLOW) == 0;
	bool overwrite = under_any(a->o->overwrite, e->path);
	bool changed = !overwrite && host_changed(a, e->path, &hst, exists);
	/* The host's directory goes when the sandbox deleted or replaced it: only if nothing in it
	 * changed on the host either. */
	if (!changed && !overwrite && exists && S_ISDIR(hst.st_mode) &&
	    (e->kind == 'D' || e->type != WS_DIR) && strcmp(name, ".")) {
		_cleanup_close_ int sub = open_beneath(pfd, name, O_RDONLY | O_DIRECTORY);
		if (sub < 0 || !tree_unchanged(a, sub, e->path, bad, sizeof(bad))) {
			snprintf(why, sizeof(why), "changed on the host since the start (%s): not applied",
				 bad);
			refuse(a, e->path, why);
			return 0;
		}
	}
	if (changed && under_any(a->o->merge, e->path))
		return merge_one(a, e, pfd, name, &hst, exists, done);
	if (changed) {
		a->mergeable = e->kind == 'M' && e->type == WS_FILE && exists && S_ISREG(hst.st_mode);
		refuse(a, e->path, "changed on the host since the start: not applied");
		a->mergeable = false;
		return e->type == WS_DIR ? strv_extend(&a->refused_dirs, e->path) : 0;
	}
	if (e->kind == 'D')
		r = exists ? remove_host(pfd, name, S_ISDIR(hst.st_mode)) : 0;
	else if (e->kind == 'R')
		r = apply_rename(a, e, pfd, name);
	else if (e->type == WS_DIR)
		r = apply_dir(a, e, pfd, name, &hst, exists);
	else
		r = apply_object(a, e, pfd, name, &hst, exists);
	if (r == 0 && e->kind == 'D' && e->whiteout)
		upper_remove(a, e);
	if (r == 0 && e->kind == 'R' && (r = strv_extend(&a->moved, e->from)) < 0)
		return r;
	*done = r == 0 && !ancestor;
	if (*done)
		say(a, "applied", e);
	if (r < 0) {
		snprintf(why, sizeof(why), "%s: not applied",
			 r == -ESTALE ? "its old place changed on the host" : strerror(-r));
		refuse(a, e->path, why);
		return e->type == WS_DIR ? strv_extend(&a->refused_dirs, e->path) : 0;
	}
	return 0;
}

/* What was applied leaves the upper; directories go when nothing is left in them. */
static void prune_upper(struct applier *a, const struct ws_changes *ch)
{
	for (size_t i = ch->n; i-- > 0;) {
		const struct ws_change *e = &ch->v[i];
		char marker[4200];
		if (!a->done[i] || e->type != WS_DIR || e->kind == 'D' || strcmp(e->path, ".") == 0)
			continue;
		snprintf(marker, sizeof(marker), "%s/" WH_OPAQUE, e->path);
		if (unlinkat(a->uroot, e->path, AT_REMOVEDIR) < 0 && errno == ENOTEMPTY &&
		    unlinkat(a->uroot, marker, 0) == 0)
			unlinkat(a->uroot, e->path, AT_REMOVEDIR);
	}
}

int ws_apply(const char *dir, const char *upper, const struct ws_changes *ch, const struct ws_apply_opts *o,
	     unsigned *ret_refused, struct failure *f)
{
	struct applier a = { .o = o, .cached_fd = -1, .base = -1 };
	int r = 0;

	a.root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a.root < 0)
		return fail(f, negative_errno(), "apply", "%s", dir);
	a.uroot = open(upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (a.uroot < 0) {
		safe_close(a.root);
		return fail(f, negative_errno(), "apply", "%s", upper);
	}
	if (o->base)
		a.base = open(o->base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat rst, ust;
	a.same_fs = fstat(a.root, &rst) == 0 && fstat(a.uroot, &ust) == 0 && rst.st_dev == ust.st_dev;
	a.uid = getuid();
	a.pid = getpid();
	a.done = calloc(ch->n + 1, sizeof(*a.done));
	if (!a.done)
		r = -ENOMEM;
	/* Renamed directories first: the whiteout at their old place comes earlier in path order. */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; r == 0 && i < ch->n; i++)
			if ((ch->v[i].kind == 'R') == (pass == 0))
				r = apply_one(&a, &ch->v[i], &a.done[i]);
	if (r == 0)
		prune_upper(&a, ch);
	for (size_t i = 0; r == 0 && o->settled && i < ch->n; i++)
		if (a.done[i] && (r = strv_extend(o->settled, ch->v[i].path)) == 0 && ch->v[i].from)
			r = strv_extend(o->settled, ch->v[i].from);
	safe_close(a.cached_fd);
	safe_close(a.root);
	safe_close(a.uroot);
	safe_close(a.base);
	strv_free(a.refused_dirs);
	free(a.done);
	strv_free(a.moved);
	*ret_refused = a.refused;
	return r < 0 ? fail(f, r, "apply", "%s", dir) : 0;
}
