/* hutch-bwrap: bubblewrap's command line as a second front end. bwrap-cli.c parses bwrap's
 * options into struct config (its mount plan, namespaces, ids, environment, and the run-time
 * steps bwrap's options ask for: extra seccomp programs, lock files, block fds, the info JSON's
 * layout, a nested user namespace) and this room's own struct bwrap_config (what only the
 * parser and bwrap-main.c read); bwrap-main.c runs it through config_finish() and the same
 * launcher. Nothing outside src/front/bwrap includes this file: the core knows only the config.
 * Launcher side, the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

struct config;
struct failure;

struct bwrap_config {
	int sync_fd;	      /* --sync-fd, -1: held by pid 1 (bwrap's pid 1 exists for it) */
	bool unshare_user;    /* --unshare-user (or -try) was given */
	bool unshare_pid;     /* --unshare-pid */
	bool disable_userns;  /* --disable-userns */
	bool die_with_parent; /* --die-with-parent */
	bool level_prefix;    /* --level-prefix: "<3>bwrap: ..." */
	bool chdir_repeated;  /* a --chdir replaced an earlier one: bwrap warns */
	bool dev_root;	      /* a --dev: the sandbox's user namespace maps the caller to 0 */
};

/* ---- bwrap-cli.c ---- */

enum bwrap_action {
	BWRAP_RUN,
	BWRAP_HELP,
	BWRAP_VERSION,
};

/* bwrap's command line → c and b. Errors carry bwrap's own wording in f->detail (stage
 * "bwrap"). */
int bwrap_parse(int argc, char **argv, struct config *c, struct bwrap_config *b,
		enum bwrap_action *ret_action, struct failure *f);
/* bwrap's defaults and identity in c, before config_finish() (which bwrap-main.c calls next):
 * the plan and environment given whole, a single-id map or none, the nested user namespace,
 * no hutch seccomp filter, Landlock or record; HUTCH_BWRAP_HARDEN turns some back on. */
int bwrap_fill(struct config *c, const struct bwrap_config *b, char **host_env, struct failure *f);
void bwrap_help(FILE *out, const char *argv0);
