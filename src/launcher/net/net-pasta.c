/* --net pasta: pasta joins the sandbox's user and network namespaces with slirp4netns's
 * address layout (auto-usermode means one thing) and forwards --port itself. Launcher side,
 * the caller's own privileges. */
#include "launcher/net/net.h"
#include "launcher/net/net-int.h"

#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) && __has_include(<sys/platform/x86.h>)
#include <sys/platform/x86.h>
#endif

#include "front/config.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "veth/rtnl.h"
#include "veth/veth-conf.h"
#include "veth/veth-link.h"

/* "-t [HOSTIP/]HOSTPORT:SANDBOXPORT" in pasta's syntax. */
static void pasta_port_spec(const struct port_fwd *p, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%u:%u", p->host_ip, p->host_ip[0] ? "/" : "", p->host_port, p->sandbox_port);
}

/* The options beyond the namespaces: what the sandbox may reach and what is forwarded in. */
static size_t pasta_policy_args(const struct config *c, char **argv, char (*specs)[80])
{
	size_t k = 0, tcp = 0, udp = 0;

	/* Without these pasta maps the gateway to the host's loopback and forwards every port
	 * bound on either side ("auto"): the sandbox would reach the host's 127.0.0.1 through its
	 * own. Host loopback is reachable only through the gateway, only when asked. */
	if (!c->allow_host_loopback)
		argv[k++] = "--no-map-gw";
	if (!c->ipv6)
		argv[k++] = "--ipv4-only";
	argv[k++] = "--tcp-ns";
	argv[k++] = "none";
	argv[k++] = "--udp-ns";
	argv[k++] = "none";
	for (size_t i = 0; i < c->n_ports; i++) {
		pasta_port_spec(&c->ports[i], specs[i], sizeof(specs[i]));
		argv[k++] = c->ports[i].udp ? "-u" : "-t";
		argv[k++] = specs[i];
		tcp += !c->ports[i].udp;
		udp += c->ports[i].udp;
	}
	if (!tcp) {
		argv[k++] = "--tcp-ports";
		argv[k++] = "none";
	}
	if (!udp) {
		argv[k++] = "--udp-ports";
		argv[k++] = "none";
	}
	return k;
}

static size_t pasta_layout_args(const struct config *c, char **argv)
{
	static const char *const v4[] = { "--address", USERMODE_ADDR, "--netmask",     USERMODE_PREFIX,
					  "--gateway", USERMODE_GW,   "--dns-forward", USERMODE_DNS };
	static const char *const v6[] = { "--address",	USERMODE_ADDR6,	 "--gateway",
					  USERMODE_GW6, "--dns-forward", USERMODE_DNS6 };
	size_t k = 0;

	for (size_t i = 0; i < ARRAY_SIZE(v4); i++)
		argv[k++] = (char *)v4[i];
	for (size_t i = 0; c->ipv6 && i < ARRAY_SIZE(v6); i++)
		argv[k++] = (char *)v6[i];
	return k;
}

/* AVX2, from glibc's record of the CPU (glibc 2.33), made at start-up anyway.
 * __builtin_cpu_supports() would link libgcc's cpuinfo, whose constructor runs a dozen more
 * CPUID instructions at every start of hutch, pasta or not: each one a trap to the hypervisor
 * in a VM (issue 27: 0.05 ms of a 5 ms start). */
static bool cpu_has_avx2(void)
{
#if defined(__x86_64__) && __has_include(<sys/platform/x86.h>)
	return CPU_FEATURE_ACTIVE(AVX2);
#else
	return false;
#endif
}

/* pasta (a link to passt) first re-executes itself as "<its real path>.avx2" where the CPU has
 * AVX2 (passt's arch_avx2_exec); that build, started directly with the same argv (argv[0] still
 * names pasta, which selects pasta's mode), skips one exec of a dynamic program: 0.77 ms of a
 * 10 ms start on the issue-27 VM. NULL where there is no such build or no AVX2: pasta itself. */
static char *pasta_avx2_build(const char *bin)
{
	_cleanup_free_ char *real = realpath(bin, NULL);
	char *avx2 = NULL;

	if (!real || !cpu_has_avx2() || asprintf(&avx2, "%s.avx2", real) < 0)
		return NULL;
	if (access(avx2, X_OK) == 0)
		return avx2;
	free(avx2);
	return NULL;
}

