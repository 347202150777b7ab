/* Landlock rulesets, with raw system calls (glibc has no wrappers). Two users:
 * - the full tier (landlock_apply, confine.h), in the command process after pivot_root and
 *   no_new_privs: writes are allowed only beneath the paths the mount plan made writable, plus
 *   /dev; reads are left to the mount policy. Defence in depth: a mistake in the plan, or a
 *   writable mount the plan did not mean to expose, still cannot be written to.
 * - the restricted tier (landlock.h), which has no mount namespace: the ruleset is the whole
 *   file-system policy, built in the launcher from the same plan and enforced by the command
 *   process on itself. */
#include "command/confine.h"
#include "command/landlock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/config.h"
#include "egress/egress.h"
#include "lib/path-util.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

/* The ruleset attribute grew with ABI 4 (handled_access_net) and 6 (scoped); the build
 * machine's header may predate both, so hutch carries its own copy of the layout. */
struct ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define LL_ACCESS_NET_BIND_TCP	      (1ULL << 0)
#define LL_ACCESS_NET_CONNECT_TCP     (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL		      (1ULL << 1)
#define LL_ATTR_SIZE_V1		      offsetof(struct ll_ruleset_attr, handled_access_net)
#define LL_ATTR_SIZE_V4		      offsetof(struct ll_ruleset_attr, scoped)
#define LL_ATTR_SIZE_V6		      sizeof(struct ll_ruleset_attr)

#define STAGE "landlock"

/* Write-like rights of ABI 1; later ABIs add one right each (REFER 2, TRUNCATE 3, IOCTL_DEV 5).
 * IOCTL_DEV counts as a write: device ioctls change device state, and /dev stays allowed. */
#define WRITE_RIGHTS_V1                                                                                   \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |       \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |    \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

#define READ_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)

/* A device node is read, written and (ABI 5) given ioctls; nothing is created beneath it. */
#define DEVICE_RIGHTS \
	(LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_IOCTL_DEV)

static uint64_t write_rights(int abi)
{
	uint64_t r = WRITE_RIGHTS_V1;

	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/* Rights that make sense on a non-directory: the MAKE_*, REMOVE_*, READ_DIR and REFER rights
 * are refused by landlock_add_rule() for a file (EINVAL). */
static uint64_t file_rights(uint64_t rights)
{
	return rights &
	       (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
		LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV);
}

/* A path that is missing (MPF_TRY entries may not exist) or out of the command's reach is
 * skipped: the command cannot reach beneath it either, and failing would only turn a stricter
 * ruleset into no sandbox at all. rights are masked to what the ruleset handles. */
static int allow_beneath(int ruleset, const char *path, uint64_t rights, uint64_t handled, struct failure *f)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	struct landlock_path_beneath_attr attr = { .allowed_access = rights & handled };
	struct stat st;

	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == EACCES))
		return 0;
	if (fd < 0)
		return fail(f, negative_errno(), STAGE, "cannot open %s", path);
	if (fstat(fd, &st) < 0)
		return fail(f, negative_errno(), STAGE, "cannot stat %s", path);
	if (!S_ISDIR(st.st_mode))
		attr.allowed_access = file_rights(attr.allowed_access);
	if (attr.allowed_access == 0)
		return 0;
	attr.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
		return fail(f, negative_errno(), STAGE, "cannot add a rule for %s", path);
	return 0;
}

/* ---- the full tier: writes only ------------------------------------------------------------ */

static bool entry_writable(const struct mp_entry *e)
{
	if (e->flags & MPF_RO)
		return false;
	/* An overlay root is copy-on-write by design, and --rootfs-bind --rw asked for writes; so
	 * is an overlay at a destination (a workspace). */
	return e->op == MP_BIND || e->op == MP_TMPFS || e->op == MP_DEV || e->op == MP_ROOT_OVERLAY ||
	       e->op == MP_ROOT_BIND || e->op == MP_OVERLAY_AT;
}

static int allow_plan(int ruleset, const struct config *c, uint64_t rights, struct failure *f)
{
	int r = allow_beneath(ruleset, "/dev", rights, rights, f);

	/* A nested user namespace is set up by writing /proc/PID/{uid_map,gid_map,setgroups}. */
	if (r >= 0 && c->allow_userns)
		r = allow_beneath(ruleset, "/proc", rights, rights, f);
	for (size_t i = 0; r >= 0 && i < c->plan.n; i++)
		if (entry_writable(&c->plan.ops[i]) && c->plan.ops[i].dst)
			r = allow_beneath(ruleset, c->plan.ops[i].dst, rights, rights, f);
	return r;
}

