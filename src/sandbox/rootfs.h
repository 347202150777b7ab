/* The final switch into the sandbox's root: pivot_root, detach the staging root (and the
 * host's tree under it), then make the root's own tmpfs read-only. Sandbox pid 1. */
#pragma once

#include <stdbool.h>

struct failure;

int rootfs_enter(int newroot_fd, bool readonly, struct failure *f);
