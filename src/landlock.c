/* Landlock for the command process (after pivot_root and no_new_privs, before seccomp): writes
 * are allowed only beneath the paths the mount plan made writable, plus /dev; reads are left to
 * the mount policy. Defence in depth: a mistake in the plan, or a writable mount the plan did
 * not mean to expose, still cannot be written to. Raw system calls; glibc has no wrappers. */
#include "confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "config.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

#define STAGE "landlock"

/* Write-like rights of ABI 1; later ABIs add one right each (REFER 2, TRUNCATE 3, IOCTL_DEV 5).
 * IOCTL_DEV counts as a write: device ioctls change device state, and /dev stays allowed. */
#define WRITE_RIGHTS_V1                                                                                   \
	(LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE | \
	 LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |       \
	 LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |    \
	 LANDLOCK_ACCESS_FS_MAKE_SYM)

static int ll_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);

	return v < 0 ? negative_errno() : (int)v;
}

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

/* Rights that make sense on a non-directory: the MAKE_*, REMOVE_* and REFER rights are refused
 * by landlock_add_rule() for a file (EINVAL). */
static uint64_t file_rights(uint64_t rights)
{
	return rights &
	       (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | LANDLOCK_ACCESS_FS_IOCTL_DEV);
}

/* A path that is missing (MPF_TRY entries may not exist) or out of the command's reach is
 * skipped: the command cannot write beneath it either, and failing would only turn a stricter
 * ruleset into no sandbox at all. */
static int allow_beneath(int ruleset, const char *path, uint64_t rights, struct failure *f)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_CLOEXEC);
	struct landlock_path_beneath_attr attr = { .allowed_access = rights };
	struct stat st;

	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR || errno == EACCES))
		return 0;
	if (fd < 0)
		return fail(f, negative_errno(), STAGE, "cannot open %s", path);
	if (fstat(fd, &st) < 0)
		return fail(f, negative_errno(), STAGE, "cannot stat %s", path);
	if (!S_ISDIR(st.st_mode))
		attr.allowed_access = file_rights(rights);
	attr.parent_fd = fd;
	if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) < 0)
		return fail(f, negative_errno(), STAGE, "cannot allow writes beneath %s", path);
	return 0;
}

static bool entry_writable(const struct mp_entry *e)
{
	if (e->flags & MPF_RO)
		return false;
	/* An overlay root is copy-on-write by design, and --rootfs-bind --rw asked for writes. */
	return e->op == MP_BIND || e->op == MP_TMPFS || e->op == MP_DEV || e->op == MP_ROOT_OVERLAY ||
	       e->op == MP_ROOT_BIND;
}

static int allow_plan(int ruleset, const struct config *c, uint64_t rights, struct failure *f)
{
	int r = allow_beneath(ruleset, "/dev", rights, f);

	/* A nested user namespace is set up by writing /proc/PID/{uid_map,gid_map,setgroups}. */
	if (r >= 0 && c->allow_userns)
		r = allow_beneath(ruleset, "/proc", rights, f);
	for (size_t i = 0; r >= 0 && i < c->plan.n; i++)
		if (entry_writable(&c->plan.ops[i]) && c->plan.ops[i].dst)
			r = allow_beneath(ruleset, c->plan.ops[i].dst, rights, f);
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

	if (c->landlock == LANDLOCK_OFF || (c->landlock == LANDLOCK_AUTO && wants_mounts(c)))
		return 0;
	abi = ll_abi();
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
