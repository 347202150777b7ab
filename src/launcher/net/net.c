/* Networking (see net.h): one ops table per back-end. net_setup_child runs in the sandbox's
 * pid 1 with CAP_NET_ADMIN over its own network namespace only; the rest runs in the launcher
 * with the caller's privileges (slirp4netns and pasta join the sandbox's user and network
 * namespaces, which the caller owns; for veth a normal user's launcher runs the setuid helper
 * hutch-veth, and a root launcher does the same itself through src/veth/veth-link.c).
 * The back-ends with a helper program have a file each (net-slirp.c, net-pasta.c, net-veth.c);
 * this file holds the table, none and host, and what they share. */
#include "launcher/net/net.h"
#include "launcher/net/net-int.h"

#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

#include "front/config.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "veth/rtnl.h"
#include "veth/veth-conf.h"
#include "veth/veth-link.h"

/* ---- spawning a helper ----------------------------------------------------------------------- */

/* In the forked child: move the fds in place (through high numbers first, so that no source
 * is overwritten before it is copied), undo what the launcher set for itself, tie the helper's
 * life to ours, and exec. */
_noreturn_ static void spawn_child(const char *bin, char *const argv[], const struct spawn_fds *s,
				   pid_t parent)
{
	int src[5] = { open("/dev/null", O_RDWR | O_CLOEXEC), s->out, s->err, s->extra[0], s->extra[1] };
	size_t n = 3 + s->n_extra;
	sigset_t none;

	if (src[1] < 0)
		src[1] = src[0];
	for (size_t i = 0; i < n; i++)
		if (src[i] < 0 || (src[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 100)) < 0)
			_exit(127);
	for (size_t i = 0; i < n; i++)
		if (dup2(src[i], (int)i) < 0)
			_exit(127);
	/* The launcher blocks the signals it forwards; a helper must get SIGTERM. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	/* Its own session: a ^C on the terminal is for the command (the launcher forwards it),
	 * not for the network under it. */
	setsid();
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
	execv(bin, argv);
	/* a build of the program run directly (net_spawn) that would not run: the program itself */
	if (strcmp(bin, argv[0]) != 0)
		execv(argv[0], argv);
	_exit(127);
}

int net_spawn(const char *bin, char *const argv[], const struct spawn_fds *s, pid_t *ret)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid < 0)
		return negative_errno();
	if (pid == 0)
		spawn_child(bin, argv, s, parent);
	*ret = pid;
	return 0;
}

void net_reap(pid_t *pid, int sig)
{
	if (*pid <= 0)
		return;
	if (sig)
		kill(*pid, sig);
	while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
		;
	*pid = -1;
}

/* The last line a helper wrote to its log (a memfd), for the failure's detail: pasta and
 * slirp4netns say last what went wrong. */
const char *net_log_last_line(int log_fd, char *buf, size_t size)
{
	off_t len = lseek(log_fd, 0, SEEK_END);
	off_t from = len > (off_t)size - 1 ? len - ((off_t)size - 1) : 0;
	ssize_t n = len > 0 ? pread(log_fd, buf, size - 1, from) : 0;
	char *end, *line;

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	end = buf + n;
	while (end > buf && (end[-1] == '\n' || end[-1] == ' '))
		*--end = '\0';
	line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	return *line ? line : NULL;
}

/* Read one line (up to size-1 bytes) from fd, stopping at its end: 0 when a line came. */
int net_read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n < size - 1) {
		ssize_t k = read(fd, buf + n, 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return n > 0 ? 0 : -EIO;
}

/* ---- none and host --------------------------------------------------------------------------- */

static int loopback_up(struct failure *f)
{
	_cleanup_close_ int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = { 0 };

	if (s < 0)
		return fail(f, negative_errno(), "net", "socket for lo");
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		return fail(f, negative_errno(), "net", "lo flags");
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		return fail(f, negative_errno(), "net", "bringing lo up");
	return 0;
}

/* ---- what the user-mode back-ends share ------------------------------------------------------ */

int net_program_validate(const struct net_backend *be, const struct config *c, struct failure *f)
{
	_cleanup_free_ char *bin = path_find_executable(be->program, c->search_path);

	if (!bin)
		return failx(f, "net", "%s is not installed (needed by --net %s)", be->program, be->name);
	/* Opened for real by the back-end inside the sandbox's namespaces; the device's mode is
	 * the same from here. */
	if (be->needs_tun && access("/dev/net/tun", R_OK | W_OK) < 0)
		return fail(f, negative_errno(), "net", "/dev/net/tun is not accessible (needed by --net %s)",
			    be->name);
	return 0;
}

static int port_sockaddr(const struct port_fwd *p, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!p->host_ip[0] || inet_pton(AF_INET, p->host_ip, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p->host_port);
		*len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, p->host_ip, &in6->sin6_addr) != 1)
		return -EINVAL;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)p->host_port);
	*len = sizeof(*in6);
	return 0;
}

