/* A workspace's state dir (see workspace.h): created with its start record and manifest by
 * the launcher before the sandbox starts, locked while a sandbox or a subcommand uses it, read
 * back by `hutch changes|apply|discard|list`. Launcher side and the subcommands, the caller's
 * own privileges; it writes only below $XDG_STATE_HOME/hutch/workspaces.
 * Over 600 lines: the start record, the manifest and the lock are one state directory's format,
 * each read and written here. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/proc.h"
#include "lib/strv.h"
#include "lib/tree-walk.h"
#include "workspace/workspace.h"

void workspace_put_path(FILE *out, const char *p)
{
	for (; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch == '%' || ch <= ' ' || ch == 0x7f)
			fprintf(out, "%%%02X", ch);
		else
			putc(ch, out);
	}
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

int workspace_unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s != '%') {
			*o++ = *s;
			continue;
		}
		int hi = hexval(s[1]), lo = hi < 0 ? -1 : hexval(s[2]);
		if (lo < 0 || (hi == 0 && lo == 0))
			return -EBADMSG;
		*o++ = (char)(hi * 16 + lo);
		s += 2;
	}
	*o = '\0';
	return 0;
}

/* ---- the lock ---- */

static bool lock_holder(const char *lock, pid_t *ret_pid)
{
	FILE *in = fopen(lock, "re");
	int pid = 0;
	unsigned long long start = 0;
	bool live = in && fscanf(in, "%d %llu", &pid, &start) == 2 && proc_alive(pid, start);

	if (in)
		fclose(in);
	if (live && ret_pid)
		*ret_pid = pid;
	return live;
}

bool workspace_locked(const char *state_dir, pid_t *ret_pid)
{
	char lock[4096];

	snprintf(lock, sizeof(lock), "%s/lock", state_dir);
	return lock_holder(lock, ret_pid);
}

/* The lock file is the lock (it survives a SIGKILL, and is then stale); a flock(2) of the
 * state dir only makes the check-and-replace of a stale one atomic between two takers. */
int workspace_lock(const char *state_dir, pid_t *ret_holder)
{
	char lock[4096], tmp[4096];
	_cleanup_close_ int dfd = open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FILE *out;
	int r = 0;

	if (dfd < 0 || flock(dfd, LOCK_EX) < 0)
		return negative_errno();
	snprintf(lock, sizeof(lock), "%s/lock", state_dir);
	snprintf(tmp, sizeof(tmp), "%s/lock.%d", state_dir, (int)getpid());
	if (lock_holder(lock, ret_holder))
		return -EBUSY;
	if (!(out = fopen(tmp, "we")))
		return negative_errno();
	fprintf(out, "%d %llu\n", (int)getpid(), proc_start_time(getpid()));
	if (fflush(out) != 0 || fsync(fileno(out)) < 0)
		r = negative_errno();
	fclose(out);
	if (r == 0 && rename(tmp, lock) < 0)
		r = negative_errno();
	if (r < 0)
		unlink(tmp);
	return r;
}

void workspace_unlock(const char *state_dir)
{
	char lock[4096];
	pid_t pid = 0;

	snprintf(lock, sizeof(lock), "%s/lock", state_dir);
	if (lock_holder(lock, &pid) && pid == getpid())
		unlink(lock);
}

/* ---- removal ---- */

static int remove_at(int dfd, const char *name, int depth)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : negative_errno();
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dfd, name, 0) < 0 && errno != ENOENT ? negative_errno() : 0;
	/* overlayfs leaves its work dir's "work" at mode 000. */
	if ((st.st_mode & 0700) != 0700)
		fchmodat(dfd, name, (st.st_mode & 07777) | 0700, 0);
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		r = negative_errno();
		safe_close(fd);
		/* Not ours to read (fuse-overlayfs's work dir, made as the sandbox's root): an empty
		 * one still goes, since its parent is ours. */
		return unlinkat(dfd, name, AT_REMOVEDIR) == 0 ? 0 : r;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && depth < 4096) {
			int e = remove_at(dirfd(d), de->d_name, depth + 1);
			if (e < 0 && r == 0)
				r = e;
		}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
		r = negative_errno();
	return r;
}

int workspace_remove_tree(int parent_fd, const char *name)
{
	return remove_at(parent_fd, name, 0);
}

/* ---- the start record ---- */

struct snap {
	struct ws_stat *v;
	size_t n, cap;
};

