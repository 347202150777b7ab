/* The egress ruleset (see nft.h). Launcher side, the caller's own privileges; the netlink
 * socket it writes to lives in the sandbox's network namespace.
 *
 * table inet hutch
 *   set allow4, allow6 (timeout)       addresses learnt from allowed names
 *   chain deny                          reject: TCP with a reset, the rest with ICMP
 *                                       admin-prohibited, so that a refused connect fails at
 *                                       once instead of hanging on a silent drop
 *   chain out (filter, output, 0)       lo and existing flows; the host's ports that are
 *                                       allowed; the host-gateway and (--deny-lan) private
 *                                       ranges; UDP; the allow sets; the rest (each refusal
 *                                       logged to NFLOG group NFT_LOG_GROUP with its rule as
 *                                       the prefix, then "deny")
 *   chain nat (nat, output, -100)       --via: outbound TCP redirected to the relay on lo
 *
 * Over 600 lines: most of it is the ruleset's netlink messages, one short builder per rule of the
 * table above. */
#include "egress/nft.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "egress/egress.h"
#include "lib/failure.h"

/* nft's datatype numbers for the set keys (nftables src/datatype.h). */
#define NFT_TYPE_IPADDR	 7
#define NFT_TYPE_IP6ADDR 8

/* net.c's user-mode layout: the gateway that stands for the host's loopback. */
#define HOST_GW4 "10.0.2.2"
#define HOST_GW6 "fd00::2"
/* and the back-end's own resolver, which would be a way around hutch's */
#define BACKEND_DNS4 "10.0.2.3"
#define BACKEND_DNS6 "fd00::3"

static struct {
	__typeof__(nftnl_table_alloc) *table_alloc;
	__typeof__(nftnl_table_free) *table_free;
	__typeof__(nftnl_table_set_str) *table_set_str;
	__typeof__(nftnl_table_set_u32) *table_set_u32;
	__typeof__(nftnl_table_nlmsg_build_payload) *table_build;
	__typeof__(nftnl_chain_alloc) *chain_alloc;
	__typeof__(nftnl_chain_free) *chain_free;
	__typeof__(nftnl_chain_set_str) *chain_set_str;
	__typeof__(nftnl_chain_set_u32) *chain_set_u32;
	__typeof__(nftnl_chain_set_s32) *chain_set_s32;
	__typeof__(nftnl_chain_nlmsg_build_payload) *chain_build;
	__typeof__(nftnl_set_alloc) *set_alloc;
	__typeof__(nftnl_set_free) *set_free;
	__typeof__(nftnl_set_set_str) *set_set_str;
	__typeof__(nftnl_set_set_u32) *set_set_u32;
	__typeof__(nftnl_set_nlmsg_build_payload) *set_build;
	__typeof__(nftnl_set_elem_alloc) *elem_alloc;
	__typeof__(nftnl_set_elem_set) *elem_set;
	__typeof__(nftnl_set_elem_set_u64) *elem_set_u64;
	__typeof__(nftnl_set_elem_add) *elem_add;
	__typeof__(nftnl_set_elems_nlmsg_build_payload) *elems_build;
	__typeof__(nftnl_rule_alloc) *rule_alloc;
	__typeof__(nftnl_rule_free) *rule_free;
	__typeof__(nftnl_rule_set_str) *rule_set_str;
	__typeof__(nftnl_rule_set_u32) *rule_set_u32;
	__typeof__(nftnl_rule_add_expr) *rule_add_expr;
	__typeof__(nftnl_rule_nlmsg_build_payload) *rule_build;
	__typeof__(nftnl_expr_alloc) *expr_alloc;
	__typeof__(nftnl_expr_set) *expr_set;
	__typeof__(nftnl_expr_set_u8) *expr_set_u8;
	__typeof__(nftnl_expr_set_u16) *expr_set_u16;
	__typeof__(nftnl_expr_set_u32) *expr_set_u32;
	__typeof__(nftnl_expr_set_str) *expr_set_str;
	__typeof__(nftnl_nlmsg_build_hdr) *build_hdr;
	__typeof__(nftnl_batch_begin) *batch_begin;
	__typeof__(nftnl_batch_end) *batch_end;
	bool loaded;
} nl;

