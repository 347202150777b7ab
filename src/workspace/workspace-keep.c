/* The start content of what the sandbox changes in a workspace (issue 23): a copy of the host's
 * file as it was at the start, kept in I/base/RELPATH at the first moment the sandbox changes
 * it, so that a review can show each side's change against the start when the host changes the
 * file too. Launcher side, the caller's own privileges; it reads the host tree and writes only
 * below the workspace's state dir.
 *
 * Nothing is copied at the start, whatever the tree's size: the overlay's lower *is* the start
 * content until the host writes to it. The sandbox's first change to a path puts an entry in
 * the upper dir (the overlay's copy-up, a whiteout, a new file renamed over it); an inotify
 * watch on the upper's directories tells the launcher's loop, which copies the host's file if it
 * still matches the start record (size, times, inode: the host has not written it yet). When it
 * does not, the host wrote it first and its start content is unknown, and `changes` says so.
 * At the sandbox's end every upper entry is checked once more (events lost to a full queue, a
 * watch refused, a sandbox that ended before its events were read). Files over KEEP_MAX are not
 * kept: the loop also serves the sandbox's resolver and notifier, and must not stall on a copy. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/macro.h"
#include "workspace/workspace.h"

#define KEEP_MAX   (64ULL << 20)
#define WATCH_MASK (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)

/* What a walk of the upper does: watch its directories, copy the start content of its files. */
enum { KEEP_WATCH = 1, KEEP_COPY = 2 };

struct keep_tree {
	int lower, upper, base; /* the host tree, the upper dir, I/base */
	char *dir;		/* I/ of the state dir */
	struct ws_start start;	/* read at the first need, not at the start */
	bool start_read;
};

struct keep_watch {
	int wd;
	size_t tree;
	char *rel;
};

struct ws_keeper {
	int fd; /* inotify */
	struct keep_tree *trees;
	size_t n_trees;
	struct keep_watch *w; /* sorted by wd: the kernel hands them out increasing */
	size_t n, cap;
};

