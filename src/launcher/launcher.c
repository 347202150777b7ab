/* The parent driver (see launcher.h). Host side, the caller's own privileges; the only
 * privileged step is the setuid newuidmap/newgidmap helpers it runs.
 * Over 600 lines: the driver's steps and the event loop's handlers share struct launcher; issue 28
 * item 2 moves the supervising part out. */
#include "launcher/launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/child.h"
#include "lib/clone.h"
#include "command/confine.h"
#include "front/config.h"
#include "launcher/limits/deadline.h"
#include "lib/failure.h"
#include "launcher/idmap.h"
#include "launcher/info.h"
#include "lib/log.h"
#include "launcher/desktop/desktop.h"
#include "egress/egress.h"
#include "launcher/events.h"
#include "launcher/loop.h"
#include "launcher/net/net.h"
#include "launcher/notify.h"
#include "launcher/report.h"
#include "launcher/state.h"
#include "launcher/supervise.h"
#include "lib/sync.h"
#include "lib/strv.h"
#include "tier/tier.h"
#include "workspace/workspace.h"

struct launcher {
	const struct config *c;
	int sync[2];	       /* [0] ours, [1] the children's */
	struct supervisor sup; /* signals to pid 1 once it is known */
	struct loop loop;      /* every fd served while the sandbox runs */
	struct loop_source src_sync, src_signal, src_child, src_pid1, src_deadline, src_keep;
	struct events events; /* what the policy refused, for --verbose and the report */
	pid_t child;	      /* the user-namespace child */
	int child_fd;	      /* its pidfd */
	pid_t pid1;
	int pid1_fd;
	struct idmap uid, gid;
	struct idmap_job jobs[2];
	struct bpf_program bpf;
	struct net_state net;
	struct cgroup_state cgroup;
	struct deadline deadline; /* --timeout, --cpu-time */
	struct rusage pid1_usage; /* pid 1's and its children's, for --stats */
	struct state state;
	struct desktop_state desktop;
	struct egress_state *egress;
	struct report_writer report; /* --report: the JSON-lines sink on events */
	struct notify notify;	     /* the seccomp listener, with --report and in learn */
	struct workspace_state workspace;
	bool child_failed;
	char **made_dirs; /* the --mkdir directories this start created, parents first */
	int stop_sig;	  /* SIGINT/SIGTERM/SIGHUP during the start (launcher_stopped()) */
	bool restricted;  /* user namespaces refused: run in the restricted tier instead */
	bool direct;	  /* pid 1 is cloned by us, in all its namespaces at once (child.h) */
	struct failure child_failure;
	int status;    /* -1 while pid 1 runs */
	int exit_code; /* SYNC_EXIT's, -1 before: what a pid 1 not ours to wait for ended with */
};

/* A start that fails (the command not found, a mount refused) leaves the home as it was: the
 * directories --mkdir made for it go again, children first. rmdir removes only empty ones, and
 * never follows a symlink at the last component. */
static void launcher_undo_mkdirs(struct launcher *l, bool failed)
{
	for (size_t n = strv_length(l->made_dirs); failed && n > 0; n--)
		(void)rmdir(l->made_dirs[n - 1]);
	strv_free(l->made_dirs);
	l->made_dirs = NULL;
}

/* pid 1 killed on an error path is gone before the rest is undone: reaped when it is our
 * child; else (c->pid1_sibling) its pidfd tells, and its parent reaps it. */
static void launcher_pid1_gone(struct launcher *l)
{
	struct pollfd p = { .fd = l->pid1_fd, .events = POLLIN };

	if (!l->c->pid1_sibling)
		waitpid(l->pid1, NULL, 0);
	else
		while (p.fd >= 0 && poll(&p, 1, -1) < 0 && errno == EINTR)
			;
}

/* The network back-end is only told to end here: net_stop waits for its exit (its memory and
 * sockets freed) after the rest, the record's removal included, is done. */
