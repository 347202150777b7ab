/* The denial report (see report.h). Launcher side, the caller's own privileges. */
#include "launcher/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/json-write.h"
#include "lib/log.h"
#include "lib/path-util.h"
#include "lib/strv.h"

static int report_config_get(struct config *c, struct report_config **ret)
{
	if (!c->report && !(c->report = calloc(1, sizeof(*c->report))))
		return -ENOMEM;
	*ret = c->report;
	return 0;
}

/* The file is hidden inside like a --blacklist path: even under --home host, or a whitelist of
 * its directory, the program sees an empty, unreadable file in its place. */
int report_option(struct config *c, const char *arg, struct failure *f)
{
	struct report_config *r;
	_cleanup_free_ char *cwd = NULL, *abs = NULL;
	int k = report_config_get(c, &r);

	if (k < 0)
		return k;
	if (strcmp(arg, "full") == 0) {
		r->full = true;
		return 0;
	}
	if (!*arg)
		return failx(f, "--report", "expected a file name, or full");
	if (arg[0] != '/') {
		if (!(cwd = getcwd(NULL, 0)))
			return fail(f, negative_errno(), "--report", "%s: the current directory", arg);
		if (asprintf(&abs, "%s/%s", cwd, arg) < 0)
			return -ENOMEM;
	} else if (!(abs = strdup(arg)))
		return -ENOMEM;
	if (strv_extend(&c->blacklist, abs) < 0)
		return -ENOMEM;
	free(r->path);
	r->path = TAKE_PTR(abs);
	return 0;
}

void report_config_free(struct report_config *r)
{
	if (!r)
		return;
	free(r->path);
	strv_free(r->deny_origins);
	free(r);
}

bool report_wanted(const struct config *c)
{
	return c->report && (c->report->path || c->report->learn);
}

int report_note_origin(struct config *c, const char *directive, const char *arg, const char *file,
		       unsigned line)
{
	char *s;

	if (!c->report)
		return 0;
	if (asprintf(&s, "%s %s\tprofile %s:%u", directive, arg, file, line) < 0)
		return -ENOMEM;
	return strv_consume(&c->report->deny_origins, s);
}

const char *report_origin(const struct config *c, const char *directive, const char *arg)
{
	size_t nd = strlen(directive), na = strlen(arg);

	for (char **o = c->report ? c->report->deny_origins : NULL; o && *o; o++)
		if (strncmp(*o, directive, nd) == 0 && (*o)[nd] == ' ' &&
		    strncmp(*o + nd + 1, arg, na) == 0 && (*o)[nd + 1 + na] == '\t')
			return *o + nd + na + 2;
	return NULL;
}

const char *report_deny_origin(const struct config *c, const char *name)
{
	const char *o = report_origin(c, "seccomp-deny", name);

	return o ? o : "--seccomp-deny";
}

