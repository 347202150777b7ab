/* The one supervisor (see supervise.h). Launcher side, the caller's own privileges; used by
 * launcher.c (through its event loop), src/tier/tier.c and src/cmd/join.c. */
#include "launcher/supervise.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clone.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "lib/sync.h"
#include "sandbox/pid1.h"

int supervise_start(struct supervisor *s, bool own_session, struct failure *f)
{
	sigset_t set;

	s->own_session = own_session;
	signals_forwarded(&set);
	if (sigprocmask(SIG_BLOCK, &set, &s->oldmask) < 0)
		return fail(f, negative_errno(), "signals", NULL);
	s->mask_saved = true;
	s->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return s->sig_fd < 0 ? fail(f, negative_errno(), "signalfd", NULL) : 0;
}

void supervise_done(struct supervisor *s)
{
	s->sig_fd = safe_close(s->sig_fd);
	if (s->mask_saved)
		sigprocmask(SIG_SETMASK, &s->oldmask, NULL);
	s->mask_saved = false;
}

void supervise_signal(struct supervisor *s, int sig)
{
	if (s->target_fd >= 0)
		syscall(SYS_pidfd_send_signal, s->target_fd, sig, NULL, 0);
	else
		s->pending_sig = sig;
}

void supervise_target(struct supervisor *s, int pidfd)
{
	s->target_fd = pidfd;
	if (s->pending_sig)
		supervise_signal(s, s->pending_sig);
	s->pending_sig = 0;
}

bool supervise_passes_on(int si_code, bool own_session)
{
	return si_code != SI_KERNEL || own_session;
}

void supervise_forward(struct supervisor *s)
{
	struct signalfd_siginfo si;

	while (s->sig_fd >= 0 && read(s->sig_fd, &si, sizeof(si)) == sizeof(si))
		if (supervise_passes_on((int)si.ssi_code, s->own_session))
			supervise_signal(s, (int)si.ssi_signo);
}

int supervise_wait(struct supervisor *s)
{
	struct pollfd p[2] = { { .fd = s->target_fd, .events = POLLIN },
			       { .fd = s->sig_fd, .events = POLLIN } };

	for (;;) {
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents)
			break;
		if (p[1].revents & POLLIN)
			supervise_forward(s);
	}
	return pidfd_exit_code(s->target_fd);
}

int supervise_failure(const struct failure *f)
{
	if (strcmp(f->stage, "exec") == 0)
		return 0;
	return f->err > 0 ? -f->err : -EIO;
}

/* One message; 1 to read on, 0 at the end. The first failure, whether the command process
 * reported it or on_msg found it, goes to f and *r; what follows it goes nowhere. */
static int exec_message(int sync_fd, supervise_msg_fn on_msg, void *data, int *r, struct failure *f)
{
	struct sync_msg m;
	_cleanup_free_ void *payload = NULL;
	int fds[SYNC_MAX_FDS];
	size_t nfds = 0;
	struct failure ignored = { 0 };
	struct failure *to = *r < 0 ? &ignored : f;
	int t = sync_recv(sync_fd, &m, &payload, fds, &nfds), e = 0;

	if (t == -ECONNRESET) /* reported once before what is still queued: see launcher.c's on_sync */
		return 1;
	if (t <= 0) {
		e = t < 0 ? fail(to, t, "sync", "waiting for the command to start") : 0;
		*r = *r < 0 ? *r : e;
		return 0;
	}
	if (t == SYNC_ERROR)
		e = sync_failure(&m, payload, to);
	else if (on_msg) /* even after a failure: a process it names is still ours to reap */
		e = on_msg(data, &m, payload, fds, nfds, to), nfds = 0;
	for (size_t i = 0; i < nfds; i++)
		safe_close(fds[i]);
	*r = *r < 0 ? *r : e;
	return 1;
}

int supervise_exec(int sync_fd, supervise_msg_fn on_msg, void *data, struct failure *f)
{
	int r = 0;

	while (exec_message(sync_fd, on_msg, data, &r, f) > 0)
		;
	return r;
}

void supervise_kill_rest(void)
{
	char path[64], buf[4096];

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	for (;;) {
		_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		if (n < 0)
			return;
		buf[n] = '\0';
		for (char *save = NULL, *tok = strtok_r(buf, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save))
			kill((pid_t)strtol(tok, NULL, 10), SIGKILL);
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			return;
	}
}
