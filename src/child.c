/* The children's drivers (see child.h). child_main runs in the new user namespace with its
 * full capabilities there and none outside; sandbox_main is the sandbox's pid 1. */
#include "child.h"

#include <errno.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bwrap/bwrap.h"
#include "clone.h"
#include "command.h"
#include "config.h"
#include "failure.h"
#include "mount.h"
#include "net.h"
#include "pid1.h"
#include "rootfs.h"
#include "sync.h"

_noreturn_ static void child_fail(int sync_fd, const struct failure *f)
{
	sync_send_error(sync_fd, f);
	_exit(EXIT_LAUNCHER);
}

/* PR_SET_PDEATHSIG, then make sure the launcher did not die before it took effect: its end
 * of the sync socket hangs up when it goes. */
static int tie_to_launcher(int sync_fd, struct failure *f)
{
	struct pollfd p = { .fd = sync_fd, .events = POLLIN };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return fail(f, negative_errno(), "prctl", "PR_SET_PDEATHSIG");
	if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP))
		_exit(EXIT_LAUNCHER);
	return 0;
}

static int sandbox_setup(const struct config *c, int sync_fd, struct failure *f)
{
	struct mount_ctx m = { .c = c, .oldroot_fd = -1, .newroot_fd = -1, .sync_fd = sync_fd };
	int r = mount_stage(&m, f);

	if (r == 0)
		r = mount_apply_plan(&m, f);
	if (r == 0)
		r = net_setup_child(c, f);
	if (r == 0 && c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
		r = fail(f, negative_errno(), "hostname", "%s", c->hostname);
	if (r == 0)
		r = rootfs_enter(m.newroot_fd, c->plan.root_readonly, f);
	mount_ctx_close(&m);
	return r;
}

/* The first child exits only after USERMAP_ACK: once it is gone, the maps are written. Cloned
 * by the launcher itself (first_child_fd -1), pid 1 gets USERMAP_ACK directly. */
static int wait_for_maps(int sync_fd, int first_child_fd, struct failure *f)
{
	struct pollfd p = { .fd = first_child_fd, .events = POLLIN };

	if (first_child_fd < 0)
		return sync_expect(sync_fd, SYNC_USERMAP_ACK, NULL, NULL, NULL, f);

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return fail(f, negative_errno(), "sync", "waiting for the id maps");
	safe_close(first_child_fd);
	return 0;
}

_noreturn_ static void sandbox_main(const struct config *c, int sync_fd, int first_child_fd)
{
	struct failure f = { 0 };
	pid_t cmd;
	int r = tie_to_launcher(sync_fd, &f);

	if (r == 0)
		r = wait_for_maps(sync_fd, first_child_fd, &f);
	if (r == 0 && c->bwrap)
		r = bwrap_maps_ready(c, &f);
	if (r == 0)
		r = sandbox_setup(c, sync_fd, &f);
	if (r == 0 && c->bwrap)
		r = bwrap_sandbox_ready(c, &f);
	if (r < 0)
		child_fail(sync_fd, &f);
	if (c->as_pid1)
		command_exec(c, sync_fd);
	if ((r = pid1_prepare()) < 0)
		child_fail(sync_fd, (fail(&f, r, "init", "signals"), &f));
	cmd = fork();
	if (cmd < 0)
		child_fail(sync_fd, (fail(&f, negative_errno(), "init", "fork"), &f));
	if (cmd == 0)
		command_exec(c, sync_fd);
	safe_close(sync_fd);
	pid1_run(cmd);
}

int child_unshare_flags(const struct config *c)
{
	int fl = CLONE_NEWNS;

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
	int self_fd, pid1_fd = -1, r;
	pid_t pid;

	safe_close(launcher_fd);
	r = tie_to_launcher(sync_fd, &f);
	if (r < 0)
		child_fail(sync_fd, &f);
	if (unshare(child_unshare_flags(c)) < 0)
		child_fail(sync_fd,
			   (fail(&f, negative_errno(), "unshare", "mount, ipc, uts, net, cgroup, pid"), &f));
	self_fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (self_fd < 0)
		child_fail(sync_fd, (fail(&f, negative_errno(), "pidfd_open", "self"), &f));
	pid = clone_process(CLONE_PARENT, 0, &pid1_fd, -1);
	if (pid < 0)
		child_fail(sync_fd, (fail(&f, pid, "clone", "pid 1"), &f));
	if (pid == 0)
		sandbox_main(c, sync_fd, self_fd);
	/* With its pidfd: our pid numbers are not the launcher's when it joined a pid namespace
	 * (bwrap's --pidns) and this process was born there. */
	r = sync_send(sync_fd, SYNC_PID1, pid, NULL, 0, &pid1_fd, 1);
	if (r == 0)
		r = sync_expect(sync_fd, SYNC_USERMAP_ACK, NULL, NULL, NULL, &f);
	_exit(r < 0 ? EXIT_LAUNCHER : 0);
}

void child_direct_main(const struct config *c, int sync_fd, int launcher_fd)
{
	safe_close(launcher_fd);
	sandbox_main(c, sync_fd, -1);
}
