/* The final switch into the sandbox's root: pivot_root, detach the staging root (and the
 * host's tree under it), then make the root's own tmpfs read-only and, with propagation
 * (MS_SHARED...), give it and every mount below it that propagation. Sandbox pid 1. */
#pragma once

#include <stdbool.h>

struct failure;

int rootfs_enter(int newroot_fd, bool readonly, unsigned long propagation, struct failure *f);