static int open_beneath(int dfd, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

bool workspace_start_matches(const struct ws_stat *s, const struct stat *st)
{
	return (s->mode & (S_IFMT | 07777)) == (st->st_mode & (S_IFMT | 07777)) &&
	       s->size == (uint64_t)st->st_size && s->ino == st->st_ino &&
	       s->mtime_ns == (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec &&
	       s->ctime_ns == (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
}

static const struct ws_start *tree_start(struct keep_tree *t)
{
	char path[4200];

	if (!t->start_read) {
		snprintf(path, sizeof(path), "%s/start", t->dir);
		t->start_read = true;
		if (workspace_start_read(path, &t->start) < 0)
			t->start = (struct ws_start){ 0 };
	}
	return &t->start;
}

/* The directories of rel in base, made as needed (ours: no symlink in them). */
static int base_parent(int base, const char *rel)
{
	char dir[4096];
	const char *slash = strrchr(rel, '/');
	int fd;

	if (!slash)
		return fcntl(base, F_DUPFD_CLOEXEC, 3);
	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
	if ((fd = open_beneath(base, dir, O_RDONLY | O_DIRECTORY)) >= 0 || fd != -ENOENT)
		return fd;
	for (char *p = strchr(dir, '/');; p = strchr(p + 1, '/')) {
		if (p)
			*p = '\0';
		int r = mkdirat(base, dir, 0700) < 0 && errno != EEXIST ? -errno : 0;
		if (p)
			*p = '/';
		if (r < 0)
			return r;
		if (!p)
			break;
	}
	return open_beneath(base, dir, O_RDONLY | O_DIRECTORY);
}

static int copy_all(int in, int out)
{
	char buf[65536];
	ssize_t n;

	while ((n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0)) > 0)
		;
	if (n == 0)
		return 0;
	if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
		return -errno;
	if (lseek(in, 0, SEEK_SET) < 0 || lseek(out, 0, SEEK_SET) < 0 || ftruncate(out, 0) < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* The host's rel into base/rel, if it is a regular file that still matches the start record;
 * read, then checked again: a host write during the copy leaves nothing kept. */
static int keep_file(struct keep_tree *t, const char *rel)
{
	char tmp[4200];
	struct stat st;
	const struct ws_stat *s;

	if (fstatat(t->base, rel, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return 0; /* kept already: the first moment wins */
	if (!(s = workspace_start_find(tree_start(t), rel)) || !S_ISREG(s->mode) || s->size > KEEP_MAX)
		return 0;
	_cleanup_close_ int in = open_beneath(t->lower, rel, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (in < 0 || fstat(in, &st) < 0 || !workspace_start_matches(s, &st))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s/keep.tmp", t->dir);
	_cleanup_close_ int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	_cleanup_close_ int pfd = out < 0 ? -1 : base_parent(t->base, rel);
	const char *name = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	int r = out < 0 ? -errno : pfd < 0 ? pfd : copy_all(in, out);

	if (r == 0 && (fstat(in, &st) < 0 || !workspace_start_matches(s, &st)))
		r = -ESTALE;
	if (r == 0 && renameat(AT_FDCWD, tmp, pfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlink(tmp);
	return r;
}

static int watch_add(struct ws_keeper *k, size_t tree, int dfd, const char *rel);

/* An entry that appeared in the upper (rel): a directory is watched and read (what was made in
 * it before the watch); anything else stands for the sandbox's change to the host's rel. */
static int keep_entry(struct ws_keeper *k, size_t tree, int udir, const char *name, const char *rel,
		      unsigned how);

static int keep_dir(struct ws_keeper *k, size_t tree, int udir, const char *rel, unsigned how)
{
	DIR *d = fdopendir(udir);
	struct dirent *de;
	int r = 0;

	if (!d) {
		safe_close(udir);
		return -errno;
	}
	if (how & KEEP_WATCH)
		r = watch_add(k, tree, dirfd(d), rel);
	while (r >= 0 && (de = readdir(d))) {
		char path[4096];
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(path, sizeof(path), "%s%s%s", strcmp(rel, ".") ? rel : "",
			     strcmp(rel, ".") ? "/" : "", de->d_name) >= (int)sizeof(path))
			continue;
		r = keep_entry(k, tree, dirfd(d), de->d_name, path, how);
	}
	closedir(d);
	return r;
}

static int keep_entry(struct ws_keeper *k, size_t tree, int udir, const char *name, const char *rel,
		      unsigned how)
{
	struct stat st;

	if (fstatat(udir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		int sub = openat(udir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		return sub < 0 ? 0 : keep_dir(k, tree, sub, rel, how);
	}
	if (!(how & KEEP_COPY))
		return 0;
	/* fuse-overlayfs's whiteout ".wh.NAME" stands for NAME (a kernel overlay's file of that
	 * name is only itself: keeping NAME as well costs a copy, nothing more) */
	if (strncmp(name, ".wh.", 4) == 0 && name[4] && strcmp(name, ".wh..wh..opq") != 0) {
		char hidden[4096];
		snprintf(hidden, sizeof(hidden), "%.*s%s", (int)(strlen(rel) - strlen(name)), rel, name + 4);
		keep_file(&k->trees[tree], hidden);
	}
	keep_file(&k->trees[tree], rel);
	return 0;
}

static struct keep_watch *watch_find(struct ws_keeper *k, int wd)
{
	size_t lo = 0, hi = k->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (k->w[mid].wd == wd)
			return &k->w[mid];
		if (k->w[mid].wd < wd)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* A refused watch (the user's inotify limit) is not an error: the end's check covers it. */
/* dfd: the directory itself, opened without following a symlink: the watch is on it, whatever
 * the sandbox renames meanwhile. */
static int watch_add(struct ws_keeper *k, size_t tree, int dfd, const char *rel)
{
	char path[64];
	int wd;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", dfd);
	if ((wd = inotify_add_watch(k->fd, path, WATCH_MASK)) < 0 || watch_find(k, wd))
		return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		struct keep_watch *v = reallocarray(k->w, cap, sizeof(*v));
		if (!v)
			return -ENOMEM;
		k->w = v, k->cap = cap;
	}
	size_t i = k->n;
	while (i > 0 && k->w[i - 1].wd > wd) /* a reused number after wrapping: kept sorted */
		i--;
	memmove(&k->w[i + 1], &k->w[i], (k->n - i) * sizeof(*k->w));
	k->w[i] = (struct keep_watch){ .wd = wd, .tree = tree, .rel = strdup(rel) };
	k->n++;
	return k->w[i].rel ? 0 : -ENOMEM;
}

static void keeper_free(struct ws_keeper *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < k->n_trees; i++) {
		safe_close(k->trees[i].lower);
		safe_close(k->trees[i].upper);
		safe_close(k->trees[i].base);
		free(k->trees[i].dir);
		workspace_start_free(&k->trees[i].start);
	}
	for (size_t i = 0; i < k->n; i++)
		free(k->w[i].rel);
	free(k->w);
	free(k->trees);
	safe_close(k->fd);
	free(k);
}

static int keep_tree_open(struct keep_tree *t, const char *state_dir, size_t i, const char *lower)
{
	char path[4200];

	*t = (struct keep_tree){ .lower = -1, .upper = -1, .base = -1 };
	if (asprintf(&t->dir, "%s/%zu", state_dir, i) < 0) {
		t->dir = NULL;
		return -ENOMEM;
	}
	snprintf(path, sizeof(path), "%s/base", t->dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	t->base = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/upper", t->dir);
	t->upper = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	t->lower = open(lower, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return t->base < 0 || t->upper < 0 || t->lower < 0 ? -errno : 0;
}

/* A resumed workspace's upper already holds directories: each is watched (their number is
 * that of the sandbox's changes, not the tree's); its files were looked at when its last run
 * ended, and are again at this one's end: the start reads nothing of the start record. */
int workspace_keep_start(const struct config *c, struct workspace_state *ws, struct failure *f)
{
	const struct workspace_config *w = c->workspace;
	struct ws_keeper *k = calloc(1, sizeof(*k));
	int r = 0;

	if (!k || !(k->trees = calloc(w->n_trees, sizeof(*k->trees)))) {
		free(k);
		return fail(f, -ENOMEM, "workspace", NULL);
	}
	k->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (k->fd < 0)
		r = -errno;
	for (size_t i = 0; r == 0 && i < w->n_trees; i++, k->n_trees++)
		r = keep_tree_open(&k->trees[i], ws->dir, i, w->trees[i].dir);
	for (size_t i = 0; r == 0 && i < k->n_trees; i++) {
		int u = fcntl(k->trees[i].upper, F_DUPFD_CLOEXEC, 3);
		r = u < 0 ? -errno : keep_dir(k, i, u, ".", KEEP_WATCH);
	}
	if (r < 0) {
		keeper_free(k);
		return fail(f, r, "workspace", "watching %s for the start content", ws->dir);
	}
	ws->keeper = k;
	return 0;
}

/* The launcher's loop: what the sandbox made in the upper since the last call. */
void workspace_keep_events(struct workspace_state *ws)
{
	struct ws_keeper *k = ws->keeper;
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while (k && (n = read(k->fd, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;
			const struct keep_watch *wt = watch_find(k, ev->wd);
			p += sizeof(*ev) + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				workspace_keep_sweep(ws); /* what the lost events named */
				continue;
			}
			if (!wt || !ev->len || !(ev->mask & (IN_CREATE | IN_MOVED_TO)))
				continue;
			char rel[4096];
			size_t tree = wt->tree;
			bool top = strcmp(wt->rel, ".") == 0;
			if (snprintf(rel, sizeof(rel), "%s%s%s", top ? "" : wt->rel, top ? "" : "/",
				     ev->name) >= (int)sizeof(rel))
				continue;
			_cleanup_close_ int udir =
			    open_beneath(k->trees[tree].upper, wt->rel, O_RDONLY | O_DIRECTORY);
			if (udir >= 0)
				keep_entry(k, tree, udir, ev->name, rel, KEEP_WATCH | KEEP_COPY);
		}
}

int workspace_keep_fd(const struct workspace_state *ws)
{
	return ws->keeper ? ws->keeper->fd : -1;
}

void workspace_keep_sweep(struct workspace_state *ws)
{
	struct ws_keeper *k = ws->keeper;

	for (size_t i = 0; k && i < k->n_trees; i++) {
		int u = fcntl(k->trees[i].upper, F_DUPFD_CLOEXEC, 3);
		if (u >= 0)
			keep_dir(k, i, u, ".", KEEP_COPY);
	}
}

void workspace_keep_stop(struct workspace_state *ws, bool ran)
{
	if (ran) {
		workspace_keep_events(ws);
		workspace_keep_sweep(ws);
	}
	keeper_free(ws->keeper);
	ws->keeper = NULL;
}
