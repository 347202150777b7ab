/* hutch-oci: the bundle's config.json (runtime-spec 1.2) into struct config: the process, the
 * root, the namespaces, the identity and id maps, limits; the mounts and seccomp through
 * oci-mounts.c and oci-seccomp.c. A field hutch cannot honour is an error naming it, never
 * ignored (cgroup resources and cgroupsPath: oci-cgroup.c). Launcher
 * side, the caller's own privileges; no system call but reading the file.
 * Over 600 lines: one reader per config.json section, each
 * refusing what it cannot honour by name. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command/confine.h"
#include "front/config.h"
#include "front/oci/oci.h"
#include "launcher/idmap.h"
#include "launcher/limits/rlimit.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/json-read.h"
#include "lib/path-util.h"
#include "lib/strv.h"

#define SPEC_MAX_SIZE (16u << 20)

static int read_text(const char *path, char **ret, size_t *ret_len, struct failure *f)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;

	if (fd < 0)
		return fail(f, negative_errno(), "config", "%s", path);
	do {
		if (len + 4096 > cap) {
			char *nb = cap + 4096 > SPEC_MAX_SIZE ? NULL : realloc(buf, cap += 65536);
			if (!nb)
				return fail(f, -EFBIG, "config", "%s", path);
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno != EINTR)
			return fail(f, negative_errno(), "config", "%s", path);
		len += n > 0 ? (size_t)n : 0;
	} while (n != 0);
	buf[len] = '\0';
	*ret_len = len;
	*ret = TAKE_PTR(buf);
	return 0;
}

/* A file's JSON, errors as FILE:LINE:COLUMN. */
int oci_spec_read(const char *path, struct json_value **ret, struct failure *f)
{
	_cleanup_free_ char *text = NULL;
	struct json_error err;
	size_t len = 0;
	int r = read_text(path, &text, &len, f);

	if (r < 0)
		return r;
	r = json_parse(text, len, ret, &err);
	if (r == -EINVAL)
		return failx(f, "config", "%s:%u:%u: %s", path, err.line, err.column, err.msg);
	return r < 0 ? fail(f, r, "config", "%s", path) : 0;
}

int oci_spec_known(const struct json_value *obj, const char *where, const char *const *keys,
		   struct failure *f)
{
	for (size_t i = 0; obj && i < obj->n; i++) {
		size_t k = 0;
		while (keys[k] && strcmp(keys[k], obj->keys[i]) != 0)
			k++;
		if (!keys[k])
			return failx(f, "config", "line %u: %s%s%s is not supported by hutch-oci",
				     obj->items[i].line, where, where[0] ? "." : "", obj->keys[i]);
	}
	return 0;
}

/* A member of the expected type, or NULL when absent; a wrong type is an error. */
static int member(const struct json_value *obj, const char *key, enum json_type type,
		  const struct json_value **ret, struct failure *f)
{
	const struct json_value *v = json_get(obj, key);

	*ret = NULL;
	if (!v || (v->type == JSON_NULL && type != JSON_NULL))
		return 0;
	if (v->type != type)
		return failx(f, "config", "line %u: %s: expected %s, got %s", v->line, key,
			     json_type_name(type), json_type_name(v->type));
	*ret = v;
	return 0;
}

static int strv_from_json(const struct json_value *a, const char *what, char ***ret, struct failure *f)
{
	char **v = NULL;

	for (size_t i = 0; a && i < a->n; i++) {
		if (a->items[i].type != JSON_STRING) {
			strv_free(v);
			return failx(f, "config", "line %u: %s: expected strings", a->items[i].line, what);
		}
		if (strv_extend(&v, a->items[i].text) < 0) {
			strv_free(v);
			return fail(f, -ENOMEM, "config", NULL);
		}
	}
	if (!v && !(v = calloc(1, sizeof(char *))))
		return fail(f, -ENOMEM, "config", NULL);
	*ret = v;
	return 0;
}

static int u32_member(const struct json_value *obj, const char *key, uint32_t *ret, struct failure *f)
{
	const struct json_value *v;
	uint64_t x;
	int r = member(obj, key, JSON_NUMBER, &v, f);

	if (r < 0 || !v)
		return r;
	if (json_u64(v, &x) < 0 || x > UINT32_MAX)
		return failx(f, "config", "line %u: %s: not a 32-bit unsigned integer", v->line, key);
	*ret = (uint32_t)x;
	return 0;
}

