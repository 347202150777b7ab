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

static int pasta_spawn(const struct config *c, const char *bin, pid_t pid1, const struct spawn_fds *fds,
		       pid_t *ret)
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
	/* It writes its pid file once its set-up is complete: fd 3 is our readiness pipe. */
	argv[k++] = "--pid";
	argv[k++] = "/proc/self/fd/3";
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

int net_pasta_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	_cleanup_free_ char *bin = path_find_executable("pasta", c->search_path);
	_cleanup_close_ int ready_w = -1;
	int p[2], r;

	if (!bin)
		return failx(f, "net", "pasta is not installed (needed by --net pasta)");
	if ((r = net_ports_check_free(c, f)) < 0)
		return r;
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "net", "pipe");
	st->ready_fd = p[0], ready_w = p[1];
	if ((st->log_fd = memfd_create("pasta-log", MFD_CLOEXEC)) < 0)
		return fail(f, negative_errno(), "net", "memfd");
	struct spawn_fds fds = { .out = -1, .err = st->log_fd, .extra = { ready_w }, .n_extra = 1 };
	if ((r = pasta_spawn(c, bin, pid1, &fds, &st->pid)) < 0)
		return fail(f, r, "net", "%s", bin);
	return 0;
}

int net_pasta_ready(const struct config *c, struct net_state *st, struct failure *f)
{
	char line[64], buf[1024];

	if (net_read_line(st->ready_fd, line, sizeof(line)) == 0) {
		log_verbose(c->verbose, "net: pasta ready (pid %d)", (int)st->pid);
		return 0;
	}
	const char *why = net_log_last_line(st->log_fd, buf, sizeof(buf));
	return failx(f, "net", "pasta exited before it was ready: %s", why ? why : "no reason given");
}
