/* The sandbox's resolver, served by the launcher from its event loop: it reads queries on a
 * UDP socket that pid 1 bound to EGRESS_RESOLVER_ADDR:53 inside the sandbox, answers NXDOMAIN
 * for names the allowlist does not hold, and forwards the rest from the host to the host's
 * resolver (or --dns-upstream). Each A/AAAA address of an answer goes into the nft allow set,
 * acknowledged by the kernel, before the answer is passed on: the program cannot connect
 * before its address is allowed. Under socks5h:// the resolver answers A queries itself with
 * stand-in addresses, so that no query leaves; the relay turns them back into names.
 * Launcher side, the caller's own privileges. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "front/config.h"
#include "egress/dns.h"
#include "egress/egress-int.h"
#include "egress/egress.h"
#include "launcher/events.h"
#include "lib/failure.h"
#include "egress/nft.h"

/* Whether names are checked and addresses learnt (otherwise every name resolves: --deny-lan
 * alone, or the record mode). */
static bool filtering(const struct egress_config *e)
{
	return e->allow_domain && !e->record_all;
}

static void emit_dns(struct egress_state *st, const char *name, bool denied)
{
	struct event ev = {
		.kind = EVENT_DNS,
		.action = denied ? EVENT_DENIED : EVENT_ALLOWED,
		.detail = name,
		.rule = denied ? "allow-domain" : "record",
		.reason = denied ? "not in allow-domain" : NULL,
		.result = denied ? "NXDOMAIN" : NULL,
	};

	events_emit(st->ev, &ev);
}

static void tcp_close(struct egress_tcp *t)
{
	loop_del(t->st->lp, &t->src);
	t->src.fd = safe_close(t->src.fd);
	t->len = 0;
	t->gen++;
}

