/* The command-line front end (see cli.h): the option table, its parser and --help.
 * Launcher side, no privileges; fills struct config and nothing else.
 * Over 600 lines: the option table itself, one row per option (about 150), and the handlers only
 * it calls. */
#include "front/cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "command/confine.h"
#include "launcher/desktop/desktop.h"
#include "egress/egress.h"
#include "front/persist.h"
#include "launcher/report.h"
#include "launcher/state.h"
#include "lib/strv.h"
#include "workspace/workspace.h"

static int parse_id(const char *arg, const char *opt, unsigned *ret, struct failure *f)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v >= UINT_MAX)
		return failx(f, opt, "'%s' is not a valid id", arg);
	*ret = (unsigned)v;
	return 0;
}

/* Match arg against a table's space-separated values; returns the index or -EINVAL. */
static int parse_choice(const char *arg, const char *values, const char *opt, struct failure *f)
{
	int i = 0;

	for (const char *p = values; *p; i++) {
		size_t len = strcspn(p, " ");
		if (strlen(arg) == len && strncmp(arg, p, len) == 0)
			return i;
		p += len + (p[len] == ' ');
	}
	return failx(f, opt, "'%s' is not one of: %s", arg, values);
}

static int opt_uid(struct config *c, const char *arg, struct failure *f)
{
	return parse_id(arg, "--uid", &c->uid, f);
}

static int opt_gid(struct config *c, const char *arg, struct failure *f)
{
	return parse_id(arg, "--gid", &c->gid, f);
}

static int opt_idmap(struct config *c, const char *arg, struct failure *f)
{
	static const enum idmap_mode modes[] = { IDMAP_AUTO, IDMAP_SUBID, IDMAP_SINGLE };
	int i = parse_choice(arg, "auto subid single", "--idmap", f);

	if (i < 0)
		return i;
	c->idmap = modes[i];
	return 0;
}

#define SHARE_OPT(fn, bit)                                                  \
	static int fn(struct config *c, const char *arg, struct failure *f) \
	{                                                                   \
		c->share |= (bit);                                          \
		return 0;                                                   \
	}
static int opt_share_net(struct config *c, const char *arg, struct failure *f)
{
	c->share |= SHARE_NET;
	c->net = NET_HOST;
	return 0;
}

SHARE_OPT(opt_share_ipc, SHARE_IPC)
SHARE_OPT(opt_share_pid, SHARE_PID)
SHARE_OPT(opt_share_uts, SHARE_UTS)
SHARE_OPT(opt_share_cgroup, SHARE_CGROUP)

static int opt_hostname(struct config *c, const char *arg, struct failure *f)
{
	size_t len = strlen(arg);

	if (len == 0 || len > 64 ||
	    strspn(arg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			"0123456789-.") != len)
		return failx(f, "--hostname", "'%s' is not a valid host name", arg);
	free(c->hostname);
	c->hostname = strdup(arg);
	return c->hostname ? 0 : -ENOMEM;
}

static int set_bool(bool *b)
{
	*b = true;
	return 0;
}

static int opt_as_pid1(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->as_pid1);
}

static int opt_profile(struct config *c, const char *arg, struct failure *f)
{
	if (!*arg)
		return failx(f, "--profile", "expected a profile name or path");
	free(c->profile);
	c->profile = strdup(arg);
	return c->profile ? 0 : -ENOMEM;
}

static int opt_noprofile(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->noprofile);
}

static int opt_firejail_profile(struct config *c, const char *arg, struct failure *f)
{
	if (!*arg)
		return failx(f, "--firejail-profile", "expected the path of a firejail profile");
	free(c->firejail_profile);
	c->firejail_profile = strdup(arg);
	return c->firejail_profile ? 0 : -ENOMEM;
}

static int opt_firejail_profiles(struct config *c, const char *arg, struct failure *f)
{
	static const char *const modes[] = {
		[FJ_MODE_STRICT] = "strict", [FJ_MODE_LENIENT] = "lenient", [FJ_MODE_OFF] = "off"
	};

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (strcmp(arg, modes[i]) == 0) {
			c->firejail_mode = (int)i;
			return 0;
		}
	return failx(f, "--firejail-profiles", "'%s': expected strict, lenient or off", arg);
}

static int opt_no_firejail_profiles(struct config *c, const char *arg, struct failure *f)
{
	c->firejail_mode = FJ_MODE_OFF;
	return 0;
}

static int opt_verbose(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->verbose);
}

static int add_mount(struct config *c, enum mount_req_kind kind, char *src, char *dst)
{
	bool needs_src = kind != MREQ_TMPFS && kind != MREQ_DIR;
	struct mount_req *m = NULL;

	if (dst && (src || !needs_src))
		m = realloc(c->mounts, (c->n_mounts + 1) * sizeof(*m));
	if (!m) {
		free(src);
		free(dst);
		return -ENOMEM;
	}
	c->mounts = m;
	c->mounts[c->n_mounts++] = (struct mount_req){ .kind = kind, .src = src, .dst = dst };
	return 0;
}

/* SRC[:DST] — DST defaults to SRC. */
/* SRC[:DST]: DST is absolute, so the last ':' followed by '/' ends SRC, which may hold ':'
 * itself ("backup:2024", a URL-named directory); "SRC:" alone is an empty DST. */
static const char *bind_colon(const char *arg)
{
	const char *colon = NULL;

	for (const char *p = strchr(arg, ':'); p; p = strchr(p + 1, ':'))
		if (p[1] == '/' || p[1] == '\0')
			colon = p;
	return colon;
}

static int opt_bind_kind(struct config *c, const char *arg, enum mount_req_kind kind, bool try_,
			 const char *opt, struct failure *f)
{
	const char *colon = bind_colon(arg);
	char *src = colon ? strndup(arg, (size_t)(colon - arg)) : strdup(arg);
	int r;

	if (src && !*src) {
		free(src);
		return failx(f, opt, "'%s': empty source path", arg);
	}
	if (colon && !colon[1]) {
		free(src);
		return failx(f, opt, "'%s': empty destination path", arg);
	}
	r = add_mount(c, kind, src, strdup(colon ? colon + 1 : arg));
	if (r == 0)
		c->mounts[c->n_mounts - 1].try_ = try_;
	return r;
}

