/* Workspaces under review (issue 12): --workspace DIR[:DST] runs on a copy-on-write view of
 * DIR whose upper and work dirs live in $XDG_STATE_HOME/hutch/workspaces/NAME/, kept after
 * exit for `hutch changes|apply|discard NAME`; --workspace-mode=direct binds DIR read-write
 * instead. Also the masks (--mask GLOB, see mask.h) and the protected persistence points of a
 * workspace (--protect, --unprotect). Launcher side, the caller's own privileges; nothing here
 * runs unless one of these options is given.
 *
 * The state dir of NAME:
 *   manifest        "hutch-workspace 1", then key/value lines: name, started (epoch s),
 *                   driver, mode, and per tree "dir I DIR DST" and "protect I RELPATH"
 *   lock            "PID STARTTIME" of the launcher using it; stale when that process is gone
 *   I/upper I/work  tree I's overlay layers
 *   I/start         the host tree's state at the start: one line per path, sorted
 *                   (path, mode, size, mtime ns, inode, ctime ns), paths %-escaped
 *   I/base/RELPATH  the host's file as it was at the start, kept at the sandbox's first change
 *                   to it while the host's still matched I/start (workspace-keep.c)
 * manifest and start are written (temp file, fsync, rename) before the sandbox starts, so a
 * SIGKILL of the launcher leaves a state that changes and apply read as usual. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

struct config;
struct failure;
struct mountplan;

struct ws_tree {
	char *dir;	/* the host directory (absolute, resolved) */
	char *dst;	/* where the sandbox sees it */
	char **protect; /* paths relative to dir made read-only inside (resolved at start) */
	char **pending; /* protected paths that do not exist yet: apply refuses them */
};

struct ws_mask_hit; /* mask.h */

struct workspace_config {
	struct ws_tree *trees;
	size_t n_trees;
	bool direct;		  /* --workspace-mode=direct: plain read-write binds, no review */
	char **masks;		  /* --mask GLOB, in order */
	char **protect;		  /* --protect RELPATH (added to the defaults) */
	char **unprotect;	  /* --unprotect RELPATH (removed from them) */
	char *state_dir;	  /* $XDG_STATE_HOME/hutch/workspaces/NAME (overlay mode) */
	struct ws_mask_hit *hits; /* the masks resolved at start */
	size_t n_hits;
};

/* Options (name without "--"): workspace, workspace-mode, mask, protect, unprotect. */
int workspace_parse_option(struct config *c, const char *name, const char *arg, struct failure *f);
void workspace_free(struct config *c);
/* The option table's handlers (cli.c), one per option. */
int workspace_opt_workspace(struct config *c, const char *arg, struct failure *f);
int workspace_opt_mode(struct config *c, const char *arg, struct failure *f);
int workspace_opt_mask(struct config *c, const char *arg, struct failure *f);
int workspace_opt_protect(struct config *c, const char *arg, struct failure *f);
int workspace_opt_unprotect(struct config *c, const char *arg, struct failure *f);
/* Whether --overlay-driver has something to act on. */
bool workspace_uses_overlay(const struct config *c);

/* config_finish(), after the name is known and before the plan: resolve the trees, the
 * protected paths and the masks, compute the state dir (nothing is created yet). */
int workspace_finish(struct config *c, char **host_env, struct failure *f);

/* config_finish(): the plan's additions, into c->plan_input.workspace: the overlays (or binds) after the user's mounts (a bind of a parent
 * must not hide them); the protected paths, the masks and a cover of the workspaces' own state
 * at the end, with the blacklist. */
int workspace_plan(const struct config *c, struct mountplan *p, struct failure *f);
int workspace_plan_last(const struct config *c, struct mountplan *p, struct failure *f);

/* Launcher: create (or resume) the state dir and take its lock before the clone; release it
 * at the end, and remove a state this run created when the sandbox never ran, or made no
 * change in an unnamed one; else say whether changes wait (ws->pending). */
struct ws_keeper;
struct workspace_state {
	char *dir;		  /* the state dir when this run holds its lock */
	struct ws_keeper *keeper; /* the start content's keeper (workspace-keep.c) */
	bool fresh;		  /* created by this run */
	bool unnamed; /* named after the pid (no --name): removed at the end when nothing changed */
	bool pending; /* set by workspace_stop(): it holds changes to review */
};
int workspace_start(const struct config *c, struct workspace_state *ws, struct failure *f);
/* Whether a tree under review (overlay mode) holds a file whose owner or group is not the
 * caller's: the overlay's copy-up of such a file needs that id mapped (--idmap auto). */
bool workspace_foreign_owner(const struct config *c);
void workspace_stop(struct workspace_state *ws, bool ran);

/* The start content of the files the sandbox changes (workspace-keep.c), kept in I/base/ at
 * its first change to each: started by workspace_start, served from the launcher's loop
 * (workspace_keep_fd, -1 when there is none; workspace_keep_events when it is readable), and
 * finished by workspace_stop with a last look at every upper entry. */
int workspace_keep_start(const struct config *c, struct workspace_state *ws, struct failure *f);
int workspace_keep_fd(const struct workspace_state *ws);
void workspace_keep_events(struct workspace_state *ws);
void workspace_keep_sweep(struct workspace_state *ws);
void workspace_keep_stop(struct workspace_state *ws, bool ran);

/* ---- the state, for the subcommands ---- */

/* $XDG_STATE_HOME/hutch/workspaces (or ~/.local/state/…) from env; NULL on ENOMEM or no home. */
char *workspace_root(char **env);

/* A workspace NAME read back from its state dir. */
struct ws_record {
	char *name;
	char *dir; /* its state dir */
	long long started;
	char driver[16];
	bool direct;
	struct ws_tree *trees;
	size_t n_trees;
};
int workspace_read(const char *root, const char *name, struct ws_record *ret, struct failure *f);
void workspace_record_free(struct ws_record *r);

/* Whether a live launcher holds NAME's lock (by pid and start time; a lock whose process is
 * gone or is another process now is stale). Fills *ret_pid when live. */
bool workspace_locked(const char *state_dir, pid_t *ret_pid);
/* Take the lock for a subcommand (apply, discard): -EBUSY when a live process holds it. */
int workspace_lock(const char *state_dir, pid_t *ret_holder);
void workspace_unlock(const char *state_dir);

/* Remove a directory tree (chmod'ing what refuses), the state dir itself included. */
int workspace_remove_tree(int parent_fd, const char *name);

/* One line of a start file: the host path's state at the start. */
struct ws_stat {
	char *path; /* relative to the tree's dir, "." for the dir itself */
	mode_t mode;
	uint64_t size, ino;
	int64_t mtime_ns, ctime_ns;
};
struct ws_start {
	struct ws_stat *v; /* sorted by path (strcmp) */
	size_t n;
};
int workspace_start_read(const char *path, struct ws_start *ret);
const struct ws_stat *workspace_start_find(const struct ws_start *s, const char *path);
/* Whether st (an lstat of the host's path now) is still what s recorded: type, mode, size,
 * inode, modification and change times. */
bool workspace_start_matches(const struct ws_stat *s, const struct stat *st);
void workspace_start_free(struct ws_start *s);
/* After apply: the entries of the settled paths (relative, applied, dropped or merged) become
 * the host's as they are now in dir, and s is written to path. */
int workspace_start_settle(const char *path, struct ws_start *s, const char *dir, char **settled);

/* %-escaping of paths in the state's files (%, tab, newline, CR, space). */
void workspace_put_path(FILE *out, const char *p);
int workspace_unescape(char *s);
