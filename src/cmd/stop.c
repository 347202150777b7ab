/* `hutch stop NAME [--timeout SECS]`: end a running sandbox of the caller's. SIGTERM to its
 * pid 1, which passes it on to the command; SIGKILL to pid 1 (and so to its whole pid
 * namespace) when it has not ended after SECS (default 10); then wait for the launcher, which
 * removes the record as it exits. Every wait is a poll(2) on a pidfd. A record whose launcher
 * is gone already is removed here. A subcommand: launcher side, the caller's own privileges.
 * Exit status: 0 when the sandbox is gone, 1 when it could not be stopped (or is no sandbox
 * of the caller's), 2 for a usage error. */
#include "cmd/cmd.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/escape.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "launcher/state.h"

#define EXIT_USAGE 2
/* After pid 1 has ended, the launcher only tears down: helpers, cgroup, the record. */
#define LAUNCHER_GRACE_MS 30000

struct stop {
	const char *runtime_dir;
	const char *name;
	int timeout_ms;
	struct state_record rec;
	int launcher_fd, pid1_fd;
	bool killed;	/* SIGTERM was not enough */
	bool was_stale; /* nothing ran: only the record was left */
};

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Until fd turns readable (its process ended) or ms pass; true when it ended. EINTR restarts
 * with what is left. */
static bool wait_pidfd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long end = monotonic_ms() + ms;
	int r;

	while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
		ms = end > monotonic_ms() ? (int)(end - monotonic_ms()) : 0;
	return r > 0;
}

static int remove_stale(struct stop *s, struct failure *f)
{
	_cleanup_close_ int fd = -1;
	int r = state_open(s->runtime_dir, true, &fd, f);

	if (r == 0 && (r = state_remove_stale(fd, s->name)) < 0)
		fail(f, r, "stop", "removing the stale record of %s", s->name);
	return r < 0 ? r : 0;
}

/* The launcher's pidfd, opened before its start time is checked again: then it is the one. */
static int open_launcher(struct stop *s, struct failure *f)
{
	s->launcher_fd = (int)syscall(SYS_pidfd_open, s->rec.launcher_pid, 0);
	if (s->launcher_fd < 0 && errno != ESRCH)
		return fail(f, negative_errno(), "stop", "pidfd_open(%d)", (int)s->rec.launcher_pid);
	if (s->launcher_fd >= 0 && state_record_alive(&s->rec))
		return 0;
	s->launcher_fd = safe_close(s->launcher_fd);
	return -ESRCH;
}

static int stop_find(struct stop *s, struct failure *f)
{
	_cleanup_close_ int dir_fd = -1;
	int r = state_open(s->runtime_dir, false, &dir_fd, f);

	if (r == -ENOENT)
		return failx(f, "sandbox", "no sandbox named %s", s->name), -ENOENT;
	if (r < 0 || (r = state_read(dir_fd, s->name, &s->rec, f)) < 0)
		return r;
	if (s->rec.uid != getuid())
		return fail(f, -EPERM, "stop", "%s belongs to uid %u, not to you", s->name,
			    (unsigned)s->rec.uid);
	if ((r = open_launcher(s, f)) == -ESRCH) {
		s->was_stale = true;
		return remove_stale(s, f);
	}
	if (r < 0)
		return r;
	/* pid 1 may have ended already, the launcher still tearing down: then only wait. */
	r = state_open_pid1(&s->rec, &s->pid1_fd, f);
	return r == -ESRCH ? 0 : r;
}

static int stop_signal(struct stop *s, int sig, struct failure *f)
{
	if (syscall(SYS_pidfd_send_signal, s->pid1_fd, sig, NULL, 0) < 0 && errno != ESRCH)
		return fail(f, negative_errno(), "stop", "%s to pid %d", sigabbrev_np(sig), (int)s->rec.pid1);
	return 0;
}

static int stop_run(struct stop *s, struct failure *f)
{
	int r = stop_find(s, f);

	if (r < 0 || s->was_stale)
		return r;
	if (s->pid1_fd >= 0) {
		if ((r = stop_signal(s, SIGTERM, f)) < 0)
			return r;
		if (!wait_pidfd(s->pid1_fd, s->timeout_ms)) {
			s->killed = true;
			if ((r = stop_signal(s, SIGKILL, f)) < 0)
				return r;
		}
	}
	if (!wait_pidfd(s->launcher_fd, LAUNCHER_GRACE_MS))
		return failx(f, "stop", "%s: its launcher (pid %d) has not exited", s->name,
			     (int)s->rec.launcher_pid);
	/* A launcher killed meanwhile could not remove its record. */
	return remove_stale(s, f);
}

static int usage(FILE *out, int status)
{
	fputs("usage: hutch stop NAME [--timeout SECS]\n"
	      "End the running sandbox NAME: SIGTERM, then SIGKILL after SECS (default 10).\n",
	      out);
	return status;
}

static int parse_timeout(const char *arg, int *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < 0 || v > 86400)
		return -EINVAL;
	*ret = (int)(v * 1000);
	return 0;
}

static int parse_args(struct stop *s, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			if (parse_timeout(argv[++i], &s->timeout_ms) < 0)
				return -EINVAL;
		} else if (strncmp(a, "--timeout=", 10) == 0) {
			if (parse_timeout(a + 10, &s->timeout_ms) < 0)
				return -EINVAL;
		} else if (a[0] != '-' && !s->name)
			s->name = a;
		else
			return -EINVAL;
	}
	return s->name ? 0 : -EINVAL;
}

int cmd_stop(int argc, char **argv, char **env)
{
	struct stop s = { .timeout_ms = 10000, .launcher_fd = -1, .pid1_fd = -1 };
	struct failure f = { 0 };
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];
	int r;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return usage(stdout, 0);
	if (parse_args(&s, argc, argv) < 0)
		return usage(stderr, EXIT_USAGE);
	s.runtime_dir = state_runtime_dir(env);
	r = stop_run(&s, &f);
	if (r < 0) {
		failure_format(&f, line, sizeof(line));
		fprintf(stderr, "hutch: %s\n", ESC(line));
	} else if (s.was_stale)
		fprintf(stderr, "hutch: %s was not running; its stale record is removed\n", ESC(s.name));
	else if (s.killed)
		fprintf(stderr, "hutch: %s did not end within %g s of SIGTERM; killed\n", ESC(s.name),
			s.timeout_ms / 1000.0);
	state_record_free(&s.rec);
	safe_close(s.launcher_fd);
	safe_close(s.pid1_fd);
	return r < 0 ? EXIT_LAUNCHER : 0;
}
