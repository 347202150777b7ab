/* The config struct: defaults, caller identity, validation, and the derived plan and
 * environment. Launcher side, the caller's own privileges; nothing after config_finish()
 * reads argv, the environment or a global. */
#include "front/config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "command/confine.h"
#include "launcher/desktop/desktop.h"
#include "egress/egress.h"
#include "launcher/report.h"
#include "front/env.h"
#include "launcher/net/net.h"
#include "launcher/state.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "front/persist.h"
#include "lib/strv.h"
#include "workspace/workspace.h"

void config_init(struct config *c)
{
	*c = (struct config){
		.idmap = IDMAP_AUTO,
		.seccomp = SECCOMP_DEFAULT,
		.landlock = LANDLOCK_AUTO,
		.new_session = TRI_AUTO,
		.uid = (uid_t)-1,
		.gid = (gid_t)-1,
		.info_fd = -1,
		.json_status_fd = -1,
		.userns_fd = -1,
		.pidns_fd = -1,
		.mntns_fd = -1,
		.maps_block_fd = -1,
		.userns2_fd = -1,
		.block_fd = -1,
		.proc_fd = -1,
		.firejail_mode = -1,
		.start_ready_fd = -1,
		.start_gate_fd = -1,
		.console_fd = -1,
	};
	cgroup_limits_init(&c->limits);
	rlimit_config_init(&c->rlimits);
}

void config_free(struct config *c)
{
	strv_free(c->argv);
	strv_free(c->net_sysctl);
	strv_free(c->noexec);
	free(c->firejail_profile);
	free(c->argv0);
	free(c->apparmor_profile);
	free(c->user);
	free(c->home);
	free(c->home_scratch);
	free(c->search_path);
	free(c->hostname);
	free(c->hosts);
	for (size_t i = 0; i < c->n_mounts; i++) {
		free(c->mounts[i].src);
		free(c->mounts[i].dst);
	}
	free(c->mounts);
	free(c->chdir);
	for (size_t i = 0; i < c->n_env_ops; i++) {
		free(c->env_ops[i].name);
		free(c->env_ops[i].value);
	}
	free(c->env_ops);
	free(c->seccomp_file);
	strv_free(c->seccomp_deny);
	free(c->keep_fds);
	for (size_t i = 0; c->plan_trees && i < c->plan.n; i++)
		safe_close(c->plan_trees[i]);
	free(c->plan_trees);
	free(c->groups);
	free(c->uid_lines);
	free(c->gid_lines);
	mountplan_input_free(&c->plan_input);
	mountplan_free(&c->plan);
	strv_free(c->env);
	free(c->cwd);
	free(c->profile);
	free(c->profile_path);
	desktop_free(c);
	egress_free(c);
	report_config_free(c->report);
	workspace_free(c);
	free(c->name);
	strv_free(c->launch_argv);
	cgroup_limits_free(&c->limits);
	free(c->ports);
	free(c->bridge);
	free(c->rootfs);
	strv_free(c->layers);
	free(c->persist);
	free(c->rootfs_bind);
	strv_free(c->whitelist);
	strv_free(c->read_only);
	strv_free(c->whitelist_try);
	strv_free(c->read_only_try);
	strv_free(c->blacklist);
	strv_free(c->private_etc);
	strv_free(c->private_bin);
	free(c->machine_id);
	private_bin_free(&c->private_bin_set);
	strv_free(c->mkdirs);
	strv_free(c->lock_files);
	for (size_t i = 0; i < c->n_extra_filters; i++)
		bpf_program_free(&c->extra_filters[i]);
	free(c->extra_filters);
	free(c->exact_rlimits);
	safe_close(c->proc_fd);
	strv_free(c->allow_persist);
	strv_free(c->persist_points);
	free(c->runtime_dir);
	config_init(c);
}

/* The front end gave the home, and no id map needs the login name for /etc/subuid. */
static bool config_identity_given(const struct config *c)
{
	return c->home && (c->idmap == IDMAP_SINGLE || c->idmap == IDMAP_NONE);
}

/* Who is calling: uid, gid, login name and home. $HOME wins over the passwd entry, as for
 * any program the user runs; the name is only used to match /etc/subuid lines. */
