/* hutch: command line and profile → config → launcher → exit code, or a subcommand. The only
 * place that prints a fatal error. Launcher side, the caller's own privileges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd/cmd-profile.h"
#include "config.h"
#include "failure.h"
#include "launcher.h"
#include "log.h"
#include "profile.h"

static int report(const struct failure *f, int code)
{
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	failure_format(f, line, sizeof(line));
	fprintf(stderr, "hutch: %s\n", line);
	return code;
}

/* A profile's error is "file:line:col: message" on its own, as compilers print theirs, so that
 * editors jump to it. */
static int report_profile(const struct profile *p, const struct failure *f)
{
	const struct profile_diag *d = profile_first_error(p);

	if (!d)
		return report(f, EXIT_LAUNCHER);
	fprintf(stderr, "%s: %s\n", d->where, d->msg);
	return EXIT_LAUNCHER;
}

/* The profile goes in first, so that the command line, parsed after it, has the last word. */
static int apply_profile(const struct config *cmdline, struct config *c, char **host_env, struct profile *p,
			 struct failure *f)
{
	struct profile_env e;
	_cleanup_free_ char *path = NULL;
	int r;

	if (cmdline->noprofile && cmdline->profile)
		return failx(f, "usage", "--profile and --noprofile contradict each other");
	if (cmdline->noprofile || !cmdline->argv) {
		log_verbose(cmdline->verbose, "profile: none");
		return 0;
	}
	if ((r = profile_env_init(&e, host_env, f)) < 0)
		return r;
	r = profile_select(&e, cmdline->profile, cmdline->argv[0], &path, f);
	log_verbose(cmdline->verbose, "profile: %s", path ? path : "none found");
	if (r == 0 && path)
		r = profile_load(&e, path, 0, p, f);
	if (r == 0)
		r = profile_apply(p, c, 0, f);
	for (size_t i = 0; r == 0 && i < p->n_diags; i++)
		log_verbose(cmdline->verbose, "%s: warning: %s", p->diags[i].where, p->diags[i].msg);
	profile_env_free(&e);
	return r;
}

static int run(int argc, char **argv, const struct config *cmdline, char **host_env)
{
	struct config c;
	struct profile p = { 0 };
	struct failure f = { 0 };
	enum cli_action action;
	int status = EXIT_LAUNCHER, r;

	config_init(&c);
	r = apply_profile(cmdline, &c, host_env, &p, &f);
	if (r < 0) {
		status = report_profile(&p, &f);
		goto out;
	}
	r = cli_parse(argc, argv, &c, &action, &f);
	if (r == 0)
		r = config_finish(&c, host_env, &f);
	if (r == 0)
		r = launcher_run(&c, &status, &f);
	if (r < 0)
		status = report(&f, EXIT_LAUNCHER);
	else if (f.stage[0])
		report(&f, status);
out:
	profile_free(&p);
	config_free(&c);
	return status;
}

int main(int argc, char **argv)
{
	extern char **environ;
	struct config cmdline;
	struct failure f = { 0 };
	enum cli_action action = CLI_RUN;
	int status = 0, r;

	/* Only as the first word: `hutch -- profile` runs a program of that name. */
	if (argc > 1 && strcmp(argv[1], "profile") == 0)
		return cmd_profile(argc - 1, argv + 1, environ);
	/* A first pass only to learn the command, --profile and --noprofile. */
	config_init(&cmdline);
	r = cli_parse(argc, argv, &cmdline, &action, &f);
	if (r < 0)
		status = report(&f, EXIT_LAUNCHER);
	else if (action == CLI_HELP)
		cli_help(stdout, "hutch");
	else if (action == CLI_DUMP_OPTIONS)
		cli_dump_options(stdout);
	else if (action == CLI_VERSION)
		printf("hutch %s\n", HUTCH_VERSION);
	else
		status = run(argc, argv, &cmdline, environ);
	config_free(&cmdline);
	return status;
}
