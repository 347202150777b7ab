/* The mount plan (see mountplan.h): config → ordered array of operations. Pure: it makes no
 * system call, so it is unit-tested without privileges. Launcher side. */
#include "front/mountplan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/path-util.h"
#include "lib/strv.h"

static int plan_add(struct mountplan *p, enum mp_op op, unsigned flags, mode_t mode, const char *src,
		    const char *dst)
{
	struct mp_entry *ops = realloc(p->ops, (p->n + 1) * sizeof(*ops));

	if (!ops)
		return -ENOMEM;
	p->ops = ops;
	ops[p->n] = (struct mp_entry){ .op = op, .flags = flags, .mode = mode };
	ops[p->n].src = src ? strdup(src) : NULL;
	ops[p->n].dst = strdup(dst);
	if ((src && !ops[p->n].src) || !ops[p->n].dst) {
		free(ops[p->n].src);
		free(ops[p->n].dst);
		return -ENOMEM;
	}
	p->n++;
	return 0;
}

int mountplan_add(struct mountplan *p, enum mp_op op, unsigned flags, mode_t mode, const char *src,
		  const char *dst)
{
	return plan_add(p, op, flags, mode, src, dst);
}

static int plan_add_all(struct mountplan *p, enum mp_op op, unsigned flags, char **paths)
{
	for (; paths && *paths; paths++) {
		int r = plan_add(p, op, flags, 0, op == MP_BIND ? *paths : NULL, *paths);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The root itself: an empty tmpfs for the host view, an overlay of image layers, or a host
 * directory used as it is. */
static int plan_root(const struct config *c, struct mountplan *p)
{
	int r;

	if (c->rootfs_bind) {
		p->root_readonly = !c->rootfs_rw;
		return plan_add(p, MP_ROOT_BIND, c->rootfs_rw ? 0 : MPF_RO, 0, c->rootfs_bind, "/");
	}
	if (!c->rootfs && !c->layers) {
		p->root_readonly = true;
		return plan_add(p, MP_ROOT_TMPFS, 0, 0755, NULL, "/");
	}
	p->root_readonly = false;
	if ((r = plan_add(p, MP_ROOT_OVERLAY, 0, 0, c->persist, "/")) < 0)
		return r;
	struct mp_entry *e = &p->ops[p->n - 1];
	e->driver = c->overlay_driver;
	if (c->rootfs && (r = strv_extend(&e->layers, c->rootfs)) < 0)
		return r;
	for (char **l = c->layers; l && *l; l++)
		if ((r = strv_extend(&e->layers, *l)) < 0)
			return r;
	return 0;
}

static bool plan_etc_has(const struct config *c, const char *name)
{
	for (char **e = c->private_etc; e && *e; e++)
		if (strcmp(*e, name) == 0)
			return true;
	return false;
}

/* The host's programs and libraries read-only: /usr, /bin and friends (the same symlinks on a
 * merged-/usr host), /etc (or only some of it), /opt. */
static int plan_host_system(const struct config *c, struct mountplan *p)
{
	static const char *const mirrored[] = { "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32" };
	int r = plan_add(p, MP_BIND, MPF_RO, 0, "/usr", "/usr");

	for (size_t i = 0; r == 0 && i < sizeof(mirrored) / sizeof(*mirrored); i++)
		r = plan_add(p, MP_MIRROR, MPF_RO | MPF_TRY, 0, mirrored[i], mirrored[i]);
	if (r == 0 && !c->private_etc)
		r = plan_add(p, MP_BIND, MPF_RO, 0, "/etc", "/etc");
	if (r == 0 && c->private_etc)
		r = plan_add(p, MP_TMPFS, 0, 0755, NULL, "/etc");
	for (char **e = c->private_etc; r == 0 && e && *e; e++) {
		char path[4096];
		if (!**e)
			continue;
		snprintf(path, sizeof(path), "/etc/%s", *e);
		r = plan_add(p, MP_BIND, MPF_RO | MPF_TRY, 0, path, path);
	}
	if (r == 0 && c->machine_id && (!c->private_etc || plan_etc_has(c, "machine-id")))
		r = plan_add(p, MP_FILE, 0, 0444, c->machine_id, "/etc/machine-id");
	if (r == 0)
		r = plan_add(p, MP_BIND, MPF_RO | MPF_TRY, 0, "/opt", "/opt");
	return r;
}

/* Every root gets its own /proc (the knobs that reach the host kernel read-only: the
 * sandbox's root cannot write them anyway, but a --cap-add could), a minimal /dev, and empty
 * /tmp and /run. */
static int plan_common(const struct config *c, struct mountplan *p)
{
	static const char *const proc_ro[] = { "/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus" };
	/* A read-only image root cannot take new mount points: what it lacks is skipped. */
	unsigned fl = (c->rootfs_bind && !c->rootfs_rw) ? MPF_TRY : 0;
	int r = plan_add(p, MP_PROC, fl, 0, NULL, "/proc");

	for (size_t i = 0; r == 0 && i < sizeof(proc_ro) / sizeof(*proc_ro); i++)
		r = plan_add(p, MP_REMOUNT_RO, MPF_TRY, 0, NULL, proc_ro[i]);
	if (r == 0)
		r = plan_add(p, MP_DEV, fl, 0755, NULL, "/dev");
	if (r == 0)
		r = plan_add(p, MP_TMPFS, fl, 01777, NULL, "/tmp");
	if (r == 0)
		r = plan_add(p, MP_TMPFS, fl, 0755, NULL, "/run");
	/* With limits, the sandbox sees them (memory.max, pids.max) as runtimes expect. */
	if (r == 0 && c->plan_input.cgroup)
		r = plan_add(p, MP_CGROUP, fl, 0, NULL, "/sys/fs/cgroup");
	if (r == 0 && c->plan_input.resolv_conf)
		r = plan_add(p, MP_FILE, 0, 0644, c->plan_input.resolv_conf, "/etc/resolv.conf");
	if (r == 0 && c->hosts)
		r = plan_add(p, MP_FILE, 0, 0644, c->hosts, "/etc/hosts");
	return r;
}

/* hutch learn's home: the real one under a writable overlay nobody keeps. */
static int plan_home_scratch(const struct config *c, struct mountplan *p)
{
	char path[4200];
	int r;

	snprintf(path, sizeof(path), "%s/upper", c->home_scratch);
	if ((r = plan_add(p, MP_OVERLAY_AT, 0, 0, path, c->home)) < 0)
		return r;
	struct mp_entry *e = &p->ops[p->n - 1];
	snprintf(path, sizeof(path), "%s/work", c->home_scratch);
	e->driver = c->overlay_driver;
	return !(e->work = strdup(path)) || strv_extend(&e->layers, c->home) < 0 ? -ENOMEM : 0;
}

static int plan_home(const struct config *c, struct mountplan *p)
{
	bool image = c->rootfs || c->layers || c->rootfs_bind;

	if (strcmp(c->home, "/") == 0)
		return 0;
	switch (c->home_mode) {
	case HOME_DEFAULT:
		return image ? 0 : plan_add(p, MP_TMPFS, MPF_PRIVATE, 0700, NULL, c->home);
	case HOME_PRIVATE:
		return plan_add(p, MP_TMPFS, MPF_PRIVATE, 0700, NULL, c->home);
	case HOME_HOST:
		return plan_add(p, MP_BIND, 0, 0, c->home, c->home);
	case HOME_RO:
		return c->home_scratch ? plan_home_scratch(c, p)
				       : plan_add(p, MP_BIND, MPF_RO, 0, c->home, c->home);
	}
	return -EINVAL;
}

/* --private-cache: after the whitelists, so that it hides what they show in ~/.cache; skipped
 * where ~/.cache is missing (nothing is created in a visible home), as firejail skips it. */
static int plan_private_cache(const struct config *c, struct mountplan *p)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/.cache", c->home);
	return plan_add(p, MP_TMPFS, MPF_PRIVATE | MPF_TRY, 0700, NULL, path);
}

/* A copy of a feature's operation, appended. */
static int plan_copy(struct mountplan *p, const struct mp_entry *from)
{
	int r = plan_add(p, from->op, from->flags, from->mode, from->src, from->dst);

	if (r < 0)
		return r;
	struct mp_entry *e = &p->ops[p->n - 1];
	e->driver = from->driver;
	e->size = from->size;
	e->fd = from->fd;
	if (from->work && !(e->work = strdup(from->work)))
		return -ENOMEM;
	for (char **l = from->layers; l && *l; l++)
		if ((r = strv_extend(&e->layers, *l)) < 0)
			return r;
	return 0;
}

static int plan_copy_all(struct mountplan *p, const struct mountplan *from)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < from->n; i++)
		r = plan_copy(p, &from->ops[i]);
	return r;
}

