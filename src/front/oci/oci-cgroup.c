/* hutch-oci's cgroups (issue 29): config.json's linux.resources mapped onto hutch's limits and
 * linux.cgroupsPath onto where the launcher's back-end makes the group (--systemd-cgroup: a
 * systemd scope "prefix-name.scope" in the slice of "slice:prefix:name"; otherwise a cgroupfs
 * directory, a relative path taken from the parent of the runtime's own cgroup); the group is
 * found again from the container's process and kept in the state; `pause` and `resume` freeze
 * and thaw its sandbox/ leaf (cgroup.freeze), `update` writes new limits into it (a scope's unit
 * told first, as by runc). Where no cgroup can be had and no limit is asked, the container runs
 * without one (as runc rootless); these commands are refused. Launcher side, caller's privileges. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/config.h"
#include "front/oci/oci.h"
#include "launcher/limits/cgroup.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/json-read.h"

#define CGROUP_ROOT	  "/sys/fs/cgroup"
#define LIMIT_MAX	  (CGROUP_UNSET - 1) /* "max" */
#define FREEZE_TIMEOUT_MS 10000

/* ---- linux.resources -------------------------------------------------------------------- */

/* An integer member (absent or null: *ret untouched, 0); where names the object. */
static int res_i64(const struct json_value *obj, const char *where, const char *key, int64_t *ret, bool *set,
		   struct failure *f)
{
	const struct json_value *v = json_get(obj, key);

	if (set)
		*set = false;
	if (!v || v->type == JSON_NULL)
		return 0;
	if (json_i64(v, ret) < 0) {
		uint64_t u;
		if (json_u64(v, &u) < 0)
			return failx(f, "config", "line %u: %s.%s: expected an integer", v->line, where, key);
		*ret = u > INT64_MAX ? -1 : (int64_t)u; /* 2^64-1: runc's "unlimited" too */
	}
	if (set)
		*set = true;
	return 0;
}

/* Members that hutch cannot apply: refused unless absent, null, empty, false or zero. */
static int res_refuse(const struct json_value *obj, const char *where, const char *const *keys,
		      struct failure *f)
{
	for (size_t i = 0; keys[i]; i++) {
		const struct json_value *v = json_get(obj, keys[i]);
		bool empty = !v || v->type == JSON_NULL || (v->type == JSON_BOOL && !v->boolean) ||
			     ((v->type == JSON_ARRAY || v->type == JSON_OBJECT) && v->n == 0) ||
			     (v->type == JSON_STRING && !v->text[0]) ||
			     (v->type == JSON_NUMBER && strcmp(v->text, "0") == 0);
		if (!empty)
			return failx(f, "config", "line %u: %s.%s is not supported by hutch-oci", v->line,
				     where, keys[i]);
	}
	return 0;
}

/* memory: limit (bytes, -1 unlimited) and swap, which the runtime spec counts with the memory
 * (limit + swap), cgroup v2's memory.swap.max without. */
static int res_memory(const struct json_value *m, const char *where, struct cgroup_limits *l,
		      struct failure *f)
{
	static const char *const keys[] = { "limit",
					    "reservation",
					    "swap",
					    "kernel",
					    "kernelTCP",
					    "swappiness",
					    "disableOOMKiller",
					    "useHierarchy",
					    "checkBeforeUpdate",
					    NULL };
	static const char *const refused[] = { "reservation", "kernel", "kernelTCP", "disableOOMKiller",
					       NULL };
	char w[64];
	int64_t limit = 0, swap = 0, swappiness = -1;
	bool has_limit, has_swap;
	int r;

	snprintf(w, sizeof(w), "%s.memory", where);
	if ((r = oci_spec_known(m, w, keys, f)) < 0 || (r = res_refuse(m, w, refused, f)) < 0 ||
	    (r = res_i64(m, w, "limit", &limit, &has_limit, f)) < 0 ||
	    (r = res_i64(m, w, "swap", &swap, &has_swap, f)) < 0 ||
	    (r = res_i64(m, w, "swappiness", &swappiness, NULL, f)) < 0)
		return r;
	if (swappiness != -1)
		return failx(f, "config",
			     "line %u: %s.swappiness is not supported by hutch-oci (cgroup v1 only)",
			     json_get(m, "swappiness")->line, w);
	if (has_limit && limit != 0)
		l->memory_max = limit < 0 ? LIMIT_MAX : (uint64_t)limit;
	if (!has_swap || swap == 0)
		return 0;
	if (swap < 0)
		l->memory_swap_max = LIMIT_MAX;
	else if (!has_limit || limit <= 0 || swap < limit)
		return failx(f, "config",
			     "line %u: %s.swap: %lld is memory and swap together: needs a limit no larger",
			     json_get(m, "swap")->line, w, (long long)swap);
	else
		l->memory_swap_max = (uint64_t)(swap - limit);
	return 0;
}

