/* hutch-oci: config.json's root, mounts, maskedPaths and readonlyPaths as hutch's mount plan
 * (front/mountplan.h), in config.json's order after the root. Each mount type becomes the
 * plan operation that makes the same thing in a user namespace: proc, a /dev tmpfs (hutch's
 * minimal /dev with its devpts and shm), tmpfs, mqueue, sysfs and cgroup as read-only binds of
 * the runtime's own (a new sysfs needs the network namespace's owner; cgroup: a cgroup2 of the
 * container's own where it has a cgroup namespace on a cgroup v2 host), binds. Launcher side,
 * pure but for a stat of bind sources. */
#include <errno.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>

#include "front/config.h"
#include "front/mountplan.h"
#include "front/oci/oci.h"
#include "lib/failure.h"
#include "lib/json-read.h"
#include "lib/path-util.h"

struct mount_opts {
	unsigned flags; /* MPF_RO, MPF_DEV */
	bool bind;
	bool nodev, noexec, nosuid;
	mode_t mode;
	unsigned long long size;
};

/* "size=65536k", "64m", "1g", or bytes. */
static int parse_size(const char *s, unsigned long long *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k':
	case 'K':
		v <<= 10, end++;
		break;
	case 'm':
	case 'M':
		v <<= 20, end++;
		break;
	case 'g':
	case 'G':
		v <<= 30, end++;
		break;
	}
	*ret = v;
	return *end ? -EINVAL : 0;
}

/* Options that change nothing here: hutch's mounts but the root and binds are always nosuid,
 * binds nodev unless asked, propagation is private to the sandbox, and atime flags are the
 * file system's. */
static bool option_neutral(const char *o)
{
	static const char *const neutral[] = {
		"nosuid",      "nodev",	      "noexec",	      "rw",
		"relatime",    "norelatime",  "strictatime",  "noatime",
		"nodiratime",  "private",     "rprivate",     "slave",
		"rslave",      "shared",      "rshared",      "unbindable",
		"runbindable", "newinstance", "tmpcopyup",    "notmpcopyup",
		"z",	       "Z",	      "suid",	      "exec",
		"sync",	       "async",	      "copy-symlink", NULL,
	};

	for (size_t i = 0; neutral[i]; i++)
		if (strcmp(o, neutral[i]) == 0)
			return true;
	return strncmp(o, "ptmxmode=", 9) == 0 || strncmp(o, "gid=", 4) == 0 || strncmp(o, "uid=", 4) == 0 ||
	       strncmp(o, "nr_inodes=", 10) == 0;
}

static int parse_option(const struct json_value *o, struct mount_opts *m, struct failure *f)
{
	char *end;

	if (o->type != JSON_STRING)
		return failx(f, "config", "line %u: mounts: options are strings", o->line);
	if (strcmp(o->text, "ro") == 0)
		m->flags |= MPF_RO;
	else if (strcmp(o->text, "dev") == 0)
		m->flags |= MPF_DEV;
	else if (strcmp(o->text, "nodev") == 0)
		m->nodev = true;
	else if (strcmp(o->text, "noexec") == 0)
		m->noexec = true;
	else if (strcmp(o->text, "nosuid") == 0)
		m->nosuid = true;
	else if (strcmp(o->text, "bind") == 0 || strcmp(o->text, "rbind") == 0)
		m->bind = true;
	else if (strncmp(o->text, "mode=", 5) == 0) {
		unsigned long v = strtoul(o->text + 5, &end, 8);
		if (*end || v > 07777)
			return failx(f, "config", "line %u: mounts: bad option %s", o->line, o->text);
		m->mode = (mode_t)v;
	} else if (strncmp(o->text, "size=", 5) == 0) {
		if (parse_size(o->text + 5, &m->size) < 0)
			return failx(f, "config", "line %u: mounts: bad option %s", o->line, o->text);
	} else if (!option_neutral(o->text))
		return failx(f, "config", "line %u: mounts: option %s is not supported by hutch-oci", o->line,
			     o->text);
	return 0;
}

static struct mp_entry *last_op(struct config *c)
{
	return &c->plan.ops[c->plan.n - 1];
}

static int add(struct config *c, enum mp_op op, unsigned flags, mode_t mode, const char *src, const char *dst,
	       struct failure *f)
{
	int r = mountplan_add(&c->plan, op, flags, mode, src, dst);

