/* veth pairs on a bridge, through rtnetlink: the host end joins the bridge and carries an
 * alias naming its owner and address (the kernel is the only record, so nothing can go stale:
 * a pair vanishes with the sandbox's network namespace); the other end is created straight in
 * the sandbox's namespace as eth0, with an address from the bridge's range and a default
 * route through the bridge. Needs CAP_NET_ADMIN: hutch-veth (setuid root) or a root launcher. */
#pragma once

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/types.h>

/* Every alias the helper writes starts so; it is what makes an interface one of ours. */
#define VETH_ALIAS_PREFIX "hutch-veth "
#define VETH_PEER_NAME	  "eth0"
#define VETH_LOCK_PATH	  "/run/hutch-veth.lock"

struct veth_bridge {
	int ifindex;
	unsigned mtu;
	struct in_addr addr; /* its first IPv4 address: the sandboxes' gateway */
	unsigned prefix;
};

/* What exists on a bridge: the pairs of one owner, and every address handed out. */
struct veth_usage {
	unsigned mine;
	struct in_addr *used;
	size_t n_used;
};

struct veth_pair {
	int ifindex; /* the host end */
	char name[IFNAMSIZ];
	struct in_addr addr, gw;
	unsigned prefix;
};

/* The serialisation of count-then-create between concurrent helpers: an flock on a file
 * under /run that only root can create. Returns the fd holding the lock. */
int veth_lock(void);

int veth_bridge_find(int rtnl, const char *name, struct veth_bridge *ret);
/* What veth_bridge_find's error means, for a message "bridge NAME: ...". */
const char *veth_bridge_error(int r);
int veth_usage_scan(int rtnl, const struct veth_bridge *br, uid_t owner, struct veth_usage *ret);
void veth_usage_free(struct veth_usage *u);

/* The first free address of the bridge's range (not the network, broadcast or bridge's own,
 * and not one in u), or -EADDRNOTAVAIL. Pure. */
int veth_pick_address(const struct veth_bridge *br, const struct veth_usage *u, struct in_addr *ret);

/* Create the pair for netns_fd on br, owned by owner, with address addr; on any failure
 * nothing is left behind. */
int veth_add(int rtnl, int netns_fd, const struct veth_bridge *br, uid_t owner, struct in_addr addr,
	     struct veth_pair *ret);

/* Delete the host end ifindex (and so the pair) when its alias names owner; any_owner (root)
 * still requires one of our aliases. -EPERM for another's, -ENODEV when it is gone. */
int veth_del(int rtnl, int ifindex, uid_t owner, bool any_owner);

/* Parse an alias "hutch-veth uid=U addr=A"; false for anything else. Pure. */
bool veth_alias_parse(const char *alias, uid_t *ret_uid, struct in_addr *ret_addr);
