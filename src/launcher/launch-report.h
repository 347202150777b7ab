/* What a run reports to main() when the sandbox has ended: filled by the launcher
 * (launcher_run) or the restricted tier (tier_restricted_run), read by main(), stats.c and
 * learn. A type only: the tier includes it without depending on the launcher's driver. */
#pragma once

#include <stdint.h>
#include <sys/resource.h>

#include "launcher/limits/cgroup.h"

/* What main() reports when the sandbox has ended. */
struct launch_report {
	int status;		     /* the command's exit code (124 when a time limit ended it) */
	char workspace_pending[256]; /* the workspace's name when it holds changes at the end */
	struct cgroup_report cgroup;
	const char *time_limit; /* "--timeout" or "--cpu-time" when one ended the sandbox */
	struct rusage usage;	/* pid 1's and its children's (when the launcher waited for it) */
	uint64_t wall_usec;	/* from the launcher's start to pid 1's end */
};