static int groups_from_json(const struct json_value *g, struct config *c, struct failure *f)
{
	free(c->groups);
	c->groups = NULL;
	c->n_groups = 0;
	if (!g || g->n == 0)
		return 0;
	if (!(c->groups = calloc(g->n, sizeof(gid_t))))
		return fail(f, -ENOMEM, "config", NULL);
	for (size_t i = 0; i < g->n; i++) {
		uint64_t v;
		if (json_u64(&g->items[i], &v) < 0 || v > UINT32_MAX)
			return failx(f, "config", "line %u: process.user.additionalGids: not a gid",
				     g->items[i].line);
		c->groups[c->n_groups++] = (gid_t)v;
	}
	return 0;
}

/* process.user: the ids inside, which the command takes itself (c->set_ids). */
static int spec_user(const struct json_value *p, struct config *c, struct oci_bundle *b, struct failure *f)
{
	static const char *const keys[] = { "uid", "gid", "umask", "additionalGids", "username", NULL };
	const struct json_value *u, *g;
	uint32_t uid = 0, gid = 0, mask = 0;
	int r = member(p, "user", JSON_OBJECT, &u, f);

	if (r < 0 || (r = oci_spec_known(u, "process.user", keys, f)) < 0)
		return r;
	if ((r = u32_member(u, "uid", &uid, f)) < 0 || (r = u32_member(u, "gid", &gid, f)) < 0)
		return r;
	if (json_get(u, "umask")) {
		if ((r = u32_member(u, "umask", &mask, f)) < 0)
			return r;
		b->umask = (mode_t)(mask & 0777);
		b->has_umask = true;
	}
	if ((r = member(u, "additionalGids", JSON_ARRAY, &g, f)) < 0 || (r = groups_from_json(g, c, f)) < 0)
		return r;
	c->uid = uid;
	c->gid = gid;
	c->set_ids = true;
	b->user_line = u ? u->line : p->line;
	return 0;
}

/* One set of process.capabilities as a mask; an unknown name is an error naming it. */
static int caps_set(const struct json_value *caps, const char *key, uint64_t *ret, struct failure *f)
{
	const struct json_value *set;
	_cleanup_free_ char *list = NULL;
	size_t len = 0;
	int r = member(caps, key, JSON_ARRAY, &set, f);

	*ret = 0;
	for (size_t i = 0; r == 0 && set && i < set->n; i++) {
		const struct json_value *v = &set->items[i];
		if (v->type != JSON_STRING)
			return failx(f, "config", "line %u: capabilities: expected strings", v->line);
		char *nl = realloc(list, len + strlen(v->text) + 2);
		if (!nl)
			return fail(f, -ENOMEM, "config", NULL);
		list = nl;
		len += (size_t)sprintf(list + len, "%s%s", len ? "," : "", v->text);
	}
	struct failure pf = { 0 };
	if (r < 0 || !list || caps_parse_list(list, ret, &pf) == 0)
		return r;
	return failx(f, "config", "line %u: process.capabilities.%s: %s", set->line, key, pf.detail);
}

/* process.capabilities: hutch keeps one set (effective, permitted, inheritable and ambient
 * alike): for uid 0 the effective one; for another uid the ambient one, the only set that
 * survives its execve (podman gives a non-root user only a bounding set: none, as with runc).
 * Every set's names are checked, as runc refuses a name the kernel does not know. */
static int spec_caps(const struct json_value *p, struct config *c, struct failure *f)
{
	static const char *const keys[] = { "bounding",	 "effective", "inheritable",
					    "permitted", "ambient",   NULL };
	const struct json_value *caps;
	uint64_t mask;
	int r = member(p, "capabilities", JSON_OBJECT, &caps, f);

	c->cap_add = c->cap_bounding = 0;
	if (r < 0 || !caps || (r = oci_spec_known(caps, "process.capabilities", keys, f)) < 0)
		return r;
	for (size_t i = 0; keys[i]; i++) {
		if ((r = caps_set(caps, keys[i], &mask, f)) < 0)
			return r;
		if (strcmp(keys[i], c->uid == 0 ? "effective" : "ambient") == 0)
			c->cap_add = mask;
		if (strcmp(keys[i], "bounding") == 0)
			c->cap_bounding = mask; /* what a setuid program may gain (caps.c) */
	}
	return 0;
}

static const struct {
	const char *oci;
	int resource;
} rlimit_names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },
	{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },
	{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },
	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },
	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },
	{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },
	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },
	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
	{ "RLIMIT_STACK", RLIMIT_STACK },
};

/* Each rlimit as runc sets it: soft and hard as given (hutch's own rlimits set one value for
 * both), any resource the kernel has. */
