/* Persistence points (see persist.h): the list, the --allow-persist checks, and the plan pass
 * that keeps the points read-only in every writable host bind. Launcher side, the caller's
 * own privileges; it reads the host's directories (lstat, readdir) and writes nothing. */
#include "front/persist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "front/mountplan.h"
#include "lib/path-util.h"
#include "lib/strv.h"

/* Relative to the home: what a login, a shell, a desktop session, systemd --user, ssh or git
 * reads and runs (documented in hutch(1) and hutch.profile(5)). .xsession-errors is left out:
 * the session writes it and nothing reads it back. */
static const char *const home_points[] = {
	".bashrc",
	".profile",
	".bash_profile",
	".bash_login",
	".bash_logout",
	".zshrc",
	".zprofile",
	".zshenv",
	".zlogin",
	".zlogout",
	".config/fish",
	".ssh/authorized_keys",
	".ssh/config",
	".config/autostart",
	".config/systemd/user",
	".config/environment.d",
	".local/share/applications",
	".local/share/systemd",
	".xinitrc",
	".xsession",
	".xsessionrc",
	".xprofile",
	".pam_environment",
	".gitconfig",
	".config/git",
	".config/hutch",
	".local/state/hutch",
};

/* Outside the home: the system's hutch configuration. */
static const char *const system_points[] = { "/etc/hutch" };

/* How deep below a writable directory repositories are looked for (a project tree, or the
 * home's ~/src/ORG/PROJECT); trees named here are not entered (they hold no repository of
 * the user's, and can be huge). */
#define GIT_DEPTH 6
static const char *const git_skip[] = { "node_modules", ".cache", ".local", ".npm", ".cargo", ".rustup" };

static bool strictly_beneath(const char *p, const char *dir)
{
	return path_is_beneath(p, dir) && strcmp(p, dir) != 0;
}

static bool is_git_point(const char *p)
{
	static const char *const tails[] = { "/.git/hooks", "/.git/config" };

	for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
		size_t a = strlen(p), b = strlen(tails[i]);
		if (a > b && strcmp(p + a - b, tails[i]) == 0)
			return true;
	}
	return false;
}

/* ---- --allow-persist ----------------------------------------------------------------------- */

int persist_opt_allow(struct config *c, const char *arg, struct failure *f)
{
	if (arg[0] != '/' && arg[0] != '~' && arg[0] != '$')
		return failx(f, "--allow-persist", "%s: expected an absolute path (or ~/PATH)", arg);
	return strv_extend(&c->allow_persist, arg);
}

static int config_home_path(const struct config *c, char **host_env, size_t i, char **ret)
{
	const char *xdg = strv_env_get(host_env, "XDG_CONFIG_HOME");

	/* hutch reads its profiles from $XDG_CONFIG_HOME/hutch, wherever that is. */
	if (strcmp(home_points[i], ".config/hutch") == 0 && xdg && xdg[0] == '/')
		return asprintf(ret, "%s/hutch", xdg) < 0 ? -ENOMEM : 0;
	return asprintf(ret, "%s/%s", c->home, home_points[i]) < 0 ? -ENOMEM : 0;
}

static bool on_list(const struct config *c, char **host_env, const char *p)
{
	for (size_t i = 0; i < ARRAY_SIZE(home_points); i++) {
		_cleanup_free_ char *q = NULL;
		if (config_home_path(c, host_env, i, &q) == 0 && strcmp(q, p) == 0)
			return true;
	}
	return is_git_point(p);
}

int persist_finish(struct config *c, char **host_env, struct failure *f)
{
	for (char **a = c->allow_persist; a && *a; a++) {
		if (!path_is_beneath(*a, c->home))
			return failx(f, "--allow-persist", "%s: not in your home (%s)", *a, c->home);
		if (!on_list(c, host_env, *a))
			return failx(
			    f, "--allow-persist",
			    "%s: not a persistence point (the list is in hutch(1), PERSISTENCE POINTS)", *a);
	}
	return 0;
}

int persist_points_ensure(struct config *c, char **host_env)
{
	return c->persist_points ? 0 : persist_points(c, host_env, &c->persist_points);
}

/* ---- the list ------------------------------------------------------------------------------- */

/* Directories already resolved while the list is made: nearly every point lies in the home, and
 * realpath() reads the link of every component of every path again (issue 27: 60 readlink()
 * calls and a third of the launcher's system calls before the clone, for the same two or three
 * directories). */
struct resolved {
	char **dirs; /* pairs: a path as given, its real place */
};

static void resolved_done(struct resolved *m)
{
	strv_free(m->dirs);
	m->dirs = NULL;
}

