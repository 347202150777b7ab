/* hutch-oci: the OCI runtime command line (runc's: global options, then a subcommand) over
 * hutch's modules, for podman, CRI-O and containerd. The only place that prints an error:
 * "hutch-oci: STAGE: DETAIL" on stderr and, with --log, in the log file (runc's text or JSON
 * lines), exit 1. Launcher side, the caller's own privileges (under an engine: the root of
 * its user namespace); refuses to run setuid. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "front/oci/oci.h"
#include "lib/failure.h"

#define OCI_EXIT_FAILURE 1

static const struct {
	const char *name;
	int (*run)(const struct oci_opts *o, int argc, char **argv, struct failure *f);
	const char *help;
} commands[] = {
	{ "create", oci_cmd_create, "create a container from a bundle; it waits for start" },
	{ "start", oci_cmd_start, "run the created container's process" },
	{ "run", oci_cmd_run, "create and start a container, wait for it unless --detach" },
	{ "state", oci_cmd_state, "the container's state as JSON" },
	{ "kill", oci_cmd_kill, "send a signal (default SIGTERM) to the container" },
	{ "delete", oci_cmd_delete, "remove a stopped container (--force: any)" },
	{ "exec", oci_cmd_exec, "run a further process in a running container" },
	{ "list", oci_cmd_list, "the containers under --root" },
	{ "ps", oci_cmd_ps, "the processes of a container" },
	{ "features", oci_cmd_features, "what this runtime supports, as JSON" },
	{ "pause", oci_cmd_pause, "freeze the container's cgroup (where it has one)" },
	{ "resume", oci_cmd_resume, "thaw the paused container's cgroup" },
	{ "update", oci_cmd_update, "change the resources of the container's cgroup" },
};

void oci_log(const struct oci_opts *o, const char *level, bool to_stderr, const char *fmt, ...)
{
	char msg[1024], when[64];
	struct timespec ts;
	struct tm tm;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_stderr)
		fprintf(stderr, "hutch-oci: %s\n", msg);
	if (!o->log)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	_cleanup_close_ int fd = open(o->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (!o->log_json) {
		dprintf(fd, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
		return;
	}
	/* JSON: the message's quotes, backslashes and control bytes escaped */
	dprintf(fd, "{\"level\":\"%s\",\"msg\":\"", level);
	for (const unsigned char *p = (const unsigned char *)msg; *p; p++)
		if (*p < 0x20)
			dprintf(fd, "\\u%04x", *p);
		else if (*p == '"' || *p == '\\')
			dprintf(fd, "\\%c", *p);
		else
			dprintf(fd, "%c", *p);
	dprintf(fd, "\",\"time\":\"%s\"}\n", when);
}

void oci_log_notes(const struct oci_opts *o, const struct oci_bundle *b)
{
	for (size_t i = 0; b->notes && b->notes[i]; i++)
		oci_log(o, "warning", false, "%s", b->notes[i]);
}

static void usage(FILE *out)
{
	fprintf(out, "usage: hutch-oci [--root DIR] [--log FILE] [--log-format text|json] [--debug]\n"
		     "                 [--systemd-cgroup] COMMAND [OPTIONS] ID\n\ncommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
}

/* --root's default: runc's places, under hutch-oci's name. */
static int default_root(struct oci_opts *o)
{
	const char *rt = getenv("XDG_RUNTIME_DIR");

	if (o->root)
		return 0;
	if (rt && rt[0] == '/')
		return asprintf(&o->root, "%s/hutch-oci", rt) < 0 ? -ENOMEM : 0;
	return (o->root = strdup("/run/hutch-oci")) ? 0 : -ENOMEM;
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_SYSTEMD_CGROUP, OPT_ROOTLESS, OPT_CRIU };

static int set_string(char **where, const char *value)
{
	free(*where);
	return (*where = strdup(value)) ? 0 : -ENOMEM;
}

/* The global options, up to the subcommand; returns its index in argv, 0 for --version or
 * --help (printed here), or -errno. */
static int parse_global(int argc, char **argv, struct oci_opts *o, struct failure *f)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, OPT_ROOT },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "debug", no_argument, NULL, 'D' },
		{ "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD_CGROUP },
		{ "rootless", required_argument, NULL, OPT_ROOTLESS },
		{ "criu", required_argument, NULL, OPT_CRIU },
		{ "version", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, r = 0;

	opterr = 0;
	while (r == 0 && (ch = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (ch) {
		case OPT_ROOT:
			r = set_string(&o->root, optarg);
			break;
		case OPT_LOG:
			r = set_string(&o->log, optarg);
			break;
		case OPT_LOG_FORMAT:
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
				return failx(f, "hutch-oci", "--log-format %s: text or json", optarg);
			o->log_json = optarg[0] == 'j';
			break;
		case 'D':
			o->debug = true;
			break;
		case OPT_SYSTEMD_CGROUP:
			o->systemd_cgroup = true;
			break;
		case OPT_ROOTLESS:
		case OPT_CRIU:
			break; /* hutch is always rootless; no checkpoints */
		case 'v':
			printf("hutch-oci version %s\nspec: 1.2.0\n", HUTCH_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return failx(f, "hutch-oci", "unknown global option %s", argv[optind - 1]);
		}
	}
	if (r < 0)
		return fail(f, r, "hutch-oci", NULL);
	if (optind >= argc)
		return failx(f, "hutch-oci", "no command given (hutch-oci --help lists them)");
	return (r = default_root(o)) < 0 ? fail(f, r, "hutch-oci", NULL) : optind;
}

static int refuse_setuid(struct failure *f)
{
	if (geteuid() != getuid() || getegid() != getgid())
		return failx(f, "hutch-oci",
			     "hutch-oci is not meant to be setuid or setgid: refusing to run");
	return 0;
}

int main(int argc, char **argv)
{
	extern char **environ;
	struct oci_opts o = { .env = environ };
	struct failure f = { 0 };
	char msg[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];
	int r = refuse_setuid(&f), status = OCI_EXIT_FAILURE;
	size_t i = ARRAY_SIZE(commands);

	if (r == 0)
		r = parse_global(argc, argv, &o, &f);
	if (r > 0) {
		for (i = 0; i < ARRAY_SIZE(commands) && strcmp(commands[i].name, argv[r]) != 0; i++)
			;
		if (i == ARRAY_SIZE(commands))
			r = failx(&f, "hutch-oci", "unknown command %s", argv[r]);
		else
			r = commands[i].run(&o, argc - r, argv + r, &f);
	}
	if (r < 0) {
		failure_format(&f, msg, sizeof(msg));
		oci_log(&o, "error", true, "%s", msg);
	} else
		status = r;
	free(o.root);
	free(o.log);
	return status;
}