static int res_cpus(const struct json_value *c, const char *where, struct cgroup_limits *l, struct failure *f)
{
	const struct json_value *v = json_get(c, "cpus");

	if (!v || v->type == JSON_NULL || (v->type == JSON_STRING && !v->text[0]))
		return 0;
	if (v->type != JSON_STRING || v->text[strspn(v->text, "0123456789-,")] != '\0')
		return failx(f, "config", "line %u: %s.cpus: expected a CPU list such as \"0-1,3\"", v->line,
			     where);
	free(l->allowed_cpus);
	return (l->allowed_cpus = strdup(v->text)) ? 0 : fail(f, -ENOMEM, "config", NULL);
}

/* cpu: shares into cpu.weight (the runtime spec's 2..262144 onto 1..10000), quota and period
 * into cpu.max (hutch keeps it per second), cpus into cpuset.cpus. */
static int res_cpu(const struct json_value *c, const char *where, struct cgroup_limits *l, struct failure *f)
{
	static const char *const keys[] = { "shares",	      "quota", "burst", "period", "realtimeRuntime",
					    "realtimePeriod", "cpus",  "mems",	"idle",	  NULL };
	static const char *const refused[] = { "burst", "realtimeRuntime", "realtimePeriod", "mems", "idle",
					       NULL };
	char w[64];
	int64_t shares = 0, quota = 0, period = 100000;
	bool has_quota;
	int r;

	snprintf(w, sizeof(w), "%s.cpu", where);
	if ((r = oci_spec_known(c, w, keys, f)) < 0 || (r = res_refuse(c, w, refused, f)) < 0 ||
	    (r = res_i64(c, w, "shares", &shares, NULL, f)) < 0 ||
	    (r = res_i64(c, w, "quota", &quota, &has_quota, f)) < 0 ||
	    (r = res_i64(c, w, "period", &period, NULL, f)) < 0 || (r = res_cpus(c, w, l, f)) < 0)
		return r;
	if (shares > 0) {
		uint64_t s = shares < 2 ? 2 : shares > 262144 ? 262144 : (uint64_t)shares;
		l->cpu_weight = 1 + ((s - 2) * 9999) / 262142;
	}
	if (period <= 0 || period > 1000000)
		return failx(f, "config", "line %u: %s.period: 1 to 1000000 microseconds",
			     json_get(c, "period")->line, w);
	if (has_quota && quota != 0)
		l->cpu_quota_usec = quota < 0 ? LIMIT_MAX : (uint64_t)quota * 1000000 / (uint64_t)period;
	return 0;
}

static int res_pids(const struct json_value *p, const char *where, struct cgroup_limits *l, struct failure *f)
{
	static const char *const keys[] = { "limit", NULL };
	char w[64];
	int64_t limit = 0;
	bool set;
	int r;

	snprintf(w, sizeof(w), "%s.pids", where);
	if ((r = oci_spec_known(p, w, keys, f)) < 0 || (r = res_i64(p, w, "limit", &limit, &set, f)) < 0)
		return r;
	if (set)
		l->tasks_max = limit <= 0 ? LIMIT_MAX : (uint64_t)limit;
	return 0;
}

/* blockIO: the weight (10..1000) onto io.weight (1..10000); per-device settings are refused. */
static int res_blockio(const struct json_value *b, const char *where, struct cgroup_limits *l,
		       struct failure *f)
{
	static const char *const keys[] = { "weight",
					    "leafWeight",
					    "weightDevice",
					    "throttleReadBpsDevice",
					    "throttleWriteBpsDevice",
					    "throttleReadIOPSDevice",
					    "throttleWriteIOPSDevice",
					    NULL };
	char w[64];
	int64_t weight = 0;
	int r;

