/* hutch-oci state, kill, delete, list, ps and features: the subcommands that read a
 * container's state and act on its process (the sandbox's pid 1, the command itself, whose
 * end ends its pid namespace, and after which hutch's launcher ends). Signals go through a
 * pidfd opened after the process's start time is checked against the state's, so that a
 * reused pid is never signalled. Launcher side, the caller's privileges. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/oci/oci.h"
#include "lib/failure.h"
#include "lib/strv.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

int oci_cmd_state(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	struct oci_state st;
	int r;

	if (argc != 2)
		return failx(f, "state", "needs exactly one container id");
	if ((r = oci_state_read(o, argv[1], &st, f)) < 0)
		return r;
	r = oci_state_print(o, &st);
	oci_state_free(&st);
	return r < 0 ? fail(f, r, "state", "writing to stdout") : 0;
}

/* "9", "KILL", "SIGKILL", "sigkill", "RTMIN+3". */
static int parse_signal(const char *s, int *ret)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (!*end && end != s)
		return n > 0 && n < _NSIG ? (*ret = (int)n, 0) : -EINVAL;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	if (strncasecmp(s, "RTMIN+", 6) == 0 && (n = strtol(s + 6, &end, 10)) >= 0 && !*end &&
	    SIGRTMIN + n <= SIGRTMAX)
		return *ret = SIGRTMIN + (int)n, 0;
	for (int i = 1; i < SIGRTMIN; i++) {
		const char *name = sigabbrev_np(i);
		if (name && strcasecmp(name, s) == 0)
			return *ret = i, 0;
	}
	return -EINVAL;
}

static int kill_all(const struct oci_state *st, int sig, struct failure *f);

/* Whether pid is the init of its pid namespace (the last of its NSpid numbers is 1): not so in
 * the runtime's or another container's pid namespace (--pid host, --pid container:X). */
static int pids_add(pid_t **pids, size_t *n, pid_t pid)
{
	pid_t *np = realloc(*pids, (*n + 1) * sizeof(*np));

	if (!np)
		return -ENOMEM;
	np[(*n)++] = pid;
	*pids = np;
	return 0;
}

static bool own_pidns(pid_t pid)
{
	char path[64], line[256];
	bool init = false;
	FILE *in;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (!(in = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof(line), in))
		if (strncmp(line, "NSpid:", 6) == 0) {
			char *last = strrchr(line, '\t');
			init = last && atoi(last + 1) == 1;
			break;
		}
	fclose(in);
	return init;
}

int oci_cmd_kill(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
	struct oci_state st;
	int sig = SIGTERM, ch, r;

	bool all = false;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+a", opts, NULL)) != -1) {
		if (ch != 'a')
			return failx(f, "kill", "unknown option %s", argv[optind - 1]);
		all = true;
	}
	if (optind >= argc || argc - optind > 2)
		return failx(f, "kill", "usage: kill [--all] ID [SIGNAL]");
	if (argc - optind == 2 && parse_signal(argv[optind + 1], &sig) < 0)
		return failx(f, "kill", "unknown signal %s", argv[optind + 1]);
	if ((r = oci_state_read(o, argv[optind], &st, f)) < 0)
		return r;
	_cleanup_close_ int fd = oci_state_pidfd(&st);
	if (fd < 0)
		r = failx(f, "kill", "container %s is not running", st.id);
	else if (all && (sig != SIGKILL || !own_pidns(st.pid))) /* SIGKILL to its init ends all */
		r = kill_all(&st, sig, f);
	else if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		r = fail(f, negative_errno(), "kill", "%s", st.id);
	oci_state_free(&st);
	return r;
}

/* SIGKILL, then wait for the process's end (its pidfd turns readable when it exits). */
static int kill_and_wait(const struct oci_state *st, struct failure *f)
{
	_cleanup_close_ int fd = oci_state_pidfd(st);
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (fd == -ESRCH)
		return 0;
	if (fd < 0 || syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0)
		return fail(f, fd < 0 ? fd : negative_errno(), "delete", "killing %s", st->id);
	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return fail(f, negative_errno(), "delete", "waiting for %s", st->id);
	return 0;
}

/* pid 1 is gone: the launcher ends on its own once it has undone what it made; waited for
 * (SIGKILL after 5 s), so that delete finds the cgroup as the launcher left it. */
static void launcher_end(const struct oci_state *st)
{
	_cleanup_close_ int fd = oci_pidfd_checked(st->launcher, st->launcher_start);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;

	if (fd < 0)
		return;
	while ((n = poll(&p, 1, 5000)) < 0 && errno == EINTR)
		;
	if (n != 0 || syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) < 0)
		return;
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