#define NL_SYM(field, sym)               \
	{                                \
#sym, (void **)&nl.field \
	}
static const struct {
	const char *name;
	void **ptr;
} nl_syms[] = {
	NL_SYM(table_alloc, nftnl_table_alloc),
	NL_SYM(table_free, nftnl_table_free),
	NL_SYM(table_set_str, nftnl_table_set_str),
	NL_SYM(table_set_u32, nftnl_table_set_u32),
	NL_SYM(table_build, nftnl_table_nlmsg_build_payload),
	NL_SYM(chain_alloc, nftnl_chain_alloc),
	NL_SYM(chain_free, nftnl_chain_free),
	NL_SYM(chain_set_str, nftnl_chain_set_str),
	NL_SYM(chain_set_u32, nftnl_chain_set_u32),
	NL_SYM(chain_set_s32, nftnl_chain_set_s32),
	NL_SYM(chain_build, nftnl_chain_nlmsg_build_payload),
	NL_SYM(set_alloc, nftnl_set_alloc),
	NL_SYM(set_free, nftnl_set_free),
	NL_SYM(set_set_str, nftnl_set_set_str),
	NL_SYM(set_set_u32, nftnl_set_set_u32),
	NL_SYM(set_build, nftnl_set_nlmsg_build_payload),
	NL_SYM(elem_alloc, nftnl_set_elem_alloc),
	NL_SYM(elem_set, nftnl_set_elem_set),
	NL_SYM(elem_set_u64, nftnl_set_elem_set_u64),
	NL_SYM(elem_add, nftnl_set_elem_add),
	NL_SYM(elems_build, nftnl_set_elems_nlmsg_build_payload),
	NL_SYM(rule_alloc, nftnl_rule_alloc),
	NL_SYM(rule_free, nftnl_rule_free),
	NL_SYM(rule_set_str, nftnl_rule_set_str),
	NL_SYM(rule_set_u32, nftnl_rule_set_u32),
	NL_SYM(rule_add_expr, nftnl_rule_add_expr),
	NL_SYM(rule_build, nftnl_rule_nlmsg_build_payload),
	NL_SYM(expr_alloc, nftnl_expr_alloc),
	NL_SYM(expr_set, nftnl_expr_set),
	NL_SYM(expr_set_u8, nftnl_expr_set_u8),
	NL_SYM(expr_set_u16, nftnl_expr_set_u16),
	NL_SYM(expr_set_u32, nftnl_expr_set_u32),
	NL_SYM(expr_set_str, nftnl_expr_set_str),
	NL_SYM(build_hdr, nftnl_nlmsg_build_hdr),
	NL_SYM(batch_begin, nftnl_batch_begin),
	NL_SYM(batch_end, nftnl_batch_end),
};

/* Linked in, libnftnl and libmnl would load at every start, policy or not. */
int nft_load(struct failure *f)
{
	void *dl;

	if (nl.loaded)
		return 0;
	if (!(dl = dlopen("libnftnl.so.11", RTLD_NOW | RTLD_LOCAL)))
		return failx(f, "egress", "libnftnl.so.11 cannot be loaded (%s); install libnftnl11",
			     dlerror());
	for (size_t i = 0; i < ARRAY_SIZE(nl_syms); i++)
		if (!(*nl_syms[i].ptr = dlsym(dl, nl_syms[i].name)))
			return failx(f, "egress", "libnftnl.so.11 lacks %s", nl_syms[i].name);
	nl.loaded = true;
	return 0;
}

/* ---- one transaction ---------------------------------------------------------------------- */

struct batch {
	char buf[64 * 1024];
	size_t len;
	uint32_t seq;
	unsigned acks; /* messages that asked for an acknowledgement */
	bool overflow;
};

