/* `hutch profile show NAME|PATH`, `hutch profile check FILE...`, `hutch profile list`: the tools
 * for a person writing or auditing profiles. Launcher side, the caller's own privileges; it
 * reads profiles and starts no sandbox. Exit status: 0, 1 when a profile has errors, 2 for a
 * usage error. */
#include "cmd/cmd-profile.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "front/config.h"
#include "lib/escape.h"
#include "front/firejail/firejail.h"
#include "front/profile/profile.h"
#include "lib/strv.h"

#define EXIT_PROFILE_ERROR 1 /* check: a profile has errors (a finding, not a failure) */
#define EXIT_USAGE	   2

static const char usage[] = "usage: hutch profile show NAME|PATH\n"
			    "       hutch profile check NAME|PATH...\n"
			    "       hutch profile list\n"
			    "       hutch profile import firejail NAME|PATH [-o FILE]\n";

static void print_failure(const struct failure *f)
{
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	failure_format(f, line, sizeof(line));
	fprintf(stderr, "hutch: %s\n", ESC(line));
}

static void print_diags(const struct profile *p)
{
	for (size_t i = 0; i < p->n_diags; i++)
		fprintf(stderr, "%s: %s: %s\n", ESC(p->diags[i].where),
			p->diags[i].kind == PROFILE_ERROR ? "error" : "warning", ESC(p->diags[i].msg));
}

/* ---- firejail's profiles (src/front/firejail) --------------------------------------------------- */

static void print_summary(const struct fj_result *res, const char *path, FILE *out)
{
	fprintf(out,
		"# firejail's %s, translated: %zu directive lines, %zu approximated, %zu dropped, "
		"%zu weaker than firejail\n",
		path, res->n_lines, res->n_kind[FJ_APPROX], res->n_kind[FJ_DROPPED], res->n_kind[FJ_WEAKER]);
	for (size_t i = 0; res->files && res->files[i]; i++)
		fprintf(out, "%s%s\n", i ? "#   " : "# Read: ", res->files[i]);
}

/* The translation, loaded and applied to a scratch config as a run would: what is printed
 * is a profile hutch accepts. */
static int fj_translate_checked(const struct profile_env *e, char **host_env, const char *path,
				struct fj_result *res)
{
	struct profile p = { 0 };
	struct failure f = { 0 };
	struct config c;
	int r = fj_translate(e, host_env, path, res);

	if (r == -EINVAL) {
		fprintf(stderr, "hutch: firejail: %s\n", res->error);
		return r;
	}
	config_init(&c);
	if (r == 0)
		r = fj_load(e, res, path, &p, &f);
	if (r == 0)
		r = profile_apply(&p, &c, 0, &f);
	if (r < 0 && profile_first_error(&p))
		print_diags(&p);
	else if (r < 0)
		print_failure(&f);
	profile_free(&p);
	config_free(&c);
	return r;
}

/* show for a NAME hutch has no profile of: firejail's, as a run would pick it. */
static int show_firejail(const struct profile_env *e, char **host_env, const char *name)
{
	_cleanup_free_ char *path = NULL;
	struct fj_result res = { 0 };
	struct failure f = { 0 };
	enum fj_mode mode;
	int r = fj_setting(e, &mode, &f);

	if (r < 0) {
		print_failure(&f);
		return r;
	}
	if (mode == FJ_MODE_OFF)
		return -ENOENT; /* hutch.conf turned them off: a run would not read it either */
	if ((r = fj_find(e, host_env, name, &path)) < 0)
		return r;
	r = fj_translate_checked(e, host_env, path, &res);
	if (r == 0) {
		printf("# %s: no hutch profile; a run uses firejail's %s\n", name, path);
		print_summary(&res, path, stdout);
		fputs(res.out.s, stdout);
	}
	fj_result_free(&res);
	return r < 0 ? -EINVAL : 0;
}

