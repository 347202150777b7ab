/* `hutch doctor [--json]`: what this machine offers hutch, one line per capability, each missing
 * one with its fix, then which tier runs here and what the restricted tier cannot do. Unlike a
 * sandbox start (which only classifies a failed clone), this probes: a forked child creates a
 * user namespace, gets its id maps through the same code a sandbox uses, mounts a tmpfs and a
 * kernel overlay inside and creates an nftables table in a fresh network namespace; another
 * child installs a seccomp filter. Launcher side, the caller's own privileges; nothing on the
 * host changes. Exit status: 0 when the full tier works, 1 when it does not, 2 for a usage
 * error.
 * Over 600 lines: one short probe per capability and the report that orders them; they share the
 * probe child's context, so they stay together. */
#include "cmd/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <endian.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "lib/clone.h"
#include "front/config.h"
#include "launcher/idmap.h"
#include "command/landlock.h"
#include "lib/escape.h"
#include "lib/fileio.h"
#include "lib/json-write.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "tier/tier.h"
#include "lib/strv.h"

#define EXIT_FULL_TIER_BROKEN 1
#define EXIT_USAGE	      2
#define TEXT_MAX	      640

struct check {
	const char *id;	  /* the JSON key */
	const char *name; /* the text label */
	bool ok;
	bool required; /* the full tier cannot run without it */
	char detail[TEXT_MAX];
	char fix[TEXT_MAX]; /* empty when ok */
};

/* What the user-namespace probe child found (doctor_probe). Errors are -errno, 0 for success,
 * 1 for "not tried" (an earlier step failed). */
struct probe {
	int clone_err;
	int map_err;
	int mount_err;
	int overlay_err;
	int nft_err;
	char map_note[160]; /* why the id maps are not the subordinate ranges */
};

struct doctor {
	char **env;
	const char *path; /* $PATH, where the helpers are looked up as a sandbox would */
	char *user;
	uid_t uid;
	gid_t gid;
	int landlock_abi;
	struct probe probe;
	struct check checks[16];
	size_t n;
};

static const char usage[] = "usage: hutch doctor [--json]\n";

_printf_(3, 4) static void set(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static struct check *add(struct doctor *d, const char *id, const char *name, bool required)
{
	struct check *k = &d->checks[d->n++];

	*k = (struct check){ .id = id, .name = name, .required = required };
	return k;
}

static bool executable(const struct doctor *d, const char *name)
{
	_cleanup_free_ char *p = path_find_executable(name, d->path);

	return p != NULL;
}

/* ---- the user-namespace probe ----------------------------------------------------------------- */

/* Create table inet hutch-doctor in the probe's own network namespace, in one nfnetlink batch:
 * the kernel answers the table message with an ack (error 0) or the reason. */
static int nft_probe(void)
{
	char buf[256] __attribute__((aligned(NLMSG_ALIGNTO))) = { 0 };
	const char name[] = "hutch-doctor";
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	size_t off = 0;
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	if (fd < 0)
		return negative_errno();
	for (int i = 0; i < 3; i++) {
		struct nlmsghdr *h = (struct nlmsghdr *)(buf + off);
		struct nfgenmsg *g = NLMSG_DATA(h);
		h->nlmsg_len = NLMSG_LENGTH(sizeof(*g));
		h->nlmsg_flags = NLM_F_REQUEST;
		h->nlmsg_seq = (unsigned)i + 1;
		g->version = NFNETLINK_V0;
		if (i != 1) {
			h->nlmsg_type = i == 0 ? NFNL_MSG_BATCH_BEGIN : NFNL_MSG_BATCH_END;
			g->res_id = htobe16(NFNL_SUBSYS_NFTABLES);
		} else {
			struct nlattr *a = (struct nlattr *)((char *)h + h->nlmsg_len);
			h->nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE;
			h->nlmsg_flags |= NLM_F_CREATE | NLM_F_ACK;
			g->nfgen_family = NFPROTO_INET;
			a->nla_type = NFTA_TABLE_NAME;
			a->nla_len = (unsigned short)(NLA_HDRLEN + sizeof(name));
			memcpy((char *)a + NLA_HDRLEN, name, sizeof(name));
			h->nlmsg_len += NLA_ALIGN(a->nla_len);
		}
		off += NLMSG_ALIGN(h->nlmsg_len);
	}
	if (sendto(fd, buf, off, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return negative_errno();
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)) || h->nlmsg_type != NLMSG_ERROR)
		return n < 0 ? negative_errno() : -EPROTO;
	return ((struct nlmsgerr *)NLMSG_DATA(h))->error;
}

