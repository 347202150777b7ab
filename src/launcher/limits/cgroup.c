/* Resource limits over cgroup v2 (see cgroup.h): the limit options, and the back-ends as a small
 * ops table tried in order: a systemd transient scope on the user's bus (the system's for root of
 * the host; sd-bus, loaded with dlopen() only when limits are asked), then a delegated cgroupfs
 * subtree written directly; where neither is there, none. Both back-ends end in the same
 * layout, GROUP/supervisor (the launcher) and GROUP/sandbox (the leaf the sandbox is cloned
 * into), because cgroup v2 lets no inner cgroup with controllers hold processes; but a group
 * at a path asked (hutch-oci's cgroupsPath) is made beside the launcher's cgroup, not in it,
 * and holds only GROUP/sandbox.
 * The systemd back-end gives the limits as the scope's unit properties (StartTransientUnit;
 * SetUnitProperties for hutch-oci's update), which systemd writes and applies again at each
 * reload. Launcher side, the caller's own privileges.
 * Over 600 lines: the limit options and two back-ends behind one ops table (systemd scope over sd-
 * bus, delegated cgroupfs); a file per back-end is the next split. */
#include "launcher/limits/cgroup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/macro.h"

#define CGROUP_ROOT	 "/sys/fs/cgroup"
#define LIMIT_INFINITY	 (CGROUP_UNSET - 1) /* "max" */
#define CPU_PERIOD_USEC	 100000
#define CPUSET_MAX_CPUS	 8192
#define CG_NAME_MAX	 128
#define CG_REASON_MAX	 200
#define BUS_TIMEOUT_USEC (25 * 1000000ULL)

/* ---- the limits -------------------------------------------------------------------------- */

enum {
	CTL_CPU = 1u << 0,
	CTL_CPUSET = 1u << 1,
	CTL_IO = 1u << 2,
	CTL_MEMORY = 1u << 3,
	CTL_PIDS = 1u << 4,
};
static const char *const ctl_names[] = { "cpu", "cpuset", "io", "memory", "pids" };

enum limit_kind { LIM_BYTES, LIM_NUMBER, LIM_CPU_QUOTA, LIM_IO_WEIGHT };

/* One numeric limit: its option, where it is kept, and how each back-end says it. */
struct limit_def {
	const char *option; /* without "--" */
	size_t offset;	    /* of its uint64_t in struct cgroup_limits */
	enum limit_kind kind;
	uint64_t lo, hi; /* LIM_NUMBER, LIM_IO_WEIGHT */
	unsigned ctl;
	const char *file;     /* cgroup v2 */
	const char *property; /* systemd unit */
	bool on_leaf;	      /* weights only mean something between siblings: not on the leaf */
};

#define LIMIT_AT(field) offsetof(struct cgroup_limits, field)
static const struct limit_def limit_defs[] = {
	{ "memory-max", LIMIT_AT(memory_max), LIM_BYTES, 0, 0, CTL_MEMORY, "memory.max", "MemoryMax", true },
	{ "memory-high", LIMIT_AT(memory_high), LIM_BYTES, 0, 0, CTL_MEMORY, "memory.high", "MemoryHigh",
	  true },
	{ "memory-swap-max", LIMIT_AT(memory_swap_max), LIM_BYTES, 0, 0, CTL_MEMORY, "memory.swap.max",
	  "MemorySwapMax", true },
	{ "cpu-max", LIMIT_AT(cpu_quota_usec), LIM_CPU_QUOTA, 0, 0, CTL_CPU, "cpu.max", "CPUQuotaPerSecUSec",
	  true },
	{ "cpu-weight", LIMIT_AT(cpu_weight), LIM_NUMBER, 1, 10000, CTL_CPU, "cpu.weight", "CPUWeight",
	  false },
	{ "io-weight", LIMIT_AT(io_weight), LIM_IO_WEIGHT, 1, 10000, CTL_IO, "io.weight", "IOWeight", false },
	{ "pids-max", LIMIT_AT(tasks_max), LIM_NUMBER, 1, 4194304, CTL_PIDS, "pids.max", "TasksMax", true },
};

static uint64_t limit_get(const struct cgroup_limits *l, const struct limit_def *d)
{
	return *(const uint64_t *)((const char *)l + d->offset);
}

void cgroup_limits_init(struct cgroup_limits *l)
{
	*l = (struct cgroup_limits){ .memory_max = CGROUP_UNSET,
				     .memory_high = CGROUP_UNSET,
				     .memory_swap_max = CGROUP_UNSET,
				     .cpu_quota_usec = CGROUP_UNSET,
				     .cpu_weight = CGROUP_UNSET,
				     .io_weight = CGROUP_UNSET,
				     .tasks_max = CGROUP_UNSET,
				     .cpu_time_usec = CGROUP_UNSET };
}

void cgroup_limits_free(struct cgroup_limits *l)
{
	free(l->allowed_cpus);
	free(l->path);
	free(l->slice);
	free(l->unit);
	cgroup_limits_init(l);
}

bool cgroup_limits_any(const struct cgroup_limits *l)
{
	for (size_t i = 0; i < ARRAY_SIZE(limit_defs); i++)
		if (limit_get(l, &limit_defs[i]) != CGROUP_UNSET)
			return true;
	return l->allowed_cpus != NULL || l->cpu_time_usec != CGROUP_UNSET;
}

int cgroup_parse_size(const char *s, uint64_t *ret)
{
	static const char units[] = "KMGT";
	const char *u;
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (strcmp(s, "max") == 0 || strcmp(s, "infinity") == 0) {
		*ret = LIMIT_INFINITY;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -EINVAL;
	u = *end ? strchr(units, toupper((unsigned char)*end)) : NULL;
	if (u) {
		shift = 10 * (unsigned)(u - units + 1);
		end++;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || (shift && v > (UINT64_MAX >> shift)) || (v << shift) >= LIMIT_INFINITY)
		return -EINVAL;
	*ret = (uint64_t)v << shift;
	return 0;
}

static int parse_number(const char *s, uint64_t lo, uint64_t hi, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < lo || v > hi)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* "50%" of one CPU per second, or a fraction "0.5"; 1% to 100 CPUs. */
static int parse_cpu(const char *s, uint64_t *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v <= 0)
		return -EINVAL;
	if (*end == '%')
		v /= 100.0, end++;
	if (*end || v < 0.01 || v > 100)
		return -EINVAL;
	*ret = (uint64_t)(v * 1000000.0 + 0.5);
	return 0;
}

/* A cpuset list "0-3,8" into a mask (CPU n is bit n%8 of byte n/8, as systemd's AllowedCPUs
 * takes it); *ret_n: the bytes in use. */
