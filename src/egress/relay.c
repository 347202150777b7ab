/* The relay for --via: nft redirects every outbound TCP connection of the sandbox to a
 * listening socket that pid 1 bound on the sandbox's lo, and the launcher serves it from its
 * event loop: it reads the original destination (SO_ORIGINAL_DST), connects to the upstream
 * from the host, asks it for that destination (SOCKS5 CONNECT with the name behind a
 * socks5h stand-in address, or the address; HTTP CONNECT), then copies bytes both ways.
 * Everything is non-blocking: a slow upstream stalls nothing else. The upstream is checked
 * before the command starts: it must accept a TCP connection within RELAY_CHECK_MS.
 * Launcher side, the caller's own privileges. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/netfilter_ipv4.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/epoll.h>

#include "egress/egress-int.h"
#include "egress/egress.h"
#include "launcher/events.h"
#include "lib/failure.h"

#define RELAY_CHECK_MS 3000

/* A non-blocking connect to the upstream; the fd once connected (its numeric address in
 * ret_addr), or -errno. */
static int upstream_connect(const struct egress_config *e, int timeout_ms, char *ret_addr, size_t size)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *ai = NULL;
	char port[8];
	int r = -EHOSTUNREACH;

	snprintf(port, sizeof(port), "%u", e->via_port);
	if (getaddrinfo(e->via_host, port, &hints, &ai) != 0)
		return -ENOENT;
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		int s = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		struct pollfd p = { .fd = s, .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);
		if (s < 0)
			continue;
		if (connect(s, a->ai_addr, a->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && poll(&p, 1, timeout_ms) == 1 &&
		     getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)) {
			getnameinfo(a->ai_addr, a->ai_addrlen, ret_addr, (socklen_t)size, NULL, 0,
				    NI_NUMERICHOST);
			freeaddrinfo(ai);
			return s;
		}
		r = err ? -err : errno == EINPROGRESS ? -ETIMEDOUT : negative_errno();
		close(s);
	}
	freeaddrinfo(ai);
	return r;
}

int relay_check_upstream(struct egress_state *st, struct failure *f)
{
	const struct egress_config *e = st->e;
	int s = upstream_connect(e, RELAY_CHECK_MS, st->via_addr, sizeof(st->via_addr));

	if (s < 0)
		return fail(f, s, "--via", "the upstream %s does not answer", e->via_url);
	close(s);
	return 0;
}

/* ---- connections -------------------------------------------------------------------------- */

#define RELAY_BUF 16384

enum relay_stage {
	R_FREE,
	R_CONNECTING,	/* to the upstream */
	R_SOCKS_METHOD, /* greeting sent, waiting for the method */
	R_SOCKS_REPLY,	/* CONNECT sent, waiting for the reply */
	R_HTTP_REPLY,	/* CONNECT sent, waiting for the header's end */
	R_SPLICE,
};

struct side {
	struct loop_source src;
	uint32_t watched; /* the epoll events asked for now */
	bool eof;	  /* read end of file */
	bool shut;	  /* we shut its write side */
};

/* Structures are reused, never freed while the sandbox runs: an event already returned by
 * epoll_wait for a closed connection finds a valid structure, and every handler copes with a
 * spurious wake-up (non-blocking fds, EAGAIN). */
struct egress_relay_conn {
	struct egress_relay_conn *next;
	struct egress_state *st;
	enum relay_stage stage;
	struct side in, out; /* the sandbox's connection; ours to the upstream */
	char target[300];    /* HOST:PORT as asked for (a name under socks5h) */
	char detail[300];    /* for events */
	uint8_t c2u[RELAY_BUF], u2c[RELAY_BUF];
	size_t c2u_len, u2c_len;
};

static void watch(struct egress_relay_conn *c, struct side *s, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = &s->src };

	if (s->src.fd < 0 || s->watched == events)
		return;
	/* loop.h watches EPOLLIN only; the relay also needs EPOLLOUT, on the same epoll set. */
	epoll_ctl(c->st->lp->epoll_fd, EPOLL_CTL_MOD, s->src.fd, &ev);
	s->watched = events;
}