static void launcher_teardown(struct launcher *l)
{
	net_stop_begin(&l->net);
	/* On an error path the children must not outlive us (nor wait for a map forever). */
	if (l->child_fd >= 0 && l->status < 0)
		syscall(SYS_pidfd_send_signal, l->child_fd, SIGKILL, NULL, 0);
	if (l->pid1_fd >= 0 && l->status < 0)
		syscall(SYS_pidfd_send_signal, l->pid1_fd, SIGKILL, NULL, 0);
	if (l->child > 0)
		waitpid(l->child, NULL, 0);
	if (l->pid1 > 0 && l->status < 0)
		launcher_pid1_gone(l);
	for (int i = 0; i < 2; i++)
		if (l->jobs[i].pid > 0) {
			safe_close(l->jobs[i].err_fd);
			waitpid(l->jobs[i].pid, NULL, 0);
		}
	egress_stop(l->egress); /* its last refusals still reach the event stream */
	safe_close(l->sync[0]);
	safe_close(l->sync[1]);
	notify_stop(&l->notify);
	loop_done(&l->loop);
	report_finish(&l->report, &l->events);
	events_done(&l->events);
	safe_close(l->child_fd);
	safe_close(l->pid1_fd);
	desktop_stop(&l->desktop);
	workspace_stop(&l->workspace, l->status >= 0 && !l->child_failed);
	safe_close(l->cgroup.leaf_fd);
	deadline_stop(&l->deadline);
	idmap_free(&l->uid);
	idmap_free(&l->gid);
	bpf_program_free(&l->bpf);
	supervise_done(&l->sup); /* last: a signal still queued ends us now */
	launcher_undo_mkdirs(l, l->status < 0 || l->child_failed);
}

/* The base --mkdir allows d under (config.c checked it is under one of them). */
static const char *mkdir_base(const struct config *c, const char *d)
{
	const char *bases[] = { c->home, "/tmp", c->runtime_dir };

	for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
		size_t n = bases[i] ? strlen(bases[i]) : 0;
		if (n && strncmp(d, bases[i], n) == 0 && (d[n] == '/' || d[n] == '\0'))
			return bases[i];
	}
	return NULL;
}

/* mkdir -p of d beneath base, never through a symlink (one planted in the home could point
 * anywhere): each component is created with mkdirat and opened with RESOLVE_NO_SYMLINKS. */
static int mkdir_beneath(const char *base, const char *d, char ***made, struct failure *f)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	int fd = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	char buf[4096];

	if (fd < 0)
		return fail(f, negative_errno(), "--mkdir", "%s", base);
	snprintf(buf, sizeof(buf), "%s", d + strlen(base));
	for (char *save = NULL, *comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (mkdirat(fd, comp, 0700) == 0) {
			_cleanup_free_ char *made_path =
			    strndup(d, (size_t)(comp + strlen(comp) - buf) + strlen(base));
			if (!made_path || strv_extend(made, made_path) < 0) {
				safe_close(fd);
				return fail(f, -ENOMEM, "--mkdir", NULL);
			}
		} else if (errno != EEXIST) {
			safe_close(fd);
			return fail(f, negative_errno(), "--mkdir", "%s", d);
		}
		int nfd = (int)syscall(SYS_openat2, fd, comp, &how, sizeof(how));
		safe_close(fd);
		if (nfd < 0)
			return fail(f, negative_errno(), "--mkdir", "%s%s", d,
				    errno == ELOOP ? ": goes through a symbolic link" : "");
		fd = nfd;
	}
	safe_close(fd);
	return 0;
}

/* --mkdir: create the directories on the host, as the caller, before anything else. */
static int launcher_mkdirs(const struct config *c, char ***made, struct failure *f)
{
	for (char **d = c->mkdirs; d && *d; d++) {
		const char *base = mkdir_base(c, *d);
		int r = base ? mkdir_beneath(base, *d, made, f)
			     : failx(f, "--mkdir", "%s: not under home, /tmp or the runtime dir", *d);
		if (r < 0)
			return r;
	}
	return 0;
}

/* SIGINT, SIGTERM or SIGHUP came during the start (they are blocked from supervise_start()
 * on): it ends there, torn down as after an error, with the status a shell gives what such a
 * signal ended (130, 143, 129) and no message. */
static bool launcher_stopped(struct launcher *l)
{
	static const int stop[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t pending;

	if (!l->sup.mask_saved || sigpending(&pending) < 0)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(stop); i++)
		if (sigismember(&pending, stop[i]) == 1) {
			l->stop_sig = stop[i];
			return true;
		}
	return false;
}

static int launcher_direct_pid1(struct launcher *l, pid_t pid, struct failure *f);

/* The flags of the direct start's clone: every namespace at once, but a cgroup namespace that
 * must be rooted at the leaf the child is born in (clone3 makes it before CLONE_INTO_CGROUP
 * moves the child), which pid 1 then unshares itself (*ret_late); with c->pid1_sibling, pid 1
 * the launcher's parent's child (clone3 takes no exit signal with CLONE_PARENT: the
 * launcher's own is pid 1's). */
