/* The launcher's timer for the time limits (see deadline.h): --timeout on the wall clock, and
 * --cpu-time, read from the sandbox's cgroup at the earliest moment the budget could be spent.
 * Launcher side, the caller's own privileges. */
#include "launcher/limits/deadline.h"

#include <errno.h>
#include <signal.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "launcher/limits/cgroup.h"
#include "front/config.h"
#include "lib/failure.h"
#include "lib/macro.h"

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int timer_arm(struct deadline *t, uint64_t in_usec)
{
	struct itimerspec its = { .it_value = { .tv_sec = (time_t)(in_usec / 1000000),
						.tv_nsec = (long)(in_usec % 1000000) * 1000 } };

	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1000;
	return timerfd_settime(t->fd, 0, &its, NULL) < 0 ? negative_errno() : 0;
}

/* The CPU budget cannot run out before remaining / CPUs of wall time: the next look then. */
static uint64_t cpu_next(const struct config *c, const struct deadline *t, uint64_t used)
{
	uint64_t left = c->limits.cpu_time_usec > used ? c->limits.cpu_time_usec - used : 0;
	uint64_t in = left / t->cpu_cap;

	return in < 10000 ? 10000 : in;
}

/* The first deadline: the wall clock's, or the CPU budget's earliest. */
static uint64_t first_deadline(const struct config *c, const struct deadline *t)
{
	uint64_t in = c->rlimits.timeout_usec ? c->rlimits.timeout_usec : UINT64_MAX;

	if (c->limits.cpu_time_usec != CGROUP_UNSET && cpu_next(c, t, 0) < in)
		in = cpu_next(c, t, 0);
	return in;
}

int deadline_start(const struct config *c, struct deadline *t, struct failure *f)
{
	/* The CPU count (a read of /sys) only for the CPU budget: not on every start (issue 27). */
	long n = c->limits.cpu_time_usec != CGROUP_UNSET ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
	int r;

	*t = (struct deadline){ .fd = -1, .start = now_usec(), .cpu_cap = n > 0 ? (uint64_t)n : 1 };
	if (!c->rlimits.timeout_usec && c->limits.cpu_time_usec == CGROUP_UNSET)
		return 0;
	if ((t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK)) < 0)
		return fail(f, negative_errno(), "timerfd", NULL);
	r = timer_arm(t, first_deadline(c, t));
	return r < 0 ? fail(f, r, "timerfd", "arming the time limit") : 0;
}

/* Past the wall clock's limit, or the CPU budget spent: the limit's name; else NULL with the
 * timer armed for the next look. */
static const char *timer_expired(const struct config *c, struct deadline *t, const struct cgroup_state *cg)
{
	uint64_t elapsed = now_usec() - t->start, used = 0, next = UINT64_MAX;

	if (c->rlimits.timeout_usec) {
		if (elapsed >= c->rlimits.timeout_usec)
			return "--timeout";
		next = c->rlimits.timeout_usec - elapsed;
	}
	if (c->limits.cpu_time_usec != CGROUP_UNSET && cgroup_cpu_usage(cg, &used) == 0) {
		if (used >= c->limits.cpu_time_usec)
			return "--cpu-time";
		if (cpu_next(c, t, used) < next)
			next = cpu_next(c, t, used);
	}
	if (next != UINT64_MAX)
		timer_arm(t, next);
	return NULL;
}

int deadline_due(const struct config *c, struct deadline *t, const struct cgroup_state *cg)
{
	uint64_t ticks;

	while (read(t->fd, &ticks, sizeof(ticks)) < 0 && errno == EINTR)
		;
	if (t->stage == 0) {
		if (!(t->why = timer_expired(c, t, cg)))
			return 0;
		t->stage = 1;
		timer_arm(t, DEADLINE_GRACE_USEC);
		return SIGTERM;
	}
	t->stage = 2;
	return SIGKILL;
}

uint64_t deadline_elapsed(const struct deadline *t)
{
	return t->start ? now_usec() - t->start : 0;
}

void deadline_stop(struct deadline *t)
{
	t->fd = safe_close(t->fd);
}
