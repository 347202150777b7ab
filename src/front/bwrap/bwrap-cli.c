/* bwrap's command line (bubblewrap 0.11's options, order and argument forms) → struct config,
 * its mount plan and struct bwrap_config; then bwrap's defaults (bwrap_fill), before
 * config_finish(). One option table feeds the parser and --help.
 * Launcher side (hutch-bwrap), the caller's own privileges; it reads the fds bwrap reads at
 * parse time (--args, --seccomp, --add-seccomp-fd) and nothing else.
 * Over 600 lines: bwrap's option table, one row and one short handler per option (about 60), is
 * one concern. */
#include "front/bwrap/bwrap.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command/confine.h"
#include "egress/egress.h"
#include "front/config.h"
#include "lib/failure.h"
#include "front/mountplan.h"
#include "lib/fileio.h"
#include "lib/path-util.h"
#include "lib/strv.h"

/* What the parser carries between options: bwrap's one-shot modifiers and the pending
 * overlay sources. */
struct bw_parse {
	struct config *c;
	struct bwrap_config *b;
	char **env;		      /* the command's environment, edited in order */
	char *cwd;		      /* for relative sources */
	long next_perms;	      /* --perms for the next operation, -1 */
	unsigned long long next_size; /* --size for the next --tmpfs, 0 */
	char **overlay_src;	      /* --overlay-src since the last overlay */
	bool unshare_uts, unshare_net, unshare_ipc, unshare_cgroup, as_pid1, clearenv_seen;
	uint64_t caps;
	int depth;	/* --args nesting */
	int seccomp_fd; /* --seccomp, -1 */
	enum bwrap_action action;
	char **rest; /* the command, once found */
};

enum {
	TAKES_PERMS = 1u << 0, /* --perms applies to it */
	TAKES_SIZE = 1u << 1,  /* --size applies to it */
};

struct bw_option {
	const char *name;
	int nargs;
	int (*fn)(struct bw_parse *p, char **a, struct failure *f);
	unsigned flags;
	const char *args; /* for --help */
	const char *help;
};

