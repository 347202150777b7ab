/* The launcher: the parent driver. It clones the user-namespace child, writes its id maps
 * (helpers at once, while it builds the seccomp program), then serves one event loop
 * (sync messages, forwarded signals, the children's pidfds) until the sandbox's pid 1
 * exits. Runs on the host with the caller's own privileges. */
#pragma once

#include "launcher/launch-report.h"

struct config;
struct failure;

/* Runs the sandbox. Returns 0 with the report (f may still hold a failure to print, e.g. an
 * exec error with status 126/127), or -errno with f filled. */
int launcher_run(const struct config *c, struct launch_report *ret, struct failure *f);
