/* Workspaces (see workspace.h): the options, their validation, the plan's additions and the
 * launcher's steps (state dir, lock, start record). Launcher side, the caller's own
 * privileges. The state's files are read and written by workspace-state.c. */
#include "workspace/workspace.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "workspace/mask.h"
#include "front/mountplan.h"
#include "lib/path-util.h"
#include "front/persist.h"
#include "lib/strv.h"
#include "lib/tree-walk.h"

/* Places of a project where a program plants what runs later outside the sandbox (direnv's,
 * an editor's tasks), read-only inside a workspace unless unprotected (documented in hutch(1));
 * the home's persistence points and the repositories' .git/hooks and .git/config come from
 * persist.h's one list. */
static const char *const default_protect[] = {
	".envrc",
	".direnv",
	".vscode/tasks.json",
	".vscode/settings.json",
};

static struct workspace_config *ws_get(struct config *c)
{
	if (!c->workspace)
		c->workspace = calloc(1, sizeof(*c->workspace));
	return c->workspace;
}

static int add_tree(struct workspace_config *w, const char *arg, struct failure *f)
{
	const char *colon = strchr(arg, ':');
	struct ws_tree *v = reallocarray(w->trees, w->n_trees + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	w->trees = v;
	v = &w->trees[w->n_trees];
	*v = (struct ws_tree){ 0 };
	v->dir = colon ? strndup(arg, (size_t)(colon - arg)) : strdup(arg);
	v->dst = colon ? strdup(colon + 1) : NULL;
	if (!v->dir || (colon && !v->dst)) {
		free(v->dir);
		free(v->dst);
		return -ENOMEM;
	}
	w->n_trees++;
	if (!v->dir[0] || (v->dst && !v->dst[0]))
		return failx(f, "--workspace", "'%s': expected DIR or DIR:DST", arg);
	return 0;
}

/* A protected path is relative to the workspace's root, without "..". */
static int check_relpath(const char *opt, const char *arg, struct failure *f)
{
	char abs[4096];

	snprintf(abs, sizeof(abs), "/%s", arg);
	if (!arg[0] || arg[0] == '/' || path_has_dotdot(abs))
		return failx(f, opt, "'%s': expected a path relative to the workspace, without '..'", arg);
	return 0;
}

int workspace_parse_option(struct config *c, const char *name, const char *arg, struct failure *f)
{
	struct workspace_config *w = ws_get(c);
	int r;

	if (!w)
		return -ENOMEM;
	if (strcmp(name, "workspace") == 0)
		return add_tree(w, arg, f);
	if (strcmp(name, "workspace-mode") == 0) {
		if (strcmp(arg, "overlay") != 0 && strcmp(arg, "direct") != 0)
			return failx(f, "--workspace-mode", "'%s' is not one of: overlay direct", arg);
		w->direct = strcmp(arg, "direct") == 0;
		return 0;
	}
	if (strcmp(name, "mask") == 0)
		return (r = mask_check(arg, f)) < 0 ? r : strv_extend(&w->masks, arg);
	if (strcmp(name, "protect") == 0 || strcmp(name, "unprotect") == 0) {
		const char *opt = name[0] == 'p' ? "--protect" : "--unprotect";
		if ((r = check_relpath(opt, arg, f)) < 0)
			return r;
		return strv_extend(name[0] == 'p' ? &w->protect : &w->unprotect, arg);
	}
	return failx(f, "workspace", "unknown option %s", name);
}

int workspace_opt_workspace(struct config *c, const char *arg, struct failure *f)
{
	return workspace_parse_option(c, "workspace", arg, f);
}

int workspace_opt_mode(struct config *c, const char *arg, struct failure *f)
{
	return workspace_parse_option(c, "workspace-mode", arg, f);
}

int workspace_opt_mask(struct config *c, const char *arg, struct failure *f)
{
	return workspace_parse_option(c, "mask", arg, f);
}

int workspace_opt_protect(struct config *c, const char *arg, struct failure *f)
{
	return workspace_parse_option(c, "protect", arg, f);
}

int workspace_opt_unprotect(struct config *c, const char *arg, struct failure *f)
{
	return workspace_parse_option(c, "unprotect", arg, f);
}

static void tree_free(struct ws_tree *t)
{
	free(t->dir);
	free(t->dst);
	strv_free(t->protect);
	strv_free(t->pending);
}

void workspace_free(struct config *c)
{
	struct workspace_config *w = c->workspace;

	if (!w)
		return;
	for (size_t i = 0; i < w->n_trees; i++)
		tree_free(&w->trees[i]);
	free(w->trees);
	strv_free(w->masks);
	strv_free(w->protect);
	strv_free(w->unprotect);
	free(w->state_dir);
	for (size_t i = 0; i < w->n_hits; i++)
		free(w->hits[i].dst);
	free(w->hits);
	free(w);
	c->workspace = NULL;
}

bool workspace_uses_overlay(const struct config *c)
{
	return c->workspace && c->workspace->n_trees > 0 && !c->workspace->direct;
}

/* DIR: an existing directory, by its real path (the overlay's lower is the directory itself,
 * not a symlink to it); DST: absolute, normalized, DIR by default. */
/* The kernel's own file systems: no overlay makes sense of them, and a review of /proc
 * would be of the kernel's state. */
static bool kernel_fs(const char *path)
{
	static const long types[] = { PROC_SUPER_MAGIC,	   SYSFS_MAGIC,	       CGROUP_SUPER_MAGIC,
				      CGROUP2_SUPER_MAGIC, DEBUGFS_MAGIC,      TRACEFS_MAGIC,
				      SECURITYFS_MAGIC,	   DEVPTS_SUPER_MAGIC, BPF_FS_MAGIC };
	struct statfs s;

	if (statfs(path, &s) < 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if ((long)s.f_type == types[i])
			return true;
	return false;
}

static int finish_tree(const struct config *c, struct ws_tree *t, struct failure *f)
{
	_cleanup_free_ char *exp = NULL;
	struct stat st;
	char *real;
	int r = path_expand(t->dir, c->home, c->runtime_dir, c->host_uid, c->cwd, &exp);

	if (r < 0)
		return failx(f, "--workspace", "%s: unknown macro or bad path", t->dir);
	if (stat(exp, &st) < 0)
		return fail(f, negative_errno(), "--workspace", "%s", exp);
	if (!S_ISDIR(st.st_mode))
		return fail(f, -ENOTDIR, "--workspace", "%s", exp);
	if (!(real = realpath(exp, NULL)))
		return fail(f, negative_errno(), "--workspace", "%s", exp);
	if (strcmp(real, "/") == 0) {
		free(real);
		return failx(f, "--workspace", "/: the whole root cannot be a workspace");
	}
	if (kernel_fs(real)) {
		r = failx(f, "--workspace",
			  "%s: a kernel file system (proc, sysfs, cgroup...) cannot be a workspace", real);
		free(real);
		return r;
	}
	free(t->dir);
	t->dir = real;
	if (!t->dst && !(t->dst = strdup(exp)))
		return -ENOMEM;
	if (t->dst[0] != '/' || path_has_dotdot(t->dst))
		return failx(f, "--workspace", "%s: the destination must be absolute, without '..'", t->dst);
	path_normalize(t->dst);
	if (strcmp(t->dst, "/") == 0)
		return failx(f, "--workspace", "/: cannot mount over the sandbox root");
	return 0;
}

static bool unprotected(const struct workspace_config *w, const char *rel)
{
	for (char **u = w->unprotect; u && *u; u++)
		if (strcmp(*u, rel) == 0)
			return true;
	return false;
}

/* Existing protected paths are bound read-only inside; missing ones are refused by apply.
 * A path that goes through a symlink (.vscode linked elsewhere, say) is neither: the plan
 * never mounts through one, and apply never writes through one. */
static int protect_one(const struct workspace_config *w, struct ws_tree *t, const char *rel)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	_cleanup_close_ int root = -1, fd = -1;

	if (unprotected(w, rel))
		return 0;
	root = open(t->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	fd = root < 0 ? -1 : (int)syscall(SYS_openat2, root, rel, &how, sizeof(how));
	if (fd >= 0)
		return strv_extend(&t->protect, rel);
	if (errno == ELOOP)
		return 0;
	return strv_extend(&t->pending, rel);
}

/* The persistence points (persist.h) in the workspace, and the whole workspace when it lies
 * in one (a workspace of ~/.config/hutch, say). */
static int protect_points(const struct config *c, struct workspace_config *w, struct ws_tree *t)
{
	_cleanup_strv_free_ char **points = NULL;
	int r = persist_points_beneath(c, t->dir, &points);

	for (char **p = points; r == 0 && p && *p; p++) {
		if (path_is_beneath(*p, t->dir) && strcmp(*p, t->dir) != 0)
			r = protect_one(w, t, *p + strlen(t->dir) + 1);
		else if (path_is_beneath(t->dir, *p))
			r = protect_one(w, t, ".");
	}
	return r;
}

static int finish_protect(const struct config *c, struct workspace_config *w, struct ws_tree *t)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(default_protect); i++)
		r = protect_one(w, t, default_protect[i]);
	for (char **p = w->protect; r == 0 && p && *p; p++)
		r = protect_one(w, t, *p);
	return r == 0 ? protect_points(c, w, t) : r;
}