/* The default view, then home and the policy's paths; the user's mounts follow in order,
 * and hidden paths come last so that nothing mounted later uncovers them. */
static int plan_default(const struct config *c, struct mountplan *p)
{
	bool host_view = !c->rootfs && !c->layers && !c->rootfs_bind;
	int r = plan_root(c, p);

	if (r == 0 && host_view)
		r = plan_host_system(c, p);
	if (r == 0 && host_view)
		r = plan_copy_all(p, &c->plan_input.private_bin);
	if (r == 0)
		r = plan_common(c, p);
	if (r == 0)
		r = plan_home(c, p);
	if (r == 0)
		r = plan_add_all(p, MP_BIND, 0, c->whitelist);
	if (r == 0)
		r = plan_add_all(p, MP_BIND, MPF_RO, c->read_only);
	if (r == 0)
		r = plan_add_all(p, MP_BIND, MPF_TRY, c->whitelist_try);
	if (r == 0)
		r = plan_add_all(p, MP_BIND, MPF_RO | MPF_TRY, c->read_only_try);
	if (r == 0 && c->private_cache)
		r = plan_private_cache(c, p);
	return r;
}

static int plan_user_mount(const struct mount_req *m, struct mountplan *p)
{
	unsigned t = m->try_ ? MPF_TRY : 0;

	switch (m->kind) {
	case MREQ_BIND:
		return plan_add(p, MP_BIND, t, 0, m->src, m->dst);
	case MREQ_RO_BIND:
		return plan_add(p, MP_BIND, MPF_RO | t, 0, m->src, m->dst);
	case MREQ_DEV_BIND:
		return plan_add(p, MP_BIND, MPF_DEV | t, 0, m->src, m->dst);
	case MREQ_TMPFS:
		return plan_add(p, MP_TMPFS, 0, 0755, NULL, m->dst);
	case MREQ_DIR:
		return plan_add(p, MP_DIR, 0, 0755, NULL, m->dst);
	case MREQ_SYMLINK:
		return plan_add(p, MP_SYMLINK, 0, 0, m->src, m->dst);
	}
	return -EINVAL;
}

