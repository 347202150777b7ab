/* firejail's directives mapped onto hutch's, one table row each. firejail starts from the
 * host's root and hides (blacklist) or narrows (whitelist) it; hutch starts from its own
 * narrow view (read-only system, empty private home, no network, no devices, no capabilities,
 * its seccomp filter). So: blacklists become hutch blacklists (masks over whatever is
 * visible), home whitelists become visible paths, read-only applies to what a whitelist shows,
 * and what firejail takes away that hutch never gave (caps, devices, groups) needs no line.
 * What firejail gives by default and a profile does not take away (the network, the display
 * and sound sockets, the GPU) is added at the end, as firejail would have it. Launcher side,
 * the caller's own privileges; it only builds strings (and globs the host's paths, as firejail
 * does at start).
 * Over 600 lines: one table row per firejail directive, and the directives'
 * handlers beside it. */
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "front/firejail/fj-int.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"

typedef int (*fj_handler)(struct fj_state *s, const struct fj_src *src, const char *arg);

/* A row runs its handler, or (run NULL) only notes the line as kind, for why. */
struct fj_directive {
	const char *name;
	fj_handler run;
	enum fj_note_kind kind;
	const char *why;
};

/* ---- helpers ------------------------------------------------------------------------------ */

static bool under_any(const char *path, char **dirs)
{
	for (char **d = dirs; d && *d; d++)
		if (path_is_beneath(path, *d))
			return true;
	return false;
}

static bool matches_any(const char *path, const char *pattern, char **pats)
{
	for (char **p = pats; p && *p; p++)
		if (strcmp(*p, pattern) == 0 || fnmatch(*p, path, FNM_PATHNAME) == 0)
			return true;
	return false;
}

static int expand(struct fj_state *s, const struct fj_src *src, const char *arg, char ***ret)
{
	const char *bad;
	int r = fj_expand(s, arg, ret, &bad);

	if (r == -EINVAL)
		return fj_error(s, src, "unknown macro in '%s'", bad);
	if (r == 0 && (!**ret || (*ret)[0][0] != '/'))
		return fj_error(s, src, "expected an absolute path (or ${HOME}/..., ~/...)");
	return r;
}

/* A glob as firejail does it at start: the host's matches; a plain path is itself. */
static int each_match(const char *pattern, char ***ret)
{
	glob_t g;
	int r = 0;

	if (!fj_has_glob(pattern))
		return strv_extend(ret, pattern);
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; r == 0 && i < g.gl_pathc; i++)
		r = strv_extend(ret, g.gl_pathv[i]);
	globfree(&g);
	return r;
}

/* ---- blacklist and whitelist -------------------------------------------------------------- */

static int do_noblacklist(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	int r = expand(s, src, arg, &w);

	for (char **p = w; r == 0 && *p; p++)
		r = strv_extend(&s->noblack, *p);
	return r;
}

static int do_nowhitelist(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	int r = expand(s, src, arg, &w);

	for (char **p = w; r == 0 && *p; p++)
		r = strv_extend(&s->nowhite, *p);
	return r;
}

static int do_blacklist(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	int r = expand(s, src, arg, &w);

	for (char **p = w; r == 0 && *p; p++) {
		_cleanup_strv_free_ char **m = NULL;
		if (matches_any(*p, *p, s->noblack))
			continue;
		r = each_match(*p, &m);
		for (char **x = m; r == 0 && x && *x; x++)
			if (!matches_any(*x, *p, s->noblack))
				r = fj_emit(s, "blacklist", *x);
	}
	return r;
}

/* Sockets in the runtime directory are hutch's socket choices; the session bus is the D-Bus
 * directives' business. */
static int white_runtime(struct fj_state *s, const char *path, const char *rt, bool ro)
{
	const char *rel = path + strlen(rt) + 1;

	if (strncmp(rel, "wayland-", 8) == 0)
		return s->no_x11 ? 0 : fj_emit(s, "socket-try", "wayland");
	if (strncmp(rel, "pulse", 5) == 0)
		return fj_emit(s, "socket-try", "pulseaudio");
	if (strncmp(rel, "pipewire-", 9) == 0)
		return fj_emit(s, "socket-try", "pipewire");
	if (strcmp(rel, "bus") == 0 || strncmp(rel, "at-spi", 6) == 0)
		return 0;
	return fj_emit(s, ro ? "read-only-try" : "whitelist-try", path);
}

