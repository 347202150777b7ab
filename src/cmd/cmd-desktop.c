/* `hutch desktop install APP...|--all` and `hutch desktop remove APP...|--all`: per-user
 * overrides of an app's .desktop entries in $XDG_DATA_HOME/applications, with the same file
 * name as the system's (so that menus and file managers take ours), whose Exec lines run the
 * app through hutch with its profile. Launcher side, the caller's own privileges: it reads
 * $XDG_DATA_DIRS and the profile directories and writes only in the caller's data home; no
 * sandbox is started. Exit status: 0, 1 when something failed, 2 for a usage error. */
#include "cmd/cmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/failure.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "front/profile/profile.h"
#include "lib/strv.h"

#define EXIT_FAILED 1
#define EXIT_USAGE  2

/* Written into each entry we make: remove deletes only ours, never the user's own. */
#define KEY_PROFILE "X-Hutch-Profile"
#define KEY_SOURCE  "X-Hutch-Source"

static const char usage[] = "usage: hutch desktop install APP...|--all\n"
			    "       hutch desktop remove APP...|--all\n";

struct desk {
	char *hutch;	 /* this executable, for the Exec lines */
	char *user_dir;	 /* $XDG_DATA_HOME/applications */
	char **sys_dirs; /* applications/ of each $XDG_DATA_DIRS entry, first wins */
	struct profile_env penv;
};

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static bool strv_has(char **v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* A profile's name: it becomes part of a file name and of an Exec line. */
static bool app_name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-") == n;
}

/* ---- the Exec value (desktop entry spec, "The Exec key") ------------------------------------ */

/* The program of an Exec value: the first argument, unescaped (the string's own \\ and \s,
 * then the quoting of "..." arguments). */
static void exec_program(const char *v, char *buf, size_t size)
{
	bool quoted = *v == '"';
	size_t n = 0;

	for (const char *p = v + quoted; *p && n + 1 < size; p++) {
		char ch = *p;
		if (ch == '\\' && p[1] == 's')
			ch = ' ', p++;
		else if (ch == '\\' && p[1] == '\\')
			p++;
		if (quoted && ch == '\\' && p[1] && strchr("\"`$\\", p[1]))
			ch = *++p;
		else if (quoted ? ch == '"' : (ch == ' ' || ch == '\t'))
			break;
		buf[n++] = ch;
	}
	buf[n] = '\0';
}

/* One argument of ours in Exec's syntax: quoted when it holds a reserved character, with the
 * quoting's escapes, then the string's (\ doubled) and the field codes' (% doubled). */
static void exec_quote(FILE *out, const char *arg)
{
	bool quote = strpbrk(arg, " \t\n\"'\\><~|&;$*?#()`") != NULL;

	if (quote)
		fputc('"', out);
	for (const char *p = arg; *p; p++) {
		if (quote && strchr("\"`$\\", *p))
			fputs("\\\\", out); /* the quoting's backslash, itself escaped */
		if (*p == '\\')
			fputs("\\", out);
		if (*p == '%')
			fputc('%', out);
		fputc(*p, out);
	}
	if (quote)
		fputc('"', out);
}

/* ---- reading an entry ----------------------------------------------------------------------- */

/* The value of key in the [Desktop Entry] group, or NULL; *ret_value is malloc'ed. */
static int entry_get(const char *path, const char *key, char **ret_value)
{
	_cleanup_(fclosep) FILE *in = fopen(path, "re");
	char line[8192];
	bool main_group = false;
	size_t klen = strlen(key);

	*ret_value = NULL;
	if (!in)
		return negative_errno();
	while (fgets(line, sizeof(line), in)) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '[') {
			main_group = strcmp(line, "[Desktop Entry]") == 0;
			continue;
		}
		char *p = line + klen;
		if (!main_group || strncmp(line, key, klen) != 0)
			continue;
		p += strspn(p, " ");
		if (*p != '=')
			continue;
		*ret_value = strdup(p + 1 + strspn(p + 1, " "));
		return *ret_value ? 0 : -ENOMEM;
	}
	return 0;
}