static int config_fill_identity(struct config *c, char **host_env, struct failure *f)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	const char *home = NULL, *env_home = strv_env_get(host_env, "HOME");
	/* the profiles' environment read the entry already (c->user), and the home is known */
	bool known = c->user && (c->home || (env_home && env_home[0] == '/'));

	c->host_uid = getuid();
	c->host_gid = getgid();
	/* A home the front end gave stays; the passwd entry is read only when needed. */
	if (!known && !config_identity_given(c) &&
	    getpwuid_r(c->host_uid, &pw, buf, sizeof(buf), &res) == 0 && res) {
		free(c->user);
		c->user = strdup(pw.pw_name);
		home = pw.pw_dir;
	} else if (!c->user && asprintf(&c->user, "%u", c->host_uid) < 0)
		c->user = NULL;
	for (char **e = host_env; e && *e; e++) {
		if (strncmp(*e, "HOME=", 5) == 0 && (*e)[5] == '/' && !c->home)
			home = *e + 5;
		if (strncmp(*e, "PATH=", 5) == 0 && !c->search_path)
			c->search_path = strdup(*e + 5);
		if (strncmp(*e, "XDG_RUNTIME_DIR=", 16) == 0 && (*e)[16] == '/' && !c->runtime_dir)
			c->runtime_dir = strdup(*e + 16);
	}
	if (!c->search_path)
		c->search_path = strdup("/usr/local/bin:/usr/bin:/bin");
	if (!c->home && (c->home = strdup(home ? home : "/")))
		path_normalize(c->home);
	if (!c->user || !c->home || !c->search_path)
		return fail(f, -ENOMEM, "config", NULL);
	if (c->uid == (uid_t)-1)
		c->uid = c->host_uid;
	if (c->gid == (gid_t)-1)
		c->gid = c->host_gid;
	return 0;
}

/* Bind sources relative to the caller's cwd become absolute; destinations must be absolute. */
static int config_check_mounts(struct config *c, struct failure *f)
{
	char cwd[4096];

	for (size_t i = 0; i < c->n_mounts; i++) {
		struct mount_req *m = &c->mounts[i];
		const char *d = m->dst;
		if (m->src && m->kind != MREQ_SYMLINK && m->src[0] != '/') {
			char *abs = NULL;
			if (!getcwd(cwd, sizeof(cwd)))
				return fail(f, negative_errno(), "getcwd", NULL);
			if (path_make_absolute(m->src, cwd, &abs) < 0)
				return fail(f, -ENOMEM, "mount", NULL);
			if (strcmp(m->src, m->dst) == 0) { /* SRC alone: the same path inside */
				free(m->dst);
				if (!(m->dst = strdup(abs))) {
					free(abs);
					return fail(f, -ENOMEM, "mount", NULL);
				}
				d = m->dst;
			}
			free(m->src);
			m->src = abs;
		}
		if (d[0] != '/')
			return fail(f, -EINVAL, "mount", "%s: destination must be an absolute path", d);
		if (path_has_dotdot(d))
			return fail(f, -EINVAL, "mount", "%s: destination must not contain '..'", d);
		path_normalize(c->mounts[i].dst);
		if (strcmp(c->mounts[i].dst, "/") == 0)
			return fail(f, -EINVAL, "mount", "/: cannot mount over the sandbox root");
	}
	return 0;
}

static int expand_one(const struct config *c, char **p, const char *opt, struct failure *f)
{
	char *out = NULL;
	int r;

	if (!*p)
		return 0;
	r = path_expand(*p, c->home, c->runtime_dir, c->host_uid, c->cwd, &out);
	if (r == -ENXIO)
		return failx(f, opt, "%s: XDG_RUNTIME_DIR is not set", *p);
	if (r < 0)
		return failx(f, opt, "%s: unknown macro or bad path", *p);
	free(*p);
	*p = out;
	return 0;
}

static int expand_all(const struct config *c, char **v, const char *opt, struct failure *f)
{
	for (; v && *v; v++) {
		int r = expand_one(c, v, opt, f);
		if (r < 0)
			return r;
	}
	return 0;
}

