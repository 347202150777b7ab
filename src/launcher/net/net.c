/* Networking (see net.h): one ops table per back-end. net_setup_child runs in the sandbox's
 * pid 1 with CAP_NET_ADMIN over its own network namespace only; the rest runs in the launcher
 * with the caller's privileges (slirp4netns and pasta join the sandbox's user and network
 * namespaces, which the caller owns; for veth a normal user's launcher runs the setuid helper
 * hutch-veth, and a root launcher does the same itself through src/veth/veth-link.c).
 * Over 600 lines: five back-ends behind one ops table, slirp4netns and pasta most of it; a file
 * per back-end is the next split. */
#include "launcher/net/net.h"

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

#include "front/config.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "veth/rtnl.h"
#include "veth/veth-conf.h"
#include "veth/veth-link.h"

struct net_backend {
	const char *name;	 /* for messages */
	const char *program;	 /* what must be in $PATH, or NULL */
	bool needs_tun;		 /* a tap device in the sandbox: /dev/net/tun must open */
	const char *resolv_conf; /* the sandbox's /etc/resolv.conf, or NULL for the view's own */
	int (*validate)(const struct net_backend *be, const struct config *c, struct failure *f);
	int (*start)(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f);
	/* after start, NULL when start is complete in itself: wait until the back-end is ready */
	int (*ready)(const struct config *c, struct net_state *st, struct failure *f);
	void (*stop)(struct net_state *st);
};

/* ---- spawning a helper ----------------------------------------------------------------------- */

/* The fds a helper gets: 0 is /dev/null, 1 out (or /dev/null), 2 err, then extra[] from 3 on. */
struct spawn_fds {
	int out, err;
	int extra[2];
	size_t n_extra;
};

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
	_exit(127);
}

static int spawn(const char *bin, char *const argv[], const struct spawn_fds *s, pid_t *ret)
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

static void reap(pid_t *pid, int sig)
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
static const char *log_last_line(int log_fd, char *buf, size_t size)
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
static int read_line(int fd, char *buf, size_t size)
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

/* The sandbox's side of user-mode networking is the same whichever back-end runs it, so that
 * auto-usermode means one thing: slirp4netns's default layout, which pasta is told to use
 * instead of copying the host's addresses. The gateway stands for the host's loopback when
 * --allow-host-loopback says so; the resolver forwards to the host's resolvers. */
#define USERMODE_ADDR	"10.0.2.100"
#define USERMODE_PREFIX "24"
#define USERMODE_GW	"10.0.2.2"
#define USERMODE_DNS	"10.0.2.3"
#define USERMODE_ADDR6	"fd00::100"
#define USERMODE_GW6	"fd00::2"
#define USERMODE_DNS6	"fd00::3"
#define USERMODE_RESOLV "nameserver " USERMODE_DNS "\n"

static int program_validate(const struct net_backend *be, const struct config *c, struct failure *f)
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

static int ports_check_free(const struct config *c, struct failure *f)
{
	for (size_t i = 0; i < c->n_ports; i++) {
		int r = port_check_free(&c->ports[i], f);
		if (r < 0)
			return r;
	}
	return 0;
}

static void usermode_stop(struct net_state *st)
{
	st->ready_fd = safe_close(st->ready_fd);
	st->log_fd = safe_close(st->log_fd);
	st->exit_fd = safe_close(st->exit_fd);
	/* slirp4netns ends when its exit fd closes, pasta on SIGTERM; SIGTERM to both, then wait
	 * (both are our children). */
	reap(&st->pid, SIGTERM);
}

/* ---- slirp4netns ----------------------------------------------------------------------------- */

/* One JSON request on slirp4netns's API socket; its answer names an error if any. */
static int slirp_api(const char *sock_path, const char *req, char *reply, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ssize_t n;

	memcpy(sa.sun_path, sock_path, strnlen(sock_path, sizeof(sa.sun_path) - 1));
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	if (write(s, req, strlen(req)) != (ssize_t)strlen(req))
		return -EIO;
	shutdown(s, SHUT_WR);
	n = read(s, reply, len - 1);
	reply[n > 0 ? n : 0] = '\0';
	return strstr(reply, "\"error\"") ? -EADDRINUSE : 0;
}

/* What slirp4netns said, from its {"error": {"desc": "..."}}: the text alone. */
static const char *slirp_desc(char *reply)
{
	char *d = strstr(reply, "\"desc\":\""), *end;

	if (!d)
		return reply[0] ? reply : "no answer";
	d += 8;
	if ((end = strchr(d, '"')))
		*end = '\0';
	return d;
}

