/* The children's drivers (see child.h). child_main runs in the new user namespace with its
 * full capabilities there and none outside; sandbox_main is the sandbox's pid 1. */
#include "sandbox/child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/clone.h"
#include "command/command.h"
#include "front/config.h"
#include "egress/egress.h"
#include "lib/failure.h"
#include "sandbox/gate.h"
#include "sandbox/mount/mount.h"
#include "sandbox/nest.h"
#include "launcher/net/net.h"
#include "sandbox/pid1.h"
#include "sandbox/rootfs.h"
#include "lib/sync.h"

_noreturn_ static void child_fail(int sync_fd, const struct failure *f)
{
	sync_send_error(sync_fd, f);
	_exit(EXIT_LAUNCHER);
}

/* PR_SET_PDEATHSIG, then make sure the launcher did not die before it took effect: its end
 * of the sync socket hangs up when it goes. A pid 1 that is not the launcher's child
 * (c->pid1_sibling) is not tied so: its parent is the runtime's create, which exits while the
 * container lives; until the command's exec, the launcher's end of the sync socket ties it
 * (every read from it ends at the hang-up, and the start gate watches it). */
static int tie_to_launcher(int sync_fd, bool pdeathsig, struct failure *f)
{
	struct pollfd p = { .fd = sync_fd, .events = POLLIN };

	if (pdeathsig && prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail(f, negative_errno(), "prctl", "PR_SET_PDEATHSIG");
	if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP))
		_exit(EXIT_LAUNCHER);
	return 0;
}

/* c->net_sysctl, through the /proc we still see: /proc/sys/net is the writer's network
 * namespace's, writable by the root of the user namespace that owns it. */
static int sandbox_sysctls(const struct config *c, struct failure *f)
{
	for (size_t i = 0; c->net_sysctl && c->net_sysctl[i]; i++) {
		const char *kv = c->net_sysctl[i], *eq = strchr(kv, '=');
		char path[512];
		if (!eq)
			continue;
		snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)(eq - kv), kv);
		for (char *p = path + 10; *p; p++)
			*p = *p == '.' ? '/' : *p;
		int fd = open(path, O_WRONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : write(fd, eq + 1, strlen(eq + 1));
		int r = n < 0 ? negative_errno() : 0;
		safe_close(fd);
		if (r < 0)
			return fail(f, r, "sysctl", "%s", path);
	}
	return 0;
}