/* In a private mount namespace: a tmpfs on /tmp, then a kernel overlay on it (userxattr, as
 * a user namespace requires). */
static void mount_probe(struct probe *p)
{
	static const char *const dirs[] = { "/tmp/l", "/tmp/u", "/tmp/w", "/tmp/m" };

	p->overlay_err = 1;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", "/tmp", "tmpfs", 0, "mode=0700") < 0) {
		p->mount_err = negative_errno();
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0700) < 0) {
			p->overlay_err = negative_errno();
			return;
		}
	p->overlay_err = mount("overlay", "/tmp/m", "overlay", 0,
			       "lowerdir=/tmp/l,upperdir=/tmp/u,workdir=/tmp/w,userxattr") < 0
			     ? negative_errno()
			     : 0;
}

/* The child: wait until its maps are written (a byte on go; EOF: give up), probe, report
 * {mount_err, overlay_err, nft_err} on result. */
_noreturn_ static void probe_child(int go[2], int result[2])
{
	struct probe p = { .mount_err = 0 };
	char byte;

	/* Our copies of the other ends, or EOF would never come. */
	close(go[1]);
	close(result[0]);
	if (read(go[0], &byte, 1) != 1)
		_exit(1);
	mount_probe(&p);
	p.nft_err = unshare(CLONE_NEWNET) < 0 ? negative_errno() : nft_probe();
	int out[3] = { p.mount_err, p.overlay_err, p.nft_err };
	(void)!write(result[1], out, sizeof(out));
	_exit(0);
}

/* Id maps as a sandbox gets them: the helpers with the subordinate ranges, or the single map. */
static int probe_maps(const struct doctor *d, pid_t child, struct probe *p)
{
	struct config c;
	struct idmap uid, gid;
	struct idmap_job jobs[2] = { { .pid = -1, .err_fd = -1 }, { .pid = -1, .err_fd = -1 } };
	struct failure f = { 0 };
	int r;

	config_init(&c);
	c.host_uid = c.uid = d->uid;
	c.host_gid = c.gid = d->gid;
	c.user = d->user;
	c.search_path = (char *)d->path;
	c.idmap = IDMAP_AUTO;
	/* What the helpers give, as a sandbox that needs ranges gets them. */
	r = idmap_prepare(&c, true, &uid, &gid, &f);
	if (r == 0)
		r = idmap_start(&uid, &gid, child, jobs, &f);
	if (r == 0)
		r = idmap_finish(&uid, &gid, child, jobs, true, &f);
	if (uid.note || gid.note)
		set(p->map_note, sizeof(p->map_note), "%s", uid.note ? uid.note : gid.note);
	idmap_free(&uid);
	idmap_free(&gid);
	return r;
}