static int spec_rlimit(const struct json_value *v, struct config *c, struct failure *f)
{
	const struct json_value *type;
	struct rlimit_exact *e;
	uint64_t soft, hard;
	size_t i;
	int r = member(v, "type", JSON_STRING, &type, f);

	if (r < 0)
		return r;
	if (!type)
		return failx(f, "config", "line %u: process.rlimits: an entry without type", v->line);
	for (i = 0; i < ARRAY_SIZE(rlimit_names) && strcmp(rlimit_names[i].oci, type->text) != 0; i++)
		;
	if (i == ARRAY_SIZE(rlimit_names))
		return failx(f, "config", "line %u: process.rlimits: %s is not supported by hutch-oci",
			     type->line, type->text);
	if (json_u64(json_get(v, "soft"), &soft) < 0 || json_u64(json_get(v, "hard"), &hard) < 0)
		return failx(f, "config", "line %u: process.rlimits: %s needs soft and hard", v->line,
			     type->text);
	if (soft > hard)
		return failx(f, "config", "line %u: process.rlimits: %s: soft above hard", v->line,
			     type->text);
	e = realloc(c->exact_rlimits, (c->n_exact_rlimits + 1) * sizeof(*e));
	if (!e)
		return fail(f, -ENOMEM, "config", NULL);
	c->exact_rlimits = e;
	e[c->n_exact_rlimits++] = (struct rlimit_exact){ rlimit_names[i].resource, soft, hard };
	return 0;
}

static int spec_rlimits(const struct json_value *p, struct config *c, struct failure *f)
{
	const struct json_value *a;
	int r = member(p, "rlimits", JSON_ARRAY, &a, f);

	for (size_t i = 0; r == 0 && a && i < a->n; i++)
		r = a->items[i].type == JSON_OBJECT
			? spec_rlimit(&a->items[i], c, f)
			: failx(f, "config", "line %u: process.rlimits: expected objects", a->items[i].line);
	return r;
}

/* process.consoleSize: the terminal's rows and columns, set when the command opens it. */
static int spec_console_size(const struct json_value *p, struct config *c, struct failure *f)
{
	static const char *const keys[] = { "height", "width", NULL };
	const struct json_value *size, *h, *w;
	int64_t rows = 0, cols = 0;
	int r = member(p, "consoleSize", JSON_OBJECT, &size, f);

	if (r < 0 || !size)
		return r;
	if ((r = oci_spec_known(size, "process.consoleSize", keys, f)) < 0 ||
	    (r = member(size, "height", JSON_NUMBER, &h, f)) < 0 ||
	    (r = member(size, "width", JSON_NUMBER, &w, f)) < 0)
		return r;
	if ((h && (json_i64(h, &rows) < 0 || rows < 0 || rows > 65535)) ||
	    (w && (json_i64(w, &cols) < 0 || cols < 0 || cols > 65535)))
		return failx(f, "config", "line %u: process.consoleSize: height and width are 0..65535",
			     size->line);
	c->console_rows = (unsigned short)rows;
	c->console_cols = (unsigned short)cols;
	return 0;
}

/* AppArmor as runc sees it: its securityfs directory there and the module's parameter Y. */
static bool apparmor_enabled(void)
{
	char y[4];

	return access("/sys/kernel/security/apparmor", F_OK) == 0 &&
	       fileio_read_small_at(AT_FDCWD, "/sys/module/apparmor/parameters/enabled", y, sizeof(y)) > 0 &&
	       y[0] == 'Y';
}

/* process.apparmorProfile: the command's execve enters it (command.c) where AppArmor is
 * enabled; elsewhere "unconfined" asks for nothing and is only noted, and any other profile is
 * refused, as runc's init fails to write it there (never a container run unconfined that asked
 * for a profile). */
static int spec_apparmor(const struct json_value *v, struct config *c, struct oci_bundle *b,
			 struct failure *f)
{
	char *note = NULL;

	if (!v || !v->text[0])
		return 0; /* (exec's --process without one: the container's, as runc's exec) */
	if (apparmor_enabled()) {
		free(c->apparmor_profile);
		return (c->apparmor_profile = strdup(v->text)) ? 0 : fail(f, -ENOMEM, "config", NULL);
	}
	if (strcmp(v->text, "unconfined") != 0)
		return failx(f, "config",
			     "line %u: process.apparmorProfile %s: AppArmor is not enabled on this machine "
			     "(/sys/module/apparmor/parameters/enabled)",
			     v->line, v->text);
	note = strdup("process.apparmorProfile unconfined: AppArmor is not enabled here, nothing to apply");
	if (!note || strv_consume(&b->notes, note) < 0)
		return fail(f, -ENOMEM, "config", NULL);
	return 0;
}

/* What process fields say about the run without changing it, or what hutch does anyway. */
static int spec_process_misc(const struct json_value *p, struct config *c, struct oci_bundle *b,
			     struct failure *f)
{
	const struct json_value *v;
	int64_t oom;
	int r = member(p, "terminal", JSON_BOOL, &v, f);