char *workspace_root(char **env)
{
	const char *xdg = strv_env_get(env, "XDG_STATE_HOME"), *home = strv_env_get(env, "HOME");
	char *root = NULL;

	if (xdg && xdg[0] == '/')
		return asprintf(&root, "%s/hutch/workspaces", xdg) < 0 ? NULL : root;
	if (home && home[0] == '/')
		return asprintf(&root, "%s/.local/state/hutch/workspaces", home) < 0 ? NULL : root;
	return NULL;
}

/* overlayfs refuses layers inside each other; the state must not be in the tree it records. */
static int finish_state_dir(const struct config *c, struct workspace_config *w, char **host_env,
			    struct failure *f)
{
	_cleanup_free_ char *root = workspace_root(host_env);
	char *real = NULL;

	if (!root)
		return failx(f, "--workspace", "neither XDG_STATE_HOME nor HOME is set");
	if (strchr(c->name, '/') || c->name[0] == '.')
		return failx(f, "--name", "'%s' cannot name a workspace", c->name);
	if (asprintf(&w->state_dir, "%s/%s", root, c->name) < 0)
		return -ENOMEM;
	/* The part of the root that exists decides where it really is. */
	_cleanup_free_ char *probe = strdup(root);
	while (probe && !(real = realpath(probe, NULL)) && strrchr(probe, '/') != probe)
		*strrchr(probe, '/') = '\0';
	if (!probe)
		return -ENOMEM;
	if (real) { /* the real path of what exists, then the rest as written */
		char *full = NULL;
		int n = asprintf(&full, "%s%s", strcmp(real, "/") ? real : "", root + strlen(probe));
		free(real);
		real = n < 0 ? NULL : full;
	} else
		real = strdup(root);
	for (size_t i = 0; real && i < w->n_trees; i++)
		if (path_is_beneath(real, w->trees[i].dir) || path_is_beneath(w->trees[i].dir, real)) {
			int r = failx(f, "--workspace",
				      "%s holds the workspace state (%s): set XDG_STATE_HOME elsewhere",
				      w->trees[i].dir, root);
			free(real);
			return r;
		}
	free(real);
	return 0;
}

