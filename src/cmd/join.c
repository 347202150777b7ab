/* `hutch join NAME [--] [CMD [ARGS...]]`: run CMD (default: the user's shell) inside a running
 * sandbox of the caller's, confined as the sandbox's own command is. The joiner checks that
 * the sandbox is the caller's (the record, pid 1's credentials through its pidfd, its
 * parentage and namespaces: state_open_pid1), rebuilds the sandbox's config from the record's
 * hutch argv with the launcher's environment and directory (the same front end as main.c),
 * and starts a short-lived process that enters every namespace of pid 1 with one setns() on
 * its pidfd and creates the command in the pid namespace; the command is command.c's, with a
 * spec of its own (command_run), seccomp last. The joiner is its supervisor (supervise.c): it
 * reads the sync channel until the command's execve, waits, forwards signals, and exits with
 * the command's status.
 * A subcommand: the joiner stays on the host with the caller's privileges; the entering
 * process holds the capabilities of the sandbox's user namespace (as its owner), the command
 * none.
 * Over 600 lines: the joiner, the entering process and the command are one protocol; issue 28 item
 * 2 moves the command runner and the supervisor out of it. */
#include "cmd/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/cli.h"
#include "lib/clone.h"
#include "command/confine.h"
#include "command/command.h"
#include "front/config.h"
#include "lib/escape.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "front/profile/profile.h"
#include "launcher/state.h"
#include "launcher/supervise.h"
#include "lib/sync.h"
#include "lib/strv.h"

#define EXIT_USAGE 2

struct join {
	struct state_record rec;
	struct config c;
	struct bpf_program bpf;
	char **cmd;
	int pid1_fd;
	int cgroup_fd;		 /* cgroup.procs of pid 1's own cgroup, -1 when it has none */
	char cgroup_path[512];	 /* for the warning when joining it fails */
	const char *cgroup_note; /* why the command runs outside the sandbox's cgroup, or NULL */
	char **launcher_env;	 /* the launcher's initial environment */
	bool default_cmd;	 /* no command given: the shell, else /bin/sh */
	char *warning;		 /* from the command process: it runs, but outside the cgroup */
	int exec_status;	 /* the command's status when it could not be started (125-127) */
	int child_fd;		 /* pidfd of the command */
	struct supervisor sup;	 /* the forwarded signals */
};

static void join_free(struct join *j)
{
	state_record_free(&j->rec);
	config_free(&j->c);
	bpf_program_free(&j->bpf);
	safe_close(j->pid1_fd);
	safe_close(j->cgroup_fd);
	safe_close(j->child_fd);
	free(j->warning);
	strv_free(j->launcher_env);
	strv_free(j->cmd);
	supervise_done(&j->sup);
}

static void print_failure(const struct failure *f, const char *prefix)
{
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	failure_format(f, line, sizeof(line));
	fprintf(stderr, "hutch: %s%s\n", prefix, ESC(line));
}

/* ---- the sandbox and its record ------------------------------------------------------------ */

static int join_find(struct join *j, char **env, const char *name, struct failure *f)
{
	_cleanup_close_ int dir_fd = -1;
	int r = state_open(state_runtime_dir(env), false, &dir_fd, f);

	if (r == -ENOENT)
		return failx(f, "sandbox", "no sandbox named %s", name), -ENOENT;
	if (r < 0 || (r = state_read(dir_fd, name, &j->rec, f)) < 0)
		return r;
	if (j->rec.uid != getuid())
		return fail(f, -EPERM, "join", "%s belongs to uid %u, not to you", name,
			    (unsigned)j->rec.uid);
	if (!state_record_alive(&j->rec))
		return failx(f, "join", "%s is not running (its launcher is gone)", name);
	return state_open_pid1(&j->rec, &j->pid1_fd, f);
}

/* Until pid 1 has pivoted into the sandbox's root, its mount namespace still shows the host's
 * root: joining then would give the command the wrong file system. */