	if (r < 0)
		return r;
	b->terminal = v && v->boolean;
	if ((r = spec_console_size(p, c, f)) < 0)
		return r;
	if ((r = member(p, "oomScoreAdj", JSON_NUMBER, &v, f)) < 0)
		return r;
	if (v && (json_i64(v, &oom) < 0 || oom < -1000 || oom > 1000))
		return failx(f, "config", "line %u: process.oomScoreAdj: not in -1000..1000", v->line);
	b->has_oom_score = v != NULL;
	b->oom_score_adj = v ? (int)oom : 0;
	/* false or absent: no no_new_privs, as runc (a setuid program in the image gains its
	 * owner's id); the lock-down then runs while CAP_SYS_ADMIN is held (command.c) */
	if ((r = member(p, "noNewPrivileges", JSON_BOOL, &v, f)) < 0)
		return r;
	c->keep_new_privs = !(v && v->boolean);
	if ((r = member(p, "apparmorProfile", JSON_STRING, &v, f)) < 0 || (r = spec_apparmor(v, c, b, f)) < 0)
		return r;
	if ((r = member(p, "selinuxLabel", JSON_STRING, &v, f)) < 0)
		return r;
	if (v && v->text[0])
		return failx(f, "config",
			     "line %u: process.selinuxLabel: SELinux is not supported by hutch-oci", v->line);
	return 0;
}

int oci_spec_process(const struct json_value *p, struct config *c, struct oci_bundle *b, struct failure *f)
{
	static const char *const keys[] = { "terminal",
					    "consoleSize",
					    "user",
					    "args",
					    "env",
					    "cwd",
					    "capabilities",
					    "rlimits",
					    "noNewPrivileges",
					    "apparmorProfile",
					    "oomScoreAdj",
					    "selinuxLabel",
					    NULL };
	const struct json_value *args, *env, *cwd;
	const char *home;
	int r = oci_spec_known(p, "process", keys, f);

	if (r == 0)
		r = member(p, "args", JSON_ARRAY, &args, f);
	if (r == 0 && (!args || args->n == 0))
		r = failx(f, "config", "line %u: process.args: must name a program", p->line);
	if (r == 0)
		r = member(p, "env", JSON_ARRAY, &env, f);
	if (r == 0)
		r = member(p, "cwd", JSON_STRING, &cwd, f);
	if (r == 0 && (!cwd || cwd->text[0] != '/'))
		r = failx(f, "config", "line %u: process.cwd: must be an absolute path", p->line);
	if (r < 0)
		return r;
	strv_free(c->argv);
	strv_free(c->env);
	c->argv = c->env = NULL;
	if ((r = strv_from_json(args, "process.args", &c->argv, f)) < 0 ||
	    (r = strv_from_json(env, "process.env", &c->env, f)) < 0)
		return r;
	free(c->chdir);
	if (!(c->chdir = strdup(cwd->text)))
		return fail(f, -ENOMEM, "config", NULL);
	home = strv_env_get(c->env, "HOME");
	free(c->home);
	if (!(c->home = strdup(home && home[0] == '/' ? home : "/")))
		return fail(f, -ENOMEM, "config", NULL);
	if ((r = spec_user(p, c, b, f)) < 0 || (r = spec_caps(p, c, f)) < 0 ||
	    (r = spec_rlimits(p, c, f)) < 0)
		return r;
	return spec_process_misc(p, c, b, f);
}

const struct oci_join_kind oci_join_kinds[OCI_JOIN_N] = {
	[OCI_JOIN_USER] = { "user", CLONE_NEWUSER, SHARE_USER },
	[OCI_JOIN_MNT] = { "mount", CLONE_NEWNS, 0 },
	[OCI_JOIN_NET] = { "network", CLONE_NEWNET, SHARE_NET },
	[OCI_JOIN_IPC] = { "ipc", CLONE_NEWIPC, SHARE_IPC },
	[OCI_JOIN_UTS] = { "uts", CLONE_NEWUTS, SHARE_UTS },
	[OCI_JOIN_CGROUP] = { "cgroup", CLONE_NEWCGROUP, SHARE_CGROUP },
	[OCI_JOIN_PID] = { "pid", CLONE_NEWPID, SHARE_PID },
};

/* linux.namespaces: which are new, which are the runtime's own (absent), which are joined. */
static int spec_namespace(const struct json_value *ns, struct oci_bundle *b, unsigned *seen,
			  struct failure *f)
{
	static const struct {
		const char *type;
		unsigned share;
	} types[] = { { "pid", SHARE_PID }, { "network", SHARE_NET },	{ "ipc", SHARE_IPC },
		      { "uts", SHARE_UTS }, { "cgroup", SHARE_CGROUP }, { "mount", 1u << 8 },
		      { "user", 1u << 9 } };
	static const char *const keys[] = { "type", "path", NULL };
	const struct json_value *type, *path;
	size_t i, j;
	int r = oci_spec_known(ns, "linux.namespaces[]", keys, f);

