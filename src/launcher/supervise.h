/* The one supervisor of a running command, on the host with the caller's own privileges: the
 * full sandbox's launcher (whose event loop serves the signalfd and pid 1's pidfd), the
 * restricted tier's launcher and `hutch join`'s joiner. It blocks the forwarded signals and
 * reads them from a signalfd, passes them on through the supervised process's pidfd (holding
 * one that came before that process existed), waits for it, turns how it ended into the exit
 * code, reads what the command process reports before its execve, and kills what is left. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

struct failure;

struct supervisor {
	int sig_fd;	  /* signalfd of signals_forwarded(), -1 before supervise_start() */
	int target_fd;	  /* the pidfd signals go to (not ours to close), -1 while unknown */
	int pending_sig;  /* came while no target was known; sent once there is one */
	bool own_session; /* the command has a session of its own: a terminal's signals go on too */
	bool mask_saved;
	sigset_t oldmask;
};

#define SUPERVISOR_INIT ((struct supervisor){ .sig_fd = -1, .target_fd = -1 })

/* Block the forwarded signals (pid1.h: signals_forwarded) and open their signalfd, CLOEXEC and
 * non-blocking: from here on they wait there instead of ending us. */
int supervise_start(struct supervisor *s, bool own_session, struct failure *f);

/* The mask as it was, the signalfd closed. */
void supervise_done(struct supervisor *s);

/* The process signals go to from now on (its pidfd); one held meanwhile is sent now. */
void supervise_target(struct supervisor *s, int pidfd);

/* Send sig to the target, or hold it until there is one. */
void supervise_signal(struct supervisor *s, int sig);

/* Pass on every signal queued on the signalfd (what supervise_passes_on() lets through). */
void supervise_forward(struct supervisor *s);

/* Whether a signal with this si_code goes on: a terminal's (SI_KERNEL) reached the command's
 * process group already unless the command has a session of its own. Pure. */
bool supervise_passes_on(int si_code, bool own_session);

/* Forward signals until the target exits; its exit code (clone.h: exit_code_of). For a
 * supervisor without an event loop of its own (the restricted tier, join). */
int supervise_wait(struct supervisor *s);

/* Read what the command process and its helpers send on the sync channel until every copy of
 * its end is closed (each one's execve or exit). An ERROR goes to f (the first one only); any
 * other message goes to on_msg when given (data is its own), which returns < 0 to fail.
 * Returns 0 when nothing failed, else the failure's -errno (supervise_failure). */
struct sync_msg;
typedef int (*supervise_msg_fn)(void *data, const struct sync_msg *m, const void *payload, const int *fds,
				size_t nfds, struct failure *f);
int supervise_exec(int sync_fd, supervise_msg_fn on_msg, void *data, struct failure *f);

/* What a failure reported by the command process means for the supervisor: 0 for execve's
 * (stage "exec"; the command's own exit status, 126 or 127, tells), else its -errno (-EIO when
 * it names none): hutch's own failure, 125. */
int supervise_failure(const struct failure *f);

/* As a subreaper (PR_SET_CHILD_SUBREAPER): kill and reap every child left, the orphans the
 * command left behind that came to us. Without /proc/self/task/TID/children
 * (CONFIG_PROC_CHILDREN) there is no list to kill from, and they are left alone. */
void supervise_kill_rest(void);
