/* The children's side of the launch:
 *   child_main(): the first child, created by clone3(CLONE_NEWUSER). While the launcher's
 *     id-map helpers run, it unshares the other namespaces, creates the sandbox's pid 1 as
 *     the launcher's own child (CLONE_PARENT: the launcher waits on it and
 *     PR_SET_PDEATHSIG ties it to the launcher) and reports its pid; then it only holds
 *     the user namespace for the helpers until the launcher ends it.
 *   sandbox_main(): pid 1 — waits for USERMAP_ACK, mounts, pivot_root, host name, lo; then
 *     forks the command and becomes its init (or execs the command itself with --as-pid-1). */
#pragma once

#include "lib/macro.h"

struct config;

_noreturn_ void child_main(const struct config *c, int sync_fd, int launcher_fd);

/* With a single-id map (no helper to overlap with) and no cgroup to be born in, the launcher
 * clones pid 1 itself, in every new namespace at once, as bwrap does: no first child.
 * late_flags: the namespaces pid 1 unshares itself first (a cgroup namespace, to be rooted at
 * the leaf it was born in, with c->pid1_sibling). */
_noreturn_ void child_direct_main(const struct config *c, int sync_fd, int launcher_fd, int late_flags);
/* The CLONE_NEW* flags of the namespaces the sandbox gets besides the user namespace. */
int child_unshare_flags(const struct config *c);