static uint64_t launcher_direct_flags(const struct launcher *l, int *ret_exit_signal, int *ret_late)
{
	uint64_t flags = (uint64_t)child_unshare_flags(l->c);

	*ret_late = l->cgroup.leaf_fd >= 0 ? (int)(flags & CLONE_NEWCGROUP) : 0;
	flags &= ~(uint64_t)*ret_late;
	*ret_exit_signal = l->c->pid1_sibling ? 0 : SIGCHLD;
	return flags | (l->c->pid1_sibling ? CLONE_PARENT : 0);
}

/* Namespaces given to join (bwrap's --userns, --pidns): the launcher enters them, so that
 * pid 1 is cloned inside; the user namespace first, whose capabilities the pid namespace's
 * setns() may need. */
static int launcher_join_namespaces(const struct config *c, uint64_t *flags, struct failure *f)
{
	if (c->userns_fd >= 0) {
		if (setns(c->userns_fd, CLONE_NEWUSER) < 0)
			return fail(f, negative_errno(), "setns", "user namespace");
		*flags &= ~(uint64_t)CLONE_NEWUSER;
	}
	if (c->pidns_fd >= 0 && setns(c->pidns_fd, CLONE_NEWPID) < 0)
		return fail(f, negative_errno(), "setns", "pid namespace");
	if (c->share & SHARE_USER)
		*flags &= ~(uint64_t)CLONE_NEWUSER;
	return 0;
}

/* A new user namespace for the child, which starts in child_main. Where the kernel refuses
 * user namespaces, --tier auto falls back to the restricted tier (tier.c). */
static int launcher_clone(struct launcher *l, struct failure *f)
{
	/* Born in its leaf cgroup: the cgroup namespace it unshares is rooted there. */
	int exit_signal = SIGCHLD, late = 0;
	uint64_t flags = CLONE_NEWUSER | (l->direct ? launcher_direct_flags(l, &exit_signal, &late) : 0);
	int r = launcher_join_namespaces(l->c, &flags, f);
	pid_t pid = r < 0 ? r : clone_process(flags, exit_signal, &l->child_fd, l->cgroup.leaf_fd);

	if (r < 0)
		return r;

	if (pid < 0 && tier_userns_refused(pid)) {
		char why[512];
		tier_explain(pid, why, sizeof(why));
		if (l->c->tier == TIER_AUTO) {
			l->restricted = true;
			return 0;
		}
		return failx(f, "clone", "new user namespace: %s", why);
	}
	if (pid < 0)
		return fail(f, pid, "clone", "new user namespace");
	if (pid == 0) {
		/* pid 1 never execs: the launcher's own fds must not live on in it (CLOEXEC
		 * does not apply). The sync socket's other end goes in child_main. */
		safe_close(l->sup.sig_fd);
		loop_done(&l->loop);
		safe_close(l->cgroup.leaf_fd);
		if (l->direct)
			child_direct_main(l->c, l->sync[1], l->sync[0], late);
		child_main(l->c, l->sync[1], l->sync[0]);
	}
	l->sync[1] = safe_close(l->sync[1]);
	if (l->direct)
		return launcher_direct_pid1(l, pid, f);
	l->child = pid;
	return 0;
}

/* --idmap auto takes the helpers' cost only for a sandbox that uses the ranges: the default
 * one binds host paths (other owners appear as the overflow id with or without ranges) and
 * its command, with no capability, cannot take another id. */
static int launcher_prepare_maps(struct launcher *l, struct failure *f)
{
	const struct config *c = l->c;
	bool foreign = c->idmap == IDMAP_AUTO && workspace_foreign_owner(c);
	const char *why = idmap_auto_reason(c, foreign);

	if (c->idmap == IDMAP_AUTO)
		log_verbose(c->verbose, "id map: %s (auto: %s)", why ? "subordinate ranges" : "single",
			    why ? why : "one owner's files and no change of ids need no ranges");
	return idmap_prepare(c, why != NULL, &l->uid, &l->gid, f);
}

static int launcher_pid1(struct launcher *l, pid_t pid, int pidfd, struct failure *f);
static int launcher_recv_pid1(struct launcher *l, struct failure *f);

static int launcher_net_start(struct launcher *l, struct failure *f);

/* Both helpers run at once, while the child unshares its namespaces and creates pid 1; the
 * network back-end, the longest step of a start that has one, starts in their window too, as
 * soon as pid 1 (and the tap the first child made before it) exists: joining the sandbox's
 * namespaces and configuring its network needs no map (its capabilities there are the user
 * namespace owner's). */