	if (r < 0 || (r = member(ns, "type", JSON_STRING, &type, f)) < 0 ||
	    (r = member(ns, "path", JSON_STRING, &path, f)) < 0)
		return r;
	if (!type)
		return failx(f, "config", "line %u: linux.namespaces: an entry without type", ns->line);
	for (i = 0; i < ARRAY_SIZE(types) && strcmp(types[i].type, type->text) != 0; i++)
		;
	if (i == ARRAY_SIZE(types))
		return failx(f, "config",
			     "line %u: linux.namespaces: unknown or unsupported namespace type %s",
			     type->line, type->text);
	if (*seen & types[i].share)
		return failx(f, "config", "line %u: linux.namespaces: %s given twice", type->line,
			     type->text);
	*seen |= types[i].share;
	if (!path || !path->text[0]) {
		b->new_userns |= strcmp(types[i].type, "user") == 0;
		b->new_netns |= types[i].share == SHARE_NET;
		return 0;
	}
	/* (every type above can be joined) */
	for (j = 0; j < OCI_JOIN_N && strcmp(oci_join_kinds[j].type, types[i].type) != 0; j++)
		;
	if (path->text[0] != '/')
		return failx(f, "config", "line %u: linux.namespaces: %s's path %s is not absolute",
			     path->line, type->text, path->text);
	return (b->join[j] = strdup(path->text)) ? 0 : fail(f, -ENOMEM, "config", NULL);
}

static int spec_namespaces(const struct json_value *linux_, struct config *c, struct oci_bundle *b,
			   struct failure *f)
{
	const struct json_value *a;
	unsigned seen = 0;
	int r = member(linux_, "namespaces", JSON_ARRAY, &a, f);

	for (size_t i = 0; r == 0 && a && i < a->n; i++)
		r = a->items[i].type == JSON_OBJECT
			? spec_namespace(&a->items[i], b, &seen, f)
			: failx(f, "config", "line %u: linux.namespaces: expected objects", a->items[i].line);
	if (r < 0)
		return r;
	if (!(seen & (1u << 8)))
		return failx(f, "config", "linux.namespaces: hutch-oci needs a mount namespace");
	/* what is not new is the runtime's own; a joined one is entered before the launcher */
	c->share = (SHARE_PID | SHARE_NET | SHARE_IPC | SHARE_UTS | SHARE_CGROUP) & ~seen;
	for (size_t j = 0; j < OCI_JOIN_N; j++)
		if (b->join[j])
			c->share |= oci_join_kinds[j].share;
	return 0;
}

/* linux.sysctl: kept for the launcher's process, which writes them once in its namespaces (or
 * hands them to pid 1: oci-create.c). */
static int spec_sysctl(const struct json_value *linux_, struct oci_bundle *b, struct failure *f)
{
	const struct json_value *s;
	int r = member(linux_, "sysctl", JSON_OBJECT, &s, f);

	for (size_t i = 0; r == 0 && s && i < s->n; i++) {
		char *kv = NULL;
		if (s->items[i].type != JSON_STRING)
			return failx(f, "config", "line %u: linux.sysctl: values are strings",
				     s->items[i].line);
		if (strncmp(s->keys[i], "net.", 4) != 0 || strchr(s->keys[i], '/') ||
		    strstr(s->keys[i], ".."))
			return failx(f, "config",
				     "line %u: linux.sysctl: %s is not supported by hutch-oci (net.* only)",
				     s->items[i].line, s->keys[i]);
		if (asprintf(&kv, "%s=%s", s->keys[i], s->items[i].text) < 0 ||
		    strv_consume(&b->sysctl, kv) < 0)
			return fail(f, -ENOMEM, "config", NULL);
	}
	return r;
}

/* linux.resources into c's limits and linux.cgroupsPath kept for create (oci-cgroup.c). */
static int spec_cgroup_notes(const struct json_value *linux_, struct config *c, struct oci_bundle *b,
			     struct failure *f)
{
	const struct json_value *res, *path;
	int r;

	if ((r = member(linux_, "resources", JSON_OBJECT, &res, f)) < 0 ||
	    (r = member(linux_, "cgroupsPath", JSON_STRING, &path, f)) < 0)
		return r;
	if (res && (r = oci_cgroup_resources(res, "linux.resources", &c->limits, f)) < 0)
		return r;
	if (path && path->text[0] && !(b->cgroups_path = strdup(path->text)))
		return fail(f, -ENOMEM, "config", NULL);
	b->cgroups_path_line = path ? path->line : 0;
	return 0;
}

