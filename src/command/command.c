/* The command process (see command.h): the security steps in a fixed order, seccomp last
 * before execve, as bubblewrap and nsjail do it, so that no later step needs a system call
 * the filter refuses. One table holds the order; a spec's mask only leaves steps out. Runs
 * with the capabilities its supervisor gave it (the sandbox user namespace's, in the full
 * sandbox and join) until caps_drop. */
#include "command/command.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "command/landlock.h"
#include "command/terminal.h"
#include "egress/egress.h"
#include "front/config.h"
#include "lib/failure.h"
#include "launcher/net/net.h"
#include "lib/macro.h"
#include "lib/strv.h"
#include "lib/sync.h"

/* Without no_new_privs, seccomp and Landlock need CAP_SYS_ADMIN, which caps_drop takes away:
 * each lock-down step goes to its twin before it (as runc installs the filter before it drops
 * capabilities when noNewPrivileges is false), the network wait with them, seccomp's before. */
static unsigned hold_lock_down(unsigned s)
{
	static const enum command_step late[] = { COMMAND_LANDLOCK, COMMAND_NET_WAIT, COMMAND_SECCOMP };
	static const enum command_step held[] = { COMMAND_HELD_LANDLOCK, COMMAND_HELD_NET_WAIT,
						  COMMAND_HELD_SECCOMP };

	s &= ~COMMAND_STEP(COMMAND_NO_NEW_PRIVS);
	for (size_t i = 0; i < ARRAY_SIZE(late); i++)
		if (s & COMMAND_STEP(late[i]))
			s = (s & ~COMMAND_STEP(late[i])) | COMMAND_STEP(held[i]);
	return s;
}

unsigned command_steps(enum command_kind kind, const struct config *c, bool holds_caps)
{
	unsigned s = COMMAND_STEP(COMMAND_SIGMASK) | COMMAND_STEP(COMMAND_CHDIR) |
		     COMMAND_STEP(COMMAND_RLIMIT) | COMMAND_STEP(COMMAND_CAPS) |
		     COMMAND_STEP(COMMAND_NO_NEW_PRIVS) | COMMAND_STEP(COMMAND_LANDLOCK) |
		     COMMAND_STEP(COMMAND_SECCOMP);

	if (kind != COMMAND_SANDBOX || !c->as_pid1)
		s |= COMMAND_STEP(COMMAND_TIE);
	if (c->setsid_command)
		s |= COMMAND_STEP(COMMAND_SETSID);
	if (c->console_fd >= 0)
		s |= COMMAND_STEP(COMMAND_SETSID) | COMMAND_STEP(COMMAND_TERMINAL);
	if (kind == COMMAND_JOIN || !c->inherit_fds)
		s |= COMMAND_STEP(COMMAND_FD_SWEEP);
	if (kind == COMMAND_RESTRICTED && !holds_caps)
		s &= ~COMMAND_STEP(COMMAND_CAPS);
	if (c->mdwe)
		s |= COMMAND_STEP(COMMAND_MDWE);
	if (kind == COMMAND_SANDBOX)
		s |= COMMAND_STEP(COMMAND_NET_WAIT);
	if (c->apparmor_profile)
		s |= COMMAND_STEP(COMMAND_APPARMOR);
	if (kind == COMMAND_SANDBOX && c->start_gate_fd >= 0)
		s |= COMMAND_STEP(COMMAND_START_GATE);
	if (c->keep_new_privs && (s & COMMAND_STEP(COMMAND_CAPS)))
		s = hold_lock_down(s);
	return s;
}

/* ---- the steps ---- */

static int step_sigmask(const struct command_spec *s, struct failure *f)
{
	sigset_t none;

	sigemptyset(&none);
	return sigprocmask(SIG_SETMASK, &none, NULL) < 0 ? fail(f, negative_errno(), "signals", NULL) : 0;
}

/* Die with the parent (pid 1, or the restricted tier's launcher, or the joiner), then make
 * sure the supervisor did not go before that took effect: its end of the channel hangs up
 * when it goes. */