static int white_one(struct fj_state *s, const char *path, bool ro)
{
	char rt[64];

	snprintf(rt, sizeof(rt), "/run/user/%u", (unsigned)s->env->uid);
	if (path_is_beneath(path, "/tmp/.X11-unix"))
		return s->no_x11 ? 0 : fj_emit(s, "socket-try", "x11");
	if (path_is_beneath(path, rt) && strcmp(path, rt) != 0)
		return white_runtime(s, path, rt, ro);
	/* under /usr: shown on the tmpfs usr_top() put over its directory */
	if (path_is_beneath(path, "/usr"))
		return strcmp(path, "/usr") == 0 ? 0 : fj_emit(s, "ro-bind-try", path);
	if (strcmp(path, s->env->home) == 0)
		return 0;
	if (path_is_beneath(path, s->env->home) && strv_extend(&s->home_white, path) < 0)
		return -ENOMEM;
	return fj_emit(s, ro ? "read-only-try" : "whitelist-try", path);
}

/* A whitelist under /usr/X makes /usr/X an empty tmpfs showing only what is whitelisted in
 * it, even when nothing matches (firejail 0.9.72 does so for /usr/share, /usr/libexec...). The
 * tmpfs comes before the binds: both are mounts in profile order. */
/* dir becomes an empty tmpfs, once, before the entries bound on it (both are mounts, kept in
 * profile order). */
static int tmpfs_once(struct fj_state *s, const char *dir)
{
	int r;

	if (matches_any(dir, dir, s->tmpfs_dirs))
		return 0;
	if ((r = strv_extend(&s->tmpfs_dirs, dir)) < 0)
		return r;
	return fj_emit(s, "tmpfs", dir);
}

static int usr_top(struct fj_state *s, const char *path)
{
	_cleanup_free_ char *top = NULL;
	size_t n = strlen(path), i = strlen("/usr/");

	if (!path_is_beneath(path, "/usr") || path_is_beneath(path, s->env->home) || n <= i)
		return 0;
	while (i < n && path[i] != '/') /* /usr/TOP: its first component */
		i++;
	if (!(top = strndup(path, i)))
		return -ENOMEM;
	return tmpfs_once(s, top);
}

static int whitelist(struct fj_state *s, const struct fj_src *src, const char *arg, bool ro)
{
	_cleanup_strv_free_ char **w = NULL;
	int r = expand(s, src, arg, &w);

	for (char **p = w; r == 0 && *p; p++) {
		_cleanup_strv_free_ char **m = NULL;
		if (matches_any(*p, *p, s->nowhite))
			continue;
		if ((r = usr_top(s, *p)) < 0)
			return r;
		r = each_match(*p, &m);
		for (char **x = m; r == 0 && x && *x; x++)
			if (!matches_any(*x, *p, s->nowhite))
				r = white_one(s, *x, ro);
	}
	return r;
}

static int do_whitelist(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return whitelist(s, src, arg, false);
}

static int do_whitelist_ro(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return whitelist(s, src, arg, true);
}

static int do_read_only(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	int r = expand(s, src, arg, &w);

	for (char **p = w; r == 0 && *p; p++)
		r = strv_extend(&s->read_only, *p);
	return r;
}

static int do_read_write(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	int r = expand(s, src, arg, &w);

	for (char **p = w; r == 0 && *p; p++)
		if (!under_any(*p, s->home_white))
			return fj_note(s, src, FJ_APPROX,
				       "stays read-only: hutch makes only whitelisted "
				       "home paths writable");
	return r;
}

static int do_noexec(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	int r = expand(s, src, arg, &w);

	for (char **p = w; r == 0 && *p; p++)
		r = fj_emit(s, "noexec", *p);
	return r;
}