static int launcher_map_ids(struct launcher *l, struct failure *f)
{
	const struct config *c = l->c;
	pid_t target = l->direct ? l->pid1 : l->child;
	int r = c->idmap == IDMAP_NONE ? 0 : idmap_start(&l->uid, &l->gid, target, l->jobs, f);

	if (r == 0 && !l->direct)
		r = launcher_recv_pid1(l, f);
	if (r == 0 && !l->direct)
		r = launcher_net_start(l, f);
	if (r == 0 && c->idmap != IDMAP_NONE)
		r = idmap_finish(&l->uid, &l->gid, target, l->jobs, c->idmap == IDMAP_AUTO, f);
	if (r < 0)
		return r;
	r = sync_send(l->sync[0], SYNC_USERMAP_ACK, 0, NULL, 0, NULL, 0);
	if (r < 0)
		return fail(f, r, "sync", "sending USERMAP_ACK");
	/* The first child only held the user namespace for the helpers: pid 1 goes on alone. */
	syscall(SYS_pidfd_send_signal, l->child_fd, SIGKILL, NULL, 0);
	log_verbose(c->verbose, "id map: uid %s, gid %s", l->uid.n > 1 ? "subordinate ranges" : "single",
		    l->gid.n > 1 ? "subordinate ranges" : "single");
	if (l->uid.note || l->gid.note)
		log_verbose(c->verbose, "id map: single-id fallback: %s",
			    l->uid.note ? l->uid.note : l->gid.note);
	return 0;
}

/* The record and --info-fd are published, and the filter compiled, while pid 1 mounts the
 * new root; the command receives the filter just before exec, so the record always exists
 * before the command runs. */
static int launcher_send_filter(struct launcher *l, struct failure *f)
{
	int r = state_publish(l->c, l->pid1, &l->state, f);

	if (r == 0)
		r = info_started(l->c, l->pid1, f);
	if (r == 0 && l->notify.watch)
		r = seccomp_build_notify(l->c, l->notify.watch, &l->bpf, f);
	else if (r == 0)
		r = seccomp_build_cached(l->c, &l->bpf, f);
	if (r < 0)
		return r;
	r = sync_send(l->sync[0], SYNC_SECCOMP, l->bpf.listener, l->bpf.insns,
		      l->bpf.n * sizeof(struct sock_filter), NULL, 0);
	/* EPIPE: every child is gone already; the event loop collects why. */
	return r < 0 && r != -EPIPE ? fail(f, r, "sync", "sending the seccomp filter") : 0;
}

/* pid 1 is known (before the id maps are acknowledged): watched through its pidfd (taken),
 * and sent what signal came early. It is our own child (CLONE_PARENT, or cloned by us): its
 * pid cannot be reused before we reap it. */
static int launcher_pid1(struct launcher *l, pid_t pid, int pidfd, struct failure *f)
{
	int r;

	l->pid1_fd = pidfd;
	if (pid <= 0)
		return failx(f, "sync", "bad PID1 %d", (int)pid);
	l->pid1 = pid;
	l->src_pid1.fd = l->pid1_fd;
	if ((r = loop_add(&l->loop, &l->src_pid1)) < 0)
		return fail(f, r, "epoll", NULL);
	supervise_target(&l->sup, l->pid1_fd);
	return 0;
}

/* The pid a pidfd refers to, in our own pid namespace (its fdinfo's "Pid:"). */
static pid_t pidfd_pid(int pidfd)
{
	char path[64], line[128];
	FILE *in;
	int pid = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	if (!(in = fopen(path, "re")))
		return -1;
	while (fgets(line, sizeof(line), in))
		if (sscanf(line, "Pid: %d", &pid) == 1)
			break;
	fclose(in);
	return pid;
}

/* PID1 from the first child, with pid 1's pidfd: the number it sends is in its own pid
 * namespace, which is ours unless we joined another one (bwrap's --pidns). */