static int import_firejail(const struct profile_env *e, char **host_env, int argc, char **argv)
{
	const char *arg = argv[0], *out_path = argc == 3 ? argv[2] : NULL;
	_cleanup_free_ char *path = NULL;
	struct fj_result res = { 0 };
	FILE *out = stdout;
	int r = strchr(arg, '/') ? ((path = strdup(arg)) ? 0 : -ENOMEM) : fj_find(e, host_env, arg, &path);

	if (r == -ENOENT) {
		fprintf(stderr,
			"hutch: profile import: no firejail profile named '%s' in ~/.config/firejail "
			"or %s\n",
			arg, FJ_SYSTEM_DIR);
		return EXIT_LAUNCHER;
	}
	if (r == 0)
		r = fj_translate_checked(e, host_env, path, &res);
	if (r == 0 && out_path && !(out = fopen(out_path, "we"))) {
		fprintf(stderr, "hutch: profile import: %s: %s\n", out_path, strerror(errno));
		r = -errno;
	}
	if (r == 0) {
		print_summary(&res, path, out);
		fputs(res.out.s, out);
		if (out != stdout && fclose(out) != 0) {
			fprintf(stderr, "hutch: profile import: %s: %s\n", out_path, strerror(errno));
			r = -EIO;
		}
	}
	fj_result_free(&res);
	return r < 0 ? EXIT_LAUNCHER : 0;
}

static int show(const struct profile_env *e, const char *arg, char **host_env)
{
	_cleanup_free_ char *path = NULL;
	struct profile p = { 0 };
	struct failure f = { 0 };
	struct config c;
	int r;

	/* as a run picks it: hutch's own profile of that name first, else firejail's */
	if (!strchr(arg, '/') && profile_find(e, arg, &path) == -ENOENT &&
	    (r = show_firejail(e, host_env, arg)) != -ENOENT)
		return r < 0 ? EXIT_LAUNCHER : 0;
	free(TAKE_PTR(path));
	config_init(&c);
	r = profile_resolve(e, arg, &path, &f);
	if (r == 0)
		r = profile_load(e, path, 0, &p, &f);
	if (r == 0)
		r = profile_apply(&p, &c, 0, &f); /* a bad value is an error here as in a run */
	if (r == 0)
		profile_write(&p, stdout);
	else if (profile_first_error(&p))
		print_diags(&p);
	else
		print_failure(&f);
	profile_free(&p);
	config_free(&c);
	return r < 0 ? EXIT_LAUNCHER : 0;
}

/* What only the whole configuration can tell (e.g. hostname with share-uts), as a run would
 * see it with a command. */
static int check_whole(struct profile *p, const char *path, char **host_env)
{
	struct config c;
	struct failure f = { 0 };
	int r;

	config_init(&c);
	r = profile_apply(p, &c, PROFILE_KEEP_GOING, &f);
	if (r == 0 && p->n_errors)
		r = -EINVAL; /* the lines said it already */
	if (r == 0 && strv_extend(&c.argv, "true") < 0)
		r = fail(&f, -ENOMEM, "profile", NULL);
	/* The check is about the profile, not where it is run from: a tool's `workdir error` in the
	 * home is the run's refusal, not a mistake in the file. */
	if (c.workdir == WORKDIR_ERROR)
		c.workdir = WORKDIR_EMPTY;
	if (r == 0 && (r = config_finish(&c, host_env, &f)) < 0) {
		char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];
		failure_format(&f, line, sizeof(line));
		fprintf(stderr, "%s: error: %s\n", ESC(path), ESC(line));
	}
	config_free(&c);
	return r;
}

/* check is about files: `hutch profile check my.profile` means the one here when there is
 * one; otherwise the argument is a NAME or PATH as for --profile. */
static int check_target(const struct profile_env *e, const char *arg, char **ret, struct failure *f)
{
	struct stat st;

	if (stat(arg, &st) == 0 && S_ISREG(st.st_mode))
		return (*ret = strdup(arg)) ? 0 : fail(f, -ENOMEM, "profile", NULL);
	return profile_resolve(e, arg, ret, f);
}

static int check_one(const struct profile_env *e, const char *arg, char **host_env)
{
	_cleanup_free_ char *path = NULL;
	struct profile p = { 0 };
	struct failure f = { 0 };
	int r = check_target(e, arg, &path, &f), whole = 0;

	if (r < 0) {
		print_failure(&f);
		return r;
	}
	r = profile_load(e, path, PROFILE_KEEP_GOING, &p, &f);
	/* Values are checked by the options themselves, on a scratch config, also when some
	 * lines were wrong: every error in one pass. */
	if (r == -ENOMEM)
		print_failure(&f);
	else
		whole = check_whole(&p, path, host_env);
	print_diags(&p);
	if (r == 0 && whole == 0 && p.n_errors == 0)
		printf("%s: ok (%zu directives from %zu files)\n", ESC(path), p.n_entries,
		       strv_length(p.files));
	r = r < 0 ? r : p.n_errors ? -EINVAL : whole;
	profile_free(&p);
	return r;
}

/* ---- list --------------------------------------------------------------------------------- */

struct found {
	char *name;
	size_t dir;
};