static int join_check_ready(const struct join *j, struct failure *f)
{
	char a[64], b[64];
	struct stat sa, sb;

	snprintf(a, sizeof(a), "/proc/%d/root/", (int)j->rec.pid1);
	snprintf(b, sizeof(b), "/proc/%d/root/", (int)j->rec.launcher_pid);
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return fail(f, negative_errno(), "join", "%s: reading the root of pid 1", j->rec.name);
	if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino)
		return failx(f, "join", "%s is still starting; try again", j->rec.name), -EAGAIN;
	return 0;
}

/* ---- the sandbox's config, rebuilt --------------------------------------------------------- */

/* /proc/PID/environ (the environment PID was started with) as a vector. */
static int read_environ(pid_t pid, char ***ret)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, size = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return negative_errno();
	do {
		if (len + 4096 > size) {
			char *nb = size < (1u << 24) ? realloc(buf, size + 65536) : NULL;
			if (!nb)
				return -ENOMEM;
			buf = nb, size += 65536;
		}
		n = read(fd, buf + len, size - len - 1);
		len += n > 0 ? (size_t)n : 0;
	} while (n > 0);
	if (n < 0)
		return negative_errno();
	buf[len] = '\0';
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	for (size_t i = 0; v && i < len; i += strlen(buf + i) + 1)
		if (strv_extend(&v, buf + i) < 0)
			return -ENOMEM;
	*ret = v ? TAKE_PTR(v) : NULL;
	return *ret ? 0 : -ENOMEM;
}

/* The launcher's environment and directory, so that the profile, the paths and the command's
 * environment come out as they did for the sandbox; the joiner's own when they cannot be read. */
static int join_take_launcher_context(struct join *j, char **env)
{
	char path[64];
	pid_t pid = j->rec.launcher_pid;
	_cleanup_close_ int cwd = -1;

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	cwd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (read_environ(pid, &j->launcher_env) < 0)
		j->launcher_env = NULL;
	/* Both were read from the launcher only if it is still the same process. */
	if (!state_record_alive(&j->rec)) {
		strv_free(j->launcher_env);
		j->launcher_env = NULL;
		return -ESRCH;
	}
	if (cwd >= 0 && fchdir(cwd) < 0)
		return negative_errno();
	for (char **e = env; !j->launcher_env && e && *e; e++)
		if (strv_extend(&j->launcher_env, *e) < 0)
			return -ENOMEM;
	return 0;
}

/* The record's hutch argv without what named that one run: --name (its sandbox is running, so
 * validation would refuse it) and the fds of --info-fd and --json-status-fd (the launcher's). */
static int join_argv(char **in, char ***ret)
{
	_cleanup_strv_free_ char **v = NULL;
	size_t i = 1;

	if (!in || !in[0] || strv_extend(&v, in[0]) < 0)
		return -EBADMSG;
	for (; in[i]; i++) {
		const char *a = in[i], *eq = a[1] == '-' ? strchr(a + 2, '=') : NULL;
		if (strcmp(a, "--") == 0 || a[0] != '-' || a[1] == '\0')
			break;
		const struct cli_option *o =
		    a[1] == '-' ? cli_find(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2)) : NULL;
		bool drop = o && (strcmp(o->name, "name") == 0 || strcmp(o->name, "info-fd") == 0 ||
				  strcmp(o->name, "json-status-fd") == 0);
		bool value = o && o->arg == CLI_ARG && !eq && in[i + 1];
		if (!drop && strv_extend(&v, a) < 0)
			return -ENOMEM;
		if (value && (i++, !drop) && strv_extend(&v, in[i]) < 0)
			return -ENOMEM;
	}
	for (; in[i]; i++)
		if (strv_extend(&v, in[i]) < 0)
			return -ENOMEM;
	*ret = TAKE_PTR(v);
	return 0;
}

/* As main.c does it: the profile first, then the command line, which has the last word. */
static int join_apply_profile(const struct config *cmdline, struct config *c, char **env, struct failure *f)
{
	struct profile_env e;
	struct profile p = { 0 };
	_cleanup_free_ char *path = NULL;
	int r;

	if (cmdline->noprofile || !cmdline->argv)
		return 0;
	if ((r = profile_env_init(&e, env, f)) < 0)
		return r;
	r = profile_select(&e, cmdline->profile, cmdline->argv[0], &path, f);
	if (r == 0 && path)
		r = profile_load(&e, path, 0, &p, f);
	if (r == 0 && path)
		r = profile_apply(&p, c, 0, f);
	if (r < 0 && profile_first_error(&p))
		r = failx(f, "profile", "%s: %s", profile_first_error(&p)->where,
			  profile_first_error(&p)->msg);
	profile_free(&p);
	profile_env_free(&e);
	return r;
}

