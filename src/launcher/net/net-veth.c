/* --net veth: a veth pair on the admin's bridge, made by the setuid helper hutch-veth for a
 * normal user, or by a root launcher itself through src/veth/veth-link.c. Launcher side, the
 * caller's own privileges (the helper is a program of its own). */
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

int net_veth_validate(const struct net_backend *be, const struct config *c, struct failure *f)
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
	if ((r = net_spawn(bin, argv, &fds, &pid)) < 0)
		return fail(f, r, "net", "%s", bin);
	out_w = safe_close(out_w);
	r = net_read_line(out_r, reply, size);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	/* The helper's message is one line already: "hutch-veth: bridge x is not allowed …". */
	const char *why = net_log_last_line(log_fd, buf, sizeof(buf));
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

int net_veth_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f)
{
	return c->host_uid == 0 ? veth_start_direct(c, pid1, st, f) : veth_start_helper(c, pid1, st, f);
}

/* The pair would vanish with the sandbox's network namespace anyway; removing it here makes
 * that happen now, not whenever the kernel's namespace cleanup runs. */
void net_veth_stop(struct net_state *st)
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