/* Room for one more message, its header written; NULL when the buffer is full. */
static struct nlmsghdr *batch_msg(struct batch *b, uint16_t type, uint16_t family, uint16_t flags)
{
	if (b->len + 8192 > sizeof(b->buf)) {
		b->overflow = true;
		return NULL;
	}
	b->acks++;
	return nl.build_hdr(b->buf + b->len, type, family, flags | NLM_F_ACK, b->seq++);
}

static void batch_done(struct batch *b, struct nlmsghdr *h)
{
	if (h)
		b->len += NLMSG_ALIGN(h->nlmsg_len);
}

static void batch_start(struct batch *b)
{
	struct nlmsghdr *h;

	b->len = 0;
	b->acks = 0;
	b->overflow = false;
	h = nl.batch_begin(b->buf, b->seq++);
	b->len += NLMSG_ALIGN(h->nlmsg_len);
}

/* Read what the kernel says about each message: the first error, or 0 when all were
 * acknowledged. */
static int batch_acks(int fd, unsigned want)
{
	char buf[8192];
	int first = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (want > 0) {
		if (poll(&p, 1, 2000) <= 0)
			return first ? first : -ETIMEDOUT;
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return first ? first : negative_errno();
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			const struct nlmsgerr *e = NLMSG_DATA(h);
			if (e->error < 0 && !first)
				first = e->error;
			if (want > 0)
				want--;
		}
		if (first)
			return first;
	}
	return 0;
}

static int batch_send(int fd, struct batch *b)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;

	if (b->overflow)
		return -E2BIG;
	h = nl.batch_end(b->buf + b->len, b->seq++);
	b->len += NLMSG_ALIGN(h->nlmsg_len);
	if (sendto(fd, b->buf, b->len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	return batch_acks(fd, b->acks);
}

/* ---- objects ------------------------------------------------------------------------------ */

static void add_table(struct batch *b)
{
	struct nftnl_table *t = nl.table_alloc();
	struct nlmsghdr *h = batch_msg(b, NFT_MSG_NEWTABLE, NFPROTO_INET, NLM_F_CREATE);

	nl.table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	if (h)
		nl.table_build(h, t);
	batch_done(b, h);
	nl.table_free(t);
}

/* A base chain when type is given, else a regular one (a jump target). */
static void add_chain(struct batch *b, const char *name, const char *type, uint32_t hook, int32_t prio)
{
	struct nftnl_chain *c = nl.chain_alloc();
	struct nlmsghdr *h = batch_msg(b, NFT_MSG_NEWCHAIN, NFPROTO_INET, NLM_F_CREATE);

	nl.chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nl.chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (type) {
		nl.chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nl.chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, hook);
		nl.chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		nl.chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	if (h)
		nl.chain_build(h, c);
	batch_done(b, h);
	nl.chain_free(c);
}

static void add_set(struct batch *b, const char *name, uint32_t id, bool v6)
{
	struct nftnl_set *s = nl.set_alloc();
	struct nlmsghdr *h = batch_msg(b, NFT_MSG_NEWSET, NFPROTO_INET, NLM_F_CREATE);

	nl.set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nl.set_set_str(s, NFTNL_SET_NAME, name);
	nl.set_set_u32(s, NFTNL_SET_ID, id);
	nl.set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	nl.set_set_u32(s, NFTNL_SET_KEY_TYPE, v6 ? NFT_TYPE_IP6ADDR : NFT_TYPE_IPADDR);
	nl.set_set_u32(s, NFTNL_SET_KEY_LEN, v6 ? 16 : 4);
	nl.set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_TIMEOUT);
	if (h)
		nl.set_build(h, s);
	batch_done(b, h);
	nl.set_free(s);
}

/* ---- rules: a list of expressions --------------------------------------------------------- */

struct rule {
	struct nftnl_rule *r;
};

static struct rule rule_new(const char *chain)
{
	struct rule r = { nl.rule_alloc() };