/* bwrap's numbers: a decimal fd, uid, gid. */
static int parse_uint(const char *s, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_fd(const char *s, const char *opt, int *ret, struct failure *f)
{
	unsigned long v;

	if (parse_uint(s, INT_MAX, &v) < 0)
		return failx(f, "bwrap", "Invalid fd: %s", s);
	(void)opt;
	*ret = (int)v;
	return 0;
}

/* An fd bwrap takes is not the command's: close-on-exec from here on. */
static int consume_fd(const char *s, const char *opt, int *ret, struct failure *f)
{
	int r = parse_fd(s, opt, ret, f);
	int fl = r < 0 ? -1 : fcntl(*ret, F_GETFD);

	if (fl >= 0)
		fcntl(*ret, F_SETFD, fl | FD_CLOEXEC);
	return r;
}

/* A destination inside the sandbox: relative ones are taken from its root, as bwrap does. */
static int dest_path(const char *d, char **ret)
{
	return path_make_absolute(d, "/", ret);
}

static int source_path(const struct bw_parse *p, const char *s, char **ret)
{
	return path_make_absolute(s, p->cwd ? p->cwd : "/", ret);
}

static mode_t perms_or(struct bw_parse *p, mode_t dflt)
{
	return p->next_perms >= 0 ? (mode_t)p->next_perms : dflt;
}

/* The mode bwrap gives the missing parents of a destination: 0700 for what it mounts from
 * elsewhere (binds, proc, dev, mqueue), 0755 for the rest; a --perms without group or other
 * bits takes those away from the parents too (bwrap(1)). */
static mode_t parents_mode(const struct bw_parse *p, enum mp_op op)
{
	mode_t m = (op == MP_BIND || op == MP_BIND_FD || op == MP_PROC || op == MP_DEV || op == MP_MQUEUE)
		       ? 0700
		       : 0755;

	if (p->next_perms >= 0 && !(p->next_perms & 070))
		m &= ~(mode_t)070;
	if (p->next_perms >= 0 && !(p->next_perms & 07))
		m &= ~(mode_t)07;
	return m;
}

/* The parents of d, each an MP_DIR (which leaves an existing directory as it is), where
 * their mode is not the executor's default. */
static int add_parents(struct bw_parse *p, enum mp_op op, const char *d)
{
	mode_t mode = parents_mode(p, op);
	char buf[4096];
	int r = 0;

	if (mode == 0755 || snprintf(buf, sizeof(buf), "%s", d) >= (int)sizeof(buf))
		return 0;
	for (char *s = strchr(buf + 1, '/'); r == 0 && s; s = strchr(s + 1, '/')) {
		*s = '\0';
		r = mountplan_add(&p->c->plan, MP_DIR, 0, mode, NULL, buf);
		*s = '/';
	}
	return r;
}

/* Append an operation to the plan; the new entry is returned for its extra fields. */
static int add_op(struct bw_parse *p, enum mp_op op, unsigned flags, mode_t mode, const char *src,
		  const char *dst, struct mp_entry **ret, struct failure *f)
{
	_cleanup_free_ char *d = NULL;
	int r = dst ? dest_path(dst, &d) : -EINVAL;

	if (r == 0 && !(flags & MPF_TRY) && op != MP_REMOUNT_RO && op != MP_CHMOD)
		r = add_parents(p, op, d);
	if (r == 0)
		r = mountplan_add(&p->c->plan, op, flags, mode, src, d);
	if (r < 0)
		return fail(f, r, "bwrap", "%s", dst ? dst : "");
	if (ret)
		*ret = &p->c->plan.ops[p->c->plan.n - 1];
	return 0;
}

/* ---- mounts -------------------------------------------------------------------------------- */

static int bind_common(struct bw_parse *p, char **a, unsigned flags, struct failure *f)
{
	_cleanup_free_ char *src = NULL;
	int r = source_path(p, a[0], &src);

	return r < 0 ? fail(f, r, "bwrap", "%s", a[0])
		     : add_op(p, MP_BIND, flags | MPF_COMPAT, 0, src, a[1], NULL, f);
}

#define BIND_OPT(fn, flags)                                            \
	static int fn(struct bw_parse *p, char **a, struct failure *f) \
	{                                                              \
		return bind_common(p, a, (flags), f);                  \
	}
BIND_OPT(o_bind, 0)
BIND_OPT(o_bind_try, MPF_TRY)
BIND_OPT(o_dev_bind, MPF_DEV)
BIND_OPT(o_dev_bind_try, MPF_DEV | MPF_TRY)
BIND_OPT(o_ro_bind, MPF_RO)
BIND_OPT(o_ro_bind_try, MPF_RO | MPF_TRY)

static int fd_op(struct bw_parse *p, char **a, enum mp_op op, unsigned flags, mode_t mode, struct failure *f)
{
	struct mp_entry *e;
	int fd = -1, r = consume_fd(a[0], NULL, &fd, f);

	if (r == 0)
		r = add_op(p, op, flags, mode, NULL, a[1], &e, f);
	if (r == 0)
		e->fd = fd;
	return r;
}

static int o_bind_fd(struct bw_parse *p, char **a, struct failure *f)
{
	return fd_op(p, a, MP_BIND_FD, 0, 0, f);
}

static int o_ro_bind_fd(struct bw_parse *p, char **a, struct failure *f)
{
	return fd_op(p, a, MP_BIND_FD, MPF_RO, 0, f);
}

static int o_file(struct bw_parse *p, char **a, struct failure *f)
{
	return fd_op(p, a, MP_DATA_FD, 0, perms_or(p, 0666), f);
}

static int o_bind_data(struct bw_parse *p, char **a, struct failure *f)
{
	return fd_op(p, a, MP_DATA_FD, MPF_MOUNTED, perms_or(p, 0600), f);
}

static int o_ro_bind_data(struct bw_parse *p, char **a, struct failure *f)
{
	return fd_op(p, a, MP_DATA_FD, MPF_MOUNTED | MPF_RO, perms_or(p, 0600), f);
}

static int o_remount_ro(struct bw_parse *p, char **a, struct failure *f)
{
	return add_op(p, MP_REMOUNT_RO, MPF_COMPAT, 0, NULL, a[0], NULL, f);
}

static int o_proc(struct bw_parse *p, char **a, struct failure *f)
{
	return add_op(p, MP_PROC, 0, 0, NULL, a[0], NULL, f);
}

static int o_dev(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->dev_root = true; /* bwrap's devpts workaround, see bwrap_fill() */
	return add_op(p, MP_DEV, MPF_COMPAT, 0755, NULL, a[0], NULL, f);
}

static int o_tmpfs(struct bw_parse *p, char **a, struct failure *f)
{
	struct mp_entry *e;
	int r = add_op(p, MP_TMPFS, 0, perms_or(p, 0755), NULL, a[0], &e, f);

	if (r == 0)
		e->size = p->next_size;
	return r;
}

static int o_mqueue(struct bw_parse *p, char **a, struct failure *f)
{
	return add_op(p, MP_MQUEUE, 0, 0, NULL, a[0], NULL, f);
}

static int o_dir(struct bw_parse *p, char **a, struct failure *f)
{
	return add_op(p, MP_DIR, 0, perms_or(p, 0755), NULL, a[0], NULL, f);
}

static int o_symlink(struct bw_parse *p, char **a, struct failure *f)
{
	return add_op(p, MP_SYMLINK, 0, 0, a[0], a[1], NULL, f);
}

static int parse_octal(const char *s, unsigned long *ret)
{
	char *end;

	errno = 0;
	*ret = strtoul(s, &end, 8);
	return errno || end == s || *end || s[0] == '-' || *ret > 07777 ? -EINVAL : 0;
}

static int o_chmod(struct bw_parse *p, char **a, struct failure *f)
{
	unsigned long mode;

	if (parse_octal(a[0], &mode) < 0)
		return failx(f, "bwrap", "--chmod takes an octal argument <= 07777");
	return add_op(p, MP_CHMOD, 0, (mode_t)mode, NULL, a[1], NULL, f);
}

static int o_perms(struct bw_parse *p, char **a, struct failure *f)
{
	unsigned long mode;

	if (p->next_perms >= 0)
		return failx(f, "bwrap", "--perms may not be specified more than once for the same file");
	if (parse_octal(a[0], &mode) < 0)
		return failx(f, "bwrap", "--perms takes an octal argument <= 07777");
	p->next_perms = (long)mode;
	return 0;
}

static int o_size(struct bw_parse *p, char **a, struct failure *f)
{
	const char *s = a[0] + strspn(a[0], " \t\n\v\f\r");
	char *end;
	unsigned long long v;

	if (p->next_size)
		return failx(f, "bwrap", "--size may not be specified more than once for the same tmpfs");
	/* strtoull() takes a sign after blanks and wraps it; sizes are at most SIZE_MAX / 2 */
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || *s == '+' || v == 0 || v > SIZE_MAX / 2)
		return failx(f, "bwrap", "--size takes a non-zero number of bytes");
	p->next_size = v;
	return 0;
}