static int pasta_spawn(const struct config *c, const char *bin, pid_t pid1, const char *pid_path,
		       const struct spawn_fds *fds, pid_t *ret)
{
	char userns[64], netns[64];
	_cleanup_free_ char(*specs)[80] = calloc(c->n_ports + 1, sizeof(*specs));
	/* 44 covers every fixed option and the NULL (41 as root with --ipv6 and no port); two
	 * per forward */
	_cleanup_free_ char **argv = calloc(44 + 2 * c->n_ports, sizeof(char *));
	size_t k = 0;

	if (!specs || !argv)
		return -ENOMEM;
	snprintf(userns, sizeof(userns), "/proc/%d/ns/user", (int)pid1);
	snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)pid1);
	argv[k++] = (char *)bin;
	/* In the foreground pasta stays our child: PR_SET_PDEATHSIG holds, and nothing needs a
	 * pid file to be found and killed. Daemonized, it would outlive a SIGKILLed launcher
	 * (it leaves a target namespace only when a bind-mounted namespace file is deleted). */
	argv[k++] = "--foreground";
	argv[k++] = "--quiet";
	argv[k++] = "--config-net";
	/* Only to stderr (our memfd), not to syslog. */
	argv[k++] = "--log-file";
	argv[k++] = "/dev/null";
	/* the tap pid 1 made already (net_make_tap), not one named as the host's interface */
	argv[k++] = "--ns-ifname";
	argv[k++] = NET_TAP_NAME;
	/* Its watch for the namespace file's removal (inotify on /proc/PID/ns, where nothing is
	 * ever removed) only made its exit wait for the inotify group's teardown, about 10 ms of
	 * every start: it ends on our SIGTERM, or with us (PR_SET_PDEATHSIG). */
	argv[k++] = "--no-netns-quit";
	/* Started by root, pasta would switch to nobody, who may not join root's namespaces. */
	if (geteuid() == 0) {
		argv[k++] = "--runas";
		argv[k++] = "0:0";
	}
	k += pasta_layout_args(c, argv + k);
	k += pasta_policy_args(c, argv + k, specs);
	/* It writes its pid file once its set-up is complete: our readiness fifo. */
	argv[k++] = "--pid";
	argv[k++] = (char *)pid_path;
	argv[k++] = "--userns";
	argv[k++] = userns;
	argv[k++] = "--netns";
	argv[k++] = netns;
	argv[k] = NULL;
	_cleanup_free_ char *avx2 = pasta_avx2_build(bin);
	if (avx2)
		log_verbose(c->verbose, "net: starting pasta's AVX2 build %s directly", avx2);
	return net_spawn(avx2 ? avx2 : bin, argv, fds, ret);
}

/* pasta writes its pid to the --pid file once its set-up is complete: that file is a fifo in a
 * directory of our own, whose read end we hold (net_ready removes both). Not /proc/self/fd/N on
 * a pipe, as before: pasta since 2024 makes itself non-dumpable before it opens the file, so
 * that its own /proc/self/fd is root's ("Couldn't open PID file /proc/self/fd/3: Permission
 * denied" with Debian 13's); nor our /proc/PID/fd/N, which Debian 12's may not open. */
static int pasta_ready_fifo(const struct config *c, struct net_state *st, char **ret_path, struct failure *f)
{
	const char *base = c->runtime_dir && c->runtime_dir[0] == '/' ? c->runtime_dir : "/tmp";

	if (asprintf(&st->ready_dir, "%s/hutch-pasta.XXXXXX", base) < 0) {
		st->ready_dir = NULL;
		return fail(f, -ENOMEM, "net", NULL);
	}
	if (!mkdtemp(st->ready_dir)) {
		int r = fail(f, negative_errno(), "net", "mkdtemp %s", st->ready_dir);
		free(st->ready_dir);
		st->ready_dir = NULL;
		return r;
	}
	if (asprintf(ret_path, "%s/" PASTA_READY_FIFO, st->ready_dir) < 0)
		return fail(f, -ENOMEM, "net", NULL);
	if (mkfifo(*ret_path, 0600) < 0)
		return fail(f, negative_errno(), "net", "mkfifo %s", *ret_path);
	st->ready_fd = open(*ret_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return st->ready_fd < 0 ? fail(f, negative_errno(), "net", "%s", *ret_path) : 0;
}

int net_pasta_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	_cleanup_free_ char *bin = path_find_executable("pasta", c->search_path), *fifo = NULL;
	int r;

	if (!bin)
		return failx(f, "net", "pasta is not installed (needed by --net pasta)");
	if ((r = net_ports_check_free(c, f)) < 0)
		return r;
	if ((r = pasta_ready_fifo(c, st, &fifo, f)) < 0)
		return r;
	if ((st->log_fd = memfd_create("pasta-log", MFD_CLOEXEC)) < 0)
		return fail(f, negative_errno(), "net", "memfd");
	struct spawn_fds fds = { .out = -1, .err = st->log_fd };
	if ((r = pasta_spawn(c, bin, pid1, fifo, &fds, &st->pid)) < 0)
		return fail(f, r, "net", "%s", bin);
	return 0;
}

/* A line (its pid) in the fifo, or pasta's exit first: its pidfd says which. The fifo reports
 * a hang-up only once a writer has come and gone. */
static bool pasta_wait_pid_line(struct net_state *st)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	struct pollfd p[2] = { { .fd = st->ready_fd, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
	char line[64];
	size_t n = 0;

	for (;;) {
		if (poll(p, pidfd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return false;
		}
		ssize_t k = read(st->ready_fd, line + n, sizeof(line) - 1 - n);
		if (k > 0 && (memchr(line + n, '\n', (size_t)k) || n + (size_t)k == sizeof(line) - 1))
			return true;
		if (k > 0)
			n += (size_t)k;
		else if (k == 0 && (p[0].revents & POLLHUP))
			return n > 0; /* closed: a pid without its newline still says ready */
		else if (k < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (p[1].revents & POLLIN)
			return false; /* exited, and nothing more in the fifo */
	}
}

int net_pasta_ready(const struct config *c, struct net_state *st, struct failure *f)
{
	char buf[1024];

	if (pasta_wait_pid_line(st)) {
		log_verbose(c->verbose, "net: pasta ready (pid %d)", (int)st->pid);
		return 0;
	}
	const char *why = net_log_last_line(st->log_fd, buf, sizeof(buf));
	return failx(f, "net", "pasta exited before it was ready: %s", why ? why : "no reason given");
}