static const char *resolved_find(const struct resolved *m, const char *p)
{
	for (char **d = m->dirs; d && d[0] && d[1]; d += 2)
		if (strcmp(d[0], p) == 0)
			return d[1];
	return NULL;
}

/* The real place of p, or NULL when it is missing: its parent's real place (known, or found
 * the same way) and its own name when p is no symlink, which is what realpath() finds, at one
 * lstat() per directory for the whole list; else realpath(). Directories are remembered. */
static char *resolve_existing(struct resolved *m, const char *p, bool is_dir)
{
	const char *known = resolved_find(m, p), *slash = strrchr(p, '/');
	struct stat st;
	char *r = NULL;

	if (known)
		return strdup(known);
	if (lstat(p, &st) < 0)
		return NULL;
	is_dir = is_dir || S_ISDIR(st.st_mode);
	if (slash && slash != p && slash[1] && !S_ISLNK(st.st_mode) && strcmp(slash, "/.") != 0 &&
	    strcmp(slash, "/..") != 0) {
		_cleanup_free_ char *parent = strndup(p, (size_t)(slash - p));
		_cleanup_free_ char *up = parent ? resolve_existing(m, parent, true) : NULL;
		if (up && asprintf(&r, "%s%s", strcmp(up, "/") == 0 ? "" : up, slash) < 0)
			r = NULL;
	}
	if (!r && !(r = realpath(p, NULL)))
		return NULL;
	if (is_dir && (strv_extend(&m->dirs, p) < 0 || strv_extend(&m->dirs, r) < 0)) {
		free(r);
		return NULL;
	}
	return r;
}

/* The point's real place too, when a symlink on the way leads elsewhere: the resolved longest
 * existing prefix, and the rest as given. */
static char *resolve_prefix(struct resolved *m, const char *p)
{
	_cleanup_free_ char *head = strdup(p);
	char *cut = NULL, *r = NULL;

	while (head && head[0]) {
		if ((r = resolve_existing(m, head, false)))
			break;
		char *slash = strrchr(head, '/');
		if (cut)
			*cut = '/';
		if (!slash || slash == head)
			return NULL;
		*slash = '\0';
		cut = slash;
	}
	if (!r)
		return NULL;
	if (!cut)
		return r;
	*cut = '/';
	char *out = NULL;
	if (asprintf(&out, "%s%s", strcmp(r, "/") == 0 ? "" : r, cut) < 0)
		out = NULL;
	free(r);
	return out;
}

static bool allowed(const struct config *c, struct resolved *m, const char *p)
{
	for (char **a = c->allow_persist; a && *a; a++) {
		_cleanup_free_ char *real = resolve_prefix(m, *a);
		if (strcmp(*a, p) == 0 || (real && strcmp(real, p) == 0))
			return true;
	}
	return false;
}

/* p and its resolved place, unless allowed or already there. */
static int add_point(const struct config *c, struct resolved *m, char ***v, const char *p)
{
	_cleanup_free_ char *real = resolve_prefix(m, p);
	int r = 0;

	if (allowed(c, m, p))
		return 0;
	for (char **q = *v; q && *q; q++)
		if (strcmp(*q, p) == 0)
			return 0;
	r = strv_extend(v, p);
	if (r == 0 && real && strcmp(real, p) != 0)
		r = strv_extend(v, real);
	return r;
}

int persist_points(const struct config *c, char **host_env, char ***ret)
{
	_cleanup_(resolved_done) struct resolved m = { 0 };
	_cleanup_strv_free_ char **v = NULL;
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(home_points); i++) {
		_cleanup_free_ char *p = NULL;
		r = config_home_path(c, host_env, i, &p);
		if (r == 0)
			r = add_point(c, &m, &v, p);
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(system_points); i++)
		r = add_point(c, &m, &v, system_points[i]);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(v);
	return 0;
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* ---- the plan pass ------------------------------------------------------------------------- */

struct guard {
	struct mountplan *out;
	char **points; /* the list, and the repositories' points found under this bind */
	const char *root_src, *root_dst;
};

/* Where host path src (beneath the bind's source) is seen inside. */
static char *guard_dst(const struct guard *g, const char *src)
{
	const char *rest = src + (strcmp(g->root_src, "/") == 0 ? 0 : strlen(g->root_src));
	char *out = NULL;

	if (asprintf(&out, "%s%s", strcmp(g->root_dst, "/") == 0 && rest[0] ? "" : g->root_dst, rest) < 0)
		return NULL;
	return out;
}

static int guard_bind(struct guard *g, const char *src, unsigned flags)
{
	_cleanup_free_ char *dst = guard_dst(g, src);

	return dst ? mountplan_add(g->out, MP_BIND, flags, 0, src, dst) : -ENOMEM;
}