static int do_mkdir(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	char rt[64];
	int r = expand(s, src, arg, &w);

	snprintf(rt, sizeof(rt), "/run/user/%u", (unsigned)s->env->uid);
	for (char **p = w; r == 0 && *p; p++) {
		if (path_is_beneath(*p, s->env->home) || path_is_beneath(*p, rt) ||
		    path_is_beneath(*p, "/tmp"))
			r = fj_emit(s, "mkdir", *p);
		else
			r = fj_note(s, src, FJ_DROPPED,
				    "hutch creates directories only in the home, "
				    "/tmp and the runtime directory");
	}
	return r;
}

/* ---- everything else ---------------------------------------------------------------------- */

/* firejail's "take away" that hutch never gives: no line, no note. */
static int do_default(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return 0;
}

static int do_flag(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	const char *d = src->text;

	s->no_sound |= strcmp(d, "nosound") == 0;
	s->no_3d |= strcmp(d, "no3d") == 0;
	s->no_video |= strcmp(d, "novideo") == 0;
	return 0;
}

/* KEY yes in firejail.config. firejail reads only the system's (/etc/firejail, the last
 * directory profiles are looked up in), never one in ~/.config/firejail. */
static bool config_says_yes(const struct fj_state *s, const char *key)
{
	size_t n_dirs = strv_length(s->search), n = strlen(key);
	_cleanup_free_ char *path = NULL;
	char line[512];
	bool yes = false;
	FILE *in;

	if (!n_dirs || asprintf(&path, "%s/firejail.config", s->search[n_dirs - 1]) < 0)
		return false;
	if (!(in = fopen(path, "re")))
		return false;
	while (fgets(line, sizeof(line), in))
		if (strncmp(line, key, n) == 0 && (line[n] == ' ' || line[n] == '\t'))
			yes = strncmp(line + n + strspn(line + n, " \t"), "yes", 3) == 0;
	fclose(in);
	return yes;
}

/* firejail applies private-lib only where its firejail.config enables it (Debian's does not);
 * hutch has no counterpart, so there it is weaker. */
static int do_private_lib(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	if (config_says_yes(s, "private-lib"))
		return fj_note(s, src, FJ_WEAKER,
			       "this host's firejail.config enables private-lib: firejail narrows /usr/lib "
			       "to what the programs need, hutch shows all of it read-only");
	return fj_note(s, src, FJ_DROPPED,
		       "firejail's firejail.config disables private-lib (`private-lib no`, Debian's "
		       "default): firejail ignores the line too, with a warning");
}

/* private-opt NAME,...: firejail shows only these entries of /opt (none: an empty /opt). */
static int do_private_opt(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **names = NULL;
	int r = strv_split_extend(&names, arg, ',');

	for (char **n = names; r == 0 && n && *n; n++)
		if (strchr(*n, '/') || strcmp(*n, "..") == 0 || strcmp(*n, ".") == 0)
			return fj_error(s, src, "'%s': expected names inside /opt", *n);
	if (r == 0)
		r = tmpfs_once(s, "/opt");
	for (char **n = names; r == 0 && n && *n; n++) {
		_cleanup_free_ char *path = NULL;
		if (strcmp(*n, "none") == 0)
			continue;
		r = asprintf(&path, "/opt/%s", *n) < 0 ? -ENOMEM : fj_emit(s, "ro-bind-try", path);
	}
	return r;
}

static int do_private(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **w = NULL;
	_cleanup_free_ char *spec = NULL;
	int r;

	s->private_home = true;
	if (!*arg)
		return 0; /* hutch's home is an empty one already */
	if ((r = expand(s, src, arg, &w)) < 0)
		return r;
	if (asprintf(&spec, "%s:%s", w[0], s->env->home) < 0)
		return -ENOMEM;
	r = fj_emit(s, "bind", spec);
	return r == 0 ? strv_extend(&s->home_white, s->env->home) : r;
}

static int do_net(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	if (strcmp(arg, "none") == 0) {
		s->net_none = true;
		return fj_emit(s, "net", "none");
	}
	return fj_note(s, src, FJ_APPROX,
		       "a network device of its own is not hutch's: the host's "
		       "network instead, as firejail without `net`");
}

