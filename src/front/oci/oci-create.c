/* hutch-oci create, start and run. `create` forks the process that prepares what config.json
 * asks of the container (the joined namespaces, sysctls, the terminal, the umask, the OOM
 * score) and runs hutch's launcher, which clones the sandbox's pid 1 as create's own child
 * (c->pid1_sibling: CLONE_PARENT). pid 1 is the container's process, as runc's init is: its
 * pid goes into the state and --pid-file, its exit status is the container's (it is the
 * command, as_pid1), and once create exits it is reparented to the engine's subreaper
 * (conmon), which reaps it; the launcher, reparented too, serves it until it ends. The
 * command, once everything is set up, says so on a socket pair and waits at the start gate
 * (ROOT/ID/exec.fifo, opened read-write so that it never reads an end of file); `create` then
 * writes the state and --pid-file, runs its hooks, answers on the socket that the container is
 * created, and exits; `start` writes one byte into the fifo and removes it. A create that ends
 * before its answer (killed midway) closes the socket: the command, waiting at the gate, sees
 * the end of file and the container ends, as runc's init does when its parent is gone.
 * Launcher side, the caller's privileges. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "front/mountplan.h"
#include "front/oci/oci-console.h"
#include "front/oci/oci.h"
#include "launcher/launcher.h"
#include "sandbox/mount/mount.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/strv.h"

/* The processes create made, both its children: the launcher, and the sandbox's pid 1 (the
 * container's process) once known, -1 before. gate: run's end of the start gate when that is a
 * pipe, -1 when it is the state directory's fifo. */
struct container_pids {
	pid_t launcher, pid1;
	int gate;
};

struct create_args {
	const char *id;
	const char *bundle;
	const char *pid_file;
	const char *console_socket;
	unsigned preserve_fds;
	bool run, detach;
};

static int parse_create(int argc, char **argv, bool run, struct create_args *a, struct failure *f)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "preserve-fds", required_argument, NULL, 'f' },
		{ "no-pivot", no_argument, NULL, 'n' },
		{ "no-new-keyring", no_argument, NULL, 'k' },
		{ "detach", no_argument, NULL, 'd' },
		{ "keep", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	*a = (struct create_args){ .bundle = ".", .run = run };
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+b:d", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			a->bundle = optarg;
			break;
		case 'p':
			a->pid_file = optarg;
			break;
		case 'c':
			a->console_socket = optarg;
			break;
		case 'f':
			a->preserve_fds = (unsigned)strtoul(optarg, &end, 10);
			if (*end || !optarg[0] || a->preserve_fds > 1024)
				return failx(f, argv[0], "--preserve-fds %s: not a number of fds", optarg);
			break;
		case 'n':
		case 'k':
			break; /* hutch always pivots; keyrings are the kernel's per user ns */
		case 'd':
		case 'K':
			if (!run)
				return failx(f, argv[0], "unknown option %s", argv[optind - 1]);
			a->detach |= ch == 'd';
			break;
		default:
			return failx(f, argv[0], "unknown option %s", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return failx(f, argv[0], "needs exactly one container id");
	a->id = argv[optind];
	return 0;
}

/* The state directory ROOT/ID, with its start fifo (its path in ret_fifo) unless ret_fifo is
 * NULL; ROOT is made when missing. */
static int make_state_dir(const struct oci_opts *o, const char *id, char **ret_fifo, struct failure *f)
{
	_cleanup_free_ char *dir = NULL;
	int r = oci_state_dir(o, id, &dir);

	if (r == -EINVAL)
		return failx(f, "create", "invalid container id %s", id);
	if (r < 0 || (ret_fifo && asprintf(ret_fifo, "%s/exec.fifo", dir) < 0))
		return fail(f, -ENOMEM, "create", NULL);
	if (mkdir(o->root, 0700) < 0 && errno != EEXIST)
		return fail(f, negative_errno(), "create", "--root %s", o->root);
	if (mkdir(dir, 0700) < 0)
		return errno == EEXIST ? failx(f, "create", "container with id %s already exists", id)
				       : fail(f, negative_errno(), "create", "%s", dir);
	if (ret_fifo && mkfifo(*ret_fifo, 0600) < 0)
		return fail(f, negative_errno(), "create", "%s", *ret_fifo);
	return 0;
}

static int write_text_atomic(const char *path, const char *text, struct failure *f)
{
	_cleanup_free_ char *tmp = NULL;
	FILE *out;

	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return fail(f, -ENOMEM, "create", NULL);
	if (!(out = fopen(tmp, "we")))
		return fail(f, negative_errno(), "create", "%s", tmp);
	fputs(text, out);
	if (fclose(out) != 0 || rename(tmp, path) < 0)
		return fail(f, negative_errno(), "create", "%s", path);
	return 0;
}

static int write_sysctls(char **sysctl, bool joined, struct failure *f)
{
	for (size_t i = 0; sysctl && sysctl[i]; i++) {
		char path[512];
		const char *eq = strchr(sysctl[i], '=');
		if (!joined)
			return failx(
			    f, "sysctl",
			    "%.*s: hutch-oci sets net.* only in a network namespace it made or joined (as the root of an engine's user namespace)",
			    (int)(eq - sysctl[i]), sysctl[i]);
		snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - sysctl[i]), sysctl[i]);
		for (char *p = path + 10; *p; p++)
			*p = *p == '.' ? '/' : *p;
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, eq + 1, strlen(eq + 1)) < 0)
			return fail(f, negative_errno(), "sysctl", "%s", path);
	}
	return 0;
}