static bool is_point(const struct guard *g, const char *p)
{
	for (char **q = g->points; q && *q; q++)
		if (strcmp(*q, p) == 0)
			return true;
	return false;
}

static bool has_point_beneath(const struct guard *g, const char *dir)
{
	for (char **q = g->points; q && *q; q++)
		if (strictly_beneath(*q, dir))
			return true;
	return false;
}

/* dir's child on the way to point p (p strictly beneath dir), in buf. */
static void child_toward(const char *dir, const char *p, char *buf, size_t size)
{
	size_t n = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
	size_t len = n + 1 + strcspn(p + n + 1, "/");

	snprintf(buf, size, "%.*s", (int)len, p);
}

static int guard_dir(struct guard *g, const char *dir);

/* An entry of a sealed directory: bound writable on itself again (which also pins it: a mount
 * point cannot be renamed or removed), then guarded in turn. A symlink stays as it is, read-only
 * in its read-only parent; so do points, sockets and fifos. */
static int seal_entry(struct guard *g, const char *path)
{
	struct stat st;
	int r;

	if (lstat(path, &st) < 0 || is_point(g, path) || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
		return 0;
	r = guard_bind(g, path, MPF_TRY);
	if (r == 0 && S_ISDIR(st.st_mode) && has_point_beneath(g, path))
		r = guard_dir(g, path);
	return r;
}

/* No new entry can be made in dir: it is bound read-only, and what it holds writable again. */
static int seal_dir(struct guard *g, const char *dir)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	int r = guard_bind(g, dir, MPF_RO);

	if (r < 0)
		return r;
	if (!d)
		return -errno;
	while (r == 0 && (errno = 0, de = readdir(d))) {
		_cleanup_free_ char *path = NULL;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&path, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, de->d_name) < 0)
			return -ENOMEM;
		r = seal_entry(g, path);
	}
	return r < 0 ? r : errno ? -errno : 0;
}

/* Whether a point beneath dir is missing, or reached through a symlink, at dir's level: then
 * the name could be (re)made in dir, and dir is sealed. */
static bool needs_seal(const struct guard *g, const char *dir)
{
	char child[PATH_MAX];
	struct stat st;

	for (char **q = g->points; q && *q; q++) {
		if (!strictly_beneath(*q, dir))
			continue;
		child_toward(dir, *q, child, sizeof(child));
		if (lstat(child, &st) < 0 || S_ISLNK(st.st_mode))
			return true;
	}
	return false;
}

/* Each existing entry of dir on the way to a point: the point itself read-only; a directory or
 * file above one bound on itself (so that it cannot be renamed away and made again), then
 * guarded. */
static int guard_dir(struct guard *g, const char *dir)
{
	_cleanup_strv_free_ char **done = NULL;
	char child[PATH_MAX];
	int r = 0;

	if (needs_seal(g, dir))
		return seal_dir(g, dir);
	for (char **q = g->points; r == 0 && q && *q; q++) {
		if (!strictly_beneath(*q, dir))
			continue;
		child_toward(dir, *q, child, sizeof(child));
		bool seen = false;
		for (char **d = done; d && *d && !seen; d++)
			seen = strcmp(*d, child) == 0;
		if (seen || (r = strv_extend(&done, child)) < 0)
			continue;
		if (is_point(g, child)) {
			r = guard_bind(g, child, MPF_RO);
			continue;
		}
		struct stat st;
		if (lstat(child, &st) < 0)
			continue;
		r = guard_bind(g, child, MPF_TRY);
		if (r == 0 && S_ISDIR(st.st_mode))
			r = guard_dir(g, child);
	}
	return r;
}

/* ---- repositories in reach ---------------------------------------------------------------- */

static int add_git_dir(const struct config *c, char ***points, const char *gitdir)
{
	_cleanup_(resolved_done) struct resolved m = { 0 };
	_cleanup_free_ char *hooks = NULL, *config = NULL;

	if (asprintf(&hooks, "%s/hooks", gitdir) < 0 || asprintf(&config, "%s/config", gitdir) < 0)
		return -ENOMEM;
	int r = add_point(c, &m, points, hooks);
	return r < 0 ? r : add_point(c, &m, points, config);
}

static bool git_skipped(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(git_skip); i++)
		if (strcmp(name, git_skip[i]) == 0)
			return true;
	return false;
}

/* The .git directories below dir (open as dfd, taken), on its file system. The walk reads only
 * directory entries (d_type), so a project tree costs one getdents per directory, not a stat
 * per file; a file system that gives no d_type is asked with fstatat. */
