/* `hutch list [--json]`: the caller's running sandboxes, from the records below
 * $XDG_RUNTIME_DIR/hutch (state.h): name, launcher pid and pid 1, age, profile, command. A
 * record whose launcher is gone (SIGKILLed, so it could not clean up) is removed on the way,
 * under the state lock. A subcommand: launcher side, the caller's own privileges.
 * Exit status: 0, 1 when the records cannot be read, 2 for a usage error. */
#include "cmd/cmd.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/escape.h"
#include "lib/failure.h"
#include "lib/json-write.h"
#include "lib/macro.h"
#include "launcher/state.h"
#include "lib/strv.h"

#define EXIT_USAGE 2

struct sandboxes {
	struct state_record *v;
	size_t n;
};

static void sandboxes_free(struct sandboxes *s)
{
	for (size_t i = 0; i < s->n; i++)
		state_record_free(&s->v[i]);
	free(s->v);
}

static int sandboxes_add(struct sandboxes *s, struct state_record *r)
{
	struct state_record *v = reallocarray(s->v, s->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->v = v;
	s->v[s->n++] = *r;
	*r = (struct state_record){ 0 };
	return 0;
}

/* One directory below the locked state dir: removed when stale, kept in s when alive. */
static int collect_one(int dir_fd, const char *name, struct sandboxes *s)
{
	struct state_record r = { 0 };
	struct failure ignored = { 0 };

	if (state_remove_stale(dir_fd, name) != 0)
		return 0; /* gone now (or could not be removed: not running either way) */
	/* Not ours, still being written, or not a record at all: not listed. */
	if (state_read(dir_fd, name, &r, &ignored) < 0)
		return 0;
	int e = r.uid == getuid() && state_record_alive(&r) ? sandboxes_add(s, &r) : 0;
	state_record_free(&r);
	return e;
}

static int by_start(const void *a, const void *b)
{
	const struct state_record *x = a, *y = b;

	if (x->started != y->started)
		return x->started < y->started ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int collect_sandboxes(const char *runtime_dir, struct sandboxes *s, struct failure *f)
{
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	int e = state_open(runtime_dir, true, &fd, f);

	if (e == -ENOENT)
		return 0; /* no sandbox ever ran here */
	if (e < 0)
		return e;
	DIR *d = fdopendir(dup(fd));
	if (!d)
		return fail(f, negative_errno(), "list", "%s/hutch", runtime_dir);
	while (e == 0 && (de = readdir(d)))
		if (de->d_name[0] != '.' && (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN))
			e = collect_one(fd, de->d_name, s);
	closedir(d);
	if (e < 0)
		return fail(f, e, "list", NULL);
	if (s->n > 1)
		qsort(s->v, s->n, sizeof(*s->v), by_start);
	return 0;
}

static void format_age(long long secs, char *buf, size_t size)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(buf, size, "%llds", secs);
	else if (secs < 2 * 3600)
		snprintf(buf, size, "%lldm", secs / 60);
	else if (secs < 2 * 86400)
		snprintf(buf, size, "%lldh", secs / 3600);
	else
		snprintf(buf, size, "%lldd", secs / 86400);
}

/* One argument of the command line, quoted when it holds a space or is empty, so that the
 * column reads as the words that were run. */
static void print_arg(const char *a)
{
	bool quote = !a[0] || strpbrk(a, " '\"");

	printf(quote ? " '%s'" : " %s", ESC(a));
}

static void print_table(const struct sandboxes *s, long long now)
{
	int w = 4;
	char age[32];

	for (size_t i = 0; i < s->n; i++)
		if ((int)strlen(ESC(s->v[i].name)) > w)
			w = (int)strlen(ESC(s->v[i].name));
	printf("%-*s %8s %8s %5s %-12s %s\n", w, "NAME", "LAUNCHER", "PID1", "AGE", "PROFILE", "COMMAND");
	for (size_t i = 0; i < s->n; i++) {
		const struct state_record *r = &s->v[i];
		format_age(now - r->started, age, sizeof(age));
		printf("%-*s %8d %8d %5s %-12s", w, ESC(r->name), (int)r->launcher_pid, (int)r->pid1, age,
		       r->profile && r->profile[0] ? ESC(r->profile) : "-");
		for (char **a = r->command; a && *a; a++)
			print_arg(*a);
		putchar('\n');
	}
}

static void print_json_one(const struct state_record *r, long long now)
{
	fputs("{\"name\": ", stdout);
	json_write_string(stdout, r->name);
	printf(", \"launcher-pid\": %d, \"pid1\": %d, \"uid\": %u, \"started\": %lld, \"age\": %lld",
	       (int)r->launcher_pid, (int)r->pid1, (unsigned)r->uid, r->started, now - r->started);
	fputs(", \"profile\": ", stdout);
	json_write_string(stdout, r->profile ? r->profile : "");
	fputs(", \"command\": ", stdout);
	json_write_strv(stdout, r->command);
	fputs(", \"hutch-argv\": ", stdout);
	json_write_strv(stdout, r->hutch_argv);
	fputc('}', stdout);
}

/* An object, so that later kinds of entry get keys of their own beside "sandboxes". */
static void print_json(const struct sandboxes *s, long long now, char **env)
{
	fputs("{\"sandboxes\": [", stdout);
	for (size_t i = 0; i < s->n; i++) {
		fputs(i ? ",\n  " : "\n  ", stdout);
		print_json_one(&s->v[i], now);
	}
	fputs(s->n ? "\n]" : "]", stdout);
	fputs(", \"workspaces\": [", stdout);
	cmd_list_workspaces(env, true, now, format_age);
	fputs("}\n", stdout);
}

static int usage(FILE *out, int status)
{
	fputs("usage: hutch list [--json]\n", out);
	return status;
}

int cmd_list(int argc, char **argv, char **env)
{
	struct sandboxes s = { 0 };
	struct failure f = { 0 };
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return usage(stdout, 0);
		else
			return usage(stderr, EXIT_USAGE);
	}
	const char *runtime_dir = state_runtime_dir(env);
	/* Without a runtime dir no launcher keeps a record: nothing to list, and no error. */
	if (runtime_dir && collect_sandboxes(runtime_dir, &s, &f) < 0) {
		failure_format(&f, line, sizeof(line));
		fprintf(stderr, "hutch: %s\n", ESC(line));
		sandboxes_free(&s);
		return EXIT_LAUNCHER;
	}
	/* The workspaces with changes under review: a table of their own, "workspaces" in JSON. */
	long long now = (long long)time(NULL);
	if (json)
		print_json(&s, now, env);
	else
		print_table(&s, now);
	if (!json)
		cmd_list_workspaces(env, false, now, format_age);
	sandboxes_free(&s);
	return fflush(stdout) == 0 ? 0 : EXIT_LAUNCHER;
}
