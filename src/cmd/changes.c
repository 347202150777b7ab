/* `hutch changes NAME [--diff] [--json]`, `hutch apply NAME [--overwrite|--drop|--merge PATH]...
 * [PATH...]`, `hutch discard NAME` and the workspace part of `hutch list`: a workspace's state
 * dir (workspace.h) read, applied to the host (ws-apply.c, ws-merge.c) or removed. Subcommands: launcher side, the caller's own
 * privileges. Exit status: 0; 1 when apply refused a path; 2 for a usage error; 125 when the
 * workspace cannot be read (unknown name, damaged state) or is in use.
 * Over 600 lines: the three subcommands share one reading of the state dir and one
 * printer of its list, conflicts included. */
#include "cmd/cmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/ws-apply.h"
#include "front/config.h"
#include "lib/escape.h"
#include "lib/failure.h"
#include "lib/json-write.h"
#include "lib/macro.h"
#include "launcher/state.h"
#include "lib/strv.h"
#include "workspace/workspace.h"

#define EXIT_USAGE 2

static int report(const struct failure *f, int code)
{
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	failure_format(f, line, sizeof(line));
	fprintf(stderr, "hutch: %s\n", ESC(line));
	return code;
}

static int usage(const char *cmd, FILE *out, int status)
{
	if (strcmp(cmd, "changes") == 0)
		fputs("usage: hutch changes NAME [--diff] [--json]\n", out);
	else if (strcmp(cmd, "apply") == 0)
		fputs("usage: hutch apply NAME [--overwrite PATH]... [--drop PATH]... [--merge PATH]... "
		      "[PATH...]\n",
		      out);
	else
		fputs("usage: hutch discard NAME\n", out);
	return status;
}

static int open_record(char **env, const char *name, struct ws_record *rec, struct failure *f)
{
	_cleanup_free_ char *root = workspace_root(env);

	if (!root)
		return failx(f, "workspace", "neither XDG_STATE_HOME nor HOME is set");
	return workspace_read(root, name, rec, f);
}

static const char *type_word(char t)
{
	return t == WS_FILE ? "file" : t == WS_DIR ? "dir" : t == WS_LINK ? "symlink" : "other";
}

static void host_path(const struct ws_tree *t, const struct ws_change *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", t->dir, strcmp(e->path, ".") ? "/" : "",
		 strcmp(e->path, ".") ? e->path : "");
}

/* conflict: the host changed the path too since the start: C, and the sandbox's own kind after. */
/* What each side did to a conflict's path: the start record tells a file the sandbox wrote
 * after the host deleted it (an addition to the overlay) from one both added. */
static void print_sides(const char *path, const struct ws_start *start, const struct ws_change *e)
{
	struct stat st;
	bool existed = workspace_start_find(start, e->path) != NULL;
	bool there = lstat(path, &st) == 0 || errno != ENOENT;
	const char *sandbox = e->kind == 'A' && existed ? "modified"
			      : e->kind == 'A'		? "added"
			      : e->kind == 'D'		? "deleted"
			      : e->kind == 'R'		? "renamed"
							: "modified";

	printf(" (%s in the sandbox, %s)", sandbox,
	       existed && !there   ? "deleted on the host"
	       : !existed && there ? "added on the host too"
				   : "changed on the host too");
}

/* start: the start record, for a conflict (NULL otherwise). */
static void print_text(const struct ws_tree *t, const struct ws_change *e, const struct ws_start *start)
{
	char path[8192], size[32] = "-";

	host_path(t, e, path, sizeof(path));
	if (e->type == WS_FILE && e->kind != 'D')
		snprintf(size, sizeof(size), "%llu", (unsigned long long)e->size);
	printf("%c %-7s %10s %s", start ? 'C' : e->kind, type_word(e->type), size, ESC(path));
	if (start)
		print_sides(path, start, e);
	if (e->target)
		printf(" -> %s", ESC(e->target));
	if (e->kind == 'R')
		printf(" (from %s/%s)", ESC(t->dir), ESC(e->from));
	if (e->kind == 'M' && e->old_type && e->old_type != e->type)
		printf(" (was a %s)", type_word(e->old_type));
	else if (e->kind == 'M' && (e->old_mode & 07777) != (e->mode & 07777))
		printf(" (mode %04o -> %04o)", (unsigned)(e->old_mode & 07777), (unsigned)(e->mode & 07777));
	if (e->opaque)
		printf(" (opaque)");
	putchar('\n');
}

