/* The command process: confinement in a fixed order, then execve. Runs inside every
 * namespace after pivot_root, as the sandbox's pid 2 (pid 1 with --as-pid-1). */
#pragma once

#include "command/confine.h"
#include "lib/macro.h"

struct config;

/* The steps shared with `hutch join` and the restricted tier, so that their order is defined
 * here once. --chdir, else the caller's directory when the sandbox has it, else home, else /: */
int command_enter_cwd(const struct config *c, struct failure *f);
/* Every fd from 3 up close-on-exec, except the --keep-fd ones (checked to be open): */
int command_sweep_fds(const struct config *c, struct failure *f);
/* Capabilities → no_new_privs → Landlock → seccomp, last before execve: */
/* --memory-deny-write-execute (PR_SET_MDWE), in the command process before no_new_privs. */
int command_deny_write_execute(const struct config *c, struct failure *f);
int command_lock_down(const struct config *c, const struct bpf_program *bpf, struct failure *f);

/* Receives the seccomp program (SYNC_SECCOMP) from the launcher, confines, execs. */
_noreturn_ void command_exec(const struct config *c, int sync_fd);
