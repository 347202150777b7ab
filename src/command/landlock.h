/* Landlock rulesets (landlock.c). The full tier's writes-only ruleset is landlock_apply() in
 * confine.h; the restricted tier (tier.c), which has no mount namespace to hide anything, needs
 * a ruleset that handles every right the kernel offers: reads and execution beneath the system
 * directories and the profile's paths, writes beneath the writable set, TCP bind and connect
 * when the profile allows no network (ABI 4 and later), abstract Unix sockets and signals
 * scoped to the sandbox (ABI 6 and later). The ruleset is built in the launcher and enforced in
 * the command process, after no_new_privs and before seccomp. */
#pragma once

#include <stdbool.h>

struct config;
struct failure;

/* The kernel's Landlock ABI version (1, 2, ...), or -ENOSYS (not built in), -EOPNOTSUPP
 * (built in, not enabled at boot: missing from lsm=). Any process. */
int landlock_abi(void);

/* Why Landlock is unavailable, with the fix, for an error of landlock_abi(). */
const char *landlock_unavailable_reason(int err);

/* Whether the restricted tier can deny TCP (ABI ≥ 4) and scope abstract Unix sockets and
 * signals (ABI ≥ 6) on this ABI. */
static inline bool landlock_abi_has_net(int abi)
{
	return abi >= 4;
}

static inline bool landlock_abi_has_scopes(int abi)
{
	return abi >= 6;
}

/* The restricted tier's ruleset for c (a file descriptor, close-on-exec). Paths that do not
 * exist are skipped. Launcher. */
int landlock_restricted_ruleset(const struct config *c, int abi, int *ret_fd, struct failure *f);

/* Enforce the ruleset on the calling process: the command, after no_new_privs. */
int landlock_restricted_enforce(int ruleset, struct failure *f);
