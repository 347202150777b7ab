/* hutch-veth: puts a sandbox on a bridge the admin allowed. Runs setuid root, called by a
 * normal user's launcher:
 *   hutch-veth add PID BRIDGE   a veth pair: one end in PID's network namespace (which the
 *                               caller must own) as eth0 with an address from the bridge's
 *                               range, the other on BRIDGE; prints "IFINDEX NAME ADDR/LEN GW"
 *   hutch-veth del IFINDEX      removes a pair of the caller's
 * It takes nothing else from the caller: no path, no environment, no file descriptor. Its
 * review against lxc-user-nic's history is REVIEW.md beside this file. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/macro.h"
#include "veth/rtnl.h"
#include "veth/veth-conf.h"
#include "veth/veth-link.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE   2

struct caller {
	uid_t uid;
	gid_t gid;
	char user[LOGIN_NAME_MAX + 1];
	gid_t groups[NGROUPS_MAX];
	int n_groups;
};

_noreturn_ _printf_(2, 3) static void die(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("hutch-veth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(code);
}

/* A closed 0, 1 or 2 would let a later open land there (and our message in a file). */
static void sanitize_process(void)
{
	for (int fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_REFUSED);
	clearenv();
	umask(022);
}

static void caller_identify(struct caller *c)
{
	struct passwd *pw;

	c->uid = getuid();
	c->gid = getgid();
	/* The kernel's record of the caller's groups, not /etc/group: what they hold now. */
	c->n_groups = getgroups(NGROUPS_MAX, c->groups);
	if (c->n_groups < 0)
		die(EXIT_REFUSED, "getgroups: %s", strerror(errno));
	pw = getpwuid(c->uid);
	if (pw && strlen(pw->pw_name) < sizeof(c->user))
		strcpy(c->user, pw->pw_name);
}

static bool caller_in_group(const char *name, void *arg)
{
	const struct caller *c = arg;
	struct group *gr = getgrnam(name);

	if (!gr)
		return false;
	if (gr->gr_gid == c->gid)
		return true;
	for (int i = 0; i < c->n_groups; i++)
		if (c->groups[i] == gr->gr_gid)
			return true;
	return false;
}

/* Positive decimal, nothing else: no sign, no base prefix, no trailing junk. */
static int parse_id(const char *s, long *ret)
{
	char *end;
	long v;

	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || v <= 0 || v > INT_MAX)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* The policy file must be root's and writable by root alone; otherwise nobody is allowed. */