static void doctor_probe(struct doctor *d)
{
	struct probe *p = &d->probe;
	int go[2] = { -1, -1 }, result[2] = { -1, -1 }, found[3];
	pid_t pid = -1;

	*p = (struct probe){ .map_err = 1, .mount_err = 1, .overlay_err = 1, .nft_err = 1 };
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(result, O_CLOEXEC) < 0)
		pid = negative_errno();
	else if ((pid = clone_process(CLONE_NEWUSER, SIGCHLD, NULL, -1)) == 0)
		probe_child(go, result);
	p->clone_err = pid < 0 ? pid : 0;
	if (pid > 0 && (p->map_err = probe_maps(d, pid, p)) == 0)
		(void)!write(go[1], "g", 1);
	go[1] = safe_close(go[1]);
	result[1] = safe_close(result[1]);
	if (pid > 0 && p->map_err == 0) {
		if (read(result[0], found, sizeof(found)) == (ssize_t)sizeof(found)) {
			p->mount_err = found[0];
			p->overlay_err = found[1];
			p->nft_err = found[2];
		} else {
			p->mount_err = -EIO;
		}
	}
	safe_close(go[0]);
	safe_close(result[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/* ---- one check each --------------------------------------------------------------------------- */

static void check_userns(struct doctor *d)
{
	const struct probe *p = &d->probe;
	struct check *k = add(d, "userns", "user namespaces", true);

	k->ok = p->clone_err == 0 && p->map_err == 0 && p->mount_err == 0;
	if (k->ok) {
		set(k->detail, TEXT_MAX, "a new user namespace, its id maps and a mount inside all work");
	} else if (p->clone_err) {
		set(k->detail, TEXT_MAX, "clone(CLONE_NEWUSER) is refused");
		tier_explain(p->clone_err, k->fix, TEXT_MAX);
	} else if (p->map_err) {
		set(k->detail, TEXT_MAX, "the id maps cannot be written: %s", strerror(-p->map_err));
		if (!tier_apparmor_blocks(k->fix, TEXT_MAX))
			set(k->fix, TEXT_MAX,
			    "check /proc/sys/user/max_user_namespaces and the LSM in force");
	} else {
		set(k->detail, TEXT_MAX, "a mount inside a new user namespace is refused: %s",
		    strerror(-p->mount_err));
		if (!tier_apparmor_blocks(k->fix, TEXT_MAX))
			set(k->fix, TEXT_MAX,
			    "a security module takes the namespace's capabilities away: see its log (dmesg)");
	}
}

/* "100000+65536" for the caller's first range in FILE, or "" when it has none. */
static void subid_text(const struct doctor *d, const char *file, char *buf, size_t len)
{
	char text[8192];
	struct idrange r[4];

	buf[0] = '\0';
	if (fileio_read_small_at(AT_FDCWD, file, text, sizeof(text)) <= 0)
		return;
	if (idmap_parse_subid(text, d->user, d->uid, r, ARRAY_SIZE(r)) > 0)
		snprintf(buf, len, "%lu+%lu", r[0].start, r[0].count);
}

/* A helper that can write another user's maps: setuid root or with file capabilities. */
static bool helper_privileged(const struct doctor *d, const char *name)
{
	_cleanup_free_ char *p = path_find_executable(name, d->path);
	struct stat st;

	if (!p || stat(p, &st) < 0)
		return false;
	/* The owner is not checked: inside a sandbox root shows as the overflow uid. */
	return (st.st_mode & S_ISUID) || getxattr(p, "security.capability", NULL, 0) > 0;
}

/* The fix for the id maps; true when everything is installed (the fix is then the last resort). */
static bool idmap_fix(const struct doctor *d, const char *u, const char *g, char *fix)
{
	if (!executable(d, "newuidmap") || !executable(d, "newgidmap")) {
		set(fix, TEXT_MAX,
		    "install newuidmap and newgidmap: sudo apt install uidmap (Debian, "
		    "Ubuntu), sudo dnf install shadow-utils (Fedora)");
		return false;
	}
	if (!u[0] || !g[0]) {
		set(fix, TEXT_MAX,
		    "give %s subordinate ids: sudo usermod --add-subuids 100000-165535 --add-subgids "
		    "100000-165535 %s (pick a range no other user has in /etc/subuid and /etc/subgid)",
		    d->user, d->user);
		return false;
	}
	if (!helper_privileged(d, "newuidmap") || !helper_privileged(d, "newgidmap")) {
		set(fix, TEXT_MAX,
		    "newuidmap and newgidmap must be setuid root or carry file "
		    "capabilities: reinstall the uidmap package");
		return false;
	}
	set(fix, TEXT_MAX,
	    "run newuidmap by hand to see its message (its ranges in /etc/subuid must "
	    "not overlap your own uid)");
	return true;
}

static void check_idmap(struct doctor *d)
{
	struct check *k = add(d, "idmap", "id-map helpers", false);
	char u[48], g[48];
	bool installed;

	subid_text(d, "/etc/subuid", u, sizeof(u));
	subid_text(d, "/etc/subgid", g, sizeof(g));
	installed = idmap_fix(d, u, g, k->fix);
	/* Without a user namespace to map, only what is installed can be told. */
	if (d->probe.clone_err) {
		k->ok = installed;
		set(k->detail, TEXT_MAX, "%s (not run: no user namespace here)",
		    k->ok ? "newuidmap, newgidmap and your ranges are installed" : "not set up");
		return;
	}
	k->ok = d->probe.map_err == 0 && !d->probe.map_note[0];
	if (k->ok)
		set(k->detail, TEXT_MAX, "newuidmap and newgidmap map uids %s and gids %s for %s", u, g,
		    d->user);
	else
		set(k->detail, TEXT_MAX, "%s: sandboxes get a single-id map (only your own id inside)",
		    d->probe.map_note[0] ? d->probe.map_note : "the id maps were not written");
}

static void check_overlay(struct doctor *d)
{
	struct check *k = add(d, "overlay", "kernel overlay", false);
	int err = d->probe.overlay_err;

	k->ok = err == 0;
	if (k->ok) {
		set(k->detail, TEXT_MAX, "overlayfs mounts inside a user namespace (--rootfs, --layers)");
		return;
	}
	if (err == 1)
		set(k->detail, TEXT_MAX, "not tried: no user namespace with a mount");
	else
		set(k->detail, TEXT_MAX,
		    "overlayfs refuses in a user namespace: %s; --rootfs falls back to "
		    "fuse-overlayfs",
		    strerror(-err));
	set(k->fix, TEXT_MAX, "Linux 5.11 or later with overlayfs; or install fuse-overlayfs");
}

/* Whether the caller may open a device read-write (errno in *err when not). */
static bool device_usable(const char *path, int *err)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	*err = fd < 0 ? errno : 0;
	safe_close(fd);
	return fd >= 0;
}

static void check_fuse(struct doctor *d)
{
	struct check *k = add(d, "fuse", "fuse", false);
	bool helper = executable(d, "fuse-overlayfs");
	int err;

	k->ok = device_usable("/dev/fuse", &err) && helper;
	if (k->ok) {
		set(k->detail, TEXT_MAX, "/dev/fuse opens read-write and fuse-overlayfs is installed");
		return;
	}
	if (err)
		set(k->detail, TEXT_MAX, "/dev/fuse: %s: fuse-overlayfs cannot run", strerror(err));
	else
		set(k->detail, TEXT_MAX, "fuse-overlayfs is not in PATH");
	set(k->fix, TEXT_MAX, "%s",
	    err == ENOENT ? "sudo modprobe fuse"
	    : err ? "let users open /dev/fuse: sudo chmod 0666 /dev/fuse (its udev rule sets this mode)"
		  : "sudo apt install fuse-overlayfs (needed only where the kernel overlay is refused)");
}

static void check_tun(struct doctor *d)
{
	struct check *k = add(d, "tun", "/dev/net/tun", false);
	int err;

	k->ok = device_usable("/dev/net/tun", &err);
	if (k->ok) {
		set(k->detail, TEXT_MAX, "opens read-write (slirp4netns and pasta need it)");
		return;
	}
	set(k->detail, TEXT_MAX, "/dev/net/tun: %s: no user-mode networking", strerror(err));
	set(k->fix, TEXT_MAX, "%s",
	    err == ENOENT ? "sudo modprobe tun" : "let users open it: sudo chmod 0666 /dev/net/tun");
}

static void check_usermode_net(struct doctor *d)
{
	struct check *k = add(d, "usermode_net", "slirp4netns/pasta", false);
	bool pasta = executable(d, "pasta"), slirp = executable(d, "slirp4netns");

	k->ok = pasta || slirp;
	if (k->ok) {
		set(k->detail, TEXT_MAX, "%s%s%s (--net pasta, slirp, auto-usermode)", pasta ? "pasta" : "",
		    pasta && slirp ? " and " : "", slirp ? "slirp4netns" : "");
		return;
	}
	set(k->detail, TEXT_MAX,
	    "neither pasta nor slirp4netns is in PATH: a sandbox gets no network "
	    "but the host's (--share-net)");
	set(k->fix, TEXT_MAX,
	    "sudo apt install passt (for pasta) or slirp4netns; or add their directory to PATH");
}

/* Our own cgroup v2 directory, from /proc/self/cgroup's "0::/path" line. */
static bool own_cgroup(char *buf, size_t len)
{
	char text[4096], *line;

	if (fileio_read_small_at(AT_FDCWD, "/proc/self/cgroup", text, sizeof(text)) <= 0)
		return false;
	line = strstr(text, "0::");
	if (!line)
		return false;
	line[strcspn(line, "\n")] = '\0';
	snprintf(buf, len, "/sys/fs/cgroup%s", line + 3);
	return true;
}

/* The controllers a cgroup directory offers its children ("cpu memory pids"), or "none". */
static void controllers(const char *dir, char *buf, size_t len)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	fileio_read_small_at(AT_FDCWD, path, buf, len);
	buf[strcspn(buf, "\n")] = '\0';
	if (!buf[0])
		snprintf(buf, len, "none");
}

