/* `hutch learn -o FILE [OPTIONS] -- COMMAND...`: run the command permissively and traced (the
 * home writable through a scratch overlay thrown away after, the project as a workspace,
 * user-mode networking, the seccomp notifier told of every open, exec
 * and connect, and of every call the default filter refuses), collect what the launcher saw
 * from its event stream, and write a profile that lets the same run pass. The collapse rules
 * are documented in hutch.profile(5), LEARNED PROFILES. Launcher side, the caller's own
 * privileges. Exit status: the command's (the profile is written whatever it is), 125 when
 * the sandbox could not run, 2 for a usage error.
 * Over 600 lines: the run, the collection of its events and the collapse rules that turn them into
 * profile lines are one pipeline of short steps. */
#include "cmd/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "front/cli.h"
#include "front/config.h"
#include "egress/egress.h"
#include "lib/escape.h"
#include "launcher/events.h"
#include "lib/failure.h"
#include "launcher/launcher.h"
#include "lib/path-util.h"
#include "launcher/report.h"
#include "command/seccomp-table.h"
#include "lib/strv.h"
#include "workspace/workspace.h"

#define EXIT_USAGE 2

static const char usage[] = "usage: hutch learn -o FILE [OPTIONS] [--] COMMAND [ARGS...]\n";

/* One home path the run used, after collapsing; whitelist wins over read-only. */
struct learned {
	char *rel; /* below the home, no leading '/' */
	bool write;
	bool dir;     /* made by mkdir, or standing for what was used beneath it */
	bool missing; /* not on the host: a whitelist of a directory gets a mkdir first */
};

struct collector {
	struct event_sink sink;
	const char *home;
	struct learned *v;
	size_t n;
	char **connects; /* "ADDR" seen, in order, once each */
	char **names;	 /* names resolved (EVENT_DNS, from the egress resolver) */
	char **calls;	 /* system calls of the default list the run used */
	bool oom;
};

/* ---- collapsing (hutch.profile(5), LEARNED PROFILES) ---- */

/* Per-application directories: what is below them is collapsed to their first component. */
static const char *const app_bases[] = { ".cache",	 ".config",    ".local/share",
					 ".local/state", ".local/lib", ".var/app" };

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

static bool is_app_base(const char *rel)
{
	for (size_t i = 0; i < ARRAY_SIZE(app_bases); i++)
		if (strcmp(rel, app_bases[i]) == 0)
			return true;
	return false;
}

/* rel (below home) → the entry that stands for it, or NULL when nothing is to be added: the
 * home itself, an application base as a whole. */
static char *collapse(const char *home, const char *rel)
{
	char full[PATH_MAX + 2];

	for (size_t i = 0; i < ARRAY_SIZE(app_bases); i++) {
		size_t n = strlen(app_bases[i]);
		if (strncmp(rel, app_bases[i], n) == 0 && rel[n] == '/')
			return strndup(rel, n + 1 + strcspn(rel + n + 1, "/"));
	}
	if (!*rel || is_app_base(rel))
		return NULL;
	snprintf(full, sizeof(full), "%s/%s", home, rel);
	if (is_dir(full))
		return strdup(rel);
	const char *slash = strrchr(rel, '/');
	/* a file directly in the home stands for itself; elsewhere, its directory */
	if (!slash)
		return strdup(rel);
	char *dir = strndup(rel, (size_t)(slash - rel));
	if (dir && is_app_base(dir)) {
		free(dir);
		return strdup(rel);
	}
	return dir;
}

static struct learned *find(struct collector *c, const char *rel)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].rel, rel) == 0)
			return &c->v[i];
	return NULL;
}

static void add_path(struct collector *c, const char *path, bool write, bool mkdir)
{
	size_t hn = strlen(c->home);
	char *rel;
	struct learned *l, *v;

	if (strncmp(path, c->home, hn) != 0 || path[hn] != '/')
		return; /* outside the home: the default view and learn's options cover it */
	if (!write && !exists(path))
		return; /* nothing there: the next run finds nothing there either */
	if (!(rel = collapse(c->home, path + hn + 1)))
		return;
	bool dir = mkdir || strcmp(rel, path + hn + 1) != 0;
	if ((l = find(c, rel))) {
		l->write |= write;
		l->dir |= dir;
		free(rel);
		return;
	}
	if (!(v = realloc(c->v, (c->n + 1) * sizeof(*v)))) {
		c->oom = true;
		free(rel);
		return;
	}
	c->v = v;
	c->v[c->n++] = (struct learned){ .rel = rel, .write = write, .dir = dir };
}

