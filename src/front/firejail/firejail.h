/* firejail's profiles read as hutch's own (see hutch-firejail(5)): a translator from firejail's
 * profile language to hutch's directives, not a second engine. The result is hutch profile
 * text that the profile loader (profile.c) reads and applies to struct config like any other
 * profile, plus a note for each firejail line that was approximated, dropped, or has no
 * counterpart as strong as firejail's. Launcher side, the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/strbuf.h"
#include "front/profile/profile.h"

#define FJ_SYSTEM_DIR "/etc/firejail"

enum fj_note_kind {
	FJ_APPROX,  /* translated to something close, no weaker (or only narrower) */
	FJ_DROPPED, /* no counterpart, and hutch's default already covers it or is stricter */
	FJ_WEAKER,  /* no counterpart: the sandbox is weaker than firejail's on this point */
};

struct fj_note {
	enum fj_note_kind kind;
	char *where; /* "file:line" */
	char *line;  /* the firejail line as written */
	char *why;
};

struct fj_result {
	struct strbuf out; /* the hutch profile */
	struct fj_note *notes;
	size_t n_notes;
	char **files;	/* each firejail file read */
	size_t n_lines; /* directive lines that applied (after ignore and conditions) */
	size_t n_kind[3];
	char *error; /* the first bad line: "file:line: directive: why" */
};

/* NAME.profile in ~/.config/firejail, then /etc/firejail ($HUTCH_FIREJAIL_PATH, a colon list,
 * stands in for both: tests and other layouts). -ENOENT when none. */
int fj_find(const struct profile_env *e, char **host_env, const char *name, char **ret_path);

/* Read path with its includes and translate it. -EINVAL with r->error on a bad line. */
int fj_translate(const struct profile_env *e, char **host_env, const char *path, struct fj_result *r);
void fj_result_free(struct fj_result *r);

/* The translation as a hutch profile loaded into p, under the firejail file's name. */
int fj_load(const struct profile_env *e, const struct fj_result *r, const char *path, struct profile *p,
	    struct failure *f);

/* The notes as comment lines ("# approximated (FILE:LINE) LINE: why"), for import and show. */
void fj_write_notes(const struct fj_result *r, FILE *out);
const char *fj_kind_name(enum fj_note_kind k);

/* The setting: `firejail-profiles MODE` in $XDG_CONFIG_HOME/hutch/hutch.conf, else
 * /etc/hutch/hutch.conf; strict when neither says. A bad line is an error naming it. */
int fj_setting(const struct profile_env *e, enum fj_mode *ret, struct failure *f);

/* "strict", "lenient", "off"; -EINVAL otherwise. */
int fj_mode_parse(const char *s, enum fj_mode *ret);

/* The firejail profile a run uses, or *ret_path NULL: --firejail-profile's, else (unless off,
 * --profile, --noprofile, or a hutch profile for the command) NAME.profile in firejail's
 * directories. *ret_mode: the command line's --firejail-profiles, else the setting. */
int fj_choose(const struct profile_env *e, char **host_env, const struct config *cmdline,
	      enum fj_mode *ret_mode, char **ret_path, struct failure *f);

/* Translate path and apply it to c (p keeps the loaded profile). 0 when applied; 1 in lenient
 * mode when it could not be (f says why: the caller warns and goes on with hutch's default);
 * else -errno with f filled. */
int fj_apply(const struct profile_env *e, char **host_env, bool verbose, enum fj_mode mode, const char *path,
	     struct config *c, struct profile *p, struct failure *f);
