/* The command process (see command.h): the security steps in a fixed order, seccomp last
 * before execve, as bubblewrap and nsjail do it, so that no later step needs a system call
 * the filter refuses. Runs with the sandbox user namespace's capabilities until caps_drop. */
#include "command/command.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "egress/egress.h"
#include "front/bwrap/bwrap.h"
#include "front/config.h"
#include "lib/failure.h"
#include "launcher/net/net.h"
#include "lib/strv.h"
#include "lib/sync.h"

static int keep_fd_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

int command_sweep_fds(const struct config *c, struct failure *f)
{
	int keep[64];
	size_t n = c->n_keep_fds < ARRAY_SIZE(keep) ? c->n_keep_fds : ARRAY_SIZE(keep);
	unsigned from = 3;

	if (c->inherit_fds)
		return 0;
	if (n > 0)
		memcpy(keep, c->keep_fds, n * sizeof(int));
	qsort(keep, n, sizeof(int), keep_fd_cmp);
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 3)
			continue;
		int fl = fcntl(keep[i], F_GETFD);
		if (fl < 0 || fcntl(keep[i], F_SETFD, fl & ~FD_CLOEXEC) < 0)
			return fail(f, negative_errno(), "keep-fd", "%d", keep[i]);
		if ((unsigned)keep[i] > from &&
		    close_range(from, (unsigned)keep[i] - 1, CLOSE_RANGE_CLOEXEC) < 0)
			return fail(f, negative_errno(), "fd sweep", NULL);
		from = (unsigned)keep[i] + 1;
	}
	if (close_range(from, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		return fail(f, negative_errno(), "fd sweep", NULL);
	return 0;
}

int command_enter_cwd(const struct config *c, struct failure *f)
{
	if (c->chdir)
		return chdir(c->chdir) < 0 ? fail(f, negative_errno(), "chdir", "%s", c->chdir) : 0;
	if (c->cwd && chdir(c->cwd) == 0)
		return 0;
	if (chdir(c->home) == 0 || chdir("/") == 0)
		return 0;
	return fail(f, negative_errno(), "chdir", "/");
}

/* --memory-deny-write-execute: the kernel's own rule (Linux 6.3), inherited across fork and
 * execve and never lifted: no mapping is writable and executable, none gains execute. */
int command_deny_write_execute(const struct config *c, struct failure *f)
{
#ifndef PR_SET_MDWE
#define PR_SET_MDWE		 65
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
	if (c->mdwe && prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) < 0)
		return fail(f, negative_errno(), "memory-deny-write-execute",
			    "prctl(PR_SET_MDWE) (Linux 6.3 or later)");
	return 0;
}

int command_lock_down(const struct config *c, const struct bpf_program *bpf, struct failure *f)
{
	int r = rlimit_apply(c, f);

	if (r == 0)
		r = caps_drop(c, f);

	if (r < 0)
		return r;
	if ((r = command_deny_write_execute(c, f)) < 0)
		return r;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(f, negative_errno(), "prctl", "PR_SET_NO_NEW_PRIVS");
	if ((r = landlock_apply(c, f)) < 0)
		return r;
	/* seccomp_install() returns the filter's listener fd, when it has one */
	if ((r = seccomp_install(bpf, f)) < 0)
		return r;
	for (size_t i = 0; i < c->n_extra_filters; i++) {
		int e = seccomp_install(&c->extra_filters[i], f);
		if (e < 0)
			return e;
	}
	if (!c->bwrap)
		return r;
	int b = bwrap_command_seccomp(c, f);
	return b < 0 ? b : r;
}

/* hutch-oci's create: everything but the lock-down is done; say so and wait for its start
 * (the runtime's `start` writes the byte; the container's state is "created" meanwhile). */
static int command_wait_start(const struct config *c, struct failure *f)
{
	char b = 0;
	ssize_t n;

	if (c->start_gate_fd < 0)
		return 0;
	if (write(c->start_ready_fd, "r", 1) != 1)
		return fail(f, negative_errno(), "start", "telling the runtime the container is created");
	do
		n = read(c->start_gate_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return fail(f, n < 0 ? negative_errno() : -EPIPE, "start", "waiting for the start");
	return 0;
}

static int confine(const struct config *c, const struct bpf_program *bpf, struct failure *f)
{
	sigset_t none;
	int r;

	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
		return fail(f, negative_errno(), "signals", NULL);
	if (!c->as_pid1 && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail(f, negative_errno(), "prctl", "PR_SET_PDEATHSIG");
	if (c->setsid_command && setsid() < 0)
		return fail(f, negative_errno(), "setsid", NULL);
	if ((r = command_enter_cwd(c, f)) < 0)
		return r;
	if ((r = command_sweep_fds(c, f)) < 0)
		return r;
	if ((r = command_wait_start(c, f)) < 0)
		return r;
	return command_lock_down(c, bpf, f);
}

/* The launcher compiles the filter while pid 1 sets up the mounts; it arrives here. */
static int receive_filter(int sync_fd, struct bpf_program *bpf, struct failure *f)
{
	void *payload = NULL;
	size_t len = 0;
	int32_t listener = 0;
	int r = sync_expect(sync_fd, SYNC_SECCOMP, &listener, &payload, &len, f);

	if (r < 0)
		return r;
	bpf->insns = payload;
	bpf->n = len / sizeof(struct sock_filter);
	bpf->listener = listener != 0;
	return 0;
}

/* argv with --argv0's name in place of the program's (the copy is the exec's to drop). */
static char **command_argv(const struct config *c)
{
	size_t n = strv_length(c->argv);
	char **argv = c->argv0 ? calloc(n + 1, sizeof(char *)) : NULL;

	if (!argv)
		return c->argv;
	memcpy(argv, c->argv, n * sizeof(char *));
	argv[0] = c->argv0;
	return argv;
}

/* With a report, the filter's listener goes to the launcher, which serves it (notify.c); the
 * command keeps no copy. */
static int send_listener(int sync_fd, int fd, struct failure *f)
{
	int r = sync_send(sync_fd, SYNC_NOTIFY_FD, 0, NULL, 0, &fd, 1);

	safe_close(fd);
	return r < 0 ? fail(f, r, "sync", "sending the seccomp listener") : 0;
}

void command_exec(const struct config *c, int sync_fd)
{
	extern char **environ;
	struct bpf_program bpf = { 0 };
	struct failure f = { 0 };
	int r = receive_filter(sync_fd, &bpf, &f);

	/* With a user-mode back-end the network is configured before the command starts. */
	if (r == 0 && (net_needs_launcher(c) || egress_netns_policy(c)))
		r = sync_expect(sync_fd, SYNC_NET_READY, NULL, NULL, NULL, &f);
	if (r == 0 && net_wait_ipv6(c) < 0) {
		static const char note[] = "net: no IPv6 address yet, starting without";
		sync_send(sync_fd, SYNC_INFO, 0, note, sizeof(note), NULL, 0);
	}
	if (r == 0)
		r = confine(c, &bpf, &f);
	if (r > 0 && bpf.listener)
		r = send_listener(sync_fd, r, &f);

	if (r < 0) {
		sync_send_error(sync_fd, &f);
		_exit(EXIT_LAUNCHER);
	}
	environ = c->env; /* execvp searches the sandbox's PATH, not the launcher's */
	if (c->bwrap)
		bwrap_command_env(c);
	execvp(c->argv[0], command_argv(c));
	r = errno;
	fail(&f, -r, "exec", "%s", c->argv[0]);
	sync_send_error(sync_fd, &f);
	_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}