static void add_once(struct collector *c, char ***v, const char *s)
{
	for (char **p = *v; p && *p; p++)
		if (strcmp(*p, s) == 0)
			return;
	if (strv_extend(v, s) < 0)
		c->oom = true;
}

static void collect(struct event_sink *s, const struct event *e)
{
	struct collector *c = (struct collector *)s;
	char name[64];

	if (!e->detail)
		return;
	switch (e->kind) {
	case EVENT_FILE:
	case EVENT_EXEC:
		add_path(c, e->detail, e->reason && strcmp(e->reason, "write") == 0,
			 e->rule && strncmp(e->rule, "mkdir", 5) == 0);
		break;
	case EVENT_CONNECT:
		add_once(c, &c->connects, e->detail);
		break;
	case EVENT_DNS:
		add_once(c, &c->names, e->detail);
		break;
	case EVENT_SYSCALL:
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(e->detail, "("), e->detail);
		add_once(c, &c->calls, name);
		break;
	default:
		break;
	}
}

/* A read-only entry above a whitelisted one would cover it (whitelists are bound first):
 * it becomes a whitelist. Then anything beneath another entry of the same or a stronger kind
 * goes. */
static void settle(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (size_t j = 0; j < c->n; j++)
			if (i != j && c->v[j].write && !c->v[i].write &&
			    path_is_beneath(c->v[j].rel, c->v[i].rel))
				c->v[i].write = true;
	for (size_t i = 0; i < c->n; i++) {
		bool drop = false;
		for (size_t j = 0; j < c->n && !drop; j++)
			drop = i != j && c->v[j].rel && path_is_beneath(c->v[i].rel, c->v[j].rel) &&
			       strcmp(c->v[i].rel, c->v[j].rel) != 0 && (c->v[j].write || !c->v[i].write);
		if (drop) {
			free(c->v[i].rel);
			c->v[i].rel = NULL;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		char full[PATH_MAX + 2];
		if (!c->v[i].rel)
			continue;
		snprintf(full, sizeof(full), "%s/%s", c->home, c->v[i].rel);
		c->v[i].missing = !exists(full);
	}
}

/* ---- writing the profile ---- */

static void put_path(FILE *out, const char *directive, const char *rel)
{
	bool plain = strcspn(rel, " \t\"\\$#") == strlen(rel);

	if (plain)
		fprintf(out, "%s ${HOME}/%s\n", directive, rel);
	else {
		fprintf(out, "%s \"${HOME}/", directive);
		for (const char *p = rel; *p; p++)
			fprintf(out, "%s%c", strchr("\"\\$", *p) ? "\\" : "", *p);
		fputs("\"\n", out);
	}
}

static void write_files(FILE *out, const struct collector *c)
{
	bool any = false;

	for (size_t i = 0; i < c->n; i++)
		any |= c->v[i].rel != NULL;
	if (any)
		fputs("\n# Files under the home (the rest of the home stays private)\n", out);
	for (size_t i = 0; i < c->n; i++) {
		const struct learned *l = &c->v[i];
		if (!l->rel || l->write)
			continue;
		put_path(out, "read-only", l->rel);
	}
	for (size_t i = 0; i < c->n; i++) {
		const struct learned *l = &c->v[i];
		if (!l->rel || !l->write)
			continue;
		if (l->missing && l->dir)
			put_path(out, "mkdir", l->rel);
		else if (l->missing) {
			fprintf(
			    out,
			    "# the run wrote ${HOME}/%s, which does not exist: create it to let it through\n",
			    l->rel);
			put_path(out, "whitelist-try", l->rel);
			continue;
		}
		put_path(out, "whitelist", l->rel);
	}
}

static bool is_loopback(const char *addr)
{
	return strncmp(addr, "127.", 4) == 0 || strncmp(addr, "[::1]", 5) == 0 ||
	       strncmp(addr, "unix:", 5) == 0;
}

static void write_net(FILE *out, const struct collector *c, const char *net_line)
{
	bool outside = false;

	for (char **a = c->connects; a && *a; a++)
		outside |= !is_loopback(*a);
	if (!c->connects && !c->names)
		return;
	fputs("\n# Network: the connections the run made\n", out);
	for (char **a = c->connects; a && *a; a++)
		fprintf(out, "#   connect %s\n", *a);
	for (char **n = c->names; n && *n; n++)
		fprintf(out, "allow-domain %s\n", *n);
	if (outside && net_line)
		fprintf(out, "%s\n", net_line);
}

static void write_syscalls(FILE *out, const struct collector *c)
{
	bool ptrace = false, userns = false;

	if (!c->calls)
		return;
	fputs("\n# System calls the default filter refuses and the run used\n", out);
	for (char **n = c->calls; n && *n; n++) {
		for (size_t i = 0; i < SECCOMP_DEFAULT_ROWS; i++) {
			const struct seccomp_row *row = &seccomp_default_rows[i];
			if (strcmp(row->name, *n) != 0)
				continue;
			ptrace |= row->gate == SCG_PTRACE;
			userns |= row->gate == SCG_USERNS;
			if (row->gate == SCG_NONE)
				fprintf(out,
					"# %s was refused (%s); only a --seccomp rule file can allow it\n",
					*n, row->reason);
		}
	}
	if (ptrace)
		fputs("allow-ptrace\n", out);
	if (userns)
		fputs("allow-userns\n", out);
}

/* ---- the command line ---- */

struct learn_args {
	const char *output;
	char **run_argv; /* "hutch" OPTIONS -- COMMAND..., for cli_parse */
	char **copied;	 /* the options given, as directive lines */
	bool net_given;	 /* the user chose the network */
	bool home_given;
};

static int copy_option(struct learn_args *a, const struct cli_option *o, const char *val)
{
	char *line;

	if (strcmp(o->name, "net") == 0 || strcmp(o->name, "share-net") == 0)
		a->net_given = true;
	if (strcmp(o->name, "home") == 0)
		a->home_given = true;
	if ((o->flags & CLI_ONLY) || strcmp(o->name, "report") == 0)
		return 0;
	if (asprintf(&line, "%s%s%s", o->name, val ? " " : "", val ? val : "") < 0)
		return -ENOMEM;
	return strv_consume(&a->copied, line);
}

/* One option of the learn run: passed on to the sandbox, and (when it is a directive)
 * copied into the profile. Returns how many words it took, or -1. */
static int take_option(struct learn_args *a, char **argv, int i, int argc)
{
	const char *w = argv[i], *eq = strchr(w, '=');
	const struct cli_option *o = NULL;

	if (w[1] == '-')
		o = cli_find(w + 2, eq ? (size_t)(eq - w - 2) : strlen(w + 2));
	else if (strcmp(w, "-v") == 0)
		o = cli_find("verbose", 7);
	if (!o)
		return -1;
	const char *val = o->arg == CLI_ARG ? (eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL)) : NULL;
	if (o->arg == CLI_ARG && !val)
		return -1;
	if (copy_option(a, o, val) < 0 || strv_extend(&a->run_argv, w) < 0 ||
	    (o->arg == CLI_ARG && !eq && strv_extend(&a->run_argv, val) < 0))
		return -1;
	return o->arg == CLI_ARG && !eq ? 2 : 1;
}