	nl.rule_set_str(r.r, NFTNL_RULE_TABLE, NFT_TABLE);
	nl.rule_set_str(r.r, NFTNL_RULE_CHAIN, chain);
	nl.rule_set_u32(r.r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	return r;
}

static void rule_commit(struct batch *b, struct rule *r)
{
	struct nlmsghdr *h = batch_msg(b, NFT_MSG_NEWRULE, NFPROTO_INET, NLM_F_CREATE | NLM_F_APPEND);

	if (h)
		nl.rule_build(h, r->r);
	batch_done(b, h);
	nl.rule_free(r->r);
	r->r = NULL;
}

static void x_meta(struct rule *r, uint32_t key)
{
	struct nftnl_expr *e = nl.expr_alloc("meta");

	nl.expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nl.expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	nl.rule_add_expr(r->r, e);
}

static void x_cmp(struct rule *r, enum nft_cmp_ops op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = nl.expr_alloc("cmp");

	nl.expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nl.expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nl.expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	nl.rule_add_expr(r->r, e);
}

static void x_payload(struct rule *r, uint32_t base, uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nl.expr_alloc("payload");

	nl.expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nl.expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nl.expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nl.expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nl.rule_add_expr(r->r, e);
}

static void x_bitwise(struct rule *r, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nl.expr_alloc("bitwise");
	static const uint8_t zero[16];

	nl.expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nl.expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nl.expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nl.expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nl.expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	nl.rule_add_expr(r->r, e);
}

static void x_verdict(struct rule *r, int verdict, const char *chain)
{
	struct nftnl_expr *e = nl.expr_alloc("immediate");

	nl.expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nl.expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	if (chain)
		nl.expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	nl.rule_add_expr(r->r, e);
}

static void x_log(struct rule *r, const char *prefix)
{
	struct nftnl_expr *e = nl.expr_alloc("log");

	nl.expr_set_u16(e, NFTNL_EXPR_LOG_GROUP, NFT_LOG_GROUP);
	nl.expr_set_u32(e, NFTNL_EXPR_LOG_SNAPLEN, 128);
	nl.expr_set_str(e, NFTNL_EXPR_LOG_PREFIX, prefix);
	nl.rule_add_expr(r->r, e);
}

static void x_reject(struct rule *r, uint32_t type, uint8_t code)
{
	struct nftnl_expr *e = nl.expr_alloc("reject");

	nl.expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, type);
	nl.expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, code);
	nl.rule_add_expr(r->r, e);
}

static void x_lookup(struct rule *r, const char *set, uint32_t id)
{
	struct nftnl_expr *e = nl.expr_alloc("lookup");

	nl.expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nl.expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	nl.expr_set_u32(e, NFTNL_EXPR_LOOKUP_SET_ID, id);
	nl.rule_add_expr(r->r, e);
}

static void m_u8(struct rule *r, uint32_t key, uint8_t v)
{
	x_meta(r, key);
	x_cmp(r, NFT_CMP_EQ, &v, 1);
}

