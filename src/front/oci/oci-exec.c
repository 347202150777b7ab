/* hutch-oci exec: a further process in a running container. The process config is the
 * container's config.json with its process replaced (by --process FILE, or by the arguments
 * and --cwd/--env/--tty), so that the container's seccomp filter, capabilities and rlimits
 * hold for it too. The joiner enters, through the pidfd of the container's process (the
 * sandbox's pid 1), first the namespaces its user namespace does not own (joined by path or
 * made by the runtime: a joined network namespace), then its user namespace and the rest, as
 * their owner; it forks the command into the
 * sandbox's pid namespace and waits for it. The command takes command.c's steps (fd sweep,
 * lock-down, seccomp last) and execs; a failure before execve comes back on a CLOEXEC pipe.
 * With --detach the joiner is a child that outlives `exec` (its pid goes to --pid-file, for
 * the engine's subreaper to wait on). Launcher side, the caller's privileges; the joiner and
 * the command run with the sandbox's user namespace's capabilities until the lock-down. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command/command.h"
#include "front/config.h"
#include "front/oci/oci-console.h"
#include "front/oci/oci.h"
#include "launcher/supervise.h"
#include "lib/failure.h"
#include "lib/json-read.h"
#include "lib/macro.h"
#include "lib/strv.h"
#include "lib/sync.h"

struct exec_args {
	const char *id;
	const char *process;
	const char *console_socket;
	const char *pid_file;
	const char *cwd;
	const char *user; /* --user UID[:GID] */
	char **env;
	char **argv;
	unsigned preserve_fds;
	bool detach, tty;
	bool no_new_privs; /* --no-new-privs: set whatever the process asks */
};