/* e as it is: its path is the caller's, now the snapshot's. */
static int snap_push(struct snap *s, struct ws_stat e)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		struct ws_stat *v = reallocarray(s->v, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v, s->cap = cap;
	}
	s->v[s->n++] = e;
	return 0;
}

static int snap_add(struct snap *s, const char *rel, const struct stat *st)
{
	struct ws_stat e = {
		.path = strdup(rel),
		.mode = st->st_mode,
		.size = (uint64_t)st->st_size,
		.ino = st->st_ino,
		.mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec,
		.ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec,
	};
	int r = e.path ? snap_push(s, e) : -ENOMEM;

	if (r < 0)
		free(e.path);
	return r;
}

static int snap_visit(void *data, const char *rel, const struct stat *st)
{
	return snap_add(data, rel, st);
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct ws_stat *)a)->path, ((const struct ws_stat *)b)->path);
}

static void put_stat(FILE *out, const struct ws_stat *e)
{
	workspace_put_path(out, e->path);
	fprintf(out, "\t%o\t%llu\t%lld\t%llu\t%lld\n", (unsigned)e->mode, (unsigned long long)e->size,
		(long long)e->mtime_ns, (unsigned long long)e->ino, (long long)e->ctime_ns);
}

/* Write path through a temp file, fsync'd and renamed: a SIGKILL never leaves half a file. */
static int write_atomic(const char *path, int (*fill)(FILE *, const void *), const void *data)
{
	char tmp[4096];
	FILE *out;
	int r;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(out = fopen(tmp, "we")))
		return negative_errno();
	r = fill(out, data);
	if (fflush(out) != 0 || fsync(fileno(out)) < 0)
		r = r < 0 ? r : negative_errno();
	if (fclose(out) != 0 && r == 0)
		r = negative_errno();
	if (r == 0 && rename(tmp, path) < 0)
		r = negative_errno();
	if (r < 0)
		unlink(tmp);
	return r;
}

static int fill_start(FILE *out, const void *data)
{
	const struct snap *s = data;

	for (size_t i = 0; i < s->n; i++)
		put_stat(out, &s->v[i]);
	return ferror(out) ? -EIO : 0;
}

static int snapshot(const char *dir, const char *path)
{
	struct snap s = { 0 };
	char rel[8192] = "";
	struct stat st;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0 || fstat(fd, &st) < 0) {
		r = negative_errno();
		safe_close(fd);
		return r;
	}
	r = snap_add(&s, ".", &st);
	if (r == 0)
		r = tree_walk(fd, st.st_dev, INT_MAX, rel, sizeof(rel), snap_visit, &s);
	else
		safe_close(fd);
	if (r == 0) {
		qsort(s.v, s.n, sizeof(*s.v), by_path);
		r = write_atomic(path, fill_start, &s);
	}
	for (size_t i = 0; i < s.n; i++)
		free(s.v[i].path);
	free(s.v);
	return r;
}

int workspace_start_read(const char *path, struct ws_start *ret)
{
	FILE *in = fopen(path, "re");
	struct snap s = { 0 };
	char *line = NULL;
	size_t size = 0;
	int r = 0;

	if (!in)
		return negative_errno();
	while (r == 0 && getline(&line, &size, in) > 0) {
		char *save = NULL, *p = strtok_r(line, "\t\n", &save);
		unsigned mode;
		unsigned long long sz, ino;
		long long mt, ct;
		char *rest = strtok_r(NULL, "\n", &save);
		if (!p || !rest ||
		    sscanf(rest, "%o\t%llu\t%lld\t%llu\t%lld", &mode, &sz, &mt, &ino, &ct) != 5 ||
		    workspace_unescape(p) < 0) {
			r = -EBADMSG;
			break;
		}
		struct stat st = { .st_mode = mode, .st_size = (off_t)sz, .st_ino = ino };
		st.st_mtim.tv_sec = mt / 1000000000, st.st_mtim.tv_nsec = mt % 1000000000;
		st.st_ctim.tv_sec = ct / 1000000000, st.st_ctim.tv_nsec = ct % 1000000000;
		r = snap_add(&s, p, &st);
	}
	free(line);
	fclose(in);
	/* Sorted when written; a file edited by hand is sorted again rather than trusted. */
	for (size_t i = 1; r == 0 && i < s.n; i++)
		if (strcmp(s.v[i - 1].path, s.v[i].path) > 0) {
			qsort(s.v, s.n, sizeof(*s.v), by_path);
			break;
		}
	ret->v = s.v;
	ret->n = s.n;
	if (r < 0)
		workspace_start_free(ret);
	return r;
}