static void conn_close(struct egress_relay_conn *c, bool reset)
{
	if (reset && c->in.src.fd >= 0) {
		struct linger lg = { 1, 0 }; /* the program sees a reset, not an orderly end */
		setsockopt(c->in.src.fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	loop_del(c->st->lp, &c->in.src);
	loop_del(c->st->lp, &c->out.src);
	c->in.src.fd = safe_close(c->in.src.fd);
	c->out.src.fd = safe_close(c->out.src.fd);
	c->stage = R_FREE;
}

static void conn_refused(struct egress_relay_conn *c, const char *why)
{
	struct event ev = { .kind = EVENT_CONNECT,
			    .action = EVENT_DENIED,
			    .detail = c->detail,
			    .rule = "via",
			    .reason = why,
			    .result = "reset" };

	events_emit(c->st->ev, &ev);
	conn_close(c, true);
}

/* Move what one side has to the other; false when the connection is over. */
static bool pump_dir(struct side *from, struct side *to, uint8_t *buf, size_t *len)
{
	if (*len == 0 && !from->eof) {
		ssize_t n = recv(from->src.fd, buf, RELAY_BUF, MSG_DONTWAIT);
		if (n == 0)
			from->eof = true;
		else if (n > 0)
			*len = (size_t)n;
		else if (errno != EAGAIN && errno != EINTR)
			return false;
	}
	if (*len > 0) {
		ssize_t n = send(to->src.fd, buf, *len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
		if (n > 0) {
			memmove(buf, buf + n, *len - (size_t)n);
			*len -= (size_t)n;
		}
	}
	if (from->eof && *len == 0 && !to->shut) {
		shutdown(to->src.fd, SHUT_WR);
		to->shut = true;
	}
	return true;
}

static void splice_step(struct egress_relay_conn *c)
{
	if (!pump_dir(&c->in, &c->out, c->c2u, &c->c2u_len) ||
	    !pump_dir(&c->out, &c->in, c->u2c, &c->u2c_len))
		return conn_close(c, true);
	if (c->in.shut && c->out.shut)
		return conn_close(c, false);
	watch(c, &c->in, (c->c2u_len == 0 && !c->in.eof ? EPOLLIN : 0) | (c->u2c_len ? EPOLLOUT : 0));
	watch(c, &c->out, (c->u2c_len == 0 && !c->out.eof ? EPOLLIN : 0) | (c->c2u_len ? EPOLLOUT : 0));
}

static void start_splice(struct egress_relay_conn *c)
{
	c->stage = R_SPLICE;
	splice_step(c);
}

/* ---- the upstream's protocols ------------------------------------------------------------- */

static bool send_all(int fd, const void *buf, size_t len)
{
	return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == (ssize_t)len;
}

/* SOCKS5 CONNECT (RFC 1928) for c->target: a name (ATYP 3) or an IPv4 address (ATYP 1). */
static bool socks_request(struct egress_relay_conn *c)
{
	uint8_t req[300] = { 5, 1, 0 };
	char host[256];
	unsigned port;
	size_t n = 3;
	struct in_addr a;
	const char *colon = strrchr(c->target, ':');

	snprintf(host, sizeof(host), "%.*s", (int)(colon - c->target), c->target);
	port = (unsigned)atoi(colon + 1);
	if (inet_pton(AF_INET, host, &a) == 1) {
		req[n++] = 1;
		memcpy(req + n, &a, 4);
		n += 4;
	} else {
		req[n++] = 3;
		req[n++] = (uint8_t)strlen(host);
		memcpy(req + n, host, strlen(host));
		n += strlen(host);
	}
	req[n++] = (uint8_t)(port >> 8);
	req[n++] = (uint8_t)port;
	return send_all(c->out.src.fd, req, n);
}

/* The upstream is connected: greet it. */
static void on_connected(struct egress_relay_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	struct sockaddr_storage peer;
	socklen_t plen = sizeof(peer);

	if (getsockopt(c->out.src.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
		return conn_refused(c, "the upstream proxy cannot be reached");
	if (getpeername(c->out.src.fd, (struct sockaddr *)&peer, &plen) < 0)
		return; /* still connecting: a spurious wake-up */
	if (c->st->e->via == VIA_HTTP) {
		char req[700];
		int n = snprintf(req, sizeof(req), "CONNECT %s HTTP/1.1\r\nHost: %s\r\n\r\n", c->target,
				 c->target);
		if (!send_all(c->out.src.fd, req, (size_t)n))
			return conn_refused(c, "the upstream proxy hung up");
		c->stage = R_HTTP_REPLY;
	} else {
		static const uint8_t hello[] = { 5, 1, 0 }; /* version 5, one method: no authentication */
		if (!send_all(c->out.src.fd, hello, sizeof(hello)))
			return conn_refused(c, "the upstream proxy hung up");
		c->stage = R_SOCKS_METHOD;
	}
	watch(c, &c->out, EPOLLIN);
}

/* Read what the upstream said during the handshake into u2c; false on its end or an error. */
static bool read_handshake(struct egress_relay_conn *c)
{
	ssize_t n = recv(c->out.src.fd, c->u2c + c->u2c_len, RELAY_BUF - c->u2c_len, MSG_DONTWAIT);

	if (n > 0)
		c->u2c_len += (size_t)n;
	return n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR));
}

static void consume(struct egress_relay_conn *c, size_t n)
{
	memmove(c->u2c, c->u2c + n, c->u2c_len - n);
	c->u2c_len -= n;
}

/* The SOCKS5 reply's length once enough of it is there, else 0. */
static size_t socks_reply_len(const uint8_t *b, size_t len)
{
	if (len < 5)
		return 0;
	size_t addr = b[3] == 1 ? 4 : b[3] == 4 ? 16 : b[3] == 3 ? 1 + (size_t)b[4] : 0;
	return addr && len >= 4 + addr + 2 ? 4 + addr + 2 : 0;
}

static void on_handshake(struct egress_relay_conn *c)
{
	size_t n;

	if (!read_handshake(c))
		return conn_refused(c, "the upstream proxy hung up");
	if (c->stage == R_SOCKS_METHOD && c->u2c_len >= 2) {
		if (c->u2c[0] != 5 || c->u2c[1] != 0)
			return conn_refused(c, "the upstream proxy wants authentication");
		consume(c, 2);
		if (!socks_request(c))
			return conn_refused(c, "the upstream proxy hung up");
		c->stage = R_SOCKS_REPLY;
	}
	if (c->stage == R_SOCKS_REPLY && (n = socks_reply_len(c->u2c, c->u2c_len))) {
		if (c->u2c[1] != 0)
			return conn_refused(c, "the upstream proxy refused it");
		consume(c, n);
		return start_splice(c);
	}
	if (c->stage == R_HTTP_REPLY) {
		uint8_t *end = memmem(c->u2c, c->u2c_len, "\r\n\r\n", 4);
		if (!end && c->u2c_len == RELAY_BUF)
			return conn_refused(c, "the upstream proxy's answer is too long");
		if (!end)
			return;
		if (c->u2c_len < 12 || memcmp(c->u2c, "HTTP/1.", 7) != 0 || memcmp(c->u2c + 9, "200", 3) != 0)
			return conn_refused(c, "the upstream proxy refused it");
		consume(c, (size_t)(end + 4 - c->u2c));
		return start_splice(c);
	}
}

static int handle_side(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct egress_relay_conn *c = src->data;

	switch (c->stage) {
	case R_FREE:
		return 0;
	case R_CONNECTING:
		if (src == &c->out.src)
			on_connected(c);
		return 0;
	case R_SOCKS_METHOD:
	case R_SOCKS_REPLY:
	case R_HTTP_REPLY:
		if (src == &c->out.src)
			on_handshake(c);
		return 0;
	case R_SPLICE:
		splice_step(c);
		return 0;
	}
	return 0;
}

/* ---- accepting ---------------------------------------------------------------------------- */

static struct egress_relay_conn *conn_get(struct egress_state *st)
{
	struct egress_relay_conn *c;

	for (c = st->conns; c; c = c->next)
		if (c->stage == R_FREE)
			break;
	if (!c) {
		if (!(c = calloc(1, sizeof(*c))))
			return NULL;
		c->next = st->conns;
		st->conns = c;
	}
	struct egress_relay_conn *next = c->next;
	memset(c, 0, offsetof(struct egress_relay_conn, c2u));
	c->next = next;
	c->st = st;
	c->in.src = (struct loop_source){ -1, handle_side, c };
	c->out.src = (struct loop_source){ -1, handle_side, c };
	return c;
}

/* HOST:PORT to ask the upstream for: under socks5h the name behind a stand-in address; under
 * http:// the name whose answer gave the address (HTTP proxies filter by name); else the
 * address. */
static void target_of(struct egress_relay_conn *c, const struct sockaddr_in *dst)
{
	const char *name = c->st->e->via == VIA_SOCKS5H ? resolver_synth_name(c->st, dst->sin_addr)
			   : c->st->e->via == VIA_HTTP	? resolver_answered_name(c->st, dst->sin_addr)
							: NULL;
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &dst->sin_addr, addr, sizeof(addr));
	snprintf(c->target, sizeof(c->target), "%s:%u", name ? name : addr, ntohs(dst->sin_port));
	snprintf(c->detail, sizeof(c->detail), "%s", c->target);
}

static int upstream_start(struct egress_relay_conn *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV };
	struct addrinfo *ai = NULL;
	char port[8];
	int r;

	snprintf(port, sizeof(port), "%u", c->st->e->via_port);
	/* A name as the upstream was resolved (blocking) by the check at start; numeric here. */
	if (getaddrinfo(c->st->via_addr, port, &hints, &ai) != 0)
		return -EHOSTUNREACH;
	c->out.src.fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	r = c->out.src.fd < 0 ||
		    (connect(c->out.src.fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS)
		? negative_errno()
		: 0;
	freeaddrinfo(ai);
	if (r < 0)
		return r;
	if ((r = loop_add(c->st->lp, &c->out.src)) < 0)
		return r;
	c->out.watched = EPOLLIN;
	watch(c, &c->out, EPOLLOUT);
	c->stage = R_CONNECTING;
	return 0;
}

static void on_accept(struct egress_state *st, int fd)
{
	struct egress_relay_conn *c = conn_get(st);
	struct sockaddr_in dst;
	socklen_t len = sizeof(dst);

	if (!c) {
		close(fd);
		return;
	}
	c->in.src.fd = fd;
	if (getsockopt(fd, SOL_IP, SO_ORIGINAL_DST, &dst, &len) < 0 || loop_add(st->lp, &c->in.src) < 0) {
		snprintf(c->detail, sizeof(c->detail), "?");
		return conn_refused(c, "no original destination");
	}
	c->in.watched = EPOLLIN;
	watch(c, &c->in, 0); /* nothing is read before the upstream has said yes */
	target_of(c, &dst);
	if (upstream_start(c) < 0)
		conn_refused(c, "the upstream proxy cannot be reached");
}

static int handle_listen(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct egress_state *st = src->data;
	int fd;

	while ((fd = accept4(src->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
		on_accept(st, fd);
	return 0;
}

int relay_start(struct egress_state *st, struct failure *f)
{
	int r;

	st->src_relay = (struct loop_source){ st->fds[FD_RELAY], handle_listen, st };
	if ((r = loop_add(st->lp, &st->src_relay)) < 0)
		return fail(f, r, "epoll", NULL);
	return 0;
}

void relay_stop(struct egress_state *st)
{
	if (st->src_relay.handler)
		loop_del(st->lp, &st->src_relay);
	while (st->conns) {
		struct egress_relay_conn *c = st->conns;
		st->conns = c->next;
		if (c->stage != R_FREE)
			conn_close(c, false);
		free(c);
	}
}