static int slirp_ports(const struct config *c, const char *sock, struct failure *f)
{
	char req[512], reply[512];

	for (size_t i = 0; i < c->n_ports; i++) {
		const struct port_fwd *p = &c->ports[i];
		bool v6 = strchr(p->host_ip, ':') != NULL;
		/* its API takes an IPv4 host_addr only (slirp4netns 1.2: "bad arguments.host_addr") */
		if (v6)
			return failx(
			    f, "--port",
			    "[%s]:%u:%u: slirp4netns forwards from IPv4 addresses only: use --net pasta",
			    p->host_ip, p->host_port, p->sandbox_port);
		snprintf(
		    req, sizeof(req),
		    "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", \"host_addr\": \"%s\", "
		    "\"host_port\": %u, \"guest_port\": %u}}",
		    p->udp ? "udp" : "tcp", p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port,
		    p->sandbox_port);
		int r = slirp_api(sock, req, reply, sizeof(reply));
		if (r == -EADDRINUSE && reply[0])
			return failx(f, "--port", "%s%s%u:%u: slirp4netns refused it: %s", p->host_ip,
				     p->host_ip[0] ? ":" : "", p->host_port, p->sandbox_port,
				     slirp_desc(reply));
		if (r < 0)
			return fail(f, r, "--port", "%s%s%u:%u: slirp4netns: %s", p->host_ip,
				    p->host_ip[0] ? ":" : "", p->host_port, p->sandbox_port,
				    slirp_desc(reply));
	}
	return 0;
}

/* The API socket lives only while the ports are added: nothing can be left behind. */
static int slirp_sock_path(const struct config *c, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/hutch-slirp-%d.sock", c->runtime_dir ? c->runtime_dir : "/tmp",
			 (int)getpid());

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int slirp_spawn(const struct config *c, const char *bin, pid_t pid1, const struct spawn_fds *fds,
		       const char *sock, pid_t *ret)
{
	char userns[64], netns[64], api[160];
	char *argv[20];
	int k = 0;

	snprintf(userns, sizeof(userns), "--userns-path=/proc/%d/ns/user", (int)pid1);
	snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)pid1);
	snprintf(api, sizeof(api), "--api-socket=%s", sock);
	argv[k++] = (char *)bin;
	argv[k++] = "--configure";
	argv[k++] = "--mtu=65520";
	/* --enable-sandbox is not used: slirp4netns then setegid(0)s in its own (outer) user
	 * namespace, which only works when it runs as root inside one, as under podman; run
	 * by a normal user on the host it fails with EPERM. --enable-seccomp works anywhere. */
	argv[k++] = "--enable-seccomp";
	if (!c->allow_host_loopback)
		argv[k++] = "--disable-host-loopback";
	if (c->ipv6)
		argv[k++] = "--enable-ipv6";
	argv[k++] = "--ready-fd=3";
	argv[k++] = "--exit-fd=4";
	if (c->n_ports > 0)
		argv[k++] = api;
	argv[k++] = userns;
	argv[k++] = "--netns-type=path";
	argv[k++] = netns;
	argv[k++] = NET_TAP_NAME;
	argv[k] = NULL;
	return spawn(bin, argv, fds, ret);
}

/* Readiness: a byte on the ready fd; end of file there means it died first. */
static int slirp_wait_ready(int ready_fd, int log_fd, struct failure *f)
{
	char byte, buf[1024];
	ssize_t n;

	while ((n = read(ready_fd, &byte, 1)) < 0 && errno == EINTR)
		;
	if (n == 1)
		return 0;
	const char *why = log_last_line(log_fd, buf, sizeof(buf));
	return failx(f, "net", "slirp4netns exited before it was ready: %s",
		     why ? why : "no reason given (is /dev/net/tun accessible?)");
}

static int slirp_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	_cleanup_free_ char *bin = path_find_executable("slirp4netns", c->search_path);
	_cleanup_close_ int ready_w = -1, exit_r = -1;
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)] = "";
	int p[2], r;

	if (!bin)
		return failx(f, "net", "slirp4netns is not installed (needed by --net slirp)");
	if ((r = ports_check_free(c, f)) < 0)
		return r;
	if (c->n_ports > 0 && (r = slirp_sock_path(c, sock, sizeof(sock))) < 0)
		return fail(f, r, "net", "the runtime directory's path is too long for a socket");
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "net", "pipe");
	st->ready_fd = p[0], ready_w = p[1];
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "net", "pipe");
	exit_r = p[0], st->exit_fd = p[1];
	/* Its chatter goes to a memfd, read only to explain a failure: never to the user's
	 * terminal, and never a pipe whose reader could go away. */
	if ((st->log_fd = memfd_create("slirp4netns-log", MFD_CLOEXEC)) < 0)
		return fail(f, negative_errno(), "net", "memfd");
	struct spawn_fds fds = { .out = -1, .err = st->log_fd, .extra = { ready_w, exit_r }, .n_extra = 2 };
	if ((r = slirp_spawn(c, bin, pid1, &fds, sock, &st->pid)) < 0)
		return fail(f, r, "net", "%s", bin);
	return 0;
}