/* start: for a conflict, what is known of the start content ("kept", "absent", "unknown");
 * NULL for a path only the sandbox changed. */
static void print_json(const struct ws_tree *t, const struct ws_change *e, const char *start, bool first)
{
	char path[8192], kind[2] = { e->kind, 0 };

	host_path(t, e, path, sizeof(path));
	fputs(first ? "\n  {\"change\": " : ",\n  {\"change\": ", stdout);
	json_write_string(stdout, kind);
	fputs(", \"type\": ", stdout);
	json_write_string(stdout, type_word(e->type));
	fputs(", \"path\": ", stdout);
	json_write_string(stdout, path);
	fputs(", \"relative\": ", stdout);
	json_write_string(stdout, e->path);
	if (e->kind != 'D')
		printf(", \"mode\": \"%04o\"", (unsigned)(e->mode & 07777));
	if (e->old_type)
		printf(", \"old-type\": \"%s\", \"old-mode\": \"%04o\"", type_word(e->old_type),
		       (unsigned)(e->old_mode & 07777));
	if (e->type == WS_FILE && e->kind != 'D')
		printf(", \"size\": %llu", (unsigned long long)e->size);
	if (e->target) {
		fputs(", \"target\": ", stdout);
		json_write_string(stdout, e->target);
	}
	if (e->from) {
		fputs(", \"from\": ", stdout);
		json_write_string(stdout, e->from);
	}
	if (e->opaque)
		fputs(", \"opaque\": true", stdout);
	if (start) {
		fputs(", \"conflict\": true, \"start\": ", stdout);
		json_write_string(stdout, start);
	}
	fputc('}', stdout);
}

/* Text: no NUL in the first 8 KiB. A missing file is empty text. */
static bool is_text(const char *path)
{
	char buf[8192];
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, sizeof(buf));

	safe_close(fd);
	return fd < 0 ? errno == ENOENT : n >= 0 && !memchr(buf, 0, (size_t)n);
}

/* diff(1) -u of old and new under labels (escaped here: diff prints them as they are), or one
 * line for binary files. diff's status: 0 same, 1 different, else trouble. */