static int join_config(struct join *j, char **env, struct failure *f)
{
	_cleanup_strv_free_ char **argv = NULL;
	struct config cmdline;
	enum cli_action action;
	int r;

	if ((r = join_take_launcher_context(j, env)) < 0)
		return fail(f, r, "join", "%s: reading its launcher's environment", j->rec.name);
	if (join_argv(j->rec.hutch_argv, &argv) < 0)
		return failx(f, "join", "%s: the record holds no hutch command line", j->rec.name);
	int argc = (int)strv_length(argv);
	config_init(&cmdline);
	r = cli_parse(argc, argv, &cmdline, &action, f);
	if (r == 0)
		r = join_apply_profile(&cmdline, &j->c, j->launcher_env, f);
	config_free(&cmdline);
	if (r == 0)
		r = cli_parse(argc, argv, &j->c, &action, f);
	if (r == 0)
		r = config_finish(&j->c, j->launcher_env, f);
	if (r == 0)
		r = seccomp_build_cached(&j->c, &j->bpf, f);
	return r;
}

/* ---- the cgroup (best effort) -------------------------------------------------------------- */

/* The unified hierarchy's path of PID ("0::/PATH"), or "" when there is none. */
static void cgroup_of(pid_t pid, char *buf, size_t size)
{
	char path[64], text[4096];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (n = read(fd, text, sizeof(text) - 1)) <= 0)
		return;
	text[n] = '\0';
	const char *p = strncmp(text, "0::", 3) == 0 ? text : strstr(text, "\n0::");
	if (p) {
		p += (*p == '\n') + 3;
		snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
	}
}

/* A sandbox with limits runs in a leaf cgroup of its own, apart from its launcher's; the
 * command joins it there. The fd is opened now, in the host's cgroup namespace: the kernel
 * checks a write to cgroup.procs against the opener's credentials and namespace (Linux 5.16). */
static void join_cgroup_open(struct join *j)
{
	char launcher[512], path[600];

	cgroup_of(j->rec.pid1, j->cgroup_path, sizeof(j->cgroup_path));
	cgroup_of(j->rec.launcher_pid, launcher, sizeof(launcher));
	if (!j->cgroup_path[0] || strcmp(j->cgroup_path, launcher) == 0)
		return; /* no cgroup of its own: nothing to join */
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/cgroup.procs", j->cgroup_path);
	j->cgroup_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (j->cgroup_fd < 0)
		j->cgroup_note = strerror(errno);
}

/* ---- the command process ------------------------------------------------------------------- */

/* The cgroup first (a failure there is a warning: the command goes on), then command.c's
 * steps, every one of them: nothing of the joiner's beyond stdin, stdout and stderr reaches
 * the command (no keep list). */
_noreturn_ static void join_command(const struct join *j, int sync_fd)
{
	struct command_spec spec = {
		.c = &j->c,
		.steps = command_steps(COMMAND_JOIN, &j->c, true),
		.sync_fd = sync_fd,
		.argv = j->cmd,
		.shell_fallback = j->default_cmd,
		.landlock_fd = -1,
		.bpf = &j->bpf,
	};
	struct failure f = { 0 };
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];

	if (j->cgroup_fd >= 0 && write(j->cgroup_fd, "0", 1) < 0) {
		fail(&f, negative_errno(), "cgroup", "%s", j->cgroup_path);
		failure_format(&f, line, sizeof(line));
		sync_send(sync_fd, SYNC_INFO, 0, line, strlen(line) + 1, NULL, 0);
	}
	command_run(&spec);
}