/* A host port that is taken is a clear error before anything starts (the back-ends would
 * only say so in their own words, or not at all). TCP binds as the back-ends do, with
 * SO_REUSEADDR, so that a connection in TIME_WAIT does not count as "in use". */
static int port_check_free(const struct port_fwd *p, struct failure *f)
{
	struct sockaddr_storage ss;
	socklen_t len;
	const char *proto = p->udp ? "udp" : "tcp";
	int one = 1;

	if (port_sockaddr(p, &ss, &len) < 0)
		return failx(f, "--port", "'%s' is not an IP address", p->host_ip);
	_cleanup_close_ int s = socket(ss.ss_family, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail(f, negative_errno(), "--port", "socket");
	if (!p->udp)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&ss, len) == 0)
		return 0;
	if (errno == EADDRINUSE)
		return failx(f, "--port", "host port %u/%s is already in use", p->host_port, proto);
	if (errno == EADDRNOTAVAIL)
		return failx(f, "--port", "%s is not an address of this host", p->host_ip);
	if (errno == EACCES)
		return failx(f, "--port",
			     "host port %u/%s is privileged (below net.ipv4.ip_unprivileged_port_start)",
			     p->host_port, proto);
	return fail(f, negative_errno(), "--port", "host port %u/%s", p->host_port, proto);
}

int net_ports_check_free(const struct config *c, struct failure *f)
{
	for (size_t i = 0; i < c->n_ports; i++) {
		int r = port_check_free(&c->ports[i], f);
		if (r < 0)
			return r;
	}
	return 0;
}

/* pasta's readiness fifo and its directory (net-pasta.c), once ready or given up on (a
 * SIGKILLed launcher leaves them: an empty fifo in a directory of the user's). */
static void net_ready_dir_remove(struct net_state *st)
{
	char path[PATH_MAX];

	if (!st->ready_dir)
		return;
	snprintf(path, sizeof(path), "%s/" PASTA_READY_FIFO, st->ready_dir);
	(void)unlink(path);
	(void)rmdir(st->ready_dir);
	free(st->ready_dir);
	st->ready_dir = NULL;
}

/* slirp4netns ends when its exit fd closes, pasta on SIGTERM; SIGTERM to both (again to one
 * told already: it is our child, unreaped, so its pid is still its own), and to the process
 * group it leads (spawn_child's setsid): a child it forked during its own start (slirp4netns
 * opens the tap from one) ends with it rather than outliving it. */
void net_usermode_signal(struct net_state *st)
{
	net_ready_dir_remove(st);
	st->ready_fd = safe_close(st->ready_fd);
	st->log_fd = safe_close(st->log_fd);
	st->exit_fd = safe_close(st->exit_fd);
	if (st->pid > 0) {
		kill(-st->pid, SIGTERM);
		kill(st->pid, SIGTERM);
	}
}

void net_usermode_stop(struct net_state *st)
{
	/* then wait: both are our children */
	net_usermode_signal(st);
	net_reap(&st->pid, 0);
}

/* ---- the table ------------------------------------------------------------------------------- */

static const struct net_backend backends[] = {
	[NET_NONE] = { .name = "none" },
	[NET_HOST] = { .name = "host" },
	[NET_SLIRP] = { .name = "slirp",
			.program = "slirp4netns",
			.needs_tun = true,
			.resolv_conf = USERMODE_RESOLV,
			.validate = net_program_validate,
			.start = net_slirp_start,
			.ready = net_slirp_ready,
			.signal = net_usermode_signal,
			.stop = net_usermode_stop },
	[NET_PASTA] = { .name = "pasta",
			.program = "pasta",
			.needs_tun = true,
			.resolv_conf = USERMODE_RESOLV,
			.validate = net_program_validate,
			.start = net_pasta_start,
			.ready = net_pasta_ready,
			.signal = net_usermode_signal,
			.stop = net_usermode_stop },
	[NET_VETH] = { .name = "veth",
		       .validate = net_veth_validate,
		       .start = net_veth_start,
		       .stop = net_veth_stop },
};

/* NULL for a mode that has no back-end of its own (auto-usermode, resolved by config.c). */
static const struct net_backend *backend_of(const struct config *c)
{
	if ((size_t)c->net >= ARRAY_SIZE(backends) || !backends[c->net].name)
		return NULL;
	return &backends[c->net];
}

void net_state_init(struct net_state *st)
{
	*st = (struct net_state){ .pid = -1, .exit_fd = -1, .ready_fd = -1, .log_fd = -1 };
}