#define BIND_OPT(fn, kind, try_, name)                                      \
	static int fn(struct config *c, const char *arg, struct failure *f) \
	{                                                                   \
		return opt_bind_kind(c, arg, kind, try_, name, f);          \
	}
BIND_OPT(opt_bind, MREQ_BIND, false, "--bind")
BIND_OPT(opt_ro_bind, MREQ_RO_BIND, false, "--ro-bind")
BIND_OPT(opt_dev_bind, MREQ_DEV_BIND, false, "--dev-bind")
BIND_OPT(opt_bind_try, MREQ_BIND, true, "--bind-try")
BIND_OPT(opt_ro_bind_try, MREQ_RO_BIND, true, "--ro-bind-try")
BIND_OPT(opt_dev_bind_try, MREQ_DEV_BIND, true, "--dev-bind-try")

static int opt_tmpfs(struct config *c, const char *arg, struct failure *f)
{
	return add_mount(c, MREQ_TMPFS, NULL, strdup(arg));
}

static int opt_dir(struct config *c, const char *arg, struct failure *f)
{
	return add_mount(c, MREQ_DIR, NULL, strdup(arg));
}

static int opt_symlink(struct config *c, const char *arg, struct failure *f)
{
	const char *colon = strchr(arg, ':');

	if (!colon || colon == arg || !colon[1])
		return failx(f, "--symlink", "'%s': expected TARGET:LINK", arg);
	return add_mount(c, MREQ_SYMLINK, strndup(arg, (size_t)(colon - arg)), strdup(colon + 1));
}

static int opt_chdir(struct config *c, const char *arg, struct failure *f)
{
	free(c->chdir);
	c->chdir = strdup(arg);
	return c->chdir ? 0 : -ENOMEM;
}

static int add_env_op(struct config *c, enum env_op_kind kind, char *name, char *value)
{
	struct env_op *e = realloc(c->env_ops, (c->n_env_ops + 1) * sizeof(*e));

	if (e)
		c->env_ops = e;
	if (!e || !name || (kind == ENV_SET && !value)) {
		free(name);
		free(value);
		return -ENOMEM;
	}
	c->env_ops[c->n_env_ops++] = (struct env_op){ .kind = kind, .name = name, .value = value };
	return 0;
}

static int opt_setenv(struct config *c, const char *arg, struct failure *f)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return failx(f, "--setenv", "'%s': expected NAME=VALUE", arg);
	return add_env_op(c, ENV_SET, strndup(arg, (size_t)(eq - arg)), strdup(eq + 1));
}

static int opt_unsetenv(struct config *c, const char *arg, struct failure *f)
{
	if (!*arg || strchr(arg, '='))
		return failx(f, "--unsetenv", "'%s' is not a variable name", arg);
	return add_env_op(c, ENV_UNSET, strdup(arg), NULL);
}

static int opt_clearenv(struct config *c, const char *arg, struct failure *f)
{
	/* Edits given before --clearenv are void, as in env(1) -i. */
	for (size_t i = 0; i < c->n_env_ops; i++) {
		free(c->env_ops[i].name);
		free(c->env_ops[i].value);
	}
	c->n_env_ops = 0;
	return set_bool(&c->clearenv);
}

static int opt_keep_session_env(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->keep_session_env);
}

static int opt_cap_add(struct config *c, const char *arg, struct failure *f)
{
	uint64_t mask = 0;
	int r = caps_parse_list(arg, &mask, f);

	if (r < 0)
		return r;
	c->cap_add |= mask;
	return 0;
}

static int opt_seccomp(struct config *c, const char *arg, struct failure *f)
{
	free(c->seccomp_file);
	c->seccomp_file = NULL;
	if (strcmp(arg, "default") == 0)
		c->seccomp = SECCOMP_DEFAULT;
	else if (strcmp(arg, "none") == 0)
		c->seccomp = SECCOMP_NONE;
	else if (!*arg)
		return failx(f, "--seccomp", "expected default, none or a file");
	else {
		c->seccomp = SECCOMP_FILE;
		if (!(c->seccomp_file = strdup(arg)))
			return -ENOMEM;
	}
	return 0;
}

static int opt_socket_family(struct config *c, const char *arg, struct failure *f)
{
	const char *bad = NULL;
	uint64_t mask = 0;

	if (seccomp_family_parse(arg, &mask, &bad) < 0)
		return failx(f, "--socket-family",
			     "'%s': expected unix, inet, inet6, netlink, packet or "
			     "bluetooth",
			     bad);
	c->socket_families |= mask;
	return 0;
}

static int opt_seccomp_native_only(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->seccomp_native_only);
}

static int opt_mdwe(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->mdwe);
}

static int opt_seccomp_deny(struct config *c, const char *arg, struct failure *f)
{
	/* an empty item (",", "a,,b", "") is a mistake, not nothing to deny */
	if (!arg[0] || arg[0] == ',' || arg[strlen(arg) - 1] == ',' || strstr(arg, ",,"))
		return failx(f, "--seccomp-deny", "'%s': expected system call names separated by commas",
			     arg);
	return strv_split_extend(&c->seccomp_deny, arg, ',');
}

static int opt_allow_ptrace(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->allow_ptrace);
}

static int opt_allow_userns(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->allow_userns);
}

static int opt_keep_fd(struct config *c, const char *arg, struct failure *f)
{
	unsigned fd;
	int *v;

	if (parse_id(arg, "--keep-fd", &fd, f) < 0 || fd > INT_MAX)
		return failx(f, "--keep-fd", "'%s' is not a file descriptor number", arg);
	if (!(v = realloc(c->keep_fds, (c->n_keep_fds + 1) * sizeof(int))))
		return -ENOMEM;
	c->keep_fds = v;
	c->keep_fds[c->n_keep_fds++] = (int)fd;
	return 0;
}

static int opt_landlock(struct config *c, const char *arg, struct failure *f)
{
	static const enum landlock_mode modes[] = { LANDLOCK_AUTO, LANDLOCK_OFF, LANDLOCK_REQUIRE };
	int i = parse_choice(arg, "auto off require", "--landlock", f);

	if (i < 0)
		return i;
	c->landlock = modes[i];
	return 0;
}

