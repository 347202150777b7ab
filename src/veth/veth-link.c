/* veth pairs on a bridge (see veth-link.h). Runs with CAP_NET_ADMIN in the host's network
 * namespace: in hutch-veth (setuid root, after its policy checks) or in a launcher running as
 * root. It steps into the sandbox's network namespace only to open a netlink socket there. */
#include "veth/veth-link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/veth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lib/macro.h"
#include "veth/rtnl.h"

int veth_lock(void)
{
	/* /run is root's: nobody else can plant a link or a file here. */
	int fd = open(VETH_LOCK_PATH, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return negative_errno();
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = negative_errno();
			safe_close(fd);
			return r;
		}
	return fd;
}

static const char *attr_str(const struct rtattr *a)
{
	if (!a || RTA_PAYLOAD(a) == 0 || ((const char *)RTA_DATA(a))[RTA_PAYLOAD(a) - 1] != '\0')
		return NULL;
	return RTA_DATA(a);
}

static uint32_t attr_u32(const struct rtattr *a)
{
	uint32_t v = 0;

	if (a && RTA_PAYLOAD(a) >= sizeof(v))
		memcpy(&v, RTA_DATA(a), sizeof(v));
	return v;
}

bool veth_alias_parse(const char *alias, uid_t *ret_uid, struct in_addr *ret_addr)
{
	unsigned long uid;
	char addr[INET_ADDRSTRLEN], *end;
	int n = 0;

	if (!alias || strncmp(alias, VETH_ALIAS_PREFIX, strlen(VETH_ALIAS_PREFIX)) != 0)
		return false;
	alias += strlen(VETH_ALIAS_PREFIX);
	if (strncmp(alias, "uid=", 4) != 0 || alias[4] < '0' || alias[4] > '9')
		return false;
	errno = 0;
	uid = strtoul(alias + 4, &end, 10);
	if (errno || end == alias + 4 || uid >= (uid_t)-1 ||
	    sscanf(end, " addr=%15[0-9.]%n", addr, &n) != 1 || end[n] != '\0' ||
	    inet_pton(AF_INET, addr, ret_addr) != 1)
		return false;
	*ret_uid = (uid_t)uid;
	return true;
}

/* ---- the bridge ------------------------------------------------------------------------------ */

static int link_by_name(int rtnl, const char *name, rtnl_cb cb, void *arg)
{
	struct rtnl_req r;

	rtnl_init(&r, RTM_GETLINK, 0, sizeof(struct ifinfomsg));
	rtnl_attr_str(&r, IFLA_IFNAME, name);
	return rtnl_dump(rtnl, &r, cb, arg);
}

static int on_bridge_link(const struct nlmsghdr *h, void *arg)
{
	struct veth_bridge *br = arg;
	const struct ifinfomsg *ifi = NLMSG_DATA(h);
	const struct rtattr *tb[IFLA_MAX + 1], *info[IFLA_INFO_MAX + 1];
	const char *kind = NULL;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	rtnl_parse(h, sizeof(*ifi), tb, IFLA_MAX);
	if (tb[IFLA_LINKINFO]) {
		rtnl_parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX);
		kind = attr_str(info[IFLA_INFO_KIND]);
	}
	if (!kind || strcmp(kind, "bridge") != 0)
		return -EMEDIUMTYPE;
	br->ifindex = ifi->ifi_index;
	br->mtu = attr_u32(tb[IFLA_MTU]);
	return 0;
}

static int on_bridge_addr(const struct nlmsghdr *h, void *arg)
{
	struct veth_bridge *br = arg;
	const struct ifaddrmsg *ifa = NLMSG_DATA(h);
	const struct rtattr *tb[IFA_MAX + 1];
	const struct rtattr *a;

	if (h->nlmsg_type != RTM_NEWADDR || (int)ifa->ifa_index != br->ifindex || br->prefix)
		return 0;
	rtnl_parse(h, sizeof(*ifa), tb, IFA_MAX);
	a = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
	if (!a || RTA_PAYLOAD(a) != sizeof(struct in_addr))
		return 0;
	memcpy(&br->addr, RTA_DATA(a), sizeof(br->addr));
	br->prefix = ifa->ifa_prefixlen;
	return 0;
}