/* An entry belongs to APP when its file is APP.desktop or its Exec runs APP (evince's is
 * org.gnome.Evince.desktop, libreoffice has one per component). Hidden ones are deleted ones. */
static bool entry_is_app(const char *dir, const char *file, const char *app)
{
	_cleanup_free_ char *path = path_join(dir, file), *exec = NULL, *hidden = NULL;
	char prog[PATH_MAX];
	size_t n = strlen(app);

	if (!path || entry_get(path, "Exec", &exec) < 0 || !exec || entry_get(path, "Hidden", &hidden) < 0)
		return false;
	if (hidden && strcmp(hidden, "true") == 0)
		return false;
	if (strncmp(file, app, n) == 0 && strcmp(file + n, ".desktop") == 0)
		return true;
	exec_program(exec, prog, sizeof(prog));
	const char *base = strrchr(prog, '/');
	return strcmp(base ? base + 1 : prog, app) == 0;
}

/* The system entries of APP: "DIR/FILE" for each file name, from the first data dir that has it. */
static int find_entries(const struct desk *d, const char *app, char ***ret)
{
	_cleanup_strv_free_ char **names = NULL, **paths = NULL;
	int r = 0;

	for (char **dir = d->sys_dirs; r == 0 && dir && *dir; dir++) {
		DIR *dp = opendir(*dir);
		struct dirent *e;
		while (dp && r == 0 && (e = readdir(dp))) {
			size_t len = strlen(e->d_name);
			if (len < 9 || strcmp(e->d_name + len - 8, ".desktop") != 0 || e->d_name[0] == '.' ||
			    strv_has(names, e->d_name) || !entry_is_app(*dir, e->d_name, app))
				continue;
			r = strv_extend(&names, e->d_name);
			if (r == 0)
				r = strv_consume(&paths, path_join(*dir, e->d_name));
		}
		if (dp)
			closedir(dp);
	}
	*ret = TAKE_PTR(paths);
	return r;
}

/* ---- writing the override ------------------------------------------------------------------- */

static bool is_key(const char *line, const char *key)
{
	size_t n = strlen(key);

	return strncmp(line, key, n) == 0 && line[n + strspn(line + n, " ")] == '=';
}

/* Every Exec (the entry's and each action's) runs through hutch; DBusActivatable goes, since
 * D-Bus activation would start the app without Exec, outside the sandbox. */
static void write_line(FILE *out, const struct desk *d, const char *app, const char *line)
{
	if (is_key(line, "DBusActivatable") || is_key(line, KEY_PROFILE) || is_key(line, KEY_SOURCE))
		return;
	if (!is_key(line, "Exec")) {
		fprintf(out, "%s\n", line);
		return;
	}
	const char *v = strchr(line, '=') + 1;
	fputs("Exec=", out);
	exec_quote(out, d->hutch);
	fputs(" --profile ", out);
	exec_quote(out, app);
	fprintf(out, " -- %s\n", v + strspn(v, " "));
}

static int write_entry(FILE *in, FILE *out, const struct desk *d, const char *app, const char *src)
{
	char line[8192];
	bool seen_main = false;

	while (fgets(line, sizeof(line), in)) {
		if (!strchr(line, '\n') && !feof(in))
			return -E2BIG;
		line[strcspn(line, "\n")] = '\0';
		write_line(out, d, app, line);
		if (!seen_main && strcmp(line, "[Desktop Entry]") == 0) {
			seen_main = true;
			fprintf(out, KEY_PROFILE "=%s\n" KEY_SOURCE "=%s\n", app, src);
		}
	}
	return seen_main ? 0 : -EBADMSG;
}

/* Written beside the target and renamed over it: a menu never reads half an entry. */
static int install_one(const struct desk *d, const char *app, const char *src, char **ret_dst,
		       struct failure *f)
{
	const char *name = strrchr(src, '/') + 1;
	_cleanup_free_ char *dst = path_join(d->user_dir, name), *tmp = NULL;
	_cleanup_(fclosep) FILE *in = fopen(src, "re");
	FILE *out;
	int fd, r;