static int step_tie(const struct command_spec *s, struct failure *f)
{
	struct pollfd p = { .fd = s->sync_fd, .events = POLLIN };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail(f, negative_errno(), "prctl", "PR_SET_PDEATHSIG");
	if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP))
		_exit(EXIT_LAUNCHER);
	return 0;
}

static int step_setsid(const struct command_spec *s, struct failure *f)
{
	return setsid() < 0 ? fail(f, negative_errno(), "setsid", NULL) : 0;
}

static int step_terminal(const struct command_spec *s, struct failure *f)
{
	const struct config *c = s->c;

	return terminal_take(c->console_fd, c->console_dev, c->console_rows, c->console_cols, f);
}

static int step_chdir(const struct command_spec *s, struct failure *f)
{
	const struct config *c = s->c;

	if (c->chdir)
		return chdir(c->chdir) < 0 ? fail(f, negative_errno(), "chdir", "%s", c->chdir) : 0;
	if (c->cwd && chdir(c->cwd) == 0)
		return 0;
	if (chdir(c->home) == 0 || chdir("/") == 0)
		return 0;
	return fail(f, negative_errno(), "chdir", "/");
}

static int keep_fd_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Every fd from 3 up close-on-exec, except the keep list's (checked to be open). */
static int step_fd_sweep(const struct command_spec *s, struct failure *f)
{
	int keep[64];
	size_t n = s->n_keep_fds < ARRAY_SIZE(keep) ? s->n_keep_fds : ARRAY_SIZE(keep);
	unsigned from = 3;

	if (n > 0)
		memcpy(keep, s->keep_fds, n * sizeof(int));
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

/* The profile the kernel puts the command in at its execve (hutch-oci's
 * process.apparmorProfile, as runc's aa_change_onexec): written once, whole, to this task's
 * own attribute (the older file where the kernel has no AppArmor directory). Before the start
 * gate, so that a profile the kernel does not have fails create, as runc's init fails. */
static int step_apparmor(const struct command_spec *s, struct failure *f)
{
	static const char *const attr[] = { "/proc/self/attr/apparmor/exec", "/proc/self/attr/exec" };
	const char *name = s->c->apparmor_profile;
	char line[4096];
	int n = snprintf(line, sizeof(line), "exec %s", name);
	unsigned k = 0;
	_cleanup_close_ int fd = open(attr[k], O_WRONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		fd = open(attr[++k], O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, negative_errno(), "apparmor", "profile %s: %s", name, attr[k]);
	if (n < 0 || (size_t)n >= sizeof(line))
		return fail(f, -ENAMETOOLONG, "apparmor", "profile %.64s...", name);
	if (write(fd, line, (size_t)n) != n)
		return fail(f, negative_errno(), "apparmor",
			    "profile %s (not loaded in the kernel?), written to %s", name, attr[k]);
	return 0;
}

/* The runtime's answer on start_ready_fd: 'k' once its create has finished (state, pid file,
 * hooks); an end of file before it: create ended midway (killed), and no one will start or
 * delete this container. */
static int gate_created(int ready_fd, struct failure *f)
{
	char b = 0;
	ssize_t n;

	do
		n = read(ready_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n == 1 && b == 'k')
		return 0;
	return fail(f, n < 0 ? negative_errno() : -EPIPE, "start",
		    "the runtime's create ended before the container was created");
}

/* Held before the lock-down (hutch-oci's create): say the command is set up, then wait for
 * the runtime's `start` to write its byte (the container's state is "created" meanwhile).
 * A launcher gone meanwhile (its end of the sync channel hung up) ends the wait: pid 1 is not
 * tied to it by PR_SET_PDEATHSIG when it is not its child (c->pid1_sibling); so does a create
 * that ends before it says the container is created (gate_created). */
static int step_start_gate(const struct command_spec *s, struct failure *f)
{
	struct pollfd p[3] = { { .fd = s->c->start_gate_fd, .events = POLLIN },
			       { .fd = s->c->start_ready_fd, .events = POLLIN },
			       { .fd = s->sync_fd } };
	char b = 0;
	ssize_t n = -1;
	int r;

	if (write(s->c->start_ready_fd, "r", 1) != 1)
		return fail(f, negative_errno(), "start", "telling the runtime the container is created");
	for (;;) {
		while (poll(p, s->sync_fd >= 0 ? 3 : 2, -1) < 0)
			if (errno != EINTR)
				return fail(f, negative_errno(), "start", "waiting for the start");
		if (p[0].revents & POLLIN)
			break;
		if (!p[1].revents)
			return fail(f, -EPIPE, "start", "the launcher is gone");
		if ((r = gate_created(p[1].fd, f)) < 0)
			return r;
		p[1].fd = -1; /* created: only the start or the launcher's end from now on */
	}
	do
		n = read(s->c->start_gate_fd, &b, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return fail(f, n < 0 ? negative_errno() : -EPIPE, "start", "waiting for the start");
	return 0;
}

static int step_rlimit(const struct command_spec *s, struct failure *f)
{
	return rlimit_apply(s->c, f);
}

static int step_caps(const struct command_spec *s, struct failure *f)
{
	return caps_drop(s->c, f);
}

/* --memory-deny-write-execute: the kernel's own rule (Linux 6.3), inherited across fork and
 * execve and never lifted: no mapping is writable and executable, none gains execute. */
static int step_mdwe(const struct command_spec *s, struct failure *f)
{
#ifndef PR_SET_MDWE
#define PR_SET_MDWE		 65
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
	if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0, 0, 0) < 0)
		return fail(f, negative_errno(), "memory-deny-write-execute",
			    "prctl(PR_SET_MDWE) (Linux 6.3 or later)");
	return 0;
}

static int step_no_new_privs(const struct command_spec *s, struct failure *f)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return fail(f, negative_errno(), "prctl", "PR_SET_NO_NEW_PRIVS");
	return 0;
}

