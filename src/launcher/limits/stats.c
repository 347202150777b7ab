/* The --stats line (see stats.h). Launcher side, pure: it formats what the launcher read. */
#include "launcher/limits/stats.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "front/config.h"
#include "launcher/launcher.h"

struct figures {
	const char *source; /* "cgroup" or "rusage" */
	uint64_t wall_usec, cpu_usec, user_usec, system_usec;
	uint64_t max_rss;		  /* bytes: the largest process's resident set (rusage) */
	uint64_t memory_peak, tasks_peak; /* the cgroup's only; 0 without one */
};

static uint64_t tv_usec(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000 + (uint64_t)tv->tv_usec;
}

static void figures_read(const struct launch_report *rep, struct figures *g)
{
	const struct cgroup_report *cg = &rep->cgroup;

	*g = (struct figures){ .source = "rusage",
			       .wall_usec = rep->wall_usec,
			       .user_usec = tv_usec(&rep->usage.ru_utime),
			       .system_usec = tv_usec(&rep->usage.ru_stime),
			       .max_rss = (uint64_t)rep->usage.ru_maxrss * 1024 };
	g->cpu_usec = g->user_usec + g->system_usec;
	if (!cg->have_stats)
		return;
	/* the cgroup counts what pid 1 never reaped too (--share-pid), and page cache */
	g->source = "cgroup";
	g->cpu_usec = cg->cpu_usec;
	g->user_usec = cg->cpu_user_usec;
	g->system_usec = cg->cpu_system_usec;
	g->memory_peak = cg->memory_peak;
	g->tasks_peak = cg->tasks_peak;
}

void stats_size_text(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	double v = (double)bytes;
	int u = -1;

	while (v >= 1024 && u < 3)
		v /= 1024, u++;
	if (u < 0)
		snprintf(buf, size, "%" PRIu64, bytes);
	else
		snprintf(buf, size, "%.1f%c", v, units[u]);
}

static void format_json(const struct figures *g, char *buf, size_t size)
{
	int n = snprintf(buf, size,
			 "{\"source\":\"%s\",\"wall_usec\":%" PRIu64 ",\"cpu_usec\":%" PRIu64
			 ",\"cpu_user_usec\":%" PRIu64 ",\"cpu_system_usec\":%" PRIu64
			 ",\"max_rss_bytes\":%" PRIu64,
			 g->source, g->wall_usec, g->cpu_usec, g->user_usec, g->system_usec, g->max_rss);

	if (n > 0 && (size_t)n < size && strcmp(g->source, "cgroup") == 0)
		n += snprintf(buf + n, size - (size_t)n,
			      ",\"memory_peak_bytes\":%" PRIu64 ",\"tasks_peak\":%" PRIu64, g->memory_peak,
			      g->tasks_peak);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "}");
}

static void format_text(const struct figures *g, char *buf, size_t size)
{
	char rss[32], peak[32];
	int n;

	stats_size_text(g->max_rss, rss, sizeof(rss));
	stats_size_text(g->memory_peak, peak, sizeof(peak));
	n = snprintf(buf, size,
		     "stats: CPU time %.3f s (user %.3f s, system %.3f s), wall %.3f s, max RSS %s",
		     (double)g->cpu_usec / 1e6, (double)g->user_usec / 1e6, (double)g->system_usec / 1e6,
		     (double)g->wall_usec / 1e6, rss);
	if (n > 0 && (size_t)n < size && strcmp(g->source, "cgroup") == 0)
		n += snprintf(buf + n, size - (size_t)n, ", peak memory %s, peak tasks %" PRIu64, peak,
			      g->tasks_peak);
	if (n > 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " (%s)", g->source);
}

void stats_format(const struct config *c, const struct launch_report *rep, char *buf, size_t size)
{
	struct figures g;

	buf[0] = '\0';
	if (!c->stats)
		return;
	figures_read(rep, &g);
	if (c->stats_json)
		format_json(&g, buf, size);
	else
		format_text(&g, buf, size);
}