static int parse_args(int argc, char **argv, struct learn_args *a)
{
	int i = 1;

	if (strv_extend(&a->run_argv, "hutch") < 0)
		return -ENOMEM;
	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
			if (++i >= argc)
				return -EINVAL;
			a->output = argv[i];
			continue;
		}
		int k = take_option(a, argv, i, argc);
		if (k < 0) {
			fprintf(stderr, "hutch learn: unknown option or missing argument: %s\n",
				ESC(argv[i]));
			return -EINVAL;
		}
		i += k - 1;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (!a->output || i >= argc)
		return -EINVAL;
	if (strv_extend(&a->run_argv, "--") < 0)
		return -ENOMEM;
	for (; i < argc; i++)
		if (strv_extend(&a->run_argv, argv[i]) < 0)
			return -ENOMEM;
	return 0;
}

static bool installed(const char *name, const char *search_path)
{
	_cleanup_free_ char *p = path_find_executable(name, search_path);

	return p != NULL;
}

/* The run must be able to write what the command writes, or it fails (npm's ~/.npm, its
 * project's node_modules) and the profile is learnt from a failed run: the home is seen
 * through an overlay whose upper is a scratch directory thrown away after the run (what was
 * written there is in the profile), and the current directory, when it is a project in the
 * home, is a workspace the user reviews after (hutch changes, apply, discard). */