static int cpuset_parse(const char *s, uint8_t mask[CPUSET_MAX_CPUS / 8], size_t *ret_n)
{
	size_t n = 0;

	memset(mask, 0, CPUSET_MAX_CPUS / 8);
	for (const char *p = s;; p++) {
		char *end;
		unsigned long lo, hi;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		lo = hi = strtoul(p, &end, 10);
		if (*end == '-' && end[1] >= '0' && end[1] <= '9')
			hi = strtoul(end + 1, &end, 10);
		if (lo > hi || hi >= CPUSET_MAX_CPUS || (*end && *end != ','))
			return -EINVAL;
		for (unsigned long i = lo; i <= hi; i++)
			mask[i / 8] |= (uint8_t)(1u << (i % 8));
		n = hi / 8 + 1 > n ? hi / 8 + 1 : n;
		if (!*end)
			break;
		p = end;
	}
	*ret_n = n;
	return 0;
}

static int parse_limit(struct cgroup_limits *l, const struct limit_def *d, const char *arg)
{
	uint64_t *v = (uint64_t *)((char *)l + d->offset);

	switch (d->kind) {
	case LIM_BYTES:
		return cgroup_parse_size(arg, v);
	case LIM_CPU_QUOTA:
		return parse_cpu(arg, v);
	default:
		return parse_number(arg, d->lo, d->hi, v);
	}
}

static int parse_cpus(struct cgroup_limits *l, const char *arg)
{
	uint8_t mask[CPUSET_MAX_CPUS / 8];
	size_t n;

	if (cpuset_parse(arg, mask, &n) < 0)
		return -EINVAL;
	free(l->allowed_cpus);
	l->allowed_cpus = strdup(arg);
	return l->allowed_cpus ? 0 : -ENOMEM;
}

int cgroup_parse_option(struct config *c, const char *name, const char *arg, struct failure *f)
{
	int r = -EINVAL;

	if (strcmp(name, "allowed-cpus") == 0)
		r = parse_cpus(&c->limits, arg);
	for (size_t i = 0; i < ARRAY_SIZE(limit_defs); i++)
		if (strcmp(name, limit_defs[i].option) == 0)
			r = parse_limit(&c->limits, &limit_defs[i], arg);
	if (r == -EINVAL) {
		char opt[32];
		snprintf(opt, sizeof(opt), "--%s", name);
		return failx(f, opt, "'%s' is not a valid value", arg);
	}
	return r;
}

static unsigned limits_controllers(const struct cgroup_limits *l)
{
	unsigned need = 0;

	for (size_t i = 0; i < ARRAY_SIZE(limit_defs); i++)
		if (limit_get(l, &limit_defs[i]) != CGROUP_UNSET)
			need |= limit_defs[i].ctl;
	return need | (l->allowed_cpus ? CTL_CPUSET : 0);
}

/* The controllers the limits (and --stats: peak memory and tasks) need; a group wanted for
 * later updates gets memory, pids and cpu where they are delegated (no error where not). */
static unsigned needed_controllers(const struct config *c)
{
	unsigned need = c->stats ? CTL_MEMORY | CTL_PIDS : 0;

	if (c->limits.wanted)
		need |= CTL_MEMORY | CTL_PIDS | CTL_CPU;
	return need | limits_controllers(&c->limits);
}

/* ---- cgroup v2 files --------------------------------------------------------------------- */

/* One write(2): a cgroup file takes each write as a whole. */
static int cg_write(int dirfd, const char *file, const char *s)
{
	return fileio_write_file_at(dirfd, file, s);
}

static int cg_read(int dirfd, const char *file, char *buf, size_t size)
{
	int n = fileio_read_small_at(dirfd, file, buf, size);

	return n < 0 ? n : 0;
}

/* "KEY N" of a flat-keyed file (memory.events, cpu.stat). */
static int cg_read_key(int dirfd, const char *file, const char *key, uint64_t *ret)
{
	char buf[4096];
	size_t n = strlen(key);
	int r = cg_read(dirfd, file, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, key, n) == 0 && l[n] == ' ') {
			*ret = strtoull(l + n + 1, NULL, 10);
			return 0;
		}
	return -ENOENT;
}

static int cg_read_u64(int dirfd, const char *file, uint64_t *ret)
{
	char buf[64];
	int r = cg_read(dirfd, file, buf, sizeof(buf));

	if (r == 0)
		*ret = strtoull(buf, NULL, 10);
	return r;
}

/* The controllers a list file names (cgroup.controllers, cgroup.subtree_control), as a mask. */
static unsigned cg_mask(int dirfd, const char *file)
{
	char buf[512];
	unsigned mask = 0;

	if (cg_read(dirfd, file, buf, sizeof(buf)) < 0)
		return 0;
	for (char *save = NULL, *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		for (size_t i = 0; i < ARRAY_SIZE(ctl_names); i++)
			if (strcmp(w, ctl_names[i]) == 0)
				mask |= 1u << i;
	return mask;
}

/* "+cpu +memory" (or "-…") of mask into dirfd's cgroup.subtree_control. */
static int cg_subtree(int dirfd, unsigned mask, bool on)
{
	char buf[64] = "";

	for (size_t i = 0; i < ARRAY_SIZE(ctl_names); i++)
		if (mask & (1u << i))
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%c%s", buf[0] ? " " : "",
				 on ? '+' : '-', ctl_names[i]);
	return mask ? cg_write(dirfd, "cgroup.subtree_control", buf) : 0;
}

static int cg_move_self(int dirfd)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	return cg_write(dirfd, "cgroup.procs", pid);
}