int veth_bridge_find(int rtnl, const char *name, struct veth_bridge *ret)
{
	struct veth_bridge br = { 0 };
	struct rtnl_req r;
	struct ifaddrmsg *ifa;
	int e = link_by_name(rtnl, name, on_bridge_link, &br);

	if (e < 0)
		return e; /* -ENODEV: no such link; -EMEDIUMTYPE: not a bridge */
	ifa = rtnl_init(&r, RTM_GETADDR, NLM_F_DUMP, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	e = rtnl_dump(rtnl, &r, on_bridge_addr, &br);
	if (e < 0)
		return e;
	if (br.prefix == 0)
		return -EADDRNOTAVAIL;
	*ret = br;
	return 0;
}

const char *veth_bridge_error(int r)
{
	if (r == -ENODEV)
		return "no such interface";
	if (r == -EMEDIUMTYPE)
		return "not a bridge";
	if (r == -EADDRNOTAVAIL)
		return "it has no IPv4 address (sandboxes take theirs from its range)";
	return strerror(-r);
}

/* ---- what the bridge holds ------------------------------------------------------------------- */

struct scan_ctx {
	const struct veth_bridge *br;
	uid_t owner;
	struct veth_usage u;
};

static int on_port(const struct nlmsghdr *h, void *arg)
{
	struct scan_ctx *s = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	struct in_addr addr;
	uid_t uid;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	rtnl_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	if ((int)attr_u32(tb[IFLA_MASTER]) != s->br->ifindex ||
	    !veth_alias_parse(attr_str(tb[IFLA_IFALIAS]), &uid, &addr))
		return 0;
	struct in_addr *v = realloc(s->u.used, (s->u.n_used + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->u.used = v;
	s->u.used[s->u.n_used++] = addr;
	s->u.mine += uid == s->owner;
	return 0;
}

int veth_usage_scan(int rtnl, const struct veth_bridge *br, uid_t owner, struct veth_usage *ret)
{
	struct scan_ctx s = { .br = br, .owner = owner };
	struct rtnl_req r;
	int e;

	rtnl_init(&r, RTM_GETLINK, NLM_F_DUMP, sizeof(struct ifinfomsg));
	e = rtnl_dump(rtnl, &r, on_port, &s);
	if (e < 0) {
		veth_usage_free(&s.u);
		return e;
	}
	*ret = s.u;
	return 0;
}

void veth_usage_free(struct veth_usage *u)
{
	free(u->used);
	u->used = NULL;
	u->n_used = 0;
}

int veth_pick_address(const struct veth_bridge *br, const struct veth_usage *u, struct in_addr *ret)
{
	if (br->prefix < 8 || br->prefix > 30)
		return -EADDRNOTAVAIL;
	uint32_t mask = br->prefix ? ~0u << (32 - br->prefix) : 0;
	uint32_t net = ntohl(br->addr.s_addr) & mask, hosts = ~mask;

	for (uint32_t h = 1; h < hosts; h++) {
		uint32_t cand = htonl(net | h);
		bool taken = cand == br->addr.s_addr;
		for (size_t i = 0; !taken && i < u->n_used; i++)
			taken = u->used[i].s_addr == cand;
		if (!taken) {
			ret->s_addr = cand;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}

/* ---- creating and removing ------------------------------------------------------------------- */

/* The first "hvethN" not in use: the name says nothing, the alias says whose it is. */
static int free_name(int rtnl, char name[IFNAMSIZ])
{
	for (unsigned i = 0; i < 10000; i++) {
		snprintf(name, IFNAMSIZ, "hveth%u", i);
		int e = link_by_name(rtnl, name, NULL, NULL);
		if (e == -ENODEV)
			return 0;
		if (e < 0)
			return e;
	}
	return -ENOSPC;
}

static int create_pair(int rtnl, int netns_fd, const struct veth_bridge *br, const char *name)
{
	struct ifinfomsg peer = { .ifi_family = AF_UNSPEC };
	struct rtnl_req r;

	rtnl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, sizeof(struct ifinfomsg));
	rtnl_attr_str(&r, IFLA_IFNAME, name);
	rtnl_attr_u32(&r, IFLA_MASTER, (uint32_t)br->ifindex);
	if (br->mtu)
		rtnl_attr_u32(&r, IFLA_MTU, br->mtu);
	rtnl_nest_begin(&r, IFLA_LINKINFO);
	rtnl_attr_str(&r, IFLA_INFO_KIND, "veth");
	rtnl_nest_begin(&r, IFLA_INFO_DATA);
	rtnl_nest_begin(&r, VETH_INFO_PEER);
	rtnl_raw(&r, &peer, sizeof(peer));
	rtnl_attr_str(&r, IFLA_IFNAME, VETH_PEER_NAME);
	rtnl_attr_u32(&r, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	if (br->mtu)
		rtnl_attr_u32(&r, IFLA_MTU, br->mtu);
	rtnl_nest_end(&r);
	rtnl_nest_end(&r);
	rtnl_nest_end(&r);
	return rtnl_talk(rtnl, &r);
}

static int on_ifindex(const struct nlmsghdr *h, void *arg)
{
	if (h->nlmsg_type == RTM_NEWLINK)
		*(int *)arg = ((const struct ifinfomsg *)NLMSG_DATA(h))->ifi_index;
	return 0;
}

/* Set the alias (when given) and bring the link up. */
static int link_set(int rtnl, int ifindex, const char *alias)
{
	struct rtnl_req r;
	struct ifinfomsg *ifi = rtnl_init(&r, RTM_NEWLINK, 0, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	if (alias)
		rtnl_attr_str(&r, IFLA_IFALIAS, alias);
	return rtnl_talk(rtnl, &r);
}

static int addr_add(int rtnl, int ifindex, struct in_addr addr, unsigned prefix)
{
	struct rtnl_req r;
	struct ifaddrmsg *ifa = rtnl_init(&r, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, sizeof(*ifa));
	struct in_addr brd = { addr.s_addr | htonl(~(~0u << (32 - prefix))) };

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)prefix;
	ifa->ifa_index = (unsigned)ifindex;
	rtnl_attr(&r, IFA_LOCAL, &addr, sizeof(addr));
	rtnl_attr(&r, IFA_ADDRESS, &addr, sizeof(addr));
	rtnl_attr(&r, IFA_BROADCAST, &brd, sizeof(brd));
	return rtnl_talk(rtnl, &r);
}

static int route_add_default(int rtnl, int ifindex, struct in_addr gw)
{
	struct rtnl_req r;
	struct rtmsg *rt = rtnl_init(&r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, sizeof(*rt));

	rt->rtm_family = AF_INET;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_BOOT;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	rtnl_attr(&r, RTA_GATEWAY, &gw, sizeof(gw));
	rtnl_attr_u32(&r, RTA_OIF, (uint32_t)ifindex);
	return rtnl_talk(rtnl, &r);
}

/* Inside the sandbox's namespace: eth0 gets the address, goes up, and routes through the
 * bridge. */
static int configure_peer(int netns_fd, const struct veth_pair *p)
{
	_cleanup_close_ int t = rtnl_open(netns_fd);
	int idx = 0, e;

	if (t < 0)
		return t;
	if ((e = link_by_name(t, VETH_PEER_NAME, on_ifindex, &idx)) < 0)
		return e;
	if ((e = addr_add(t, idx, p->addr, p->prefix)) < 0 || (e = link_set(t, idx, NULL)) < 0)
		return e;
	return route_add_default(t, idx, p->gw);
}

static int link_del(int rtnl, int ifindex)
{
	struct rtnl_req r;
	struct ifinfomsg *ifi = rtnl_init(&r, RTM_DELLINK, 0, sizeof(*ifi));

	ifi->ifi_index = ifindex;
	return rtnl_talk(rtnl, &r);
}

int veth_add(int rtnl, int netns_fd, const struct veth_bridge *br, uid_t owner, struct in_addr addr,
	     struct veth_pair *ret)
{
	struct veth_pair p = { .addr = addr, .gw = br->addr, .prefix = br->prefix };
	char alias[128], a[INET_ADDRSTRLEN];
	int e = free_name(rtnl, p.name);

	if (e < 0 || (e = create_pair(rtnl, netns_fd, br, p.name)) < 0)
		return e;
	/* From here on a failure removes the pair again. */
	e = link_by_name(rtnl, p.name, on_ifindex, &p.ifindex);
	if (e == 0 && p.ifindex <= 0)
		e = -ENODEV;
	if (e < 0)
		return e;
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	snprintf(alias, sizeof(alias), VETH_ALIAS_PREFIX "uid=%u addr=%s", (unsigned)owner, a);
	if ((e = link_set(rtnl, p.ifindex, alias)) == 0)
		e = configure_peer(netns_fd, &p);
	if (e < 0) {
		link_del(rtnl, p.ifindex);
		return e;
	}
	*ret = p;
	return 0;
}

struct owner_ctx {
	uid_t uid;
	bool ours;
};

static int on_owner(const struct nlmsghdr *h, void *arg)
{
	struct owner_ctx *o = arg;
	const struct rtattr *tb[IFLA_MAX + 1];
	struct in_addr addr;

	if (h->nlmsg_type != RTM_NEWLINK)
		return 0;
	rtnl_parse(h, sizeof(struct ifinfomsg), tb, IFLA_MAX);
	o->ours = veth_alias_parse(attr_str(tb[IFLA_IFALIAS]), &o->uid, &addr);
	return 0;
}

int veth_del(int rtnl, int ifindex, uid_t owner, bool any_owner)
{
	struct owner_ctx o = { 0 };
	struct rtnl_req r;
	struct ifinfomsg *ifi = rtnl_init(&r, RTM_GETLINK, 0, sizeof(*ifi));
	int e;

	ifi->ifi_index = ifindex;
	if ((e = rtnl_dump(rtnl, &r, on_owner, &o)) < 0)
		return e;
	/* The record that authorises the deletion is the interface's own alias, read just now:
	 * never a name match, never a separate database (CVE-2026-39402 in lxc-user-nic). */
	if (!o.ours || (!any_owner && o.uid != owner))
		return -EPERM;
	return link_del(rtnl, ifindex);
}
