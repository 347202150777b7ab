/* Profile files (see hutch.profile(5)): the lexer, `include`, automatic NAME.local overrides,
 * ${VAR} macros, `ignore`, and the directive table — which is the command line's option table —
 * applied to struct config. Also the choice of a profile for a command, and the writer behind
 * `hutch profile show`. Launcher side, the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "front/cli.h"
#include "front/config.h"
#include "lib/failure.h"

#define PROFILE_MAX_FILE  (1024 * 1024) /* bytes in one file */
#define PROFILE_MAX_LINE  4096		/* bytes in one line, without its newline */
#define PROFILE_MAX_DEPTH 16		/* nested includes below the selected profile */

enum profile_dir_kind {
	PROFILE_DIR_USER,    /* $XDG_CONFIG_HOME/hutch/profiles */
	PROFILE_DIR_SYSTEM,  /* /etc/hutch/profiles */
	PROFILE_DIR_SHIPPED, /* HUTCH_DATADIR/profiles, or the entries of $HUTCH_PROFILE_PATH */
};

struct profile_dir {
	char *path;
	enum profile_dir_kind kind;
};

/* What the macros expand to and where profiles are looked up: taken once from the caller's
 * identity and the environment main() passes in, so nothing later reads a global. */
struct profile_env {
	char *home;
	char *user;
	char *pwd; /* NULL when the current directory is gone: ${PWD} is then an error */
	char *runtime_dir;
	char *config_home;
	char *data_home;
	char *cache_home;
	uid_t uid;
	struct profile_dir *dirs; /* highest precedence first: user, system, shipped */
	size_t n_dirs;
	bool uninstalled; /* the shipped set is the source tree's: this binary runs from its build dir */
};

/* One directive line, its argument with quotes removed and macros filled. */
struct profile_entry {
	const struct cli_option *opt;
	char *arg;	  /* NULL for a directive without argument */
	const char *file; /* one of the profile's files[] */
	unsigned line, col;
	size_t ignored_by; /* 1 + the index of the `ignore` that removes it; 0 when it applies */
};

struct profile_ignore {
	const struct cli_option *opt;
	char *arg; /* NULL: every line of that directive */
	const char *file;
	unsigned line, col;
	size_t matched;
};

enum profile_diag_kind {
	PROFILE_ERROR,
	PROFILE_WARNING,
};

struct profile_diag {
	enum profile_diag_kind kind;
	char *where; /* "file:line:col", or "file" for a whole-file problem */
	char *msg;
};

/* A resolved profile: every file read, every directive in the order it applies. */
struct profile {
	struct profile_entry *entries;
	size_t n_entries;
	struct profile_ignore *ignores;
	size_t n_ignores;
	char **files; /* strv: each file read, in order */
	struct profile_diag *diags;
	size_t n_diags;
	size_t n_errors;
};

enum profile_flags {
	/* Record every error in diags and go on with the next line (profile check); without it,
	 * the first error stops the load. */
	PROFILE_KEEP_GOING = 1u << 0,
};

/* host_env is the launcher's environment (HOME, XDG_*, HUTCH_PROFILE_PATH are read). */
int profile_env_init(struct profile_env *e, char **host_env, struct failure *f);
void profile_env_free(struct profile_env *e);

/* --profile's argument: a NAME (no '/') is NAME.profile in the profile directories, a PATH is
 * that file. A directory, or nothing found, is an error. */
int profile_resolve(const struct profile_env *e, const char *name_or_path, char **ret_path,
		    struct failure *f);

/* The first NAME.profile (or NAME, when it already ends in .profile) in the directories;
 * -ENOENT when there is none. */
int profile_find(const struct profile_env *e, const char *name, char **ret_path);

/* Which profile a run uses: the explicit one, else the one named after the command's
 * basename, else default. *ret_path is NULL when none exists (nothing installed). */
int profile_select(const struct profile_env *e, const char *explicit_profile, const char *command,
		   char **ret_path, struct failure *f);

/* Read path (and its includes, then the NAME.local files) into p, which starts zeroed.
 * On failure f holds the first error (also in p->diags); p keeps what was read. */
int profile_load(const struct profile_env *e, const char *path, unsigned flags, struct profile *p,
		 struct failure *f);

/* The same for a profile held in memory and called name (the fuzzer's entry point). */
int profile_load_buffer(const struct profile_env *e, const char *name, const char *data, size_t len,
			unsigned flags, struct profile *p, struct failure *f);

/* Apply each directive that is not ignored to c, in order; a bad value is an error at its line.
 * Errors are also recorded in p->diags. */
int profile_apply(struct profile *p, struct config *c, unsigned flags, struct failure *f);

/* The resolved profile as directive lines that read back to the same configuration. */
void profile_write(const struct profile *p, FILE *out);

/* The first error's "where: message" (what main() prints), or NULL. */
const struct profile_diag *profile_first_error(const struct profile *p);

/* The name a file stands for: its basename without ".profile". A new string, NULL on ENOMEM. */
char *profile_name_of(const char *path);

void profile_free(struct profile *p);

/* Where each seccomp-deny name and blacklist path of p came from (file:line), for --report's
 * rule field (report.c: report_origin). */
int profile_report_origins(struct config *c, const struct profile *p, struct failure *f);