	return r < 0 ? fail(f, r, "config", "mounts: %s", dst) : 0;
}

static bool has_dev_at(const struct config *c, const char *dst)
{
	for (size_t i = 0; i < c->plan.n; i++)
		if (c->plan.ops[i].op == MP_DEV && strcmp(c->plan.ops[i].dst, dst) == 0)
			return true;
	return false;
}

/* One entry of mounts[]: its type (or "bind" among its options) picks the operation. */
/* A container with its own cgroup namespace on a host whose /sys/fs/cgroup is cgroup v2 (not
 * a hybrid layout, whose v1 hierarchies a user namespace may not mount). */
static bool own_cgroup2(const struct config *c)
{
	struct statfs s;

	return !(c->share & SHARE_CGROUP) && statfs("/sys/fs/cgroup", &s) == 0 &&
	       s.f_type == CGROUP2_SUPER_MAGIC;
}

static int mount_one(const struct json_value *m, struct config *c, const struct oci_bundle *b,
		     struct failure *f)
{
	static const char *const keys[] = { "destination", "type", "source", "options", NULL };
	const struct json_value *dst = json_get(m, "destination"), *type = json_get(m, "type"),
				*src = json_get(m, "source"), *opts = json_get(m, "options");
	struct mount_opts o = { .mode = 0755 };
	_cleanup_free_ char *source = NULL;
	int r = oci_spec_known(m, "mounts[]", keys, f);

	if (r < 0)
		return r;
	if (!dst || dst->type != JSON_STRING || dst->text[0] != '/')
		return failx(f, "config", "line %u: mounts: destination must be an absolute path", m->line);
	if ((type && type->type != JSON_STRING) || (src && src->type != JSON_STRING) ||
	    (opts && opts->type != JSON_ARRAY))
		return failx(f, "config", "line %u: mounts: type and source are strings, options an array",
			     m->line);
	for (size_t i = 0; opts && i < opts->n; i++)
		if ((r = parse_option(&opts->items[i], &o, f)) < 0)
			return r;
	const char *t = type ? type->text : "";
	const char *d = dst->text;
	if (o.bind || strcmp(t, "bind") == 0) {
		if (!src || path_make_absolute(src->text, b->bundle, &source) < 0)
			return failx(f, "config", "line %u: mounts: a bind of %s needs a source", m->line, d);
		/* a bind keeps its device nodes usable unless nodev is asked (podman binds the
		 * nodes of --device so, rootless), and its setuid bits unless nosuid is */
		if ((r = add(c, MP_BIND, o.flags | (o.nodev ? 0 : MPF_DEV) | (o.nosuid ? 0 : MPF_SUID), 0,
			     source, d, f)) < 0)
			return r;
		return o.noexec ? add(c, MP_NOEXEC, o.nodev ? 0 : MPF_DEV, 0, NULL, d, f) : 0;
	}
	if (strcmp(t, "proc") == 0)
		return add(c, MP_PROC, 0, 0, NULL, d, f);
	if (strcmp(t, "tmpfs") == 0 && strcmp(d, "/dev") == 0)
		return add(c, MP_DEV, 0, o.mode, NULL, d, f);
	if (strcmp(t, "tmpfs") == 0) {
		/* the source config.json names shows in mountinfo, as runc's ("shm") */
		const char *name = src && src->text[0] && !strchr(src->text, ',') ? src->text : NULL;
		if ((r = add(c, MP_TMPFS, o.flags, o.mode, name, d, f)) == 0)
			last_op(c)->size = o.size;
		return r == 0 && o.noexec ? add(c, MP_NOEXEC, 0, 0, NULL, d, f) : r;
	}
	if (strcmp(t, "devpts") == 0 && strcmp(d, "/dev/pts") == 0 && has_dev_at(c, "/dev"))
		return 0; /* hutch's /dev has its own devpts instance (newinstance, ptmxmode=0666) */
	if (strcmp(t, "mqueue") == 0)
		return add(c, MP_MQUEUE, 0, 0, NULL, d, f);
	if (strcmp(t, "sysfs") == 0)
		return add(c, MP_BIND, MPF_RO, 0, "/sys", d, f);
	/* with its own cgroup namespace on a cgroup v2 host: a cgroup2 of its own, rooted at the
	 * container's group (its memory.max, pids.max), as runc mounts it */
	if ((strcmp(t, "cgroup") == 0 || strcmp(t, "cgroup2") == 0) && own_cgroup2(c))
		return add(c, MP_CGROUP, 0, 0, NULL, d, f);
	if (strcmp(t, "cgroup") == 0 || strcmp(t, "cgroup2") == 0)
		return add(c, MP_BIND, MPF_RO | MPF_TRY, 0, "/sys/fs/cgroup", d, f);
	return failx(f, "config", "line %u: mounts: type %s (at %s) is not supported by hutch-oci", m->line,
		     t[0] ? t : "(none)", d);
}

