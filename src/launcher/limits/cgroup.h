/* Resource limits over cgroup v2, in the launcher with the caller's privileges. Back-ends (a
 * small ops table): a systemd transient scope over the user's bus with Delegate=yes, a
 * delegated cgroupfs subtree written directly, or none. With no limit asked (and no --stats)
 * nothing here runs at all: the start stays fast. The sandbox is created straight into a
 * leaf cgroup (clone3 CLONE_INTO_CGROUP), so its cgroup namespace is rooted there. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct failure;

#define CGROUP_UNSET UINT64_MAX

enum cgroup_mode {
	CGROUP_STRICT,	    /* fail (125) when a limit cannot be enforced: the default */
	CGROUP_BEST_EFFORT, /* limits where they can be enforced; one warning where they cannot */
};

/* Which back-end: the first that is here, or only the one named (hutch-oci's --systemd-cgroup). */
enum cgroup_backend {
	CGROUP_BACKEND_ANY,
	CGROUP_BACKEND_SYSTEMD,
	CGROUP_BACKEND_CGROUPFS,
};

struct cgroup_limits {
	uint64_t memory_max, memory_high, memory_swap_max; /* bytes */
	uint64_t cpu_quota_usec;			   /* per second of wall time */
	uint64_t cpu_weight, io_weight, tasks_max;
	char *allowed_cpus;	/* cpuset list, "0-1,3" */
	uint64_t cpu_time_usec; /* --cpu-time: the sandbox's CPU budget (read from cpu.stat) */
	/* Where (hutch-oci): a group even with no limit asked (for pause and update later; none
	 * where none can be had), the back-end, and the place; by default hutch's own names. */
	bool wanted;
	enum cgroup_backend backend;
	char *path;	    /* cgroupfs: the group, as a path below /sys/fs/cgroup ("/a/b") */
	char *slice, *unit; /* systemd: the scope's slice and its unit name ("x.scope") */
};

void cgroup_limits_init(struct cgroup_limits *l);
void cgroup_limits_free(struct cgroup_limits *l);
bool cgroup_limits_any(const struct cgroup_limits *l);

/* The value of one limit option (name without "--": memory-max, memory-high,
 * memory-swap-max, cpu-max, cpu-weight, pids-max, io-weight, allowed-cpus) into c.
 * Errors name the option. Launcher side, pure. */
int cgroup_parse_option(struct config *c, const char *name, const char *arg, struct failure *f);

/* What the launcher holds while the sandbox runs. */
struct cgroup_state {
	int leaf_fd;	    /* the sandbox's leaf cgroup (for CLONE_INTO_CGROUP), -1 when none */
	void *backend;	    /* the back-end's own state */
	char enforcer[300]; /* "systemd scope U", "cgroupfs subtree /P"; or why there is none */
};

/* What is reported when the sandbox ends. */
struct cgroup_report {
	bool oom_killed;     /* memory.events oom_kill went up */
	uint64_t memory_max; /* the limit, for the message */
	bool have_stats;     /* --stats: */
	uint64_t memory_peak, cpu_usec, cpu_user_usec, cpu_system_usec, tasks_peak;
};

void cgroup_state_init(struct cgroup_state *st);
/* Before clone: the scope or sub-cgroup, the limits, the leaf. Where a limit cannot be enforced
 * (no back-end, a controller not delegated) that is an error naming why and the fix; under
 * --limits best-effort a warning is returned in *ret_warning (static text) and the sandbox runs
 * without it. --stats alone never fails: without a cgroup it is read from rusage. */
int cgroup_prepare(const struct config *c, struct cgroup_state *st, const char **ret_warning,
		   struct failure *f);
/* The limit options asked that need a cgroup, as "--memory-max 64M, --pids-max 10": for
 * --verbose and the report, with the back-end in st->enforcer. */
void cgroup_describe(const struct config *c, char *buf, size_t size);

/* The sandbox's CPU time so far (cpu.stat usage_usec of the leaf), for --cpu-time. */
int cgroup_cpu_usage(const struct cgroup_state *st, uint64_t *ret_usec);

/* "512M", "2G", "1048576", "max" (*ret = UINT64_MAX - 1), for the options that take sizes. */
int cgroup_parse_size(const char *s, uint64_t *ret);

/* hutch-oci update: the limits set in l written into the group at path (below /sys/fs/cgroup,
 * made by cgroup_prepare: its own files, then its sandbox/ leaf's). A systemd scope's unit
 * (path ends in NAME.scope) is told them first (SetUnitProperties), so that systemd does not
 * put the old ones back. Errors name the file or the unit. */
int cgroup_update(const char *path, const struct cgroup_limits *l, struct failure *f);

/* After pid 1 is gone: the report, then the cgroup and scope are removed. */
void cgroup_finish(const struct config *c, struct cgroup_state *st, struct cgroup_report *ret);
