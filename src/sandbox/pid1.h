/* The sandbox's init: reaps every zombie, forwards signals to the command, and exits with
 * the command's status (128+N when it was killed by signal N). Sandbox pid 1, no exec. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "lib/macro.h"

/* The signals the launcher and pid 1 pass on to the command. */
void signals_forwarded(sigset_t *set);

/* Until pid1_prepare(): SIGINT, SIGTERM and SIGHUP end pid 1 at once with 128+N, so that a
 * setup step that waits (bwrap's --block-fd, a slow mount) cannot outlast them; the launcher
 * passes them on to us (init drops a signal whose handler is SIG_DFL). */
int pid1_setup_signals(void);

/* Block the forwarded signals and SIGCHLD and give them handlers (init ignores a signal
 * whose handler is SIG_DFL, even from an ancestor namespace); before forking the command. */
int pid1_prepare(void);

/* Runs until the command exits. With exit_fd >= 0 (pid 1 of a pid namespace of its own, no
 * helper process of its own such as fuse-overlayfs), it then ends every other process of the
 * namespace, reaps them, and sends SYNC_EXIT with the code there before it exits: the launcher
 * may return the status at once instead of waiting out the namespaces' teardown. */
_noreturn_ void pid1_run(pid_t command, int exit_fd);

/* True when this process has no child: asked before the command is started. */
bool pid1_childless(void);