static int found_cmp(const void *a, const void *b)
{
	const struct found *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->dir > y->dir) - (x->dir < y->dir);
}

static bool is_profile_file(const char *name)
{
	size_t n = strlen(name);

	return (n > 8 && strcmp(name + n - 8, ".profile") == 0) ||
	       (n > 6 && strcmp(name + n - 6, ".local") == 0);
}

static int scan_dir(const char *path, size_t index, struct found **v, size_t *n)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d)
		return 0; /* an absent directory is simply not there: list says so in its header */
	while (r == 0 && (de = readdir(d))) {
		struct found *nv;
		if (de->d_name[0] == '.' || !is_profile_file(de->d_name))
			continue;
		if (!(nv = realloc(*v, (*n + 1) * sizeof(**v))) || !(nv[*n].name = strdup(de->d_name)))
			r = -ENOMEM;
		if (nv)
			*v = nv;
		if (r == 0)
			nv[(*n)++].dir = index;
	}
	closedir(d);
	return r;
}

static const char *kind_name(enum profile_dir_kind k)
{
	return k == PROFILE_DIR_USER ? "user" : k == PROFILE_DIR_SYSTEM ? "system" : "shipped";
}

static void print_found(const struct profile_env *e, const struct found *v, size_t n, size_t i)
{
	const struct found *x = &v[i];
	const char *kind = kind_name(e->dirs[x->dir].kind);
	bool local = strcmp(x->name + strlen(x->name) - 6, ".local") == 0;

	printf("%-28s %-8s %s/%s", ESC(x->name), kind, ESC(e->dirs[x->dir].path), ESC(x->name));
	if (local)
		printf("  (override, read after %.*s.profile)", (int)(strlen(ESC(x->name)) - 6),
		       ESC(x->name));
	else if (i > 0 && strcmp(v[i - 1].name, x->name) == 0)
		printf("  (shadowed by the %s one)", kind_name(e->dirs[v[i - 1].dir].kind));
	else if (i + 1 < n && strcmp(v[i + 1].name, x->name) == 0)
		printf("  (shadows the %s one)", kind_name(e->dirs[v[i + 1].dir].kind));
	putchar('\n');
}

static int list(const struct profile_env *e)
{
	struct found *v = NULL;
	size_t n = 0;
	int r = 0;

	printf("# searched in this order, the first found wins:\n");
	for (size_t i = 0; i < e->n_dirs; i++) {
		DIR *d = opendir(e->dirs[i].path);
		printf("#   %s (%s)%s\n", ESC(e->dirs[i].path), kind_name(e->dirs[i].kind),
		       d ? "" : " - absent");
		if (d)
			closedir(d);
		if (r == 0)
			r = scan_dir(e->dirs[i].path, i, &v, &n);
	}
	if (r == 0 && n)
		qsort(v, n, sizeof(*v), found_cmp);
	for (size_t i = 0; r == 0 && i < n; i++)
		print_found(e, v, n, i);
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
	if (r < 0)
		fprintf(stderr, "hutch: profile list: %s\n", strerror(-r));
	return r < 0 ? EXIT_LAUNCHER : 0;
}

int cmd_profile(int argc, char **argv, char **host_env)
{
	struct profile_env e;
	struct failure f = { 0 };
	const char *verb = argc > 1 ? argv[1] : "";
	int status = 0;

	if (strcmp(verb, "--help") == 0 || strcmp(verb, "-h") == 0) {
		fputs(usage, stdout);
		return 0;
	}
	bool import = strcmp(verb, "import") == 0 &&
		      ((argc == 4 && strcmp(argv[2], "firejail") == 0) ||
		       (argc == 6 && strcmp(argv[2], "firejail") == 0 && strcmp(argv[4], "-o") == 0));

	if (!((strcmp(verb, "show") == 0 && argc == 3) || (strcmp(verb, "check") == 0 && argc >= 3) ||
	      (strcmp(verb, "list") == 0 && argc == 2) || import)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (profile_env_init(&e, host_env, &f) < 0) {
		print_failure(&f);
		return EXIT_LAUNCHER;
	}
	if (strcmp(verb, "show") == 0)
		status = show(&e, argv[2], host_env);
	else if (import)
		status = import_firejail(&e, host_env, argc - 3, argv + 3);
	else if (strcmp(verb, "list") == 0)
		status = list(&e);
	for (int i = 2; strcmp(verb, "check") == 0 && i < argc; i++)
		if (check_one(&e, argv[i], host_env) < 0)
			status = EXIT_PROFILE_ERROR;
	profile_env_free(&e);
	return status;
}