/* ---- entering ------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int flag;
} ns_flags[] = {
	{ "user", CLONE_NEWUSER },     { "mnt", CLONE_NEWNS },	{ "pid", CLONE_NEWPID },
	{ "ipc", CLONE_NEWIPC },       { "uts", CLONE_NEWUTS }, { "net", CLONE_NEWNET },
	{ "cgroup", CLONE_NEWCGROUP },
};

/* Every namespace of pid 1 that is not ours already (a --share-* one is the host's). */
static int join_setns(const struct join *j, struct failure *f)
{
	char a[64], b[64], la[64], lb[64];
	int flags = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ns_flags); i++) {
		snprintf(a, sizeof(a), "/proc/self/ns/%s", ns_flags[i].name);
		snprintf(b, sizeof(b), "/proc/%d/ns/%s", (int)j->rec.pid1, ns_flags[i].name);
		ssize_t na = readlink(a, la, sizeof(la) - 1), nb = readlink(b, lb, sizeof(lb) - 1);
		if (na <= 0 || nb <= 0)
			return fail(f, negative_errno(), "join", "%s", nb <= 0 ? b : a);
		if (na != nb || memcmp(la, lb, (size_t)na) != 0)
			flags |= ns_flags[i].flag;
	}
	if (!(flags & CLONE_NEWUSER))
		return failx(f, "join", "%s: pid 1 is in no user namespace of its own", j->rec.name);
	/* One call: the kernel enters them all or none (Linux 5.8). */
	if (setns(j->pid1_fd, flags) < 0)
		return fail(f, negative_errno(), "setns", "%s (pid %d)", j->rec.name, (int)j->rec.pid1);
	return 0;
}

/* The entering process: setns() into the sandbox, then the command as a sibling (CLONE_PARENT,
 * as child.c creates pid 1): born into the sandbox's pid namespace, yet the joiner's child, so
 * that the joiner itself never enters the sandbox and still waits for the command. */
_noreturn_ static void join_enter(const struct join *j, int sync_fd)
{
	struct failure f = { 0 };
	int pidfd = -1, r = join_setns(j, &f);
	pid_t pid = r < 0 ? r : clone_process(CLONE_PARENT, 0, &pidfd, -1); /* clone3: exit_signal 0 */

	if (pid == 0)
		join_command(j, sync_fd);
	if (r == 0 && pid < 0)
		fail(&f, pid, "join", "fork into the sandbox's pid namespace");
	if (pid < 0) {
		sync_send_error(sync_fd, &f);
		_exit(EXIT_LAUNCHER);
	}
	/* the joiner dies with a hung-up channel, and PR_SET_PDEATHSIG ends the command then */
	sync_send(sync_fd, SYNC_COMMAND_PID, pid, NULL, 0, &pidfd, 1);
	_exit(0);
}

/* ---- the joiner: on the host, the caller's privileges ------------------------------------- */

/* What the entering process and the command send besides a failure: the command's pid and
 * pidfd (it is our child, CLONE_PARENT: no other process can reap it and free its pid), and
 * the warning that it runs outside the cgroup. */
static int join_on_msg(void *data, const struct sync_msg *m, const void *payload, const int *fds, size_t nfds,
		       struct failure *f)
{
	struct join *j = data;

	if (m->type == SYNC_COMMAND_PID && nfds == 1 && j->child_fd < 0 && m->value > 0) {
		j->child_fd = fds[0];
		return 0;
	}
	for (size_t i = 0; i < nfds; i++)
		safe_close(fds[i]);
	if (m->type == SYNC_INFO && m->len > 0 && !j->warning) {
		j->warning = strndup(payload, m->len - 1);
		return 0;
	}
	if (m->type == SYNC_COMMAND_PID)
		return failx(f, "join", "unexpected pid %d from the entering process", (int)m->value);
	return failx(f, "sync", "unexpected %s from the entering process", sync_type_name(m->type));
}

/* Starts the entering process and returns once the command has exec'd (or failed: then it is
 * reaped already, its status in j->exec_status). */