/* The user's systemd manager, reachable over the user bus as cgroup.c's back-end needs. */
static bool user_manager(const struct doctor *d, char *dir, size_t len)
{
	const char *rt = strv_env_get(d->env, "XDG_RUNTIME_DIR");
	char path[4096];

	if (!rt)
		return false;
	snprintf(path, sizeof(path), "%s/systemd/private", rt);
	if (access(path, F_OK) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/bus", rt);
	if (access(path, F_OK) < 0 && !strv_env_get(d->env, "DBUS_SESSION_BUS_ADDRESS"))
		return false;
	snprintf(dir, len, "/sys/fs/cgroup/user.slice/user-%u.slice/user@%u.service", (unsigned)d->uid,
		 (unsigned)d->uid);
	return true;
}

static void check_cgroup(struct doctor *d)
{
	struct check *k = add(d, "cgroup", "cgroup delegation", false);
	char dir[4096], ctl[256];
	struct statfs sf;

	if (statfs("/sys/fs/cgroup", &sf) < 0 || sf.f_type != CGROUP2_SUPER_MAGIC) {
		set(k->detail, TEXT_MAX,
		    "cgroup v2 is not mounted at /sys/fs/cgroup: no limits (--memory-max ...)");
		set(k->fix, TEXT_MAX, "boot with the unified hierarchy (systemd.unified_cgroup_hierarchy=1)");
		return;
	}
	k->ok = user_manager(d, dir, sizeof(dir)) || (own_cgroup(dir, sizeof(dir)) && access(dir, W_OK) == 0);
	if (k->ok) {
		controllers(dir, ctl, sizeof(ctl));
		set(k->detail, TEXT_MAX, "%s (controllers: %s)",
		    strstr(dir, "/user@") ? "the user's systemd manager runs: limits in transient scopes"
					  : "your cgroup is delegated to you: limits in a sub-cgroup",
		    ctl);
		return;
	}
	set(k->detail, TEXT_MAX, "no user systemd manager and no delegated cgroup: no limits");
	set(k->fix, TEXT_MAX,
	    "log in through a systemd session (or sudo loginctl enable-linger %s), or have root "
	    "delegate a subtree: mkdir /sys/fs/cgroup/hutch-%s, chown it (and its cgroup.procs, "
	    "cgroup.subtree_control) to you, and run hutch from a shell inside it",
	    d->user, d->user);
}

static void check_landlock(struct doctor *d)
{
	struct check *k = add(d, "landlock", "Landlock", false);
	int abi = d->landlock_abi;

	k->ok = abi > 0;
	if (!k->ok) {
		set(k->detail, TEXT_MAX, "%s: no restricted tier where user namespaces are refused",
		    landlock_unavailable_reason(abi));
		set(k->fix, TEXT_MAX, "Linux 5.13 or later with landlock in the lsm= boot parameter");
		return;
	}
	set(k->detail, TEXT_MAX, "ABI %d: files%s%s", abi,
	    landlock_abi_has_net(abi) ? ", TCP bind and connect" : " (no TCP rules before ABI 4)",
	    landlock_abi_has_scopes(abi) ? ", signals and abstract sockets scoped"
					 : " (signals and abstract sockets not scoped before ABI 6)");
}

/* Install an allow-all filter in a child: the kernel takes filters at all. */
static void check_seccomp(struct doctor *d)
{
	struct check *k = add(d, "seccomp", "seccomp", true);
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { .len = 1, .filter = &allow };
	int status = -1;
	pid_t pid = fork();

	if (pid == 0)
		_exit(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
			      prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0
			  ? 0
			  : 1);
	if (pid > 0)
		waitpid(pid, &status, 0);
	k->ok = status == 0;
	if (k->ok)
		set(k->detail, TEXT_MAX, "filters install");
	else
		set(k->detail, TEXT_MAX, "the kernel refuses seccomp filters");
	if (!k->ok)
		set(k->fix, TEXT_MAX, "a kernel built with CONFIG_SECCOMP_FILTER");
}

static void check_nft(struct doctor *d)
{
	struct check *k = add(d, "nftables", "nftables in a userns", false);
	int err = d->probe.nft_err;

	k->ok = err == 0;
	if (k->ok) {
		set(k->detail, TEXT_MAX, "a table can be created in a new user and network namespace");
		return;
	}
	if (err == 1) {
		set(k->detail, TEXT_MAX, "not tried: no user namespace");
		set(k->fix, TEXT_MAX, "see user namespaces");
		return;
	}
	set(k->detail, TEXT_MAX, "creating a table in a new user and network namespace fails: %s",
	    strerror(-err));
	set(k->fix, TEXT_MAX, "%s",
	    err == -EPERM || err == -EACCES
		? "refused by a seccomp filter or security module around hutch"
		: "load nf_tables on the host (sudo modprobe nf_tables; a user namespace cannot load "
		  "modules) or use a kernel with CONFIG_NF_TABLES and CONFIG_NF_TABLES_INET");
}

static void check_apparmor(struct doctor *d)
{
	struct check *k = add(d, "apparmor", "AppArmor userns", false);
	char v[32] = "";
	int n = fileio_read_small_at(AT_FDCWD, "/proc/sys/kernel/apparmor_restrict_unprivileged_userns", v,
				     sizeof(v));

	v[strcspn(v, "\n")] = '\0';
	k->ok = !tier_apparmor_blocks(k->fix, TEXT_MAX);
	if (!k->ok)
		set(k->detail, TEXT_MAX, "user namespaces are restricted and hutch is not covered");
	else if (n <= 0)
		set(k->detail, TEXT_MAX,
		    "no restriction (kernel.apparmor_restrict_unprivileged_userns "
		    "does not exist here)");
	else
		set(k->detail, TEXT_MAX, "kernel.apparmor_restrict_unprivileged_userns=%s%s", v,
		    strcmp(v, "0") ? ", and hutch runs under its profile" : "");
}

/* ---- output ----------------------------------------------------------------------------------- */

static bool full_tier(const struct doctor *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->checks[i].required && !d->checks[i].ok)
			return false;
	return true;
}

