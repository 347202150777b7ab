/* hutch: command line and profile → config → launcher → exit code, or a subcommand. The only
 * place that prints a fatal error. Launcher side, the caller's own privileges. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/cli.h"
#include "cmd/cmd-profile.h"
#include "cmd/cmd.h"
#include "front/config.h"
#include "launcher/desktop/desktop.h"
#include "lib/escape.h"
#include "lib/failure.h"
#include "front/firejail/firejail.h"
#include "launcher/launcher.h"
#include "lib/log.h"
#include "front/profile/profile.h"
#include "launcher/report.h"
#include "launcher/limits/stats.h"
#include "lib/strv.h"

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv, char **env);
} subcommands[] = {
	{ "profile", cmd_profile }, { "list", cmd_list },	{ "join", cmd_join },
	{ "stop", cmd_stop },	    { "desktop", cmd_desktop }, { "doctor", cmd_doctor },
	{ "learn", cmd_learn },	    { "changes", cmd_changes }, { "apply", cmd_apply },
	{ "discard", cmd_discard },
};

static int report(const struct failure *f, int code)
{
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	failure_format(f, line, sizeof(line));
	fprintf(stderr, "hutch: %s\n", ESC(line));
	return code;
}

/* A profile's error is "file:line:col: message" on its own, as compilers print theirs, so that
 * editors jump to it. */
static int report_profile(const struct profile *p, const struct failure *f)
{
	const struct profile_diag *d = profile_first_error(p);

	if (!d)
		return report(f, EXIT_LAUNCHER);
	fprintf(stderr, "%s: %s\n", ESC(d->where), ESC(d->msg));
	return EXIT_LAUNCHER;
}

/* firejail's profile for the command when hutch has none (src/front/firejail): 1 when applied, 0 to
 * go on with hutch's own choice (*fallback: hutch's default, after a bad one in lenient mode). */
static int apply_firejail(const struct config *cmdline, struct config *c, char **host_env,
			  const struct profile_env *e, struct profile *p, bool *fallback, struct failure *f)
{
	_cleanup_free_ char *path = NULL;
	enum fj_mode mode;
	int r = fj_choose(e, host_env, cmdline, &mode, &path, f);

	if (r < 0 || !path)
		return r;
	r = fj_apply(e, host_env, cmdline->verbose, mode, path, c, p, f);
	if (r == 1) {
		report(f, 0);
		fputs("hutch: --firejail-profiles=lenient: hutch's default profile instead\n", stderr);
		*fallback = true;
		return 0;
	}
	return r < 0 ? r : 1;
}

/* The profile goes in first, so that the command line, parsed after it, has the last word. */
static int apply_profile(const struct config *cmdline, struct config *c, char **host_env, struct profile *p,
			 struct failure *f)
{
	struct profile_env e;
	_cleanup_free_ char *path = NULL;
	bool fallback = false;
	int r;

	if (cmdline->noprofile && cmdline->profile)
		return failx(f, "usage", "--profile and --noprofile contradict each other");
	if (cmdline->noprofile || !cmdline->argv) {
		log_verbose(cmdline->verbose, "profile: none");
		return 0;
	}
	if ((r = profile_env_init(&e, host_env, f)) < 0)
		return r;
	/* the caller's login name, which the profiles' environment read from the passwd entry:
	 * config_finish needs it too, and reads the entry only when this is missing */
	if (!c->user && !(c->user = strdup(e.user))) {
		profile_env_free(&e);
		return fail(f, -ENOMEM, "profile", NULL);
	}
	for (size_t i = 0; i < e.n_dirs; i++)
		if (e.dirs[i].kind == PROFILE_DIR_SHIPPED)
			log_verbose(cmdline->verbose, "profile: shipped profiles from %s%s", e.dirs[i].path,
				    e.uninstalled ? " (this binary runs from its build directory)" : "");
	r = apply_firejail(cmdline, c, host_env, &e, p, &fallback, f);
	if (r != 0) {
		profile_env_free(&e);
		return r > 0 ? 0 : r;
	}
	r = profile_select(&e, cmdline->profile, fallback ? "default" : cmdline->argv[0], &path, f);
	log_verbose(cmdline->verbose, "profile: %s", path ? path : "none found");
	if (r == 0 && path)
		r = profile_load(&e, path, 0, p, f);
	if (r == 0 && path && !(c->profile_path = strdup(path)))
		r = -ENOMEM;
	if (r == 0)
		r = profile_apply(p, c, 0, f);
	for (size_t i = 0; r == 0 && i < p->n_diags; i++)
		log_verbose(cmdline->verbose, "%s: warning: %s", p->diags[i].where, p->diags[i].msg);
	profile_env_free(&e);
	return r;
}

/* The out-of-memory kill, the time limit that ended the sandbox, and --stats. */
static void report_limits(const struct config *c, const struct launch_report *rep, int *status)
{
	const struct cgroup_report *cg = &rep->cgroup;
	char line[512];

	if (cg->oom_killed) {
		char max[32];

		stats_size_text(cg->memory_max, max, sizeof(max));
		fprintf(stderr, "hutch: command killed by the kernel out-of-memory killer (memory.max=%s)\n",
			max);
		*status = 137;
	}
	if (rep->time_limit && strcmp(rep->time_limit, "--cpu-time") == 0)
		fprintf(stderr, "hutch: --cpu-time: the sandbox used its %.3g s of CPU time and was ended\n",
			(double)c->limits.cpu_time_usec / 1e6);
	else if (rep->time_limit)
		fprintf(stderr, "hutch: --timeout: the sandbox ran for %.3g s and was ended\n",
			(double)c->rlimits.timeout_usec / 1e6);
	stats_format(c, rep, line, sizeof(line));
	if (line[0] && c->stats_json)
		fprintf(stderr, "%s\n", line);
	else if (line[0])
		fprintf(stderr, "hutch: %s\n", line);
}

static int run(int argc, char **argv, const struct config *cmdline, char **host_env)
{
	struct config c;
	struct profile p = { 0 };
	struct failure f = { 0 };
	enum cli_action action;
	struct launch_report rep = { 0 };
	int status = EXIT_LAUNCHER, r;

	config_init(&c);
	r = apply_profile(cmdline, &c, host_env, &p, &f);
	if (r < 0) {
		status = report_profile(&p, &f);
		goto out;
	}
	r = desktop_cmdline_begin(&c);
	if (r == 0)
		r = cli_parse(argc, argv, &c, &action, &f);
	if (r == 0)
		r = profile_report_origins(&c, &p, &f);
	if (r == 0)
		r = strv_extend_n(&c.launch_argv, argv, (size_t)argc);
	if (r == 0)
		r = config_finish(&c, host_env, &f);
	if (r == 0)
		r = launcher_run(&c, &rep, &f);
	if (r < 0)
		status = report(&f, EXIT_LAUNCHER);
	else {
		status = rep.status;
		if (f.stage[0])
			report(&f, status);
		report_limits(&c, &rep, &status);
		if (rep.workspace_pending[0])
			fprintf(stderr,
				"hutch: workspace %s holds changes: review them with hutch changes %s\n",
				ESC(rep.workspace_pending), ESC(rep.workspace_pending));
	}
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
	for (size_t i = 0; argc > 1 && i < ARRAY_SIZE(subcommands); i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1, environ);
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