	if (!dst || asprintf(&tmp, "%s.hutch-XXXXXX", dst) < 0)
		return fail(f, -ENOMEM, "desktop", NULL);
	if (!in)
		return fail(f, negative_errno(), "desktop", "%s", src);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0 || !(out = fdopen(fd, "w")))
		return fail(f, fd < 0 ? negative_errno() : (close(fd), -ENOMEM), "desktop", "%s", tmp);
	r = write_entry(in, out, d, app, src);
	fchmod(fd, 0644);
	if (fclose(out) != 0 && r == 0)
		r = negative_errno();
	if (r == 0 && rename(tmp, dst) < 0)
		r = negative_errno();
	if (r < 0) {
		unlink(tmp);
		return fail(f, r, "desktop", "%s%s", src,
			    r == -EBADMSG ? ": no [Desktop Entry] group"
			    : r == -E2BIG ? ": line too long"
					  : "");
	}
	*ret_dst = TAKE_PTR(dst);
	return 0;
}

/* mkdir -p of the user's applications dir (0700 for what is new, as XDG asks). */
static int make_user_dir(const char *dir)
{
	_cleanup_free_ char *p = strdup(dir);

	if (!p)
		return -ENOMEM;
	for (char *s = strchr(p + 1, '/');; s = strchr(s + 1, '/')) {
		if (s)
			*s = '\0';
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return negative_errno();
		if (!s)
			return 0;
		*s = '/';
	}
}

static void print_failure(const struct failure *f)
{
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	failure_format(f, line, sizeof(line));
	fprintf(stderr, "hutch: %s\n", line);
}

/* 1: installed something; 0: APP has no entry here; -1: a failure, printed. */
static int install_app(const struct desk *d, const char *app)
{
	_cleanup_strv_free_ char **srcs = NULL;
	struct failure f = { 0 };
	int done = 0;

	if (find_entries(d, app, &srcs) < 0 || make_user_dir(d->user_dir) < 0) {
		fprintf(stderr, "hutch: desktop: %s: %s\n", app, strerror(errno ? errno : ENOMEM));
		return -1;
	}
	for (char **s = srcs; s && *s; s++) {
		_cleanup_free_ char *dst = NULL;
		if (install_one(d, app, *s, &dst, &f) < 0) {
			print_failure(&f);
			return -1;
		}
		printf("installed %s (from %s, profile %s)\n", dst, *s, app);
		done = 1;
	}
	return done;
}

/* ---- the subcommands ------------------------------------------------------------------------ */

static bool has_profile(const struct desk *d, const char *app)
{
	_cleanup_free_ char *path = NULL;

	return profile_find(&d->penv, app, &path) == 0;
}

/* Every profile name in the shipped directories: the apps --all considers. */
static int shipped_profiles(const struct desk *d, char ***ret)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < d->penv.n_dirs; i++) {
		DIR *dp = d->penv.dirs[i].kind == PROFILE_DIR_SHIPPED ? opendir(d->penv.dirs[i].path) : NULL;
		struct dirent *e;
		while (dp && r == 0 && (e = readdir(dp))) {
			size_t len = strlen(e->d_name);
			if (len > 8 && strcmp(e->d_name + len - 8, ".profile") == 0 && e->d_name[0] != '.')
				r = strv_consume(ret, strndup(e->d_name, len - 8));
		}
		if (dp)
			closedir(dp);
	}
	return r;
}

static int cmd_install(const struct desk *d, char **apps, bool all)
{
	_cleanup_strv_free_ char **shipped = NULL;
	int status = 0, n = 0;

	if (all && shipped_profiles(d, &shipped) < 0)
		return EXIT_FAILED;
	for (char **a = all ? shipped : apps; a && *a; a++) {
		if (!all && (!app_name_ok(*a) || !has_profile(d, *a))) {
			fprintf(stderr, "hutch: desktop: %s: no profile of that name\n", *a);
			status = EXIT_FAILED;
			continue;
		}
		int r = install_app(d, *a);
		if (r < 0)
			status = EXIT_FAILED;
		if (r == 0 && !all) {
			fprintf(stderr, "hutch: desktop: %s: no .desktop entry runs it in $XDG_DATA_DIRS\n",
				*a);
			status = EXIT_FAILED;
		}
		n += r > 0;
	}
	if (all && n == 0)
		printf("no installed app has a shipped profile: nothing to do\n");
	return status;
}

