/* The limits that hold on every machine (see rlimit.h): the rlimit and time-limit options, the
 * rlimits set in the command process, and the lines that say what enforces each limit.
 * Launcher side with the caller's privileges, except rlimit_apply, which runs in the command
 * process (no capability needed: it only lowers limits). */
#include "launcher/limits/rlimit.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "launcher/limits/cgroup.h"
#include "front/config.h"
#include "launcher/limits/deadline.h"
#include "launcher/events.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "lib/macro.h"

enum rl_kind { KIND_SIZE, KIND_COUNT, KIND_SECONDS };

static const struct rlimit_def {
	const char *option; /* without "--" */
	int resource;
	enum rl_kind kind;
	const char *scope; /* what the kernel counts it against, for --verbose */
} rlimit_defs[RL_N] = {
	[RL_AS] = { "rlimit-as", RLIMIT_AS, KIND_SIZE, "address space of each process" },
	[RL_DATA] = { "rlimit-data", RLIMIT_DATA, KIND_SIZE, "data segment and heap of each process" },
	[RL_FSIZE] = { "rlimit-fsize", RLIMIT_FSIZE, KIND_SIZE, "size of each file a process writes" },
	[RL_NOFILE] = { "rlimit-nofile", RLIMIT_NOFILE, KIND_COUNT, "open files of each process" },
	[RL_NPROC] = { "rlimit-nproc", RLIMIT_NPROC, KIND_COUNT,
		       "processes of each uid of the sandbox's user namespace" },
	[RL_CPU] = { "rlimit-cpu", RLIMIT_CPU, KIND_SECONDS, "CPU seconds of each process" },
	[RL_CORE] = { "rlimit-core", RLIMIT_CORE, KIND_SIZE, "core dump size" },
};

void rlimit_config_init(struct rlimit_config *l)
{
	for (size_t i = 0; i < RL_N; i++)
		l->rlim[i] = RL_UNSET;
	l->timeout_usec = 0;
}

int rlimit_parse_duration(const char *s, uint64_t *ret_usec)
{
	static const struct {
		const char *unit;
		double usec;
	} units[] = { { "", 1e6 },     { "s", 1e6 },	{ "ms", 1e3 },	 { "m", 60e6 },
		      { "min", 60e6 }, { "h", 3600e6 }, { "d", 86400e6 } };
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v) || v <= 0 || s[0] == '-' || s[0] == '+')
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].unit) == 0) {
			double usec = v * units[i].usec;
			if (usec < 1 || usec > 1e17)
				return -EINVAL;
			*ret_usec = (uint64_t)usec;
			return 0;
		}
	return -EINVAL;
}

static int parse_count(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (strcmp(s, "unlimited") == 0 || strcmp(s, "infinity") == 0 || strcmp(s, "max") == 0) {
		*ret = RL_INFINITY;
		return 0;
	}
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v >= RL_INFINITY)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_rlimit(const struct rlimit_def *d, const char *arg, uint64_t *ret)
{
	uint64_t usec;
	int r;

	switch (d->kind) {
	case KIND_SIZE:
		if (strcmp(arg, "unlimited") == 0)
			arg = "max";
		/* cgroup's "max" is its own infinity: ours is the same value */
		return cgroup_parse_size(arg, ret);
	case KIND_COUNT:
		return parse_count(arg, ret);
	case KIND_SECONDS:
		if (parse_count(arg, ret) == 0 && *ret == RL_INFINITY)
			return 0;
		if ((r = rlimit_parse_duration(arg, &usec)) < 0)
			return r;
		*ret = (usec + 999999) / 1000000; /* whole seconds, rounded up */
		return 0;
	}
	return -EINVAL;
}

int rlimit_parse_option(struct config *c, const char *name, const char *arg, struct failure *f)
{
	int r = -EINVAL;

	if (strcmp(name, "timeout") == 0)
		r = rlimit_parse_duration(arg, &c->rlimits.timeout_usec);
	else if (strcmp(name, "cpu-time") == 0)
		r = rlimit_parse_duration(arg, &c->limits.cpu_time_usec);
	for (size_t i = 0; i < RL_N; i++)
		if (strcmp(name, rlimit_defs[i].option) == 0)
			r = parse_rlimit(&rlimit_defs[i], arg, &c->rlimits.rlim[i]);
	if (r < 0) {
		char opt[32];
		snprintf(opt, sizeof(opt), "--%s", name);
		return failx(f, opt, "'%s' is not a valid value", arg);
	}
	return 0;
}

/* The value each rlimit gets: the one asked, or RLIMIT_CORE's 0 by default (a core file can
 * hold what the program read), unless the config keeps the caller's (bwrap's behaviour). */
static uint64_t rlimit_value(const struct config *c, size_t i)
{
	uint64_t v = c->rlimits.rlim[i];

	if (v == RL_UNSET && i == RL_CORE && !c->keep_core_limit)
		return 0;
	return v;
}

static rlim_t to_rlim(uint64_t v)
{
	return v == RL_INFINITY ? RLIM_INFINITY : (rlim_t)v;
}

