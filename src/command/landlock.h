/* Landlock rulesets (landlock.c). The full tier's writes-only ruleset is landlock_apply() in
 * confine.h; the restricted tier (tier.c), which has no mount namespace to hide anything, needs
 * a ruleset that handles every right the kernel offers: reads and execution beneath the system
 * directories and the profile's paths, writes beneath the writable set, TCP bind and connect
 * when the profile allows no network (ABI 4 and later), abstract Unix sockets and signals
 * scoped to the sandbox (ABI 6 and later). The ruleset is built in the launcher and enforced in
 * the command process, after no_new_privs and before seccomp. */
#pragma once

#include <stdbool.h>

#include "lib/landlock-abi.h"

struct config;
struct failure;

/* The restricted tier's ruleset for c (a file descriptor, close-on-exec). Paths that do not
 * exist are skipped. Launcher. */
int landlock_restricted_ruleset(const struct config *c, int abi, int *ret_fd, struct failure *f);

/* Enforce the ruleset on the calling process: the command, after no_new_privs. */
int landlock_restricted_enforce(int ruleset, struct failure *f);