static void print_text(const struct doctor *d)
{
	struct utsname u;

	uname(&u);
	printf("hutch %s on Linux %s, as %s (uid %u)\n", HUTCH_VERSION, u.release, ESC(d->user),
	       (unsigned)d->uid);
	for (size_t i = 0; i < d->n; i++) {
		const struct check *k = &d->checks[i];
		printf("%-8s %-21s %s\n", k->ok ? "ok" : "missing", k->name, ESC(k->detail));
		if (!k->ok)
			printf("%-8s %-21s fix: %s\n", "", "", k->fix);
	}
	printf("full tier: %s\n", full_tier(d) ? "works" : "does not work here (see above)");
	if (d->landlock_abi <= 0) {
		printf("restricted tier: not available (no Landlock): hutch will not run a command here "
		       "unless the full tier works\n");
		return;
	}
	printf("restricted tier: available (Landlock ABI %d, seccomp); it cannot:\n", d->landlock_abi);
	for (const char *const *c = tier_restricted_cannot; *c; c++)
		printf("  - %s\n", *c);
}

static void print_json(const struct doctor *d)
{
	printf("{\"version\":");
	json_write_string(stdout, HUTCH_VERSION);
	printf(",\"full_tier\":%s,\"restricted_tier\":%s,\"landlock_abi\":%d,\"checks\":[",
	       full_tier(d) ? "true" : "false", d->landlock_abi > 0 ? "true" : "false",
	       d->landlock_abi > 0 ? d->landlock_abi : 0);
	for (size_t i = 0; i < d->n; i++) {
		const struct check *k = &d->checks[i];
		printf("%s{\"id\":\"%s\",\"name\":", i ? "," : "", k->id);
		json_write_string(stdout, k->name);
		printf(",\"ok\":%s,\"required\":%s,\"detail\":", k->ok ? "true" : "false",
		       k->required ? "true" : "false");
		json_write_string(stdout, k->detail);
		printf(",\"fix\":");
		if (k->ok)
			printf("null");
		else
			json_write_string(stdout, k->fix);
		putchar('}');
	}
	printf("],\"restricted_cannot\":[");
	for (const char *const *c = tier_restricted_cannot; *c; c++) {
		printf("%s", c == tier_restricted_cannot ? "" : ",");
		json_write_string(stdout, *c);
	}
	printf("]}\n");
}

int cmd_doctor(int argc, char **argv, char **env)
{
	struct passwd *pw = getpwuid(getuid());
	char uidbuf[16];
	struct doctor d = { .env = env, .uid = getuid(), .gid = getgid() };
	bool json = argc == 2 && strcmp(argv[1], "--json") == 0;

	if (argc > 2 || (argc == 2 && !json)) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	snprintf(uidbuf, sizeof(uidbuf), "%u", (unsigned)d.uid);
	d.user = pw ? pw->pw_name : uidbuf;
	d.path = strv_env_get(env, "PATH") ? strv_env_get(env, "PATH") : "/usr/local/bin:/usr/bin:/bin";
	d.landlock_abi = landlock_abi();
	doctor_probe(&d);
	check_userns(&d);
	check_idmap(&d);
	check_overlay(&d);
	check_fuse(&d);
	check_tun(&d);
	check_usermode_net(&d);
	check_cgroup(&d);
	check_landlock(&d);
	check_seccomp(&d);
	check_nft(&d);
	check_apparmor(&d);
	fflush(stdout);
	if (json)
		print_json(&d);
	else
		print_text(&d);
	return full_tier(&d) ? 0 : EXIT_FULL_TIER_BROKEN;
}
