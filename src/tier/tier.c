/* Where user namespaces are blocked (see tier.h): why the clone was refused, and the restricted
 * tier. The launcher runs all of this with the caller's own privileges; the restricted tier's
 * command process (forked here, no namespaces) is command.c's command_run with this tier's
 * spec, and the launcher supervises it with supervise.c, as the full sandbox's launcher and
 * `hutch join` do theirs. Over 600 lines: why the clone was refused, and the restricted tier
 * (its Landlock ruleset, its socket and IPC filter, its command's spec) are one concern. */
#include "tier/tier.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/clone.h"
#include "command/command.h"
#include "front/config.h"
#include "egress/egress.h"
#include "command/confine.h"
#include "lib/failure.h"
#include "command/landlock.h"
#include "launcher/launch-report.h"
#include "launcher/supervise.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/sync.h"

#define STAGE		   "tier"
#define APPARMOR_PROFILE   "/etc/apparmor.d/hutch"
#define SYSCTL_AA_RESTRICT "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"

/* ---- why the clone was refused --------------------------------------------------------------- */

bool tier_userns_refused(int err)
{
	return err == -EPERM || err == -EACCES || err == -ENOSPC || err == -EUSERS;
}

/* The first line of a small file, newline dropped; false when it cannot be read. */
static bool first_line(const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, len - 1);

	if (n < 0)
		return false;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return true;
}

/* A sysctl's integer value, or -1 when it does not exist on this kernel. */
static long sysctl_value(const char *path)
{
	char buf[32];

	return first_line(path, buf, sizeof(buf)) && buf[0] ? strtol(buf, NULL, 10) : -1;
}

/* The value of a "Name:\tvalue" line of /proc/self/status, or -1. */
static long status_value(const char *name)
{
	char buf[4096], *p;
	_cleanup_close_ int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, name);
	return p ? strtol(p + strlen(name), NULL, 10) : -1;
}

bool tier_apparmor_blocks(char *buf, size_t len)
{
	char label[256] = "", exe[PATH_MAX] = "hutch";
	ssize_t n;

	if (sysctl_value(SYSCTL_AA_RESTRICT) != 1)
		return false;
	/* The stacking-aware file first; the older one holds the label of the first major LSM. */
	if (!first_line("/proc/self/attr/apparmor/current", label, sizeof(label)))
		first_line("/proc/self/attr/current", label, sizeof(label));
	/* "hutch (unconfined)" or "hutch-bwrap (unconfined)": apparmor/hutch's profiles (strchr
	 * also matches the terminating NUL). */
	if (strncmp(label, "hutch", 5) == 0 && strchr(" -", label[5]))
		return false;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) > 0)
		exe[n] = '\0';
	snprintf(buf, len,
		 "AppArmor restricts unprivileged user namespaces "
		 "(kernel.apparmor_restrict_unprivileged_userns=1) and %s runs under %s, not hutch's "
		 "profile; %s (the profile covers the installed hutch only), or allow it for every "
		 "program: sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0",
		 exe, label[0] ? label : "no profile",
		 access(APPARMOR_PROFILE, F_OK) == 0 ? "load it: sudo apparmor_parser -r " APPARMOR_PROFILE
						     : "install " APPARMOR_PROFILE
						       " (meson -Dapparmor=enabled, then meson install) and "
						       "load it: sudo apparmor_parser -r " APPARMOR_PROFILE);
	return true;
}

/* A seccomp filter or an LSM refused it: say which one is there, as far as we can tell. */
static void explain_filter_or_lsm(int err, char *buf, size_t len)
{
	char lsm[256] = "";

	if (status_value("Seccomp:") == 2) {
		snprintf(buf, len,
			 "%s: a seccomp filter around hutch refuses new user namespaces (Seccomp: 2 in "
			 "/proc/self/status): a container's default profile (docker or podman: a "
			 "--security-opt seccomp= profile that allows clone and unshare with "
			 "CLONE_NEWUSER) or a sandbox hutch runs in",
			 strerror(-err));
		return;
	}
	first_line("/sys/kernel/security/lsm", lsm, sizeof(lsm));
	snprintf(buf, len,
		 "%s: refused by a security module%s%s%s (a container runtime's policy, or a chroot: "
		 "user namespaces cannot be created from one)",
		 strerror(-err), lsm[0] ? " (active: " : "", lsm, lsm[0] ? ")" : "");
}