static int git_walk(const struct config *c, int dfd, dev_t dev, char *path, size_t len, int depth,
		    char ***points)
{
	_cleanup_(closedirp) DIR *d = fdopendir(dfd);
	struct dirent *de;
	struct stat st;
	int r = 0;

	if (!d)
		return safe_close(dfd), 0;
	if (fstat(dirfd(d), &st) < 0 || st.st_dev != dev)
		return 0;
	while (r == 0 && (de = readdir(d))) {
		bool is_dir = de->d_type == DT_DIR;
		if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
			continue;
		if (de->d_type == DT_UNKNOWN)
			is_dir = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				 S_ISDIR(st.st_mode);
		if (!is_dir || git_skipped(de->d_name) || len + 1 + strlen(de->d_name) >= PATH_MAX)
			continue;
		snprintf(path + len, PATH_MAX - len, "/%s", de->d_name);
		if (strcmp(de->d_name, ".git") == 0)
			r = add_git_dir(c, points, path);
		else if (depth < GIT_DEPTH) {
			int sub =
			    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				r = git_walk(c, sub, dev, path, len + 1 + strlen(de->d_name), depth + 1,
					     points);
		}
		path[len] = '\0';
	}
	return r;
}

/* The .git directories beneath root (and the one root is in, when it is inside one). */
static int find_git(const struct config *c, const char *root, char ***points)
{
	const char *in = strstr(root, "/.git/");
	char path[PATH_MAX];
	struct stat st;
	int r = 0, fd;

	if (in || (strlen(root) >= 5 && strcmp(root + strlen(root) - 5, "/.git") == 0)) {
		_cleanup_free_ char *gitdir = strndup(root, in ? (size_t)(in - root) + 5 : strlen(root));
		r = gitdir ? add_git_dir(c, points, gitdir) : -ENOMEM;
	}
	if (r < 0 || stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return r;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	snprintf(path, sizeof(path), "%s", strcmp(root, "/") == 0 ? "" : root);
	return git_walk(c, fd, st.st_dev, path, strlen(path), 1, points);
}

/* ---- the pass ------------------------------------------------------------------------------- */

static bool writable_host(const struct mp_entry *e)
{
	return !(e->flags & MPF_RO) && e->src && (e->op == MP_BIND || e->op == MP_ROOT_BIND);
}

int persist_points_beneath(const struct config *c, const char *dir, char ***ret)
{
	_cleanup_strv_free_ char **points = NULL;
	int r = 0;

	for (char **q = c->persist_points; r == 0 && q && *q; q++)
		r = strv_extend(&points, *q);
	if (r == 0)
		r = find_git(c, dir, &points);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(points);
	return 0;
}

static int guard_entry(const struct config *c, struct mountplan *out, const char *src, const char *dst)
{
	_cleanup_free_ char *real = realpath(src, NULL);
	_cleanup_strv_free_ char **points = NULL;
	struct guard g = { .out = out, .root_dst = dst };
	int r;

	if (!real)
		return 0; /* a -try source that is missing: nothing is bound */
	if ((r = persist_points_beneath(c, real, &points)) < 0)
		return r;
	g.points = points;
	g.root_src = real;
	for (char **q = points; q && *q; q++)
		if (path_is_beneath(real, *q))
			return mountplan_add(out, MP_BIND, MPF_RO, 0, real, dst);
	return has_point_beneath(&g, real) ? guard_dir(&g, real) : 0;
}

static int plan_move(struct mountplan *out, struct mp_entry *e)
{
	struct mp_entry *ops = reallocarray(out->ops, out->n + 1, sizeof(*ops));

	if (!ops)
		return -ENOMEM;
	out->ops = ops;
	ops[out->n++] = *e;
	*e = (struct mp_entry){ 0 };
	return 0;
}

int persist_plan(struct config *c, char **host_env, struct failure *f)
{
	struct mountplan in = c->plan,
			 out = { .root_readonly = in.root_readonly, .root_propagation = in.root_propagation };
	int r = 0;

	for (size_t i = 0; r == 0 && i < in.n; i++) {
		bool guard = writable_host(&in.ops[i]);
		_cleanup_free_ char *src = guard ? strdup(in.ops[i].src) : NULL;
		_cleanup_free_ char *dst = guard ? strdup(in.ops[i].dst) : NULL;
		if (guard && (!src || !dst))
			r = -ENOMEM;
		if (r == 0)
			r = plan_move(&out, &in.ops[i]);
		if (r == 0 && guard)
			r = persist_points_ensure(c, host_env);
		if (r == 0 && guard)
			r = guard_entry(c, &out, src, dst);
	}
	mountplan_free(&in);
	c->plan = out;
	return r < 0 ? fail(f, r, "persistence points", "cannot keep them read-only") : 0;
}