static int config_expand_paths(struct config *c, struct failure *f)
{
	int r = expand_one(c, &c->rootfs, "--rootfs", f);

	if (r == 0)
		r = expand_one(c, &c->persist, "--persist", f);
	if (r == 0)
		r = expand_one(c, &c->rootfs_bind, "--rootfs-bind", f);
	if (r == 0)
		r = expand_all(c, c->layers, "--layers", f);
	if (r == 0)
		r = expand_all(c, c->whitelist, "--whitelist", f);
	if (r == 0)
		r = expand_all(c, c->read_only, "--read-only", f);
	if (r == 0)
		r = expand_all(c, c->whitelist_try, "--whitelist-try", f);
	if (r == 0)
		r = expand_all(c, c->read_only_try, "--read-only-try", f);
	if (r == 0)
		r = expand_all(c, c->blacklist, "--blacklist", f);
	if (r == 0)
		r = expand_all(c, c->mkdirs, "--mkdir", f);
	if (r == 0)
		r = expand_all(c, c->allow_persist, "--allow-persist", f);
	return r;
}

/* A hidden path is hidden at its real place too, so that a symlink to it shows nothing. Most
 * of the default list is missing in a given home: one access() tells that, where realpath()
 * reads every component's link first (issue 27: a third of the start's system calls). */
static int config_resolve_blacklist(struct config *c, struct failure *f)
{
	size_t n = strv_length(c->blacklist);

	for (size_t i = 0; i < n; i++) {
		char *real = access(c->blacklist[i], F_OK) == 0 ? realpath(c->blacklist[i], NULL) : NULL;
		if (real && strcmp(real, c->blacklist[i]) != 0) {
			if (strv_consume(&c->blacklist, real) < 0)
				return fail(f, -ENOMEM, "--blacklist", NULL);
		} else
			free(real);
	}
	return 0;
}

/* overlayfs refuses an upper inside a lower (or the reverse) with a bare EINVAL; say it. */
static int check_upper_apart(const char *persist, const char *lower, struct failure *f)
{
	_cleanup_free_ char *upper = lower ? realpath(persist, NULL) : NULL;
	_cleanup_free_ char *low = lower ? realpath(lower, NULL) : NULL;
	const char *u = upper ? upper : persist, *l = low ? low : lower;

	if (l && (path_is_beneath(u, l) || path_is_beneath(l, u)))
		return failx(f, "--persist",
			     "%s: the upper layer must not be inside a lower layer (%s) or contain it",
			     persist, lower);
	return 0;
}

static int config_check_image(struct config *c, struct failure *f)
{
	bool image = c->rootfs || c->layers;

	if (image && c->rootfs_bind)
		return failx(f, "--rootfs-bind", "cannot be combined with --rootfs or --layers");
	if (c->persist && !image)
		return failx(f, "--persist", "needs --rootfs or --layers");
	if (c->rootfs_rw && !c->rootfs_bind)
		return failx(f, "--rw", "only applies to --rootfs-bind");
	if (c->overlay_driver != OVERLAY_AUTO && !image && !workspace_uses_overlay(c))
		return failx(f, "--overlay-driver", "only applies to --rootfs, --layers and --workspace");
	if (c->private_etc && (image || c->rootfs_bind))
		return failx(f, "--private-etc",
			     "applies to the host view, not to --rootfs or --rootfs-bind");
	if (c->machine_id && (image || c->rootfs_bind))
		return failx(f, "--machine-id", "applies to the host view, not to --rootfs or --rootfs-bind");
	if (!c->persist)
		return 0;
	if (strcmp(c->persist, "/") == 0)
		return failx(f, "--persist", "/: not a place for an upper layer");
	int r = check_upper_apart(c->persist, c->rootfs, f);
	for (char **l = c->layers; r == 0 && l && *l; l++)
		r = check_upper_apart(c->persist, *l, f);
	return r;
}

/* The whole host root rw (or ro) at / would undo the sandbox's file-system view. */
static int check_not_root(char **v, const char *opt, struct failure *f)
{
	for (; v && *v; v++)
		if (strcmp(*v, "/") == 0)
			return failx(
			    f, opt,
			    "/: the whole root cannot be passed; name the paths (or use --rootfs-bind)");
	return 0;
}