static int parse_exec(int argc, char **argv, struct exec_args *a, struct failure *f)
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ "detach", no_argument, NULL, 'd' },
		{ "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "pid-file", required_argument, NULL, 'P' },
		{ "cwd", required_argument, NULL, 'w' },
		{ "env", required_argument, NULL, 'e' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "no-new-privs", no_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+p:dte:u:", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			a->process = optarg;
			break;
		case 'd':
			a->detach = true;
			break;
		case 't':
			a->tty = true;
			break;
		case 'c':
			a->console_socket = optarg;
			break;
		case 'P':
			a->pid_file = optarg;
			break;
		case 'w':
			a->cwd = optarg;
			break;
		case 'u':
			a->user = optarg;
			break;
		case 'n':
			a->no_new_privs = true;
			break;
		case 'e':
			if (!strchr(optarg, '=') || strv_extend(&a->env, optarg) < 0)
				return failx(f, "exec", "--env %s: NAME=VALUE", optarg);
			break;
		case 'f':
			a->preserve_fds = (unsigned)atoi(optarg);
			break;
		default:
			return failx(f, "exec", "unknown or unsupported option %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return failx(f, "exec", "needs a container id");
	a->id = argv[optind];
	a->argv = argv + optind + 1;
	if (!a->process && !a->argv[0])
		return failx(f, "exec", "needs --process or a command");
	return 0;
}

/* --user UID[:GID]: numeric ids, as runc takes them. */
static int exec_user(const char *spec, struct config *c, struct failure *f)
{
	char *end;
	unsigned long uid = strtoul(spec, &end, 10), gid = 0;

	if (end == spec || (*end && *end != ':'))
		return failx(f, "exec", "--user %s: UID[:GID], numeric", spec);
	if (*end == ':') {
		char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (end == g || *end)
			return failx(f, "exec", "--user %s: UID[:GID], numeric", spec);
	}
	c->uid = (uid_t)uid;
	c->gid = (gid_t)gid;
	c->set_ids = true;
	free(c->groups);
	c->groups = NULL;
	c->n_groups = 0;
	if (uid != 0)
		c->cap_add = 0; /* podman's non-root user holds none either (no ambient set) */
	return 0;
}

/* The process of the exec: --process's JSON, or the container's with the arguments. */
static int exec_process(const struct exec_args *a, struct config *c, struct oci_bundle *b, struct failure *f)
{
	struct json_value *p = NULL;
	int r;

	if (a->process) {
		if ((r = oci_spec_read(a->process, &p, f)) == 0)
			r = p->type == JSON_OBJECT ? oci_spec_process(p, c, b, f)
						   : failx(f, "exec", "%s: not a JSON object", a->process);
		json_free(p);
		if (r < 0)
			return r;
		c->new_session = b->terminal ? TRI_NO : TRI_YES;
		c->keep_new_privs &= !a->no_new_privs;
		return 0;
	}
	c->keep_new_privs &= !a->no_new_privs;
	strv_free(c->argv);
	c->argv = NULL;
	if (strv_extend_n(&c->argv, a->argv, strv_length(a->argv)) < 0 ||
	    (a->env && strv_extend_n(&c->env, a->env, strv_length(a->env)) < 0) ||
	    (a->cwd && (free(c->chdir), !(c->chdir = strdup(a->cwd)))))
		return fail(f, -ENOMEM, "exec", NULL);
	b->terminal = a->tty;
	c->new_session = a->tty ? TRI_NO : TRI_YES;
	return a->user ? exec_user(a->user, c, f) : 0;
}

static const struct {
	const char *name;
	int flag;
} ns_types[] = { { "user", CLONE_NEWUSER },    { "mnt", CLONE_NEWNS },	{ "pid", CLONE_NEWPID },
		 { "net", CLONE_NEWNET },      { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
		 { "cgroup", CLONE_NEWCGROUP } };

static bool same_ns(pid_t a, pid_t b, const char *name)
{
	char pa[64], pb[64];
	struct stat sa, sb;

	snprintf(pa, sizeof(pa), "/proc/%d/ns/%s", (int)a, name);
	snprintf(pb, sizeof(pb), "/proc/%d/ns/%s", (int)b, name);
	return stat(pa, &sa) == 0 && stat(pb, &sb) == 0 && sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

/* Whether pid's namespace of that name is owned by its user namespace (made by the sandbox)
 * rather than by another (the runtime's, whose capabilities we hold until we enter pid's). */
static bool owned_inside(pid_t pid, const char *name)
{
	char path[64];
	struct stat user, owner;
	_cleanup_close_ int fd = -1, ufd = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (ufd = ioctl(fd, NS_GET_USERNS)) < 0)
		return true; /* (then entered as the sandbox's: what the kernel allows us there) */
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	return stat(path, &user) < 0 || fstat(ufd, &owner) < 0 ||
	       (user.st_ino == owner.st_ino && user.st_dev == owner.st_dev);
}

/* Every namespace of pid 1 that is not ours: first those its user namespace does not own
 * (entered while we hold the capabilities of the runtime's), then its user namespace and the
 * rest, which setns with a pidfd enters user namespace first. */
static int join(pid_t pid1, int pid1_fd, struct failure *f)
{
	/* (also oci_exec_join's, for the hooks that run in the container) */
	int outer = 0, inner = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns_types); i++) {
		if (same_ns(pid1, getpid(), ns_types[i].name))
			continue;
		if (ns_types[i].flag == CLONE_NEWUSER || owned_inside(pid1, ns_types[i].name))
			inner |= ns_types[i].flag;
		else
			outer |= ns_types[i].flag;
	}
	if (outer && setns(pid1_fd, outer) < 0)
		return fail(f, negative_errno(), "exec", "joining the container's namespaces");
	if (inner && setns(pid1_fd, inner) < 0)
		return fail(f, negative_errno(), "exec", "joining the sandbox's namespaces");
	return 0;
}

/* The command: command.c's one runner, with join's steps (tied to this process, the
 * container's fds kept as --preserve-fds says, the container's raw filter); a failure goes to
 * the sync channel as every command's does. */
_noreturn_ static void exec_command(const struct config *c, const struct oci_bundle *b, int sync_fd)
{
	struct command_spec spec = {
		.c = c,
		.steps = command_steps(COMMAND_JOIN, c, true),
		.sync_fd = sync_fd,
		.keep_fds = c->keep_fds,
		.n_keep_fds = c->n_keep_fds,
		.landlock_fd = -1,
	};

	if (b->has_umask)
		umask(b->umask);
	command_run(&spec);
}

/* In the sandbox: the command forked, its exec awaited; its pid, or -errno with f filled by
 * the command's failure. */
static pid_t spawn(const struct config *c, const struct oci_bundle *b, struct failure *f)
{
	int sync[2], r;
	pid_t pid;

	if ((r = sync_pair(sync)) < 0)
		return fail(f, r, "exec", "socketpair");
	pid = fork();
	if (pid == 0) {
		safe_close(sync[0]);
		exec_command(c, b, sync[1]);
	}
	safe_close(sync[1]);
	if (pid < 0) {
		safe_close(sync[0]);
		return fail(f, negative_errno(), "exec", "fork");
	}
	r = supervise_exec(sync[0], NULL, NULL, f);
	safe_close(sync[0]);
	if (r < 0 || f->err) {
		waitpid(pid, NULL, 0);
		return f->err ? -f->err : (r < 0 ? r : -EIO);
	}
	return pid;
}

int oci_exec_join(const struct oci_state *st, struct failure *f)
{
	_cleanup_close_ int pfd = oci_state_pidfd(st);

	if (pfd < 0)
		return failx(f, "hook", "container %s is not running", st->id);
	return join(st->pid, pfd, f);
}

/* The joiner: terminal, namespaces, the command; returns its pid in the sandbox. */
static pid_t joiner(const struct oci_state *st, const struct config *c, const struct oci_bundle *b,
		    const struct exec_args *a, struct failure *f)
{
	_cleanup_close_ int pfd = oci_state_pidfd(st);
	int r;

	if (pfd < 0)
		return failx(f, "exec", "container %s is not running", st->id);
	/* the container's cgroup first: its path is the runtime's mount namespace's */
	if ((r = oci_cgroup_enter(st, f)) < 0 || (r = join(st->pid, pfd, f)) < 0)
		return r;
	return spawn(c, b, f);
}

static int write_pid_file(const char *path, pid_t pid, struct failure *f)
{
	_cleanup_free_ char *tmp = NULL;
	FILE *out;

	if (!path)
		return 0;
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return fail(f, -ENOMEM, "exec", NULL);
	if (!(out = fopen(tmp, "we")) || fprintf(out, "%d", (int)pid) < 0 || fclose(out) != 0 ||
	    rename(tmp, path) < 0)
		return fail(f, negative_errno(), "exec", "--pid-file %s", path);
	return 0;
}

/* The joiner is our child, so that this process never enters the container's namespaces (as
 * `hutch join`'s joiner); its report (a struct failure, empty when the command started) comes
 * on a pipe; then it waits for the command and exits with its status. Attached, it dies with
 * us (and the command with it); with --detach it outlives us. */
static int fork_joiner(const struct oci_state *st, const struct config *c, const struct oci_bundle *b,
		       const struct exec_args *a, pid_t *ret, struct failure *f)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "exec", "pipe");
	if ((pid = fork()) == 0) {
		struct failure jf = { 0 };
		struct failure ignored = { 0 };
		pid_t cmd;
		close(p[0]);
		if (!a->detach && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			_exit(1);
		cmd = joiner(st, c, b, a, &jf);
		(void)!write(p[1], &jf, sizeof(jf));
		close(p[1]);
		_exit(cmd < 0 ? 1 : oci_wait_child(cmd, &ignored));
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return fail(f, negative_errno(), "exec", "fork");
	}
	ssize_t n = read(p[0], f, sizeof(*f));
	close(p[0]);
	if (n != (ssize_t)sizeof(*f) || f->stage[0]) {
		waitpid(pid, NULL, 0);
		return n == (ssize_t)sizeof(*f) ? (f->err ? -f->err : -EIO) : fail(f, -EIO, "exec", "joiner");
	}
	*ret = pid;
	return 0;
}