int mountplan_build(const struct config *c, struct mountplan *ret, struct failure *f)
{
	struct mountplan p = { 0 };
	int r = plan_default(c, &p);

	if (r == 0)
		r = plan_copy_all(&p, &c->plan_input.desktop);
	for (size_t i = 0; r == 0 && i < c->n_mounts; i++)
		r = plan_user_mount(&c->mounts[i], &p);
	if (r == 0)
		r = plan_copy_all(&p, &c->plan_input.workspace);
	if (r == 0)
		r = plan_add_all(&p, MP_COVER, MPF_TRY, c->blacklist);
	if (r == 0)
		r = plan_add_all(&p, MP_NOEXEC, MPF_TRY, c->noexec);
	if (r < 0) {
		mountplan_free(&p);
		return fail(f, r, "mount plan", NULL);
	}
	*ret = p;
	return 0;
}

void mountplan_free(struct mountplan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->ops[i].src);
		free(p->ops[i].dst);
		strv_free(p->ops[i].layers);
		free(p->ops[i].work);
	}
	free(p->ops);
	*p = (struct mountplan){ 0 };
}

void mountplan_input_free(struct mountplan_input *in)
{
	mountplan_free(&in->private_bin);
	mountplan_free(&in->desktop);
	mountplan_free(&in->workspace);
	*in = (struct mountplan_input){ 0 };
}

const char *mountplan_op_name(enum mp_op op)
{
	static const char *const names[] = {
		[MP_ROOT_TMPFS] = "root",
		[MP_ROOT_OVERLAY] = "overlay",
		[MP_ROOT_BIND] = "rootfs-bind",
		[MP_COVER] = "blacklist",
		[MP_BIND] = "bind",
		[MP_MIRROR] = "mirror",
		[MP_TMPFS] = "tmpfs",
		[MP_DIR] = "dir",
		[MP_SYMLINK] = "symlink",
		[MP_PROC] = "proc",
		[MP_DEV] = "dev",
		[MP_REMOUNT_RO] = "remount-ro",
		[MP_FILE] = "file",
		[MP_CGROUP] = "cgroup",
		[MP_OVERLAY_AT] = "overlay-at",
		[MP_CHMOD] = "chmod",
		[MP_MQUEUE] = "mqueue",
		[MP_DATA_FD] = "data",
		[MP_BIND_FD] = "bind-fd",
		[MP_NOEXEC] = "noexec",
	};
	return op < sizeof(names) / sizeof(*names) ? names[op] : "?";
}

static bool is_try_cover(const struct mp_entry *e)
{
	return e->op == MP_COVER && (e->flags & MPF_TRY);
}

/* issue 27: the default profile hides some forty paths of the home, which is a new tmpfs; pid 1
 * looked each one up there and found it missing (a third of its system calls). */
bool mountplan_cover_moot(const struct mountplan *p, size_t i)
{
	const struct mp_entry *cover = &p->ops[i], *t = NULL;
	size_t j = i;

	if (!is_try_cover(cover))
		return false;
	while (j-- > 0)
		if (!is_try_cover(&p->ops[j]) && path_is_beneath(cover->dst, p->ops[j].dst)) {
			t = &p->ops[j];
			break;
		}
	if (!t || t->op != MP_TMPFS || (t->flags & MPF_TRY) || strcmp(t->dst, cover->dst) == 0)
		return false;
	for (size_t k = j + 1; k < i; k++)
		if (!is_try_cover(&p->ops[k]) && path_is_beneath(p->ops[k].dst, t->dst))
			return false;
	return true;
}
