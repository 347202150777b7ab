/* The command-line front end: one option table feeds parsing, --help, and (later) profile
 * directives, the man-page check and the completions. Launcher side. */
#pragma once

#include <stdio.h>

#include "front/config.h"

enum cli_arg_kind {
	CLI_NOARG,
	CLI_ARG,
};

enum cli_flags {
	CLI_ONLY = 1u << 0,	/* a command-line switch with no profile directive (help, version) */
	CLI_HIDDEN = 1u << 1,	/* not in --help (tool interfaces) */
	CLI_OPTVALUE = 1u << 2, /* a switch that may take =VALUE (directive: one optional word) */
};

struct cli_option {
	const char *name; /* long name without "--"; also the profile directive */
	char short_name;  /* 0 for none */
	enum cli_arg_kind arg;
	const char *metavar;
	const char *values; /* space-separated fixed values, for completion and checks; or NULL */
	const char *help;
	int (*apply)(struct config *c, const char *arg, struct failure *f);
	unsigned flags;
};

extern const struct cli_option cli_options[];
extern const size_t cli_n_options;

enum cli_action {
	CLI_RUN,
	CLI_HELP,
	CLI_VERSION,
	CLI_DUMP_OPTIONS,
};

/* Parse argv into c; the first non-option (or what follows "--") starts the command.
 * Errors name the option. */
int cli_parse(int argc, char **argv, struct config *c, enum cli_action *ret_action, struct failure *f);

/* Look up an option by long name (for profiles). NULL when unknown. */
const struct cli_option *cli_find(const char *name, size_t len);

void cli_help(FILE *out, const char *argv0);

/* The option table as tab-separated lines (name, short, arg, metavar, values, directive, help)
 * for the build's man-page check and the completions: `hutch --dump-options`. */
void cli_dump_options(FILE *out);
