/* The command process: confinement in a fixed order, then execve. Runs inside every
 * namespace after pivot_root, as the sandbox's pid 2 (pid 1 with --as-pid-1). */
#pragma once

#include "confine.h"
#include "macro.h"

struct config;

/* Receives the seccomp program (SYNC_SECCOMP) from the launcher, confines, execs. */
_noreturn_ void command_exec(const struct config *c, int sync_fd);