static int join_start(struct join *j, struct failure *f)
{
	int sync[2] = { -1, -1 }, r;
	_cleanup_close_ int enter_fd = -1;

	if ((r = supervise_start(&j->sup, j->c.setsid_command, f)) < 0)
		return r;
	if ((r = sync_pair(sync)) < 0)
		return fail(f, r, "join", "socketpair");
	pid_t pid = clone_process(0, SIGCHLD, &enter_fd, -1);
	if (pid == 0) {
		safe_close(sync[0]);
		join_enter(j, sync[1]);
	}
	safe_close(sync[1]);
	if (pid < 0) {
		safe_close(sync[0]);
		return fail(f, pid, "join", "fork");
	}
	r = supervise_exec(sync[0], join_on_msg, j, f);
	safe_close(sync[0]);
	pidfd_exit_code(enter_fd);
	if (r == 0 && j->child_fd < 0)
		r = failx(f, "join", "the entering process ended without starting the command");
	if (r < 0 && j->child_fd >= 0)
		j->exec_status = pidfd_exit_code(j->child_fd);
	return r;
}

/* ---- the entry ----------------------------------------------------------------------------- */

static int usage(FILE *out, int status)
{
	fputs("usage: hutch join NAME [--] [COMMAND [ARGS...]]\n"
	      "Run COMMAND (default: your shell) inside the running sandbox NAME (see hutch list).\n",
	      out);
	return status;
}

/* $SHELL of the sandbox's environment, else the passwd entry's, else /bin/sh. */
static const char *default_shell(const struct config *c)
{
	struct passwd *pw;

	for (char **e = c->env; e && *e; e++)
		if (strncmp(*e, "SHELL=", 6) == 0 && (*e)[6] == '/')
			return *e + 6;
	pw = getpwuid(getuid());
	return pw && pw->pw_shell && pw->pw_shell[0] == '/' ? pw->pw_shell : "/bin/sh";
}

static int copy_strv(char **from, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));

	for (; v && from && *from; from++)
		if (strv_extend(&v, *from) < 0)
			return -ENOMEM;
	*ret = TAKE_PTR(v);
	return *ret ? 0 : -ENOMEM;
}

/* Everything that needs the host's view: the record, pid 1, the config, the cgroup's fd. */
static int join_prepare(struct join *j, const char *name, char **cmd, char **env, struct failure *f)
{
	int r = join_find(j, env, name, f);

	if (r == 0)
		r = join_check_ready(j, f);
	if (r == 0)
		r = join_config(j, env, f);
	if (r < 0)
		return r;
	join_cgroup_open(j);
	j->default_cmd = !cmd || !cmd[0];
	if (j->default_cmd && !(j->cmd = calloc(2, sizeof(char *))))
		return fail(f, -ENOMEM, "join", NULL);
	if (j->default_cmd && !(j->cmd[0] = strdup(default_shell(&j->c))))
		return fail(f, -ENOMEM, "join", NULL);
	if (!j->default_cmd && copy_strv(cmd, &j->cmd) < 0)
		return fail(f, -ENOMEM, "join", NULL);
	return 0;
}

int cmd_join(int argc, char **argv, char **env)
{
	struct join j = { .pid1_fd = -1, .cgroup_fd = -1, .child_fd = -1, .sup = SUPERVISOR_INIT };
	struct failure f = { 0 };
	int r, status = EXIT_LAUNCHER;

	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0))
		return usage(stdout, 0);
	if (argc < 2 || argv[1][0] == '-')
		return usage(stderr, EXIT_USAGE);
	config_init(&j.c);
	r = join_prepare(&j, argv[1], argv + (argc > 2 && strcmp(argv[2], "--") == 0 ? 3 : 2), env, &f);
	if (r == 0 && j.cgroup_note)
		fprintf(
		    stderr,
		    "hutch: warning: %s: cannot join its cgroup %s (%s): the command runs outside its limits\n",
		    argv[1], j.cgroup_path, j.cgroup_note);
	if (r == 0)
		r = join_start(&j, &f);
	if (j.warning)
		fprintf(stderr, "hutch: warning: the command runs outside the sandbox's cgroup: %s\n",
			ESC(j.warning));
	if (r == 0) {
		supervise_target(&j.sup, j.child_fd);
		status = supervise_wait(&j.sup);
	} else {
		print_failure(&f, "");
		/* execve's failure carries the command's own status (126, 127) */
		status = supervise_failure(&f) == 0 && j.exec_status ? j.exec_status : EXIT_LAUNCHER;
	}
	join_free(&j);
	return status;
}