static int run_diff(const char *old, const char *new, const char *la, const char *lb)
{
	int status = 0;

	fflush(stdout);
	if (!is_text(old) || !is_text(new)) {
		printf("Binary files %s and %s differ\n", la, lb);
		return 1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		execl("/usr/bin/diff", "diff", "-u", "--label", la, "--label", lb, old, new, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

/* Where the three sides of a path are: the start, the sandbox's and the host's. */
struct sides {
	char start[8192], sandbox[8192], host[8192];
	bool start_known;
};

/* The start content of a conflict: none when the path did not exist (/dev/null), the kept copy
 * (workspace-keep.c), else unknown. */
static void find_sides(const struct ws_tree *t, const char *tdir, const struct ws_start *start,
		       const struct ws_change *e, struct sides *s)
{
	const struct ws_stat *st = workspace_start_find(start, e->path);
	struct stat hst;

	snprintf(s->sandbox, sizeof(s->sandbox), "%s/upper/%s", tdir, e->path);
	if (e->kind == 'D')
		snprintf(s->sandbox, sizeof(s->sandbox), "/dev/null");
	snprintf(s->host, sizeof(s->host), "%s/%s", t->dir, e->path);
	if (lstat(s->host, &hst) < 0)
		snprintf(s->host, sizeof(s->host), "/dev/null");
	snprintf(s->start, sizeof(s->start), "%s/base/%s", tdir, e->path);
	s->start_known = true;
	if (!st)
		snprintf(s->start, sizeof(s->start), "/dev/null");
	else if (!S_ISREG(st->mode) || lstat(s->start, &hst) < 0 || !S_ISREG(hst.st_mode))
		s->start_known = false;
}

static const char *start_word(const struct ws_tree *t, const char *tdir, const struct ws_start *start,
			      const struct ws_change *e)
{
	struct sides s;

	find_sides(t, tdir, start, e, &s);
	return !s.start_known ? "unknown" : strcmp(s.start, "/dev/null") == 0 ? "absent" : "kept";
}

/* A path changed on both sides: the sandbox's change against the start, then the host's. */
static void print_conflict(const char *name, const struct ws_tree *t, const char *tdir,
			   const struct ws_start *start, const struct ws_change *e)
{
	char la[4200], lb[4200], lc[4200];
	struct sides s;

	find_sides(t, tdir, start, e, &s);
	bool merge = s.start_known && e->kind == 'M' && strcmp(s.host, "/dev/null") != 0 &&
		     is_text(s.start) && is_text(s.sandbox) && is_text(s.host);
	printf("# C %s: changed on the host too since the start; resolve it with hutch apply %s "
	       "--overwrite %s (the sandbox's), --drop %s (the host's)%s%s%s\n",
	       ESC(e->path), ESC(name), ESC(e->path), ESC(e->path), merge ? " or --merge " : "",
	       merge ? ESC(e->path) : "", merge ? " (both, line by line)" : "");
	if (!s.start_known) {
		printf("# %s: its start content is unknown (the host changed it before the sandbox "
		       "first did, or it is over 64 MiB): the lines below compare the host's file as it "
		       "is now (a/) with the sandbox's (b/)\n",
		       ESC(e->path));
		snprintf(la, sizeof(la), "a/%s", ESC(e->path));
		snprintf(lb, sizeof(lb), "b/%s", ESC(e->path));
		run_diff(s.host, s.sandbox, la, lb);
		return;
	}
	snprintf(la, sizeof(la), "start/%s", ESC(e->path));
	snprintf(lb, sizeof(lb), "sandbox/%s", ESC(e->path));
	snprintf(lc, sizeof(lc), "host/%s", ESC(e->path));
	printf("# %s: the sandbox's change since the start\n", ESC(e->path));
	if (run_diff(s.start, s.sandbox, la, lb) == 0)
		printf("# (none in its content)\n");
	printf("# %s: the host's change since the start\n", ESC(e->path));
	if (run_diff(s.start, s.host, la, lc) == 0)
		printf("# (none in its content: only its times, mode or inode changed)\n");
}

/* diff(1) -u of the host's file (the start content, since the host did not change it) and the
 * upper's, labelled a/PATH and b/PATH as git does. */
static void print_diff(const char *name, const struct ws_tree *t, const char *tdir,
		       const struct ws_start *start, const struct ws_change *e, bool conflict)
{
	char old[8192], new[8192], la[4200], lb[4200];

	if (e->type != WS_FILE || (e->old_type && e->old_type != WS_FILE) || e->meta_only)
		return;
	if (conflict)
		return print_conflict(name, t, tdir, start, e);
	snprintf(old, sizeof(old), "%s/%s", t->dir, e->path);
	snprintf(new, sizeof(new), "%s/upper/%s", tdir, e->path);
	if (e->kind == 'A')
		snprintf(old, sizeof(old), "/dev/null");
	if (e->kind == 'D')
		snprintf(new, sizeof(new), "/dev/null");
	snprintf(la, sizeof(la), "a/%s", ESC(e->path));
	snprintf(lb, sizeof(lb), "b/%s", ESC(e->path));
	run_diff(old, new, la, lb);
}

static int run_changes(const struct ws_record *rec, bool diff, bool json, struct failure *f)
{
	bool first = true;
	int r = 0;

	if (json)
		fputs("[", stdout);
	for (size_t i = 0; r == 0 && i < rec->n_trees; i++) {
		struct ws_changes ch;
		struct ws_start start = { 0 };
		char tdir[4096], upper[4200], sfile[4200];
		snprintf(tdir, sizeof(tdir), "%s/%zu", rec->dir, i);
		snprintf(upper, sizeof(upper), "%s/upper", tdir);
		snprintf(sfile, sizeof(sfile), "%s/start", tdir);
		/* without the start record (an older hutch's state), no path is called a conflict */
		bool have_start = workspace_start_read(sfile, &start) == 0;
		if ((r = ws_collect(rec->trees[i].dir, upper, &ch, f)) < 0) {
			workspace_start_free(&start);
			break;
		}
		for (size_t k = 0; k < ch.n; k++) {
			bool conflict = have_start && ws_conflict(rec->trees[i].dir, &start, &ch.v[k]);
			if (json)
				print_json(&rec->trees[i], &ch.v[k],
					   conflict ? start_word(&rec->trees[i], tdir, &start, &ch.v[k])
						    : NULL,
					   first);
			else
				print_text(&rec->trees[i], &ch.v[k], conflict ? &start : NULL);
			first = false;
		}
		for (size_t k = 0; diff && !json && k < ch.n; k++)
			print_diff(rec->name, &rec->trees[i], tdir, &start, &ch.v[k],
				   have_start && ws_conflict(rec->trees[i].dir, &start, &ch.v[k]));
		ws_changes_free(&ch);
		workspace_start_free(&start);
	}
	if (json)
		fputs(first ? "]\n" : "\n]\n", stdout);
	return r;
}

int cmd_changes(int argc, char **argv, char **env)
{
	struct ws_record rec = { 0 };
	struct failure f = { 0 };
	const char *name = NULL;
	bool diff = false, json = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--diff") == 0)
			diff = true;
		else if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage("changes", stdout, 0);
		else if (argv[i][0] == '-' || name) {
			fprintf(stderr, "hutch: changes: unexpected argument '%s'\n", ESC(argv[i]));
			return usage("changes", stderr, EXIT_USAGE);
		} else
			name = argv[i];
	}
	if (!name)
		return usage("changes", stderr, EXIT_USAGE);
	if (open_record(env, name, &rec, &f) < 0)
		return report(&f, EXIT_LAUNCHER);
	int r = run_changes(&rec, diff, json, &f);
	workspace_record_free(&rec);
	if (r < 0)
		return report(&f, EXIT_LAUNCHER);
	return fflush(stdout) == 0 ? 0 : EXIT_LAUNCHER;
}

/* A PATH of apply, relative to tree t: absolute under its dir (or where the sandbox saw it),
 * else taken as relative to it. NULL when it is not in t. */
static char *relative_to(const struct ws_tree *t, const char *p)
{
	const char *bases[] = { t->dir, t->dst };
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", p);
	for (size_t n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
		buf[n - 1] = '\0';
	if (buf[0] != '/') {
		const char *q = buf;
		while (q[0] == '.' && q[1] == '/')
			q += 2;
		return strdup(q[0] ? q : ".");
	}
	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		size_t n = strlen(bases[i]);
		if (strncmp(buf, bases[i], n) == 0 && (buf[n] == '/' || buf[n] == '\0'))
			return strdup(buf[n] ? buf + n + 1 : ".");
	}
	return NULL;
}

/* What apply was asked: the paths as given, and each list made relative to one tree. */
struct apply_args {
	const char *name;
	char **given[4]; /* PATH..., --overwrite, --drop, --merge */
};

static int relative_list(const struct ws_tree *t, char **given, char ***ret)
{
	for (char **p = given; p && *p; p++) {
		char *q = relative_to(t, *p);
		int r = q ? strv_consume(ret, q) : 0;
		if (r < 0)
			return r;
	}
	return 0;
}

static int apply_tree(const struct ws_record *rec, size_t i, const struct apply_args *args, unsigned *refused,
		      struct failure *f)
{
	const struct ws_tree *t = &rec->trees[i];
	_cleanup_strv_free_ char **rel0 = NULL, **rel1 = NULL, **rel2 = NULL, **rel3 = NULL;
	char ***rel[4] = { &rel0, &rel1, &rel2, &rel3 };
	struct ws_start start = { 0 };
	struct ws_changes ch = { 0 };
	char upper[4096], sfile[4096], base[4096];
	bool any_given = false;
	int r;

	for (size_t k = 0; k < 4; k++) {
		any_given = any_given || args->given[k];
		if ((r = relative_list(t, args->given[k], rel[k])) < 0)
			return fail(f, r, "apply", NULL);
	}
	if (any_given && !rel0 && !rel1 && !rel2 && !rel3)
		return 0; /* none of the paths is in this tree */
	snprintf(upper, sizeof(upper), "%s/%zu/upper", rec->dir, i);
	snprintf(sfile, sizeof(sfile), "%s/%zu/start", rec->dir, i);
	snprintf(base, sizeof(base), "%s/%zu/base", rec->dir, i);
	if ((r = workspace_start_read(sfile, &start)) < 0)
		return fail(f, r, "apply", "%s", sfile);
	struct ws_apply_opts o = { .paths = rel0,
				   .overwrite = rel1,
				   .drop = rel2,
				   .merge = rel3,
				   .out = stdout,
				   .protect = t->protect,
				   .start = &start,
				   .log = stderr,
				   .shown_dir = t->dir,
				   .base = base };
	_cleanup_strv_free_ char **settled = NULL;
	o.settled = &settled;
	r = ws_collect(t->dir, upper, &ch, f);
	if (r == 0)
		r = ws_apply(t->dir, upper, &ch, &o, refused, f);
	/* a later run compares with what apply left (an error here costs only a false C later) */
	if (settled && workspace_start_settle(sfile, &start, t->dir, settled) < 0)
		fprintf(stderr,
			"hutch: apply: %s: not updated: a later run may see a conflict on the "
			"paths applied\n",
			ESC(sfile));
	ws_changes_free(&ch);
	workspace_start_free(&start);
	return r;
}

/* Whether path p (as given) names a change of the workspace, or a directory holding one. */
static bool names_a_change(const struct ws_record *rec, const char *p)
{
	bool found = false;

	for (size_t i = 0; !found && i < rec->n_trees; i++) {
		_cleanup_free_ char *rel = relative_to(&rec->trees[i], p);
		struct ws_changes ch = { 0 };
		struct failure ignored = { 0 };
		char upper[4096];
		snprintf(upper, sizeof(upper), "%s/%zu/upper", rec->dir, i);
		if (!rel || ws_collect(rec->trees[i].dir, upper, &ch, &ignored) < 0)
			continue;
		for (size_t k = 0; !found && k < ch.n; k++)
			found = ws_beneath(ch.v[k].path, rel);
		ws_changes_free(&ch);
	}
	return found;
}

/* Take the state's lock for a subcommand: a running sandbox still writes the upper. */
static int lock_record(const struct ws_record *rec, struct failure *f)
{
	pid_t holder = 0;
	int r = workspace_lock(rec->dir, &holder);

	if (r == -EBUSY)
		return failx(f, "workspace", "%s is in use by a running sandbox (pid %d)", rec->name,
			     (int)holder);
	return r < 0 ? fail(f, r, "workspace", "%s/lock", rec->dir) : 0;
}

static int remove_state(const struct ws_record *rec, struct failure *f)
{
	char parent[4096];
	const char *slash = strrchr(rec->dir, '/');

	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - rec->dir), rec->dir);
	_cleanup_close_ int pfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = pfd < 0 ? negative_errno() : workspace_remove_tree(pfd, slash + 1);
	return r < 0 ? fail(f, r, "workspace", "removing %s", rec->dir) : 0;
}