void tier_explain(int err, char *buf, size_t len)
{
	long max = sysctl_value("/proc/sys/user/max_user_namespaces");

	if (tier_apparmor_blocks(buf, len))
		return;
	if (sysctl_value("/proc/sys/kernel/unprivileged_userns_clone") == 0)
		snprintf(
		    buf, len,
		    "unprivileged user namespaces are switched off "
		    "(kernel.unprivileged_userns_clone=0); sudo sysctl kernel.unprivileged_userns_clone=1");
	else if (max == 0)
		snprintf(buf, len,
			 "user namespaces are switched off (user.max_user_namespaces=0); "
			 "sudo sysctl user.max_user_namespaces=15000");
	else if (err == -ENOSPC || err == -EUSERS)
		snprintf(
		    buf, len,
		    "the limit of user namespaces is reached (user.max_user_namespaces=%ld, or 32 levels "
		    "of nesting); raise it: sudo sysctl user.max_user_namespaces=%ld",
		    max, max > 0 ? max * 2 : 15000);
	else
		explain_filter_or_lsm(err, buf, len);
}

/* ---- what the restricted tier cannot do ----------------------------------------------------- */

const char *const tier_restricted_cannot[] = {
	"hide a path inside an allowed directory (--blacklist beneath /usr, /etc or a bound path)",
	"give a private /tmp (--private-tmp): /tmp, /run and the home directory are out of reach instead",
	"isolate pids (--as-pid-1; without Landlock ABI 6 also the default): other processes stay "
	"visible by pid, and only ABI 6 keeps signals inside",
	"enforce resource limits without a delegated cgroup (--memory-max, --pids-max, ...)",
	"filter the network by domain, forward ports (--port) or hide the host's loopback: the "
	"network is the host's, or with --net none no sockets but Unix and netlink ones",
	"use an image root, put a host path elsewhere (--bind SRC:DST), create paths (--tmpfs, "
	"--dir, --symlink) or run as another uid (--uid, --gid, --cap-add)",
	NULL,
};

struct tier_ctx {
	int abi;
	int leaf_fd;
};

/* One thing a config may need that this tier cannot give. needs() names the directive in
 * what; always: refused even under --accept-weaker (running would not be the same program
 * on the same files, rather than the same one less isolated). */
struct tier_need {
	bool always;
	bool (*needs)(const struct config *c, const struct tier_ctx *t, char *what, size_t len);
	const char *why;
};

static bool need_image(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "%s", c->rootfs_bind ? "rootfs-bind" : c->rootfs ? "rootfs" : "layers");
	return c->rootfs || c->layers || c->rootfs_bind;
}

static bool need_identity(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "%s", c->uid != c->host_uid ? "uid" : c->gid != c->host_gid ? "gid" : "cap-add");
	return c->uid != c->host_uid || c->gid != c->host_gid || c->cap_add;
}

static bool need_landlock_off(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "landlock off");
	return c->landlock == LANDLOCK_OFF;
}

/* --private-bin's own binds (python3.11 into /usr/sbin too) are need_private_bin()'s. */
static bool in_private_bin(const struct config *c, const char *dst)
{
	for (char **d = c->private_bin ? c->private_bin_set.dirs : NULL; d && *d; d++)
		if (strncmp(dst, *d, strlen(*d)) == 0 && dst[strlen(*d)] == '/')
			return true;
	return false;
}

