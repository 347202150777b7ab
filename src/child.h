/* The children's side of the launch:
 *   child_main(): the first child, created by clone3(CLONE_NEWUSER). While the launcher's
 *     id-map helpers run, it unshares the other namespaces, creates the sandbox's pid 1 as
 *     the launcher's own child (CLONE_PARENT: the launcher waits on it and
 *     PR_SET_PDEATHSIG ties it to the launcher) and reports its pid; then it only holds
 *     the user namespace for the helpers until the launcher ends it.
 *   sandbox_main(): pid 1 — waits for USERMAP_ACK, mounts, pivot_root, host name, lo; then
 *     forks the command and becomes its init (or execs the command itself with --as-pid-1). */
#pragma once

#include "macro.h"

struct config;

_noreturn_ void child_main(const struct config *c, int sync_fd, int launcher_fd);