	snprintf(w, sizeof(w), "%s.blockIO", where);
	if ((r = oci_spec_known(b, w, keys, f)) < 0 || (r = res_refuse(b, w, keys + 1, f)) < 0 ||
	    (r = res_i64(b, w, "weight", &weight, NULL, f)) < 0)
		return r;
	if (weight && (weight < 10 || weight > 1000))
		return failx(f, "config", "line %u: %s.weight: 10 to 1000", json_get(b, "weight")->line, w);
	if (weight)
		l->io_weight = 1 + ((uint64_t)weight - 10) * 9999 / 990;
	return 0;
}

int oci_cgroup_resources(const struct json_value *res, const char *where, struct cgroup_limits *l,
			 struct failure *f)
{
	static const char *const keys[] = { "devices",	      "memory",	 "cpu",	 "pids",    "blockIO",
					    "hugepageLimits", "network", "rdma", "unified", NULL };
	/* devices: the device cgroup is an eBPF program only a privileged runtime may attach
	 * (runc ignores it rootless too); hutch's /dev holds only linux.devices' nodes anyway */
	static const char *const refused[] = { "hugepageLimits", "network", "rdma", "unified", NULL };
	static const struct {
		const char *key;
		int (*parse)(const struct json_value *, const char *, struct cgroup_limits *,
			     struct failure *);
	} parts[] = {
		{ "memory", res_memory }, { "cpu", res_cpu }, { "pids", res_pids }, { "blockIO", res_blockio }
	};
	int r;

	if ((r = oci_spec_known(res, where, keys, f)) < 0 || (r = res_refuse(res, where, refused, f)) < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
		const struct json_value *v = json_get(res, parts[i].key);
		if (!v || v->type == JSON_NULL)
			continue;
		if (v->type != JSON_OBJECT)
			return failx(f, "config", "line %u: %s.%s: expected an object", v->line, where,
				     parts[i].key);
		if ((r = parts[i].parse(v, where, l, f)) < 0)
			return r;
	}
	return 0;
}

/* ---- where the group is ------------------------------------------------------------------ */

/* A process's cgroup v2 path ("/a/b", from the "0::" line of /proc/PID/cgroup; 0: this one). */
static int cgroup_path(pid_t pid, char *buf, size_t size)
{
	char file[64], text[4096], *p;
	int n;

	snprintf(file, sizeof(file), "/proc/%d/cgroup", pid ? (int)pid : (int)getpid());
	if ((n = fileio_read_small_at(AT_FDCWD, file, text, sizeof(text))) < 0)
		return n;
	if (!(p = strncmp(text, "0::", 3) == 0 ? text : strstr(text, "\n0::")))
		return -ENOMEDIUM;
	p += p == text ? 3 : 4;
	p[strcspn(p, "\n")] = '\0';
	snprintf(buf, size, "%s", p);
	return 0;
}

/* "slice:prefix:name" (systemd): the scope "prefix-name.scope" in slice. */
static int place_systemd(const char *id, const char *path, unsigned line, struct cgroup_limits *l,
			 struct failure *f)
{
	const char *a = path ? strchr(path, ':') : NULL, *b = a ? strchr(a + 1, ':') : NULL;

	l->backend = CGROUP_BACKEND_SYSTEMD;
	if (!path || !path[0]) /* runc's default, in the user's manager: a "runc" scope */
		return asprintf(&l->unit, "hutch-oci-%s.scope", id) < 0 ? fail(f, -ENOMEM, "config", NULL)
									: 0;
	if (!b || strchr(b + 1, ':') || !b[1] || strchr(path, '/'))
		return failx(
		    f, "config",
		    "line %u: linux.cgroupsPath %s: expected slice:prefix:name with --systemd-cgroup", line,
		    path);
	if (a > path && !(l->slice = strndup(path, (size_t)(a - path))))
		return fail(f, -ENOMEM, "config", NULL);
	if (asprintf(&l->unit, "%.*s%s%s.scope", (int)(b - a - 1), a + 1, b > a + 1 ? "-" : "", b + 1) < 0)
		return fail(f, -ENOMEM, "config", NULL);
	return 0;
}

/* A cgroupfs path: absolute below /sys/fs/cgroup, or relative to the parent of the runtime's
 * own cgroup (which holds the runtime itself: no controller could be turned on below it). */
static int place_cgroupfs(const char *id, const char *path, unsigned line, struct cgroup_limits *l,
			  struct failure *f)
{
	char own[4096];