int oci_cmd_delete(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	struct oci_state st;
	bool force = false;
	int ch, r;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+f", opts, NULL)) != -1) {
		if (ch != 'f')
			return failx(f, "delete", "unknown option %s", argv[optind - 1]);
		force = true;
	}
	if (optind + 1 != argc)
		return failx(f, "delete", "needs exactly one container id");
	if ((r = oci_state_read(o, argv[optind], &st, f)) < 0) {
		/* runc: --force on a container that does not exist is no error */
		return force && strstr(f->detail, "does not exist") ? (*f = (struct failure){ 0 }, 0) : r;
	}
	enum oci_status s = oci_state_status(o, &st);
	if (s != OCI_STOPPED && s != OCI_CREATING && !force)
		r = failx(f, "delete", "cannot delete container %s that is not stopped: %s", st.id,
			  oci_status_name(s));
	else if (s != OCI_STOPPED)
		r = kill_and_wait(&st, f);
	if (r == 0)
		launcher_end(&st);
	if (r == 0)
		oci_cgroup_remove(&st);
	if (r == 0) {
		struct failure hf = { 0 };
		char msg[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 64];
		if (oci_hooks_run(o, &st, "poststop", "stopped", &hf) < 0) {
			failure_format(&hf, msg, sizeof(msg));
			oci_log(o, "warning", true, "poststop: %s", msg);
		}
		r = oci_state_remove(o, st.id, f);
	}
	oci_state_free(&st);
	return r;
}

static int list_ids(const struct oci_opts *o, char ***ret)
{
	DIR *d = opendir(o->root);
	struct dirent *e;
	char **ids = NULL;

	*ret = NULL;
	if (!d)
		return errno == ENOENT ? 0 : negative_errno();
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && strv_extend(&ids, e->d_name) < 0) {
			closedir(d);
			strv_free(ids);
			return -ENOMEM;
		}
	closedir(d);
	*ret = ids;
	return 0;
}

int oci_cmd_list(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' },
					      { "quiet", no_argument, NULL, 'q' },
					      { NULL, 0, NULL, 0 } };
	bool json = false, quiet = false;
	char **ids = NULL;
	int ch, r;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+f:q", opts, NULL)) != -1) {
		if (ch == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
			json = optarg[0] == 'j';
		else if (ch == 'q')
			quiet = true;
		else
			return failx(f, "list", "unknown option or format %s", argv[optind - 1]);
	}
	if ((r = list_ids(o, &ids)) < 0)
		return fail(f, r, "list", "%s", o->root);
	if (json)
		fputc('[', stdout);
	else if (!quiet)
		printf("ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n");
	for (size_t i = 0, n = 0; ids && ids[i]; i++) {
		struct oci_state st;
		struct failure ignored = { 0 };
		if (oci_state_read(o, ids[i], &st, &ignored) < 0 || !st.bundle) {
			oci_state_free(&st);
			continue;
		}
		enum oci_status s = oci_state_status(o, &st);
		if (json) {
			fputs(n++ ? "," : "", stdout);
			oci_state_print(o, &st);
		} else if (quiet)
			printf("%s\n", st.id);
		else
			printf("%s\t%d\t%s\t%s\t%s\t\n", st.id, s == OCI_STOPPED ? 0 : (int)st.pid,
			       oci_status_name(s), st.bundle, st.created ? st.created : "");
		oci_state_free(&st);
	}
	if (json)
		fputs("]\n", stdout);
	strv_free(ids);
	return 0;
}