static int unsupported(const struct config *c, int err, struct failure *f)
{
	if (c->landlock == LANDLOCK_AUTO)
		return 0;
	return fail(f, -EOPNOTSUPP, STAGE, "--landlock=require, but this kernel does not offer Landlock (%s)",
		    err == -ENOSYS	 ? "not built in"
		    : err == -EOPNOTSUPP ? "disabled at boot"
					 : strerror(-err));
}

/* A Landlock domain also forbids mount(2), umount and pivot_root, in nested namespaces too: a
 * command given CAP_SYS_ADMIN or new user namespaces is asking to mount (a nested bwrap, a
 * fake-root image build), so "auto" steps aside for it; "require" still applies. */
static bool wants_mounts(const struct config *c)
{
	return c->allow_userns || (c->cap_add & (1ULL << CAP_SYS_ADMIN));
}

int landlock_apply(const struct config *c, struct failure *f)
{
	struct landlock_ruleset_attr attr = { 0 };
	_cleanup_close_ int ruleset = -1;
	int abi, r;

	if ((r = egress_scope_apply(c, f)) < 0)
		return r;
	if (c->landlock == LANDLOCK_OFF || (c->landlock == LANDLOCK_AUTO && wants_mounts(c)))
		return 0;
	abi = landlock_abi();
	if (abi < 0)
		return unsupported(c, abi, f);
	attr.handled_access_fs = write_rights(abi);
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		return fail(f, negative_errno(), STAGE, "cannot create the ruleset (ABI %d)", abi);
	r = allow_plan(ruleset, c, attr.handled_access_fs, f);
	if (r < 0)
		return r;
	/* Needs no_new_privs (or CAP_SYS_ADMIN), which command.c sets just before. */
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return fail(f, negative_errno(), STAGE, "cannot enforce the ruleset");
	return 0;
}

/* ---- the restricted tier: the whole file-system and network policy ------------------------- */

/* What a run needs that is not in the plan. Devices: the harmless ones every program expects
 * (the full tier's minimal /dev has the same). /proc, read-only: a command and its children
 * read their own /proc/PID; another process's environ, maps, open files and memory stay closed,
 * because Landlock refuses the ptrace access check towards a process outside the domain, and
 * what remains (pids, command lines, /proc/sys) is what any user sees of other users'
 * processes. /sys/devices/system/cpu: libc counts the CPUs there. */
static const char *const devices[] = { "/dev/null",   "/dev/zero",    "/dev/full",
				       "/dev/random", "/dev/urandom", "/dev/tty" };
static const char *const system_reads[] = { "/proc", "/sys/devices/system/cpu" };

/* One plan entry's rights in this tier: a bind at its own place keeps its read-only flag; the
 * system directories are mirrored read-only. Everything else the plan makes (tmpfs, covers,
 * files, /proc, /dev) has no host path to grant: it stays out of reach. */
static uint64_t entry_rights(const struct mp_entry *e, int abi)
{
	uint64_t rights = READ_RIGHTS;

	if (e->op == MP_MIRROR)
		return READ_RIGHTS;
	if (e->op != MP_BIND || !e->src || strcmp(e->src, e->dst) != 0)
		return 0;
	if (!(e->flags & MPF_RO))
		rights |= write_rights(abi);
	if (e->flags & MPF_DEV)
		rights |= DEVICE_RIGHTS;
	return rights;
}

/* The terminal the command writes to, when it has one, stays usable when opened again by
 * name (/dev/stdout through /proc, a program reopening its tty). */
static int allow_own_tty(int ruleset, uint64_t handled, struct failure *f)
{
	for (int fd = 0; fd <= 2; fd++) {
		char name[256];
		if (ttyname_r(fd, name, sizeof(name)) == 0)
			return allow_beneath(ruleset, name, DEVICE_RIGHTS, handled, f);
	}
	return 0;
}

/* ---- read-only paths inside a writable one, in the restricted tier ---------------------------- */

/* Landlock only adds rights: a read-only bind inside a writable one (a persistence point kept
 * by persist.c, a --read-only in a whitelisted tree) cannot take rights away from it. So a
 * writable entry with such holes is granted entry by entry instead: reads beneath it, and full
 * rights beneath each entry of each directory on the way to a hole, but not the hole itself.
 * Those directories take no new entry here (the full tier's mounts are finer). */
struct holes {
	const struct config *c;
	size_t from; /* the writable entry: holes are the read-only binds after it */
	int abi;
	uint64_t handled;
};