static int o_overlay_src(struct bw_parse *p, char **a, struct failure *f)
{
	_cleanup_free_ char *src = NULL;
	int r = source_path(p, a[0], &src);

	if (r == 0)
		r = strv_consume(&p->overlay_src, TAKE_PTR(src));
	return r < 0 ? fail(f, r, "bwrap", "--overlay-src") : 0;
}

static int overlay_common(struct bw_parse *p, const char *opt, const char *upper, const char *work,
			  const char *dst, unsigned flags, struct failure *f)
{
	struct mp_entry *e;
	size_t n = strv_length(p->overlay_src);
	int r;

	if (n == 0 || (flags & MPF_RO && !upper && n < 2))
		return failx(f, "bwrap", "%s requires at least %s --overlay-src", opt,
			     (flags & MPF_RO) ? "two" : "one");
	r = add_op(p, MP_OVERLAY_AT, flags, 0, NULL, dst, &e, f);
	if (r < 0)
		return r;
	e->layers = TAKE_PTR(p->overlay_src);
	e->driver = OVERLAY_KERNEL; /* bwrap has no fuse-overlayfs fallback */
	if (upper && (source_path(p, upper, &e->src) < 0 || source_path(p, work, &e->work) < 0))
		return fail(f, -ENOMEM, "bwrap", "%s", opt);
	return 0;
}

static int o_overlay(struct bw_parse *p, char **a, struct failure *f)
{
	return overlay_common(p, "--overlay", a[0], a[1], a[2], 0, f);
}

static int o_tmp_overlay(struct bw_parse *p, char **a, struct failure *f)
{
	return overlay_common(p, "--tmp-overlay", NULL, NULL, a[0], 0, f);
}

static int o_ro_overlay(struct bw_parse *p, char **a, struct failure *f)
{
	return overlay_common(p, "--ro-overlay", NULL, NULL, a[0], MPF_RO, f);
}

/* ---- namespaces and ids -------------------------------------------------------------------- */

static int o_unshare_user(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->unshare_user = true;
	return 0;
}

static int o_unshare_ipc(struct bw_parse *p, char **a, struct failure *f)
{
	p->unshare_ipc = true;
	return 0;
}

static int o_unshare_pid(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->unshare_pid = true;
	return 0;
}

static int o_unshare_net(struct bw_parse *p, char **a, struct failure *f)
{
	p->unshare_net = true;
	return 0;
}

static int o_unshare_uts(struct bw_parse *p, char **a, struct failure *f)
{
	p->unshare_uts = true;
	return 0;
}

static int o_unshare_cgroup(struct bw_parse *p, char **a, struct failure *f)
{
	p->unshare_cgroup = true;
	return 0;
}

static int o_unshare_all(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->unshare_user = p->b->unshare_pid = true;
	p->unshare_ipc = p->unshare_net = p->unshare_uts = p->unshare_cgroup = true;
	return 0;
}

static int o_share_net(struct bw_parse *p, char **a, struct failure *f)
{
	p->unshare_net = false;
	return 0;
}

static int o_userns(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--userns", &p->c->userns_fd, f);
}

static int o_userns2(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--userns2", &p->c->userns2_fd, f);
}

static int o_pidns(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--pidns", &p->c->pidns_fd, f);
}

static int o_disable_userns(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->disable_userns = true;
	return 0;
}

static int o_assert_userns_disabled(struct bw_parse *p, char **a, struct failure *f)
{
	p->c->assert_no_userns = true;
	return 0;
}

static int o_uid(struct bw_parse *p, char **a, struct failure *f)
{
	unsigned long v;

	if (parse_uint(a[0], UINT_MAX - 1, &v) < 0)
		return failx(f, "bwrap", "Invalid uid: %s", a[0]);
	p->c->uid = (uid_t)v;
	return 0;
}

static int o_gid(struct bw_parse *p, char **a, struct failure *f)
{
	unsigned long v;

	if (parse_uint(a[0], UINT_MAX - 1, &v) < 0)
		return failx(f, "bwrap", "Invalid gid: %s", a[0]);
	p->c->gid = (gid_t)v;
	return 0;
}

static int replace(char **s, const char *v, struct failure *f)
{
	free(*s);
	*s = strdup(v);
	return *s ? 0 : fail(f, -ENOMEM, "bwrap", NULL);
}

static int o_hostname(struct bw_parse *p, char **a, struct failure *f)
{
	return replace(&p->c->hostname, a[0], f);
}

/* ---- environment and process --------------------------------------------------------------- */

static int o_setenv(struct bw_parse *p, char **a, struct failure *f)
{
	if (strv_env_set(&p->env, a[0], a[1]) < 0)
		return fail(f, -ENOMEM, "bwrap", NULL);
	return 0;
}