static bool need_moved_path(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	for (size_t i = 0; i < c->plan.n; i++) {
		const struct mp_entry *e = &c->plan.ops[i];
		if (e->op != MP_BIND || !e->src || strcmp(e->src, e->dst) == 0 || in_private_bin(c, e->dst))
			continue;
		snprintf(what, len, "%s %s:%s",
			 e->flags & MPF_DEV  ? "dev-bind"
			 : e->flags & MPF_RO ? "ro-bind"
					     : "bind",
			 e->src, e->dst);
		return true;
	}
	return false;
}

static bool need_private_tmp(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "private-tmp");
	return c->private_tmp;
}

static bool need_machine_id(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "machine-id");
	return c->machine_id;
}

static bool need_private_cache(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "private-cache");
	return c->private_cache;
}

static bool need_private_bin(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "private-bin");
	return c->private_bin;
}

static bool need_created_path(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	static const char *const names[] = {
		[MREQ_TMPFS] = "tmpfs", [MREQ_DIR] = "dir", [MREQ_SYMLINK] = "symlink"
	};

	for (size_t i = 0; i < c->n_mounts; i++) {
		const struct mount_req *m = &c->mounts[i];
		if (m->kind == MREQ_TMPFS || m->kind == MREQ_DIR || m->kind == MREQ_SYMLINK) {
			snprintf(what, len, "%s %s", names[m->kind], m->dst);
			return true;
		}
	}
	return false;
}

/* The host path a plan entry lets the command reach (see landlock.c's entry_rights). */
static const char *entry_allowed(const struct mp_entry *e)
{
	if (e->op == MP_MIRROR || (e->op == MP_BIND && e->src && strcmp(e->src, e->dst) == 0))
		return e->dst;
	return NULL;
}

/* A hidden path beneath an allowed one: Landlock only adds rights, so it cannot take the
 * hidden part back out. Both sides resolved (/bin/x is /usr/bin/x on a merged-/usr host); a
 * hidden path that does not exist hides nothing, in the full tier either (MPF_TRY). */
static bool cover_inside_allowed(const struct config *c, const char *cover)
{
	_cleanup_free_ char *real = realpath(cover, NULL);

	for (size_t i = 0; real && i < c->plan.n; i++) {
		const char *allowed = entry_allowed(&c->plan.ops[i]);
		_cleanup_free_ char *dir = allowed ? realpath(allowed, NULL) : NULL;
		if (dir && path_is_beneath(real, dir))
			return true;
	}
	return false;
}

static bool need_hidden_path(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	for (size_t i = 0; i < c->plan.n; i++) {
		const struct mp_entry *e = &c->plan.ops[i];
		if (e->op == MP_COVER && cover_inside_allowed(c, e->dst)) {
			snprintf(what, len, "blacklist %s", e->dst);
			return true;
		}
	}
	return false;
}

static bool need_pid_namespace(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "%s", c->as_pid1 ? "as-pid-1" : "pid isolation (the default; share-pid)");
	return c->as_pid1 || (!(c->share & SHARE_PID) && !landlock_abi_has_scopes(t->abi));
}

static bool need_cgroup(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "%s",
		 c->limits.memory_max != CGROUP_UNSET  ? "memory-max"
		 : c->limits.tasks_max != CGROUP_UNSET ? "pids-max"
						       : "the resource limits");
	return cgroup_limits_any(&c->limits) && t->leaf_fd < 0;
}

static bool need_timer(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "%s", c->rlimits.timeout_usec ? "timeout" : "cpu-time");
	return c->rlimits.timeout_usec || c->limits.cpu_time_usec != CGROUP_UNSET;
}

static bool need_net_namespace(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	bool usermode = c->net == NET_SLIRP || c->net == NET_PASTA || c->net == NET_AUTO_USERMODE;

	snprintf(what, len, "%s", c->n_ports ? "port" : c->net == NET_VETH ? "net veth" : "net (user-mode)");
	return c->n_ports > 0 || c->net == NET_VETH || (usermode && !c->allow_host_loopback);
}