static int launcher_recv_pid1(struct launcher *l, struct failure *f)
{
	struct sync_msg m;
	_cleanup_free_ void *payload = NULL;
	int fds[SYNC_MAX_FDS];
	size_t n = 0;
	int t = sync_recv(l->sync[0], &m, &payload, fds, &n), r;

	for (size_t i = 1; i < n; i++)
		safe_close(fds[i]);
	if (t > 0 && (r = sync_failure(&m, payload, f)) < 0) {
		safe_close(n ? fds[0] : -1);
		return r;
	}
	if (t != SYNC_PID1 || n == 0) {
		safe_close(n ? fds[0] : -1);
		return t < 0 ? fail(f, t, "sync", "waiting for PID1")
			     : failx(f, "sync", "expected PID1 with its pidfd, got %s",
				     sync_type_name((uint32_t)t));
	}
	return launcher_pid1(l, l->c->pidns_fd < 0 ? m.value : pidfd_pid(fds[0]), fds[0], f);
}

/* Cloned by us, pid 1 is watched through the pidfd clone gave; there is no first child. */
static int launcher_direct_pid1(struct launcher *l, pid_t pid, struct failure *f)
{
	return launcher_pid1(l, pid, TAKE_FD(l->child_fd), f);
}

/* The back-end attaches to the tap made ahead (net.h): cloned by us, pid 1 made it and says
 * so; else the first child made it before it sent PID1. */
static int launcher_tap(struct launcher *l, struct failure *f)
{
	int32_t made = 0;
	int r;

	if (!l->direct || !net_makes_tap(l->c))
		return 0;
	if ((r = sync_expect(l->sync[0], SYNC_TAP, &made, NULL, NULL, f)) < 0)
		return r;
	if (made < 0)
		log_verbose(l->c->verbose, "net: no tap made ahead (%s): the back-end makes its own",
			    strerror(-made));
	return 0;
}

/* pid 1 exists, so does its network namespace: the back-end joins it, and starts up while
 * pid 1 mounts and the launcher installs the egress ruleset. */
static int launcher_net_start(struct launcher *l, struct failure *f)
{
	int r;

	if (!net_needs_launcher(l->c))
		return 0;
	if ((r = launcher_tap(l, f)) < 0)
		return r;
	return net_start(l->c, l->pid1, &l->net, f);
}

/* The command (which waits for NET_READY) starts only on a configured network with the
 * policy in force: the ruleset installed and the back-end ready, in either order (nothing
 * in the sandbox runs before the command). */
static int launcher_net_ready(struct launcher *l, struct failure *f)
{
	int r;

	/* (a policy in an engine's network namespace, net_private, has no back-end to wait for) */
	if (!net_needs_launcher(l->c) && !egress_netns_policy(l->c))
		return 0;
	if ((r = egress_start(l->c, l->sync[0], &l->loop, &l->events, &l->egress, f)) < 0)
		return r;
	if (net_needs_launcher(l->c) && (r = net_ready(l->c, &l->net, f)) < 0)
		return r;
	r = sync_send(l->sync[0], SYNC_NET_READY, 0, NULL, 0, NULL, 0);
	return r < 0 && r != -EPIPE ? fail(f, r, "sync", "sending NET_READY") : 0;
}

/* pid 1 tells the command's code once every other process of the sandbox is reaped (pid1.h);
 * the launcher returns it at once, leaving the kernel's teardown of the namespaces to run on
 * without it, unless what it stops at the end needs the sandbox gone: the cgroup (removed only
 * when empty), a workspace, the report's last events, desktop proxies. The network back-end is
 * not among them: every process that could use it is reaped already. Nor may pid 1 be left in
 * a pid namespace we joined (--pidns): it counts there too, and that namespace's own init
 * cannot finish its exit until pid 1's new parent reaps it, which an init that reaps only its
 * own children never does. */
static bool launcher_waits_for_pid1(const struct launcher *l)
{
	return l->cgroup.leaf_fd >= 0 || l->c->stats || l->workspace.dir || l->report.fd >= 0 ||
	       l->notify.src.fd >= 0 || l->desktop.proxy_pids[0] > 0 || l->desktop.proxy_pids[1] > 0 ||
	       l->c->pidns_fd >= 0;
}