static unsigned conf_allowance(struct caller *c, const char *bridge)
{
	struct veth_caller who = { c->uid, c->user[0] ? c->user : NULL, caller_in_group, c };
	unsigned max = 0, line = 0;
	struct stat st;
	FILE *f = fopen(VETH_CONF_PATH, "re");

	if (!f)
		die(EXIT_REFUSED, "%s: %s (no bridge is allowed)", VETH_CONF_PATH, strerror(errno));
	if (fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		die(EXIT_REFUSED, "%s must be a regular file owned by root and writable only by root",
		    VETH_CONF_PATH);
	int r = veth_conf_allowance(f, &who, bridge, &max, &line);
	fclose(f);
	if (r == -EINVAL)
		die(EXIT_REFUSED, "%s:%u: expected \"USER|@GROUP BRIDGE MAX\"", VETH_CONF_PATH, line);
	if (r < 0)
		die(EXIT_REFUSED, "%s: %s", VETH_CONF_PATH, strerror(-r));
	return max;
}

/* Open /proc/PID/ns/net with the caller's own credentials, so that the kernel's access check
 * (ptrace read access to PID) is the caller's, not root's (CVE-2017-5985 in lxc-user-nic). */
static int open_netns_as_caller(const struct caller *c, long pid)
{
	char path[64];
	gid_t egid = getegid();
	int fd, err;

	snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
	if (setegid(c->gid) < 0 || seteuid(c->uid) < 0)
		die(EXIT_REFUSED, "cannot take the caller's identity: %s", strerror(errno));
	fd = open(path, O_RDONLY | O_CLOEXEC); /* a magic link: followed */
	err = errno;
	/* Back to root (the effective capabilities return with euid 0); failing here would
	 * leave us half-privileged, so stop. */
	if (seteuid(0) < 0 || setegid(egid) < 0)
		abort();
	if (fd < 0)
		die(EXIT_REFUSED, "pid %ld: cannot open its network namespace: %s", pid, strerror(err));
	return fd;
}

/* The namespace must be a network namespace whose owning user namespace the caller created:
 * then the caller holds every capability over it already, and a veth there gives nothing new. */
static void check_netns_owner(const struct caller *c, int fd, long pid)
{
	struct statfs sfs;
	uid_t owner;

	if (fstatfs(fd, &sfs) < 0 || sfs.f_type != NSFS_MAGIC || ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
		die(EXIT_REFUSED, "pid %ld: not a network namespace", pid);
	_cleanup_close_ int userns = ioctl(fd, NS_GET_USERNS);
	if (userns < 0 || ioctl(userns, NS_GET_OWNER_UID, &owner) < 0)
		die(EXIT_REFUSED, "pid %ld: cannot tell who owns its network namespace: %s", pid,
		    strerror(errno));
	if (c->uid != 0 && owner != c->uid)
		die(EXIT_REFUSED, "pid %ld: its network namespace is not yours (it belongs to uid %u)", pid,
		    (unsigned)owner);
}

static int cmd_add(struct caller *c, const char *pid_s, const char *bridge)
{
	struct veth_bridge br;
	struct veth_usage u = { 0 };
	struct veth_pair p;
	struct in_addr addr;
	char a[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];
	unsigned max = UINT_MAX;
	long pid;

	if (parse_id(pid_s, &pid) < 0 || !veth_name_valid(bridge))
		die(EXIT_USAGE, "usage: hutch-veth add PID BRIDGE");
	/* root may use any bridge; everyone else needs a line in the policy */
	if (c->uid != 0 && (max = conf_allowance(c, bridge)) == 0)
		die(EXIT_REFUSED, "bridge %s is not allowed for %s in %s", bridge,
		    c->user[0] ? c->user : "you", VETH_CONF_PATH);
	_cleanup_close_ int ns = open_netns_as_caller(c, pid);
	check_netns_owner(c, ns, pid);
	_cleanup_close_ int lock = veth_lock();
	if (lock < 0)
		die(EXIT_REFUSED, "lock: %s", strerror(-lock));
	_cleanup_close_ int rtnl = rtnl_open(-1);
	if (rtnl < 0)
		die(EXIT_REFUSED, "rtnetlink: %s", strerror(-rtnl));
	int r = veth_bridge_find(rtnl, bridge, &br);
	if (r < 0)
		die(EXIT_REFUSED, "bridge %s: %s", bridge, veth_bridge_error(r));
	if ((r = veth_usage_scan(rtnl, &br, c->uid, &u)) < 0)
		die(EXIT_REFUSED, "bridge %s: %s", bridge, strerror(-r));
	if (u.mine >= max)
		die(EXIT_REFUSED, "bridge %s: you have %u of the %u interfaces you are allowed", bridge,
		    u.mine, max);
	r = veth_pick_address(&br, &u, &addr);
	veth_usage_free(&u);
	if (r < 0)
		die(EXIT_REFUSED, "bridge %s: no free address left in its range", bridge);
	if ((r = veth_add(rtnl, ns, &br, c->uid, addr, &p)) < 0)
		die(EXIT_REFUSED, "creating the veth pair on %s: %s", bridge, strerror(-r));
	inet_ntop(AF_INET, &p.addr, a, sizeof(a));
	inet_ntop(AF_INET, &p.gw, gw, sizeof(gw));
	printf("%d %s %s/%u %s\n", p.ifindex, p.name, a, p.prefix, gw);
	return fflush(stdout) == 0 ? 0 : EXIT_REFUSED;
}

static int cmd_del(struct caller *c, const char *index_s)
{
	long idx;

	if (parse_id(index_s, &idx) < 0)
		die(EXIT_USAGE, "usage: hutch-veth del IFINDEX");
	_cleanup_close_ int lock = veth_lock();
	_cleanup_close_ int rtnl = rtnl_open(-1);
	if (lock < 0 || rtnl < 0)
		die(EXIT_REFUSED, "%s: %s", lock < 0 ? "lock" : "rtnetlink",
		    strerror(-(lock < 0 ? lock : rtnl)));
	int r = veth_del(rtnl, (int)idx, c->uid, c->uid == 0);
	/* Gone already (its namespace ended first) is what the caller wanted. */
	if (r == -ENODEV)
		return 0;
	if (r == -EPERM)
		die(EXIT_REFUSED, "interface %ld is not one of yours", idx);
	if (r < 0)
		die(EXIT_REFUSED, "removing interface %ld: %s", idx, strerror(-r));
	return 0;
}

int main(int argc, char **argv)
{
	struct caller c = { 0 };

	sanitize_process();
	if (geteuid() != 0)
		die(EXIT_REFUSED,
		    "not privileged: install hutch-veth setuid root (meson -Dveth_helper=true)");
	caller_identify(&c);
	if (argc == 4 && strcmp(argv[1], "add") == 0)
		return cmd_add(&c, argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "del") == 0)
		return cmd_del(&c, argv[2]);
	die(EXIT_USAGE, "usage: hutch-veth add PID BRIDGE | hutch-veth del IFINDEX");
}
