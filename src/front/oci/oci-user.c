/* hutch-oci: process.user's ids checked against the container's id maps before anything runs,
 * as runc checks them ("cannot set uid to unmapped user in user namespace"): an id the user
 * namespace lacks would otherwise stop pid 1 at setuid or setgroups, after create had made
 * the container. The maps are config.json's (a user namespace hutch makes), the user
 * namespace's own (the runtime's, or one joined by path: read once this process is in it),
 * or the single map, made from process.user itself (which allows no setgroups). Launcher
 * side, the caller's privileges (in a joined user namespace: the container's launcher
 * process, once it entered it). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/config.h"
#include "front/oci/oci.h"
#include "launcher/idmap.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/macro.h"

/* One map as /proc/PID/uid_map holds it, or config.json gave it. */
struct user_map {
	struct idmap_line lines[IDMAP_MAX_LINES];
	size_t n;
};

static bool map_has(const struct user_map *m, unsigned long id)
{
	for (size_t i = 0; i < m->n; i++)
		if (id >= m->lines[i].inside && id - m->lines[i].inside < m->lines[i].count)
			return true;
	return false;
}

/* The parent user namespace's id has one in this namespace (the map's outside column). */
static bool map_has_outside(const struct user_map *m, unsigned long id)
{
	for (size_t i = 0; i < m->n; i++)
		if (id >= m->lines[i].outside && id - m->lines[i].outside < m->lines[i].count)
			return true;
	return false;
}

/* The map's lines for the message: "0 1 1009, 1009 0 1" (inside outside count). */
static void map_text(const struct user_map *m, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%lu %lu %lu", i ? ", " : "",
					m->lines[i].inside, m->lines[i].outside, m->lines[i].count);
	if (m->n == 0)
		snprintf(buf, size, "empty");
}

static int map_from_lines(const struct idmap_line *lines, size_t n, struct user_map *ret)
{
	if (n > IDMAP_MAX_LINES)
		return -E2BIG;
	memcpy(ret->lines, lines, n * sizeof(*lines));
	ret->n = n;
	return 0;
}

/* This process's user namespace's map: /proc/self/uid_map or gid_map. */
static int map_read(const char *path, struct user_map *ret, struct failure *f)
{
	_cleanup_free_ char *text = NULL;
	char *p;
	int r = fileio_read_file_at(AT_FDCWD, path, 64 * 1024, &text, NULL);

	if (r < 0)
		return fail(f, r, "user", "%s", path);
	ret->n = 0;
	for (p = text; *p && ret->n < IDMAP_MAX_LINES;) {
		struct idmap_line *l = &ret->lines[ret->n];
		int used = 0;
		if (sscanf(p, "%lu %lu %lu%n", &l->inside, &l->outside, &l->count, &used) != 3)
			break;
		ret->n++;
		p += used;
	}
	return 0;
}

/* setgroups(2) is allowed in this process's user namespace (not "deny": a map written
 * without privilege over the ids, as `unshare -r` writes it). */
static bool setgroups_allowed(void)
{
	char text[16];

	return fileio_read_small_at(AT_FDCWD, "/proc/self/setgroups", text, sizeof(text)) < 0 ||
	       strncmp(text, "deny", 4) != 0;
}

static int id_missing(const char *field, unsigned long id, const char *kind, const struct user_map *m,
		      unsigned line, struct failure *f)
{
	char text[512];

	map_text(m, text, sizeof(text));
	return failx(f, "config", "line %u: process.user.%s %lu: not in the container's %s map (%s)", line,
		     field, id, kind, text);
}

static int check_ids(const struct config *c, const struct user_map *uid, const struct user_map *gid,
		     bool groups_ok, unsigned line, struct failure *f)
{
	if (!map_has(uid, c->uid))
		return id_missing("uid", c->uid, "uid", uid, line, f);
	if (!map_has(gid, c->gid))
		return id_missing("gid", c->gid, "gid", gid, line, f);
	if (c->n_groups && !groups_ok)
		return failx(
		    f, "config",
		    "line %u: process.user.additionalGids: the container's user namespace denies setgroups (its gid map was written without privilege)",
		    line);
	for (size_t i = 0; i < c->n_groups; i++)
		if (!map_has(gid, c->groups[i]))
			return id_missing("additionalGids", c->groups[i], "gid", gid, line, f);
	return 0;
}

/* The runtime's user namespace's maps, or the joined one's, which we are in now. */
static int maps_own(struct user_map *uid, struct user_map *gid, struct failure *f)
{
	int r = map_read("/proc/self/uid_map", uid, f);

	return r < 0 ? r : map_read("/proc/self/gid_map", gid, f);
}

int oci_user_check(const struct config *c, const struct oci_bundle *b, struct failure *f)
{
	struct user_map uid, gid;
	int r;

	if (!c->set_ids)
		return 0;
	switch (c->idmap) {
	case IDMAP_SINGLE:
		/* made from process.user: its uid and gid are the map; setgroups is denied */
		return c->n_groups
			   ? failx(
				 f, "config",
				 "line %u: process.user.additionalGids: a normal user's container maps one uid and one gid, and allows no setgroups",
				 b->user_line)
			   : 0;
	case IDMAP_LINES:
		if (map_from_lines(c->uid_lines, c->n_uid_lines, &uid) < 0 ||
		    map_from_lines(c->gid_lines, c->n_gid_lines, &gid) < 0)
			return failx(f, "config", "linux.uidMappings: more than %d lines", IDMAP_MAX_LINES);
		return check_ids(c, &uid, &gid, true, b->user_line, f);
	default:
		if ((r = maps_own(&uid, &gid, f)) < 0)
			return r;
		return check_ids(c, &uid, &gid, setgroups_allowed(), b->user_line, f);
	}
}

/* Our ids (outer_uid and outer_gid, those we had before the join, in the namespace its map
 * is written in) have no owner in a joined user namespace whose map leaves them out (a pod's
 * made by podman --userns auto or --uidmap): we are the overflow ids there, with which mkdir
 * fails (EOVERFLOW) and no capability reaches a file. We become its uid and gid 0, as runc's init is there, and
 * as gate.c makes pid 1 in a map given whole; setres*id(2) keeps every capability, the
 * namespace's, when the ids go to 0. */
int oci_user_joined(const struct config *c, const struct oci_bundle *b, uid_t outer_uid, gid_t outer_gid,
		    struct failure *f)
{
	struct user_map uid, gid;
	int r = maps_own(&uid, &gid, f);

	if (r < 0)
		return r;
	if (!map_has_outside(&gid, outer_gid) && map_has(&gid, 0) && setresgid(0, 0, 0) < 0)
		return fail(f, negative_errno(), "user", "gid 0 of the user namespace %s",
			    b->join[OCI_JOIN_USER]);
	if (!map_has_outside(&uid, outer_uid) && map_has(&uid, 0) && setresuid(0, 0, 0) < 0)
		return fail(f, negative_errno(), "user", "uid 0 of the user namespace %s",
			    b->join[OCI_JOIN_USER]);
	return oci_user_check(c, b, f);
}