static bool need_egress(const struct config *c, const struct tier_ctx *t, char *what, size_t len)
{
	snprintf(what, len, "the egress policy (allow-domain, deny-lan, allow-host-port, via)");
	return c->egress && c->egress->netns_policy;
}

static const struct tier_need tier_needs[] = {
	{ true, need_image, "an image root needs a mount namespace" },
	{ true, need_identity, "another uid, gid or capabilities need a user namespace" },
	{ true, need_landlock_off, "Landlock is all this tier has to confine the file system" },
	{ true, need_moved_path, "putting a host path at another place needs a mount namespace" },
	{ true, need_egress,
	  "its nftables rules live in the sandbox's own network namespace; without them nothing "
	  "would be refused" },
	{ false, need_private_tmp,
	  "a private /tmp needs a mount namespace (this tier keeps /tmp out of reach)" },
	{ false, need_machine_id, "a random /etc/machine-id needs a mount namespace: the host's would show" },
	{ false, need_private_cache,
	  "an empty ~/.cache needs a mount namespace: what a whitelist shows in it would stay" },
	{ false, need_private_bin,
	  "Landlock cannot narrow /usr/bin to some programs: every program would stay runnable" },
	{ false, need_created_path,
	  "creating a path inside needs a mount namespace (it would stay out of reach)" },
	{ false, need_hidden_path,
	  "Landlock cannot hide a path inside an allowed directory: it would stay readable" },
	{ false, need_pid_namespace,
	  "pid isolation needs a pid namespace, or Landlock ABI 6 to keep signals inside" },
	{ false, need_cgroup, "limits need a delegated cgroup, and there is none: they would not hold" },
	{ true, need_timer, "the time limits are kept by the full tier's launcher, not this tier's" },
	{ false, need_net_namespace,
	  "port forwards, a veth and hiding the host's loopback need a network namespace: the command "
	  "would share the host's network" },
};

/* Refuse what the tier cannot give; under --accept-weaker, warn about it instead. */
static int tier_check(const struct config *c, const struct tier_ctx *t, struct failure *f)
{
	char what[4200];

	for (size_t i = 0; i < ARRAY_SIZE(tier_needs); i++) {
		const struct tier_need *n = &tier_needs[i];
		if (!n->needs(c, t, what, sizeof(what)))
			continue;
		if (n->always || !c->accept_weaker)
			return failx(f, STAGE,
				     "the restricted tier (no user namespaces here) cannot give %s: %s; run "
				     "where user namespaces work (see hutch doctor), remove it%s",
				     what, n->why, n->always ? "" : ", or accept less with --accept-weaker");
		log_warning("--accept-weaker: running without %s (%s)", what, n->why);
	}
	return 0;
}

/* ---- the tier's own seccomp filter: sockets and System V IPC --------------------------------- */

#define DENY SCMP_ACT_ERRNO(EACCES)

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* The compat ABIs must get the rules too (int $0x80 would go around them). */
static int filter_arches(scmp_filter_ctx ctx)
{
	uint32_t native = seccomp_arch_native();
	int r = 0;

	if (native == SCMP_ARCH_X86_64) {
		r = seccomp_arch_add(ctx, SCMP_ARCH_X86);
		if (r == 0 || r == -EEXIST)
			r = seccomp_arch_add(ctx, SCMP_ARCH_X32);
	} else if (native == SCMP_ARCH_AARCH64) {
		r = seccomp_arch_add(ctx, SCMP_ARCH_ARM);
	}
	return r == -EEXIST ? 0 : r;
}

/* No network: only AF_UNIX (1) and AF_NETLINK (16) sockets, the way a fresh network namespace
 * leaves nothing but lo; Landlock's TCP rules cannot see UDP, raw or vsock sockets. Unix
 * sockets: before Landlock ABI 9 nothing limits connect(2) to a socket by its path (the
 * session bus, a container engine's socket), so the tier refuses to create them (socketpair
 * still works) unless the user accepts that. i386's socketcall carries the family in memory,
 * out of a filter's reach: refused whole. */