/* linux.devices: a user namespace may not mknod, so each node is the host's own, bound at
 * its path (as runc does rootless); it must be there with the type and numbers asked. */
static int device_one(const struct json_value *d, struct config *c, struct failure *f)
{
	const struct json_value *path = json_get(d, "path"), *type = json_get(d, "type");
	uint64_t major = 0, minor = 0;
	struct stat st;

	if (!path || path->type != JSON_STRING || path->text[0] != '/' || !type ||
	    type->type != JSON_STRING || json_u64(json_get(d, "major"), &major) < 0 ||
	    json_u64(json_get(d, "minor"), &minor) < 0)
		return failx(f, "config", "line %u: linux.devices: path, type, major and minor", d->line);
	if (stat(path->text, &st) < 0)
		return fail(f, negative_errno(), "config",
			    "line %u: linux.devices: %s (hutch-oci binds the host's node)", d->line,
			    path->text);
	bool type_ok =
	    type->text[0] == 'b' ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode) && strchr("cu", type->text[0]);
	if (!type_ok || major(st.st_rdev) != major || minor(st.st_rdev) != minor)
		return failx(f, "config", "line %u: linux.devices: %s is not the host's %s %llu:%llu",
			     d->line, path->text, type->text, (unsigned long long)major,
			     (unsigned long long)minor);
	return add(c, MP_BIND, MPF_DEV, 0, path->text, path->text, f);
}

static int paths_plan(const struct json_value *linux_, const char *key, enum mp_op op, unsigned flags,
		      struct config *c, struct failure *f)
{
	const struct json_value *a = json_get(linux_, key);

	if (a && a->type != JSON_ARRAY)
		return failx(f, "config", "line %u: linux.%s: expected an array", a->line, key);
	for (size_t i = 0; a && i < a->n; i++) {
		const struct json_value *p = &a->items[i];
		if (p->type != JSON_STRING || p->text[0] != '/')
			return failx(f, "config", "line %u: linux.%s: absolute paths", p->line, key);
		int r = add(c, op, flags, 0, NULL, p->text, f);
		if (r < 0)
			return r;
	}
	return 0;
}

int oci_mounts_plan(const struct json_value *spec, struct config *c, const struct oci_bundle *b,
		    struct failure *f)
{
	const struct json_value *mounts = json_get(spec, "mounts"), *linux_ = json_get(spec, "linux");
	/* root.readonly: made read-only once everything is mounted (rootfs_enter), so that the
	 * mount points config.json needs can still be made in it, as runc does */
	int r = add(c, MP_ROOT_BIND, MPF_SUID, 0, b->rootfs, "/", f);

	if (mounts && mounts->type != JSON_ARRAY)
		return failx(f, "config", "line %u: mounts: expected an array", mounts->line);
	for (size_t i = 0; r == 0 && mounts && i < mounts->n; i++)
		r = mounts->items[i].type == JSON_OBJECT
			? mount_one(&mounts->items[i], c, b, f)
			: failx(f, "config", "line %u: mounts: expected objects", mounts->items[i].line);
	const struct json_value *devices = json_get(linux_, "devices");
	for (size_t i = 0; r == 0 && devices && devices->type == JSON_ARRAY && i < devices->n; i++)
		r = device_one(&devices->items[i], c, f);
	if (r == 0)
		r = paths_plan(linux_, "maskedPaths", MP_COVER, MPF_TRY, c, f);
	if (r == 0)
		r = paths_plan(linux_, "readonlyPaths", MP_REMOUNT_RO, MPF_TRY, c, f);
	return r;
}