int rlimit_check(const struct config *c, struct failure *f)
{
	for (size_t i = 0; i < RL_N; i++) {
		uint64_t v = c->rlimits.rlim[i];
		struct rlimit cur;
		if (v == RL_UNSET || getrlimit(rlimit_defs[i].resource, &cur) < 0 ||
		    cur.rlim_max == RLIM_INFINITY || to_rlim(v) <= cur.rlim_max)
			continue;
		char opt[32];
		snprintf(opt, sizeof(opt), "--%s", rlimit_defs[i].option);
		return failx(f, opt,
			     "%s is above this session's hard limit %llu; without privilege a limit can "
			     "only be lowered",
			     v == RL_INFINITY ? "unlimited" : "the value", (unsigned long long)cur.rlim_max);
	}
	return 0;
}

int rlimit_apply(const struct config *c, struct failure *f)
{
	for (size_t i = 0; i < RL_N; i++) {
		uint64_t v = rlimit_value(c, i);
		struct rlimit rl = { to_rlim(v), to_rlim(v) };
		/* SIGXCPU at the soft limit, which a program may catch to save its work; SIGKILL at
		 * the hard one, a second later (both at once would be SIGKILL alone) */
		if (i == RL_CPU && v < RL_INFINITY - 1)
			rl.rlim_max = to_rlim(v + 1);
		/* the default core limit is only the soft one, as firejail's: `ulimit -c unlimited`
		 * inside still gives a core to debug */
		if (c->rlimits.rlim[i] == RL_UNSET && v != RL_UNSET &&
		    getrlimit(rlimit_defs[i].resource, &rl) == 0)
			rl.rlim_cur = 0;
		if (v != RL_UNSET && setrlimit(rlimit_defs[i].resource, &rl) < 0)
			return fail(f, negative_errno(), "setrlimit", "--%s", rlimit_defs[i].option);
	}
	for (size_t i = 0; i < c->n_exact_rlimits; i++) {
		const struct rlimit_exact *e = &c->exact_rlimits[i];
		struct rlimit rl = { (rlim_t)e->soft, (rlim_t)e->hard }; /* UINT64_MAX: infinity */
		if (setrlimit(e->resource, &rl) < 0)
			return fail(f, negative_errno(), "setrlimit", "resource %d: soft %llu, hard %llu",
				    e->resource, (unsigned long long)e->soft, (unsigned long long)e->hard);
	}
	return 0;
}

/* ---- what enforces what ------------------------------------------------------------------ */

static void rlimit_show(const struct rlimit_def *d, uint64_t v, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	int u = -1;

	if (v == RL_INFINITY) {
		snprintf(buf, size, "unlimited");
		return;
	}
	while (d->kind == KIND_SIZE && v && u < 3 && (v & 1023) == 0)
		v >>= 10, u++;
	snprintf(buf, size, "%" PRIu64 "%.*s%s", v, u >= 0 ? 1 : 0, u >= 0 ? units + u : "",
		 d->kind == KIND_SECONDS ? "s" : "");
}

static void announce(const struct config *c, struct events *ev, const char *what, const char *by,
		     const char *result, bool enforced)
{
	struct event e = { .kind = EVENT_LIMIT,
			   .action = enforced ? EVENT_ENFORCED : EVENT_UNENFORCED,
			   .detail = what,
			   .rule = what,
			   .reason = by,
			   .result = result };

	log_verbose(c->verbose, "limits: %s: %s %s", what, enforced ? "enforced by" : "not enforced:", by);
	if (ev)
		events_emit(ev, &e);
}

static void announce_rlimits(const struct config *c, struct events *ev)
{
	for (size_t i = 0; i < RL_N; i++) {
		const struct rlimit_def *d = &rlimit_defs[i];
		uint64_t v = rlimit_value(c, i);
		char what[96], by[160], val[32];
		if (v == RL_UNSET)
			continue;
		rlimit_show(d, v, val, sizeof(val));
		snprintf(what, sizeof(what), "--%s %s%s", d->option, val,
			 c->rlimits.rlim[i] == RL_UNSET ? " (the default)" : "");
		snprintf(by, sizeof(by), "rlimit on the command (%s; the %s)",
			 c->rlimits.rlim[i] == RL_UNSET ? "soft"
			 : i == RL_CPU			? "soft and hard + 1 s"
							: "soft and hard",
			 d->scope);
		/* the default is said under --verbose; the report lists only what was asked */
		announce(c, c->rlimits.rlim[i] == RL_UNSET ? NULL : ev, what, by, "rlimit", true);
	}
}

void rlimit_announce(const struct config *c, const struct cgroup_state *cg, struct events *ev)
{
	char what[400], by[200];

	if (cgroup_limits_any(&c->limits)) {
		cgroup_describe(c, what, sizeof(what));
		announce(c, ev, what, cg->enforcer, cg->backend ? "cgroup" : "none", cg->backend != NULL);
	}
	if (c->stats && !cg->backend)
		log_verbose(c->verbose,
			    "limits: --stats from the kernel's rusage of pid 1 and its children "
			    "(no cgroup: %s)",
			    cg->enforcer[0] ? cg->enforcer : "none asked for");
	announce_rlimits(c, ev);
	if (c->rlimits.timeout_usec) {
		snprintf(what, sizeof(what), "--timeout %.3gs", (double)c->rlimits.timeout_usec / 1e6);
		snprintf(by, sizeof(by), "the launcher's timer (SIGTERM, SIGKILL %llus later, exit 124)",
			 DEADLINE_GRACE_USEC / 1000000);
		announce(c, ev, what, by, "launcher", true);
	}
}