	l->backend = CGROUP_BACKEND_CGROUPFS;
	if (path && path[0] &&
	    (strstr(path, "/../") || strncmp(path, "../", 3) == 0 || strstr(path, "//") ||
	     strcmp(path, "/") == 0 || path[strlen(path) - 1] == '/' || strchr(path, ':')))
		return failx(f, "config", "line %u: linux.cgroupsPath %s: not a cgroup path", line, path);
	if (path && path[0] == '/')
		return (l->path = strdup(path)) ? 0 : fail(f, -ENOMEM, "config", NULL);
	if (cgroup_path(0, own, sizeof(own)) < 0)
		return 0; /* no cgroup v2 here: none is had, as with no delegation */
	*strrchr(own, '/') = '\0';
	if (asprintf(&l->path, "%s/%s", own, path && path[0] ? path : id) < 0)
		return fail(f, -ENOMEM, "config", NULL);
	return 0;
}

int oci_cgroup_place(const struct oci_opts *o, const char *id, const char *path, unsigned line,
		     struct config *c, struct failure *f)
{
	c->limits.wanted = true;
	return o->systemd_cgroup ? place_systemd(id, path, line, &c->limits, f)
				 : place_cgroupfs(id, path, line, &c->limits, f);
}

int oci_cgroup_of(pid_t pid, char **ret)
{
	char path[4096], *sup;
	int r = cgroup_path(pid, path, sizeof(path));

	*ret = NULL;
	if (r < 0)
		return r == -ENOMEDIUM ? 0 : r;
	/* pid 1 is born in GROUP/sandbox; the launcher is in GROUP/supervisor only in a scope */
	if (!(sup = strrchr(path, '/')) || strcmp(sup, "/sandbox") != 0 || sup == path)
		return 0;
	*sup = '\0';
	return (*ret = strdup(path)) ? 0 : -ENOMEM;
}

/* ---- pause, resume, update, and what delete leaves --------------------------------------- */

/* The running container's group (state and process checked), opened at its sandbox/ leaf. */
static int open_leaf(const struct oci_opts *o, const char *cmd, const struct oci_state *st, struct failure *f)
{
	char dir[4200];
	enum oci_status s = oci_state_status(o, st);
	int fd;

	if (s != OCI_RUNNING && s != OCI_PAUSED && !(s == OCI_CREATED && strcmp(cmd, "update") == 0))
		return failx(f, cmd, "container %s is not running: %s", st->id, oci_status_name(s));
	if (!st->cgroup)
		return failx(f, cmd, "container %s has no cgroup (none could be made where it was created)",
			     st->id);
	snprintf(dir, sizeof(dir), CGROUP_ROOT "%s/sandbox", st->cgroup);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return fail(f, negative_errno(), cmd, "%s", dir);
	return fd;
}

bool oci_cgroup_frozen(const char *group)
{
	char path[4200], buf[16];

	snprintf(path, sizeof(path), CGROUP_ROOT "%s/sandbox/cgroup.freeze", group);
	return fileio_read_small_at(AT_FDCWD, path, buf, sizeof(buf)) > 0 && buf[0] == '1';
}

/* cgroup.events says "frozen 1" (or 0) once every task has stopped (or may run), "populated
 * 0" once the last has gone: waited for through its change notification (POLLPRI), bounded. */
static int wait_events(int leaf, const char *want)
{
	_cleanup_close_ int fd = openat(leaf, "cgroup.events", O_RDONLY | O_CLOEXEC);
	struct pollfd p = { .fd = fd, .events = POLLPRI };
	char buf[256];

	if (fd < 0)
		return negative_errno();
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
		if (n < 0)
			return negative_errno();
		buf[n] = '\0';
		if (strstr(buf, want))
			return 0;
		if (poll(&p, 1, FREEZE_TIMEOUT_MS) == 0)
			return -ETIMEDOUT;
	}
}

static int freeze(const struct oci_opts *o, int argc, char **argv, bool on, struct failure *f)
{
	struct oci_state st;
	int r;

	if (argc != 2)
		return failx(f, argv[0], "needs exactly one container id");
	if ((r = oci_state_read(o, argv[1], &st, f)) < 0)
		return r;
	_cleanup_close_ int leaf = open_leaf(o, argv[0], &st, f);
	if (leaf < 0)
		r = leaf;
	else if ((r = fileio_write_file_at(leaf, "cgroup.freeze", on ? "1" : "0")) < 0)
		r = fail(f, r, argv[0], "%s/sandbox/cgroup.freeze", st.cgroup);
	else if ((r = wait_events(leaf, on ? "frozen 1" : "frozen 0")) < 0)
		r = fail(f, r, argv[0], "%s/sandbox/cgroup.events", st.cgroup);
	oci_state_free(&st);
	return r;
}

