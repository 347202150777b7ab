/* The kernel's Landlock ABI version, asked with a raw system call (glibc has no wrapper), and
 * why it is unavailable. Any process (the launcher's checks, doctor, the command's rulesets). */
#include "lib/landlock-abi.h"

#include <errno.h>
#include <linux/landlock.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/macro.h"

int landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? negative_errno() : (int)v;
}

const char *landlock_unavailable_reason(int err)
{
	if (err == -ENOSYS)
		return "this kernel has no Landlock (CONFIG_SECURITY_LANDLOCK, Linux 5.13 or later)";
	if (err == -EOPNOTSUPP)
		return "Landlock is built in but not enabled: add landlock to the kernel's lsm= boot "
		       "parameter (cat /sys/kernel/security/lsm shows the current list)";
	return "the Landlock ABI query failed";
}