static int opt_new_session(struct config *c, const char *arg, struct failure *f)
{
	static const enum tristate vals[] = { TRI_AUTO, TRI_YES, TRI_NO };
	int i = parse_choice(arg, "auto yes no", "--new-session", f);

	if (i < 0)
		return i;
	c->new_session = vals[i];
	return 0;
}

static int opt_net(struct config *c, const char *arg, struct failure *f)
{
	static const enum net_mode modes[] = { NET_NONE,  NET_HOST,	     NET_SLIRP,
					       NET_PASTA, NET_AUTO_USERMODE, NET_VETH };
	int i = parse_choice(arg, "none host slirp pasta auto-usermode veth", "--net", f);

	if (i < 0)
		return i;
	c->net = modes[i];
	if (c->net == NET_HOST)
		c->share |= SHARE_NET;
	else
		c->share &= ~SHARE_NET;
	return 0;
}

static int parse_port(const char *s, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || !(*end == '\0' || *end == ':' || *end == '/') || v == 0 || v > 65535)
		return -EINVAL;
	*ret = (unsigned)v;
	return (int)(end - s);
}

/* [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp]; an IPv6 HOSTIP goes in brackets. */
static int opt_port(struct config *c, const char *arg, struct failure *f)
{
	struct port_fwd p = { 0 };
	const char *rest = arg, *proto = strchr(arg, '/');
	int n;

	if (proto && strcmp(proto, "/tcp") != 0 && strcmp(proto, "/udp") != 0)
		return failx(f, "--port", "'%s': the protocol is tcp or udp", arg);
	p.udp = proto && strcmp(proto, "/udp") == 0;
	size_t colons = 0;
	for (const char *q = arg; *q && q != proto; q++)
		colons += *q == ':' && !(arg[0] == '[' && q < strchr(arg, ']'));
	if (colons == 2) {
		const char *ip_end = arg[0] == '[' ? strchr(arg, ']') : strchr(arg, ':');
		size_t len = arg[0] == '[' ? (size_t)(ip_end - arg - 1) : (size_t)(ip_end - arg);
		if (!ip_end || len == 0 || len >= sizeof(p.host_ip))
			return failx(f, "--port", "'%s': bad host address", arg);
		memcpy(p.host_ip, arg + (arg[0] == '['), len);
		rest = ip_end + (arg[0] == '[' ? 2 : 1);
	} else if (colons != 1)
		return failx(f, "--port", "'%s': expected [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp]", arg);
	if ((n = parse_port(rest, &p.host_port)) < 0 || rest[n] != ':' ||
	    parse_port(rest + n + 1, &p.sandbox_port) < 0)
		return failx(f, "--port", "'%s': ports are numbers from 1 to 65535", arg);
	struct port_fwd *v = realloc(c->ports, (c->n_ports + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->ports = v;
	c->ports[c->n_ports++] = p;
	return 0;
}

static int opt_allow_host_loopback(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->allow_host_loopback);
}

static int opt_ipv6(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->ipv6);
}

static int opt_bridge(struct config *c, const char *arg, struct failure *f)
{
	if (!*arg || strlen(arg) >= 16 || strchr(arg, '/'))
		return failx(f, "--bridge", "'%s' is not an interface name", arg);
	free(c->bridge);
	c->bridge = strdup(arg);
	return c->bridge ? 0 : -ENOMEM;
}

#define STATE_OPT(fn, name)                                                 \
	static int fn(struct config *c, const char *arg, struct failure *f) \
	{                                                                   \
		return state_parse_option(c, name, arg, f);                 \
	}
STATE_OPT(opt_name, "name")
STATE_OPT(opt_info_fd, "info-fd")
STATE_OPT(opt_json_status_fd, "json-status-fd")

#define DESKTOP_OPT(fn, name)                                               \
	static int fn(struct config *c, const char *arg, struct failure *f) \
	{                                                                   \
		return desktop_parse_option(c, name, arg, f);               \
	}
DESKTOP_OPT(opt_socket, "socket")
DESKTOP_OPT(opt_socket_try, "socket-try")
DESKTOP_OPT(opt_x11, "x11")

static int opt_gpu(struct config *c, const char *arg, struct failure *f)
{
	return desktop_parse_option(c, "gpu", arg, f);
}
DESKTOP_OPT(opt_device, "device")
DESKTOP_OPT(opt_dbus_user, "dbus-user")
DESKTOP_OPT(opt_dbus_system, "dbus-system")
DESKTOP_OPT(opt_dbus_user_talk, "dbus-user.talk")
DESKTOP_OPT(opt_dbus_user_own, "dbus-user.own")
DESKTOP_OPT(opt_dbus_user_see, "dbus-user.see")
DESKTOP_OPT(opt_dbus_system_talk, "dbus-system.talk")
DESKTOP_OPT(opt_dbus_system_own, "dbus-system.own")
DESKTOP_OPT(opt_dbus_system_see, "dbus-system.see")

#define LIMIT_OPT(fn, name)                                                 \
	static int fn(struct config *c, const char *arg, struct failure *f) \
	{                                                                   \
		return cgroup_parse_option(c, name, arg, f);                \
	}
LIMIT_OPT(opt_memory_max, "memory-max")
LIMIT_OPT(opt_memory_high, "memory-high")
LIMIT_OPT(opt_memory_swap_max, "memory-swap-max")
LIMIT_OPT(opt_cpu_max, "cpu-max")
LIMIT_OPT(opt_cpu_weight, "cpu-weight")
LIMIT_OPT(opt_pids_max, "pids-max")
LIMIT_OPT(opt_io_weight, "io-weight")
LIMIT_OPT(opt_allowed_cpus, "allowed-cpus")

#define RLIMIT_OPT(fn, name)                                                \
	static int fn(struct config *c, const char *arg, struct failure *f) \
	{                                                                   \
		return rlimit_parse_option(c, name, arg, f);                \
	}
