/* --private-bin PROG,... (see private-bin.h). The names are looked up as firejail looks them
 * up: in its eight program directories in its order, the first match winning; a glob takes
 * every match in every directory; an absolute name must be a program in one of them. A
 * symlink is kept as a link to its real path, and that real file comes along when it is in a
 * program directory too (python3 -> python3.11 brings both, sh -> dash brings dash). Every
 * program directory then shows the same set, as in firejail. Files are bound from the host,
 * not copied: the sandbox runs the host's own programs, read-only. Launcher side, the
 * caller's own privileges; finishing reads the host (stat, readlink, glob), the plan part
 * makes no system call. */
#include "front/private-bin.h"

#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/config.h"
#include "front/mountplan.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "lib/strv.h"

/* firejail's program directories, in its search order (its stock firejail.config keeps the
 * /usr/local ones: private-bin-no-local is off). */
static const char *const bin_dirs[] = {
	"/usr/local/bin",   "/usr/bin",	       "/bin",	    "/usr/games",
	"/usr/local/games", "/usr/local/sbin", "/usr/sbin", "/sbin",
};

int private_bin_opt(struct config *c, const char *arg, struct failure *f)
{
	_cleanup_strv_free_ char **v = NULL;
	int r = strv_split_extend(&v, arg, ',');

	if (r < 0)
		return r;
	for (char **e = v; e && *e; e++)
		if (strstr(*e, "..") || (*e)[0] == '~' || (strchr(*e, '/') && (*e)[0] != '/'))
			return failx(f, "--private-bin",
				     "'%s': expected program names (or absolute paths in /usr/bin, "
				     "/usr/sbin, ...)",
				     *e);
	for (char **e = v; e && *e; e++)
		if (**e && (r = strv_extend(&c->private_bin, *e)) < 0)
			return r;
	if (!c->private_bin && (r = strv_consume(&c->private_bin, calloc(1, 1))) < 0)
		return r; /* "--private-bin ''": no program at all */
	return 0;
}

static bool listed(char **v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

static bool beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/' && path[n + 1];
}

/* A program firejail accepts as given or as a link's real file: in a program directory,
 * executable, not a directory. */
static bool is_program(const char *path)
{
	struct stat st;
	bool in_dir = false;

	for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++)
		in_dir = in_dir || beneath(path, bin_dirs[i]);
	return in_dir && !strstr(path, "..") && stat(path, &st) == 0 && !S_ISDIR(st.st_mode) &&
	       access(path, X_OK) == 0;
}

static bool has_name(char **pairs, const char *name)
{
	for (char **p = pairs; p && p[0] && p[1]; p += 2)
		if (strcmp(p[0], name) == 0)
			return true;
	return false;
}

static int add_pair(struct private_bin_set *s, char ***pairs, const char *name, const char *src)
{
	int r;

	if (has_name(s->files, name) || has_name(s->links, name))
		return 0;
	if ((r = strv_extend(pairs, name)) < 0)
		return r;
	return strv_extend(pairs, src);
}

/* A link in /usr/local/bin to firejail itself is firecfg's wrapper, which firejail skips too:
 * the program it stands for is the next match. */
static bool is_firejail_wrapper(const char *path)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	const char *base = real ? strrchr(real, '/') : NULL;

	return base && strcmp(base, "/firejail") == 0 && beneath(path, "/usr/local/bin");
}

/* path was found: its file, or its link and the link's real file. */
static int add_found(struct private_bin_set *s, const char *path)
{
	const char *name = strrchr(path, '/') + 1;
	_cleanup_free_ char *real = NULL;
	struct stat st;
	int r;

	if (lstat(path, &st) < 0 || S_ISDIR(st.st_mode))
		return 0;
	if (!S_ISLNK(st.st_mode))
		return add_pair(s, &s->files, name, path);
	if (!(real = realpath(path, NULL)))
		return 0; /* a dangling link: nothing to run */
	if (is_program(real) && (r = add_pair(s, &s->files, strrchr(real, '/') + 1, real)) < 0)
		return r;
	return add_pair(s, &s->links, name, real);
}

