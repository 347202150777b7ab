/* The event stream (see events.h). */
#include "launcher/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

static const char *const kind_names[EVENT_KIND_MAX] = {
	[EVENT_SYSCALL] = "syscall", [EVENT_CONNECT] = "connect", [EVENT_DNS] = "dns",
	[EVENT_FILE] = "file",	     [EVENT_EXEC] = "exec",	  [EVENT_LIMIT] = "limit",
};

const char *event_kind_name(enum event_kind k)
{
	return k < EVENT_KIND_MAX ? kind_names[k] : "unknown";
}

void events_init(struct events *ev, bool verbose)
{
	*ev = (struct events){ .verbose = verbose };
}

void events_done(struct events *ev)
{
	for (size_t i = 0; i < ev->n_seen; i++)
		free(ev->seen[i]);
	free(ev->seen);
	ev->seen = NULL;
	ev->n_seen = 0;
}

void events_add_sink(struct events *ev, struct event_sink *s)
{
	struct event_sink **p = &ev->sinks;

	while (*p)
		p = &(*p)->next;
	s->next = NULL;
	*p = s;
}

/* True the first time this key is seen (and remembered); on allocation failure, true. */
static bool first_time(struct events *ev, const char *key)
{
	char **v;

	for (size_t i = 0; i < ev->n_seen; i++)
		if (strcmp(ev->seen[i], key) == 0)
			return false;
	v = realloc(ev->seen, (ev->n_seen + 1) * sizeof(*v));
	if (!v)
		return true;
	ev->seen = v;
	if ((ev->seen[ev->n_seen] = strdup(key)))
		ev->n_seen++;
	return true;
}

void events_emit(struct events *ev, const struct event *e)
{
	if (e->action == EVENT_DENIED && e->kind < EVENT_KIND_MAX)
		ev->counts[e->kind]++;
	if (ev->verbose && e->action == EVENT_DENIED) {
		char key[512];
		snprintf(key, sizeof(key), "%s %s", event_kind_name(e->kind), e->detail ? e->detail : "");
		if (first_time(ev, key))
			log_verbose(true, "denied %s %s%s%s%s", event_kind_name(e->kind),
				    e->detail ? e->detail : "?", e->reason ? " (" : "",
				    e->reason ? e->reason : "", e->reason ? ")" : "");
	}
	for (struct event_sink *s = ev->sinks; s; s = s->next)
		s->emit(s, e);
}