RLIMIT_OPT(opt_rlimit_as, "rlimit-as")
RLIMIT_OPT(opt_rlimit_data, "rlimit-data")
RLIMIT_OPT(opt_rlimit_fsize, "rlimit-fsize")
RLIMIT_OPT(opt_rlimit_nofile, "rlimit-nofile")
RLIMIT_OPT(opt_rlimit_nproc, "rlimit-nproc")
RLIMIT_OPT(opt_rlimit_cpu, "rlimit-cpu")
RLIMIT_OPT(opt_rlimit_core, "rlimit-core")
RLIMIT_OPT(opt_timeout, "timeout")
RLIMIT_OPT(opt_cpu_time, "cpu-time")

static int opt_limits(struct config *c, const char *arg, struct failure *f)
{
	static const enum cgroup_mode modes[] = { CGROUP_STRICT, CGROUP_BEST_EFFORT };
	int i = parse_choice(arg, "strict best-effort", "--limits", f);

	if (i < 0)
		return i;
	c->cgroup_mode = modes[i];
	return 0;
}

/* --stats, --stats=text, --stats=json */
static int opt_stats(struct config *c, const char *arg, struct failure *f)
{
	int i = arg ? parse_choice(arg, "text json", "--stats", f) : 0;

	if (i < 0)
		return i;
	c->stats_json = i == 1;
	return set_bool(&c->stats);
}

static int opt_tier(struct config *c, const char *arg, struct failure *f)
{
	static const enum tier tiers[] = { TIER_AUTO, TIER_FULL, TIER_RESTRICTED };
	int i = parse_choice(arg, "auto full restricted", "--tier", f);

	if (i < 0)
		return i;
	c->tier = tiers[i];
	return 0;
}

static int opt_accept_weaker(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->accept_weaker);
}

static int set_str(char **dst, const char *arg, const char *opt, struct failure *f)
{
	if (!*arg)
		return failx(f, opt, "expected a path");
	free(*dst);
	*dst = strdup(arg);
	return *dst ? 0 : -ENOMEM;
}

static int opt_rootfs(struct config *c, const char *arg, struct failure *f)
{
	return set_str(&c->rootfs, arg, "--rootfs", f);
}

static int opt_persist(struct config *c, const char *arg, struct failure *f)
{
	return set_str(&c->persist, arg, "--persist", f);
}

static int opt_rootfs_bind(struct config *c, const char *arg, struct failure *f)
{
	return set_str(&c->rootfs_bind, arg, "--rootfs-bind", f);
}

static int opt_layers(struct config *c, const char *arg, struct failure *f)
{
	if (!*arg || strstr(arg, "::") || arg[0] == ':' || arg[strlen(arg) - 1] == ':')
		return failx(f, "--layers", "'%s': expected DIR[:DIR...]", arg);
	return strv_split_extend(&c->layers, arg, ':');
}

static int opt_rw(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->rootfs_rw);
}

static int opt_overlay_driver(struct config *c, const char *arg, struct failure *f)
{
	static const enum overlay_driver drivers[] = { OVERLAY_AUTO, OVERLAY_KERNEL, OVERLAY_FUSE };
	int i = parse_choice(arg, "auto kernel fuse", "--overlay-driver", f);

	if (i < 0)
		return i;
	c->overlay_driver = drivers[i];
	return 0;
}

static int opt_home(struct config *c, const char *arg, struct failure *f)
{
	static const enum home_mode modes[] = { HOME_HOST, HOME_PRIVATE, HOME_RO };
	int i = parse_choice(arg, "host private ro", "--home", f);

	if (i < 0)
		return i;
	c->home_mode = modes[i];
	return 0;
}

static int add_path(struct config *c, char ***v, const char *arg, const char *opt, struct failure *f)
{
	if (!*arg)
		return failx(f, opt, "expected a path");
	return strv_add(v, strdup(arg), &c->path_tail);
}

static int opt_whitelist(struct config *c, const char *arg, struct failure *f)
{
	return add_path(c, &c->whitelist, arg, "--whitelist", f);
}

static int opt_read_only(struct config *c, const char *arg, struct failure *f)
{
	return add_path(c, &c->read_only, arg, "--read-only", f);
}

static int opt_whitelist_try(struct config *c, const char *arg, struct failure *f)
{
	return add_path(c, &c->whitelist_try, arg, "--whitelist-try", f);
}

static int opt_read_only_try(struct config *c, const char *arg, struct failure *f)
{
	return add_path(c, &c->read_only_try, arg, "--read-only-try", f);
}

static int opt_blacklist(struct config *c, const char *arg, struct failure *f)
{
	return add_path(c, &c->blacklist, arg, "--blacklist", f);
}

static int opt_noexec(struct config *c, const char *arg, struct failure *f)
{
	return add_path(c, &c->noexec, arg, "--noexec", f);
}

static int opt_mkdir(struct config *c, const char *arg, struct failure *f)
{
	return add_path(c, &c->mkdirs, arg, "--mkdir", f);
}

static int opt_private_tmp(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->private_tmp);
}

/* A new random id (systemd's format: 32 lower-case hex digits and a newline), as firejail's
 * machine-id gives each sandbox. */
static int opt_machine_id(struct config *c, const char *arg, struct failure *f)
{
	unsigned char id[16];
	char *text = malloc(sizeof(id) * 2 + 2);

	if (!text)
		return -ENOMEM;
	if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id)) {
		free(text);
		return fail(f, -EIO, "--machine-id", "getrandom");
	}
	for (size_t i = 0; i < sizeof(id); i++)
		snprintf(text + 2 * i, 3, "%02x", id[i]);
	strcpy(text + 2 * sizeof(id), "\n");
	free(c->machine_id);
	c->machine_id = text;
	return 0;
}

static int opt_private_cache(struct config *c, const char *arg, struct failure *f)
{
	return set_bool(&c->private_cache);
}

/* FILE,FILE,...: names inside /etc, no '/' at the start and no '..'. */
static int opt_private_etc(struct config *c, const char *arg, struct failure *f)
{
	_cleanup_strv_free_ char **v = NULL;
	int r = strv_split_extend(&v, arg, ',');

	if (r < 0)
		return r;
	for (char **e = v; e && *e; e++)
		if ((*e)[0] == '/' || strstr(*e, ".."))
			return failx(f, "--private-etc", "'%s': expected names inside /etc", *e);
	for (char **e = v; e && *e; e++)
		if ((r = strv_extend(&c->private_etc, *e)) < 0)
			return r;
	if (!c->private_etc && (r = strv_consume(&c->private_etc, calloc(1, 1))) < 0)
		return r; /* "--private-etc ''": an empty /etc */
	return 0;
}