static void apply_args_free(struct apply_args *a)
{
	for (size_t k = 0; k < 4; k++)
		strv_free(a->given[k]);
}

/* NAME, then PATHs and --overwrite/--drop PATH in any order. An unknown option: one line. */
static int parse_apply(int argc, char **argv, struct apply_args *a)
{
	static const char *const opts[] = { NULL, "--overwrite", "--drop", "--merge" };
	bool dashdash = false;

	for (int i = 1; i < argc; i++) {
		size_t k = 0;
		for (size_t j = 1; !dashdash && j < 4; j++)
			if (strcmp(argv[i], opts[j]) == 0)
				k = j;
		if (k && ++i >= argc)
			return fprintf(stderr, "hutch: apply: %s needs a PATH\n", opts[k]), -EINVAL;
		if (!dashdash && !k && strcmp(argv[i], "--") == 0) {
			dashdash = true;
			continue;
		}
		if (!dashdash && !k && argv[i][0] == '-')
			return fprintf(stderr, "hutch: apply: unknown option '%s'\n", ESC(argv[i])), -EINVAL;
		if (!k && !a->name)
			a->name = argv[i];
		else if (strv_extend(&a->given[k], argv[i]) < 0)
			return -ENOMEM;
	}
	if (!a->name)
		return fputs("hutch: apply: which workspace? (hutch apply NAME [PATH...])\n", stderr),
		       -EINVAL;
	return 0;
}

