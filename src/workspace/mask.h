/* --mask GLOB: paths hidden under an empty read-only file or directory, found at start in
 * every tree the sandbox sees from the host. A glob is a path pattern whose components are
 * fnmatch(3) patterns ('*' and '?' match a leading dot too) and where a "**" component matches
 * any number of components, none included. A relative glob is matched against paths relative to
 * each tree's root, and one without a '/' against the last component at any depth; an absolute
 * glob is matched against the path inside the sandbox. Pure matching, plus a walk of the host's
 * trees (launcher side, the caller's own privileges). */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct failure;

/* A path a mask covers, found at start. */
struct ws_mask_hit {
	char *dst; /* the sandbox path covered */
	bool dir;
};

/* 0 when glob is usable; else -EINVAL with f naming it. */
int mask_check(const char *glob, struct failure *f);

/* Whether path (relative, or absolute for an absolute glob; no trailing '/') matches. */
bool mask_match(const char *glob, const char *path);

/* Walk host directory tree (not following symlinks, not crossing into other file systems),
 * seen at dst inside, and append to *hits each path that a glob matches (a matching
 * directory is not entered). */
int mask_resolve(char *const *globs, const char *tree, const char *dst, struct ws_mask_hit **hits,
		 size_t *n_hits, struct failure *f);