const struct ws_stat *workspace_start_find(const struct ws_start *s, const char *path)
{
	struct ws_stat key = { .path = (char *)path };

	return s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), by_path) : NULL;
}

void workspace_start_free(struct ws_start *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	*s = (struct ws_start){ 0 };
}

/* After apply: each settled path's entry becomes the host's as it is now, so that a later run
 * of the workspace compares with what apply left, not with the first start (a path applied,
 * then changed again inside, is no conflict). A path gone from the host loses its entry and,
 * for a directory, those below it; a new one gets one. Rewritten as snapshot() writes it. */
static void start_forget_below(struct ws_start *s, char **gone_dirs)
{
	for (size_t i = 0; gone_dirs && i < s->n; i++)
		for (char **d = gone_dirs; *d; d++) {
			size_t n = strlen(*d);
			if (s->v[i].path[0] && strncmp(s->v[i].path, *d, n) == 0 && s->v[i].path[n] == '/')
				s->v[i].path[0] = '\0'; /* no path is empty: marks it gone */
		}
}

static int start_set(struct ws_start *s, struct snap *added, char ***gone_dirs, int root, const char *rel)
{
	struct ws_stat *e = (struct ws_stat *)workspace_start_find(s, rel);
	struct stat st;

	if (fstatat(root, rel, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (e && S_ISDIR(e->mode) && strv_extend(gone_dirs, rel) < 0)
			return -ENOMEM;
		if (e)
			e->path[0] = '\0';
		return 0;
	}
	if (!e)
		return snap_add(added, rel, &st);
	e->mode = st.st_mode;
	e->size = (uint64_t)st.st_size;
	e->ino = st.st_ino;
	e->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	e->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
	return 0;
}

int workspace_start_settle(const char *path, struct ws_start *s, const char *dir, char **settled)
{
	struct snap all = { 0 }, added = { 0 };
	_cleanup_strv_free_ char **gone_dirs = NULL;
	_cleanup_close_ int root = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = root < 0 ? negative_errno() : 0;

	for (char **p = settled; r == 0 && p && *p; p++)
		r = start_set(s, &added, &gone_dirs, root, *p);
	if (r == 0)
		start_forget_below(s, gone_dirs);
	/* all borrows the entries: their paths stay s's and added's */
	for (size_t i = 0; r == 0 && i < s->n; i++)
		if (s->v[i].path[0])
			r = snap_push(&all, s->v[i]);
	for (size_t i = 0; r == 0 && i < added.n; i++)
		r = snap_push(&all, added.v[i]);
	if (r == 0) {
		qsort(all.v, all.n, sizeof(*all.v), by_path);
		r = write_atomic(path, fill_start, &all);
	}
	free(all.v);
	for (size_t i = 0; i < added.n; i++)
		free(added.v[i].path);
	free(added.v);
	return r;
}

/* ---- the manifest ---- */

static const char *driver_name(unsigned d)
{
	return d == OVERLAY_KERNEL ? "kernel" : d == OVERLAY_FUSE ? "fuse" : "auto";
}

static int fill_manifest(FILE *out, const void *data)
{
	const struct config *c = data;
	const struct workspace_config *w = c->workspace;

	fprintf(out, "hutch-workspace 1\nname ");
	workspace_put_path(out, c->name);
	fprintf(out, "\nstarted %lld\ndriver %s\nmode overlay\n", (long long)time(NULL),
		driver_name(c->overlay_driver));
	for (size_t i = 0; i < w->n_trees; i++) {
		fprintf(out, "dir %zu ", i);
		workspace_put_path(out, w->trees[i].dir);
		putc(' ', out);
		workspace_put_path(out, w->trees[i].dst);
		putc('\n', out);
		char **lists[] = { w->trees[i].protect, w->trees[i].pending };
		for (size_t l = 0; l < 2; l++)
			for (char **p = lists[l]; p && *p; p++) {
				fprintf(out, "protect %zu ", i);
				workspace_put_path(out, *p);
				putc('\n', out);
			}
	}
	return ferror(out) ? -EIO : 0;
}

static int tree_add(struct ws_record *r, size_t i, char *dir, char *dst)
{
	if (i != r->n_trees)
		return -EBADMSG;
	struct ws_tree *v = reallocarray(r->trees, r->n_trees + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->trees = v;
	v[r->n_trees] = (struct ws_tree){ .dir = strdup(dir), .dst = strdup(dst) };
	r->n_trees++;
	return v[i].dir && v[i].dst ? 0 : -ENOMEM;
}

static int parse_manifest_line(struct ws_record *r, char *line)
{
	char *save = NULL, *key = strtok_r(line, " \n", &save), *a = strtok_r(NULL, " \n", &save);
	char *b = strtok_r(NULL, " \n", &save), *c = strtok_r(NULL, " \n", &save);
	size_t i = a ? strtoul(a, NULL, 10) : 0;

	if (!key || !a)
		return -EBADMSG;
	if (strcmp(key, "started") == 0)
		r->started = strtoll(a, NULL, 10);
	else if (strcmp(key, "driver") == 0)
		snprintf(r->driver, sizeof(r->driver), "%s", a);
	else if (strcmp(key, "mode") == 0)
		r->direct = strcmp(a, "direct") == 0;
	else if (strcmp(key, "dir") == 0) {
		if (!b || !c || workspace_unescape(b) < 0 || workspace_unescape(c) < 0)
			return -EBADMSG;
		return tree_add(r, i, b, c);
	} else if (strcmp(key, "protect") == 0) {
		if (!b || i >= r->n_trees || workspace_unescape(b) < 0)
			return -EBADMSG;
		return strv_extend(&r->trees[i].protect, b);
	}
	return 0;
}

int workspace_read(const char *root, const char *name, struct ws_record *ret, struct failure *f)
{
	struct ws_record r = { 0 };
	char path[4096], *line = NULL;
	size_t size = 0;
	int e = 0;
	FILE *in;

	if (!name[0] || strchr(name, '/') || name[0] == '.')
		return failx(f, "workspace", "'%s' is not a workspace name", name);
	snprintf(path, sizeof(path), "%s/%s/manifest", root, name);
	if (!(in = fopen(path, "re")))
		return errno == ENOENT ? failx(f, "workspace", "%s: no such workspace", name)
				       : fail(f, negative_errno(), "workspace", "%s", path);
	if (getline(&line, &size, in) <= 0 || strcmp(line, "hutch-workspace 1\n") != 0)
		e = -EBADMSG;
	while (e == 0 && getline(&line, &size, in) > 0)
		e = parse_manifest_line(&r, line);
	free(line);
	fclose(in);
	if (e == 0 && r.n_trees == 0)
		e = -EBADMSG;
	r.name = strdup(name);
	if (asprintf(&r.dir, "%s/%s", root, name) < 0)
		r.dir = NULL;
	if (e == 0 && (!r.name || !r.dir))
		e = -ENOMEM;
	if (e < 0) {
		workspace_record_free(&r);
		return fail(f, e, "workspace", "%s", path);
	}
	*ret = r;
	return 0;
}

void workspace_record_free(struct ws_record *r)
{
	for (size_t i = 0; i < r->n_trees; i++) {
		free(r->trees[i].dir);
		free(r->trees[i].dst);
		strv_free(r->trees[i].protect);
		strv_free(r->trees[i].pending);
	}
	free(r->trees);
	free(r->name);
	free(r->dir);
	*r = (struct ws_record){ 0 };
}

/* ---- the launcher's steps ---- */

static int mkdir_p(char *path, mode_t mode)
{
	for (char *p = path + 1;; p++) {
		char *slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		int r = mkdir(path, mode) < 0 && errno != EEXIST ? negative_errno() : 0;
		if (slash)
			*slash = '/';
		if (r < 0 || !slash)
			return r;
		p = slash;
	}
}

static int create_state(const struct config *c, const char *dir, struct failure *f)
{
	const struct workspace_config *w = c->workspace;
	char path[4096];
	int r = 0;

	for (size_t i = 0; r == 0 && i < w->n_trees; i++) {
		const char *sub[] = { "", "/upper", "/work" };
		for (size_t k = 0; r == 0 && k < ARRAY_SIZE(sub); k++) {
			snprintf(path, sizeof(path), "%s/%zu%s", dir, i, sub[k]);
			if (mkdir(path, 0700) < 0)
				r = fail(f, negative_errno(), "workspace", "%s", path);
		}
		/* The overlay's root takes the upper's mode: the tree's own. */
		struct stat st;
		snprintf(path, sizeof(path), "%s/%zu/upper", dir, i);
		if (r == 0 && (stat(w->trees[i].dir, &st) < 0 || chmod(path, st.st_mode & 07777) < 0))
			r = fail(f, negative_errno(), "workspace", "%s", path);
		snprintf(path, sizeof(path), "%s/%zu/start", dir, i);
		if (r == 0 && (r = snapshot(w->trees[i].dir, path)) < 0)
			fail(f, r, "workspace", "recording the state of %s", w->trees[i].dir);
	}
	snprintf(path, sizeof(path), "%s/manifest", dir);
	if (r == 0 && (r = write_atomic(path, fill_manifest, c)) < 0)
		fail(f, r, "workspace", "%s", path);
	return r;
}

/* A workspace kept from an earlier run continues, when it is of the same trees. */
static int check_resume(const struct config *c, struct failure *f)
{
	const struct workspace_config *w = c->workspace;
	_cleanup_free_ char *root =
	    strndup(w->state_dir, (size_t)(strrchr(w->state_dir, '/') - w->state_dir));
	struct ws_record rec = { 0 };
	int r = root ? workspace_read(root, c->name, &rec, f) : -ENOMEM;
	bool same = r == 0 && rec.n_trees == w->n_trees;

	for (size_t i = 0; same && i < rec.n_trees; i++)
		same = strcmp(rec.trees[i].dir, w->trees[i].dir) == 0 &&
		       strcmp(rec.trees[i].dst, w->trees[i].dst) == 0;
	workspace_record_free(&rec);
	if (r < 0)
		return r;
	if (!same)
		return failx(
		    f, "--workspace",
		    "workspace %s holds changes to other directories: hutch apply or hutch discard it first",
		    c->name);
	return 0;
}

int workspace_start(const struct config *c, struct workspace_state *ws, struct failure *f)
{
	const struct workspace_config *w = c->workspace;
	_cleanup_free_ char *dir = NULL;
	pid_t holder = 0;
	int r;

	if (!workspace_uses_overlay(c))
		return 0;
	if (!(dir = strdup(w->state_dir)))
		return -ENOMEM;
	*strrchr(dir, '/') = '\0';
	if ((r = mkdir_p(dir, 0700)) < 0)
		return fail(f, r, "workspace", "%s", dir);
	ws->fresh = mkdir(w->state_dir, 0700) == 0;
	if (!ws->fresh && errno != EEXIST)
		return fail(f, negative_errno(), "workspace", "%s", w->state_dir);
	r = workspace_lock(w->state_dir, &holder);
	if (r == -EBUSY)
		return failx(f, "--workspace", "workspace %s is in use (pid %d)", c->name, (int)holder);
	if (r < 0)
		return fail(f, r, "workspace", "%s/lock", w->state_dir);
	if (!(ws->dir = strdup(w->state_dir)))
		return -ENOMEM;
	ws->unnamed = c->name_default;
	log_verbose(c->verbose, "workspace: %s, %s (%s)", c->name, ws->fresh ? "new" : "continued",
		    w->state_dir);
	r = ws->fresh ? create_state(c, w->state_dir, f) : check_resume(c, f);
	return r < 0 ? r : workspace_keep_start(c, ws, f);
}

/* Whether an upper dir holds anything: what the sandbox wrote, deleted or renamed. */
static bool uppers_hold_changes(const char *dir)
{
	for (size_t i = 0;; i++) {
		char upper[4200];
		snprintf(upper, sizeof(upper), "%s/%zu/upper", dir, i);
		DIR *d = opendir(upper);
		struct dirent *de;
		bool any = false;
		if (!d)
			return errno != ENOENT; /* unreadable: kept, to be safe */
		while (!any && (de = readdir(d)))
			any = strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
		closedir(d);
		if (any)
			return true;
	}
}

void workspace_stop(struct workspace_state *ws, bool ran)
{
	if (!ws->dir)
		return;
	workspace_keep_stop(ws, ran);
	ws->pending = ran && uppers_hold_changes(ws->dir);
	if ((ws->fresh && !ran) || (ws->unnamed && ran && !ws->pending)) {
		/* Nothing ran in it: nothing to review, nothing left behind. */
		char *slash = strrchr(ws->dir, '/');
		_cleanup_close_ int pfd = -1;
		*slash = '\0';
		pfd = open(ws->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		*slash = '/';
		if (pfd >= 0)
			workspace_remove_tree(pfd, slash + 1);
	} else
		workspace_unlock(ws->dir);
	free(ws->dir);
	ws->dir = NULL;
}
