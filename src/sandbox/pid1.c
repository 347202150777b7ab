/* The sandbox's init (see pid1.h). Runs as pid 1 of the sandbox's pid namespace (or as the
 * command's parent and subreaper with --share-pid), after pivot_root. */
#include "sandbox/pid1.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clone.h"
#include "lib/sync.h"

void signals_forwarded(sigset_t *set)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT };

	sigemptyset(set);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaddset(set, sigs[i]);
}

static void noop_handler(int sig)
{
	(void)sig;
}

static void setup_stop_handler(int sig)
{
	_exit(128 + sig);
}

int pid1_setup_signals(void)
{
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = setup_stop_handler };
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(stop); i++)
		if (sigaddset(&set, stop[i]) < 0 || sigaction(stop[i], &sa, NULL) < 0)
			return negative_errno();
	/* the launcher's mask came with the clone: one queued meanwhile arrives here */
	return sigprocmask(SIG_UNBLOCK, &set, NULL) < 0 ? negative_errno() : 0;
}

int pid1_prepare(void)
{
	struct sigaction sa = { .sa_handler = noop_handler };
	sigset_t set;

	signals_forwarded(&set);
	for (int s = 1; s < NSIG; s++)
		if (sigismember(&set, s) == 1 && sigaction(s, &sa, NULL) < 0)
			return negative_errno();
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return negative_errno();
	/* Without a pid namespace of our own, orphans still come to us. */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return negative_errno();
	return 0;
}

/* Reap everything that has exited; true (and *code) once the command is among them. */
static bool reap(pid_t command, int *code)
{
	bool done = false;
	siginfo_t si;

	for (;;) {
		si.si_pid = 0;
		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 && errno == EINTR)
			continue;
		if (si.si_pid <= 0)
			return done;
		if (si.si_pid == command) {
			*code = exit_code_of(si.si_code, si.si_status);
			done = true;
		}
	}
}

bool pid1_childless(void)
{
	siginfo_t si = { 0 };

	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD;
}

/* The command is gone: the rest of the namespace goes too (what our own exit would do), and
 * the launcher learns the code before the kernel tears the namespaces down. */
_noreturn_ static void pid1_finish(int exit_fd, int code)
{
	if (exit_fd >= 0) {
		kill(-1, SIGKILL);
		while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
			;
		sync_send(exit_fd, SYNC_EXIT, code, NULL, 0, NULL, 0);
	}
	_exit(code);
}

void pid1_run(pid_t command, int exit_fd)
{
	sigset_t set;
	siginfo_t si;
	int code = 255;

	signals_forwarded(&set);
	sigaddset(&set, SIGCHLD);
	for (;;) {
		if (reap(command, &code))
			pid1_finish(exit_fd, code); /* the namespace's other processes die with us */
		if (sigwaitinfo(&set, &si) < 0 || si.si_signo == SIGCHLD)
			continue;
		/* A terminal's signals (SI_KERNEL) went to the whole process group, the command
		 * included; only what was sent to us on purpose is passed on. */
		if (si.si_code != SI_KERNEL)
			kill(command, si.si_signo);
	}
}