/* The pids of the processes in pid's pid namespace, in /proc's order. */
static int pidns_members(pid_t pid, pid_t **pids, size_t *n)
{
	char ns[128], other[128], path[300];
	struct dirent *e;
	ssize_t k;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	if ((k = readlink(path, ns, sizeof(ns) - 1)) < 0)
		return -ESRCH;
	ns[k] = '\0';
	if (!(d = opendir("/proc")))
		return negative_errno();
	while ((e = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", e->d_name);
		k = e->d_name[0] >= '1' && e->d_name[0] <= '9' ? readlink(path, other, sizeof(other) - 1)
							       : -1;
		if (k < 0 || (other[k] = '\0', strcmp(other, ns) != 0))
			continue;
		if (pids_add(pids, n, (pid_t)atoi(e->d_name)) < 0) {
			closedir(d);
			return -ENOMEM;
		}
	}
	closedir(d);
	return 0;
}

/* The processes of a container's sandbox/ leaf (exec's joiners enter it too). */
static int cgroup_members(const char *group, pid_t **pids, size_t *n)
{
	char path[4200];
	int pid, r = 0;
	FILE *in;

	snprintf(path, sizeof(path), CGROUP_ROOT "%s/sandbox/cgroup.procs", group);
	if (!(in = fopen(path, "re")))
		return negative_errno();
	while (r == 0 && fscanf(in, "%d", &pid) == 1)
		r = pids_add(pids, n, (pid_t)pid);
	fclose(in);
	return r;
}

/* pid and its descendants, breadth first (/proc/PID/task/TID/children of every thread). */
static int descendants(pid_t pid, pid_t **pids, size_t *n)
{
	int r = pids_add(pids, n, pid);

	for (size_t i = *n - 1; r == 0 && i < *n; i++) {
		char path[64];
		struct dirent *e;
		snprintf(path, sizeof(path), "/proc/%d/task", (int)(*pids)[i]);
		DIR *d = opendir(path);
		while (r == 0 && d && (e = readdir(d))) {
			char file[400];
			int child;
			FILE *in;
			snprintf(file, sizeof(file), "%s/%s/children", path, e->d_name);
			if (e->d_name[0] == '.' || !(in = fopen(file, "re")))
				continue;
			while (r == 0 && fscanf(in, "%d", &child) == 1)
				r = pids_add(pids, n, (pid_t)child);
			fclose(in);
		}
		if (d)
			closedir(d);
	}
	return r;
}

/* The container's processes; -ESRCH when it is not running. Its own pid namespace's; in one it
 * shares (the runtime's, another container's), its sandbox cgroup's when it has one, else
 * pid 1 and its descendants. */
static int sandbox_pids(const struct oci_state *st, pid_t **ret, size_t *ret_n)
{
	_cleanup_close_ int fd = oci_state_pidfd(st);
	pid_t *pids = NULL;
	size_t n = 0;
	int r;

	if (fd < 0)
		return -ESRCH;
	if (own_pidns(st->pid))
		r = pidns_members(st->pid, &pids, &n);
	else if (st->cgroup)
		r = cgroup_members(st->cgroup, &pids, &n);
	else
		r = descendants(st->pid, &pids, &n);
	if (r < 0) {
		free(pids);
		return r;
	}
	*ret = pids;
	*ret_n = n;
	return 0;
}

int oci_cmd_ps(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	struct oci_state st;
	bool json =
	    argc >= 3 && (strcmp(argv[1], "--format=json") == 0 ||
			  (strcmp(argv[1], "--format") == 0 && argc >= 4 && strcmp(argv[2], "json") == 0));
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r;

	if ((r = oci_state_read(o, argv[argc - 1], &st, f)) < 0)
		return r;
	r = sandbox_pids(&st, &pids, &n);
	oci_state_free(&st);
	if (r == -ESRCH)
		return failx(f, "ps", "container %s is not running", argv[argc - 1]);
	if (r < 0)
		return fail(f, r, "ps", "/proc");
	fputs(json ? "[" : "PID\n", stdout);
	for (size_t i = 0; i < n; i++)
		printf(json ? "%s%d" : "%s%d\n", json && i ? "," : "", (int)pids[i]);
	fputs(json ? "]\n" : "", stdout);
	return 0;
}

/* kill --all: every process of the sandbox gets it (its pid 1 is the command), each through
 * a pidfd. */
static int kill_all(const struct oci_state *st, int sig, struct failure *f)
{
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;
	int r = sandbox_pids(st, &pids, &n);

	if (r < 0)
		return r == -ESRCH ? failx(f, "kill", "container %s is not running", st->id)
				   : fail(f, r, "kill", "/proc");
	for (size_t i = 0; i < n; i++) {
		_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);
		if (fd >= 0)
			syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	}
	return 0;
}

int oci_cmd_features(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	fputs(
	    "{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"1.2.0\",\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\",\"startContainer\",\"poststart\",\"poststop\"],"
	    "\"mountOptions\":[\"bind\",\"rbind\",\"ro\",\"rw\",\"nosuid\",\"nodev\",\"noexec\",\"dev\","
	    "\"mode\",\"size\",\"private\",\"rprivate\",\"slave\",\"rslave\",\"shared\",\"rshared\"],"
	    "\"linux\":{\"namespaces\":[\"pid\",\"network\",\"ipc\",\"uts\",\"mount\",\"cgroup\",\"user\"],"
	    "\"capabilities\":[],\"cgroup\":{\"v1\":false,\"v2\":true,\"systemd\":true,\"systemdUser\":true},"
	    "\"seccomp\":{\"enabled\":true,\"actions\":[\"SCMP_ACT_ALLOW\",\"SCMP_ACT_ERRNO\",\"SCMP_ACT_KILL\","
	    "\"SCMP_ACT_KILL_PROCESS\",\"SCMP_ACT_KILL_THREAD\",\"SCMP_ACT_LOG\",\"SCMP_ACT_TRAP\","
	    "\"SCMP_ACT_TRACE\"],\"operators\":[\"SCMP_CMP_EQ\",\"SCMP_CMP_GE\",\"SCMP_CMP_GT\","
	    "\"SCMP_CMP_LE\",\"SCMP_CMP_LT\",\"SCMP_CMP_MASKED_EQ\",\"SCMP_CMP_NE\"]},"
	    "\"apparmor\":{\"enabled\":true},\"selinux\":{\"enabled\":false}},"
	    "\"annotations\":{\"run.hutch.version\":\"" HUTCH_VERSION "\"}}\n",
	    stdout);
	return fflush(stdout) == 0 ? 0 : fail(f, -EIO, "features", "writing to stdout");
}
