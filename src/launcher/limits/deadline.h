/* The time limits the launcher keeps (issue 25): --timeout, a wall-clock time from the start,
 * and --cpu-time, a CPU budget for the whole sandbox read from its cgroup's cpu.stat. When one
 * runs out pid 1 gets SIGTERM (which it passes to the command), and SIGKILL (the whole pid
 * namespace) DEADLINE_GRACE_USEC later; hutch then exits with 124, as timeout(1) does.
 * Launcher side. */
#pragma once

#include <stdint.h>

struct cgroup_state;
struct config;
struct failure;

/* Time a command gets between SIGTERM and SIGKILL when a time limit ends the sandbox. */
#define DEADLINE_GRACE_USEC (2 * 1000000ULL)

#define EXIT_TIMEOUT 124

struct deadline {
	int fd;		  /* a timerfd, -1 when no time limit is asked */
	uint64_t start;	  /* CLOCK_MONOTONIC, µs */
	int stage;	  /* 0 running, 1 SIGTERM sent, 2 SIGKILL sent */
	const char *why;  /* the limit that ended the sandbox: "--timeout" or "--cpu-time" */
	uint64_t cpu_cap; /* CPUs the sandbox can run on at once, for the --cpu-time re-arm */
};

/* The timer armed when a time limit is asked (before the clone: setup time counts). */
int deadline_start(const struct config *c, struct deadline *t, struct failure *f);

/* The timer fired: 0 (nothing to do yet, re-armed), or the signal to send to pid 1 now
 * (SIGTERM; SIGKILL once the grace period is over). */
int deadline_due(const struct config *c, struct deadline *t, const struct cgroup_state *cg);

/* Microseconds since deadline_start (0 before it). */
uint64_t deadline_elapsed(const struct deadline *t);

void deadline_stop(struct deadline *t);