int oci_cmd_exec(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	struct exec_args a = { 0 };
	struct oci_state st = { 0 };
	struct oci_bundle b = { 0 };
	struct config c;
	int r;

	config_init(&c);
	r = parse_exec(argc, argv, &a, f);
	if (r == 0)
		r = oci_state_read(o, a.id, &st, f);
	if (r == 0 && !st.bundle)
		r = failx(f, "exec", "container %s is not running", a.id);
	if (r == 0 && oci_state_status(o, &st) == OCI_PAUSED)
		r = failx(f, "exec", "container %s is paused: resume it first", a.id);
	if (r == 0)
		r = oci_spec_load(st.bundle, &c, &b, f);
	if (r == 0)
		r = exec_process(&a, &c, &b, f);
	if (r == 0)
		oci_log_notes(o, &b);
	for (unsigned i = 0; r == 0 && i < a.preserve_fds; i++)
		r = (c.keep_fds = realloc(c.keep_fds, (i + 1) * sizeof(int)))
			? (c.keep_fds[c.n_keep_fds++] = 3 + (int)i, 0)
			: fail(f, -ENOMEM, "exec", NULL);
	if (r == 0)
		r = config_finish(&c, o->env, f);
	/* a terminal: opened by the command in the container (command/terminal.c) */
	if (r == 0 && b.terminal && (r = oci_console_connect(a.console_socket, f)) >= 0)
		c.console_fd = r, r = 0;
	pid_t pid = -1;
	if (r == 0)
		r = fork_joiner(&st, &c, &b, &a, &pid, f);
	/* attached, this process stands for the command: its exit status is the command's */
	if (r == 0)
		r = write_pid_file(a.pid_file, a.detach ? pid : getpid(), f);
	if (r == 0 && !a.detach)
		r = oci_wait_child(pid, f);
	strv_free(a.env);
	oci_state_free(&st);
	oci_bundle_free(&b);
	config_free(&c);
	return r;
}
