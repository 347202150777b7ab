/* The denial report (--report PATH, --report=full) and the recording behind `hutch learn`:
 * the options, the JSON-lines sink on the launcher's event stream, and where each rule came
 * from. The report file is opened by the launcher, outside the sandbox's view, and written only
 * from what the launcher itself sees (the seccomp notifier, the resolver, the nft log): the
 * program can neither forge nor suppress lines. Launcher side, the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "launcher/events.h"

struct config;
struct failure;

/* Owned by report.c, behind config->report; NULL when neither --report nor learn asked. */
struct report_config {
	char *path;		  /* --report PATH, absolute; NULL for learn without a file */
	bool full;		  /* --report=full: file operations on hidden and read-only paths */
	bool learn;		  /* `hutch learn`: every open, exec and connect, let through */
	char **deny_origins;	  /* "DIRECTIVE ARG\tprofile FILE:LINE" of the refusing profile lines */
	struct event_sink *extra; /* learn's collector, added to the stream with the writer */
};

/* The --report directive: PATH, or "full" (a file named full is ./full). */
int report_option(struct config *c, const char *arg, struct failure *f);
void report_config_free(struct report_config *r);

/* Where a profile's seccomp-deny name or blacklist path came from (file:line), for the
 * report's rule field (profile.c: profile_report_origins); nothing without --report. */
int report_note_origin(struct config *c, const char *directive, const char *arg, const char *file,
		       unsigned line);

/* "profile FILE:LINE" of the profile line DIRECTIVE ARG, or NULL (not from a profile). */
const char *report_origin(const struct config *c, const char *directive, const char *arg);

/* The rule that put NAME on the --seccomp-deny list: "profile FILE:LINE" or "--seccomp-deny". */
const char *report_deny_origin(const struct config *c, const char *name);

/* Whether the seccomp notifier must run (a report or learn). */
bool report_wanted(const struct config *c);

/* The writer: one JSON object a line, written with one write(2) each, so that lines stay whole. */
struct report_writer {
	struct event_sink sink;
	int fd;
	bool verbose;
	unsigned long lines;
	char **names; /* the names refused so far: one line each, whatever asked (A, AAAA, retries) */
};

/* Create the report (125 with one line when it cannot be written) and attach the writer and
 * learn's collector to ev. Before the clone: the file exists when the sandbox's mounts hide it. */
int report_start(const struct config *c, struct report_writer *w, struct events *ev, struct failure *f);

/* The file again, for writing, after the clone (see report.c). */
int report_open(const struct config *c, struct report_writer *w, struct failure *f);

/* Close the file; with --verbose, one summary line per kind that had denials. */
void report_finish(struct report_writer *w, const struct events *ev);
