/* Persistence points: the host paths through which a program plants what later runs outside
 * the sandbox (shell start-up files, autostart entries, systemd user units, git hooks and
 * configuration, hutch's own profiles and state...). One list, here; every mount that makes a
 * host path writable (whitelist, bind, --home host, direct workspaces, profiles, desktop binds)
 * passes through persist_plan(), which keeps the points it reaches read-only, and missing ones
 * uncreatable. --allow-persist PATH is the one way out, per path. Launcher side, the caller's
 * own privileges; it reads the host's directories and writes nothing. */
#pragma once

#include <stdbool.h>

struct config;
struct failure;
struct mountplan;

/* --allow-persist PATH (option and profile directive): stored as given, checked by
 * persist_finish() once the paths are expanded. A relative PATH is refused here. */
int persist_opt_allow(struct config *c, const char *arg, struct failure *f);

/* config_finish(), after the paths are expanded: each --allow-persist PATH must lie in the
 * home and name a point of the list (or a repository's .git/hooks or .git/config). The list
 * itself (c->persist_points) is made only when something reads it: persist_points_ensure(). */
int persist_finish(struct config *c, char **host_env, struct failure *f);

/* c->persist_points made once (persist_points()), by its readers: config_finish for a
 * workspace's trees, persist_plan() at the first writable host bind. The default sandbox has
 * neither, and the list costs an lstat() per point. 0 or -ENOMEM. */
int persist_points_ensure(struct config *c, char **host_env);

/* The points of the list for this caller (absolute, not resolved), --allow-persist ones
 * left out; a new string vector in *ret. */
int persist_points(const struct config *c, char **host_env, char ***ret);

/* The points that concern a host directory: the list's, and the .git/hooks and .git/config of
 * the repositories found in it or that it is in; a new string vector in *ret. */
int persist_points_beneath(const struct config *c, const char *dir, char ***ret);

/* After the plan is built: after each writable bind of a host directory or file, the points
 * it reaches are bound read-only; a directory on the way to a missing point (or to one that
 * is a symlink) is bound read-only and its existing entries bound writable again, so that no
 * new entry, the point included, can be made in it. */
int persist_plan(struct config *c, char **host_env, struct failure *f);