static int slirp_ready(const struct config *c, struct net_state *st, struct failure *f)
{
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)] = "";
	int r = slirp_wait_ready(st->ready_fd, st->log_fd, f);

	if (r < 0)
		return r;
	log_verbose(c->verbose, "net: slirp4netns ready (pid %d)", (int)st->pid);
	if (c->n_ports == 0)
		return 0;
	if ((r = slirp_sock_path(c, sock, sizeof(sock))) < 0)
		return fail(f, r, "net", "the runtime directory's path is too long for a socket");
	r = slirp_ports(c, sock, f);
	unlink(sock);
	return r;
}

/* ---- pasta ----------------------------------------------------------------------------------- */

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

static int pasta_spawn(const struct config *c, const char *bin, pid_t pid1, const struct spawn_fds *fds,
		       pid_t *ret)
{
	char userns[64], netns[64];
	_cleanup_free_ char(*specs)[80] = calloc(c->n_ports + 1, sizeof(*specs));
	/* 40 covers every fixed option (38 with --ipv6 and no port); two per forward */
	_cleanup_free_ char **argv = calloc(40 + 2 * c->n_ports, sizeof(char *));
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
	return spawn(bin, argv, fds, ret);
}

static int pasta_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	_cleanup_free_ char *bin = path_find_executable("pasta", c->search_path);
	_cleanup_close_ int ready_w = -1;
	int p[2], r;

	if (!bin)
		return failx(f, "net", "pasta is not installed (needed by --net pasta)");
	if ((r = ports_check_free(c, f)) < 0)
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

static int pasta_ready(const struct config *c, struct net_state *st, struct failure *f)
{
	char line[64], buf[1024];

	if (read_line(st->ready_fd, line, sizeof(line)) == 0) {
		log_verbose(c->verbose, "net: pasta ready (pid %d)", (int)st->pid);
		return 0;
	}
	const char *why = log_last_line(st->log_fd, buf, sizeof(buf));
	return failx(f, "net", "pasta exited before it was ready: %s", why ? why : "no reason given");
}

/* ---- veth ------------------------------------------------------------------------------------ */

static int veth_validate(const struct net_backend *be, const struct config *c, struct failure *f)
{
	struct stat st;

	if (!c->bridge || !veth_name_valid(c->bridge))
		return failx(f, "--bridge", "'%s' is not an interface name", c->bridge ? c->bridge : "");
	if (c->host_uid == 0)
		return 0; /* root needs no helper */
	_cleanup_free_ char *bin = path_find_executable("hutch-veth", c->search_path);
	if (!bin)
		return failx(f, "net", "hutch-veth is not installed (needed by --net veth as a normal user)");
	if (stat(bin, &st) < 0 || st.st_uid != 0 || !(st.st_mode & S_ISUID))
		return failx(f, "net", "%s is not setuid root (see hutch-veth(8))", bin);
	return 0;
}

/* As root: the helper's work without its policy (root may use any bridge), in this process. */
static int veth_start_direct(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	struct veth_bridge br;
	struct veth_usage u = { 0 };
	struct veth_pair p;
	struct in_addr addr;
	char path[64];
	int r;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid1);
	_cleanup_close_ int ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return fail(f, negative_errno(), "net", "veth: %s", path);
	_cleanup_close_ int lock = veth_lock();
	_cleanup_close_ int rtnl = rtnl_open(-1);
	if (lock < 0 || rtnl < 0)
		return fail(f, lock < 0 ? lock : rtnl, "net", "veth: %s",
			    lock < 0 ? VETH_LOCK_PATH : "rtnetlink");
	if ((r = veth_bridge_find(rtnl, c->bridge, &br)) < 0)
		return failx(f, "--bridge", "bridge %s: %s", c->bridge, veth_bridge_error(r));
	if ((r = veth_usage_scan(rtnl, &br, 0, &u)) < 0)
		return fail(f, r, "--bridge", "%s", c->bridge);
	r = veth_pick_address(&br, &u, &addr);
	veth_usage_free(&u);
	if (r < 0)
		return failx(f, "--bridge", "%s: no free address left in its range", c->bridge);
	if ((r = veth_add(rtnl, ns, &br, 0, addr, &p)) < 0)
		return fail(f, r, "net", "creating the veth pair on %s", c->bridge);
	st->veth_ifindex = p.ifindex;
	log_verbose(c->verbose, "net: %s on %s, sandbox address %s/%u", p.name, c->bridge, inet_ntoa(p.addr),
		    p.prefix);
	return 0;
}