static int o_unsetenv(struct bw_parse *p, char **a, struct failure *f)
{
	strv_env_unset(p->env, a[0]);
	return 0;
}

static int o_clearenv(struct bw_parse *p, char **a, struct failure *f)
{
	strv_free(p->env);
	p->env = calloc(1, sizeof(char *));
	return p->env ? 0 : fail(f, -ENOMEM, "bwrap", NULL);
}

static int o_chdir(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->chdir_repeated = p->c->chdir != NULL;
	return replace(&p->c->chdir, a[0], f);
}

static int o_argv0(struct bw_parse *p, char **a, struct failure *f)
{
	return replace(&p->c->argv0, a[0], f);
}

static int o_new_session(struct bw_parse *p, char **a, struct failure *f)
{
	p->c->new_session = TRI_YES;
	return 0;
}

static int o_die_with_parent(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->die_with_parent = true;
	return 0;
}

static int o_as_pid_1(struct bw_parse *p, char **a, struct failure *f)
{
	p->as_pid1 = true;
	return 0;
}

/* bwrap's names: "CAP_SYS_ADMIN" (any case), or ALL. */
static int parse_cap(const char *s, uint64_t *ret, struct failure *f)
{
	struct failure ignored = { 0 };

	if (strcasecmp(s, "ALL") != 0 && strncasecmp(s, "CAP_", 4) != 0)
		return failx(f, "bwrap", "unknown cap: %s", s);
	if (caps_parse_list(s, ret, &ignored) < 0 || strchr(s, ','))
		return failx(f, "bwrap", "unknown cap: %s", s);
	return 0;
}

static int o_cap_add(struct bw_parse *p, char **a, struct failure *f)
{
	uint64_t m;
	int r = parse_cap(a[0], &m, f);

	if (r == 0)
		p->caps |= m;
	return r;
}

static int o_cap_drop(struct bw_parse *p, char **a, struct failure *f)
{
	uint64_t m;
	int r = parse_cap(a[0], &m, f);

	if (r == 0)
		p->caps &= ~m;
	return r;
}

/* ---- file descriptors ---------------------------------------------------------------------- */

/* A compiled program, as seccomp_export_bpf() writes it. */
static int read_program(int fd, struct config *c, struct failure *f)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = fileio_read_fd(fd, SIZE_MAX - 1, &buf, &len);

	if (r < 0)
		return fail(f, r, "bwrap", "Can't read seccomp data");
	close(fd);
	if (len % sizeof(struct sock_filter) != 0)
		return failx(f, "bwrap", "Invalid seccomp data, must be multiple of 8");
	struct bpf_program *v = realloc(c->extra_filters, (c->n_extra_filters + 1) * sizeof(*v));
	if (!v)
		return fail(f, -ENOMEM, "bwrap", NULL);
	c->extra_filters = v;
	v[c->n_extra_filters++] = (struct bpf_program){ .insns = (struct sock_filter *)TAKE_PTR(buf),
							.n = len / sizeof(struct sock_filter) };
	return 0;
}

/* --seccomp: only the last one counts, read once every option is known. */
static int o_seccomp(struct bw_parse *p, char **a, struct failure *f)
{
	if (p->c->n_extra_filters > 0)
		return failx(f, "bwrap", "--seccomp cannot be combined with --add-seccomp-fd");
	return parse_fd(a[0], NULL, &p->seccomp_fd, f);
}

static int o_add_seccomp_fd(struct bw_parse *p, char **a, struct failure *f)
{
	int fd = -1, r;

	if (p->seccomp_fd >= 0)
		return failx(f, "bwrap", "--add-seccomp-fd cannot be combined with --seccomp");
	if ((r = parse_fd(a[0], NULL, &fd, f)) < 0)
		return r;
	return read_program(fd, p->c, f);
}

static int o_info_fd(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--info-fd", &p->c->info_fd, f);
}

static int o_json_status_fd(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--json-status-fd", &p->c->json_status_fd, f);
}

static int o_block_fd(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--block-fd", &p->c->block_fd, f);
}

static int o_userns_block_fd(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--userns-block-fd", &p->c->maps_block_fd, f);
}

static int o_sync_fd(struct bw_parse *p, char **a, struct failure *f)
{
	return consume_fd(a[0], "--sync-fd", &p->b->sync_fd, f);
}

static int o_lock_file(struct bw_parse *p, char **a, struct failure *f)
{
	_cleanup_free_ char *d = NULL;

	if (dest_path(a[0], &d) < 0 || strv_consume(&p->c->lock_files, TAKE_PTR(d)) < 0)
		return fail(f, -ENOMEM, "bwrap", NULL);
	return 0;
}

/* Without SELinux (no such support here), bwrap refuses a label. */
static int o_label(struct bw_parse *p, char **a, struct failure *f)
{
	return failx(f, "bwrap", "labeling not supported on this system");
}

static int o_level_prefix(struct bw_parse *p, char **a, struct failure *f)
{
	p->b->level_prefix = true;
	return 0;
}

static int o_help(struct bw_parse *p, char **a, struct failure *f)
{
	p->action = BWRAP_HELP;
	return 0;
}

static int o_version(struct bw_parse *p, char **a, struct failure *f)
{
	p->action = BWRAP_VERSION;
	return 0;
}