int oci_cmd_pause(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	return freeze(o, argc, argv, true, f);
}

int oci_cmd_resume(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	return freeze(o, argc, argv, false, f);
}

/* update's options: each as the runtime spec's resources say it, into one JSON text. */
static const struct option update_opts[] = {
	{ "resources", required_argument, NULL, 'r' },
	{ "memory", required_argument, NULL, 'm' },
	{ "memory-swap", required_argument, NULL, 's' },
	{ "pids-limit", required_argument, NULL, 'p' },
	{ "cpu-quota", required_argument, NULL, 'q' },
	{ "cpu-period", required_argument, NULL, 'P' },
	{ "cpu-share", required_argument, NULL, 'S' },
	{ "cpuset-cpus", required_argument, NULL, 'c' },
	{ "blkio-weight", required_argument, NULL, 'b' },
	{ "memory-reservation", required_argument, NULL, 'R' },
	{ "kernel-memory", required_argument, NULL, 'K' },
	{ "kernel-memory-tcp", required_argument, NULL, 'T' },
	{ "cpuset-mems", required_argument, NULL, 'M' },
	{ "cpu-rt-period", required_argument, NULL, 'X' },
	{ "cpu-rt-runtime", required_argument, NULL, 'Y' },
	{ "l3-cache-schema", required_argument, NULL, 'L' },
	{ "mem-bw-schema", required_argument, NULL, 'B' },
	{ NULL, 0, NULL, 0 },
};

/* A number, or (size) "64m", "1g", "1048576" into bytes; -1: unlimited. */
static int update_value(const char *s, bool size, int64_t *ret)
{
	char *end;
	uint64_t v;

	*ret = strtoll(s, &end, 10);
	if (!size || strcmp(s, "-1") == 0)
		return !s[0] || *end ? -EINVAL : 0;
	if (cgroup_parse_size(s, &v) < 0 || v >= LIMIT_MAX)
		return -EINVAL;
	*ret = (int64_t)v;
	return 0;
}

static const char *const update_objs[] = { "memory", "cpu", "pids", "blockIO" };

/* One option as a member of its object's text in parts (by update_objs: "memory", ...). */
static int update_add(char parts[][256], const struct option *opt, const char *arg, struct failure *f)
{
	static const struct {
		char ch;
		unsigned obj;
		const char *key;
		bool size, string;
	} map[] = { { 'm', 0, "limit", true, false },	{ 's', 0, "swap", true, false },
		    { 'q', 1, "quota", false, false },	{ 'P', 1, "period", false, false },
		    { 'S', 1, "shares", false, false }, { 'c', 1, "cpus", false, true },
		    { 'p', 2, "limit", false, false },	{ 'b', 3, "weight", false, false } };
	int64_t v = 0;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		char *p = parts[map[i].obj];
		size_t n = strlen(p);
		if (map[i].ch != opt->val)
			continue;
		if (!map[i].string && update_value(arg, map[i].size, &v) < 0)
			return failx(f, "update", "--%s %s: not a valid value", opt->name, arg);
		if (map[i].string && arg[strspn(arg, "0123456789-,")])
			return failx(f, "update", "--%s %s: expected a CPU list such as 0-1,3", opt->name,
				     arg);
		if (map[i].string)
			snprintf(p + n, 256 - n, "%s\"%s\":\"%s\"", n ? "," : "", map[i].key, arg);
		else
			snprintf(p + n, 256 - n, "%s\"%s\":%lld", n ? "," : "", map[i].key, (long long)v);
		return 0;
	}
	return failx(f, "update", "--%s is not supported by hutch-oci", opt->name);
}