static int add_glob(struct private_bin_set *s, const char *pattern)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(bin_dirs); i++) {
		char path[PATH_MAX];
		glob_t g;
		if (snprintf(path, sizeof(path), "%s/%s", bin_dirs[i], pattern) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		if (glob(path, GLOB_NOSORT | GLOB_PERIOD, NULL, &g) != 0)
			continue;
		for (size_t j = 0; r == 0 && j < g.gl_pathc; j++)
			if (is_program(g.gl_pathv[j]))
				r = add_found(s, g.gl_pathv[j]);
		globfree(&g);
	}
	return r;
}

static int add_name(struct private_bin_set *s, const char *name)
{
	struct stat st;

	if (name[0] == '/')
		return is_program(name) ? add_found(s, name) : 0;
	if (strpbrk(name, "*?["))
		return add_glob(s, name);
	for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++) {
		char path[PATH_MAX];
		if (snprintf(path, sizeof(path), "%s/%s", bin_dirs[i], name) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode) && !is_firejail_wrapper(path))
			return add_found(s, path);
	}
	return 0; /* not installed here: skipped, as firejail skips it */
}

/* The directories that get the set: each existing one by its real path, once (/bin is
 * usr/bin on a merged-/usr host, and the plan keeps that link as it is). */
static int find_dirs(struct private_bin_set *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(bin_dirs); i++) {
		_cleanup_free_ char *real = realpath(bin_dirs[i], NULL);
		struct stat st;
		int r;
		if (!real || stat(real, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		/* only where hutch's host view shows the host's directory */
		if (!beneath(real, "/usr") && strcmp(real, "/bin") != 0 && strcmp(real, "/sbin") != 0)
			continue;
		if (!listed(s->dirs, real) && (r = strv_extend(&s->dirs, real)) < 0)
			return r;
	}
	return 0;
}

int private_bin_finish(struct config *c, struct failure *f)
{
	int r;

	if (!c->private_bin)
		return 0;
	if (c->rootfs || c->layers || c->rootfs_bind)
		return failx(f, "--private-bin",
			     "applies to the host view, not to --rootfs, --layers or --rootfs-bind");
	r = find_dirs(&c->private_bin_set);
	for (char **n = c->private_bin; r == 0 && *n; n++)
		if (**n)
			r = add_name(&c->private_bin_set, *n);
	return r < 0 ? fail(f, r, "--private-bin", NULL) : 0;
}

static int plan_dir(const struct private_bin_set *s, const char *dir, struct mountplan *p)
{
	int r = mountplan_add(p, MP_TMPFS, 0, 0755, NULL, dir);

	for (char **e = s->files; r == 0 && e && e[0] && e[1]; e += 2) {
		_cleanup_free_ char *dst = NULL;
		r = asprintf(&dst, "%s/%s", dir, e[0]) < 0 ? -ENOMEM
							   : mountplan_add(p, MP_BIND, MPF_RO, 0, e[1], dst);
	}
	for (char **e = s->links; r == 0 && e && e[0] && e[1]; e += 2) {
		_cleanup_free_ char *dst = NULL;
		r = asprintf(&dst, "%s/%s", dir, e[0]) < 0 ? -ENOMEM
							   : mountplan_add(p, MP_SYMLINK, 0, 0, e[1], dst);
	}
	return r == 0 ? mountplan_add(p, MP_REMOUNT_RO, 0, 0, NULL, dir) : r;
}

int private_bin_plan(const struct config *c, struct mountplan *p)
{
	int r = 0;

	if (!c->private_bin)
		return 0;
	for (char **d = c->private_bin_set.dirs; r == 0 && d && *d; d++)
		r = plan_dir(&c->private_bin_set, *d, p);
	return r;
}

void private_bin_free(struct private_bin_set *s)
{
	strv_free(s->dirs);
	strv_free(s->files);
	strv_free(s->links);
	*s = (struct private_bin_set){ 0 };
}