static bool cg_v2_mounted(void)
{
	struct statfs s;

	return statfs(CGROUP_ROOT, &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC;
}

/* The launcher's own cgroup v2 directory, opened; its path (from the "0::" line of
 * /proc/self/cgroup) in path. */
static int cg_open_self(char *path, size_t size)
{
	char buf[4096], full[4200];
	char *p;
	int r = cg_read(AT_FDCWD, "/proc/self/cgroup", buf, sizeof(buf));

	if (r < 0)
		return r;
	p = strncmp(buf, "0::", 3) == 0 ? buf : strstr(buf, "\n0::");
	if (!p)
		return -ENOMEDIUM;
	p += p == buf ? 3 : 4;
	p[strcspn(p, "\n")] = '\0';
	snprintf(path, size, "%s", p);
	snprintf(full, sizeof(full), CGROUP_ROOT "%s", p);
	r = open(full, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return r < 0 ? negative_errno() : r;
}

/* ---- the group: GROUP/supervisor and GROUP/sandbox, common to both back-ends ------------- */

struct cgroup_ops;

struct cg {
	const struct cgroup_ops *ops;
	int group_fd;		      /* the scope, or the cgroup made here: supervisor/ and sandbox/ */
	int leaf_fd;		      /* group/sandbox */
	int parent_fd;		      /* cgroupfs: the delegated cgroup the group is made in */
	int home_fd;		      /* cgroupfs: the cgroup the launcher was in (-1: it stays there) */
	unsigned parent_on, group_on; /* controllers enabled here in parent's and group's subtree */
	unsigned missing;	      /* needed, but not delegated to us */
	char name[CG_NAME_MAX + 32];  /* the unit or the cgroup directory */
};

static void cg_free(struct cg *g)
{
	safe_close(g->leaf_fd);
	safe_close(g->group_fd);
	safe_close(g->parent_fd);
	safe_close(g->home_fd);
	free(g);
}

/* "hutch-NAME-PID" with NAME the command's basename, reduced to what a unit name may hold. */
static void cg_name(const struct config *c, struct cg *g)
{
	const char *cmd = c->argv && c->argv[0] ? c->argv[0] : "sandbox";
	const char *base = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;
	char name[CG_NAME_MAX];

	snprintf(name, sizeof(name), "%s", *base ? base : "sandbox");
	for (char *p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.", *p))
			*p = '_';
	snprintf(g->name, sizeof(g->name), "hutch-%s-%d", name, (int)getpid());
}

/* The launcher leaves the group's own level, which must hold no process once controllers are
 * enabled below it. */
static int group_enter(struct cg *g, struct failure *f)
{
	int r;

	if (mkdirat(g->group_fd, "supervisor", 0755) < 0)
		return fail(f, negative_errno(), "cgroup", "%s/supervisor", g->name);
	_cleanup_close_ int fd = openat(g->group_fd, "supervisor", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fail(f, negative_errno(), "cgroup", "%s/supervisor", g->name);
	r = cg_move_self(fd);
	return r < 0 ? fail(f, r, "cgroup", "moving the launcher into %s/supervisor", g->name) : 0;
}

static void limit_format(const struct limit_def *d, uint64_t v, char *buf, size_t size)
{
	if (v == LIMIT_INFINITY)
		snprintf(buf, size, "max");
	else if (d->kind == LIM_CPU_QUOTA)
		snprintf(buf, size, "%" PRIu64 " %d", v / 10 < 1000 ? 1000 : v / 10, CPU_PERIOD_USEC);
	else if (d->kind == LIM_IO_WEIGHT)
		snprintf(buf, size, "default %" PRIu64, v);
	else
		snprintf(buf, size, "%" PRIu64, v);
}

/* The limits whose controller is on, into dirfd's files; leaf: only the absolute ones. */
static int write_limits(int dirfd, const struct cg *g, const struct cgroup_limits *l, bool leaf,
			struct failure *f)
{
	const char *where = leaf ? "/sandbox" : "";
	char val[64];
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(limit_defs); i++) {
		const struct limit_def *d = &limit_defs[i];
		uint64_t v = limit_get(l, d);
		if (v == CGROUP_UNSET || !(g->group_on & d->ctl) || (leaf && !d->on_leaf))
			continue;
		limit_format(d, v, val, sizeof(val));
		if ((r = cg_write(dirfd, d->file, val)) < 0)
			return fail(f, r, "cgroup", "%s%s/%s = %s", g->name, where, d->file, val);
	}
	if (l->allowed_cpus && (g->group_on & CTL_CPUSET) &&
	    (r = cg_write(dirfd, "cpuset.cpus", l->allowed_cpus)) < 0)
		return fail(f, r, "cgroup", "%s%s/cpuset.cpus = %s", g->name, where, l->allowed_cpus);
	return 0;
}

/* Controllers on below the group, then the leaf with its limits. write_group: the group's own
 * limits too (systemd set the scope's from the unit properties). */
static int group_fill(struct cg *g, const struct config *c, unsigned avail, bool write_group,
		      struct failure *f)
{
	unsigned need = needed_controllers(c);
	int r;

	g->missing = need & ~avail;
	if ((r = cg_subtree(g->group_fd, need & avail, true)) < 0)
		return fail(f, r, "cgroup", "%s/cgroup.subtree_control", g->name);
	g->group_on = need & avail;
	if (write_group && (r = write_limits(g->group_fd, g, &c->limits, false, f)) < 0)
		return r;
	if (mkdirat(g->group_fd, "sandbox", 0755) < 0)
		return fail(f, negative_errno(), "cgroup", "%s/sandbox", g->name);
	g->leaf_fd = openat(g->group_fd, "sandbox", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->leaf_fd < 0)
		return fail(f, negative_errno(), "cgroup", "%s/sandbox", g->name);
	return write_limits(g->leaf_fd, g, &c->limits, true, f);
}

/* ---- the back-ends ---------------------------------------------------------------------- */

/* start: 1 when the group is ready; 0 when the back-end is not available here (why in reason);
 * < 0 when it failed (f). stop: after the leaf is removed, undo what start made. */
struct cgroup_ops {
	const char *name;
	const char *what; /* for --verbose and the report: "systemd scope" */
	int (*start)(const struct config *c, struct cg *g, char *reason, size_t size, struct failure *f);
	void (*stop)(struct cg *g);
};

#if HAVE_SD_BUS
#include <dlfcn.h>
#include <systemd/sd-bus.h>

/* sd-bus, resolved on first use: linked in, libsystemd and the five libraries it pulls would be
 * loaded at every start, limits or not (0.8 ms more per exec, measured on Debian 12). */
static struct {
	__typeof__(sd_bus_open_user) *open_user;
	__typeof__(sd_bus_open_system) *open_system;
	__typeof__(sd_bus_flush_close_unref) *flush_close_unref;
	__typeof__(sd_bus_match_signal_async) *match_signal_async;
	__typeof__(sd_bus_message_new_method_call) *message_new_method_call;
	__typeof__(sd_bus_message_append) *message_append;
	__typeof__(sd_bus_message_append_array) *message_append_array;
	__typeof__(sd_bus_message_open_container) *message_open_container;
	__typeof__(sd_bus_message_close_container) *message_close_container;
	__typeof__(sd_bus_message_read) *message_read;
	__typeof__(sd_bus_message_unref) *message_unref;
	__typeof__(sd_bus_call) *call;
	__typeof__(sd_bus_process) *process;
	__typeof__(sd_bus_wait) *wait;
	__typeof__(sd_bus_error_free) *error_free;
} sd;

#define SD_SYM(f)                            \
	{                                    \
		"sd_bus_" #f, (void **)&sd.f \
	}
static const struct {
	const char *name;
	void **ptr;
} sd_syms[] = {
	SD_SYM(open_user),
	SD_SYM(open_system),
	SD_SYM(flush_close_unref),
	SD_SYM(match_signal_async),
	SD_SYM(message_new_method_call),
	SD_SYM(message_append),
	SD_SYM(message_append_array),
	SD_SYM(message_open_container),
	SD_SYM(message_close_container),
	SD_SYM(message_read),
	SD_SYM(message_unref),
	SD_SYM(call),
	SD_SYM(process),
	SD_SYM(wait),
	SD_SYM(error_free),
};

static int sd_load(char *reason, size_t size)
{
	void *dl = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);

	if (!dl) {
		snprintf(reason, size, "libsystemd.so.0 cannot be loaded (%s)", dlerror());
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sd_syms); i++)
		if (!(*sd_syms[i].ptr = dlsym(dl, sd_syms[i].name))) {
			snprintf(reason, size, "libsystemd.so.0 lacks %s", sd_syms[i].name);
			return 0;
		}
	return 1;
}

/* The manager to ask: the system's for root of the host (runc's --systemd-cgroup as root:
 * rootful podman's, CRI-O's), else the user's own (a normal user, or root of a user namespace,
 * where rootless podman runs its runtime). Says "system" or "user" in *which, unless NULL. */
static int sd_open(sd_bus **bus, const char **which)
{
	char map[128];
	unsigned in, out, len;
	bool host_root =
	    geteuid() == 0 && fileio_read_small_at(AT_FDCWD, "/proc/self/uid_map", map, sizeof(map)) > 0 &&
	    sscanf(map, "%u %u %u", &in, &out, &len) == 3 && in == 0 && out == 0 && len == 4294967295u;

	if (which)
		*which = host_root ? "system" : "user";
	return host_root ? sd.open_system(bus) : sd.open_user(bus);
}

static void sd_bus_closep(sd_bus **b)
{
	if (*b)
		sd.flush_close_unref(*b);
}

static void sd_message_unrefp(sd_bus_message **m)
{
	if (*m)
		sd.message_unref(*m);
}

static void sd_errorp(sd_bus_error *e)
{
	if (sd.error_free) /* not when loading failed */
		sd.error_free(e);
}

static int sd_append_cpus(sd_bus_message *m, const char *list)
{
	uint8_t mask[CPUSET_MAX_CPUS / 8];
	size_t n;
	int r = cpuset_parse(list, mask, &n);

	if (r >= 0)
		r = sd.message_open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd.message_append(m, "s", "AllowedCPUs");
	if (r >= 0)
		r = sd.message_open_container(m, 'v', "ay");
	if (r >= 0)
		r = sd.message_append_array(m, 'y', mask, n);
	if (r >= 0)
		r = sd.message_close_container(m);
	return r >= 0 ? sd.message_close_container(m) : r;
}

/* The limits set in l as unit properties (MemoryMax, ..., AllowedCPUs), into an open a(sv):
 * what StartTransientUnit starts the scope with and SetUnitProperties changes. */
static int sd_append_limits(sd_bus_message *m, const struct cgroup_limits *l)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(limit_defs); i++) {
		uint64_t v = limit_get(l, &limit_defs[i]);
		if (v != CGROUP_UNSET)
			r = sd.message_append(m, "(sv)", limit_defs[i].property, "t",
					      v == LIMIT_INFINITY ? UINT64_MAX : v);
	}
	return r >= 0 && l->allowed_cpus ? sd_append_cpus(m, l->allowed_cpus) : r;
}