/* Every tree the sandbox sees from the host, with where it sees it. */
static int finish_masks(const struct config *c, struct workspace_config *w, struct failure *f)
{
	char **lists[] = { c->whitelist, c->read_only, c->whitelist_try, c->read_only_try };
	int r = 0;

	if (!w->masks)
		return 0;
	for (size_t i = 0; r == 0 && i < w->n_trees; i++)
		r = mask_resolve(w->masks, w->trees[i].dir, w->trees[i].dst, &w->hits, &w->n_hits, f);
	for (size_t l = 0; l < ARRAY_SIZE(lists); l++)
		for (char **p = lists[l]; r == 0 && p && *p; p++)
			r = mask_resolve(w->masks, *p, *p, &w->hits, &w->n_hits, f);
	for (size_t i = 0; r == 0 && i < c->n_mounts; i++) {
		const struct mount_req *m = &c->mounts[i];
		if (m->kind == MREQ_BIND || m->kind == MREQ_RO_BIND || m->kind == MREQ_DEV_BIND)
			r = mask_resolve(w->masks, m->src, m->dst, &w->hits, &w->n_hits, f);
	}
	if (r == 0 && (c->home_mode == HOME_HOST || c->home_mode == HOME_RO))
		r = mask_resolve(w->masks, c->home, c->home, &w->hits, &w->n_hits, f);
	return r;
}