static int parse_args(struct bw_parse *p, char **argv, struct failure *f);

/* --args FD: NUL-separated arguments, parsed as if they stood here. */
static int o_args(struct bw_parse *p, char **a, struct failure *f)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_strv_free_ char **v = NULL;
	size_t len;
	int fd = -1, r = parse_fd(a[0], NULL, &fd, f);

	if (r < 0)
		return r;
	if (p->depth > 1)
		return failx(f, "bwrap", "--args not supported in arguments file");
	if ((r = fileio_read_fd(fd, SIZE_MAX - 1, &buf, &len)) < 0)
		return fail(f, r, "bwrap", "Can't read --args data");
	close(fd);
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		if (strv_extend(&v, buf + i) < 0)
			return fail(f, -ENOMEM, "bwrap", NULL);
	p->depth++;
	r = v ? parse_args(p, v, f) : 0;
	p->depth--;
	if (r == 0 && p->rest) {
		/* the command itself came from the file: keep a copy that outlives it */
		char **copy = NULL;
		for (char **s = p->rest; *s; s++)
			if (strv_extend(&copy, *s) < 0)
				return fail(f, -ENOMEM, "bwrap", NULL);
		p->rest = NULL;
		strv_free(p->c->argv);
		p->c->argv = copy;
	}
	return r;
}