const struct cli_option cli_options[] = {
	{ "help", 'h', CLI_NOARG, NULL, NULL, "show this help and exit", NULL, CLI_ONLY },
	{ "version", 0, CLI_NOARG, NULL, NULL, "show the version and exit", NULL, CLI_ONLY },
	{ "dump-options", 0, CLI_NOARG, NULL, NULL, "print the option table (for tools)", NULL,
	  CLI_ONLY | CLI_HIDDEN },
	{ "verbose", 'v', CLI_NOARG, NULL, NULL, "say which back-ends ran and why", opt_verbose, CLI_ONLY },
	{ "profile", 0, CLI_ARG, "NAME|PATH", NULL,
	  "use this profile (default: the command's name, else default)", opt_profile, CLI_ONLY },
	{ "noprofile", 0, CLI_NOARG, NULL, NULL, "use no profile, only the built-in defaults", opt_noprofile,
	  CLI_ONLY },
	{ "firejail-profile", 0, CLI_ARG, "PATH", NULL, "translate and use this firejail profile",
	  opt_firejail_profile, CLI_ONLY },
	{ "firejail-profiles", 0, CLI_ARG, "MODE", "strict lenient off",
	  "firejail's profiles for apps without a hutch profile: a bad one is an error, is skipped, or none",
	  opt_firejail_profiles, CLI_ONLY },
	{ "no-firejail-profiles", 0, CLI_NOARG, NULL, NULL, "never read firejail's profiles",
	  opt_no_firejail_profiles, CLI_ONLY },
	{ "name", 0, CLI_ARG, "NAME", NULL, "the sandbox's name, for list, join and stop", opt_name,
	  CLI_ONLY },
	{ "info-fd", 0, CLI_ARG, "FD", NULL, "write the child pid and namespace ids as JSON to FD",
	  opt_info_fd, CLI_ONLY },
	{ "json-status-fd", 0, CLI_ARG, "FD", NULL, "the same JSON, then the exit code, to FD",
	  opt_json_status_fd, CLI_ONLY },
	{ "uid", 0, CLI_ARG, "N", NULL, "user id inside (default: your own; 0 for a fake root)", opt_uid, 0 },
	{ "gid", 0, CLI_ARG, "N", NULL, "group id inside (default: your own)", opt_gid, 0 },
	{ "idmap", 0, CLI_ARG, "MODE", "auto subid single",
	  "id maps: subordinate ranges via newuidmap/newgidmap, or only your own id", opt_idmap, 0 },
	{ "share-net", 0, CLI_NOARG, NULL, NULL, "keep the host's network namespace", opt_share_net, 0 },
	{ "net", 0, CLI_ARG, "MODE", "none host slirp pasta auto-usermode veth",
	  "network: none (only lo), host, user-mode (slirp, pasta), or veth on a bridge", opt_net, 0 },
	{ "port", 0, CLI_ARG, "[IP:]HOST:SANDBOX[/udp]", NULL,
	  "forward a host port into the sandbox (slirp, pasta)", opt_port, 0 },
	{ "allow-host-loopback", 0, CLI_NOARG, NULL, NULL,
	  "let user-mode networking reach the host's loopback", opt_allow_host_loopback, 0 },
	{ "ipv6", 0, CLI_NOARG, NULL, NULL, "IPv6 for user-mode networking", opt_ipv6, 0 },
	{ "bridge", 0, CLI_ARG, "NAME", NULL, "the bridge for --net veth (allowed in /etc/hutch/veth.conf)",
	  opt_bridge, 0 },
	{ "allow-domain", 0, CLI_ARG, "NAME|*.SUFFIX", NULL,
	  "only these names resolve, only their addresses are reached (implies user-mode networking)",
	  egress_opt_allow_domain, 0 },
	{ "deny-lan", 0, CLI_NOARG, NULL, NULL, "refuse private, link-local and CGNAT addresses and the host",
	  egress_opt_deny_lan, 0 },
	{ "allow-host-port", 0, CLI_ARG, "PORT[/udp]", NULL,
	  "let the sandbox reach this one port of the host (slirp, pasta)", egress_opt_allow_host_port, 0 },
	{ "allow-udp", 0, CLI_NOARG, NULL, NULL, "let UDP reach allowed addresses (not only DNS)",
	  egress_opt_allow_udp, 0 },
	{ "via", 0, CLI_ARG, "URL", NULL,
	  "all TCP through an upstream proxy: socks5h://, socks5:// or http://", egress_opt_via, 0 },
	{ "unix-scope", 0, CLI_NOARG, NULL, NULL,
	  "keep abstract Unix sockets and signals inside (=require: fail without; =off)",
	  egress_opt_unix_scope, CLI_OPTVALUE },
	{ "allow-unix", 0, CLI_ARG, "PATH", NULL, "bind this host Unix socket at the same place",
	  egress_opt_allow_unix, 0 },
	{ "dns-upstream", 0, CLI_ARG, "IP[:PORT]", NULL, "where the egress resolver forwards allowed names",
	  egress_opt_dns_upstream, 0 },
	{ "share-ipc", 0, CLI_NOARG, NULL, NULL, "keep the host's ipc namespace", opt_share_ipc, 0 },
	{ "share-pid", 0, CLI_NOARG, NULL, NULL, "keep the host's pid namespace", opt_share_pid, 0 },
	{ "share-uts", 0, CLI_NOARG, NULL, NULL, "keep the host's uts namespace (host name)", opt_share_uts,
	  0 },
	{ "share-cgroup", 0, CLI_NOARG, NULL, NULL, "keep the host's cgroup namespace", opt_share_cgroup, 0 },
	{ "hostname", 0, CLI_ARG, "NAME", NULL, "host name inside (default: hutch)", opt_hostname, 0 },
	{ "as-pid-1", 0, CLI_NOARG, NULL, NULL, "run the command itself as pid 1 (no init)", opt_as_pid1, 0 },
	{ "bind", 0, CLI_ARG, "SRC[:DST]", NULL, "bind a host path read-write", opt_bind, 0 },
	{ "ro-bind", 0, CLI_ARG, "SRC[:DST]", NULL, "bind a host path read-only", opt_ro_bind, 0 },
	{ "dev-bind", 0, CLI_ARG, "SRC[:DST]", NULL, "bind a host path with its devices usable", opt_dev_bind,
	  0 },
	{ "bind-try", 0, CLI_ARG, "SRC[:DST]", NULL,
	  "bind a host path read-write; skipped when SRC is missing", opt_bind_try, 0 },
	{ "ro-bind-try", 0, CLI_ARG, "SRC[:DST]", NULL,
	  "bind a host path read-only; skipped when SRC is missing", opt_ro_bind_try, 0 },
	{ "dev-bind-try", 0, CLI_ARG, "SRC[:DST]", NULL,
	  "bind with devices usable; skipped when SRC is missing", opt_dev_bind_try, 0 },
	{ "tmpfs", 0, CLI_ARG, "DST", NULL, "mount an empty tmpfs", opt_tmpfs, 0 },
	{ "dir", 0, CLI_ARG, "DST", NULL, "create an empty directory", opt_dir, 0 },
	{ "symlink", 0, CLI_ARG, "TARGET:LINK", NULL, "create a symbolic link", opt_symlink, 0 },
	{ "rootfs", 0, CLI_ARG, "DIR", NULL, "run on a copy-on-write overlay of the root file system in DIR",
	  opt_rootfs, 0 },
	{ "persist", 0, CLI_ARG, "UPPER", NULL, "keep the overlay's writes in UPPER (work dir: UPPER.work)",
	  opt_persist, 0 },
	{ "layers", 0, CLI_ARG, "DIR[:DIR...]", NULL, "read-only overlay layers, lowest first", opt_layers,
	  0 },
	{ "rootfs-bind", 0, CLI_ARG, "DIR", NULL, "use DIR itself as the root, without overlay",
	  opt_rootfs_bind, 0 },
	{ "rw", 0, CLI_NOARG, NULL, NULL, "make --rootfs-bind writable", opt_rw, 0 },
	{ "overlay-driver", 0, CLI_ARG, "DRIVER", "auto kernel fuse",
	  "overlay implementation: the kernel's, fuse-overlayfs, or auto", opt_overlay_driver, 0 },
	{ "home", 0, CLI_ARG, "MODE", "host private ro", "home directory: private (empty), host, or ro",
	  opt_home, 0 },
	{ "whitelist", 0, CLI_ARG, "PATH", NULL, "show this host path read-write at the same place",
	  opt_whitelist, 0 },
	{ "read-only", 0, CLI_ARG, "PATH", NULL, "show this host path read-only at the same place",
	  opt_read_only, 0 },
	{ "whitelist-try", 0, CLI_ARG, "PATH", NULL, "show a host path read-write; skipped when missing",
	  opt_whitelist_try, 0 },
	{ "read-only-try", 0, CLI_ARG, "PATH", NULL, "show a host path read-only; skipped when missing",
	  opt_read_only_try, 0 },
	{ "blacklist", 0, CLI_ARG, "PATH", NULL, "hide this path (also through symlinks to it)",
	  opt_blacklist, 0 },
	{ "noexec", 0, CLI_ARG, "PATH", NULL, "nothing under this path may be executed", opt_noexec, 0 },
	{ "private-tmp", 0, CLI_NOARG, NULL, NULL, "an empty /tmp even where the root provides one",
	  opt_private_tmp, 0 },
	{ "machine-id", 0, CLI_NOARG, NULL, NULL, "a random /etc/machine-id instead of the host's",
	  opt_machine_id, 0 },
	{ "private-cache", 0, CLI_NOARG, NULL, NULL, "an empty ~/.cache, even under a whitelist of the home",
	  opt_private_cache, 0 },
	{ "private-etc", 0, CLI_ARG, "FILES", NULL, "only these entries of the host's /etc (comma list)",
	  opt_private_etc, 0 },
	{ "private-bin", 0, CLI_ARG, "PROGS", NULL,
	  "only these programs in /usr/bin, /usr/sbin... (comma list, as firejail's)", private_bin_opt, 0 },
	{ "mkdir", 0, CLI_ARG, "PATH", NULL,
	  "create this directory on the host first (home, /tmp, runtime dir)", opt_mkdir, 0 },
	{ "allow-persist", 0, CLI_ARG, "PATH", NULL,
	  "let the sandbox write this persistence point (~/.bashrc, a .git/hooks...)", persist_opt_allow, 0 },
	{ "workspace", 0, CLI_ARG, "DIR[:DST]", NULL,
	  "work on a copy-on-write view of DIR, kept for hutch changes, apply or discard",
	  workspace_opt_workspace, 0 },
	{ "workspace-mode", 0, CLI_ARG, "MODE", "overlay direct",
	  "workspaces as overlays under review, or direct read-write binds", workspace_opt_mode, 0 },
	{ "mask", 0, CLI_ARG, "GLOB", NULL,
	  "show matching paths as empty read-only files or dirs (** allowed)", workspace_opt_mask, 0 },
	{ "protect", 0, CLI_ARG, "RELPATH", NULL, "keep this path of each workspace read-only",
	  workspace_opt_protect, 0 },
	{ "unprotect", 0, CLI_ARG, "RELPATH", NULL, "let the sandbox write this protected workspace path",
	  workspace_opt_unprotect, 0 },
	{ "workdir", 0, CLI_ARG, "MODE", "allow error empty",
	  "when the working directory holds the home: show it, stop, or start in an empty one", workdir_opt,
	  0 },
	{ "chdir", 0, CLI_ARG, "DIR", NULL, "working directory inside (default: / or home)", opt_chdir, 0 },
	{ "setenv", 0, CLI_ARG, "NAME=VALUE", NULL, "set an environment variable", opt_setenv, 0 },
	{ "unsetenv", 0, CLI_ARG, "NAME", NULL, "remove an environment variable", opt_unsetenv, 0 },
	{ "clearenv", 0, CLI_NOARG, NULL, NULL, "start from an empty environment", opt_clearenv, 0 },
	{ "keep-session-env", 0, CLI_NOARG, NULL, NULL,
	  "keep SSH_AUTH_SOCK, DBUS_SESSION_BUS_ADDRESS and other session variables", opt_keep_session_env,
	  0 },
	{ "socket", 0, CLI_ARG, "KIND", "wayland x11 pulseaudio pipewire",
	  "pass the display or sound server's socket (X11 gives no isolation)", opt_socket, 0 },
	{ "socket-try", 0, CLI_ARG, "KIND", "wayland x11 pulseaudio pipewire",
	  "pass that socket when the host has it (for profiles)", opt_socket_try, 0 },
	{ "x11", 0, CLI_ARG, "MODE", "auto required",
	  "auto: X11 only where there is no Wayland; required: X11 for an X-only app", opt_x11, 0 },
	{ "gpu", 0, CLI_NOARG, NULL, NULL, "pass the GPU: /dev/dri, its sysfs device, NVIDIA's nodes",
	  opt_gpu, 0 },
	{ "device", 0, CLI_ARG, "KIND", "dri snd video", "pass a device group: dri (GPU), snd, video",
	  opt_device, 0 },
	{ "dbus-user", 0, CLI_ARG, "MODE", "none filter",
	  "the session bus: none, or through a filtering proxy", opt_dbus_user, 0 },
	{ "dbus-user.talk", 0, CLI_ARG, "NAME", NULL, "the proxy lets the sandbox talk to NAME",
	  opt_dbus_user_talk, 0 },
	{ "dbus-user.own", 0, CLI_ARG, "NAME", NULL, "the proxy lets the sandbox own NAME", opt_dbus_user_own,
	  0 },
	{ "dbus-user.see", 0, CLI_ARG, "NAME", NULL, "the proxy lets the sandbox see NAME", opt_dbus_user_see,
	  0 },
	{ "dbus-system", 0, CLI_ARG, "MODE", "none filter",
	  "the system bus: none, or through a filtering proxy", opt_dbus_system, 0 },
	{ "dbus-system.talk", 0, CLI_ARG, "NAME", NULL, "on the system bus, talk to NAME",
	  opt_dbus_system_talk, 0 },
	{ "dbus-system.own", 0, CLI_ARG, "NAME", NULL, "on the system bus, own NAME", opt_dbus_system_own,
	  0 },
	{ "dbus-system.see", 0, CLI_ARG, "NAME", NULL, "on the system bus, see NAME", opt_dbus_system_see,
	  0 },
	{ "memory-max", 0, CLI_ARG, "SIZE", NULL, "memory limit (512M, 2G; the OOM killer acts above it)",
	  opt_memory_max, 0 },
	{ "memory-high", 0, CLI_ARG, "SIZE", NULL, "memory level above which the sandbox is throttled",
	  opt_memory_high, 0 },
	{ "memory-swap-max", 0, CLI_ARG, "SIZE", NULL, "swap limit", opt_memory_swap_max, 0 },
	{ "cpu-max", 0, CLI_ARG, "PERCENT", NULL, "CPU time limit (50%: half a CPU; 200%: two)", opt_cpu_max,
	  0 },
	{ "cpu-weight", 0, CLI_ARG, "N", NULL, "CPU weight, 1 to 10000 (default 100)", opt_cpu_weight, 0 },
	{ "pids-max", 0, CLI_ARG, "N", NULL, "limit on processes and threads", opt_pids_max, 0 },
	{ "io-weight", 0, CLI_ARG, "N", NULL, "I/O weight, 1 to 10000 (default 100)", opt_io_weight, 0 },
	{ "allowed-cpus", 0, CLI_ARG, "LIST", NULL, "CPUs the sandbox may run on (0-1,3)", opt_allowed_cpus,
	  0 },
	{ "limits", 0, CLI_ARG, "MODE", "strict best-effort",
	  "a limit that cannot be enforced is an error (strict), or a warning (best-effort)", opt_limits, 0 },
	{ "stats", 0, CLI_NOARG, NULL, NULL, "print CPU time, wall time and peak memory at exit (=json)",
	  opt_stats, CLI_OPTVALUE },
	{ "rlimit-as", 0, CLI_ARG, "SIZE", NULL, "address space of each process (rlimit)", opt_rlimit_as, 0 },
	{ "rlimit-data", 0, CLI_ARG, "SIZE", NULL, "data segment and heap of each process (rlimit)",
	  opt_rlimit_data, 0 },
	{ "rlimit-fsize", 0, CLI_ARG, "SIZE", NULL, "largest file a process may write (rlimit)",
	  opt_rlimit_fsize, 0 },
	{ "rlimit-nofile", 0, CLI_ARG, "N", NULL, "open files of each process (rlimit)", opt_rlimit_nofile,
	  0 },
	{ "rlimit-nproc", 0, CLI_ARG, "N", NULL, "processes of each uid inside (rlimit)", opt_rlimit_nproc,
	  0 },
	{ "rlimit-cpu", 0, CLI_ARG, "DURATION", NULL,
	  "CPU time of each process (rlimit; SIGXCPU, then SIGKILL)", opt_rlimit_cpu, 0 },
	{ "rlimit-core", 0, CLI_ARG, "SIZE", NULL, "core dump size (rlimit; by default a soft 0: none)",
	  opt_rlimit_core, 0 },
	{ "timeout", 0, CLI_ARG, "DURATION", NULL,
	  "end the sandbox after this wall-clock time (SIGTERM, SIGKILL 2s later; exit 124)", opt_timeout,
	  0 },
	{ "cpu-time", 0, CLI_ARG, "DURATION", NULL,
	  "end the sandbox once all its processes used this much CPU time (needs a cgroup; exit 124)",
	  opt_cpu_time, 0 },
	{ "tier", 0, CLI_ARG, "TIER", "auto full restricted",
	  "namespaces (full), Landlock and seccomp only (restricted), or full when possible", opt_tier, 0 },
	{ "accept-weaker", 0, CLI_NOARG, NULL, NULL,
	  "run in the restricted tier what it cannot fully confine", opt_accept_weaker, 0 },
	{ "cap-add", 0, CLI_ARG, "CAPS", NULL, "keep these capabilities (comma list, or ALL)", opt_cap_add,
	  0 },
	{ "seccomp", 0, CLI_ARG, "MODE", "default none", "system call filter: default, none, or a rule FILE",
	  opt_seccomp, 0 },
	{ "seccomp-deny", 0, CLI_ARG, "NAMES", NULL, "also deny these system calls (comma list)",
	  opt_seccomp_deny, 0 },
	{ "socket-family", 0, CLI_ARG, "FAMILIES", NULL,
	  "only these socket families (unix,inet,inet6,netlink,packet,bluetooth)", opt_socket_family, 0 },
	{ "seccomp-native-only", 0, CLI_NOARG, NULL, NULL, "refuse 32-bit and x32 system calls",
	  opt_seccomp_native_only, 0 },
	{ "memory-deny-write-execute", 0, CLI_NOARG, NULL, NULL, "no memory both writable and executable",
	  opt_mdwe, 0 },
	{ "allow-ptrace", 0, CLI_NOARG, NULL, NULL, "permit ptrace (debuggers) inside", opt_allow_ptrace, 0 },
	{ "allow-userns", 0, CLI_NOARG, NULL, NULL, "permit new user namespaces inside", opt_allow_userns,
	  0 },
	{ "keep-fd", 0, CLI_ARG, "N", NULL, "pass file descriptor N to the command", opt_keep_fd, 0 },
	{ "landlock", 0, CLI_ARG, "MODE", "auto off require",
	  "Landlock write restriction to the writable paths", opt_landlock, 0 },
	{ "new-session", 0, CLI_ARG, "WHEN", "auto yes no",
	  "setsid() the command (auto: unless stdin is a terminal)", opt_new_session, 0 },
	{ "report", 0, CLI_ARG, "FILE|full", NULL,
	  "write each denial as a JSON line to FILE; full: file operations too", report_option, 0 },
};
const size_t cli_n_options = sizeof(cli_options) / sizeof(cli_options[0]);

