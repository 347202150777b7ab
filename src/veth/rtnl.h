/* A minimal rtnetlink client: build one request, send it, read the acknowledgement or walk a
 * dump. Used by hutch-veth (setuid root) and by a launcher running as root; no state, no
 * printing, -errno on failure. */
#pragma once

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdint.h>

#define RTNL_REQ_SIZE 1024

struct rtnl_req {
	union {
		struct nlmsghdr h;
		char buf[RTNL_REQ_SIZE];
	};
	struct rtattr *nest[4]; /* open nested attributes */
	unsigned depth;
	int overflow; /* set when an attribute did not fit: the request is refused */
};

/* A NETLINK_ROUTE socket in the current network namespace, or in netns_fd's (>= 0): the socket
 * keeps the namespace it was created in, so the caller steps in only for socket(2). */
int rtnl_open(int netns_fd);

/* Start a request: the header plus the fixed part (ifinfomsg, ifaddrmsg, rtmsg) of hdr_len. */
void *rtnl_init(struct rtnl_req *r, uint16_t type, uint16_t flags, size_t hdr_len);
void rtnl_attr(struct rtnl_req *r, unsigned short type, const void *data, size_t len);
void rtnl_attr_str(struct rtnl_req *r, unsigned short type, const char *s);
void rtnl_attr_u32(struct rtnl_req *r, unsigned short type, uint32_t v);
/* Raw bytes at the end (the ifinfomsg that opens VETH_INFO_PEER's payload). */
void rtnl_raw(struct rtnl_req *r, const void *data, size_t len);
void rtnl_nest_begin(struct rtnl_req *r, unsigned short type);
void rtnl_nest_end(struct rtnl_req *r);

/* Send and wait for the kernel's acknowledgement: 0 or its -errno. */
int rtnl_talk(int fd, struct rtnl_req *r);

/* Send a dump request (or a single GET) and call cb for each answer until the end; a negative
 * return from cb stops the walk and is returned. */
typedef int (*rtnl_cb)(const struct nlmsghdr *h, void *arg);
int rtnl_dump(int fd, struct rtnl_req *r, rtnl_cb cb, void *arg);

/* The attributes following a fixed header of hdr_len bytes, indexed by type (0..max). */
void rtnl_parse(const struct nlmsghdr *h, size_t hdr_len, const struct rtattr **tb, unsigned max);
void rtnl_parse_nested(const struct rtattr *nest, const struct rtattr **tb, unsigned max);