int workspace_finish(struct config *c, char **host_env, struct failure *f)
{
	struct workspace_config *w = c->workspace;
	int r = 0;

	if (!w)
		return 0;
	if (w->n_trees == 0 && (w->direct || w->protect || w->unprotect))
		return failx(f, w->direct ? "--workspace-mode" : "--protect", "needs --workspace DIR");
	if (w->n_trees > 0 && c->tier == TIER_RESTRICTED)
		return failx(f, "--workspace", "needs the full tier (namespaces)");
	for (size_t i = 0; r == 0 && i < w->n_trees; i++)
		r = finish_tree(c, &w->trees[i], f);
	for (size_t i = 0; r == 0 && i < w->n_trees; i++)
		r = finish_protect(c, w, &w->trees[i]);
	if (r == 0 && workspace_uses_overlay(c))
		r = finish_state_dir(c, w, host_env, f);
	if (r == 0)
		r = finish_masks(c, w, f);
	return r == -ENOMEM ? fail(f, r, "workspace", NULL) : r;
}

int workspace_plan(const struct config *c, struct mountplan *p, struct failure *f)
{
	const struct workspace_config *w = c->workspace;
	char path[4096];
	int r = 0;

	for (size_t i = 0; w && r == 0 && i < w->n_trees; i++) {
		const struct ws_tree *t = &w->trees[i];
		if (w->direct) {
			r = mountplan_add(p, MP_BIND, 0, 0, t->dir, t->dst);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%zu/upper", w->state_dir, i);
		if ((r = mountplan_add(p, MP_OVERLAY_AT, 0, 0, path, t->dst)) < 0)
			break;
		struct mp_entry *e = &p->ops[p->n - 1];
		snprintf(path, sizeof(path), "%s/%zu/work", w->state_dir, i);
		e->driver = c->overlay_driver;
		if (!(e->work = strdup(path)) || strv_extend(&e->layers, t->dir) < 0)
			r = -ENOMEM;
	}
	return r < 0 ? fail(f, r, "workspace", "mount plan") : 0;
}

int workspace_plan_last(const struct config *c, struct mountplan *p, struct failure *f)
{
	const struct workspace_config *w = c->workspace;
	int r = 0;

	for (size_t i = 0; w && r == 0 && i < w->n_trees; i++)
		for (char **q = w->trees[i].protect; r == 0 && q && *q; q++) {
			_cleanup_free_ char *dst =
			    strcmp(*q, ".") == 0 ? strdup(w->trees[i].dst) : path_join(w->trees[i].dst, *q);
			r = dst ? mountplan_add(p, MP_REMOUNT_RO, MPF_TRY, 0, NULL, dst) : -ENOMEM;
		}
	/* The sandbox never sees the state it writes through the overlay (a --bind of a parent
	 * would show it). */
	if (r == 0 && w && w->state_dir) {
		_cleanup_free_ char *root =
		    strndup(w->state_dir, (size_t)(strrchr(w->state_dir, '/') - w->state_dir));
		r = root ? mountplan_add(p, MP_COVER, MPF_TRY, 0, NULL, root) : -ENOMEM;
	}
	for (size_t i = 0; w && r == 0 && i < w->n_hits; i++)
		r = mountplan_add(p, MP_COVER, MPF_TRY | MPF_EMPTY, w->hits[i].dir ? 0555 : 0444, NULL,
				  w->hits[i].dst);
	return r < 0 ? fail(f, r, "workspace", "mount plan") : 0;
}

static int foreign_visit(void *data, const char *rel, const struct stat *st)
{
	const struct config *c = data;

	(void)rel;
	return st->st_uid != c->host_uid || st->st_gid != c->host_gid ? 1 : 0;
}

/* Stops at the first foreign entry: tree_walk returns what a visit returned below 0 only, so
 * the hit is carried in a negative sentinel. */
static int foreign_visit_stop(void *data, const char *rel, const struct stat *st)
{
	return foreign_visit(data, rel, st) ? -EEXIST : 0;
}

bool workspace_foreign_owner(const struct config *c)
{
	if (!workspace_uses_overlay(c))
		return false;
	for (size_t i = 0; i < c->workspace->n_trees; i++) {
		char rel[4096] = "";
		struct stat st;
		int fd = open(c->workspace->trees[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (fstat(fd, &st) < 0 || foreign_visit((void *)c, ".", &st)) {
			safe_close(fd);
			return true;
		}
		if (tree_walk(fd, st.st_dev, INT_MAX, rel, sizeof(rel), foreign_visit_stop, (void *)c) ==
		    -EEXIST)
			return true;
	}
	return false;
}