/* "IFINDEX NAME ADDR/LEN GW", the helper's one line. */
static int veth_parse_reply(const char *line, struct net_state *st)
{
	int idx;

	if (sscanf(line, "%d ", &idx) != 1 || idx <= 0)
		return -EBADMSG;
	st->veth_ifindex = idx;
	return 0;
}

static int veth_run_helper(const char *bin, char *const argv[], char *reply, size_t size, struct failure *f)
{
	int p[2], status = 0, r;
	pid_t pid = -1;
	char buf[1024];

	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "net", "pipe");
	_cleanup_close_ int out_r = p[0], out_w = p[1];
	_cleanup_close_ int log_fd = memfd_create("hutch-veth-log", MFD_CLOEXEC);
	if (log_fd < 0)
		return fail(f, negative_errno(), "net", "memfd");
	struct spawn_fds fds = { .out = out_w, .err = log_fd };
	if ((r = spawn(bin, argv, &fds, &pid)) < 0)
		return fail(f, r, "net", "%s", bin);
	out_w = safe_close(out_w);
	r = read_line(out_r, reply, size);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* The helper's message is one line already: "hutch-veth: bridge x is not allowed …". */
	const char *why = log_last_line(log_fd, buf, sizeof(buf));
	return failx(f, "net", "%s", why ? why : "hutch-veth failed without saying why");
}

static int veth_start_helper(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	char pid[16], line[256];
	int r;

	st->veth_helper = path_find_executable("hutch-veth", c->search_path);
	if (!st->veth_helper)
		return failx(f, "net", "hutch-veth is not installed (needed by --net veth as a normal user)");
	snprintf(pid, sizeof(pid), "%d", (int)pid1);
	char *argv[] = { st->veth_helper, "add", pid, c->bridge, NULL };
	if ((r = veth_run_helper(st->veth_helper, argv, line, sizeof(line), f)) < 0)
		return r;
	if (veth_parse_reply(line, st) < 0)
		return failx(f, "net", "hutch-veth: unexpected answer '%s'", line);
	log_verbose(c->verbose, "net: veth on %s: %s", c->bridge, line);
	return 0;
}

static int veth_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	return c->host_uid == 0 ? veth_start_direct(c, pid1, st, f) : veth_start_helper(c, pid1, st, f);
}

/* The pair would vanish with the sandbox's network namespace anyway; removing it here makes
 * that happen now, not whenever the kernel's namespace cleanup runs. */
static void veth_stop(struct net_state *st)
{
	char idx[16], reply[64];

	if (st->veth_ifindex > 0 && st->veth_helper) {
		snprintf(idx, sizeof(idx), "%d", st->veth_ifindex);
		char *argv[] = { st->veth_helper, "del", idx, NULL };
		veth_run_helper(st->veth_helper, argv, reply, sizeof(reply), NULL);
	} else if (st->veth_ifindex > 0) {
		_cleanup_close_ int lock = veth_lock();
		_cleanup_close_ int rtnl = rtnl_open(-1);
		if (rtnl >= 0)
			veth_del(rtnl, st->veth_ifindex, 0, true);
	}
	st->veth_ifindex = 0;
	free(st->veth_helper);
	st->veth_helper = NULL;
}

/* ---- the table ------------------------------------------------------------------------------- */

static const struct net_backend backends[] = {
	[NET_NONE] = { .name = "none" },
	[NET_HOST] = { .name = "host" },
	[NET_SLIRP] = { .name = "slirp",
			.program = "slirp4netns",
			.needs_tun = true,
			.resolv_conf = USERMODE_RESOLV,
			.validate = program_validate,
			.start = slirp_start,
			.ready = slirp_ready,
			.stop = usermode_stop },
	[NET_PASTA] = { .name = "pasta",
			.program = "pasta",
			.needs_tun = true,
			.resolv_conf = USERMODE_RESOLV,
			.validate = program_validate,
			.start = pasta_start,
			.ready = pasta_ready,
			.stop = usermode_stop },
	[NET_VETH] = { .name = "veth", .validate = veth_validate, .start = veth_start, .stop = veth_stop },
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

	st->ready_fd = safe_close(st->ready_fd);
	st->log_fd = safe_close(st->log_fd);
	return r;
}

void net_stop(struct net_state *st)
{
	if (st->backend && st->backend->stop)
		st->backend->stop(st);
	st->backend = NULL;
}