/* The packet's family and destination within net/len (len in bits). */
static void m_daddr(struct rule *r, bool v6, const void *net, unsigned bits)
{
	uint8_t mask[16] = { 0 };
	unsigned n = v6 ? 16 : 4;

	m_u8(r, NFT_META_NFPROTO, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	x_payload(r, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 24 : 16, n);
	if (bits < n * 8) {
		for (unsigned i = 0; i < bits; i++)
			mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
		x_bitwise(r, mask, n);
	}
	x_cmp(r, NFT_CMP_EQ, net, n);
}

static void m_dport(struct rule *r, bool udp, uint16_t port)
{
	uint16_t be = htons(port);

	m_u8(r, NFT_META_L4PROTO, udp ? IPPROTO_UDP : IPPROTO_TCP);
	x_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
	x_cmp(r, NFT_CMP_EQ, &be, 2);
}

static void end_accept(struct batch *b, struct rule *r)
{
	x_verdict(r, NF_ACCEPT, NULL);
	rule_commit(b, r);
}

/* Logged with its rule's name, then rejected by the deny chain. */
static void end_deny(struct batch *b, struct rule *r, const char *why)
{
	x_log(r, why);
	x_verdict(r, NFT_JUMP, "deny");
	rule_commit(b, r);
}

/* ---- the ruleset -------------------------------------------------------------------------- */

static void rules_deny_chain(struct batch *b)
{
	struct rule r = rule_new("deny");

	m_u8(&r, NFT_META_L4PROTO, IPPROTO_TCP);
	x_reject(&r, NFT_REJECT_TCP_RST, 0);
	rule_commit(b, &r);
	r = rule_new("deny");
	x_reject(&r, NFT_REJECT_ICMPX_UNREACH, NFT_REJECT_ICMPX_ADMIN_PROHIBITED);
	rule_commit(b, &r);
}

/* Packets of flows that are already there: replies to connections into the sandbox, and
 * connections that started while their address was allowed (a set entry that times out ends
 * no connection). Stateless by default: a TCP segment that is not a bare SYN belongs to a
 * connection whose SYN passed this chain (only a raw socket, which needs CAP_NET_RAW, could
 * forge one), and this costs no conntrack on every packet. With CAP_NET_RAW kept, or UDP
 * forwarded in (whose replies have no TCP flags to tell), conntrack decides instead. */
static void rules_flows(struct batch *b, bool stateful)
{
	struct rule r = rule_new("out");
	uint32_t mask = NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED), zero = 0;
	uint8_t synack = 0x12, syn = 0x02; /* TCP flags: SYN 0x02, ACK 0x10 */
	struct nftnl_expr *e;

	if (!stateful) {
		m_u8(&r, NFT_META_L4PROTO, IPPROTO_TCP);
		x_payload(&r, NFT_PAYLOAD_TRANSPORT_HEADER, 13, 1);
		x_bitwise(&r, &synack, 1);
		x_cmp(&r, NFT_CMP_NEQ, &syn, 1);
		return end_accept(b, &r);
	}
	e = nl.expr_alloc("ct");
	nl.expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nl.expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	nl.rule_add_expr(r.r, e);
	x_bitwise(&r, &mask, 4);
	x_cmp(&r, NFT_CMP_NEQ, &zero, 4);
	end_accept(b, &r);
}

static void rules_base(struct batch *b, bool stateful)
{
	struct rule r = rule_new("out");
	uint32_t lo = 1; /* lo is always ifindex 1 in a new network namespace */
	uint8_t nd_first = 133, nd_last = 137, mcast = 0xff;

	x_meta(&r, NFT_META_OIF);
	x_cmp(&r, NFT_CMP_EQ, &lo, 4);
	end_accept(b, &r);
	rules_flows(b, stateful);
	/* IPv6 needs its neighbour discovery (ICMPv6 133-137) and multicast (ff00::/8, MLD):
	 * neither leaves the link, and refusing them breaks IPv6 or only makes noise. */
	r = rule_new("out");
	m_u8(&r, NFT_META_L4PROTO, IPPROTO_ICMPV6);
	x_payload(&r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1);
	x_cmp(&r, NFT_CMP_GTE, &nd_first, 1);
	x_cmp(&r, NFT_CMP_LTE, &nd_last, 1);
	end_accept(b, &r);
	r = rule_new("out");
	m_u8(&r, NFT_META_NFPROTO, NFPROTO_IPV6);
	x_payload(&r, NFT_PAYLOAD_NETWORK_HEADER, 24, 1);
	x_cmp(&r, NFT_CMP_EQ, &mcast, 1);
	end_accept(b, &r);
}

/* The host behind the user-mode gateway: only the ports asked for. */
static void rules_host(struct batch *b, const struct egress_config *e)
{
	struct in_addr gw4;
	struct in6_addr gw6;

	inet_pton(AF_INET, HOST_GW4, &gw4);
	inet_pton(AF_INET6, HOST_GW6, &gw6);
	for (int v6 = 0; v6 < 2; v6++) {
		const void *gw = v6 ? (const void *)&gw6 : (const void *)&gw4;
		for (size_t i = 0; i < e->n_host_ports; i++) {
			struct rule r = rule_new("out");
			m_daddr(&r, v6, gw, v6 ? 128 : 32);
			m_dport(&r, e->host_ports[i].udp, e->host_ports[i].port);
			end_accept(b, &r);
		}
		struct rule r = rule_new("out");
		m_daddr(&r, v6, gw, v6 ? 128 : 32);
		end_deny(b, &r, NFT_RULE_HOST);
	}
}