static int config_check_mkdirs(struct config *c, struct failure *f)
{
	int r = check_not_root(c->whitelist, "--whitelist", f);

	if (r == 0)
		r = check_not_root(c->read_only, "--read-only", f);
	if (r == 0)
		r = check_not_root(c->whitelist_try, "--whitelist-try", f);
	if (r == 0)
		r = check_not_root(c->read_only_try, "--read-only-try", f);
	if (r < 0)
		return r;
	for (char **d = c->mkdirs; d && *d; d++)
		if (path_has_dotdot(*d) || !(path_is_beneath(*d, c->home) || path_is_beneath(*d, "/tmp") ||
					     (c->runtime_dir && path_is_beneath(*d, c->runtime_dir))))
			return failx(f, "--mkdir",
				     "%s: only paths under your home, /tmp or $XDG_RUNTIME_DIR are created",
				     *d);
	return 0;
}

/* auto-usermode is decided here (the plan's resolv.conf depends on it); options that only a
 * user-mode back-end or veth can honour are refused with the others. */
static int config_check_net(struct config *c, struct failure *f)
{
	if (c->net == NET_AUTO_USERMODE) {
		char *pasta = path_find_executable("pasta", c->search_path);
		c->net = pasta ? NET_PASTA : NET_SLIRP;
		free(pasta);
	}
	bool usermode = c->net == NET_SLIRP || c->net == NET_PASTA;
	if (c->n_ports > 0 && !usermode)
		return failx(f, "--port", "needs --net slirp or --net pasta");
	if (c->allow_host_loopback && !usermode)
		return failx(f, "--allow-host-loopback", "needs --net slirp or --net pasta");
	if (c->ipv6 && !usermode)
		return failx(f, "--ipv6", "needs --net slirp or --net pasta");
	if (c->bridge && c->net != NET_VETH)
		return failx(f, "--bridge", "needs --net veth");
	if (c->net == NET_VETH && !c->bridge)
		return failx(f, "--net", "veth needs --bridge NAME");
	return net_validate(c, f);
}

/* Whether a line of hosts(5) text names NAME (an alias counts; comments do not). */
static bool hosts_names(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		size_t len = strcspn(l, "#\n");
		for (const char *t = l + strcspn(l, " \t"); t < l + len;) {
			t += strspn(t, " \t");
			size_t w = strcspn(t, " \t#\n");
			if (w == n && strncasecmp(t, name, n) == 0)
				return true;
			t += w ? w : 1;
		}
	}
	return false;
}

/* The sandbox's own host name resolves as the host's does (claws-mail, sudo and Java look it
 * up, and complain or wait on DNS when it does not): where the sandbox's /etc/hosts is the
 * host's and does not name it, a copy of it with a line for it. */
static int config_hosts(struct config *c, struct failure *f)
{
	_cleanup_close_ int fd = -1;
	char text[65536];
	ssize_t n;
	size_t len = 0;
	bool host_etc = !c->rootfs && !c->layers && !c->rootfs_bind && !c->private_etc;

	if (!c->hostname || !host_etc || (fd = open("/etc/hosts", O_RDONLY | O_CLOEXEC)) < 0)
		return 0; /* an image's or --private-etc's /etc is left as it is */
	while (len < sizeof(text) - 1 && (n = read(fd, text + len, sizeof(text) - 1 - len)) > 0)
		len += n;
	text[len] = '\0';
	if (len == sizeof(text) - 1 || strlen(text) != len || hosts_names(text, c->hostname))
		return 0; /* too big or not text: as it is */
	if (asprintf(&c->hosts, "%s%s127.0.1.1\t%s\n", text, len && text[len - 1] != '\n' ? "\n" : "",
		     c->hostname) < 0)
		return fail(f, -ENOMEM, "hostname", NULL);
	return 0;
}

/* The features add their mounts here, once each has finished; mountplan_build only places
 * them (the plan calls no feature). */
static int config_plan_input(struct config *c, struct failure *f)
{
	struct mountplan_input *in = &c->plan_input;
	int r;

	in->resolv_conf = egress_resolv_conf(c) ? egress_resolv_conf(c) : net_resolv_conf(c);
	in->cgroup = (cgroup_limits_any(&c->limits) || c->stats) && !(c->share & SHARE_CGROUP);
	if ((r = private_bin_plan(c, &in->private_bin)) < 0)
		return fail(f, r, "--private-bin", NULL);
	if ((r = desktop_plan(c, &in->desktop, f)) < 0 || (r = workspace_plan(c, &in->workspace, f)) < 0)
		return r;
	return workspace_plan_last(c, &in->workspace, f);
}

/* hutch's plan: the default view, the features' mounts (the desktop's sockets, the
 * workspace), then the persistence guards. */