static size_t count_changes(const struct ws_record *rec);

/* An unknown PATH is a usage error (*ret_usage), found before anything is applied.
 * *ret_emptied: nothing was left, and the workspace is gone. */
static int apply_checked(struct ws_record *rec, const struct apply_args *a, unsigned *refused,
			 bool *ret_usage, bool *ret_emptied, struct failure *f)
{
	for (size_t k = 0; k < 4; k++)
		for (char **p = a->given[k]; p && *p; p++)
			if (!names_a_change(rec, *p)) {
				*ret_usage = true;
				return failx(f, "apply", "%s: no change of workspace %s there", *p,
					     rec->name);
			}
	int r = lock_record(rec, f);
	bool all = !a->given[0] && !a->given[1] && !a->given[2] && !a->given[3];

	for (size_t i = 0; r == 0 && i < rec->n_trees; i++)
		r = apply_tree(rec, i, a, refused, f);
	*ret_emptied = r == 0 && *refused == 0 && (all || count_changes(rec) == 0);
	if (*ret_emptied)
		r = remove_state(rec, f);
	else
		workspace_unlock(rec->dir);
	return r;
}

int cmd_apply(int argc, char **argv, char **env)
{
	struct apply_args a = { 0 };
	struct ws_record rec = { 0 };
	struct failure f = { 0 };
	unsigned refused = 0;
	bool bad_path = false, emptied = false;
	int r;

	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return usage("apply", stdout, 0);
	if ((r = parse_apply(argc, argv, &a)) < 0) {
		apply_args_free(&a);
		return r == -ENOMEM
			   ? report(&(struct failure){ .err = ENOMEM, .stage = "apply" }, EXIT_LAUNCHER)
			   : EXIT_USAGE;
	}
	r = open_record(env, a.name, &rec, &f);
	if (r == 0)
		r = apply_checked(&rec, &a, &refused, &bad_path, &emptied, &f);
	workspace_record_free(&rec);
	apply_args_free(&a);
	if (r < 0)
		return report(&f, bad_path ? EXIT_USAGE : EXIT_LAUNCHER);
	if (refused)
		fprintf(stderr, "hutch: apply: %u path%s left in workspace %s (see above)\n", refused,
			refused == 1 ? "" : "s", ESC(a.name));
	else
		printf("hutch: apply: done%s\n",
		       emptied ? ", the workspace is removed" : "; the workspace keeps the rest");
	return refused ? 1 : 0;
}