static int do_x11(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	if (strcmp(arg, "none") == 0) {
		s->no_x11 = true;
		return 0;
	}
	return fj_note(s, src, FJ_APPROX,
		       "no nested X server: the host's X11 socket where there is "
		       "one (socket-try x11)");
}

static int do_protocol(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	s->has_protocol = true;
	s->protocol_inet = strstr(arg, "inet") != NULL;
	return fj_emit(s, "socket-family", arg);
}

/* The system call groups firejail's seccomp lists may name (systemd's names for them), as
 * lists of calls; a name this libseccomp does not know is left out, as hutch's own table does. */
static const struct {
	const char *name;
	const char *calls;
} groups[] = {
	{ "@clock",
	  "adjtimex,clock_adjtime,clock_adjtime64,clock_settime,clock_settime64,settimeofday,stime" },
	{ "@cpu-emulation", "modify_ldt,subpage_prot,switch_endian,vm86,vm86old" },
	{ "@module", "delete_module,finit_module,init_module" },
	{ "@obsolete", "_sysctl,afs_syscall,bdflush,break,create_module,ftime,get_kernel_syms,getpmsg,gtty,"
		       "idle,lock,mpx,prof,profil,putpmsg,query_module,security,sgetmask,ssetmask,stty,"
		       "sysfs,tuxcall,ulimit,uselib,ustat,vserver" },
	{ "@reboot", "kexec_file_load,kexec_load,reboot" },
	{ "@resources", "ioprio_set,mbind,migrate_pages,move_pages,nice,sched_setaffinity,sched_setattr,"
			"sched_setparam,sched_setscheduler,set_mempolicy,setpriority,setrlimit" },
	{ "@swap", "swapoff,swapon" },
	{ "@raw-io", "ioperm,iopl,pciconfig_iobase,pciconfig_read,pciconfig_write,s390_pci_mmio_read,"
		     "s390_pci_mmio_write" },
};

static int deny_group(struct fj_state *s, const struct fj_src *src, const char *name)
{
	_cleanup_strv_free_ char **calls = NULL;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (strcmp(groups[i].name, name) == 0 &&
		    (r = strv_split_extend(&calls, groups[i].calls, ',')) < 0)
			return r;
	if (!calls)
		return fj_note(s, src, FJ_WEAKER, "system call group %s has no counterpart in hutch's filter",
			       name);
	for (char **c = calls; r == 0 && *c; c++)
		if (seccomp_syscall_resolve_name(*c) != __NR_SCMP_ERROR)
			r = fj_emit(s, "seccomp-deny", *c);
	return r;
}

static int do_seccomp(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **v = NULL;
	int r = strv_split_extend(&v, arg, ',');

	for (char **n = v; r == 0 && n && *n; n++) {
		if ((*n)[0] == '!')
			r = fj_note(s, src, FJ_APPROX,
				    "hutch's filter stays whole: %s is not let through "
				    "where hutch refuses it",
				    *n + 1);
		else if ((*n)[0] == '@')
			r = deny_group(s, src, *n);
		else
			r = fj_emit(s, "seccomp-deny", *n);
	}
	return r;
}

static int do_same(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	size_t n = strcspn(src->text, " \t");
	_cleanup_free_ char *d = strndup(src->text, n);

	return d ? fj_emit(s, d, *arg ? arg : NULL) : -ENOMEM;
}

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* The bus a filter would serve, as hutch's proxy finds it: the address's path, else the usual
 * socket; an abstract or other unix: address is taken as there. */
static bool bus_present(const struct fj_state *s, bool user)
{
	const char *addr =
	    strv_env_get(s->host_env, user ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
	char path[4096];

	if (addr && strncmp(addr, "unix:path=", 10) == 0) {
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(addr + 10, ","), addr + 10);
		return is_socket(path);
	}
	if (addr && *addr)
		return true;
	if (user)
		snprintf(path, sizeof(path), "%s/bus", s->env->runtime_dir);
	return is_socket(user ? path : "/run/dbus/system_bus_socket");
}

/* dbus-user and dbus-system: the same words; a filter with no bus on this host (a session
 * without D-Bus, a headless machine) is no bus, where hutch's proxy would refuse to start. */
