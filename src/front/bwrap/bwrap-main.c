/* hutch-bwrap: bubblewrap's command line → the same config, plan and launcher as hutch.
 * The binary, not its name, chooses this front end (programs re-exec it through
 * /proc/self/exe). The only place that prints: errors in bwrap's words ("bwrap: ..."),
 * exit 1 for a setup error, else the command's status. Launcher side, the caller's own
 * privileges; it refuses to run setuid or setgid. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "front/bwrap/bwrap.h"
#include "front/config.h"
#include "lib/escape.h"
#include "lib/failure.h"
#include "launcher/launcher.h"
#include "lib/strv.h"

#define BWRAP_EXIT_SETUP 1

/* A failing step's {stage, detail, errno} in bwrap's words: the prefix, then the detail. */
static const struct {
	const char *stage;
	const char *prefix;
} messages[] = {
	{ "bind", "Can't find source path " },
	{ "clone", "Creating new namespace failed: " },
	{ "userns2", "Setting userns2 failed" },
	{ "chdir", "Can't chdir to " },
	{ "exec", "execvp " },
	{ "symlink", "Can't make symlink at " },
	{ "dir", "Can't mkdir " },
	{ "file", "Can't create file at " },
	{ "chmod", "Can't chmod " },
	{ "data", "Can't write data to file " },
	{ "tmpfs", "Can't mount tmpfs on /newroot" },
	{ "mqueue", "Can't mount mqueue on /newroot" },
	{ "proc", "Can't mount proc on /newroot" },
	{ "dev", "Can't mount devpts on " },
	{ "remount-ro", "Can't remount readonly on /newroot" },
	{ "overlay", "Can't make overlay mount on " },
	{ "bind-fd", "Can't bind mount fd " },
	{ "lock-file", "Unable to open lock file " },
	{ "hostname", "Can't set hostname to " },
	{ "--info-fd", "Can't write to --info-fd " },
	{ "--json-status-fd", "Can't write to --json-status-fd " },
	{ "seccomp", "Can't install seccomp " },
	{ "disable-userns", "Failed to disable user namespaces: " },
};

static void report(const struct bwrap_config *b, const struct failure *f)
{
	const char *prefix = NULL;
	bool own = strcmp(f->stage, "bwrap") == 0 || strcmp(f->stage, "assert-userns-disabled") == 0;

	for (size_t i = 0; i < ARRAY_SIZE(messages); i++)
		if (strcmp(f->stage, messages[i].stage) == 0)
			prefix = messages[i].prefix;
	/* joining the namespaces of --userns and --pidns: bwrap's two messages, no detail */
	if (strcmp(f->stage, "setns") == 0 && f->detail[0] == 'u' && f->err == EINVAL) {
		fprintf(stderr,
			"%sbwrap: Joining the specified user namespace failed, it might not be a "
			"descendant of the current user namespace.\n",
			b->level_prefix ? "<3>" : "");
		return;
	}
	if (strcmp(f->stage, "setns") == 0) {
		fprintf(stderr, "%sbwrap: %s: %s\n", b->level_prefix ? "<3>" : "",
			f->detail[0] == 'u' ? "Joining specified user namespace failed"
					    : "Setting pidns failed",
			strerror(f->err));
		return;
	}
	fprintf(stderr, "%sbwrap: ", b->level_prefix ? "<3>" : "");
	if (prefix)
		fputs(prefix, stderr);
	else if (!own)
		fprintf(stderr, "%s%s", f->stage, f->detail[0] ? ": " : "");
	escape_fputs(f->detail, stderr);
	if (f->err)
		fprintf(stderr, ": %s", strerror(f->err));
	fputc('\n', stderr);
}

/* bwrap's non-setuid build: never with another identity than the caller's. */
static int refuse_setuid(struct failure *f)
{
	if (geteuid() != getuid() || getegid() != getgid())
		return failx(f, "bwrap", "hutch-bwrap is not meant to be setuid or setgid: refusing to run");
	return 0;
}

static int prepare(const struct bwrap_config *b, struct failure *f)
{
	if (b->die_with_parent && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail(f, negative_errno(), "bwrap", "prctl(PR_SET_PDEATHSIG)");
	return 0;
}

int main(int argc, char **argv)
{
	extern char **environ;
	struct config c;
	struct bwrap_config b = { .sync_fd = -1 };
	struct failure f = { 0 };
	struct launch_report rep = { 0 };
	enum bwrap_action action = BWRAP_RUN;
	int status = BWRAP_EXIT_SETUP, r;

	config_init(&c);
	r = refuse_setuid(&f);
	if (r == 0)
		r = bwrap_parse(argc, argv, &c, &b, &action, &f);
	if (b.chdir_repeated)
		fprintf(stderr, "%sbwrap: Only the last --chdir option will take effect\n",
			b.level_prefix ? "<4>" : "");
	if (r == 0 && action == BWRAP_RUN && strv_length(c.argv) == 0) {
		/* no command: the usage, as bwrap does it */
		bwrap_help(stderr, argv[0]);
	} else if (r == 0 && action == BWRAP_HELP) {
		bwrap_help(stdout, argv[0]);
		status = 0;
	} else if (r == 0 && action == BWRAP_VERSION) {
		printf("bubblewrap 0.11.0 (hutch-bwrap %s)\n", HUTCH_VERSION);
		status = 0;
	} else {
		if (r == 0)
			r = bwrap_fill(&c, &b, environ, &f);
		if (r == 0)
			r = config_finish(&c, environ, &f);
		if (r == 0)
			r = prepare(&b, &f);
		if (r == 0)
			r = launcher_run(&c, &rep, &f);
		if (r < 0)
			report(&b, &f);
		else if (f.stage[0]) {
			/* the command could not be started: bwrap says so and exits 1 */
			report(&b, &f);
			status = strcmp(f.stage, "exec") == 0 ? BWRAP_EXIT_SETUP : rep.status;
		} else
			status = rep.status;
	}
	config_free(&c);
	return status;
}
