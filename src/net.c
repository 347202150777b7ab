/* Networking (see net.h). net_setup_child runs in the sandbox's pid 1 with CAP_NET_ADMIN over
 * its own network namespace only; the rest runs in the launcher with the caller's privileges
 * (slirp4netns joins the sandbox's user and network namespaces, which the caller owns). */
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "failure.h"
#include "macro.h"
#include "path-util.h"

void net_state_init(struct net_state *st)
{
	*st = (struct net_state){ .pid = -1, .exit_fd = -1 };
}

int net_validate(const struct config *c, struct failure *f)
{
	if (c->net == NET_PASTA || c->net == NET_VETH)
		return failx(f, "--net", "%s is not available in this build yet",
			     c->net == NET_PASTA ? "pasta" : "veth");
	return 0;
}

bool net_needs_launcher(const struct config *c)
{
	return c->net == NET_SLIRP;
}

const char *net_resolv_conf(const struct config *c)
{
	/* slirp4netns answers DNS on 10.0.2.3 and forwards to the host's resolvers. */
	return c->net == NET_SLIRP ? "nameserver 10.0.2.3\n" : NULL;
}

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

int net_setup_child(const struct config *c, struct failure *f)
{
	if (c->share & SHARE_NET)
		return 0;
	return loopback_up(f);
}

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

static int slirp_ports(const struct config *c, const char *sock, struct failure *f)
{
	char req[512], reply[512];

	for (size_t i = 0; i < c->n_ports; i++) {
		const struct port_fwd *p = &c->ports[i];
		snprintf(
		    req, sizeof(req),
		    "{\"execute\": \"add_hostfwd\", \"arguments\": {\"proto\": \"%s\", \"host_addr\": \"%s\", "
		    "\"host_port\": %u, \"guest_port\": %u}}",
		    p->udp ? "udp" : "tcp", p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port,
		    p->sandbox_port);
		int r = slirp_api(sock, req, reply, sizeof(reply));
		if (r < 0)
			return fail(f, r, "--port", "%s%s%u:%u (%s)", p->host_ip, p->host_ip[0] ? ":" : "",
				    p->host_port, p->sandbox_port,
				    reply[0] ? reply : "no answer from slirp4netns");
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

static int slirp_spawn(const struct config *c, const char *bin, pid_t pid1, int ready_w, int exit_r,
		       int log_fd, const char *sock, pid_t *ret)
{
	char userns[64], netns[64], api[160];
	char *argv[20];
	int k = 0;
	posix_spawn_file_actions_t fa;
	extern char **environ;

	snprintf(userns, sizeof(userns), "--userns-path=/proc/%d/ns/user", (int)pid1);
	snprintf(netns, sizeof(netns), "/proc/%d/ns/net", (int)pid1);
	snprintf(api, sizeof(api), "--api-socket=%s", sock);
	argv[k++] = (char *)bin;
	argv[k++] = "--configure";
	argv[k++] = "--mtu=65520";
	/* --enable-sandbox is not used: slirp4netns then setegid(0)s in its own (outer) user
	 * namespace, which only works when it runs as root inside one, as under podman. */
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
	argv[k++] = "tap0";
	argv[k] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, log_fd, STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&fa, ready_w, 3);
	posix_spawn_file_actions_adddup2(&fa, exit_r, 4);
	int r = posix_spawn(ret, bin, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

static int slirp_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	_cleanup_free_ char *bin = path_find_executable("slirp4netns", c->search_path);
	int ready[2] = { -1, -1 }, ex[2] = { -1, -1 };
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)], byte;
	int r;

	if (!bin)
		return failx(f, "net", "slirp4netns is not installed (needed by --net slirp)");
	if (c->n_ports > 0 && (r = slirp_sock_path(c, sock, sizeof(sock))) < 0)
		return fail(f, r, "net", "the runtime directory's path is too long for a socket");
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "net", "pipe");
	/* Its chatter goes to a memfd, read only to explain a failure: never to the user's
	 * terminal, and never a pipe whose reader could go away. */
	_cleanup_close_ int log_fd = memfd_create("slirp4netns-log", MFD_CLOEXEC);
	if (log_fd < 0)
		return fail(f, negative_errno(), "net", "memfd");
	r = slirp_spawn(c, bin, pid1, ready[1], ex[0], log_fd, sock, &st->pid);
	safe_close(ready[1]);
	safe_close(ex[0]);
	st->exit_fd = ex[1];
	if (r < 0) {
		safe_close(ready[0]);
		return fail(f, r, "net", "%s", bin);
	}
	ssize_t n = read(ready[0], &byte, 1);
	safe_close(ready[0]);
	if (n != 1)
		return failx(f, "net",
			     "slirp4netns exited before it was ready (is /dev/net/tun accessible?)");
	r = c->n_ports > 0 ? slirp_ports(c, sock, f) : 0;
	if (c->n_ports > 0)
		unlink(sock);
	return r;
}

int net_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	if (c->net == NET_SLIRP)
		return slirp_start(c, pid1, st, f);
	return 0;
}

void net_stop(struct net_state *st)
{
	st->exit_fd = safe_close(st->exit_fd);
	if (st->pid > 0) {
		/* It exits when the exit fd closes; SIGTERM in case it is stuck elsewhere. */
		kill(st->pid, SIGTERM);
		waitpid(st->pid, NULL, 0);
		st->pid = -1;
	}
}