/* A sandbox that stopped reading loses its answer, never the launcher's loop. */
static void reply(struct egress_state *st, const void *msg, size_t len, const struct egress_client *to)
{
	struct egress_tcp *t = to->tcp >= 0 ? st->tcp[to->tcp] : NULL;

	if (to->tcp < 0) {
		sendto(st->fds[FD_DNS], msg, len, MSG_DONTWAIT, (const struct sockaddr *)&to->addr,
		       to->addr_len);
		return;
	}
	if (!t || t->gen != to->gen || t->src.fd < 0)
		return;
	uint8_t pre[2] = { (uint8_t)(len >> 8), (uint8_t)len };
	struct iovec iov[2] = { { pre, 2 }, { (void *)msg, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	if (sendmsg(t->src.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)(len + 2))
		tcp_close(t);
}

/* ---- socks5h stand-ins -------------------------------------------------------------------- */

static int synth_addr(struct egress_state *st, const char *name, struct in_addr *ret)
{
	size_t i;

	for (i = 0; i < st->n_synth; i++)
		if (strcmp(st->synth[i], name) == 0)
			break;
	if (i == st->n_synth) {
		if (st->n_synth >= EGRESS_SYNTH_MAX)
			return -ENOSPC;
		char **v = realloc(st->synth, (st->n_synth + 1) * sizeof(*v));
		if (!v)
			return -ENOMEM;
		st->synth = v;
		if (!(v[st->n_synth] = strdup(name)))
			return -ENOMEM;
		st->n_synth++;
	}
	ret->s_addr = htonl(EGRESS_SYNTH_NET + 1 + (uint32_t)i);
	return 0;
}

const char *resolver_synth_name(const struct egress_state *st, struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (h <= EGRESS_SYNTH_NET || h - EGRESS_SYNTH_NET - 1 >= st->n_synth)
		return NULL;
	return st->synth[h - EGRESS_SYNTH_NET - 1];
}

/* A for a stand-in (a short TTL: nothing is cached beyond this run anyway), no data for the
 * rest: the upstream proxy resolves the name when the program connects. */
static void answer_synth(struct egress_state *st, const uint8_t *q, const struct dns_question *dq,
			 const struct egress_client *from)
{
	uint8_t out[DNS_MAX_UDP];
	struct in_addr a;
	bool a_query = dq->qtype == DNS_TYPE_A && dq->qclass == 1;
	int rc = a_query && synth_addr(st, dq->name, &a) < 0 ? DNS_RCODE_SERVFAIL : 0;
	int n = dns_build_answer(q, dq, rc, a_query && rc == 0 ? &a : NULL, 60, out, sizeof(out));

	if (st->e->record_all)
		emit_dns(st, dq->name, false);
	if (n > 0)
		reply(st, out, (size_t)n, from);
}

/* ---- http://: names for CONNECT ------------------------------------------------------------ */

struct name_ctx {
	struct egress_state *st;
	const char *name;
};

static void remember_name(int family, const void *addr, uint32_t ttl, void *data)
{
	struct name_ctx *ctx = data;
	struct egress_state *st = ctx->st;

	if (family != AF_INET || !st->names)
		return;
	struct egress_name *n = &st->names[st->next_name++ % EGRESS_NAMES];
	memcpy(&n->addr, addr, 4);
	snprintf(n->name, sizeof(n->name), "%s", ctx->name);
}

const char *resolver_answered_name(const struct egress_state *st, struct in_addr a)
{
	/* Newest first: an address that moved to another name is asked for by the new one. */
	for (size_t i = 0; st->names && i < EGRESS_NAMES && i < st->next_name; i++) {
		const struct egress_name *n = &st->names[(st->next_name - 1 - i) % EGRESS_NAMES];
		if (n->addr.s_addr == a.s_addr)
			return n->name;
	}
	return NULL;
}

/* ---- forwarding --------------------------------------------------------------------------- */

static void forward(struct egress_state *st, uint8_t *q, size_t len, const struct dns_question *dq,
		    const struct egress_client *from)
{
	struct egress_pending *p = &st->pending[st->next_pending++ % EGRESS_PENDING];

	/* The oldest slot is reused: a query whose answer never came is forgotten, and the
	 * program's own retry asks again. */
	*p = (struct egress_pending){ .used = true, .client_id = dns_id(q), .client = *from };
	snprintf(p->name, sizeof(p->name), "%s", dq->name);
	do
		p->our_id = st->next_id++;
	while (p->our_id == 0);
	dns_set_id(q, p->our_id);
	sendto(st->up_fd, q, len, MSG_DONTWAIT, (struct sockaddr *)&st->up, st->up_len);
}

static void on_query(struct egress_state *st, uint8_t *q, size_t len, const struct egress_client *from)
{
	struct dns_question dq;
	uint8_t out[DNS_MAX_UDP];
	int n;

	if (dns_parse_query(q, len, &dq) < 0)
		return;
	if (filtering(st->e) && !egress_domain_allowed(st->e, dq.name)) {
		emit_dns(st, dq.name, true);
		if ((n = dns_build_answer(q, &dq, DNS_RCODE_NXDOMAIN, NULL, 0, out, sizeof(out))) > 0)
			reply(st, out, (size_t)n, from);
		return;
	}
	if (st->e->via == VIA_SOCKS5H)
		return answer_synth(st, q, &dq, from);
	forward(st, q, len, &dq, from);
}

static int handle_dns(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct egress_state *st = src->data;
	uint8_t buf[DNS_MAX_UDP];

	for (;;) {
		struct egress_client from = { .tcp = -1, .addr_len = sizeof(from.addr) };
		ssize_t n = recvfrom(st->fds[FD_DNS], buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from.addr, &from.addr_len);
		if (n < 0)
			return 0;
		on_query(st, buf, (size_t)n, &from);
	}
}

/* Each complete message in a TCP connection's buffer is one query. */
static void tcp_queries(struct egress_tcp *t, int slot)
{
	uint8_t q[DNS_MAX_UDP];
	size_t need;

	while (t->len >= 2 && t->len >= (need = 2 + (size_t)(t->buf[0] << 8 | t->buf[1]))) {
		struct egress_client from = { .tcp = slot, .gen = t->gen };
		if (need - 2 <= sizeof(q)) {
			memcpy(q, t->buf + 2, need - 2);
			on_query(t->st, q, need - 2, &from);
		}
		if (t->src.fd < 0)
			return; /* the answer could not be written: closed */
		memmove(t->buf, t->buf + need, t->len - need);
		t->len -= need;
	}
}

static int handle_tcp(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct egress_tcp *t = src->data;
	int slot = 0;

	if (t->src.fd < 0)
		return 0;
	ssize_t n = recv(t->src.fd, t->buf + t->len, sizeof(t->buf) - t->len, MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		tcp_close(t);
		return 0;
	}
	t->len += n > 0 ? (size_t)n : 0;
	while (slot < EGRESS_TCP_CLIENTS && t->st->tcp[slot] != t)
		slot++;
	tcp_queries(t, slot);
	return 0;
}

static int handle_dns_tcp(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct egress_state *st = src->data;
	int fd;

	while ((fd = accept4(src->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		int i;
		for (i = 0; i < EGRESS_TCP_CLIENTS; i++)
			if (!st->tcp[i] || st->tcp[i]->src.fd < 0)
				break;
		if (i == EGRESS_TCP_CLIENTS ||
		    (!st->tcp[i] && !(st->tcp[i] = calloc(1, sizeof(*st->tcp[i]))))) {
			close(fd); /* too many at once: the client retries */
			continue;
		}
		struct egress_tcp *t = st->tcp[i];
		t->st = st;
		t->len = 0;
		t->src = (struct loop_source){ fd, handle_tcp, t };
		if (loop_add(st->lp, &t->src) < 0)
			tcp_close(t);
	}
	return 0;
}

/* ---- answers ------------------------------------------------------------------------------ */

struct learnt {
	struct nft_addr a[64];
	size_t n;
};

static void collect(int family, const void *addr, uint32_t ttl, void *data)
{
	struct learnt *l = data;

	if (l->n >= ARRAY_SIZE(l->a))
		return;
	l->a[l->n] = (struct nft_addr){ .family = family, .ttl = ttl > INT32_MAX ? 0 : ttl };
	memcpy(family == AF_INET ? (void *)&l->a[l->n].v4 : (void *)&l->a[l->n].v6, addr,
	       family == AF_INET ? 4 : 16);
	l->n++;
}

static struct egress_pending *find_pending(struct egress_state *st, uint16_t id)
{
	for (size_t i = 0; i < EGRESS_PENDING; i++)
		if (st->pending[i].used && st->pending[i].our_id == id)
			return &st->pending[i];
	return NULL;
}

static bool from_upstream(const struct egress_state *st, const struct sockaddr_storage *from)
{
	if (from->ss_family != st->up.ss_family)
		return false;
	if (from->ss_family == AF_INET)
		return memcmp(&((struct sockaddr_in *)from)->sin_addr,
			      &((struct sockaddr_in *)&st->up)->sin_addr, 4) == 0 &&
		       ((struct sockaddr_in *)from)->sin_port == ((struct sockaddr_in *)&st->up)->sin_port;
	return memcmp(&((struct sockaddr_in6 *)from)->sin6_addr, &((struct sockaddr_in6 *)&st->up)->sin6_addr,
		      16) == 0 &&
	       ((struct sockaddr_in6 *)from)->sin6_port == ((struct sockaddr_in6 *)&st->up)->sin6_port;
}

static void on_answer(struct egress_state *st, uint8_t *msg, size_t len)
{
	struct egress_pending *p = len >= DNS_HEADER ? find_pending(st, dns_id(msg)) : NULL;
	struct learnt l = { .n = 0 };
	struct failure ignored = { 0 };

	if (!p)
		return;
	p->used = false;
	dns_set_id(msg, p->client_id);
	if (st->e->record_all)
		emit_dns(st, p->name, false);
	if (st->names) {
		struct name_ctx ctx = { st, p->name };
		dns_parse_answers(msg, len, remember_name, &ctx);
	}
	if (filtering(st->e) && dns_parse_answers(msg, len, collect, &l) > 0 &&
	    nft_allow(st->fds[FD_NFT], l.a, l.n, &ignored) < 0) {
		/* Not allowed, so not answered: the program sees a failure, not a hang. */
		msg[3] = (uint8_t)((msg[3] & 0xf0) | DNS_RCODE_SERVFAIL);
		msg[6] = msg[7] = 0;
	}
	reply(st, msg, len, &p->client);
}

static int handle_upstream(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct egress_state *st = src->data;
	uint8_t buf[DNS_MAX_UDP];

	for (;;) {
		struct sockaddr_storage from;
		socklen_t from_len = sizeof(from);
		ssize_t n =
		    recvfrom(st->up_fd, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &from_len);
		if (n < 0)
			return 0;
		if (from_upstream(st, &from))
			on_answer(st, buf, (size_t)n);
	}
}

/* ---- start -------------------------------------------------------------------------------- */

static void fclosep(FILE **fp)
{
	if (*fp)
		fclose(*fp);
}

/* The first nameserver of the host's /etc/resolv.conf. */
static int host_nameserver(struct sockaddr_storage *ss, socklen_t *len, struct failure *f)
{
	_cleanup_(fclosep) FILE *fp = fopen("/etc/resolv.conf", "re");
	char line[512], addr[128];

	if (!fp)
		return fail(f, negative_errno(), "egress", "/etc/resolv.conf (or give --dns-upstream)");
	while (fgets(line, sizeof(line), fp)) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		if (sscanf(line, " nameserver %127s", addr) != 1)
			continue;
		memset(ss, 0, sizeof(*ss));
		if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
			in->sin_family = AF_INET;
			in->sin_port = htons(53);
			*len = sizeof(*in);
			return 0;
		}
		if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
			in6->sin6_family = AF_INET6;
			in6->sin6_port = htons(53);
			*len = sizeof(*in6);
			return 0;
		}
	}
	return failx(f, "egress", "no nameserver in /etc/resolv.conf (give --dns-upstream IP)");
}

int resolver_start(struct egress_state *st, struct failure *f)
{
	int r;

	if (st->e->dns_upstream.ss_family) {
		memcpy(&st->up, &st->e->dns_upstream, st->e->dns_upstream_len);
		st->up_len = st->e->dns_upstream_len;
	} else if (st->e->via != VIA_SOCKS5H && (r = host_nameserver(&st->up, &st->up_len, f)) < 0)
		return r;
	if (st->e->via == VIA_HTTP && !(st->names = calloc(EGRESS_NAMES, sizeof(*st->names))))
		return fail(f, -ENOMEM, "egress", NULL);
	if (getrandom(&st->next_id, sizeof(st->next_id), 0) < 0)
		st->next_id = (uint16_t)getpid();
	if (st->e->via != VIA_SOCKS5H) {
		st->up_fd = socket(st->up.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (st->up_fd < 0)
			return fail(f, negative_errno(), "egress", "the upstream resolver's socket");
		st->src_up = (struct loop_source){ st->up_fd, handle_upstream, st };
		if ((r = loop_add(st->lp, &st->src_up)) < 0)
			return fail(f, r, "epoll", NULL);
	}
	st->src_dns = (struct loop_source){ st->fds[FD_DNS], handle_dns, st };
	st->src_dns_tcp = (struct loop_source){ st->fds[FD_DNS_TCP], handle_dns_tcp, st };
	if ((r = loop_add(st->lp, &st->src_dns)) < 0 || (r = loop_add(st->lp, &st->src_dns_tcp)) < 0)
		return fail(f, r, "epoll", NULL);
	return 0;
}

void resolver_stop(struct egress_state *st)
{
	if (st->src_dns.handler)
		loop_del(st->lp, &st->src_dns);
	if (st->src_dns_tcp.handler)
		loop_del(st->lp, &st->src_dns_tcp);
	if (st->src_up.handler)
		loop_del(st->lp, &st->src_up);
	for (int i = 0; i < EGRESS_TCP_CLIENTS; i++) {
		if (st->tcp[i] && st->tcp[i]->src.fd >= 0)
			tcp_close(st->tcp[i]);
		free(st->tcp[i]);
	}
	safe_close(st->up_fd);
	for (size_t i = 0; i < st->n_synth; i++)
		free(st->synth[i]);
	free(st->synth);
	free(st->names);
}
