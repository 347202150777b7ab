/* What the kernel's Landlock offers (landlock-abi.c): its ABI version and what each version
 * can do. Any process; knows no config. */
#pragma once

#include <stdbool.h>

/* The kernel's Landlock ABI version (1, 2, ...), or -ENOSYS (not built in), -EOPNOTSUPP
 * (built in, not enabled at boot: missing from lsm=). */
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
