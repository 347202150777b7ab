/* One stream of what the launcher saw the sandbox do that the policy refused (or, in learn
 * mode, recorded): the egress resolver and the nft log, the seccomp notifier, file checks.
 * Every source writes here and nowhere else; sinks read it: --verbose prints each destination
 * once, --report writes JSON lines, `hutch learn` collects. All of it outside the sandbox.
 * Launcher side only. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum event_kind {
	EVENT_SYSCALL, /* a system call the filter refused */
	EVENT_CONNECT, /* a connection (or UDP datagram) the egress policy rejected */
	EVENT_DNS,     /* a name the resolver answered NXDOMAIN for (or resolved, in learn mode) */
	EVENT_FILE,    /* a file operation on a hidden, masked or read-only path */
	EVENT_EXEC,    /* an exec (learn mode) or an exec of a hidden path */
	EVENT_LIMIT,   /* a limit asked, and what enforces it (or why nothing does) */
	EVENT_KIND_MAX,
};

enum event_action {
	EVENT_DENIED,	  /* refused: EPERM, ENOSYS, NXDOMAIN, a reject */
	EVENT_ALLOWED,	  /* let through and recorded (learn mode) */
	EVENT_ENFORCED,	  /* a limit in force (EVENT_LIMIT) */
	EVENT_UNENFORCED, /* a limit not in force (--limits best-effort) */
};

struct event {
	enum event_kind kind;
	enum event_action action;
	pid_t pid;	    /* in the launcher's pid namespace; 0 when unknown */
	const char *detail; /* "keyctl(5, 0x1)", "203.0.113.7:443/tcp", "b.test", "/home/u/.env" */
	const char *rule;   /* what decided: "profile /path/x.profile:12", "allow-domain", "default" */
	const char *reason; /* short words for humans: "not in allow-domain"; may be NULL */
	const char *result; /* what the program saw: "EPERM", "NXDOMAIN", "reject"; may be NULL */
};

/* A consumer of the stream (the report writer, learn's collector). */
struct event_sink {
	void (*emit)(struct event_sink *s, const struct event *e);
	struct event_sink *next;
};

struct events {
	bool verbose;		  /* one "hutch: denied ..." line per kind and destination */
	struct event_sink *sinks; /* in the order added */
	char **seen;		  /* "kind detail" already printed under --verbose */
	size_t n_seen;
	unsigned long counts[EVENT_KIND_MAX]; /* denials per kind, for the summary at exit */
};

void events_init(struct events *ev, bool verbose);
void events_done(struct events *ev);
void events_add_sink(struct events *ev, struct event_sink *s);
void events_emit(struct events *ev, const struct event *e);

const char *event_kind_name(enum event_kind k);