static int filter_sockets(scmp_filter_ctx ctx, const struct config *c)
{
	int r = 0;

	for (int fam = AF_UNIX + 1; c->net == NET_NONE && r == 0 && fam < AF_NETLINK; fam++)
		r = seccomp_rule_add(ctx, DENY, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, fam));
	if (c->net == NET_NONE && r == 0)
		r = seccomp_rule_add(ctx, DENY, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_GT, AF_NETLINK));
	if (!c->accept_weaker && r == 0)
		r = seccomp_rule_add(ctx, DENY, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, AF_UNIX));
	if (r == 0 && (c->net == NET_NONE || !c->accept_weaker))
		r = seccomp_rule_add(ctx, DENY, SCMP_SYS(socketcall), 0);
	return r;
}

/* Without an ipc namespace, System V objects and POSIX message queues are the host's: their
 * ids are small integers, so an attach by id needs no get. */
static int filter_ipc(scmp_filter_ctx ctx, const struct config *c)
{
	static const char *const calls[] = { "shmget", "shmat",	 "shmctl",  "msgget",	"msgsnd",
					     "msgrcv", "msgctl", "semget",  "semop",	"semtimedop",
					     "semctl", "ipc",	 "mq_open", "mq_unlink" };
	int r = 0;

	for (size_t i = 0; !(c->share & SHARE_IPC) && r == 0 && i < ARRAY_SIZE(calls); i++) {
		int nr = seccomp_syscall_resolve_name(calls[i]);
		if (nr != __NR_SCMP_ERROR)
			r = seccomp_rule_add(ctx, DENY, nr, 0);
	}
	return r;
}

/* The rules as a program of their own, installed by the command just before the default one. */
static int tier_filter_build(const struct config *c, struct bpf_program *ret, struct failure *f)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return fail(f, -ENOMEM, "seccomp", "cannot create a libseccomp filter");
	r = filter_arches(ctx);
	if (r == 0)
		r = filter_sockets(ctx, c);
	if (r == 0)
		r = filter_ipc(ctx, c);
	if (r < 0)
		return fail(f, r, "seccomp", "the restricted tier's socket and IPC rules");
	return seccomp_export(ctx, ret, f);
}

/* ---- the command process --------------------------------------------------------------------- */

struct restricted {
	const struct config *c;
	struct tier_ctx t;
	int ruleset;
	struct bpf_program bpf;	     /* the default program, as the full tier's */
	struct bpf_program tier_bpf; /* the tier's socket and IPC rules */
	int sync[2];		     /* [0] ours, [1] the command's: its failure before execve */
	struct supervisor sup;
	int pidfd;
};

/* Root (a container's, say) holds capabilities that Landlock does not take away; a normal user
 * holds none, and could not change its bounding set anyway (no_new_privs covers that). */
static bool holds_capabilities(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d) < 0)
		return true;
	return d[0].effective | d[0].permitted | d[1].effective | d[1].permitted;
}

/* command.c's steps with the tier's Landlock ruleset and its filter before the default one;
 * the command dies with the launcher, as the full tier's does with its pid namespace. */
_noreturn_ static void restricted_command(struct restricted *s)
{
	const struct config *c = s->c;
	struct command_spec spec = {
		.c = c,
		.steps = command_steps(COMMAND_RESTRICTED, c, holds_capabilities()),
		.sync_fd = s->sync[1],
		.keep_fds = c->keep_fds,
		.n_keep_fds = c->n_keep_fds,
		.landlock_fd = s->ruleset,
		.pre_bpf = &s->tier_bpf,
		.bpf = &s->bpf,
	};

	safe_close(s->sync[0]);
	command_run(&spec);
}