/* Names resolve through hutch's resolver only: an allowed name whose answer pointed at the
 * back-end's resolver must not open it. */
static void rules_backend_dns(struct batch *b)
{
	struct in6_addr a;

	for (int v6 = 0; v6 < 2; v6++) {
		struct rule r = rule_new("out");
		inet_pton(v6 ? AF_INET6 : AF_INET, v6 ? BACKEND_DNS6 : BACKEND_DNS4, &a);
		m_daddr(&r, v6, &a, v6 ? 128 : 32);
		end_deny(b, &r, NFT_RULE_RESOLVER);
	}
}

static void rules_lan(struct batch *b)
{
	static const struct {
		const char *net;
		unsigned bits;
	} lan[] = { { "10.0.0.0", 8 },	  { "172.16.0.0", 12 }, { "192.168.0.0", 16 }, { "169.254.0.0", 16 },
		    { "100.64.0.0", 10 }, { "fc00::", 7 },	{ "fe80::", 10 } };

	for (size_t i = 0; i < ARRAY_SIZE(lan); i++) {
		struct in6_addr a;
		bool v6 = strchr(lan[i].net, ':') != NULL;
		inet_pton(v6 ? AF_INET6 : AF_INET, lan[i].net, &a);
		struct rule r = rule_new("out");
		m_daddr(&r, v6, &a, lan[i].bits);
		end_deny(b, &r, NFT_RULE_LAN);
	}
}

static void rules_allowlist(struct batch *b, const struct egress_config *e)
{
	struct rule r;

	if (!e->allow_udp) {
		r = rule_new("out");
		m_u8(&r, NFT_META_L4PROTO, IPPROTO_UDP);
		end_deny(b, &r, NFT_RULE_UDP);
	}
	for (int v6 = 0; v6 < 2; v6++) {
		r = rule_new("out");
		m_u8(&r, NFT_META_NFPROTO, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
		x_payload(&r, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 24 : 16, v6 ? 16 : 4);
		x_lookup(&r, v6 ? "allow6" : "allow4", v6 ? 2 : 1);
		end_accept(b, &r);
	}
	r = rule_new("out");
	end_deny(b, &r, e->via ? NFT_RULE_VIA : NFT_RULE_DOMAIN);
}

/* The filter hook sees a redirected packet with its first output device (meta oif is not
 * updated by the nat hook's new route): its new destination is what lets it pass. */
static void rules_relay_accept(struct batch *b, uint16_t relay_port)
{
	struct rule r = rule_new("out");
	struct in_addr lo;

	inet_pton(AF_INET, "127.0.0.1", &lo);
	m_daddr(&r, false, &lo, 32);
	m_dport(&r, false, relay_port);
	end_accept(b, &r);
}

/* --via: every outbound TCP connection (not to lo) goes to the relay instead. */
static void rules_redirect(struct batch *b, uint16_t relay_port)
{
	struct rule r = rule_new("nat");
	uint32_t lo = 1;
	uint16_t port = htons(relay_port);
	struct nftnl_expr *e;

	x_meta(&r, NFT_META_OIF);
	x_cmp(&r, NFT_CMP_NEQ, &lo, 4);
	m_u8(&r, NFT_META_NFPROTO, NFPROTO_IPV4);
	m_u8(&r, NFT_META_L4PROTO, IPPROTO_TCP);
	e = nl.expr_alloc("immediate");
	nl.expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_1);
	nl.expr_set(e, NFTNL_EXPR_IMM_DATA, &port, 2);
	nl.rule_add_expr(r.r, e);
	e = nl.expr_alloc("redir");
	nl.expr_set_u32(e, NFTNL_EXPR_REDIR_REG_PROTO_MIN, NFT_REG_1);
	nl.rule_add_expr(r.r, e);
	rule_commit(b, &r);
}