static int config_build_plan(struct config *c, char **host_env, struct failure *f)
{
	int r = desktop_finish(c, host_env, f);

	if (r == 0)
		r = config_plan_input(c, f);
	if (r == 0)
		r = mountplan_build(c, &c->plan, f);
	if (r == 0)
		r = persist_plan(c, host_env, f);
	return r;
}

/* A plan the front end gave still gets what a feature asked of it: the egress resolver's
 * resolv.conf over the image's (as config_plan_input gives it to hutch's own plan). */
static int config_given_plan(struct config *c, struct failure *f)
{
	const char *resolv = egress_resolv_conf(c);
	int r;

	if (resolv && (r = mountplan_add(&c->plan, MP_FILE, 0, 0644, resolv, "/etc/resolv.conf")) < 0)
		return fail(f, r, "config", "/etc/resolv.conf");
	return 0;
}

/* The nested user namespace's maps are written by pid 1 through the host's /proc, which it
 * no longer sees after pivot_root: opened here, where the launcher still does. */
static int config_open_proc(struct config *c, struct failure *f)
{
	if (!c->nest_userns || c->proc_fd >= 0)
		return 0;
	c->proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return c->proc_fd < 0 ? fail(f, negative_errno(), "config", "cannot open /proc") : 0;
}

/* A workspace's trees keep the persistence points read-only (workspace.c: protect_points):
 * the list is made for them here, for hutch's own plan only, as its guards are (persist.h:
 * the list is made only when something reads it). */
static int config_workspace(struct config *c, char **host_env, struct failure *f)
{
	bool points = !c->plan_given && c->workspace && c->workspace->n_trees > 0;

	if (points && persist_points_ensure(c, host_env) < 0)
		return fail(f, -ENOMEM, "persistence points", NULL);
	return workspace_finish(c, host_env, f);
}

int config_finish(struct config *c, char **host_env, struct failure *f)
{
	int r;

	if (strv_length(c->argv) == 0 || !c->argv[0][0])
		return failx(f, "usage", "no command given (hutch [OPTIONS] [--] COMMAND [ARGS...])");
	r = config_fill_identity(c, host_env, f);
	if (r < 0)
		return r;
	if (!c->cwd)
		c->cwd = getcwd(NULL, 0); /* NULL (deleted cwd) just means: start at home */
	if (!c->hostname && !(c->share & SHARE_UTS) && !c->keep_hostname && !(c->hostname = strdup("hutch")))
		return fail(f, -ENOMEM, "config", NULL);
	if (c->hostname && (c->share & SHARE_UTS))
		return fail(f, -EINVAL, "hostname",
			    "--hostname needs a new uts namespace (drop --share-uts)");
	if ((r = config_hosts(c, f)) < 0)
		return r;
	r = config_check_mounts(c, f);
	if (r < 0)
		return r;
	if (c->chdir && c->chdir[0] != '/')
		return fail(f, -EINVAL, "chdir", "%s: must be an absolute path", c->chdir);
	if ((r = egress_finish(c, f)) < 0 || (r = config_check_net(c, f)) < 0 ||
	    (r = config_expand_paths(c, f)) < 0 || (r = workdir_finish(c, f)) < 0 ||
	    (r = config_check_image(c, f)) < 0 || (r = config_check_mkdirs(c, f)) < 0 ||
	    (r = config_resolve_blacklist(c, f)) < 0 || (r = private_bin_finish(c, f)) < 0)
		return r;
	/* the persistence points only guard hutch's own plan */
	if ((!c->no_record && (r = state_validate(c, f)) < 0) ||
	    (!c->plan_given && (r = persist_finish(c, host_env, f)) < 0) ||
	    (r = config_workspace(c, host_env, f)) < 0)
		return r;
	c->setsid_command =
	    c->new_session == TRI_YES || (c->new_session == TRI_AUTO && !isatty(STDIN_FILENO));
	if ((r = config_open_proc(c, f)) < 0)
		return r;
	r = c->plan_given ? config_given_plan(c, f) : config_build_plan(c, host_env, f);
	if (r < 0)
		return r;
	if (c->env_given)
		return 0;
	if ((r = env_build(c, host_env, &c->env, f)) < 0)
		return r;
	return desktop_env(c, &c->env, f);
}
