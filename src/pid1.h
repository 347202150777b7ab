/* The sandbox's init: reaps every zombie, forwards signals to the command, and exits with
 * the command's status (128+N when it was killed by signal N). Sandbox pid 1, no exec. */
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "macro.h"

/* The signals the launcher and pid 1 pass on to the command. */
void signals_forwarded(sigset_t *set);

/* Block the forwarded signals and SIGCHLD and give them handlers (init ignores a signal
 * whose handler is SIG_DFL, even from an ancestor namespace); before forking the command. */
int pid1_prepare(void);

_noreturn_ void pid1_run(pid_t command);

/* Exit code for a wait status, as shells report it. */
int status_to_exit_code(int status);
