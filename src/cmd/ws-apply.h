/* The workspace's upper dir read as changes to the host tree, and those changes applied to
 * it. Subcommand side (changes, apply), the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct failure;
struct ws_start;

enum ws_type {
	WS_FILE = 'f',
	WS_DIR = 'd',
	WS_LINK = 'l',
	WS_OTHER = 'o',
};

struct ws_change {
	char kind;	/* 'A' added, 'M' modified (content, mode or type), 'D' deleted, 'R' renamed dir */
	char type;	/* enum ws_type of the new object (of the old one for 'D') */
	char old_type;	/* of the host's object at the start, 0 when there was none */
	bool opaque;	/* a directory that hides what the host had in it */
	bool whiteout;	/* 'D' from a whiteout in the upper (else from an opaque parent) */
	bool meta_only; /* only the mode changed (overlayfs's metacopy) */
	char *path;	/* relative to the tree */
	char *from;	/* 'R': the old path */
	char *target;	/* symlinks */
	uint64_t size;
	mode_t mode, old_mode;
};

struct ws_changes {
	struct ws_change *v;
	size_t n;
};

/* Walk upper (a workspace's upper dir) against lower (the host tree), in path order, parents
 * before children. Both whiteout forms (char device 0/0; the user./trusted.overlay.whiteout
 * xattr and fuse-overlayfs's .wh. files), opaque dirs (xattr or .wh..wh..opq), redirects. */
int ws_collect(const char *lower, const char *upper, struct ws_changes *ret, struct failure *f);
void ws_changes_free(struct ws_changes *c);

struct ws_apply_opts {
	char **paths;	  /* only these paths (relative to the tree) and what is under them; NULL: all */
	char **overwrite; /* applied although the host changed them too (--overwrite) */
	char **drop;	  /* the sandbox's change removed, the host's kept (--drop) */
	char **merge;	  /* both sides' changes merged against the kept start content (--merge) */
	FILE *out;	  /* one line per path applied or dropped, when not NULL */
	char **protect;	  /* refused: protected persistence points */
	const struct ws_start *start;
	FILE *log;	       /* one line per refused path */
	const char *shown_dir; /* the tree's path, for the messages */
	const char *base;      /* the kept start contents (I/base): a path applied or dropped leaves */
	char ***settled;       /* when not NULL: the paths applied, dropped or merged are added */
};

/* Whether a path under PATHS (relative) is at or beneath dir (relative, "." for the whole). */
bool ws_beneath(const char *p, const char *dir);

/* Whether the host's side of e changed since the start too (a conflict, `C` in changes). */
bool ws_conflict(const char *dir, const struct ws_start *start, const struct ws_change *e);

/* Apply the changes to dir; each change applied is removed from the upper. *ret_refused
 * counts the paths refused (changed on the host since the start, protected, special files). */
int ws_apply(const char *dir, const char *upper, const struct ws_changes *ch, const struct ws_apply_opts *o,
	     unsigned *ret_refused, struct failure *f);

/* ws-merge.c: the host's name (in directory pfd) replaced by the line merge of the sandbox's rel
 * (in uroot) and the host's against the start's (in base), made with the given mode. -ENOENT:
 * no start content kept; -EMEDIUMTYPE: not text; -EEXIST: both changed the same lines;
 * -ESTALE: the host's file changed during the merge; -ENOEXEC: no diff3. */
int ws_merge(int pfd, const char *name, int uroot, int base, const char *rel, mode_t mode);