/* linux.rootfsPropagation: the root's propagation once entered (rootfs_enter), the "r" forms
 * for it and every mount below it. */
static int spec_propagation(const struct json_value *linux_, struct config *c, struct failure *f)
{
	static const struct {
		const char *name;
		unsigned long flags;
	} kinds[] = { { "shared", MS_SHARED },
		      { "slave", MS_SLAVE },
		      { "private", MS_PRIVATE },
		      { "unbindable", MS_UNBINDABLE } };
	const struct json_value *prop;
	int r = member(linux_, "rootfsPropagation", JSON_STRING, &prop, f);

	if (r < 0 || !prop || !prop->text[0])
		return r;
	const char *name = prop->text + (prop->text[0] == 'r' && prop->text[1] != '\0');
	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (strcmp(name, kinds[i].name) == 0) {
			c->plan.root_propagation = kinds[i].flags | (name != prop->text ? MS_REC : 0);
			return 0;
		}
	return failx(f, "config", "line %u: linux.rootfsPropagation: unknown propagation %s", prop->line,
		     prop->text);
}

/* Fields that are empty in a plain rootless container; anything in them is refused. */
static int spec_linux_rest(const struct json_value *linux_, struct failure *f)
{
	static const char *const empty[] = { "mountLabel", NULL };
	const struct json_value *v;
	int r;

	for (size_t i = 0; empty[i]; i++) {
		v = json_get(linux_, empty[i]);
		if (v && (v->n > 0 || (v->type == JSON_STRING && v->text[0])))
			return failx(f, "config", "line %u: linux.%s is not supported by hutch-oci", v->line,
				     empty[i]);
	}
	if ((r = member(linux_, "personality", JSON_OBJECT, &v, f)) < 0)
		return r;
	v = v ? json_get(v, "domain") : NULL;
	if (v && (v->type != JSON_STRING || strcmp(v->text, "LINUX") != 0))
		return failx(f, "config", "line %u: linux.personality: only the LINUX domain is supported",
			     v->line);
	return 0;
}

static int spec_linux(const struct json_value *spec, struct config *c, struct oci_bundle *b,
		      struct failure *f)
{
	static const char *const keys[] = { "namespaces",	 "uidMappings", "gidMappings",	 "devices",
					    "cgroupsPath",	 "resources",	"sysctl",	 "seccomp",
					    "rootfsPropagation", "maskedPaths", "readonlyPaths", "mountLabel",
					    "personality",	 NULL };
	const struct json_value *linux_, *seccomp;
	int r = member(spec, "linux", JSON_OBJECT, &linux_, f);

	if (r < 0)
		return r;
	if (!linux_)
		return failx(f, "config", "linux: missing (hutch-oci runs Linux containers)");
	if ((r = oci_spec_known(linux_, "linux", keys, f)) < 0 ||
	    (r = spec_namespaces(linux_, c, b, f)) < 0 || (r = spec_sysctl(linux_, b, f)) < 0 ||
	    (r = spec_linux_rest(linux_, f)) < 0 || (r = spec_cgroup_notes(linux_, c, b, f)) < 0 ||
	    (r = spec_propagation(linux_, c, f)) < 0)
		return r;
	if ((r = member(linux_, "seccomp", JSON_OBJECT, &seccomp, f)) < 0)
		return r;
	return seccomp ? oci_seccomp_load(seccomp, c, f) : 0;
}

static int spec_root(const struct json_value *spec, const char *bundle, struct oci_bundle *b, bool *ret_ro,
		     struct failure *f)
{
	static const char *const keys[] = { "path", "readonly", NULL };
	const struct json_value *root, *path, *ro;
	struct stat st;
	int r = member(spec, "root", JSON_OBJECT, &root, f);

	if (r < 0 || (r = oci_spec_known(root, "root", keys, f)) < 0 ||
	    (r = member(root, "path", JSON_STRING, &path, f)) < 0 ||
	    (r = member(root, "readonly", JSON_BOOL, &ro, f)) < 0)
		return r;
	if (!path || !path->text[0])
		return failx(f, "config", "root.path: missing");
	if (path_make_absolute(path->text, bundle, &b->rootfs) < 0)
		return fail(f, -ENOMEM, "config", NULL);
	if (stat(b->rootfs, &st) < 0)
		return fail(f, negative_errno(), "config", "line %u: root.path %s", path->line, b->rootfs);
	if (!S_ISDIR(st.st_mode))
		return fail(f, -ENOTDIR, "config", "line %u: root.path %s", path->line, b->rootfs);
	*ret_ro = ro && ro->boolean;
	return 0;
}