/* What /proc says of the host pid, read while the process waits for our answer. */
static void proc_read(pid_t pid, const char *what, char *buf, size_t size)
{
	char path[64];
	ssize_t n = -1;

	buf[0] = '\0';
	if (pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	if (strcmp(what, "exe") == 0)
		n = readlink(path, buf, size - 1);
	else if ((n = fileio_read_small_at(AT_FDCWD, path, buf, size)) > 0 && buf[n - 1] == '\n')
		n--;
	buf[n > 0 ? n : 0] = '\0';
}

static void iso_time(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, size - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

#define FIELD 1100

static void writer_line(struct report_writer *w, const struct event *e);

static void writer_emit(struct event_sink *s, const struct event *e)
{
	struct report_writer *w = (struct report_writer *)s;

	if (e->kind == EVENT_DNS && e->detail) {
		for (char **n = w->names; n && *n; n++)
			if (strcmp(*n, e->detail) == 0)
				return;
		strv_extend(&w->names, e->detail);
	}
	writer_line(w, e);
}

static void writer_line(struct report_writer *w, const struct event *e)
{
	char when[40], raw[4200], comm[64], exe[FIELD], detail[FIELD * 4], rule[FIELD], reason[FIELD];
	char line[sizeof(exe) + sizeof(detail) + sizeof(rule) + sizeof(reason) + 512];

	iso_time(when, sizeof(when));
	proc_read(e->pid, "comm", raw, 64);
	json_escape_into(raw, JSON_INVALID_REPLACE, comm, sizeof(comm));
	proc_read(e->pid, "exe", raw, 1024);
	json_escape_into(raw, JSON_INVALID_REPLACE, exe, sizeof(exe));
	json_escape_into(e->detail, JSON_INVALID_REPLACE, detail, sizeof(detail));
	json_escape_into(e->rule, JSON_INVALID_REPLACE, rule, sizeof(rule));
	json_escape_into(e->reason, JSON_INVALID_REPLACE, reason, sizeof(reason));
	int n = snprintf(line, sizeof(line),
			 "{\"time\":\"%s\",\"pid\":%d,\"comm\":\"%s\",\"exe\":\"%s\",\"kind\":\"%s\","
			 "\"detail\":\"%s\",\"rule\":\"%s\",\"reason\":\"%s\",\"action\":\"%s\","
			 "\"result\":\"%s\"}\n",
			 when, (int)e->pid, comm, exe, event_kind_name(e->kind), detail, rule, reason,
			 (const char *const[]){ "denied", "allowed", "enforced", "not enforced" }[e->action],
			 e->result ? e->result : "");
	if (n > 0 && w->fd >= 0 &&
	    write(w->fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1) > 0)
		w->lines++;
}

int report_start(const struct config *c, struct report_writer *w, struct events *ev, struct failure *f)
{
	const struct report_config *r = c->report;

	*w = (struct report_writer){ .fd = -1, .verbose = c->verbose };
	if (!r)
		return 0;
	if (!r->path && !r->learn)
		return failx(f, "--report", "full needs a file too (--report=full --report FILE)");
	if (r->extra)
		events_add_sink(ev, r->extra);
	if (!r->path)
		return 0;
	/* O_NOFOLLOW: a symlink planted at the name must not redirect the launcher's writes. */
	int fd = path_open_regular(r->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
	if (fd == -EBADFD)
		return failx(f, "--report", "%s: not a regular file", r->path);
	if (fd < 0)
		return fail(f, fd, "--report", "%s: cannot write the report", r->path);
	safe_close(fd);
	w->sink.emit = writer_emit;
	events_add_sink(ev, &w->sink);
	return 0;
}

/* The persistence points the run may write (--allow-persist), one line each, first: a
 * reader of the report sees what was let through before anything the program did. */
static void report_allowed_persist(const struct config *c, struct report_writer *w)
{
	for (char **a = c->allow_persist; a && *a; a++) {
		struct event e = { .kind = EVENT_FILE,
				   .action = EVENT_ALLOWED,
				   .detail = *a,
				   .rule = "allow-persist",
				   .reason = "persistence point left writable",
				   .result = "writable" };
		writer_line(w, &e);
	}
}

/* Opened again once the sandbox's first child exists: the children get a copy of the
 * launcher's fds at the clone, and pid 1 never execs, so an fd open then would live inside
 * the sandbox for as long as it runs. */
int report_open(const struct config *c, struct report_writer *w, struct failure *f)
{
	const char *path = c->report ? c->report->path : NULL;

	if (!path || w->fd >= 0)
		return 0;
	int fd = path_open_regular(path, O_WRONLY | O_APPEND | O_NOFOLLOW, 0);

	if (fd == -EBADFD)
		return failx(f, "--report", "%s: not a regular file", path);
	if (fd < 0)
		return fail(f, fd, "--report", "%s: cannot write the report", path);
	w->fd = fd;
	report_allowed_persist(c, w);
	return 0;
}

void report_finish(struct report_writer *w, const struct events *ev)
{
	strv_free(w->names);
	w->names = NULL;
	if (!w->sink.emit)
		return;
	w->fd = safe_close(w->fd);
	for (int k = 0; w->verbose && k < EVENT_KIND_MAX; k++)
		if (ev->counts[k])
			log_verbose(true, "report: %lu %s denial%s", ev->counts[k], event_kind_name(k),
				    ev->counts[k] == 1 ? "" : "s");
	log_verbose(w->verbose, "report: %lu line%s written", w->lines, w->lines == 1 ? "" : "s");
}