/* A new network namespace made here, where we are the root of the engine's user namespace:
 * owned by that namespace, as runc's is (its sysctls are ours to write), with lo up. */
static int new_netns(struct failure *f)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int s = -1;

	if (unshare(CLONE_NEWNET) < 0)
		return fail(f, negative_errno(), "unshare", "network namespace");
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return fail(f, negative_errno(), "network", "lo");
	ifr.ifr_flags |= IFF_UP;
	return ioctl(s, SIOCSIFFLAGS, &ifr) < 0 ? fail(f, negative_errno(), "network", "lo up") : 0;
}

/* The namespaces config.json gives by path, in oci_join_kinds' order: the user namespace
 * first, as runc's nsexec enters it, so that the others, owned by it (a pod's), are entered
 * with the capabilities it gives. Then process.user is checked against its maps. A mount
 * namespace is not entered here but by pid 1 (c->mntns_fd), which builds the container's
 * root in it, as runc's init does: root.path and the binds' sources are found there, and
 * its pivot_root moves the root of every process of that namespace, as runc's; this process,
 * the launcher, keeps the host's view. */
static int join_namespaces(struct config *c, const struct oci_bundle *b, struct failure *f)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	for (size_t j = 0; j < OCI_JOIN_N; j++) {
		if (!b->join[j])
			continue;
		_cleanup_close_ int fd = open(b->join[j], O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && j == OCI_JOIN_MNT) {
			c->mntns_fd = TAKE_FD(fd);
			continue;
		}
		if (fd < 0 || setns(fd, oci_join_kinds[j].clone_flag) < 0)
			return fail(f, negative_errno(), "setns", "%s namespace %s", oci_join_kinds[j].type,
				    b->join[j]);
	}
	return b->join[OCI_JOIN_USER] ? oci_user_joined(c, b, uid, gid, f) : 0;
}

/* In the launcher's process, before the launcher: what config.json asks of the process the
 * sandbox is made from, each inherited by pid 1 (the command). */
static int container_prepare(struct config *c, const struct oci_bundle *b, const struct create_args *a,
			     struct failure *f)
{
	bool own_net = b->join[OCI_JOIN_NET] != NULL;
	/* (every capability of the joined user namespace is ours, whatever uid we are there) */
	bool ns_root = geteuid() == 0 || b->join[OCI_JOIN_USER];
	int r;

