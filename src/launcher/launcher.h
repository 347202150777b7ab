/* The launcher: the parent driver. It clones the user-namespace child, writes its id maps
 * (helpers at once, while it builds the seccomp program), then serves one event loop
 * (sync messages, forwarded signals, the children's pidfds) until the sandbox's pid 1
 * exits. Runs on the host with the caller's own privileges. */
#pragma once

#include <stdint.h>
#include <sys/resource.h>

#include "launcher/limits/cgroup.h"

struct config;
struct failure;

/* What main() reports when the sandbox has ended. */
struct launch_report {
	int status;		     /* the command's exit code (124 when a time limit ended it) */
	char workspace_pending[256]; /* the workspace's name when it holds changes at the end */
	struct cgroup_report cgroup;
	const char *time_limit; /* "--timeout" or "--cpu-time" when one ended the sandbox */
	struct rusage usage;	/* pid 1's and its children's (when the launcher waited for it) */
	uint64_t wall_usec;	/* from the launcher's start to pid 1's end */
};

/* Runs the sandbox. Returns 0 with the report (f may still hold a failure to print, e.g. an
 * exec error with status 126/127), or -errno with f filled. */
int launcher_run(const struct config *c, struct launch_report *ret, struct failure *f);