static int learn_writable(struct config *c, char **env, struct failure *f)
{
	const char *rt = strv_env_get(env, "XDG_RUNTIME_DIR");
	const char *home = strv_env_get(env, "HOME"); /* config_finish() takes the same */
	char base[PATH_MAX], dir[PATH_MAX + 32], sub[PATH_MAX + 40], cwd[PATH_MAX];
	size_t hn = home ? strlen(home) : 0;

	snprintf(base, sizeof(base), "%s", rt && rt[0] == '/' ? rt : "/tmp");
	snprintf(dir, sizeof(dir), "%s/hutch-learn-XXXXXX", base);
	if (!mkdtemp(dir))
		return fail(f, negative_errno(), "learn", "a scratch directory in %s", base);
	if (!(c->home_scratch = strdup(dir)))
		return -ENOMEM;
	for (int i = 0; i < 2; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, i ? "work" : "upper");
		if (mkdir(sub, 0700) < 0)
			return fail(f, negative_errno(), "learn", "%s", sub);
	}
	if ((c->workspace && c->workspace->n_trees) || !getcwd(cwd, sizeof(cwd)) || !home || home[0] != '/' ||
	    strncmp(cwd, home, hn) != 0 || cwd[hn] != '/' || hn <= 1)
		return 0;
	/* a directory holding the workspaces' own state (~/.local, say) cannot be one */
	_cleanup_free_ char *root = workspace_root(env);
	size_t cn = strlen(cwd);
	if (!root || (strncmp(root, cwd, cn) == 0 && (root[cn] == '/' || root[cn] == '\0')))
		return 0;
	return workspace_opt_workspace(c, cwd, f);
}

static void learn_scratch_remove(const struct config *c)
{
	const char *slash = c->home_scratch ? strrchr(c->home_scratch, '/') : NULL;
	char parent[PATH_MAX];

	if (!slash)
		return;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - c->home_scratch), c->home_scratch);
	_cleanup_close_ int fd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		workspace_remove_tree(fd, slash + 1);
}

/* The permissive run: the home read-only, user-mode networking where one is installed. */
static int learn_config(struct config *c, const struct learn_args *a, struct collector *col, char **env,
			struct failure *f)
{
	enum cli_action action;
	int r = cli_parse((int)strv_length(a->run_argv), a->run_argv, c, &action, f);

	if (r < 0)
		return r;
	if (!c->report && !(c->report = calloc(1, sizeof(*c->report))))
		return -ENOMEM;
	c->report->learn = true;
	c->report->extra = &col->sink;
	if (!a->home_given) {
		c->home_mode = HOME_RO;
		if ((r = learn_writable(c, env, f)) < 0)
			return r;
	}
	/* The names come from the egress resolver in its recording mode: every name resolves,
	 * and each is an event (issue 11). Not on the host's network, which it cannot watch. */
	if (!(c->share & SHARE_NET) && c->net != NET_HOST && !(a->net_given && c->net == NET_NONE)) {
		if (!c->egress && !(c->egress = calloc(1, sizeof(*c->egress))))
			return -ENOMEM;
		c->egress->record_all = true;
	}
	if (!a->net_given && (installed("pasta", strv_env_get(env, "PATH")) ||
			      installed("slirp4netns", strv_env_get(env, "PATH"))))
		c->net = NET_AUTO_USERMODE;
	return config_finish(c, env, f);
}

/* A word of the command line in the header comment: on one line whatever it holds. */
static void put_word(FILE *out, const char *w)
{
	bool plain = *w && strcspn(w, " \t\n\r'\"\\$") == strlen(w);

	fputs(plain ? " " : " '", out);
	for (; *w; w++)
		if (*w == '\n')
			fputs("\\n", out);
		else if (*w == '\r' || *w == '\t')
			fputs(*w == '\r' ? "\\r" : "\\t", out);
		else
			fputc(*w, out);
	if (!plain)
		fputc('\'', out);
}