static int step_landlock(const struct command_spec *s, struct failure *f)
{
	if (s->landlock_fd >= 0)
		return landlock_restricted_enforce(s->landlock_fd, f);
	return landlock_apply(s->c, f);
}

/* A user-mode back-end configures the network while the steps before this one run, so that
 * they are off the start's critical path; the command waits here before its filter, which may
 * refuse the netlink socket the IPv6 wait uses (a socket family list). */
static int step_net_wait(const struct command_spec *s, struct failure *f)
{
	int r = 0;

	if (net_needs_launcher(s->c) || egress_netns_policy(s->c))
		r = sync_expect(s->sync_fd, SYNC_NET_READY, NULL, NULL, NULL, f);
	if (r == 0 && net_wait_ipv6(s->c) < 0) {
		static const char note[] = "net: no IPv6 address yet, starting without";
		sync_send(s->sync_fd, SYNC_INFO, 0, note, sizeof(note), NULL, 0);
	}
	return r;
}

/* With a report, the filter's listener goes to the launcher, which serves it (notify.c); the
 * command keeps no copy. */
static int send_listener(int sync_fd, int fd, struct failure *f)
{
	int r = sync_send(sync_fd, SYNC_NOTIFY_FD, 0, NULL, 0, &fd, 1);

	safe_close(fd);
	return r < 0 ? fail(f, r, "sync", "sending the seccomp listener") : 0;
}

static int step_seccomp(const struct command_spec *s, struct failure *f)
{
	int r = s->pre_bpf ? seccomp_install(s->pre_bpf, f) : 0;

	/* seccomp_install() returns the filter's listener fd, when it has one */
	if (r == 0 && s->bpf)
		r = seccomp_install(s->bpf, f);
	if (r >= 0) {
		/* then the front end's raw programs (bwrap's --seccomp), stacked on it */
		int e = seccomp_install_extra(s->c, f);
		if (e < 0) {
			safe_close(r > 0 ? r : -1);
			return e;
		}
	}
	return r > 0 ? send_listener(s->sync_fd, r, f) : r;
}

