/* hutch-bwrap: bubblewrap's command line as a second front end. bwrap-cli.c parses bwrap's
 * options into struct config (its mount plan, namespaces, ids, environment) and this room's
 * own struct bwrap_config; bwrap-main.c runs it through the same launcher. bwrap-run.c holds
 * the few steps only bwrap's options ask for, called from the shared drivers when c->bwrap is
 * set: the --info-fd/--json-status-fd JSON (launcher), --lock-file, --block-fd and
 * --disable-userns (the sandbox's pid 1), the raw --seccomp/--add-seccomp-fd programs and
 * $PWD (the command). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "command/confine.h"

struct config;
struct failure;

struct bwrap_config {
	struct bpf_program *progs; /* --seccomp / --add-seccomp-fd, installed in this order */
	size_t n_progs;
	char **lock_files;     /* --lock-file DEST, paths inside the sandbox */
	int block_fd;	       /* --block-fd, -1 */
	int userns_block_fd;   /* --userns-block-fd, -1 */
	int sync_fd;	       /* --sync-fd, -1 */
	int info_fd;	       /* --info-fd, -1 */
	int json_status_fd;    /* --json-status-fd, -1 */
	int userns_fd;	       /* --userns, -1 */
	int userns2_fd;	       /* --userns2, -1 */
	int pidns_fd;	       /* --pidns, -1 */
	unsigned new_ns;       /* CLONE_NEW* of the namespaces bwrap reports (mount and unshared ones) */
	bool unshare_user;     /* --unshare-user (or -try) was given */
	bool unshare_pid;      /* --unshare-pid */
	bool disable_userns;   /* --disable-userns */
	bool assert_no_userns; /* --assert-userns-disabled */
	bool die_with_parent;  /* --die-with-parent */
	bool level_prefix;     /* --level-prefix: "<3>bwrap: ..." */
	bool chdir_repeated;   /* a --chdir replaced an earlier one: bwrap warns */
	bool dev_root;	       /* a --dev: the sandbox's user namespace maps the caller to 0 */
	bool nest_userns;      /* the command runs in a nested user namespace (see bwrap_finish) */
	uid_t uid;	       /* the command's ids there */
	gid_t gid;
	int proc_fd; /* the host's /proc, for --disable-userns */
};

/* ---- bwrap-run.c: hooks in the shared drivers ---- */

/* Launcher, once the sandbox's first process exists: bwrap's JSON on --info-fd and
 * --json-status-fd ({"child-pid": N, "<ns>-namespace": inode, ...}). */
int bwrap_started(const struct config *c, pid_t pid, struct failure *f);
/* Launcher, at the end: {"exit-code": N} on --json-status-fd. */
void bwrap_finished(const struct config *c, int status);
/* The sandbox's pid 1 once the launcher has done with the id maps: with --userns-block-fd,
 * another process writes them, and says so on that fd. */
int bwrap_maps_ready(const struct config *c, struct failure *f);
/* The sandbox's pid 1 after pivot_root, before the command: locks, --block-fd,
 * --disable-userns and its assertion. */
int bwrap_sandbox_ready(const struct config *c, struct failure *f);
/* The command, last before execve: the raw seccomp programs, in order. */
int bwrap_command_seccomp(const struct config *c, struct failure *f);
/* The command, just before execve: $PWD is the directory it starts in, as bwrap sets it. */
void bwrap_command_env(const struct config *c);

void bwrap_config_free(struct bwrap_config *b);

/* ---- bwrap-cli.c ---- */

enum bwrap_action {
	BWRAP_RUN,
	BWRAP_HELP,
	BWRAP_VERSION,
};

/* bwrap's command line → c (and c->bwrap). Errors carry bwrap's own wording in f->detail
 * (stage "bwrap"). */
int bwrap_parse(int argc, char **argv, struct config *c, enum bwrap_action *ret_action, struct failure *f);
/* What config_finish() does for hutch's front end, with bwrap's defaults. */
int bwrap_finish(struct config *c, char **host_env, struct failure *f);
void bwrap_help(FILE *out, const char *argv0);
