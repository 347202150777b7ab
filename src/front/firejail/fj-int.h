/* Shared between the translator's files: the reader's and the mapper's state. Launcher side. */
#pragma once

#include "front/firejail/firejail.h"

#define FJ_MAX_DEPTH 16
#define FJ_MAX_LINE  4096

/* Where a line came from, and the line itself (condition and leading blanks removed). */
struct fj_src {
	const char *file;
	unsigned line;
	const char *text;
};

struct fj_state {
	const struct profile_env *env;
	char **host_env;
	struct fj_result *res;
	char **search;	   /* where includes are looked up, after the including file's directory */
	char **stack;	   /* the include chain, for loops */
	char **ignores;	   /* `ignore` prefixes seen so far */
	char **user_dirs;  /* DESKTOP=..., DOCUMENTS=..., from user-dirs.dirs */
	char **noblack;	   /* noblacklist patterns so far (expanded) */
	char **nowhite;	   /* nowhitelist patterns so far (expanded) */
	char **home_white; /* paths under $HOME made visible */
	char **read_only;  /* read-only paths, settled at the end against what is visible */
	char **tmpfs_dirs; /* /usr/share, /opt...: made a tmpfs showing only some entries */
	bool net_none, no_sound, no_3d, no_x11, no_video, private_home, has_protocol, protocol_inet;
};

/* fj-out.c */
int fj_emit(struct fj_state *s, const char *directive, const char *arg);
int fj_note(struct fj_state *s, const struct fj_src *src, enum fj_note_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int fj_error(struct fj_state *s, const struct fj_src *src, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* fj-macro.c: ${HOME} and friends; ${PATH} gives one word per bin directory. */
int fj_expand(const struct fj_state *s, const char *in, char ***ret, const char **ret_bad);
int fj_user_dirs(struct fj_state *s);
bool fj_has_glob(const char *s);

/* fj-map.c */
int fj_map_line(struct fj_state *s, const struct fj_src *src);
int fj_map_finish(struct fj_state *s);

/* fj-read.c */
int fj_read_file(struct fj_state *s, const char *path, const struct fj_src *from);
