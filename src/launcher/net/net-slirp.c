/* --net slirp: slirp4netns joins the sandbox's user and network namespaces, makes (or takes)
 * the tap, and forwards --port through its API socket. Launcher side, the caller's own
 * privileges. */
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

#include "front/config.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "veth/rtnl.h"
#include "veth/veth-conf.h"
#include "veth/veth-link.h"

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
	return net_spawn(bin, argv, fds, ret);
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
	const char *why = net_log_last_line(log_fd, buf, sizeof(buf));
	return failx(f, "net", "slirp4netns exited before it was ready: %s",
		     why ? why : "no reason given (is /dev/net/tun accessible?)");
}

int net_slirp_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	_cleanup_free_ char *bin = path_find_executable("slirp4netns", c->search_path);
	_cleanup_close_ int ready_w = -1, exit_r = -1;
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)] = "";
	int p[2], r;

	if (!bin)
		return failx(f, "net", "slirp4netns is not installed (needed by --net slirp)");
	if ((r = net_ports_check_free(c, f)) < 0)
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

int net_slirp_ready(const struct config *c, struct net_state *st, struct failure *f)
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