static int sd_append_properties(sd_bus_message *m, const struct config *c, const char *cmd)
{
	const struct cgroup_limits *l = &c->limits;
	int r = sd.message_append(m, "(sv)(sv)(sv)(sv)(sv)", "Description", "s", cmd, "Slice", "s",
				  l->slice ? l->slice : "hutch.slice", "Delegate", "b", 1, "CollectMode", "s",
				  "inactive-or-failed", "PIDs", "au", 1u, (uint32_t)getpid());

	return r >= 0 ? sd_append_limits(m, l) : r;
}

/* StartTransientUnit(name, mode, properties, auxiliary units). */
static int sd_new_call(sd_bus *bus, const struct config *c, const char *unit, sd_bus_message **ret)
{
	_cleanup_(sd_message_unrefp) sd_bus_message *m = NULL;
	char desc[256];
	int r = sd.message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager", "StartTransientUnit");

	snprintf(desc, sizeof(desc), "hutch sandbox: %s", c->argv && c->argv[0] ? c->argv[0] : "");
	if (r >= 0)
		r = sd.message_append(m, "ss", unit, "fail");
	if (r >= 0)
		r = sd.message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_append_properties(m, c, desc);
	if (r >= 0)
		r = sd.message_close_container(m);
	if (r >= 0)
		r = sd.message_append(m, "a(sa(sv))", 0u);
	if (r >= 0)
		*ret = TAKE_PTR(m);
	return r;
}

struct sd_job {
	const char *unit;
	char result[32];
	bool done;
};

/* JobRemoved(id, job, unit, result): matched by the unit's name, unique with our pid in it,
 * since the signal may come before the reply that names the job. */
static int sd_on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	struct sd_job *j = userdata;
	const char *path, *unit, *result;
	uint32_t id;

	if (sd.message_read(m, "uoss", &id, &path, &unit, &result) >= 0 && strcmp(unit, j->unit) == 0) {
		snprintf(j->result, sizeof(j->result), "%s", result);
		j->done = true;
	}
	return 0;
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int sd_wait_job(sd_bus *bus, struct sd_job *j, uint64_t deadline)
{
	while (!j->done) {
		uint64_t now = now_usec();
		int r = sd.process(bus, NULL);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		if (now >= deadline)
			return -ETIMEDOUT;
		if ((r = sd.wait(bus, deadline - now)) < 0)
			return r;
	}
	return 0;
}

static bool sd_no_systemd(const sd_bus_error *e)
{
	return e->name && (strcmp(e->name, "org.freedesktop.DBus.Error.ServiceUnknown") == 0 ||
			   strcmp(e->name, "org.freedesktop.DBus.Error.NameHasNoOwner") == 0);
}

/* The scope, started and running with the launcher in it; 0 with a reason when there is no
 * systemd to ask (the user's manager, or the system's for root of the host: sd_open). */
