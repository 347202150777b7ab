/* The rtnetlink client (see rtnl.h). Runs in hutch-veth (setuid root) or in a root launcher;
 * it decides nothing: what is allowed was checked by its caller before any request is built. */
#include "veth/rtnl.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/macro.h"

int rtnl_open(int netns_fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int own = -1, fd, r = 0;

	if (netns_fd >= 0) {
		own = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (own < 0 || setns(netns_fd, CLONE_NEWNET) < 0) {
			r = negative_errno();
			safe_close(own);
			return r;
		}
	}
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		r = negative_errno();
	/* Going back cannot fail for a process that could come in; if it did, carrying on in
	 * the caller's namespace would configure the wrong one. */
	if (own >= 0 && setns(own, CLONE_NEWNET) < 0)
		abort();
	safe_close(own);
	if (r == 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		r = negative_errno();
	if (r < 0) {
		safe_close(fd);
		return r;
	}
	return fd;
}

void *rtnl_init(struct rtnl_req *r, uint16_t type, uint16_t flags, size_t hdr_len)
{
	memset(r, 0, sizeof(*r));
	r->h.nlmsg_len = NLMSG_LENGTH(hdr_len);
	r->h.nlmsg_type = type;
	r->h.nlmsg_flags = NLM_F_REQUEST | flags;
	r->h.nlmsg_seq = 1;
	return NLMSG_DATA(&r->h);
}

void rtnl_attr(struct rtnl_req *r, unsigned short type, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->h.nlmsg_len);
	struct rtattr *a = (struct rtattr *)(r->buf + off);

	if (off + RTA_SPACE(len) > sizeof(r->buf) || RTA_LENGTH(len) > 0xffff) {
		r->overflow = 1;
		return;
	}
	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), data, len);
	r->h.nlmsg_len = (uint32_t)(off + RTA_SPACE(len));
}

void rtnl_attr_str(struct rtnl_req *r, unsigned short type, const char *s)
{
	rtnl_attr(r, type, s, strlen(s) + 1);
}

void rtnl_attr_u32(struct rtnl_req *r, unsigned short type, uint32_t v)
{
	rtnl_attr(r, type, &v, sizeof(v));
}

void rtnl_raw(struct rtnl_req *r, const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(r->h.nlmsg_len);

	if (off + NLMSG_ALIGN(len) > sizeof(r->buf)) {
		r->overflow = 1;
		return;
	}
	memcpy(r->buf + off, data, len);
	r->h.nlmsg_len = (uint32_t)(off + NLMSG_ALIGN(len));
}

void rtnl_nest_begin(struct rtnl_req *r, unsigned short type)
{
	size_t off = NLMSG_ALIGN(r->h.nlmsg_len);

	if (r->depth >= ARRAY_SIZE(r->nest)) {
		r->overflow = 1;
		return;
	}
	rtnl_attr(r, type, NULL, 0);
	r->nest[r->depth++] = (struct rtattr *)(r->buf + off);
}

void rtnl_nest_end(struct rtnl_req *r)
{
	if (r->depth == 0 || r->overflow)
		return;
	struct rtattr *a = r->nest[--r->depth];
	a->rta_len = (unsigned short)(r->buf + r->h.nlmsg_len - (char *)a);
}

static int rtnl_send(int fd, struct rtnl_req *r)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	if (r->overflow || r->depth)
		return -EMSGSIZE;
	if (sendto(fd, r->buf, r->h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	return 0;
}

/* One answer of the kernel's for a request: -errno of an NLMSG_ERROR, 1 at NLMSG_DONE, else
 * what cb returns (0: go on). */
static int rtnl_one(const struct nlmsghdr *h, rtnl_cb cb, void *arg)
{
	if (h->nlmsg_type == NLMSG_DONE)
		return 1;
	if (h->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *e = NLMSG_DATA(h);
		if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
			return -EBADMSG;
		return e->error < 0 ? e->error : 1;
	}
	return cb ? cb(h, arg) : 0;
}

int rtnl_dump(int fd, struct rtnl_req *r, rtnl_cb cb, void *arg)
{
	/* Dumps come in datagrams up to a page or so each; 32 KiB holds any of them. */
	_cleanup_free_ char *buf = malloc(32768);
	int ret = rtnl_send(fd, r);

	if (!buf)
		return -ENOMEM;
	while (ret == 0) {
		ssize_t n = recv(fd, buf, 32768, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? negative_errno() : -EPIPE;
		int len = (int)n;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; ret == 0 && NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len))
			if (h->nlmsg_seq == r->h.nlmsg_seq)
				ret = rtnl_one(h, cb, arg);
		/* A single GET is answered by one message, no DONE. */
		if (ret == 0 && !(r->h.nlmsg_flags & NLM_F_DUMP))
			ret = 1;
	}
	return ret < 0 ? ret : 0;
}

int rtnl_talk(int fd, struct rtnl_req *r)
{
	r->h.nlmsg_flags |= NLM_F_ACK;
	return rtnl_dump(fd, r, NULL, NULL);
}

static void rtnl_fill(const struct rtattr *a, size_t len, const struct rtattr **tb, unsigned max)
{
	memset(tb, 0, sizeof(*tb) * (max + 1));
	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		unsigned short t = a->rta_type & NLA_TYPE_MASK;
		if (t <= max)
			tb[t] = a;
	}
}

void rtnl_parse(const struct nlmsghdr *h, size_t hdr_len, const struct rtattr **tb, unsigned max)
{
	const char *start = (const char *)NLMSG_DATA(h) + NLMSG_ALIGN(hdr_len);
	long len = (long)h->nlmsg_len - (long)NLMSG_LENGTH(NLMSG_ALIGN(hdr_len));

	rtnl_fill((const struct rtattr *)start, len > 0 ? (size_t)len : 0, tb, max);
}

void rtnl_parse_nested(const struct rtattr *nest, const struct rtattr **tb, unsigned max)
{
	rtnl_fill(RTA_DATA(nest), RTA_PAYLOAD(nest), tb, max);
}