/* One message from a child; 0 at EOF (every child's end closed: all exec'd or gone). */
static int on_sync(struct launcher *l, struct failure *f)
{
	struct sync_msg m;
	_cleanup_free_ void *payload = NULL;
	int fds[SYNC_MAX_FDS];
	size_t nfds = 0;
	int t = sync_recv(l->sync[0], &m, &payload, fds, &nfds);

	if (t == SYNC_NOTIFY_FD && nfds == 1)
		return (t = notify_attach(&l->notify, fds[0], f)) < 0 ? t : 1;
	for (size_t i = 0; i < nfds; i++)
		safe_close(fds[i]);

	/* When the children's end closes with our SECCOMP message unread (pid 1 failed its
	 * setup), the kernel flags our end ECONNRESET and reports that once, before messages
	 * still queued here: read on; only 0 is the end. */
	if (t == -ECONNRESET)
		return 1;
	if (t == 0) {
		loop_del(&l->loop, &l->src_sync);
		return 0;
	}
	if (t < 0)
		return fail(f, t, "sync", "receiving");
	/* the first failure is the one to report; the rest follow from it */
	if (t == SYNC_ERROR && !l->child_failed)
		l->child_failed = sync_failure(&m, payload, &l->child_failure) < 0;
	if (t == SYNC_ERROR)
		return 1;
	if (t == SYNC_EXIT) {
		l->exit_code = m.value;
		if (!launcher_waits_for_pid1(l))
			l->status = m.value;
		return 1;
	}
	if (t == SYNC_INFO && m.len > 0) {
		((char *)payload)[m.len - 1] = '\0';
		log_verbose(l->c->verbose, "%s", (char *)payload);
		return 1;
	}
	return failx(f, "sync", "unexpected %s from the sandbox", sync_type_name((uint32_t)t));
}

/* Messages already queued (an exec error sent just before its sender exited). */
static void drain_sync(struct launcher *l, struct failure *f)
{
	struct pollfd p = { .fd = l->sync[0], .events = POLLIN };

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
		if (on_sync(l, f) <= 0)
			break;
}

static int on_exit_event(struct launcher *l, bool is_pid1, struct failure *f)
{
	if (is_pid1) {
		/* not our child: its parent has its status (SYNC_EXIT's when it sent one) */
		l->status = !l->c->pid1_sibling ? pidfd_exit_rusage(l->pid1_fd, &l->pid1_usage)
			    : l->exit_code >= 0 ? l->exit_code
						: 0;
		l->pid1 = 0;
		return 0;
	}
	int code = pidfd_exit_code(l->child_fd);
	l->child = 0;
	loop_del(&l->loop, &l->src_child);
	/* A failure only before PID1 came: after it, the launcher ends the child itself (SIGKILL,
	 * once the maps are written), and pid 1's exit may be seen first when the killed child
	 * was slow to die (l->pid1 is 0 again then; its pidfd stays). */
	if (code != 0 && l->pid1_fd < 0) {
		drain_sync(l, f);
		l->status = EXIT_LAUNCHER;
		if (!l->child_failed)
			return failx(f, "child", "exited with status %d during setup", code);
	}
	return 0;
}

static int handle_sync(struct loop_source *src, uint32_t events, struct failure *f)
{
	return on_sync(src->data, f);
}

static int handle_signal(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct launcher *l = src->data;

	supervise_forward(&l->sup);
	return 0;
}

static int handle_child(struct loop_source *src, uint32_t events, struct failure *f)
{
	return on_exit_event(src->data, false, f);
}

static int handle_pid1(struct loop_source *src, uint32_t events, struct failure *f)
{
	return on_exit_event(src->data, true, f);
}

/* A time limit ran out: SIGTERM to pid 1, which passes it on to the command; after the grace
 * period SIGKILL, which ends the pid namespace (and the first child, should it still wait). */
static int handle_deadline(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct launcher *l = src->data;
	int sig = deadline_due(l->c, &l->deadline, &l->cgroup);

	if (sig == SIGKILL && l->child_fd >= 0)
		syscall(SYS_pidfd_send_signal, l->child_fd, SIGKILL, NULL, 0);
	if (sig)
		supervise_signal(&l->sup, sig);
	return 0;
}

/* The sandbox changed a workspace's file for the first time: its start content is kept. */
static int handle_keep(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct launcher *l = src->data;

	workspace_keep_events(&l->workspace);
	return 0;
}