int net_validate(const struct config *c, struct failure *f)
{
	const struct net_backend *be = backend_of(c);

	if (!be)
		return failx(f, "--net", "no back-end for this mode");
	return be->validate ? be->validate(be, c, f) : 0;
}

bool net_needs_launcher(const struct config *c)
{
	const struct net_backend *be = backend_of(c);

	return be && be->start;
}

const char *net_resolv_conf(const struct config *c)
{
	const struct net_backend *be = backend_of(c);

	return be ? be->resolv_conf : NULL;
}

static bool ipv6_usermode(const struct config *c)
{
	return c->ipv6 && !(c->share & SHARE_NET) && net_needs_launcher(c);
}

void net_prepare_ipv6(const struct config *c)
{
	/* "default" is what the back-end's interface, made later, starts with. */
	static const char *const knobs[] = { "accept_dad", "router_solicitation_delay" };
	char path[96];

	if (!ipv6_usermode(c))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(knobs); i++) {
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/default/%s", knobs[i]);
		_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			(void)!write(fd, "0", 1);
	}
}

/* A global IPv6 address past duplicate detection (RTM_NEWADDR), anywhere: sets *(bool *)arg. */
static int usable_ipv6(const struct nlmsghdr *h, void *arg)
{
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *tb[IFA_MAX + 1];
	uint32_t flags;

	if (h->nlmsg_type != RTM_NEWADDR || h->nlmsg_len < NLMSG_LENGTH(sizeof(*ifa)) ||
	    ifa->ifa_family != AF_INET6 || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;
	rtnl_parse(h, sizeof(*ifa), tb, IFA_MAX);
	flags = ifa->ifa_flags;
	if (tb[IFA_FLAGS] && RTA_PAYLOAD(tb[IFA_FLAGS]) >= sizeof(uint32_t))
		flags = *(const uint32_t *)RTA_DATA(tb[IFA_FLAGS]);
	if (!(flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED)))
		*(bool *)arg = true;
	return 0;
}

int net_wait_ipv6(const struct config *c)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_IPV6_IFADDR };
	_cleanup_close_ int mon = -1, q = -1;
	struct rtnl_req req;
	struct timespec end, now;
	bool found = false;
	int r;

	if (!ipv6_usermode(c))
		return 0;
	/* Listening before asking: an address that comes between the two is not missed. */
	mon = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (mon < 0 || bind(mon, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	if ((q = rtnl_open(-1)) < 0)
		return q;
	struct ifaddrmsg *ifa = rtnl_init(&req, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	if ((r = rtnl_dump(q, &req, usable_ipv6, &found)) < 0)
		return r;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += NET_IPV6_WAIT_MS / 1000;
	while (!found) {
		char buf[8192];
		clock_gettime(CLOCK_MONOTONIC, &now);
		long ms = (end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		struct pollfd p = { .fd = mon, .events = POLLIN };
		if (ms <= 0)
			return -ETIMEDOUT;
		if ((r = poll(&p, 1, (int)ms)) < 0 && errno != EINTR)
			return negative_errno();
		if (r <= 0)
			continue;
		ssize_t n = recv(mon, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return negative_errno();
		int len = n > 0 ? (int)n : 0;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len))
			usable_ipv6(h, &found);
	}
	return 0;
}

bool net_makes_tap(const struct config *c)
{
	const struct net_backend *be = backend_of(c);

	return be && be->needs_tun && !(c->share & SHARE_NET);
}

int net_make_tap(const struct config *c)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };

	if (!net_makes_tap(c))
		return 0;
	_cleanup_close_ int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return negative_errno();
	strcpy(ifr.ifr_name, NET_TAP_NAME);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0)
		return negative_errno();
	return 0;
}

int net_setup_child(const struct config *c, struct failure *f)
{
	if (c->share & SHARE_NET)
		return 0;
	return loopback_up(f);
}

int net_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	const struct net_backend *be = backend_of(c);

	if (!be || !be->start)
		return 0;
	/* Recorded first: whatever the start leaves behind, net_stop undoes. */
	st->backend = be;
	return be->start(c, pid1, st, f);
}

int net_ready(const struct config *c, struct net_state *st, struct failure *f)
{
	int r = st->backend && st->backend->ready ? st->backend->ready(c, st, f) : 0;

	net_ready_dir_remove(st);
	st->ready_fd = safe_close(st->ready_fd);
	st->log_fd = safe_close(st->log_fd);
	return r;
}

void net_stop_begin(struct net_state *st)
{
	if (st->backend && st->backend->signal)
		st->backend->signal(st);
}

void net_stop(struct net_state *st)
{
	if (st->backend && st->backend->stop)
		st->backend->stop(st);
	st->backend = NULL;
}
