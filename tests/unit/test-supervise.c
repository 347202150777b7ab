/* Unit tests of the one supervisor (src/launcher/supervise.c) and the exit-code mapping it
 * shares with pid 1 (src/lib/clone.c: exit_code_of): which signals go on, what a reported
 * failure means, the sync channel read until the command's execve, signals forwarded through a
 * real pidfd (also one that came before the process was known), and the orphans a subreaper
 * kills at the end. No privileges. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher/supervise.h"
#include "lib/clone.h"
#include "lib/failure.h"
#include "lib/sync.h"
#include "tap.h"

static void test_exit_codes(void)
{
	TAP_OK(exit_code_of(CLD_EXITED, 0) == 0, "exited 0: 0");
	TAP_OK(exit_code_of(CLD_EXITED, 3) == 3, "exited 3: 3");
	TAP_OK(exit_code_of(CLD_EXITED, 0x1ff) == 0xff, "exit status keeps its low byte");
	TAP_OK(exit_code_of(CLD_KILLED, SIGKILL) == 137, "killed by SIGKILL: 137");
	TAP_OK(exit_code_of(CLD_DUMPED, SIGSEGV) == 139, "dumped core on SIGSEGV: 139");
	TAP_OK(exit_code_of(CLD_STOPPED, SIGSTOP) == 255, "anything else: 255");
}

static void test_passes_on(void)
{
	TAP_OK(supervise_passes_on(SI_USER, false), "kill(2) to us goes on");
	TAP_OK(supervise_passes_on(SI_QUEUE, false), "sigqueue(3) to us goes on");
	TAP_OK(!supervise_passes_on(SI_KERNEL, false),
	       "a terminal's signal does not: it reached the command");
	TAP_OK(supervise_passes_on(SI_KERNEL, true), "... unless the command has a session of its own");
}

static void test_failure(void)
{
	struct failure f = { 0 };

	fail(&f, -ENOENT, "exec", "x");
	TAP_OK(supervise_failure(&f) == 0, "execve's failure: 0 (the command's status tells)");
	fail(&f, -EACCES, "chdir", "/x");
	TAP_OK(supervise_failure(&f) == -EACCES, "a step's: its -errno");
	failx(&f, "tier", "no");
	TAP_OK(supervise_failure(&f) == -EIO, "one without an errno: -EIO");
}

static int infos;

static int count_info(void *data, const struct sync_msg *m, const void *payload, const int *fds, size_t nfds,
		      struct failure *f)
{
	if (m->type == SYNC_INFO)
		return ++infos, 0;
	return failx(f, "test", "unexpected %s", sync_type_name(m->type));
}

/* A child that sends what `what` says, then exits; the supervisor reads until EOF. */
static int exec_with(const char *what, struct failure *f)
{
	int sv[2], r;
	pid_t pid;

	sync_pair(sv);
	if ((pid = fork()) == 0) {
		struct failure cf = { 0 };
		close(sv[0]);
		for (const char *w = what; *w; w++) {
			if (*w == 'i')
				sync_send(sv[1], SYNC_INFO, 0, "note", 5, NULL, 0);
			if (*w == 'e')
				sync_send_error(sv[1], (fail(&cf, -ENOENT, "chdir", "/a"), &cf));
			if (*w == 'E')
				sync_send_error(sv[1], (fail(&cf, -EPERM, "other", "/b"), &cf));
			if (*w == 'x')
				sync_send(sv[1], SYNC_EXIT, 0, NULL, 0, NULL, 0);
		}
		_exit(0);
	}
	close(sv[1]);
	infos = 0;
	*f = (struct failure){ 0 };
	r = supervise_exec(sv[0], count_info, NULL, f);
	close(sv[0]);
	waitpid(pid, NULL, 0);
	return r;
}

static void test_exec(void)
{
	struct failure f;

	TAP_OK(exec_with("", &f) == 0 && !f.stage[0], "EOF alone (execve): 0");
	TAP_OK(exec_with("ii", &f) == 0 && infos == 2, "other messages go to on_msg (%d)", infos);
	TAP_OK(exec_with("ieiE", &f) == -ENOENT && strcmp(f.stage, "chdir") == 0 && infos == 2,
	       "an ERROR: its -errno and failure, the first one only; on_msg still called after it");
	TAP_OK(exec_with("x", &f) == -EINVAL && strcmp(f.stage, "test") == 0,
	       "on_msg's own failure is returned");
	TAP_OK(exec_with("xe", &f) == -EINVAL && strcmp(f.stage, "test") == 0, "... and is the first one");
}

/* A child that waits for a signal with the supervisor's mask inherited (as a command that has
 * not cleared it yet): the signal waits for it, then ends it. */
static pid_t waiting_child(int *pidfd)
{
	pid_t pid = clone_process(0, SIGCHLD, pidfd, -1);

	if (pid == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (;;)
			pause();
	}
	return pid;
}

static void test_signals(void)
{
	struct supervisor s = SUPERVISOR_INIT;
	struct failure f = { 0 };
	int pidfd = -1;

	TAP_OK(supervise_start(&s, false, &f) == 0 && s.sig_fd >= 0, "supervise_start: a signalfd");
	waiting_child(&pidfd);
	supervise_target(&s, pidfd);
	kill(getpid(), SIGTERM); /* SI_USER: blocked here, read from the signalfd, passed on */
	TAP_OK(supervise_wait(&s) == 128 + SIGTERM, "a SIGTERM sent to the supervisor ends the command: 143");
	close(pidfd);

	s.target_fd = -1;
	supervise_signal(&s, SIGUSR1); /* before there is a process to send it to */
	waiting_child(&pidfd);
	supervise_target(&s, pidfd);
	TAP_OK(supervise_wait(&s) == 128 + SIGUSR1,
	       "a signal held until the target is known is sent then: 138");
	close(pidfd);
	supervise_done(&s);
	sigset_t cur;
	sigprocmask(SIG_SETMASK, NULL, &cur);
	TAP_OK(s.sig_fd < 0 && !sigismember(&cur, SIGTERM), "supervise_done: signalfd closed, mask restored");
}

static void test_kill_rest(void)
{
	int status;
	pid_t child;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	if ((child = fork()) == 0) {
		if (fork() == 0)
			for (;;)
				pause(); /* the orphan: comes to us when its parent exits */
		_exit(0);
	}
	waitpid(child, &status, 0);
	supervise_kill_rest();
	TAP_OK(waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD,
	       "supervise_kill_rest: the orphan killed and reaped");
}

int main(void)
{
	test_exit_codes();
	test_passes_on();
	test_failure();
	test_exec();
	test_signals();
	test_kill_rest();
	return tap_done();
}