static int spec_annotations(const struct json_value *spec, struct oci_bundle *b, struct failure *f)
{
	const struct json_value *a;
	int r = member(spec, "annotations", JSON_OBJECT, &a, f);

	for (size_t i = 0; r == 0 && a && i < a->n; i++) {
		char *kv = NULL;
		if (a->items[i].type != JSON_STRING)
			return failx(f, "config", "line %u: annotations: values are strings",
				     a->items[i].line);
		if (asprintf(&kv, "%s=%s", a->keys[i], a->items[i].text) < 0 ||
		    strv_consume(&b->annotations, kv) < 0)
			return fail(f, -ENOMEM, "config", NULL);
	}
	return r;
}

/* Hooks are checked here and run from the state directory's copy (oci-hooks.c). */
static int spec_hooks(const struct json_value *spec, struct oci_bundle *b, struct failure *f)
{
	const struct json_value *h;
	int r = member(spec, "hooks", JSON_OBJECT, &h, f);

	if (r < 0 || !h || (r = oci_hooks_check(h, f)) < 0)
		return r;
	for (size_t i = 0; i < h->n; i++)
		b->has_hooks |= h->items[i].n > 0;
	return 0;
}

static int mapping_lines(const struct json_value *a, const char *what, struct idmap_line **ret, size_t *ret_n,
			 struct failure *f)
{
	if (!a || a->type != JSON_ARRAY || a->n == 0 || a->n > IDMAP_MAX_LINES)
		return failx(f, "config", "linux.%s: 1 to %d entries needed with a user namespace", what,
			     IDMAP_MAX_LINES);
	if (!(*ret = calloc(a->n, sizeof(**ret))))
		return fail(f, -ENOMEM, "config", NULL);
	for (size_t i = 0; i < a->n; i++) {
		uint64_t in, out, n;
		if (json_u64(json_get(&a->items[i], "containerID"), &in) < 0 ||
		    json_u64(json_get(&a->items[i], "hostID"), &out) < 0 ||
		    json_u64(json_get(&a->items[i], "size"), &n) < 0 || in > UINT32_MAX || out > UINT32_MAX ||
		    n == 0 || n > UINT32_MAX)
			return failx(f, "config", "line %u: linux.%s: containerID, hostID and size",
				     a->items[i].line, what);
		(*ret)[i] = (struct idmap_line){ in, out, n };
	}
	*ret_n = a->n;
	return 0;
}

/* Without a user namespace in config.json the container shares the runtime's, as runc
 * runs it: under an engine (podman runs its runtime as root of its own user namespace) hutch
 * makes none either (SHARE_USER), so that the container's root holds the capabilities runc's
 * does (over the engine's network namespace: ports below 1024; over every file of the image).
 * A normal user gets the single map, as hutch does: uid 0 inside is the caller.
 * With linux.uidMappings (podman's --userns keep-id) the maps are written as given. A user
 * namespace joined by path (a pod's) has its maps: none is written, the launcher makes no
 * user namespace (SHARE_USER, joined in oci-create.c) and linux.uidMappings, which podman
 * still gives, are left as runc 1.1 leaves them (process.user is checked against the joined
 * namespace's own maps, oci-user.c). */
static int spec_idmap(const struct json_value *spec, struct config *c, const struct oci_bundle *b,
		      struct failure *f)
{
	const struct json_value *linux_ = json_get(spec, "linux");
	int r;

	if (b->join[OCI_JOIN_USER]) {
		c->idmap = IDMAP_NONE;
		c->share |= SHARE_USER;
		return 0;
	}
	if (b->new_userns) {
		/* linux.uidMappings (podman's --userns keep-id): written as given, by us */
		if (getuid() != 0)
			return failx(
			    f, "config",
			    "linux.uidMappings: hutch-oci writes them as the root of an engine's user namespace only");
		c->idmap = IDMAP_LINES;
		if ((r = mapping_lines(json_get(linux_, "uidMappings"), "uidMappings", &c->uid_lines,
				       &c->n_uid_lines, f)) < 0)
			return r;
		return mapping_lines(json_get(linux_, "gidMappings"), "gidMappings", &c->gid_lines,
				     &c->n_gid_lines, f);
	}
	if (json_get(linux_, "uidMappings") || json_get(linux_, "gidMappings"))
		return failx(f, "config", "linux.uidMappings: given without a user namespace");
	if (getuid() != 0 || getgid() != 0) {
		c->idmap = IDMAP_SINGLE;
		return 0;
	}
	c->idmap = IDMAP_NONE;
	c->share |= SHARE_USER;
	return 0;
}

/* What hutch itself is asked: its own policy off (config.json is the policy), the command's
 * session; and, for config_finish, what runc does where hutch's defaults differ: the plan and
 * environment as config.json gives them, the host name kept when none is given, no hutch
 * record (the container's state is under --root), the command as the pid namespace's pid 1
 * (a signal it has no handler for is dropped, as a container's init's is), and that pid 1 the
 * child of create rather than of the launcher (the container's process, as runc's init). */