static const struct bw_option options[] = {
	{ "--help", 0, o_help, 0, NULL, "Print this help" },
	{ "--version", 0, o_version, 0, NULL, "Print version" },
	{ "--args", 1, o_args, 0, "FD", "Parse NUL-separated args from FD" },
	{ "--argv0", 1, o_argv0, 0, "VALUE", "Set argv[0] to the value VALUE before running the program" },
	{ "--level-prefix", 0, o_level_prefix, 0, NULL, "Prepend e.g. <3> to diagnostic messages" },
	{ "--unshare-all", 0, o_unshare_all, 0, NULL, "Unshare every namespace we support by default" },
	{ "--share-net", 0, o_share_net, 0, NULL,
	  "Retain the network namespace (can only combine with --unshare-all)" },
	{ "--unshare-user", 0, o_unshare_user, 0, NULL,
	  "Create new user namespace (may be automatically implied if not setuid)" },
	{ "--unshare-user-try", 0, o_unshare_user, 0, NULL,
	  "Create new user namespace if possible else continue by skipping it" },
	{ "--unshare-ipc", 0, o_unshare_ipc, 0, NULL, "Create new ipc namespace" },
	{ "--unshare-pid", 0, o_unshare_pid, 0, NULL, "Create new pid namespace" },
	{ "--unshare-net", 0, o_unshare_net, 0, NULL, "Create new network namespace" },
	{ "--unshare-uts", 0, o_unshare_uts, 0, NULL, "Create new uts namespace" },
	{ "--unshare-cgroup", 0, o_unshare_cgroup, 0, NULL, "Create new cgroup namespace" },
	{ "--unshare-cgroup-try", 0, o_unshare_cgroup, 0, NULL,
	  "Create new cgroup namespace if possible else continue by skipping it" },
	{ "--userns", 1, o_userns, 0, "FD", "Use this user namespace (cannot combine with --unshare-user)" },
	{ "--userns2", 1, o_userns2, 0, "FD",
	  "After setup switch to this user namespace, only useful with --userns" },
	{ "--disable-userns", 0, o_disable_userns, 0, NULL,
	  "Disable further use of user namespaces inside sandbox" },
	{ "--assert-userns-disabled", 0, o_assert_userns_disabled, 0, NULL,
	  "Fail unless further use of user namespace inside sandbox is disabled" },
	{ "--pidns", 1, o_pidns, 0, "FD",
	  "Use this pid namespace (as parent namespace if using --unshare-pid)" },
	{ "--uid", 1, o_uid, 0, "UID", "Custom uid in the sandbox (requires --unshare-user or --userns)" },
	{ "--gid", 1, o_gid, 0, "GID", "Custom gid in the sandbox (requires --unshare-user or --userns)" },
	{ "--hostname", 1, o_hostname, 0, "NAME", "Custom hostname in the sandbox (requires --unshare-uts)" },
	{ "--chdir", 1, o_chdir, 0, "DIR", "Change directory to DIR" },
	{ "--clearenv", 0, o_clearenv, 0, NULL, "Unset all environment variables" },
	{ "--setenv", 2, o_setenv, 0, "VAR VALUE", "Set an environment variable" },
	{ "--unsetenv", 1, o_unsetenv, 0, "VAR", "Unset an environment variable" },
	{ "--lock-file", 1, o_lock_file, 0, "DEST", "Take a lock on DEST while sandbox is running" },
	{ "--sync-fd", 1, o_sync_fd, 0, "FD", "Keep this fd open while sandbox is running" },
	{ "--bind", 2, o_bind, 0, "SRC DEST", "Bind mount the host path SRC on DEST" },
	{ "--bind-try", 2, o_bind_try, 0, "SRC DEST", "Equal to --bind but ignores non-existent SRC" },
	{ "--dev-bind", 2, o_dev_bind, 0, "SRC DEST",
	  "Bind mount the host path SRC on DEST, allowing device access" },
	{ "--dev-bind-try", 2, o_dev_bind_try, 0, "SRC DEST",
	  "Equal to --dev-bind but ignores non-existent SRC" },
	{ "--ro-bind", 2, o_ro_bind, 0, "SRC DEST", "Bind mount the host path SRC readonly on DEST" },
	{ "--ro-bind-try", 2, o_ro_bind_try, 0, "SRC DEST",
	  "Equal to --ro-bind but ignores non-existent SRC" },
	{ "--bind-fd", 2, o_bind_fd, 0, "FD DEST", "Bind open directory or path fd on DEST" },
	{ "--ro-bind-fd", 2, o_ro_bind_fd, 0, "FD DEST", "Bind open directory or path fd read-only on DEST" },
	{ "--remount-ro", 1, o_remount_ro, 0, "DEST",
	  "Remount DEST as readonly; does not recursively remount" },
	{ "--overlay-src", 1, o_overlay_src, 0, "SRC", "Read files from SRC in the following overlay" },
	{ "--overlay", 3, o_overlay, 0, "RWSRC WORKDIR DEST",
	  "Mount overlayfs on DEST, with RWSRC as the host path for writes and WORKDIR an empty directory on the same filesystem as RWSRC" },
	{ "--tmp-overlay", 1, o_tmp_overlay, 0, "DEST",
	  "Mount overlayfs on DEST, with writes going to an invisible tmpfs" },
	{ "--ro-overlay", 1, o_ro_overlay, 0, "DEST", "Mount overlayfs read-only on DEST" },
	{ "--exec-label", 1, o_label, 0, "LABEL", "Exec label for the sandbox" },
	{ "--file-label", 1, o_label, 0, "LABEL", "File label for temporary sandbox content" },
	{ "--proc", 1, o_proc, 0, "DEST", "Mount new procfs on DEST" },
	{ "--dev", 1, o_dev, 0, "DEST", "Mount new dev on DEST" },
	{ "--tmpfs", 1, o_tmpfs, TAKES_PERMS | TAKES_SIZE, "DEST", "Mount new tmpfs on DEST" },
	{ "--mqueue", 1, o_mqueue, 0, "DEST", "Mount new mqueue on DEST" },
	{ "--dir", 1, o_dir, TAKES_PERMS, "DEST", "Create dir at DEST" },
	{ "--file", 2, o_file, TAKES_PERMS, "FD DEST", "Copy from FD to destination DEST" },
	{ "--bind-data", 2, o_bind_data, TAKES_PERMS, "FD DEST",
	  "Copy from FD to file which is bind-mounted on DEST" },
	{ "--ro-bind-data", 2, o_ro_bind_data, TAKES_PERMS, "FD DEST",
	  "Copy from FD to file which is readonly bind-mounted on DEST" },
	{ "--symlink", 2, o_symlink, 0, "SRC DEST", "Create symlink at DEST with target SRC" },
	{ "--seccomp", 1, o_seccomp, 0, "FD", "Load and use seccomp rules from FD (not repeatable)" },
	{ "--add-seccomp-fd", 1, o_add_seccomp_fd, 0, "FD",
	  "Load and use seccomp rules from FD (repeatable)" },
	{ "--block-fd", 1, o_block_fd, 0, "FD", "Block on FD until some data to read is available" },
	{ "--userns-block-fd", 1, o_userns_block_fd, 0, "FD",
	  "Block on FD until the user namespace is ready" },
	{ "--info-fd", 1, o_info_fd, 0, "FD", "Write information about the running container to FD" },
	{ "--json-status-fd", 1, o_json_status_fd, 0, "FD",
	  "Write container status to FD as multiple JSON documents" },
	{ "--new-session", 0, o_new_session, 0, NULL, "Create a new terminal session" },
	{ "--die-with-parent", 0, o_die_with_parent, 0, NULL,
	  "Kills with SIGKILL child process (COMMAND) when bwrap or bwrap's parent dies." },
	{ "--as-pid-1", 0, o_as_pid_1, 0, NULL, "Do not install a reaper process with PID=1" },
	{ "--cap-add", 1, o_cap_add, 0, "CAP", "Add cap CAP when running as privileged user" },
	{ "--cap-drop", 1, o_cap_drop, 0, "CAP", "Drop cap CAP when running as privileged user" },
	{ "--perms", 1, o_perms, 0, "OCTAL", "Set permissions of next argument (--bind-data, --file, etc.)" },
	{ "--size", 1, o_size, 0, "BYTES", "Set size of next argument (only for --tmpfs)" },
	{ "--chmod", 2, o_chmod, 0, "OCTAL PATH", "Change permissions of PATH (must already exist)" },
};