/* The event loop's set, made before the clone: pid 1 is watched as soon as it is known. */
static int launcher_events(struct launcher *l, struct failure *f)
{
	int r;

	l->src_sync = (struct loop_source){ l->sync[0], handle_sync, l };
	l->src_signal = (struct loop_source){ l->sup.sig_fd, handle_signal, l };
	l->src_child = (struct loop_source){ -1, handle_child, l };
	l->src_pid1 = (struct loop_source){ -1, handle_pid1, l };
	if ((r = loop_init(&l->loop)) < 0)
		return fail(f, r, "epoll", NULL);
	if ((r = loop_add(&l->loop, &l->src_sync)) < 0 || (r = loop_add(&l->loop, &l->src_signal)) < 0)
		return fail(f, r, "epoll", NULL);
	l->src_keep = (struct loop_source){ workspace_keep_fd(&l->workspace), handle_keep, l };
	if (l->src_keep.fd >= 0 && (r = loop_add(&l->loop, &l->src_keep)) < 0)
		return fail(f, r, "epoll", NULL);
	if ((r = deadline_start(l->c, &l->deadline, f)) < 0 || l->deadline.fd < 0)
		return r;
	l->src_deadline = (struct loop_source){ l->deadline.fd, handle_deadline, l };
	return (r = loop_add(&l->loop, &l->src_deadline)) < 0 ? fail(f, r, "epoll", NULL) : 0;
}

/* --report and learn: the file opened (before the clone: the sandbox's mounts hide it) and
 * the notifier made ready for the listener the command will send. */
static int launcher_report(struct launcher *l, struct failure *f)
{
	int r = report_start(l->c, &l->report, &l->events, f);

	return r < 0 ? r : notify_prepare(&l->notify, l->c, &l->events, &l->loop, f);
}

static int launcher_loop(struct launcher *l, struct failure *f)
{
	int r;

	l->src_child.fd = l->child_fd;
	if (l->child_fd >= 0 && (r = loop_add(&l->loop, &l->src_child)) < 0)
		return fail(f, r, "epoll", NULL);
	while (l->status < 0)
		if ((r = loop_dispatch(&l->loop, -1, f)) < 0)
			return r;
	drain_sync(l, f);
	return 0;
}

static int launcher_cgroup(struct launcher *l, struct failure *f)
{
	const char *warning = NULL;
	int r = rlimit_check(l->c, f);

	if (r == 0)
		r = cgroup_prepare(l->c, &l->cgroup, &warning, f);
	if (r == 0 && warning)
		log_warning("%s", warning);
	return r;
}

/* No namespaces: the restricted tier, in the cgroup prepared for the sandbox when there is
 * one, with the same report. */
static int launcher_restricted(struct launcher *l, struct launch_report *ret, struct failure *f)
{
	char **made = TAKE_PTR(l->made_dirs); /* undone here if its start fails too */
	int r;

	l->status = 0; /* nothing of the full tier's left to kill at teardown */
	launcher_teardown(l);
	net_stop(&l->net);
	l->made_dirs = made;
	if (report_wanted(l->c)) { /* its notifier is served from the full tier's launcher */
		launcher_undo_mkdirs(l, true);
		return failx(f, "--report", "not available in the restricted tier");
	}
	rlimit_announce(l->c, &l->cgroup, NULL);
	r = tier_restricted_run_in(l->c, l->cgroup.leaf_fd, ret, f);
	launcher_undo_mkdirs(l, r < 0 || strcmp(f->stage, "exec") == 0);
	cgroup_finish(l->c, &l->cgroup, &ret->cgroup);
	safe_close(l->cgroup.leaf_fd);
	return r;
}

/* AppArmor's restriction lets the clone succeed and refuses what comes after (the id maps,
 * the first mount) with EPERM: said plainly, and under --tier auto the restricted tier runs. */
static bool launcher_apparmor_refused(struct launcher *l, int r, struct failure *f)
{
	char why[512];

	if (r != -EPERM || !tier_apparmor_blocks(why, sizeof(why)))
		return false;
	if (l->c->tier == TIER_AUTO) {
		if (l->child_fd >= 0)
			syscall(SYS_pidfd_send_signal, l->child_fd, SIGKILL, NULL, 0);
		if (l->pid1_fd >= 0)
			syscall(SYS_pidfd_send_signal, l->pid1_fd, SIGKILL, NULL, 0);
		l->restricted = true;
		return true;
	}
	failx(f, "clone", "new user namespace: %s", why);
	return false;
}

static int launcher_full(struct launcher *l, struct failure *f)
{
	int r = report_open(l->c, &l->report, f);

	if (r == 0) /* the report is open: what enforces each limit is its first lines */
		rlimit_announce(l->c, &l->cgroup, &l->events);
	if (r == 0)
		r = launcher_map_ids(l, f);
	if (r == 0)
		r = launcher_send_filter(l, f);
	/* Cloned by us, pid 1 makes the tap the back-end needs while the filter is built. */
	if (r == 0 && l->direct)
		r = launcher_net_start(l, f);
	if (r == 0)
		r = launcher_net_ready(l, f);
	if (r == 0)
		r = launcher_loop(l, f);
	if (r == 0 && l->child_failed) {
		*f = l->child_failure;
		r = supervise_failure(f); /* exec's carries the command's own status (126, 127) */
	}
	return r;
}