static void write_profile(FILE *out, const struct learn_args *a, struct collector *col, const char *net_line)
{
	time_t now = time(NULL);
	char when[32];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	fprintf(out, "# Learned by hutch learn on %s from:\n#  ", when);
	for (char **w = a->run_argv + 1; *w; w++)
		put_word(out, *w);
	fputs("\n# Review it: it lets this run pass, and nothing was judged.\n", out);
	if (a->copied)
		fputs("\n# The options given to learn\n", out);
	for (char **l = a->copied; l && *l; l++)
		fprintf(out, "%s\n", *l);
	settle(col);
	write_files(out, col);
	write_net(out, col, net_line);
	write_syscalls(out, col);
}

static void learn_args_free(struct learn_args *a)
{
	strv_free(a->run_argv);
	strv_free(a->copied);
}

static void collector_free(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].rel);
	free(c->v);
	strv_free(c->connects);
	strv_free(c->names);
	strv_free(c->calls);
}

static int learn_fail(const struct failure *f)
{
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	failure_format(f, line, sizeof(line));
	fprintf(stderr, "hutch: %s\n", ESC(line));
	return EXIT_LAUNCHER;
}

/* The profile is written to FILE.tmp and renamed over FILE at the end, so that a run that
 * cannot start leaves an earlier FILE as it was; opened first, so that a place that cannot be
 * written is known before the run. */
static FILE *open_output(const char *output, char **ret_tmp, struct failure *f)
{
	char *tmp;
	FILE *out;

	if (asprintf(&tmp, "%s.tmp", output) < 0) {
		fail(f, -ENOMEM, "learn", NULL);
		return NULL;
	}
	if (!(out = fopen(tmp, "we"))) {
		fail(f, negative_errno(), "learn", "%s: cannot write the profile", output);
		free(tmp);
		return NULL;
	}
	*ret_tmp = tmp;
	return out;
}

/* Write, rename, and say how it went. Returns the exit status. */
static int finish_output(FILE *out, const char *tmp, const struct learn_args *a, struct collector *col,
			 const struct config *c, int status)
{
	write_profile(out, a, col,
		      c->net == NET_PASTA   ? "net pasta"
		      : c->net == NET_SLIRP ? "net slirp"
					    : NULL);
	bool ok = fclose(out) == 0 && !col->oom && rename(tmp, a->output) == 0;

	if (!ok) {
		unlink(tmp);
		fprintf(stderr, "hutch learn: %s: the profile could not be written\n", ESC(a->output));
		return EXIT_LAUNCHER;
	}
	if (status != 0)
		fprintf(stderr,
			"hutch learn: the command failed (exit status %d); the profile is written to %s "
			"all the same, from what the run did until then\n",
			status, ESC(a->output));
	else
		fprintf(stderr, "hutch learn: the profile is written to %s\n", ESC(a->output));
	return status;
}

static int learn_run(struct learn_args *a, char **env)
{
	struct config c;
	struct collector col = { .sink.emit = collect };
	struct failure f = { 0 };
	struct launch_report rep = { 0 };
	_cleanup_free_ char *tmp = NULL;
	FILE *out = open_output(a->output, &tmp, &f);
	int r = out ? 0 : -EIO;

	config_init(&c);
	if (r == 0)
		r = learn_config(&c, a, &col, env, &f);
	col.home = c.home;
	if (r == 0)
		r = launcher_run(&c, &rep, &f);
	if (r < 0 && out) {
		fclose(out);
		unlink(tmp);
	}
	if (r < 0 || f.stage[0])
		learn_fail(&f);
	if (r == 0 && rep.workspace_pending[0])
		fprintf(
		    stderr,
		    "hutch learn: what the command changed in the current directory waits in workspace %s: "
		    "hutch changes %s, then hutch apply or hutch discard\n",
		    ESC(rep.workspace_pending), ESC(rep.workspace_pending));
	if (r == 0)
		r = finish_output(out, tmp, a, &col, &c, rep.status);
	else
		r = EXIT_LAUNCHER;
	learn_scratch_remove(&c);
	config_free(&c);
	collector_free(&col);
	return r;
}

int cmd_learn(int argc, char **argv, char **env)
{
	struct learn_args a = { 0 };
	int r = parse_args(argc, argv, &a);

	if (r < 0) {
		learn_args_free(&a);
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	r = learn_run(&a, env);
	learn_args_free(&a);
	return r;
}
