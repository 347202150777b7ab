/* The limits that hold on every machine, cgroup or not (issue 25): rlimits, set in the command
 * process just before its seccomp filter (so everything it starts inherits them); the options of
 * the time limits (deadline.h keeps them); and what enforces each limit asked, cgroup, rlimit
 * or timer, for --verbose and the report. The options are parsed in the launcher;
 * rlimit_apply runs in the command process. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct cgroup_state;
struct config;
struct events;
struct failure;

enum rlimit_rlimit {
	RL_AS,
	RL_DATA,
	RL_FSIZE,
	RL_NOFILE,
	RL_NPROC,
	RL_CPU,
	RL_CORE,
	RL_N,
};

#define RL_UNSET    UINT64_MAX
#define RL_INFINITY (UINT64_MAX - 1) /* "unlimited" */

struct rlimit_config {
	uint64_t rlim[RL_N];   /* RL_UNSET when not asked */
	uint64_t timeout_usec; /* --timeout; 0: none (kept here with the other options) */
};

/* An rlimit set exactly as given, soft apart from hard, any resource (hutch-oci's
 * process.rlimits, as runc sets them): c->exact_rlimits, after the rlimits above. */
struct rlimit_exact {
	int resource; /* RLIMIT_* */
	uint64_t soft, hard;
};

void rlimit_config_init(struct rlimit_config *l);

/* One option (name without "--": rlimit-as ... rlimit-core, timeout, cpu-time) into c. Errors
 * name the option. Launcher side, pure. */
int rlimit_parse_option(struct config *c, const char *name, const char *arg, struct failure *f);

/* "90", "90s", "1.5m", "2h", "500ms" into microseconds (> 0). */
int rlimit_parse_duration(const char *s, uint64_t *ret_usec);

/* Launcher, before the clone: an rlimit above the launcher's own hard limit cannot be set
 * without privilege: refused here with one line rather than in the command. */
int rlimit_check(const struct config *c, struct failure *f);

/* Command process (and the restricted tier's command), before seccomp: the rlimits asked, both
 * soft and hard (the command cannot raise them again), and a soft RLIMIT_CORE of 0 by default;
 * then c->exact_rlimits as they are. */
int rlimit_apply(const struct config *c, struct failure *f);

/* What enforces each limit asked (the cgroup back-end in cg, the rlimits, the launcher's
 * timers): one --verbose line each, and (ev not NULL) one "limit" event each for the report. */
void rlimit_announce(const struct config *c, const struct cgroup_state *cg, struct events *ev);