	/* the binds' sources opened with our rights, not the container's root's (mount.h), and
	 * before a user namespace is joined, where the runtime's files may have no owner (a pod's
	 * with --userns auto; runc's parent opens them likewise); with a mount namespace joined,
	 * pid 1 opens them in that one */
	if (!b->join[OCI_JOIN_MNT])
		c->plan_trees = mount_trees_outside(c);
	if ((r = join_namespaces(c, b, f)) < 0)
		return r;
	if (b->joined_hostname && sethostname(b->joined_hostname, strlen(b->joined_hostname)) < 0)
		return fail(f, negative_errno(), "hostname", "%s, in the uts namespace %s",
			    b->joined_hostname, b->join[OCI_JOIN_UTS]);
	/* (with a user namespace of its own, the sandbox makes it in that one, as runc does: an
	 * engine's helper that joins it by pid 1's pid, slirp4netns, enters pid 1's user namespace
	 * first and holds capabilities only there) */
	if (!b->join[OCI_JOIN_NET] && b->new_netns && ns_root && !b->new_userns) {
		if ((r = new_netns(f)) < 0)
			return r;
		c->share |= SHARE_NET;
		own_net = true;
	}
	/* in a network namespace the sandbox makes in its own user namespace, pid 1 writes them */
	if (!own_net && b->new_userns && b->new_netns && b->sysctl) {
		if (strv_extend_n(&c->net_sysctl, b->sysctl, strv_length(b->sysctl)) < 0)
			return fail(f, -ENOMEM, "sysctl", NULL);
	} else if ((r = write_sysctls(b->sysctl, own_net, f)) < 0)
		return r;
	if (b->has_oom_score) {
		_cleanup_close_ int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || dprintf(fd, "%d", b->oom_score_adj) < 0)
			return fail(f, negative_errno(), "oomScoreAdj", "%d", b->oom_score_adj);
	}
	if (b->has_umask)
		umask(b->umask);
	if (b->terminal && !a->console_socket && isatty(STDIN_FILENO))
		return 0; /* run in a terminal without a socket: that terminal, as runc does */
	if (b->terminal) {
		/* opened by the command on the container's /dev/pts and bound over its
		 * /dev/console, as runc makes it */
		if ((r = oci_console_connect(a->console_socket, f)) < 0)
			return r;
		c->console_fd = r;
		c->console_dev = true;
	}
	return 0;
}

/* gate: the start gate's read end when it is a pipe (run), else -1 and the fifo is opened */
_noreturn_ static void container_main(const struct oci_opts *o, struct config *c, const struct oci_bundle *b,
				      const struct create_args *a, int ready, int gate, const char *fifo)
{
	struct launch_report rep = { 0 };
	struct failure f = { 0 };
	char msg[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];
	int r = 0;

	oci_log_notes(o, b);
	c->start_ready_fd = ready;
	c->start_gate_fd = gate >= 0 ? gate : open(fifo, O_RDWR | O_CLOEXEC);
	if (c->start_gate_fd < 0)
		r = fail(&f, negative_errno(), "create", "%s", fifo);
	if (r == 0)
		r = container_prepare(c, b, a, &f);
	if (r == 0)
		r = launcher_run(c, &rep, &f);
	/* (not tied to create, which exits while the container lives: pid 1 ends it) */
	if (r < 0 || f.stage[0]) {
		failure_format(&f, msg, sizeof(msg));
		oci_log(o, "error", true, "%s", msg);
	}
	_exit(r < 0 ? 1 : rep.status);
}

static pid_t pidfd_open_(pid_t pid)
{
	return (pid_t)syscall(SYS_pidfd_open, pid, 0);
}

/* The container is set up (a byte on ready) or the launcher gone (its pidfd): its exit
 * status, or 0 once ready. */