static int sandbox_setup(const struct config *c, struct mount_ctx *m, int sync_fd, struct failure *f)
{
	int r = mount_stage(m, f);

	if (r == 0)
		r = mount_apply_plan(m, f);
	if (r == 0)
		r = net_setup_child(c, f);
	if (r == 0)
		r = egress_setup_child(c, sync_fd, f);
	if (r == 0 && c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		r = fail(f, negative_errno(), "hostname", "%s", c->hostname);
	if (r == 0)
		r = rootfs_enter(m->newroot_fd, c->plan.root_readonly, c->plan.root_propagation, f);
	mount_ctx_close(m);
	return r;
}

/* The command shares pid 1's memory until its execve (CLONE_VM|CLONE_VFORK, as posix_spawn
 * does): no page tables copied, and none torn down at the exec, for a process that execs
 * within a millisecond. pid 1 sleeps meanwhile; the command's steps before the exec touch
 * only its own stack and fresh allocations. A sanitizer build forks (ASan does not follow a
 * stack it did not make). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define COMMAND_FORKS 1
#endif
#ifndef COMMAND_FORKS
struct command_start {
	const struct config *c;
	int sync_fd;
};

static int command_start(void *arg)
{
	const struct command_start *s = arg;

	command_exec(s->c, s->sync_fd);
}
#endif

static pid_t spawn_command(const struct config *c, int sync_fd)
{
#ifdef COMMAND_FORKS
	pid_t pid = fork();
	if (pid == 0)
		command_exec(c, sync_fd);
	return pid < 0 ? negative_errno() : pid;
#else
	const size_t size = 256 * 1024;
	struct command_start s = { c, sync_fd };
	void *stack =
	    mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	pid_t pid;

	if (stack == MAP_FAILED)
		return negative_errno();
	pid = clone(command_start, (char *)stack + size, CLONE_VM | CLONE_VFORK | SIGCHLD, &s);
	if (pid < 0)
		pid = negative_errno();
	munmap(stack, size);
	return pid;
#endif
}

/* wait_maps: the id maps come from the setuid helpers, which take a while: pid 1 prepares its
 * mounts meanwhile (mount_prefetch). Written directly, they are there at once. */
_noreturn_ static void sandbox_main(const struct config *c, int sync_fd, bool wait_maps)
{
	struct failure f = { 0 };
	/* (a mount namespace made in a new user namespace has its shared mounts made slaves by
	 * the kernel; in the launcher's own, or one joined, they may stay shared) */
	struct mount_ctx m = { .c = c,
			       .oldroot_fd = -1,
			       .newroot_fd = -1,
			       .sync_fd = sync_fd,
			       .copies_shared = (c->share & SHARE_USER) || c->userns_fd >= 0 };
	pid_t cmd;
	int r = tie_to_launcher(sync_fd, !c->pid1_sibling, &f);

	/* A mount namespace given to join (child_unshare_flags made none): the root is built
	 * there, its root and cwd become ours. */
	if (r == 0 && c->mntns_fd >= 0 && setns(c->mntns_fd, CLONE_NEWNS) < 0)
		r = fail(&f, negative_errno(), "setns", "mount namespace");
	if (r == 0 && (r = pid1_setup_signals()) < 0)
		fail(&f, r, "init", "signals");
	/* Before the launcher can start the network back-end, which comes after the maps. */
	if (r == 0)
		net_prepare_ipv6(c);
	mount_take_outside(&m);
	if (r == 0 && wait_maps)
		mount_prefetch(&m);
	/* Cloned by the launcher, pid 1 makes the tap and says so; else the first child made it. */
	if (r == 0 && !wait_maps && net_makes_tap(c) &&
	    (r = sync_send(sync_fd, SYNC_TAP, net_make_tap(c), NULL, 0, NULL, 0)) < 0)
		fail(&f, r, "sync", "sending TAP");
	/* The launcher acknowledges the id maps to us directly (the first child only waits). */
	if (r == 0)
		r = sync_expect(sync_fd, SYNC_USERMAP_ACK, NULL, NULL, NULL, &f);
	if (r == 0)
		r = gate_maps_ready(c, &f);
	if (r == 0)
		r = sandbox_sysctls(c, &f);
	if (r == 0)
		r = sandbox_setup(c, &m, sync_fd, &f);
	if (r == 0)
		r = gate_take_locks(c, &f);
	if (r == 0)
		r = nest_enter(c, &f);
	if (r < 0)
		child_fail(sync_fd, &f);
	gate_block(c);
	if (c->as_pid1)
		command_exec(c, sync_fd);
	if ((r = pid1_prepare()) < 0)
		child_fail(sync_fd, (fail(&f, r, "init", "signals"), &f));
	/* Only pid 1 of a namespace can end all the rest (kill(-1) reaches every process it
	 * may signal: with --share-pid or a joined namespace, the host's or another's); a daemon
	 * of ours (fuse-overlayfs) is left to the kernel's teardown, which ends all at once. */
	bool tell_exit = getpid() == 1 && pid1_childless();
	cmd = spawn_command(c, sync_fd);
	if (cmd < 0)
		child_fail(sync_fd, (fail(&f, cmd, "init", "fork"), &f));
	if (!tell_exit)
		sync_fd = safe_close(sync_fd);
	pid1_run(cmd, sync_fd);
}

int child_unshare_flags(const struct config *c)
{
	int fl = c->mntns_fd >= 0 ? 0 : CLONE_NEWNS;

	fl |= (c->share & SHARE_IPC) ? 0 : CLONE_NEWIPC;
	fl |= (c->share & SHARE_UTS) ? 0 : CLONE_NEWUTS;
	fl |= (c->share & SHARE_NET) ? 0 : CLONE_NEWNET;
	fl |= (c->share & SHARE_CGROUP) ? 0 : CLONE_NEWCGROUP;
	fl |= (c->share & SHARE_PID) ? 0 : CLONE_NEWPID;
	return fl;
}

/* Everything that needs no id map happens before the maps are written (the capability
 * checks of unshare and clone are against this user namespace, which we own already), so it
 * overlaps with the launcher's newuidmap/newgidmap. */
void child_main(const struct config *c, int sync_fd, int launcher_fd)
{
	struct failure f = { 0 };
	int pid1_fd = -1;
	pid_t pid;
	int r;

	safe_close(launcher_fd);
	r = tie_to_launcher(sync_fd, true, &f);
	if (r < 0)
		child_fail(sync_fd, &f);
	if (unshare(child_unshare_flags(c)) < 0)
		child_fail(sync_fd,
			   (fail(&f, negative_errno(), "unshare", "mount, ipc, uts, net, cgroup, pid"), &f));
	/* Before PID1, after which the launcher starts the network back-end (net.h). */
	(void)net_make_tap(c);
	pid = clone_process(CLONE_PARENT, 0, &pid1_fd, -1);
	if (pid < 0)
		child_fail(sync_fd, (fail(&f, pid, "clone", "pid 1"), &f));
	if (pid == 0)
		sandbox_main(c, sync_fd, true);
	/* With its pidfd: our pid numbers are not the launcher's when it joined a pid namespace
	 * (bwrap's --pidns) and this process was born there. */
	if (sync_send(sync_fd, SYNC_PID1, pid, NULL, 0, &pid1_fd, 1) < 0)
		_exit(EXIT_LAUNCHER);
	/* newuidmap and newgidmap write this process's maps: it stays until they are done,
	 * then the launcher ends it (or it dies with the launcher: PR_SET_PDEATHSIG). */
	for (;;)
		pause();
}

void child_direct_main(const struct config *c, int sync_fd, int launcher_fd, int late_flags)
{
	struct failure f = { 0 };

	safe_close(launcher_fd);
	if (late_flags && unshare(late_flags) < 0)
		child_fail(sync_fd, (fail(&f, negative_errno(), "unshare", "cgroup namespace"), &f));
	sandbox_main(c, sync_fd, false);
}