/* What an interrupted removal left (its manifest gone first): still removed by discard. */
static bool leftover(char **env, const char *name, struct ws_record *rec)
{
	_cleanup_free_ char *root = workspace_root(env);
	struct stat st;

	if (!root || !name[0] || name[0] == '.' || strchr(name, '/') ||
	    asprintf(&rec->dir, "%s/%s", root, name) < 0)
		return false;
	if (lstat(rec->dir, &st) < 0 || !S_ISDIR(st.st_mode) || !(rec->name = strdup(name))) {
		free(rec->dir);
		rec->dir = NULL;
		return false;
	}
	return true;
}

int cmd_discard(int argc, char **argv, char **env)
{
	struct ws_record rec = { 0 };
	struct failure f = { 0 };
	int r;

	if (argc == 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return usage("discard", stdout, 0);
	if (argc != 2 || argv[1][0] == '-')
		return usage("discard", stderr, EXIT_USAGE);
	if (open_record(env, argv[1], &rec, &f) < 0 && !leftover(env, argv[1], &rec))
		return report(&f, EXIT_LAUNCHER);
	r = lock_record(&rec, &f);
	if (r == 0)
		r = remove_state(&rec, &f);
	if (r == 0)
		printf("hutch: discard: workspace %s removed, its changes with it\n", ESC(argv[1]));
	workspace_record_free(&rec);
	return r < 0 ? report(&f, EXIT_LAUNCHER) : 0;
}

/* ---- hutch list ---- */

static size_t count_changes(const struct ws_record *rec)
{
	size_t n = 0;

	for (size_t i = 0; i < rec->n_trees; i++) {
		struct ws_changes ch;
		struct failure ignored = { 0 };
		char upper[4096];
		snprintf(upper, sizeof(upper), "%s/%zu/upper", rec->dir, i);
		if (ws_collect(rec->trees[i].dir, upper, &ch, &ignored) == 0)
			n += ch.n;
		ws_changes_free(&ch);
	}
	return n;
}

static void list_one(const struct ws_record *rec, bool json, bool first, long long now,
		     void (*age)(long long, char *, size_t))
{
	size_t n = count_changes(rec);
	pid_t pid = 0;
	bool running = workspace_locked(rec->dir, &pid);
	char a[32];

	if (json) {
		fputs(first ? "\n  {\"name\": " : ",\n  {\"name\": ", stdout);
		json_write_string(stdout, rec->name);
		printf(", \"started\": %lld, \"age\": %lld, \"changes\": %zu, \"running\": %s, \"dirs\": [",
		       rec->started, now - rec->started, n, running ? "true" : "false");
		for (size_t i = 0; i < rec->n_trees; i++) {
			fputs(i ? ", " : "", stdout);
			json_write_string(stdout, rec->trees[i].dir);
		}
		fputs("]}", stdout);
		return;
	}
	age(now - rec->started, a, sizeof(a));
	printf("%-16s %5s %8zu %-8s", ESC(rec->name), a, n, running ? "running" : "-");
	for (size_t i = 0; i < rec->n_trees; i++)
		printf(" %s", ESC(rec->trees[i].dir));
	putchar('\n');
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_list_workspaces(char **env, bool json, long long now, void (*age)(long long, char *, size_t))
{
	_cleanup_free_ char *root = workspace_root(env);
	_cleanup_strv_free_ char **names = NULL;
	DIR *d = root ? opendir(root) : NULL;
	struct dirent *de;
	bool first = true;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && strv_extend(&names, de->d_name) < 0)
			break;
	if (d)
		closedir(d);
	if (strv_length(names) > 1)
		qsort(names, strv_length(names), sizeof(*names), by_name);
	for (char **n = names; n && *n; n++) {
		struct ws_record rec = { 0 };
		struct failure ignored = { 0 };
		if (workspace_read(root, *n, &rec, &ignored) < 0)
			continue;
		if (first && !json)
			printf("\n%-16s %5s %8s %-8s %s\n", "WORKSPACE", "AGE", "CHANGES", "STATE", "DIRS");
		list_one(&rec, json, first, now, age);
		first = false;
		workspace_record_free(&rec);
	}
	if (json)
		fputs(first ? "]" : "\n]", stdout);
	return 0;
}