/* $PWD names the directory the command starts in (c->set_pwd), as a shell would set it. */
static void command_set_pwd(void)
{
	char cwd[4096];

	if (getcwd(cwd, sizeof(cwd)))
		setenv("PWD", cwd, 1);
}

static const struct {
	const char *name; /* as confine.h's first comment names it */
	int (*run)(const struct command_spec *s, struct failure *f);
} command_table[COMMAND_STEPS] = {
	[COMMAND_SIGMASK] = { "signal mask cleared", step_sigmask },
	[COMMAND_TIE] = { "PDEATHSIG", step_tie },
	[COMMAND_SETSID] = { "setsid", step_setsid },
	[COMMAND_TERMINAL] = { "terminal", step_terminal },
	[COMMAND_CHDIR] = { "chdir", step_chdir },
	[COMMAND_FD_SWEEP] = { "fd sweep", step_fd_sweep },
	[COMMAND_APPARMOR] = { "apparmor exec", step_apparmor },
	[COMMAND_START_GATE] = { "start gate", step_start_gate },
	[COMMAND_RLIMIT] = { "rlimit_apply", step_rlimit },
	[COMMAND_HELD_LANDLOCK] = { "held landlock_apply", step_landlock },
	[COMMAND_HELD_NET_WAIT] = { "held network wait", step_net_wait },
	[COMMAND_HELD_SECCOMP] = { "held seccomp_install", step_seccomp },
	[COMMAND_CAPS] = { "caps_drop", step_caps },
	[COMMAND_MDWE] = { "PR_SET_MDWE", step_mdwe },
	[COMMAND_NO_NEW_PRIVS] = { "no_new_privs", step_no_new_privs },
	[COMMAND_LANDLOCK] = { "landlock_apply", step_landlock },
	[COMMAND_NET_WAIT] = { "network wait", step_net_wait },
	[COMMAND_SECCOMP] = { "seccomp_install", step_seccomp },
};

const char *command_step_name(enum command_step s)
{
	return (unsigned)s < COMMAND_STEPS ? command_table[s].name : NULL;
}

/* ---- the run ---- */

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

void command_run(const struct command_spec *s)
{
	extern char **environ;
	struct failure f = { 0 };
	const char *prog;
	int r = 0;

	for (unsigned i = 0; r == 0 && i < COMMAND_STEPS; i++)
		if (s->steps & COMMAND_STEP(i))
			r = command_table[i].run(s, &f);
	if (r < 0) {
		sync_send_error(s->sync_fd, &f);
		_exit(EXIT_LAUNCHER);
	}
	environ = s->c->env; /* execvp searches the sandbox's PATH, not the launcher's */
	if (s->c->set_pwd)
		command_set_pwd();
	prog = s->argv ? s->argv[0] : s->c->argv[0];
	execvp(prog, s->argv ? s->argv : command_argv(s->c));
	if (errno == ENOENT && s->shell_fallback) /* the user's shell may not be in an image */
		execv("/bin/sh", (char *[]){ "/bin/sh", NULL });
	r = errno;
	fail(&f, -r, "exec", "%s", prog);
	sync_send_error(s->sync_fd, &f);
	_exit(r == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/* ---- the full sandbox's command ---- */

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

void command_exec(const struct config *c, int sync_fd)
{
	struct bpf_program bpf = { 0 };
	struct failure f = { 0 };
	int r = receive_filter(sync_fd, &bpf, &f);
	struct command_spec s = {
		.c = c,
		.steps = command_steps(COMMAND_SANDBOX, c, true),
		.sync_fd = sync_fd,
		.keep_fds = c->keep_fds,
		.n_keep_fds = c->n_keep_fds,
		.landlock_fd = -1,
		.bpf = &bpf,
	};

	if (r < 0) {
		sync_send_error(sync_fd, &f);
		_exit(EXIT_LAUNCHER);
	}
	command_run(&s);
}