const struct cli_option *cli_find(const char *name, size_t len)
{
	/* the first letter first: a profile's every directive comes through here */
	for (size_t i = 0; i < cli_n_options; i++)
		if (len > 0 && cli_options[i].name[0] == name[0] &&
		    strncmp(cli_options[i].name, name, len) == 0 && cli_options[i].name[len] == '\0')
			return &cli_options[i];
	return NULL;
}

static const struct cli_option *cli_find_short(char s)
{
	for (size_t i = 0; i < cli_n_options; i++)
		if (cli_options[i].short_name && cli_options[i].short_name == s)
			return &cli_options[i];
	return NULL;
}

/* One option at argv[*i]; advances *i past its argument. */
static int cli_parse_one(char **argv, int argc, int *i, struct config *c, enum cli_action *action,
			 struct failure *f)
{
	const char *a = argv[*i], *eq = NULL, *val = NULL;
	const struct cli_option *o;

	if (a[1] == '-') {
		eq = strchr(a + 2, '=');
		o = cli_find(a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
	} else
		o = a[2] ? NULL : cli_find_short(a[1]);
	if (!o)
		return failx(f, "usage", "unknown option '%s' (see hutch --help)", a);
	if (o->arg == CLI_NOARG && eq && !(o->flags & CLI_OPTVALUE))
		return failx(f, "usage", "option '--%s' takes no argument", o->name);
	if (o->arg == CLI_NOARG && eq)
		val = eq + 1;
	if (o->arg == CLI_ARG) {
		if (eq)
			val = eq + 1;
		else if (*i + 1 < argc)
			val = argv[++*i];
		else
			return failx(f, "usage", "option '%s' needs an argument %s", a, o->metavar);
	}
	if (strcmp(o->name, "help") == 0)
		*action = CLI_HELP;
	else if (strcmp(o->name, "dump-options") == 0)
		*action = CLI_DUMP_OPTIONS;
	else if (strcmp(o->name, "version") == 0)
		*action = CLI_VERSION;
	else {
		int r = o->apply(c, val, f);
		if (r == -ENOMEM)
			return fail(f, r, "usage", "--%s", o->name);
		if (r < 0)
			return r;
	}
	return 0;
}

int cli_parse(int argc, char **argv, struct config *c, enum cli_action *ret_action, struct failure *f)
{
	enum cli_action action = CLI_RUN;
	int i = 1;

	for (; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (a[0] != '-' || a[1] == '\0')
			break;
		int r = cli_parse_one(argv, argc, &i, c, &action, f);
		if (r < 0)
			return r;
		if (action != CLI_RUN)
			break;
	}
	if (action == CLI_RUN && i < argc && strv_extend_n(&c->argv, argv + i, (size_t)(argc - i)) < 0)
		return fail(f, -ENOMEM, "usage", NULL);
	*ret_action = action;
	return 0;
}

void cli_help(FILE *out, const char *argv0)
{
	fprintf(out,
		"usage: %s [OPTIONS] [--] COMMAND [ARGS...]\n\n"
		"Run COMMAND in a rootless sandbox: new user, mount, pid, ipc, uts, net and cgroup\n"
		"namespaces on a minimal read-only root, with no capabilities and a seccomp filter.\n\n"
		"Options:\n",
		argv0);
	for (size_t i = 0; i < cli_n_options; i++) {
		const struct cli_option *o = &cli_options[i];
		char left[64];
		if (o->flags & CLI_HIDDEN)
			continue;
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name,
				 o->metavar ? " " : "", o->metavar ? o->metavar : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->name, o->metavar ? " " : "",
				 o->metavar ? o->metavar : "");
		fprintf(out, "  %-32s %s\n", left, o->help);
	}
	fprintf(out, "\nExit status: the command's; 125 when hutch itself fails, 126 when the command\n"
		     "cannot be executed, 127 when it is not found.\n");
}

void cli_dump_options(FILE *out)
{
	for (size_t i = 0; i < cli_n_options; i++) {
		const struct cli_option *o = &cli_options[i];
		if (o->flags & CLI_HIDDEN)
			continue;
		fprintf(out, "%s\t%c\t%s\t%s\t%s\t%s\t%s\n", o->name, o->short_name ? o->short_name : '-',
			o->arg == CLI_ARG ? "arg" : "noarg", o->metavar ? o->metavar : "-",
			o->values ? o->values : "-", (o->flags & CLI_ONLY) ? "no" : "yes", o->help);
	}
}