int launcher_run(const struct config *c, struct launch_report *ret, struct failure *f)
{
	struct launcher l = {
		.c = c,
		.sync = { -1, -1 },
		.sup = SUPERVISOR_INIT,
		.loop = { .epoll_fd = -1 },
		.child_fd = -1,
		.pid1_fd = -1,
		.status = -1,
		.exit_code = -1,
		.jobs = { { .pid = -1, .err_fd = -1 }, { .pid = -1, .err_fd = -1 } },
		.report = { .fd = -1 },
		.notify = { .src = { .fd = -1 } },
		.deadline = { .fd = -1 },
	};
	int r = launcher_mkdirs(c, &l.made_dirs, f);

	events_init(&l.events, c->verbose);
	net_state_init(&l.net);
	cgroup_state_init(&l.cgroup);
	desktop_state_init(&l.desktop);
	if (r == 0)
		r = launcher_cgroup(&l, f);
	if (r == 0 && c->tier == TIER_RESTRICTED)
		return launcher_restricted(&l, ret, f);
	/* from here on a SIGINT or SIGTERM waits for a step's end, not for a half-made start */
	if (r == 0)
		r = supervise_start(&l.sup, c->setsid_command, f);
	if (r == 0 && !launcher_stopped(&l))
		r = workspace_start(c, &l.workspace, f);
	if (r == 0 && c->idmap != IDMAP_NONE && !launcher_stopped(&l))
		r = launcher_prepare_maps(&l, f);
	/* No helper to overlap with: one clone, as bwrap does. A cgroup leaf to be born in only
	 * without a new cgroup namespace: clone3 makes that one before CLONE_INTO_CGROUP moves the
	 * child (copy_namespaces runs before cgroup_can_fork), so it would be rooted at the
	 * launcher's cgroup instead of the leaf; the first child unshares it once in the leaf. */
	l.direct = r == 0 && !l.uid.helper && !l.gid.helper &&
		   (l.cgroup.leaf_fd < 0 || !(child_unshare_flags(c) & CLONE_NEWCGROUP) || c->pid1_sibling) &&
		   /* a new pid namespace below a joined one is made by a process born in that one */
		   !(c->pidns_fd >= 0 && !(c->share & SHARE_PID));
	if (r == 0 && c->pid1_sibling && !l.direct) /* (hutch-oci takes neither helpers nor --pidns) */
		r = failx(f, "clone", "pid 1 as the caller's child needs the direct start");
	if (r == 0 && !launcher_stopped(&l))
		r = desktop_start(c, &l.desktop, f);
	if (r == 0 && (r = sync_pair(l.sync)) < 0)
		fail(f, r, "sync", "socketpair");
	if (r == 0)
		r = launcher_events(&l, f);
	if (r == 0 && !launcher_stopped(&l))
		r = launcher_report(&l, f);
	if (r == 0 && !launcher_stopped(&l))
		r = launcher_clone(&l, f);
	/* after the clone, the loop passes the signal on: pid 1 ends at once (pid1.h) */
	if (r == 0 && !l.restricted && !l.stop_sig)
		r = launcher_full(&l, f);
	if (l.restricted || launcher_apparmor_refused(&l, r, f))
		return launcher_restricted(&l, ret, f);
	/* a setup step that failed because the signal ended pid 1 (map writing, the sync) */
	if ((r < 0 && launcher_stopped(&l)) || (r == 0 && l.stop_sig && l.status < 0)) {
		*f = (struct failure){ 0 };
		r = 0;
	}
	*ret = (struct launch_report){ .status = l.stop_sig && l.status < 0 ? 128 + l.stop_sig
						 : l.deadline.why	    ? EXIT_TIMEOUT
									    : l.status,
				       .time_limit = l.deadline.why,
				       .usage = l.pid1_usage,
				       .wall_usec = deadline_elapsed(&l.deadline) };
	launcher_teardown(&l);
	if (l.workspace.pending)
		snprintf(ret->workspace_pending, sizeof(ret->workspace_pending), "%s", c->name);
	cgroup_finish(c, &l.cgroup, &ret->cgroup);
	state_finish(c, &l.state);
	net_stop(&l.net);
	info_finished(c, r == 0 ? ret->status : -1, r == 0 && !f->stage[0]);
	return r;
}