static int sd_start_scope(const struct config *c, const char *unit, char *reason, size_t size,
			  struct failure *f)
{
	_cleanup_(sd_bus_closep) sd_bus *bus = NULL;
	_cleanup_(sd_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_(sd_errorp) sd_bus_error e = SD_BUS_ERROR_NULL;
	struct sd_job job = { .unit = unit };
	uint64_t deadline = now_usec() + BUS_TIMEOUT_USEC;
	const char *which = "user";
	int r;

	if (!sd_load(reason, size))
		return 0;
	if ((r = sd_open(&bus, &which)) < 0) {
		snprintf(reason, size, "no %s bus (%s)", which, strerror(-r));
		return 0;
	}
	/* Asynchronous: the bus applies it before it routes the call that follows. */
	if ((r = sd.match_signal_async(bus, NULL, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				       "org.freedesktop.systemd1.Manager", "JobRemoved", sd_on_job_removed,
				       NULL, &job)) < 0 ||
	    (r = sd_new_call(bus, c, unit, &m)) < 0)
		return fail(f, r, "cgroup", "sd-bus: building the call for %s", unit);
	if ((r = sd.call(bus, m, BUS_TIMEOUT_USEC, &e, &reply)) < 0 && sd_no_systemd(&e)) {
		snprintf(reason, size, "no systemd on the %s bus (%s)", which,
			 e.message ? e.message : e.name);
		return 0;
	}
	if (r < 0)
		return fail(f, r, "cgroup", "StartTransientUnit %s%s%s", unit, e.message ? ": " : "",
			    e.message ? e.message : "");
	if ((r = sd_wait_job(bus, &job, deadline)) < 0)
		return fail(f, r, "cgroup", "waiting for the start of %s", unit);
	if (strcmp(job.result, "done") != 0)
		return failx(f, "cgroup", "%s: its start job ended with '%s'", unit, job.result);
	return 1;
}

/* SetUnitProperties(name, runtime, properties): runtime, kept until the unit goes. */
static int sd_new_set_call(sd_bus *bus, const char *unit, const struct cgroup_limits *l, sd_bus_message **ret)
{
	_cleanup_(sd_message_unrefp) sd_bus_message *m = NULL;
	int r = sd.message_new_method_call(bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
					   "org.freedesktop.systemd1.Manager", "SetUnitProperties");

	if (r >= 0)
		r = sd.message_append(m, "sb", unit, 1);
	if (r >= 0)
		r = sd.message_open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd_append_limits(m, l);
	if (r >= 0)
		r = sd.message_close_container(m);
	if (r >= 0)
		*ret = TAKE_PTR(m);
	return r;
}

/* The scope's unit told its new limits, as runc and crun do: written only into its cgroup files,
 * they would last until systemd applies the unit's properties again (any daemon-reload, any
 * property set), which puts back those it was started with. Nothing to tell (0) where the unit
 * is not one of the manager's (no libsystemd, no bus, no systemd on it, no such
 * unit): a cgroupfs group that happens to be named so, whose files are all there is. */
static int sd_set_limits(const char *unit, const struct cgroup_limits *l, struct failure *f)
{
	_cleanup_(sd_bus_closep) sd_bus *bus = NULL;
	_cleanup_(sd_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(sd_errorp) sd_bus_error e = SD_BUS_ERROR_NULL;
	char reason[CG_REASON_MAX];
	int r;

	if (!sd_load(reason, sizeof(reason)) || sd_open(&bus, NULL) < 0)
		return 0;
	if ((r = sd_new_set_call(bus, unit, l, &m)) < 0)
		return fail(f, r, "cgroup", "sd-bus: building the call for %s", unit);
	r = sd.call(bus, m, BUS_TIMEOUT_USEC, &e, NULL);
	if (r < 0 &&
	    (sd_no_systemd(&e) || (e.name && strcmp(e.name, "org.freedesktop.systemd1.NoSuchUnit") == 0)))
		return 0;
	if (r < 0)
		return fail(f, r, "cgroup", "SetUnitProperties %s%s%s", unit, e.message ? ": " : "",
			    e.message ? e.message : "");
	return 0;
}

static int systemd_start(const struct config *c, struct cg *g, char *reason, size_t size, struct failure *f)
{
	char path[4096], unit[sizeof(g->name)];
	const char *last;
	int r;

	if (c->limits.unit)
		snprintf(unit, sizeof(unit), "%.*s", CG_NAME_MAX + 16, c->limits.unit);
	else
		snprintf(unit, sizeof(unit), "%.*s.scope", CG_NAME_MAX, g->name);
	if ((r = sd_start_scope(c, unit, reason, size, f)) <= 0)
		return r;
	snprintf(g->name, sizeof(g->name), "%s", unit);
	if ((g->group_fd = cg_open_self(path, sizeof(path))) < 0)
		return fail(f, g->group_fd, "cgroup", "the launcher's cgroup in %s", unit);
	last = strrchr(path, '/');
	if (!last || strcmp(last + 1, unit) != 0)
		return failx(f, "cgroup", "the launcher is in %s, not in its scope %s", path, unit);
	if ((r = group_enter(g, f)) < 0)
		return r;
	r = group_fill(g, c, cg_mask(g->group_fd, "cgroup.controllers"), false, f);
	return r < 0 ? r : 1;
}

#else
static int systemd_start(const struct config *c, struct cg *g, char *reason, size_t size, struct failure *f)
{
	snprintf(reason, size, "hutch was built without sd-bus");
	return 0;
}

static int sd_set_limits(const char *unit, const struct cgroup_limits *l, struct failure *f)
{
	return 0;
}
#endif

/* Nothing: the launcher is the scope's last process, and systemd stops a scope that has none
 * (and removes its cgroup, ours within) as soon as it has gone, SIGKILL or not. */
static void systemd_stop(struct cg *g)
{
}

static const struct cgroup_ops systemd_ops = { "systemd", "systemd scope", systemd_start, systemd_stop };

/* Whether the launcher is the only process in dirfd's cgroup. */
static bool cgroupfs_alone(int dirfd)
{
	char buf[4096];

	if (cg_read(dirfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return false;
	for (char *save = NULL, *w = strtok_r(buf, "\n", &save); w; w = strtok_r(NULL, "\n", &save))
		if (atoi(w) != (int)getpid())
			return false;
	return true;
}

/* The launcher's own cgroup, opened in g->parent_fd, if it is delegated to the caller
 * (cgroup.procs, cgroup.subtree_control and the directory writable) and the launcher is alone
 * in it; 0 and why otherwise. */
static int cgroupfs_usable(struct cg *g, char *path, size_t path_size, char *reason, size_t size)
{
	if ((g->parent_fd = cg_open_self(path, path_size)) < 0) {
		snprintf(reason, size, "the launcher's cgroup v2 cannot be opened (%s)",
			 strerror(-g->parent_fd));
		return 0;
	}
	if ((g->home_fd = fcntl(g->parent_fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		snprintf(reason, size, "dup: %s", strerror(errno));
		return 0;
	}
	if (faccessat(g->parent_fd, ".", W_OK, 0) < 0 ||
	    faccessat(g->parent_fd, "cgroup.procs", W_OK, 0) < 0 ||
	    faccessat(g->parent_fd, "cgroup.subtree_control", W_OK, 0) < 0) {
		snprintf(reason, size, "the launcher's cgroup %s is not delegated to this user", path);
		return 0;
	}
	if (!cgroupfs_alone(g->parent_fd)) {
		snprintf(reason, size,
			 "the launcher's cgroup %s holds other processes (cgroup v2 enables "
			 "controllers only below a cgroup without any)",
			 path);
		return 0;
	}
	return 1;
}

/* The parent of the group at the path asked (hutch-oci's cgroupsPath), opened in g->parent_fd
 * if it is delegated to the caller; 0 and why otherwise. The group's name goes in g->name. */
static int cgroupfs_parent(const struct config *c, struct cg *g, char *reason, size_t size)
{
	char dir[4200];
	const char *path = c->limits.path, *base = strrchr(path, '/');

	if (!base || !base[1] || strlen(base + 1) >= sizeof(g->name)) {
		snprintf(reason, size, "%.100s is not a cgroup path", path);
		return 0;
	}
	snprintf(g->name, sizeof(g->name), "%s", base + 1);
	snprintf(dir, sizeof(dir), CGROUP_ROOT "%.*s", (int)(base - path), path);
	if ((g->parent_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(reason, size, "%.150s cannot be opened (%s)", dir, strerror(errno));
		return 0;
	}
	if (faccessat(g->parent_fd, ".", W_OK, 0) < 0 ||
	    faccessat(g->parent_fd, "cgroup.subtree_control", W_OK, 0) < 0) {
		snprintf(reason, size, "%.150s is not delegated to this user", dir);
		return 0;
	}
	return 1;
}

/* The group at the path asked, the launcher left where it is: the group holds no process of its
 * own without it, and each move of a process between cgroups takes the cgroup threadgroup lock
 * for writing, an RCU grace period (cgroup_attach_lock; two a container, in and out, were a
 * sixth of `hutch-oci run` in tests/vm/run's VM). The parent may hold other processes (the
 * runtime that started the launcher): then only the controllers already on in its subtree are
 * had. Only those turned on here are turned off. */
static int cgroupfs_at(const struct config *c, struct cg *g, char *reason, size_t size, struct failure *f)
{
	int r;

	if ((r = cgroupfs_parent(c, g, reason, size)) <= 0)
		return r;
	if (mkdirat(g->parent_fd, g->name, 0755) < 0)
		return fail(f, negative_errno(), "cgroup", "%s", c->limits.path);
	if ((g->group_fd = openat(g->parent_fd, g->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = fail(f, negative_errno(), "cgroup", "%s", c->limits.path);
		unlinkat(g->parent_fd, g->name, AT_REMOVEDIR);
		return r;
	}
	g->parent_on = needed_controllers(c) & cg_mask(g->parent_fd, "cgroup.controllers") &
		       ~cg_mask(g->parent_fd, "cgroup.subtree_control");
	if (cg_subtree(g->parent_fd, g->parent_on, true) < 0)
		g->parent_on = 0;
	r = group_fill(g, c, cg_mask(g->group_fd, "cgroup.controllers"), true, f);
	return r < 0 ? r : 1;
}

/* The group right in the launcher's delegated cgroup, which keeps no process of its own: the
 * launcher moves into the group's supervisor/ first. */
static int cgroupfs_start(const struct config *c, struct cg *g, char *reason, size_t size, struct failure *f)
{
	char path[4096];
	int r;

	if (c->limits.path)
		return cgroupfs_at(c, g, reason, size, f);
	if ((r = cgroupfs_usable(g, path, sizeof(path), reason, size)) <= 0)
		return r;
	if (mkdirat(g->parent_fd, g->name, 0755) < 0)
		return fail(f, negative_errno(), "cgroup", "%s/%s", path, g->name);
	if ((g->group_fd = openat(g->parent_fd, g->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = fail(f, negative_errno(), "cgroup", "%s/%s", path, g->name);
		unlinkat(g->parent_fd, g->name, AT_REMOVEDIR);
		return r;
	}
	if ((r = group_enter(g, f)) < 0)
		return r;
	g->parent_on = needed_controllers(c) & cg_mask(g->parent_fd, "cgroup.controllers");
	if ((r = cg_subtree(g->parent_fd, g->parent_on, true)) < 0) {
		g->parent_on = 0;
		return fail(f, r, "cgroup", "%s/cgroup.subtree_control", path);
	}
	r = group_fill(g, c, g->parent_on, true, f);
	return r < 0 ? r : 1;
}

/* Back to where the launcher was, in reverse: a controller goes off only where no child has it
 * on, and the launcher may rejoin its cgroup only once that has no controller on below it. */
static void cgroupfs_stop(struct cg *g)
{
	if (g->group_fd < 0) /* not available here: nothing was made */
		return;
	cg_subtree(g->group_fd, g->group_on, false);
	cg_subtree(g->parent_fd, g->parent_on, false);
	if (g->home_fd >= 0) {
		cg_move_self(g->home_fd);
		unlinkat(g->group_fd, "supervisor", AT_REMOVEDIR);
	}
	unlinkat(g->parent_fd, g->name, AT_REMOVEDIR);
}

static const struct cgroup_ops cgroupfs_ops = { "cgroupfs", "cgroupfs subtree", cgroupfs_start,
						cgroupfs_stop };

static const struct cgroup_ops *const backends[] = { &systemd_ops, &cgroupfs_ops };

/* ---- the driver ------------------------------------------------------------------------- */

void cgroup_state_init(struct cgroup_state *st)
{
	*st = (struct cgroup_state){ .leaf_fd = -1 };
}

static void cg_stop(struct cg *g)
{
	/* Empty once pid 1 is reaped (its pid namespace dies with it), unless --share-pid let
	 * some of the command's processes outlive it: then the leaf, and the scope, are theirs. */
	if (g->leaf_fd >= 0) {
		g->leaf_fd = safe_close(g->leaf_fd);
		unlinkat(g->group_fd, "sandbox", AT_REMOVEDIR);
	}
	if (g->ops)
		g->ops->stop(g);
	cg_free(g);
}

/* Why there is no cgroup v2 with controllers at CGROUP_ROOT: a hybrid layout mounts one at
 * unified/, with every controller held by cgroup v1. */
static void cg_v2_missing(char *reasons, size_t size)
{
	struct statfs s;

	if (statfs(CGROUP_ROOT "/unified", &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
		snprintf(reasons, size,
			 "only cgroup v1 controllers here (a hybrid layout: the cgroup v2 at " CGROUP_ROOT
			 "/unified has none)");
	else
		snprintf(reasons, size, "no cgroup v2 at " CGROUP_ROOT " (only cgroup v1, or none)");
}

/* Each back-end in turn until one works or fails; 0 with the reasons when none is available. */
static int cg_start(const struct config *c, struct cg *g, char *reasons, size_t size, struct failure *f)
{
	char why[CG_REASON_MAX];
	int r = 0;

	reasons[0] = '\0';
	if (!cg_v2_mounted()) {
		cg_v2_missing(reasons, size);
		return 0;
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(backends); i++) {
		if (c->limits.backend != CGROUP_BACKEND_ANY &&
		    backends[i] !=
			(c->limits.backend == CGROUP_BACKEND_SYSTEMD ? &systemd_ops : &cgroupfs_ops))
			continue;
		g->ops = backends[i];
		why[0] = '\0';
		r = backends[i]->start(c, g, why, sizeof(why), f);
		if (r == 0)
			snprintf(reasons + strlen(reasons), size - strlen(reasons), "%s%s: %s",
				 reasons[0] ? "; " : "", backends[i]->name, why);
	}
	return r;
}

/* A value as the options take it: "64M", "50%", "max". */
static void limit_show(const struct limit_def *d, uint64_t v, char *buf, size_t size)
{
	unsigned shift = 0;

	if (v != LIMIT_INFINITY && d->kind == LIM_CPU_QUOTA) {
		snprintf(buf, size, "%.4g%%", (double)v / 10000.0);
		return;
	}
	if (v == LIMIT_INFINITY || d->kind != LIM_BYTES) {
		limit_format(d, v, buf, size);
		return;
	}
	while (shift < 40 && v && (v & ((1ULL << (shift + 10)) - 1)) == 0)
		shift += 10;
	snprintf(buf, size, "%" PRIu64 "%s", v >> shift,
		 (const char *const[]){ "", "K", "M", "G", "T" }[shift / 10]);
}

static void append(char *buf, size_t size, const char *fmt, ...) _printf_(3, 4);
static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/* The limits asked whose controller is in mask (all of them: ~0u), as "--memory-max 64M, ...";
 * the rlimit twins of those that have one in twins. */
static void limits_text(const struct config *c, unsigned mask, char *buf, size_t size, char *twins,
			size_t twins_size)
{
	static const char *const twin[][2] = { { "memory-max", "--rlimit-as" },
					       { "pids-max", "--rlimit-nproc" } };
	const struct cgroup_limits *l = &c->limits;

	buf[0] = twins[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(limit_defs); i++) {
		const struct limit_def *d = &limit_defs[i];
		char val[64];
		if (!(mask & d->ctl) || limit_get(l, d) == CGROUP_UNSET)
			continue;
		limit_show(d, limit_get(l, d), val, sizeof(val));
		/* hutch-oci's limits come from config.json: named by their cgroup file */
		append(buf, size, "%s%s%s %s", buf[0] ? ", " : "", l->wanted ? "" : "--",
		       l->wanted ? d->file : d->option, val);
		for (size_t j = 0; j < ARRAY_SIZE(twin); j++)
			if (strcmp(twin[j][0], d->option) == 0)
				append(twins, twins_size, "%s%s", twins[0] ? ", " : "", twin[j][1]);
	}
	if ((mask & CTL_CPUSET) && l->allowed_cpus)
		append(buf, size, "%s--allowed-cpus %s", buf[0] ? ", " : "", l->allowed_cpus);
	if (mask == ~0u && l->cpu_time_usec != CGROUP_UNSET) {
		append(buf, size, "%s--cpu-time %.3gs", buf[0] ? ", " : "", (double)l->cpu_time_usec / 1e6);
		append(twins, twins_size, "%s--rlimit-cpu (per process)", twins[0] ? ", " : "");
	}
}

void cgroup_describe(const struct config *c, char *buf, size_t size)
{
	char twins[128];

	limits_text(c, ~0u, buf, size, twins, sizeof(twins));
}

static char warning_buf[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 192];

/* A limit that cannot be enforced (what: the limits, why: the reason): under --limits strict the
 * error, with the fix; under best-effort one warning (kept here until the launcher prints it). */
static int not_enforced(const struct config *c, const char *what, const char *twins, const char *why,
			const char **ret_warning, struct failure *f)
{
	char stage[FAILURE_STAGE_MAX];

	if (c->limits.wanted) /* hutch-oci: as runc, a limit asked without a cgroup is an error */
		return failx(f, "cgroup",
			     "%s: cannot be enforced: %s (a cgroup v2 delegated to this user is needed)",
			     what, why);
	if (c->cgroup_mode == CGROUP_BEST_EFFORT) {
		snprintf(warning_buf, sizeof(warning_buf), "not enforced (--limits best-effort): %s: %s",
			 what, why);
		*ret_warning = warning_buf;
		return 0;
	}
	/* the first option asked names the line */
	snprintf(stage, sizeof(stage), "%.*s", (int)strcspn(what, " ,"), what);
	return failx(f, stage,
		     "cannot be enforced here: %s; fix: run hutch in a systemd user session or in a "
		     "delegated cgroup v2 subtree%s%s, or give --limits best-effort to run without it",
		     why, twins[0] ? ", or use the rlimit twin " : "", twins);
}

/* The back-end is up; limits whose controller it lacks are not enforced: 1 when that is fine
 * (best-effort), < 0 when not (strict). */
static int check_missing(const struct config *c, const struct cg *g, const char **ret_warning,
			 struct failure *f)
{
	char what[300], twins[128], why[128] = "";

	if (!g->missing)
		return 1;
	limits_text(c, g->missing, what, sizeof(what), twins, sizeof(twins));
	if (!what[0]) /* only --stats' peak memory or tasks: the rest of the figures will do */
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(ctl_names); i++)
		if (g->missing & (1u << i))
			append(why, sizeof(why), "%s%s", why[0] ? ", " : "the ", ctl_names[i]);
	append(why, sizeof(why), " controller is not delegated to this user in %s", g->name);
	return not_enforced(c, what, twins, why, ret_warning, f) < 0 ? -EINVAL : 1;
}

/* No back-end here (r == 0, the reasons) or one failed (r < 0, f): the error, a warning, or
 * (--stats alone) nothing: the figures come from rusage then. */
static int not_started(const struct config *c, int r, const char *reasons, const char **ret_warning,
		       struct failure *f)
{
	char why[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128], what[300], twins[128];

	if (r < 0)
		failure_format(f, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", reasons);
	if (!cgroup_limits_any(&c->limits)) {
		*f = (struct failure){ 0 };
		return 0;
	}
	/* a back-end that is there but failed is the error itself under strict */
	if (r < 0 && c->cgroup_mode == CGROUP_STRICT)
		return r;
	*f = (struct failure){ 0 };
	limits_text(c, ~0u, what, sizeof(what), twins, sizeof(twins));
	return not_enforced(c, what, twins, why, ret_warning, f);
}

/* "systemd scope UNIT", or "cgroupfs subtree /sys/fs/cgroup/PATH" (the path asked, or the group
 * the launcher's supervisor/ is in), for --verbose and the report. */
static void cg_enforcer(const struct config *c, const struct cg *g, char *buf, size_t size)
{
	char path[4096];
	char *sup;
	int fd;

	if (g->ops == &cgroupfs_ops && c->limits.path) {
		snprintf(buf, size, "%s " CGROUP_ROOT "%.200s", g->ops->what, c->limits.path);
		return;
	}
	if (g->ops != &cgroupfs_ops || (fd = cg_open_self(path, sizeof(path))) < 0) {
		snprintf(buf, size, "%s %s", g->ops->what, g->name);
		return;
	}
	safe_close(fd);
	if ((sup = strrchr(path, '/')) && strcmp(sup, "/supervisor") == 0)
		*sup = '\0';
	snprintf(buf, size, "%s " CGROUP_ROOT "%.200s", g->ops->what, path);
}

int cgroup_prepare(const struct config *c, struct cgroup_state *st, const char **ret_warning,
		   struct failure *f)
{
	char reasons[ARRAY_SIZE(backends) * (CG_REASON_MAX + 16)];
	struct cg *g;
	int r;

	*ret_warning = NULL;
	if (!cgroup_limits_any(&c->limits) && !c->stats && !c->limits.wanted)
		return 0;
	if (!(g = calloc(1, sizeof(*g))))
		return fail(f, -ENOMEM, "cgroup", NULL);
	*g = (struct cg){ .group_fd = -1, .leaf_fd = -1, .parent_fd = -1, .home_fd = -1 };
	cg_name(c, g);
	r = cg_start(c, g, reasons, sizeof(reasons), f);
	if (r > 0)
		r = check_missing(c, g, ret_warning, f);
	if (r > 0 && (st->leaf_fd = fcntl(g->leaf_fd, F_DUPFD_CLOEXEC, 3)) < 0)
		r = fail(f, negative_errno(), "cgroup", "dup");
	if (r > 0) {
		cg_enforcer(c, g, st->enforcer, sizeof(st->enforcer));
		st->backend = g;
		return 0;
	}
	cg_stop(g);
	if (r < 0)
		failure_format(f, st->enforcer, sizeof(st->enforcer));
	else
		snprintf(st->enforcer, sizeof(st->enforcer), "none: %s", reasons);
	return not_started(c, r, reasons, ret_warning, f);
}

int cgroup_cpu_usage(const struct cgroup_state *st, uint64_t *ret_usec)
{
	const struct cg *g = st->backend;

	return g ? cg_read_key(g->leaf_fd, "cpu.stat", "usage_usec", ret_usec) : -ENOENT;
}

/* The leaf's figures: its memory.events count only the sandbox's processes. */
static void report_read(const struct config *c, int leaf_fd, struct cgroup_report *ret)
{
	uint64_t kills = 0, max = c->limits.memory_max;

	if (max != CGROUP_UNSET && max != LIMIT_INFINITY &&
	    cg_read_key(leaf_fd, "memory.events", "oom_kill", &kills) == 0 && kills > 0) {
		ret->oom_killed = true;
		ret->memory_max = max;
	}
	if (!c->stats)
		return;
	ret->have_stats = cg_read_key(leaf_fd, "cpu.stat", "usage_usec", &ret->cpu_usec) == 0;
	cg_read_key(leaf_fd, "cpu.stat", "user_usec", &ret->cpu_user_usec);
	cg_read_key(leaf_fd, "cpu.stat", "system_usec", &ret->cpu_system_usec);
	cg_read_u64(leaf_fd, "memory.peak", &ret->memory_peak);
	cg_read_u64(leaf_fd, "pids.peak", &ret->tasks_peak);
}

void cgroup_finish(const struct config *c, struct cgroup_state *st, struct cgroup_report *ret)
{
	struct cg *g = st->backend;

	*ret = (struct cgroup_report){ 0 };
	st->backend = NULL;
	if (!g)
		return;
	report_read(c, g->leaf_fd, ret);
	cg_stop(g);
}

static bool cg_is_scope(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n = base ? strlen(base) : 0;

	return n > 7 && strcmp(base + n - 6, ".scope") == 0;
}

/* One limit into the group's own file and, for those that mean something there, the leaf's:
 * the group's first, so that a limit raised is not held back by the old one above it. */
static int update_one(int group_fd, int leaf_fd, const char *path, const struct limit_def *d, uint64_t v,
		      struct failure *f)
{
	char val[64];
	int r;

	limit_format(d, v, val, sizeof(val));
	if ((r = cg_write(group_fd, d->file, val)) < 0 && !(r == -ENOENT && d->on_leaf))
		return fail(f, r, "cgroup", "%s/%s = %s", path, d->file, val);
	if (d->on_leaf && (r = cg_write(leaf_fd, d->file, val)) < 0)
		return fail(f, r, "cgroup", "%s/sandbox/%s = %s", path, d->file, val);
	return 0;
}

int cgroup_update(const char *path, const struct cgroup_limits *l, struct failure *f)
{
	char dir[4200];
	unsigned need = limits_controllers(l), on;
	int r = 0;

	snprintf(dir, sizeof(dir), CGROUP_ROOT "%s", path);
	_cleanup_close_ int group_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (group_fd < 0)
		return fail(f, negative_errno(), "cgroup", "%s", dir);
	_cleanup_close_ int leaf_fd = openat(group_fd, "sandbox", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (leaf_fd < 0)
		return fail(f, negative_errno(), "cgroup", "%s/sandbox", dir);
	/* a controller that no limit needed at the start, where the group has it */
	cg_subtree(group_fd,
		   need & cg_mask(group_fd, "cgroup.controllers") &
		       ~cg_mask(group_fd, "cgroup.subtree_control"),
		   true);
	on = cg_mask(leaf_fd, "cgroup.controllers");
	for (size_t i = 0; i < ARRAY_SIZE(ctl_names); i++)
		if (need & ~on & (1u << i))
			return failx(f, "cgroup", "%s: the %s controller is not delegated to it", dir,
				     ctl_names[i]);
	/* a systemd scope (the systemd back-end's group, named by its unit): its unit first */
	if (need && cg_is_scope(path) && (r = sd_set_limits(strrchr(path, '/') + 1, l, f)) < 0)
		return r;
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(limit_defs); i++)
		if (limit_get(l, &limit_defs[i]) != CGROUP_UNSET)
			r = update_one(group_fd, leaf_fd, dir, &limit_defs[i], limit_get(l, &limit_defs[i]),
				       f);
	if (r == 0 && l->allowed_cpus && (r = cg_write(group_fd, "cpuset.cpus", l->allowed_cpus)) == 0)
		r = cg_write(leaf_fd, "cpuset.cpus", l->allowed_cpus);
	return r < 0 && !f->stage[0] ? fail(f, r, "cgroup", "%s cpuset.cpus = %s", dir, l->allowed_cpus) : r;
}