static int do_dbus(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	bool user = strncmp(src->text, "dbus-user", 9) == 0;
	int r;

	if (strcmp(arg, "filter") != 0 || bus_present(s, user))
		return do_same(s, src, arg);
	r = fj_emit(s, user ? "dbus-user" : "dbus-system", "none");
	return r < 0 ? r
		     : fj_note(s, src, FJ_APPROX, "no %s bus on this host: none (narrower)",
			       user ? "session" : "system");
}

static int do_dbus_drop(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return fj_note(s, src, FJ_DROPPED,
		       "hutch's proxy has no per-call rule: the name is not "
		       "reachable (narrower)");
}

static int do_rename(struct fj_state *s, const struct fj_src *src, const char *arg, const char *to)
{
	return fj_emit(s, to, *arg ? arg : NULL);
}

static int do_env(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return do_rename(s, src, arg, "setenv");
}

static int do_rmenv(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return do_rename(s, src, arg, "unsetenv");
}

static int do_caps_keep(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return do_rename(s, src, arg, "cap-add");
}

static int do_debuggers(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return fj_emit(s, "allow-ptrace", NULL);
}

static int do_private_tmp(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return fj_emit(s, "private-tmp", NULL);
}

static int do_block_secondary(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return fj_emit(s, "seccomp-native-only", NULL);
}

static int do_mdwe(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	return fj_emit(s, "memory-deny-write-execute", NULL);
}

#define APPROX(name, why)                  \
	{                                  \
		name, NULL, FJ_APPROX, why \
	}
#define DROP(name, why)                     \
	{                                   \
		name, NULL, FJ_DROPPED, why \
	}
#define WEAKER(name, why)                  \
	{                                  \
		name, NULL, FJ_WEAKER, why \
	}

