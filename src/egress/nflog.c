/* The refusals of the ruleset, read back: every rejecting rule logs to NFLOG group
 * NFT_LOG_GROUP with its rule's name as the prefix, and the launcher reads the group through a
 * NETLINK_NETFILTER socket that pid 1 opened in the sandbox's network namespace (binding a
 * group needs CAP_NET_ADMIN there, which the launcher has as the namespace's owner). Each
 * refused destination becomes a connect event. Launcher side. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_log.h>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "egress/egress-int.h"
#include "launcher/events.h"
#include "lib/failure.h"
#include "egress/nft.h"

/* One NFULNL_MSG_CONFIG request with one attribute. */
static int nflog_config(int fd, uint16_t attr, const void *data, uint16_t len)
{
	struct {
		struct nlmsghdr h;
		struct nfgenmsg g;
		struct nlattr a;
		char data[16];
	} req = { 0 };
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[512];

	req.h.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(req.g)) + NLA_ALIGN(NLA_HDRLEN + len));
	req.h.nlmsg_type = (NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_CONFIG;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.g.nfgen_family = AF_UNSPEC;
	req.g.version = NFNETLINK_V0;
	req.g.res_id = htons(NFT_LOG_GROUP);
	req.a.nla_len = (uint16_t)(NLA_HDRLEN + len);
	req.a.nla_type = attr;
	memcpy(req.data, data, len);
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	ssize_t n = recv(fd, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct nlmsgerr)))
		return n < 0 ? negative_errno() : -EBADMSG;
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	return h->nlmsg_type == NLMSG_ERROR ? ((const struct nlmsgerr *)NLMSG_DATA(h))->error : 0;
}

static const char *reason_of(const char *rule)
{
	if (strcmp(rule, NFT_RULE_LAN) == 0)
		return "a LAN address (deny-lan)";
	if (strcmp(rule, NFT_RULE_HOST) == 0)
		return "host port not in allow-host-port";
	if (strcmp(rule, NFT_RULE_UDP) == 0)
		return "UDP without allow-udp";
	if (strcmp(rule, NFT_RULE_RESOLVER) == 0)
		return "names resolve through hutch's resolver only";
	if (strcmp(rule, NFT_RULE_VIA) == 0)
		return "only TCP goes through via";
	return "not in allow-domain";
}

/* "203.0.113.7:443" for TCP, "…:53/udp", "[2001:db8::1]:443", "192.0.2.1/icmp". */
static int describe(const uint8_t *p, size_t len, char *out, size_t size)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned proto, hl;
	bool v6;

	if (len < 20)
		return -EBADMSG;
	v6 = (p[0] >> 4) == 6;
	if (v6 && len < 40)
		return -EBADMSG;
	inet_ntop(v6 ? AF_INET6 : AF_INET, v6 ? p + 24 : p + 16, addr, sizeof(addr));
	proto = v6 ? p[6] : p[9];
	hl = v6 ? 40 : (unsigned)(p[0] & 0x0f) * 4;
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && len >= hl + 4) {
		unsigned port = (unsigned)(p[hl + 2] << 8 | p[hl + 3]);
		snprintf(out, size, "%s%s%s:%u%s", v6 ? "[" : "", addr, v6 ? "]" : "", port,
			 proto == IPPROTO_UDP ? "/udp" : "");
	} else
		snprintf(out, size, "%s/%s", addr,
			 proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ? "icmp" : "ip");
	return 0;
}

static void on_packet(struct egress_state *st, const struct nlmsghdr *h)
{
	const char *prefix = NFT_RULE_DOMAIN;
	const uint8_t *payload = NULL;
	size_t plen = 0;
	char detail[80];
	size_t off = NLMSG_ALIGN(sizeof(struct nfgenmsg));
	const uint8_t *base = NLMSG_DATA(h);
	size_t total = h->nlmsg_len - NLMSG_HDRLEN;

	while (off + NLA_HDRLEN <= total) {
		const struct nlattr *a = (const struct nlattr *)(base + off);
		if (a->nla_len < NLA_HDRLEN || off + a->nla_len > total)
			break;
		const uint8_t *d = base + off + NLA_HDRLEN;
		size_t dl = a->nla_len - NLA_HDRLEN;
		if ((a->nla_type & NLA_TYPE_MASK) == NFULA_PREFIX && dl > 0 && d[dl - 1] == '\0')
			prefix = (const char *)d;
		else if ((a->nla_type & NLA_TYPE_MASK) == NFULA_PAYLOAD)
			payload = d, plen = dl;
		off += NLA_ALIGN(a->nla_len);
	}
	if (!payload || describe(payload, plen, detail, sizeof(detail)) < 0)
		return;
	struct event ev = { .kind = EVENT_CONNECT,
			    .action = EVENT_DENIED,
			    .detail = detail,
			    .rule = prefix,
			    .reason = reason_of(prefix),
			    .result = "reject" };
	events_emit(st->ev, &ev);
}

static int handle_nflog(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct egress_state *st = src->data;
	char buf[8192];

	for (;;) {
		ssize_t n = recv(st->fds[FD_NFLOG], buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			return 0; /* EAGAIN; ENOBUFS (log messages lost) is not a reason to stop */
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == ((NFNL_SUBSYS_ULOG << 8) | NFULNL_MSG_PACKET))
				on_packet(st, h);
	}
}

void nflog_drain(struct egress_state *st)
{
	if (st->src_nflog.handler)
		handle_nflog(&st->src_nflog, 0, NULL);
}

int nflog_start(struct egress_state *st, struct failure *f)
{
	struct nfulnl_msg_config_cmd bind = { NFULNL_CFG_CMD_BIND };
	struct nfulnl_msg_config_mode mode = { .copy_range = htonl(128), .copy_mode = NFULNL_COPY_PACKET };
	/* Each packet at once: the kernel's default holds up to 100 for up to a second. */
	uint32_t qthresh = htonl(1);
	int fd = st->fds[FD_NFLOG], r;

	if ((r = nflog_config(fd, NFULA_CFG_CMD, &bind, sizeof(bind))) < 0 ||
	    (r = nflog_config(fd, NFULA_CFG_MODE, &mode, sizeof(mode))) < 0 ||
	    (r = nflog_config(fd, NFULA_CFG_QTHRESH, &qthresh, sizeof(qthresh))) < 0)
		return fail(f, r, "egress", "binding the nft log group in the sandbox's network namespace");
	st->src_nflog = (struct loop_source){ fd, handle_nflog, st };
	if ((r = loop_add(st->lp, &st->src_nflog)) < 0)
		return fail(f, r, "epoll", NULL);
	return 0;
}