static struct batch *batch_alloc(void)
{
	struct batch *b = calloc(1, sizeof(*b));

	if (b)
		b->seq = 1;
	return b;
}

int nft_install(int nl_fd, const struct egress_config *e, uint16_t relay_port, bool stateful,
		struct failure *f)
{
	_cleanup_free_ struct batch *b = batch_alloc();
	bool reject_rest = (e->allow_domain && !e->record_all) || e->via;
	int r;

	if (!b)
		return fail(f, -ENOMEM, "egress", NULL);
	batch_start(b);
	add_table(b);
	add_set(b, "allow4", 1, false);
	add_set(b, "allow6", 2, true);
	add_chain(b, "deny", NULL, 0, 0);
	add_chain(b, "out", "filter", NF_INET_LOCAL_OUT, 0);
	if (relay_port)
		add_chain(b, "nat", "nat", NF_INET_LOCAL_OUT, -100);
	rules_deny_chain(b);
	rules_base(b, stateful || relay_port);
	rules_host(b, e);
	rules_backend_dns(b);
	if (e->deny_lan)
		rules_lan(b);
	if (relay_port)
		rules_relay_accept(b, relay_port);
	if (reject_rest)
		rules_allowlist(b, e);
	if (relay_port)
		rules_redirect(b, relay_port);
	if ((r = batch_send(nl_fd, b)) < 0)
		return fail(f, r, "egress",
			    "installing the nftables ruleset in the sandbox's network namespace");
	return 0;
}

static uint64_t timeout_ms(uint32_t ttl)
{
	uint32_t s = ttl < NFT_TTL_FLOOR ? NFT_TTL_FLOOR : ttl > NFT_TTL_CEILING ? NFT_TTL_CEILING : ttl;

	return (uint64_t)s * 1000;
}

/* One message adding (or deleting) one element. */
static void elem_msg(struct batch *b, const struct nft_addr *a, uint16_t type, bool timeout)
{
	struct nftnl_set *s = nl.set_alloc();
	struct nftnl_set_elem *el = nl.elem_alloc();
	bool v6 = a->family == AF_INET6;
	struct nlmsghdr *h = batch_msg(b, type, NFPROTO_INET, type == NFT_MSG_NEWSETELEM ? NLM_F_CREATE : 0);

	nl.set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nl.set_set_str(s, NFTNL_SET_NAME, v6 ? "allow6" : "allow4");
	nl.elem_set(el, NFTNL_SET_ELEM_KEY, v6 ? (const void *)&a->v6 : (const void *)&a->v4, v6 ? 16 : 4);
	if (timeout)
		nl.elem_set_u64(el, NFTNL_SET_ELEM_TIMEOUT, timeout_ms(a->ttl));
	nl.elem_add(s, el);
	if (h)
		nl.elems_build(h, s);
	batch_done(b, h);
	nl.set_free(s);
}

int nft_allow(int nl_fd, const struct nft_addr *a, size_t n, struct failure *f)
{
	_cleanup_free_ struct batch *b = batch_alloc();
	int r;

	if (!b)
		return fail(f, -ENOMEM, "egress", NULL);
	batch_start(b);
	/* Add, delete, add: an element that exists keeps its old timeout on older kernels when
	 * it is only added again; this way it always gets the new one, in one transaction. */
	for (size_t i = 0; i < n; i++) {
		elem_msg(b, &a[i], NFT_MSG_NEWSETELEM, true);
		elem_msg(b, &a[i], NFT_MSG_DELSETELEM, false);
		elem_msg(b, &a[i], NFT_MSG_NEWSETELEM, true);
	}
	if ((r = batch_send(nl_fd, b)) < 0)
		return fail(f, r, "egress", "adding to the allow set");
	return 0;
}