static const struct bw_option *find_option(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(options); i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

static const char *const nargs_words[] = { "", "an argument", "two arguments", "three arguments" };

static const char overlay_src_alone[] = "--overlay-src must be followed by another --overlay-src or "
					"one of --overlay, --tmp-overlay, or --ro-overlay";

/* --perms and --size hold for the one option after them, which must be one they affect;
 * --overlay-src only leads up to an overlay. */
static int check_modifiers(struct bw_parse *p, const struct bw_option *o, struct failure *f)
{
	if (p->overlay_src && o->fn != o_overlay_src && o->fn != o_overlay && o->fn != o_tmp_overlay &&
	    o->fn != o_ro_overlay)
		return failx(f, "bwrap", "%s", overlay_src_alone);
	if (p->next_perms >= 0 && !(o->flags & TAKES_PERMS) && o->fn != o_perms && o->fn != o_size)
		return failx(f, "bwrap", "--perms must be followed by an option that creates a file");
	if (p->next_size && !(o->flags & TAKES_SIZE) && o->fn != o_perms && o->fn != o_size)
		return failx(f, "bwrap", "--size must be followed by --tmpfs");
	return 0;
}

static int run_option(struct bw_parse *p, const struct bw_option *o, char **a, struct failure *f)
{
	bool modifier = o->fn == o_perms || o->fn == o_size;
	int r = check_modifiers(p, o, f);

	if (r == 0)
		r = o->fn(p, a, f);
	if (r == 0 && !modifier) {
		p->next_perms = -1;
		p->next_size = 0;
	}
	return r;
}

static int parse_args(struct bw_parse *p, char **argv, struct failure *f)
{
	size_t i = 0;

	while (argv[i] && p->action == BWRAP_RUN) {
		const char *arg = argv[i];
		const struct bw_option *o = find_option(arg);
		int r;

		if (strcmp(arg, "--") == 0) {
			i++;
			break;
		}
		if (!o && arg[0] == '-')
			return failx(f, "bwrap", "Unknown option %s", arg);
		if (!o)
			break;
		for (int k = 1; k <= o->nargs; k++)
			if (!argv[i + (size_t)k])
				return failx(f, "bwrap", "%s takes %s", arg, nargs_words[o->nargs]);
		if ((r = run_option(p, o, argv + i + 1, f)) < 0)
			return r;
		i += 1 + (size_t)o->nargs;
	}
	if (argv[i] || p->depth == 0)
		p->rest = argv + i;
	return 0;
}

/* The checks bwrap makes once every option is known. */
static int check_combinations(struct bw_parse *p, struct failure *f)
{
	const struct config *c = p->c;
	const struct bwrap_config *b = p->b;

	if (p->next_size)
		return failx(f, "bwrap", "--size must be followed by --tmpfs");
	if (p->overlay_src)
		return failx(f, "bwrap", "%s", overlay_src_alone);
	if (p->c->hostname && !p->unshare_uts)
		return failx(f, "bwrap", "Specifying --hostname requires --unshare-uts");
	if (p->as_pid1 && !b->unshare_pid)
		return failx(f, "bwrap", "Specifying --as-pid-1 requires --unshare-pid");
	if (b->disable_userns && !b->unshare_user)
		return failx(f, "bwrap", "--disable-userns requires --unshare-user");
	if (c->maps_block_fd >= 0 && c->info_fd < 0)
		return failx(f, "bwrap", "--userns-block-fd requires --info-fd");
	if (c->userns_fd >= 0 && b->unshare_user)
		return failx(f, "bwrap", "--userns not compatible --unshare-user");

	return 0;
}

/* bwrap shares every namespace but the user and mount ones unless asked. */
static void apply_namespaces(struct bw_parse *p)
{
	struct config *c = p->c;
	struct bwrap_config *b = p->b;

	c->share = SHARE_NET | SHARE_IPC | SHARE_PID | SHARE_UTS | SHARE_CGROUP;
	c->info_namespaces = CLONE_NEWNS;
	if (p->unshare_net) {
		c->share &= ~SHARE_NET;
		c->info_namespaces |= CLONE_NEWNET;
	}
	if (p->unshare_ipc) {
		c->share &= ~SHARE_IPC;
		c->info_namespaces |= CLONE_NEWIPC;
	}
	if (b->unshare_pid) {
		c->share &= ~SHARE_PID;
		c->info_namespaces |= CLONE_NEWPID;
	}
	if (p->unshare_uts) {
		c->share &= ~SHARE_UTS;
		c->info_namespaces |= CLONE_NEWUTS;
	}
	if (p->unshare_cgroup) {
		c->share &= ~SHARE_CGROUP;
		c->info_namespaces |= CLONE_NEWCGROUP;
	}
	c->net = p->unshare_net ? NET_NONE : NET_HOST;
	/* bwrap's pid 1 exists with a pid namespace, or to hold locks and --sync-fd; else the
	 * sandbox's first process is the command. */
	c->as_pid1 = p->as_pid1 || (!b->unshare_pid && !c->lock_files && b->sync_fd < 0);
}

int bwrap_parse(int argc, char **argv, struct config *c, struct bwrap_config *b,
		enum bwrap_action *ret_action, struct failure *f)
{
	extern char **environ;
	struct bw_parse p = { .c = c, .b = b, .next_perms = -1, .seccomp_fd = -1 };
	int r;

	*b = (struct bwrap_config){ .sync_fd = -1 };
	p.cwd = getcwd(NULL, 0);
	for (char **e = environ; e && *e; e++)
		if (strv_extend(&p.env, *e) < 0)
			return fail(f, -ENOMEM, "bwrap", NULL);
	p.action = BWRAP_RUN;
	/* the new root first: an empty tmpfs, writable, as bwrap's */
	r = mountplan_add(&c->plan, MP_ROOT_TMPFS, MPF_COMPAT, 0755, NULL, "/");
	if (r < 0)
		return fail(f, r, "bwrap", NULL);
	r = parse_args(&p, argv + (argc > 0), f);
	if (r == 0 && p.rest && !c->argv) {
		for (char **s = p.rest; *s; s++)
			if ((r = strv_extend(&c->argv, *s)) < 0)
				break;
	}
	if (r == 0 && p.action == BWRAP_RUN)
		r = check_combinations(&p, f);
	if (r == 0 && p.action == BWRAP_RUN && p.seccomp_fd >= 0)
		r = read_program(p.seccomp_fd, c, f);
	if (r == 0) {
		apply_namespaces(&p);
		c->cap_add = p.caps;
		c->env = TAKE_PTR(p.env);
		c->cwd = TAKE_PTR(p.cwd);
	}
	strv_free(p.env);
	free(p.cwd);
	strv_free(p.overlay_src);
	*ret_action = p.action;
	return r;
}

/* HUTCH_BWRAP_HARDEN=seccomp,landlock,idmap: what bwrap lacks, asked for by whoever sets up
 * the environment (a distribution, a user) rather than by the command line. */
static int apply_harden(struct config *c, const char *list, struct failure *f)
{
	_cleanup_strv_free_ char **words = NULL;

	if (!list || !*list)
		return 0;
	if (strv_split_extend(&words, list, ',') < 0)
		return fail(f, -ENOMEM, "bwrap", NULL);
	for (char **w = words; *w; w++) {
		if (strcmp(*w, "seccomp") == 0)
			c->seccomp = SECCOMP_DEFAULT;
		else if (strcmp(*w, "landlock") == 0)
			c->landlock = LANDLOCK_AUTO;
		else if (strcmp(*w, "idmap") == 0) {
			c->idmap = c->idmap == IDMAP_SINGLE ? IDMAP_AUTO : c->idmap;
			c->idmap_ranges = true;
		} else
			return failx(f, "bwrap",
				     "HUTCH_BWRAP_HARDEN: unknown extra '%s' (seccomp, landlock, idmap)", *w);
	}
	return 0;
}

/* bwrap's ids: the caller's unless --uid/--gid. bwrap maps the caller to 0 while it sets up
 * a /dev (devpts needs root mapped), then runs the command in a nested user namespace with
 * the ids asked for; --disable-userns nests too. A joined user namespace (--userns) or one
 * whose maps another process writes (--userns-block-fd) gets no map from us, and no devpts
 * workaround. */
static void fill_ids(struct config *c, const struct bwrap_config *b)
{
	bool dev_root = b->dev_root && c->userns_fd < 0 && c->maps_block_fd < 0;

	c->uid = c->uid == (uid_t)-1 ? getuid() : c->uid;
	c->gid = c->gid == (gid_t)-1 ? getgid() : c->gid;
	c->idmap = c->userns_fd >= 0 || c->maps_block_fd >= 0 ? IDMAP_NONE : IDMAP_SINGLE;
	c->nest_userns = dev_root || b->disable_userns;
	c->nest_limit_userns = b->disable_userns;
	c->nest_uid = c->uid;
	c->nest_gid = c->gid;
	if (dev_root)
		c->uid = c->gid = 0;
}

/* What bwrap does where hutch's defaults differ: the plan and environment as parsed, $HOME
 * from the command's environment, the host name and the caller's core limit kept, $PWD set,
 * destinations through symlinks, the info JSON's layout, no session unless asked, no record,
 * no hutch filter, Landlock or Unix scope. */
static int fill_behaviour(struct config *c, struct failure *f)
{
	const char *home = strv_env_get(c->env, "HOME");

	if (!c->home && !(c->home = strdup(home && home[0] == '/' ? home : "/")))
		return fail(f, -ENOMEM, "bwrap", NULL);
	c->plan_given = c->env_given = true;
	c->keep_hostname = c->keep_core_limit = c->set_pwd = c->dest_symlinks = true;
	c->info_spaced = c->info_close = c->info_exit_if_run = true;
	c->no_record = true;
	c->inherit_fds = true;
	if (c->new_session == TRI_AUTO)
		c->new_session = TRI_NO;
	c->seccomp = SECCOMP_NONE;
	c->landlock = LANDLOCK_OFF;
	c->tier = TIER_FULL;
	c->plan.root_readonly = false;
	return egress_opt_unix_scope(c, "off", f);
}

int bwrap_fill(struct config *c, const struct bwrap_config *b, char **host_env, struct failure *f)
{
	int r;

	if (c->chdir && c->chdir[0] != '/') {
		char *abs = NULL;
		if (path_make_absolute(c->chdir, c->cwd ? c->cwd : "/", &abs) < 0)
			return fail(f, -ENOMEM, "bwrap", NULL);
		free(c->chdir);
		c->chdir = abs;
	}
	fill_ids(c, b);
	if ((r = fill_behaviour(c, f)) < 0)
		return r;
	return apply_harden(c, strv_env_get(host_env, "HUTCH_BWRAP_HARDEN"), f);
}

void bwrap_help(FILE *out, const char *argv0)
{
	fprintf(out, "usage: %s [OPTIONS...] [--] COMMAND [ARGS...]\n\n", argv0);
	for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
		char left[64];
		snprintf(left, sizeof(left), "%s%s%s", options[i].name, options[i].args ? " " : "",
			 options[i].args ? options[i].args : "");
		fprintf(out, "    %-28s %s\n", left, options[i].help);
	}
}