static bool is_hole(const struct mp_entry *e)
{
	return e->op == MP_BIND && (e->flags & MPF_RO) && e->src && strcmp(e->src, e->dst) == 0;
}

/* 2: path is a hole; 1: a hole lies beneath it; 0: neither. */
static int hole_at(const struct holes *h, const char *path)
{
	int found = 0;

	for (size_t i = h->from + 1; i < h->c->plan.n; i++) {
		const struct mp_entry *e = &h->c->plan.ops[i];
		if (!is_hole(e))
			continue;
		if (path_is_beneath(path, e->dst))
			return 2;
		if (path_is_beneath(e->dst, path))
			found = 1;
	}
	return found;
}

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

static int allow_around_holes(int ruleset, const struct holes *h, const char *dir, uint64_t rights,
			      struct failure *f)
{
	_cleanup_(closedirp) DIR *d = opendir(dir);
	struct dirent *de;
	int r = allow_beneath(ruleset, dir, READ_RIGHTS, h->handled, f);

	while (r >= 0 && d && (de = readdir(d))) {
		char path[4096];
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, de->d_name) >=
			(int)sizeof(path))
			continue;
		int k = hole_at(h, path);
		if (k == 1 && de->d_type == DT_DIR)
			r = allow_around_holes(ruleset, h, path, rights, f);
		else if (k == 0 && de->d_type != DT_LNK)
			r = allow_beneath(ruleset, path, rights, h->handled, f);
	}
	return r;
}

static int allow_entry(int ruleset, const struct config *c, size_t i, int abi, uint64_t handled,
		       struct failure *f)
{
	const struct mp_entry *e = &c->plan.ops[i];
	uint64_t rights = entry_rights(e, abi);
	struct holes h = { .c = c, .from = i, .abi = abi, .handled = handled };
	int k = rights & LANDLOCK_ACCESS_FS_WRITE_FILE ? hole_at(&h, e->dst) : 0;

	if (!rights)
		return 0;
	if (k == 2)
		return allow_beneath(ruleset, e->dst, READ_RIGHTS, handled, f);
	if (k == 1)
		return allow_around_holes(ruleset, &h, e->dst, rights, f);
	return allow_beneath(ruleset, e->dst, rights, handled, f);
}

static int restricted_rules(int ruleset, const struct config *c, int abi, uint64_t handled, struct failure *f)
{
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(devices); i++)
		r = allow_beneath(ruleset, devices[i], DEVICE_RIGHTS, handled, f);
	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(system_reads); i++)
		r = allow_beneath(ruleset, system_reads[i], READ_RIGHTS, handled, f);
	if (r >= 0)
		r = allow_own_tty(ruleset, handled, f);
	for (size_t i = 0; r >= 0 && i < c->plan.n; i++)
		r = allow_entry(ruleset, c, i, abi, handled, f);
	return r;
}

static int create_restricted(const struct config *c, int abi, uint64_t *ret_handled, struct failure *f)
{
	struct ll_ruleset_attr attr = { .handled_access_fs = READ_RIGHTS | write_rights(abi) };
	size_t size = LL_ATTR_SIZE_V1;
	int fd;

	/* Without a network namespace, "no network" can only be a deny of TCP bind and connect
	 * (UDP and the rest are refused by tier.c's socket filter). */
	if (landlock_abi_has_net(abi) && c->net == NET_NONE) {
		attr.handled_access_net = LL_ACCESS_NET_BIND_TCP | LL_ACCESS_NET_CONNECT_TCP;
		size = LL_ATTR_SIZE_V4;
	}
	/* Scoping stands in for the pid and ipc namespaces: no signal to, and no abstract socket
	 * of, a process outside the sandbox (an X server's or a session bus's @socket). */
	if (landlock_abi_has_scopes(abi)) {
		attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
		size = LL_ATTR_SIZE_V6;
	}
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
	if (fd < 0)
		return fail(f, negative_errno(), STAGE, "cannot create the ruleset (ABI %d)", abi);
	*ret_handled = attr.handled_access_fs;
	return fd;
}

int landlock_restricted_ruleset(const struct config *c, int abi, int *ret_fd, struct failure *f)
{
	uint64_t handled = 0;
	_cleanup_close_ int fd = create_restricted(c, abi, &handled, f);
	int r;

	if (fd < 0)
		return fd;
	r = restricted_rules(fd, c, abi, handled, f);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

int landlock_restricted_enforce(int ruleset, struct failure *f)
{
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		return fail(f, negative_errno(), STAGE, "cannot enforce the ruleset");
	return 0;
}
