/* --workdir MODE (and the profile directive): what showing the working directory does when
 * that is the home or an ancestor of it, where "the files here" would be the whole home.
 * Launcher side, no privileges; config only. */
#pragma once

struct config;
struct failure;

enum workdir_mode {
	WORKDIR_ALLOW, /* shown as asked (the default on the command line) */
	WORKDIR_ERROR, /* the start stops with the fix (the shipped tools) */
	WORKDIR_EMPTY, /* not shown; the command starts in the empty private home (the viewers) */
};

int workdir_opt(struct config *c, const char *arg, struct failure *f);

/* config_finish(), once the paths are expanded: apply the mode to --whitelist, --read-only
 * and their -try twins that name the working directory, and to --chdir. */
int workdir_finish(struct config *c, struct failure *f);