/* The options' objects as one resources object, read into l (after -r FILE: they win). */
static int update_options(char parts[][256], struct cgroup_limits *l, struct failure *f)
{
	char json[1200] = "{";
	struct json_value *v = NULL;
	struct json_error err;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(update_objs); i++)
		if (parts[i][0])
			snprintf(json + strlen(json), sizeof(json) - strlen(json), "%s\"%s\":{%s}",
				 json[1] ? "," : "", update_objs[i], parts[i]);
	strcat(json, "}");
	if (json_parse(json, strlen(json), &v, &err) < 0)
		return failx(f, "update", "%s", err.msg);
	r = oci_cgroup_resources(v, "update", l, f);
	json_free(v);
	return r;
}

/* -r FILE ("-": stdin): a runtime spec resources object. */
static int update_file(const char *path, struct json_value **ret, struct failure *f)
{
	char buf[65536];
	struct json_error err;
	ssize_t n, len = 0;
	_cleanup_close_ int fd =
	    strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return fail(f, negative_errno(), "update", "--resources %s", path);
	while ((n = read(fd, buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
		len += n;
	if (n < 0)
		return fail(f, negative_errno(), "update", "--resources %s", path);
	if (json_parse(buf, (size_t)len, ret, &err) < 0)
		return failx(f, "update", "--resources %s: line %u: %s", path, err.line, err.msg);
	if ((*ret)->type != JSON_OBJECT)
		return failx(f, "update", "--resources %s: expected an object", path);
	return 0;
}

/* -r FILE, then runc's options over it (the memory's limit and swap read together). */
static int update_parse(int argc, char **argv, struct cgroup_limits *l, struct failure *f)
{
	char parts[ARRAY_SIZE(update_objs)][256] = { "" };
	int ch, idx, r = 0;

	optind = 1;
	opterr = 0;
	while (r == 0 && (ch = getopt_long(argc, argv, "+r:", update_opts, &idx)) != -1) {
		struct json_value *v = NULL;
		if (ch == '?')
			return failx(f, "update", "unknown option %s", argv[optind - 1]);
		if (ch != 'r') {
			r = update_add(parts, &update_opts[idx], optarg, f);
			continue;
		}
		if ((r = update_file(optarg, &v, f)) == 0)
			r = oci_cgroup_resources(v, "resources", l, f);
		json_free(v);
	}
	if (r == 0)
		r = update_options(parts, l, f);
	if (r == 0 && optind + 1 != argc)
		return failx(f, "update", "needs exactly one container id");
	return r;
}

int oci_cmd_update(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	struct cgroup_limits l;
	struct oci_state st;
	int r;

	cgroup_limits_init(&l);
	if ((r = update_parse(argc, argv, &l, f)) < 0 || (r = oci_state_read(o, argv[optind], &st, f)) < 0) {
		cgroup_limits_free(&l);
		return r;
	}
	_cleanup_close_ int leaf = open_leaf(o, "update", &st, f);
	if (leaf < 0)
		r = leaf;
	else if ((r = cgroup_update(st.cgroup, &l, f)) < 0)
		snprintf(f->stage, sizeof(f->stage), "update");
	oci_state_free(&st);
	cgroup_limits_free(&l);
	return r;
}

int oci_cgroup_enter(const struct oci_state *st, struct failure *f)
{
	char dir[4200];
	int r;

	if (!st->cgroup)
		return 0;
	snprintf(dir, sizeof(dir), CGROUP_ROOT "%s/sandbox", st->cgroup);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || (r = fileio_write_file_at(fd, "cgroup.procs", "0")) < 0)
		return fail(f, fd < 0 ? negative_errno() : r, "exec", "%s/cgroup.procs", dir);
	return 0;
}

/* After the container's process is gone: a killed launcher removed nothing. Its sandbox/ and
 * supervisor/ go, thawed first; the group too unless it is a systemd scope (systemd's). */
void oci_cgroup_remove(const struct oci_state *st)
{
	char dir[4200];
	size_t n;

	if (!st->cgroup)
		return;
	snprintf(dir, sizeof(dir), CGROUP_ROOT "%s", st->cgroup);
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	_cleanup_close_ int leaf = openat(fd, "sandbox", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (leaf >= 0) {
		fileio_write_file_at(leaf, "cgroup.freeze", "0");
		wait_events(leaf, "populated 0");
	}
	unlinkat(fd, "sandbox", AT_REMOVEDIR);
	unlinkat(fd, "supervisor", AT_REMOVEDIR);
	n = strlen(dir);
	if (n < 6 || strcmp(dir + n - 6, ".scope") != 0)
		rmdir(dir);
}