/* 1 when the file is one of ours for app (any app when NULL). */
static bool ours(const struct desk *d, const char *file, const char *app)
{
	_cleanup_free_ char *path = path_join(d->user_dir, file), *v = NULL;

	if (!path || entry_get(path, KEY_PROFILE, &v) < 0 || !v)
		return false;
	return !app || strcmp(v, app) == 0;
}

static int remove_app(const struct desk *d, const char *app)
{
	DIR *dp = opendir(d->user_dir);
	struct dirent *e;
	int n = 0, status = 0;

	while (dp && (e = readdir(dp))) {
		size_t len = strlen(e->d_name);
		if (len < 9 || strcmp(e->d_name + len - 8, ".desktop") != 0 || !ours(d, e->d_name, app))
			continue;
		if (unlinkat(dirfd(dp), e->d_name, 0) < 0) {
			fprintf(stderr, "hutch: desktop: %s/%s: %s\n", d->user_dir, e->d_name,
				strerror(errno));
			status = EXIT_FAILED;
			continue;
		}
		printf("removed %s/%s\n", d->user_dir, e->d_name);
		n++;
	}
	if (dp)
		closedir(dp);
	if (n == 0 && app) {
		fprintf(stderr, "hutch: desktop: %s: no entry of hutch's for it in %s\n", app, d->user_dir);
		status = EXIT_FAILED;
	}
	return status;
}

static int cmd_remove(const struct desk *d, char **apps, bool all)
{
	int status = 0;

	if (all)
		return remove_app(d, NULL);
	for (char **a = apps; a && *a; a++)
		if (remove_app(d, *a) != 0)
			status = EXIT_FAILED;
	return status;
}

/* $XDG_DATA_HOME (default ~/.local/share) and $XDG_DATA_DIRS (default /usr/local/share:/usr/share),
 * each with applications/ appended. */
static int desk_init(struct desk *d, char **env, struct failure *f)
{
	const char *home = strv_env_get(env, "XDG_DATA_HOME"), *dirs = strv_env_get(env, "XDG_DATA_DIRS");
	_cleanup_strv_free_ char **list = NULL;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int r = profile_env_init(&d->penv, env, f);

	if (r < 0)
		return r;
	if (n < 0)
		return fail(f, negative_errno(), "desktop", "/proc/self/exe");
	exe[n] = '\0';
	if (!(d->hutch = strdup(exe)))
		return fail(f, -ENOMEM, "desktop", NULL);
	if (home && home[0] == '/')
		d->user_dir = path_join(home, "applications");
	else
		d->user_dir = path_join(d->penv.home, ".local/share/applications");
	r = strv_split_extend(&list, dirs && *dirs ? dirs : "/usr/local/share:/usr/share", ':');
	for (char **l = list; r == 0 && l && *l; l++)
		if ((*l)[0] == '/')
			r = strv_consume(&d->sys_dirs, path_join(*l, "applications"));
	return r < 0 || !d->user_dir ? fail(f, -ENOMEM, "desktop", NULL) : 0;
}

static void desk_free(struct desk *d)
{
	free(d->hutch);
	free(d->user_dir);
	strv_free(d->sys_dirs);
	profile_env_free(&d->penv);
}

int cmd_desktop(int argc, char **argv, char **env)
{
	struct desk d = { 0 };
	struct failure f = { 0 };
	bool all = argc == 3 && strcmp(argv[2], "--all") == 0;
	int status;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 3 || (strcmp(argv[1], "install") != 0 && strcmp(argv[1], "remove") != 0) ||
	    (!all && argv[2][0] == '-')) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (desk_init(&d, env, &f) < 0) {
		print_failure(&f);
		desk_free(&d);
		return EXIT_FAILED;
	}
	if (strcmp(argv[1], "install") == 0)
		status = cmd_install(&d, argv + 2, all);
	else
		status = cmd_remove(&d, argv + 2, all);
	desk_free(&d);
	return status;
}
