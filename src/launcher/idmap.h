/* User and group id maps for the sandbox's user namespace: subordinate ranges from
 * /etc/subuid and /etc/subgid written by the setuid newuidmap/newgidmap helpers (both run at
 * once), or a single-id map written directly. Launcher side, the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct config;
struct failure;

#define IDMAP_MAX_LINES 64 /* the kernel takes 340; more is a misconfiguration */

struct idrange {
	unsigned long start, count;
};

struct idmap_line {
	unsigned long inside, outside, count;
};

/* One map (uid or gid): how it is written and what it says. */
struct idmap {
	struct idmap_line lines[IDMAP_MAX_LINES];
	size_t n;
	char *helper;	  /* newuidmap/newgidmap path; NULL: single map written directly */
	const char *note; /* why the single map was chosen (for --verbose) */
	bool privileged;  /* IDMAP_LINES: written by a holder of CAP_SETUID/CAP_SETGID over them */
};

/* Ranges for user/id in text in /etc/subuid format (names or numeric ids, comments, several
 * ranges). Returns the number found (≤ max), or -EINVAL for no ranges. Pure. */
int idmap_parse_subid(const char *text, const char *user, unsigned long id, struct idrange *out, size_t max);

/* keep-id: inside id `inside` maps to `own`; the ranges fill the other ids from 0 up. Pure. */
int idmap_compute(unsigned long inside, unsigned long own, const struct idrange *ranges, size_t n,
		  struct idmap *ret);

/* --idmap auto's rule: why the sandbox needs subordinate ranges (it holds files of several
 * owners, or its command changes ids), or NULL when a single-id map serves it as well.
 * foreign_files: a workspace tree holds files of another owner (workspace_foreign_owner()).
 * Pure. */
const char *idmap_auto_reason(const struct config *c, bool foreign_files);

/* Decide both maps for c (reads /etc/subuid, /etc/subgid and looks up the helpers in
 * c->search_path when ranges are wanted: --idmap subid, or auto and a reason above). Before
 * clone. */
int idmap_prepare(const struct config *c, bool ranges, struct idmap *uid, struct idmap *gid,
		  struct failure *f);
void idmap_free(struct idmap *m);

/* A map being written for a child: helpers spawned, not yet waited for. */
struct idmap_job {
	pid_t pid;
	int err_fd; /* the helper's stderr, for the message when it fails */
};

/* Start both helpers at once (no wait), then idmap_finish() waits and writes the single maps
 * (setgroups "deny" first, as the kernel requires for an unprivileged gid_map). */
int idmap_start(struct idmap *uid, struct idmap *gid, pid_t child, struct idmap_job jobs[2],
		struct failure *f);
int idmap_finish(struct idmap *uid, struct idmap *gid, pid_t child, struct idmap_job jobs[2],
		 bool fallback_ok, struct failure *f);
