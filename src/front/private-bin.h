/* --private-bin PROG,... (and the profile directive): the host's program directories show only
 * the named programs, as firejail's private-bin does. Launcher side, no privileges: the names
 * are resolved on the host when the config is finished, and the plan part is pure. */
#pragma once

struct config;
struct failure;
struct mountplan;

/* What the names resolved to, derived by private_bin_finish(). */
struct private_bin_set {
	char **dirs;  /* the host's program directories (real paths), each an empty tmpfs */
	char **files; /* pairs: NAME, the host file bound read-only at DIR/NAME */
	char **links; /* pairs: NAME, the absolute target of the symlink made at DIR/NAME */
};

int private_bin_opt(struct config *c, const char *arg, struct failure *f);

/* config_finish(): look the names up in the host's program directories. */
int private_bin_finish(struct config *c, struct failure *f);

/* The plan's part, after the host's system directories: each directory a tmpfs holding the
 * named programs, then read-only. Nothing without --private-bin. */
int private_bin_plan(const struct config *c, struct mountplan *p);

void private_bin_free(struct private_bin_set *s);