static int wait_ready(pid_t pid, int ready, struct failure *f)
{
	_cleanup_close_ int pidfd = pidfd_open_(pid);
	struct pollfd p[2] = { { .fd = ready, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
	char b;
	int status;

	if (pidfd < 0)
		return fail(f, negative_errno(), "create", "pidfd_open");
	while (poll(p, 2, -1) < 0)
		if (errno != EINTR)
			return fail(f, negative_errno(), "create", "poll");
	if ((p[0].revents & POLLIN) && read(ready, &b, 1) == 1)
		return 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(f, negative_errno(), "create", "waitpid");
	return WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : 1;
}

/* The time now, UTC, as runc writes "created". By hand: glibc's gmtime_r() and strftime() read
 * /etc/localtime first (tzset), at every create, for a time that has no zone. Days to the civil
 * date as in Howard Hinnant's civil_from_days (eras of 400 years from 0000-03-01). */
static char *now_rfc3339(void)
{
	struct timespec ts;
	char *out = NULL;

	clock_gettime(CLOCK_REALTIME, &ts);
	long long days = ts.tv_sec / 86400 + 719468, secs = ts.tv_sec % 86400;
	long long era = days / 146097, doe = days - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	long long d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long long y = yoe + era * 400 + (m <= 2);

	return asprintf(&out, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", y, m, d, secs / 3600,
			secs / 60 % 60, secs % 60, ts.tv_nsec) < 0
		   ? NULL
		   : out;
}

/* The sandbox's pid 1: our child that is not the launcher (which cloned it with CLONE_PARENT).
 * (read and parsed by hand, as oci_proc_start_time: no stdio, no scanf in create's path) */
static pid_t sandbox_pid1(pid_t launcher)
{
	char path[64], buf[256], *p, *end;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	if (fileio_read_small_at(AT_FDCWD, path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	for (p = buf;; p = end) {
		long pid = strtol(p, &end, 10);
		if (end == p || pid <= 0)
			return -ESRCH;
		if (pid != launcher)
			return (pid_t)pid;
	}
}

/* Ready: the state and the pid file (pid 1's), so that `state`, `start`, `kill` find the
 * container. */
static int publish(const struct oci_opts *o, const struct create_args *a, const struct oci_bundle *b,
		   struct container_pids *pids, struct failure *f)
{
	struct oci_state st = { .id = (char *)a->id,
				.bundle = b->bundle,
				.rootfs = b->rootfs,
				.annotations = b->annotations,
				.pid = sandbox_pid1(pids->launcher),
				.launcher = pids->launcher };
	_cleanup_free_ char *created = now_rfc3339();
	char text[32];
	int r;

	st.created = created;
	if (st.pid <= 0)
		return fail(f, st.pid, "create", "the sandbox's pid 1");
	pids->pid1 = st.pid;
	st.start_time = oci_proc_start_time(st.pid);
	st.launcher_start = oci_proc_start_time(st.launcher);
	if ((r = oci_cgroup_of(st.pid, &st.cgroup)) < 0)
		return fail(f, r, "create", "/proc/%d/cgroup", (int)st.pid);
	if (!st.cgroup && b->cgroups_path)
		oci_log(o, "warning", false,
			"line %u: linux.cgroupsPath %s ignored: no cgroup could be made here",
			b->cgroups_path_line, b->cgroups_path);
	r = oci_state_write(o, &st, f);
	free(st.cgroup);
	if (r < 0)
		return r;
	snprintf(text, sizeof(text), "%d", (int)st.pid);
	return a->pid_file ? write_text_atomic(a->pid_file, text, f) : 0;
}

/* The hooks of create, once the container is set up: prestart and createRuntime in the
 * runtime's namespaces, createContainer in the container's. */
static int create_hooks(const struct oci_opts *o, const char *id, struct failure *f)
{
	static const char *const kinds[] = { "prestart", "createRuntime", "createContainer" };
	struct oci_state st;
	int r = oci_state_read(o, id, &st, f);

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(kinds); i++)
		r = oci_hooks_run(o, &st, kinds[i], "created", f);
	oci_state_free(&st);
	return r;
}

/* A create that failed once the launcher was there: pid 1 (when known) and the launcher
 * killed and reaped, both our children. */
static void kill_container(const struct container_pids *pids)
{
	pid_t chain[] = { pids->pid1 > 0 ? pids->pid1 : sandbox_pid1(pids->launcher), pids->launcher };

	for (size_t i = 0; i < ARRAY_SIZE(chain); i++)
		if (chain[i] > 0 && kill(chain[i], SIGKILL) == 0)
			while (waitpid(chain[i], NULL, 0) < 0 && errno == EINTR)
				;
}

/* Everything of create: fills the pids, returns 0, or a status (> 0) / -errno when it failed
 * (the state directory is removed then). */
static int create_container(const struct oci_opts *o, const struct create_args *a,
			    struct container_pids *pids, struct failure *f)
{
	struct config c;
	struct oci_bundle b = { 0 };
	_cleanup_free_ char *fifo = NULL;
	int ready[2] = { -1, -1 }, gate[2] = { -1, -1 }, r;
	bool made = false;
	pid_t pid = -1;

	*pids = (struct container_pids){ -1, -1, -1 };

	config_init(&c);
	r = oci_spec_load(a->bundle, &c, &b, f);
	if (r == 0 && a->preserve_fds && !(c.keep_fds = calloc(a->preserve_fds, sizeof(int))))
		r = fail(f, -ENOMEM, "create", NULL);
	for (unsigned i = 0; r == 0 && i < a->preserve_fds; i++)
		c.keep_fds[c.n_keep_fds++] = 3 + (int)i;
	if (r == 0)
		r = oci_cgroup_place(o, a->id, b.cgroups_path, b.cgroups_path_line, &c, f);
	if (r == 0)
		r = config_finish(&c, o->env, f);
	/* run without hooks: nothing between create and start, whose gate is then a pipe of its
	 * own (no fifo made, opened and removed in the state directory) */
	if (r == 0 && a->run && !b.has_hooks && pipe2(gate, O_CLOEXEC) < 0)
		r = fail(f, negative_errno(), "create", "pipe");
	if (r == 0 && (r = make_state_dir(o, a->id, gate[0] < 0 ? &fifo : NULL, f)) == 0)
		made = true;
	if (r == 0 && b.has_hooks)
		r = oci_hooks_save(o, a->id, b.bundle, f);
	if (r == 0 && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ready) < 0)
		r = fail(f, negative_errno(), "create", "socketpair");
	if (r == 0 && (pid = fork()) < 0)
		r = fail(f, negative_errno(), "create", "fork");
	if (r == 0 && pid == 0) {
		safe_close(ready[0]);
		safe_close(gate[1]);
		container_main(o, &c, &b, a, ready[1], gate[0], fifo);
	}
	safe_close(ready[1]);
	safe_close(gate[0]);
	pids->launcher = pid;
	pids->gate = TAKE_FD(gate[1]);
	if (r == 0 && (r = wait_ready(pid, ready[0], f)) == 0)
		r = publish(o, a, &b, pids, f);
	if (r == 0 && b.has_hooks)
		r = create_hooks(o, a->id, f);
	if (r == 0 && send(ready[0], "k", 1, MSG_NOSIGNAL) != 1)
		r = fail(f, negative_errno(), "create", "telling the container it is created");
	if (r < 0 && pid > 0)
		kill_container(pids);
	if (r != 0)
		pids->gate = safe_close(pids->gate);
	safe_close(ready[0]);
	if (r != 0 && made)
		oci_state_remove(o, a->id, &(struct failure){ 0 });
	oci_bundle_free(&b);
	config_free(&c);
	return r;
}

int oci_cmd_create(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	struct create_args a;
	struct container_pids pids;
	int r = parse_create(argc, argv, false, &a, f);

	return r < 0 ? r : create_container(o, &a, &pids, f); /* (no gate pipe: not run) */
}

/* The gate: one byte into the fifo the command waits on, then the fifo goes (running). */
static int open_gate(const struct oci_opts *o, const char *id, struct failure *f)
{
	_cleanup_free_ char *dir = NULL, *fifo = NULL;
	_cleanup_close_ int fd = -1;

	if (oci_state_dir(o, id, &dir) < 0 || asprintf(&fifo, "%s/exec.fifo", dir) < 0)
		return fail(f, -ENOMEM, "start", NULL);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(f, negative_errno(), "start", "%s", fifo);
	if (write(fd, "s", 1) != 1)
		return fail(f, negative_errno(), "start", "%s", fifo);
	unlink(fifo);
	return 0;
}

int oci_cmd_start(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	struct oci_state st;
	enum oci_status s;
	int r;

	if (argc != 2)
		return failx(f, "start", "needs exactly one container id");
	if ((r = oci_state_read(o, argv[1], &st, f)) < 0)
		return r;
	s = oci_state_status(o, &st);
	if (s != OCI_CREATED)
		r = failx(f, "start", "cannot start a container in the %s state", oci_status_name(s));
	/* startContainer in the container before its command runs; a failure ends it */
	if (r == 0 && (r = oci_hooks_run(o, &st, "startContainer", "created", f)) < 0)
		kill(st.pid, SIGKILL);
	if (r == 0)
		r = open_gate(o, st.id, f);
	if (r == 0) {
		struct failure hf = { 0 };
		char msg[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 64];
		if (oci_hooks_run(o, &st, "poststart", "running", &hf) < 0) {
			failure_format(&hf, msg, sizeof(msg));
			oci_log(o, "warning", true, "poststart: %s", msg);
		}
	}
	oci_state_free(&st);
	return r;
}

/* run in the foreground: the container's status, with SIGINT, SIGTERM, SIGHUP and SIGQUIT
 * passed on to it. */
int oci_wait_child(pid_t pid, struct failure *f)
{
	_cleanup_close_ int pidfd = pidfd_open_(pid), sfd = -1;
	sigset_t set;
	int status;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sfd = signalfd(-1, &set, SFD_CLOEXEC);
	struct pollfd p[2] = { { .fd = pidfd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
	while (pidfd >= 0 && sfd >= 0 && poll(p, 2, -1) >= 0 && !(p[0].revents & POLLIN)) {
		struct signalfd_siginfo si;
		if ((p[1].revents & POLLIN) && read(sfd, &si, sizeof(si)) == sizeof(si))
			kill(pid, (int)si.ssi_signo);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(f, negative_errno(), "run", "waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int oci_cmd_run(const struct oci_opts *o, int argc, char **argv, struct failure *f)
{
	struct create_args a;
	struct container_pids pids;
	int r = parse_create(argc, argv, true, &a, f);

	if (r < 0 || (r = create_container(o, &a, &pids, f)) != 0)
		return r;
	if (pids.gate >= 0 && write(pids.gate, "s", 1) != 1)
		r = fail(f, negative_errno(), "start", "the start gate");
	else if (pids.gate < 0)
		r = open_gate(o, a.id, f);
	pids.gate = safe_close(pids.gate);
	if (r < 0)
		kill_container(&pids);
	else if (!a.detach) {
		/* pid 1 is our child: its status is the container's; the launcher, ours too, ends
		 * once it has undone what it made */
		r = oci_wait_child(pids.pid1, f);
		while (waitpid(pids.launcher, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (r < 0 || !a.detach)
		oci_state_remove(o, a.id, &(struct failure){ 0 });
	return r;
}