/* ---- the launcher's side ---------------------------------------------------------------------- */

static void restricted_free(struct restricted *s)
{
	safe_close(s->ruleset);
	bpf_program_free(&s->bpf);
	bpf_program_free(&s->tier_bpf);
	safe_close(s->sync[0]);
	safe_close(s->sync[1]);
	safe_close(s->pidfd);
	supervise_done(&s->sup);
}

static int restricted_prepare(struct restricted *s, struct failure *f)
{
	int r = landlock_restricted_ruleset(s->c, s->t.abi, &s->ruleset, f);

	if (r == 0)
		r = seccomp_build_cached(s->c, &s->bpf, f);
	if (r == 0)
		r = tier_filter_build(s->c, &s->tier_bpf, f);
	if (r < 0)
		return r;
	if ((r = sync_pair(s->sync)) < 0)
		return fail(f, r, "sync", "socketpair");
	/* Signals arrive on a signalfd from now on, to be passed on once the command exists. */
	if ((r = supervise_start(&s->sup, s->c->setsid_command, f)) < 0)
		return r;
	/* Orphans of the command come to us, so that none outlives the run (supervise_kill_rest). */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return fail(f, negative_errno(), "prctl", "PR_SET_CHILD_SUBREAPER");
	return 0;
}

static int restricted_launch(struct restricted *s, struct launch_report *ret, struct failure *f)
{
	pid_t pid = clone_process(0, SIGCHLD, &s->pidfd, s->t.leaf_fd);
	int r;

	if (pid < 0)
		return fail(f, pid, "clone", "the command process");
	if (pid == 0)
		restricted_command(s);
	s->sync[1] = safe_close(s->sync[1]);
	/* until its execve (EOF) or its failure; exec's carries the command's status (126, 127) */
	r = supervise_exec(s->sync[0], NULL, NULL, f);
	if (r < 0 && (r = supervise_failure(f)) < 0) {
		pidfd_exit_code(s->pidfd);
		return r;
	}
	supervise_target(&s->sup, s->pidfd);
	*ret = (struct launch_report){ .status = supervise_wait(&s->sup) };
	supervise_kill_rest();
	getrusage(RUSAGE_CHILDREN, &ret->usage); /* the command and what it left, all reaped */
	return 0;
}

int tier_restricted_run_in(const struct config *c, int cgroup_leaf_fd, struct launch_report *ret,
			   struct failure *f)
{
	struct restricted s = {
		.c = c,
		.t = { .abi = landlock_abi(), .leaf_fd = cgroup_leaf_fd },
		.ruleset = -1,
		.sync = { -1, -1 },
		.sup = SUPERVISOR_INIT,
		.pidfd = -1,
	};
	int r;

	if (s.t.abi < 0)
		return fail(f, -EOPNOTSUPP, STAGE,
			    "user namespaces are refused here, and the restricted tier needs Landlock: %s; "
			    "hutch does not run a command unconfined",
			    landlock_unavailable_reason(s.t.abi));
	if ((r = tier_check(c, &s.t, f)) < 0)
		return r;
	log_verbose(c->verbose, "tier: restricted: Landlock ABI %d (TCP rules: %s, scoped signals: %s)",
		    s.t.abi, landlock_abi_has_net(s.t.abi) ? "yes" : "no",
		    landlock_abi_has_scopes(s.t.abi) ? "yes" : "no");
	if (c->tier == TIER_AUTO)
		log_warning("user namespaces are refused here (hutch doctor says why); running in the "
			    "restricted tier: Landlock ABI %d and seccomp, no namespaces",
			    s.t.abi);
	r = restricted_prepare(&s, f);
	if (r == 0)
		r = restricted_launch(&s, ret, f);
	restricted_free(&s);
	return r;
}

int tier_restricted_run(const struct config *c, struct launch_report *ret, struct failure *f)
{
	return tier_restricted_run_in(c, -1, ret, f);
}
