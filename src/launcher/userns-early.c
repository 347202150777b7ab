/* The user namespace started from the command line alone (see userns-early.h). */
#include "launcher/userns-early.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/clone.h"
#include "lib/failure.h"
#include "lib/macro.h"

/* The holder does nothing but exist until it is killed, or dies with the launcher. */
_noreturn_ static void holder_main(pid_t parent)
{
	sigset_t all;

	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(0);
	for (;;)
		pause();
}

static int holder_start(struct userns_early *e)
{
	char path[64];
	pid_t parent = getpid();
	pid_t pid = clone_process(CLONE_NEWUSER, SIGCHLD, &e->pidfd, -1);

	if (pid < 0)
		return pid;
	if (pid == 0)
		holder_main(parent);
	e->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	e->userns_fd = open(path, O_RDONLY | O_CLOEXEC);
	return e->userns_fd < 0 ? negative_errno() : 0;
}

/* The first PATH= of the caller's environment, as config_fill_identity takes it. */
static const char *env_path(char **host_env)
{
	for (char **e = host_env; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			return *e + 5;
	return "/usr/local/bin:/usr/bin:/bin";
}

void userns_early_start(const struct config *cmdline, char **host_env, struct userns_early *e)
{
	/* A view of the command line with the caller's identity filled in as config_finish will
	 * fill it: its pointers stay the command line's (or this frame's), never freed here. */
	struct config v = *cmdline;
	struct passwd pw, *res = NULL;
	char buf[4096], name[24];
	struct failure f = { 0 };

	if (cmdline->userns_fd >= 0 || (cmdline->share & SHARE_USER) || cmdline->tier == TIER_RESTRICTED)
		return;
	v.host_uid = getuid();
	v.host_gid = getgid();
	v.uid = v.uid == (uid_t)-1 ? v.host_uid : v.uid;
	v.gid = v.gid == (gid_t)-1 ? v.host_gid : v.gid;
	if (!(e->reason = idmap_auto_reason(&v, false)))
		return;
	if (getpwuid_r(v.host_uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		v.user = pw.pw_name;
	else
		v.user = (snprintf(name, sizeof(name), "%u", (unsigned)v.host_uid), name);
	v.search_path = (char *)env_path(host_env);
	if (idmap_prepare(&v, true, &e->uid, &e->gid, &f) < 0 || !e->uid.helper || !e->gid.helper ||
	    holder_start(e) < 0 || idmap_start(&e->uid, &e->gid, e->pid, e->jobs, &f) < 0)
		userns_early_end(e);
}

static bool idmap_same(const struct idmap *a, const struct idmap *b)
{
	return a->n == b->n && memcmp(a->lines, b->lines, a->n * sizeof(a->lines[0])) == 0 &&
	       !a->helper == !b->helper && (!a->helper || strcmp(a->helper, b->helper) == 0);
}

bool userns_early_adopt(struct userns_early *e, const struct idmap *uid, const struct idmap *gid,
			struct idmap_job jobs[2])
{
	if (e->pid < 0 || !idmap_same(&e->uid, uid) || !idmap_same(&e->gid, gid))
		return false;
	for (int i = 0; i < 2; i++) {
		jobs[i] = e->jobs[i];
		e->jobs[i] = (struct idmap_job){ .pid = -1, .err_fd = -1 };
	}
	return true;
}

void userns_early_end(struct userns_early *e)
{
	if (e->pidfd >= 0)
		syscall(SYS_pidfd_send_signal, e->pidfd, SIGKILL, NULL, 0);
	if (e->pid > 0)
		while (waitpid(e->pid, NULL, 0) < 0 && errno == EINTR)
			;
	for (int i = 0; i < 2; i++)
		if (e->jobs[i].pid > 0) {
			safe_close(e->jobs[i].err_fd);
			while (waitpid(e->jobs[i].pid, NULL, 0) < 0 && errno == EINTR)
				;
		}
	safe_close(e->pidfd);
	safe_close(e->userns_fd);
	idmap_free(&e->uid);
	idmap_free(&e->gid);
	*e = (struct userns_early)USERNS_EARLY_INIT;
}