static void spec_defaults(struct config *c, const struct oci_bundle *b)
{
	c->plan_given = c->env_given = true;
	c->as_pid1 = true;
	c->pid1_sibling = true;
	c->keep_hostname = true;
	c->no_record = true;
	c->seccomp = SECCOMP_NONE;
	c->landlock = LANDLOCK_OFF;
	c->tier = TIER_FULL;
	c->setsid_command = !b->terminal;
	c->new_session = b->terminal ? TRI_NO : TRI_YES;
}

static int spec_top(const struct json_value *spec, struct oci_bundle *b, struct failure *f)
{
	static const char *const keys[] = { "ociVersion", "process", "root",	    "hostname", "domainname",
					    "mounts",	  "hooks",   "annotations", "linux",	NULL };
	const struct json_value *v;
	int r = oci_spec_known(spec, "", keys, f);

	if (r < 0 || (r = member(spec, "ociVersion", JSON_STRING, &v, f)) < 0)
		return r;
	if (!v || strncmp(v->text, "1.", 2) != 0)
		return failx(f, "config", "ociVersion: %s is not a 1.x version", v ? v->text : "missing");
	if ((r = member(spec, "domainname", JSON_STRING, &v, f)) < 0)
		return r;
	if (v && v->text[0])
		return failx(f, "config", "line %u: domainname is not supported by hutch-oci", v->line);
	return spec_hooks(spec, b, f);
}

/* hostname: the new uts namespace's; with one joined by path, set in that one as runc does; the
 * runtime's own is not the container's to name. */
static int spec_hostname(const struct json_value *spec, struct config *c, struct oci_bundle *b,
			 struct failure *f)
{
	const struct json_value *v;
	int r = member(spec, "hostname", JSON_STRING, &v, f);

	if (r < 0 || !v || !v->text[0])
		return r;
	if (b->join[OCI_JOIN_UTS])
		return (b->joined_hostname = strdup(v->text)) ? 0 : fail(f, -ENOMEM, "config", NULL);
	if (c->share & SHARE_UTS)
		return failx(f, "config", "line %u: hostname needs a new uts namespace", v->line);
	return (c->hostname = strdup(v->text)) ? 0 : fail(f, -ENOMEM, "config", NULL);
}

int oci_spec_load(const char *bundle_dir, struct config *c, struct oci_bundle *b, struct failure *f)
{
	_cleanup_free_ char *path = NULL;
	struct json_value *spec = NULL;
	const struct json_value *p;
	char cwd[PATH_MAX];
	bool ro = false;
	int r;

	/* a relative --bundle (and its default, ".") is the caller's directory's, as runc's */
	if (bundle_dir[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return fail(f, negative_errno(), "config", "the current directory");
	if (path_make_absolute(bundle_dir, cwd, &b->bundle) < 0 ||
	    !(path = path_join(b->bundle, "config.json")))
		return fail(f, -ENOMEM, "config", NULL);
	if ((r = oci_spec_read(path, &spec, f)) < 0)
		return r;
	if (spec->type != JSON_OBJECT)
		r = failx(f, "config", "%s: not a JSON object", path);
	if (r == 0)
		r = spec_top(spec, b, f);
	if (r == 0 && (r = member(spec, "process", JSON_OBJECT, &p, f)) == 0 && !p)
		r = failx(f, "config", "process: missing");
	if (r == 0)
		r = spec_annotations(spec, b, f);
	if (r == 0)
		r = oci_spec_process(p, c, b, f);
	if (r == 0)
		r = spec_root(spec, b->bundle, b, &ro, f);
	if (r == 0)
		r = spec_linux(spec, c, b, f);
	if (r == 0)
		r = spec_hostname(spec, c, b, f);
	if (r == 0)
		r = spec_idmap(spec, c, b, f);
	if (r == 0) {
		spec_defaults(c, b);
		c->plan.root_readonly = ro;
		r = oci_mounts_plan(spec, c, b, f);
	}
	if (r == 0)
		r = oci_annotations_apply(c, b, f);
	/* (in a user namespace joined by path: checked once in it, oci-create.c) */
	if (r == 0 && !b->join[OCI_JOIN_USER])
		r = oci_user_check(c, b, f);
	json_free(spec);
	return r;
}

void oci_bundle_free(struct oci_bundle *b)
{
	free(b->bundle);
	free(b->rootfs);
	for (size_t j = 0; j < OCI_JOIN_N; j++)
		free(b->join[j]);
	free(b->joined_hostname);
	free(b->cgroups_path);
	strv_free(b->sysctl);
	strv_free(b->annotations);
	strv_free(b->notes);
}