static const struct fj_directive table[] = {
	{ "blacklist", do_blacklist, 0, NULL },
	{ "blacklist-nolog", do_blacklist, 0, NULL },
	{ "noblacklist", do_noblacklist, 0, NULL },
	{ "whitelist", do_whitelist, 0, NULL },
	{ "whitelist-ro", do_whitelist_ro, 0, NULL },
	{ "nowhitelist", do_nowhitelist, 0, NULL },
	{ "read-only", do_read_only, 0, NULL },
	{ "read-write", do_read_write, 0, NULL },
	{ "mkdir", do_mkdir, 0, NULL },
	{ "private", do_private, 0, NULL },
	{ "private-tmp", do_private_tmp, 0, NULL },
	{ "private-etc", do_same, 0, NULL },
	{ "private-bin", do_same, 0, NULL },
	{ "private-opt", do_private_opt, 0, NULL },
	{ "private-cache", do_same, 0, NULL },
	{ "machine-id", do_same, 0, NULL },
	{ "private-lib", do_private_lib, 0, NULL },
	{ "net", do_net, 0, NULL },
	{ "x11", do_x11, 0, NULL },
	{ "protocol", do_protocol, 0, NULL },
	{ "seccomp", do_seccomp, 0, NULL },
	{ "seccomp.drop", do_seccomp, 0, NULL },
	{ "seccomp.block-secondary", do_block_secondary, 0, NULL },
	{ "memory-deny-write-execute", do_mdwe, 0, NULL },
	{ "noexec", do_noexec, 0, NULL },
	{ "hostname", do_same, 0, NULL },
	{ "dbus-user", do_dbus, 0, NULL },
	{ "dbus-user.talk", do_same, 0, NULL },
	{ "dbus-user.own", do_same, 0, NULL },
	{ "dbus-user.see", do_same, 0, NULL },
	{ "dbus-system", do_dbus, 0, NULL },
	{ "dbus-system.talk", do_same, 0, NULL },
	{ "dbus-system.own", do_same, 0, NULL },
	{ "dbus-system.see", do_same, 0, NULL },
	{ "dbus-user.call", do_dbus_drop, 0, NULL },
	{ "dbus-user.broadcast", do_dbus_drop, 0, NULL },
	{ "dbus-system.call", do_dbus_drop, 0, NULL },
	{ "dbus-system.broadcast", do_dbus_drop, 0, NULL },
	{ "env", do_env, 0, NULL },
	{ "rmenv", do_rmenv, 0, NULL },
	{ "caps.keep", do_caps_keep, 0, NULL },
	{ "allow-debuggers", do_debuggers, 0, NULL },
	{ "nosound", do_flag, 0, NULL },
	{ "no3d", do_flag, 0, NULL },
	{ "novideo", do_flag, 0, NULL },
	/* what hutch never gives: no capabilities, no_new_privs, the caller's own uid, a new ipc
	 * namespace, a /dev with only the basic nodes, no /mnt or /media, no supplementary
	 * groups beyond the caller's own mapped ones, no user namespaces inside (and no
	 * capability to make any other namespace), no printer socket */
	{ "caps", do_default, 0, NULL },
	{ "caps.drop", do_default, 0, NULL },
	{ "nonewprivs", do_default, 0, NULL },
	{ "noroot", do_default, 0, NULL },
	{ "ipc-namespace", do_default, 0, NULL },
	{ "nodvd", do_default, 0, NULL },
	{ "notv", do_default, 0, NULL },
	{ "nou2f", do_default, 0, NULL },
	{ "noinput", do_default, 0, NULL },
	{ "private-dev", do_default, 0, NULL },
	{ "disable-mnt", do_default, 0, NULL },
	{ "nogroups", do_default, 0, NULL },
	{ "noprinters", do_default, 0, NULL },
	{ "restrict-namespaces", do_default, 0, NULL },
	APPROX("apparmor", "hutch confines with namespaces, seccomp and Landlock instead of "
			   "firejail-default's AppArmor rules (no mount, no ptrace, no /proc/sys writes "
			   "are hutch's defaults)"),
	APPROX("apparmor-replace", "hutch loads no AppArmor profile"),
	APPROX("private-srv", "hutch does not show /srv"),
	APPROX("private-cwd", "the working directory is hutch's choice (the directory started in, or /)"),
	APPROX("mkfile", "hutch creates directories only; a missing file stays missing"),
	APPROX("seccomp.32", "hutch's filter applies to 32-bit calls as to native ones"),
	DROP("netfilter", "firejail applies it only to a network namespace with a device of its own"),
	DROP("tracelog", "logging only (hutch's --report records denials)"),
	DROP("join-or-start", "hutch names sandboxes with --name on the command line"),
	DROP("deterministic-shutdown", "the sandbox ends when its command does"),
	DROP("keep-var-tmp", "hutch's /var/tmp is the host's read-only one"),
	DROP("keep-dev-shm", "hutch's /dev/shm is a private one"),
	DROP("keep-config-pulse", "hutch passes the sound server's socket only"),
	DROP("keep-fd", "hutch passes fds with --keep-fd on the command line"),
	DROP("allusers", "hutch shows only the caller's home (narrower)"),
	DROP("writable-etc", "/etc stays read-only (narrower)"),
	DROP("writable-var", "/var stays read-only (narrower)"),
	DROP("writable-var-log", "/var/log stays read-only (narrower)"),
	DROP("writable-run-user", "the runtime directory stays hutch's private one (narrower)"),
	DROP("tab", "no counterpart; nothing to confine"),
	WEAKER("seccomp.keep", "hutch has no allow-list filter: its deny list applies instead"),
	WEAKER("seccomp-error-action", "hutch's filter refuses with EPERM"),
};

int fj_map_line(struct fj_state *s, const struct fj_src *src)
{
	size_t n = strcspn(src->text, " \t");
	const char *arg = src->text + n + strspn(src->text + n, " \t");

	for (size_t i = 0; i < ARRAY_SIZE(table); i++) {
		const struct fj_directive *d = &table[i];
		if (strlen(d->name) != n || strncmp(d->name, src->text, n) != 0)
			continue;
		return d->run ? d->run(s, src, arg) : fj_note(s, src, d->kind, "%s", d->why);
	}
	return fj_error(s, src, "unknown firejail directive '%.*s'", (int)n, src->text);
}
