/* The egress policy while the sandbox runs (see egress.h): pid 1 opens the sockets that must
 * live in the sandbox's network namespace, with the capabilities it holds there before the
 * command drops them, and hands them to the launcher; the launcher installs the ruleset
 * through them and serves them from its event loop. pid 1 (child side) and launcher. */
#include "egress/egress.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "front/config.h"
#include "egress/egress-int.h"
#include "launcher/events.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "egress/nft.h"
#include "lib/sync.h"

/* ---- pid 1 -------------------------------------------------------------------------------- */

static int bind_lo(int type, const char *addr, uint16_t port, struct failure *f)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int one = 1;
	_cleanup_close_ int s = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);

	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (s < 0)
		return fail(f, negative_errno(), "egress", "socket");
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(f, negative_errno(), "egress", "binding %s:%u in the sandbox", addr, port);
	if (type == SOCK_STREAM && listen(s, 128) < 0)
		return fail(f, negative_errno(), "egress", "listen");
	return TAKE_FD(s);
}

static int netlink_nf(struct failure *f)
{
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);

	return s < 0 ? fail(f, negative_errno(), "egress", "netlink socket in the sandbox") : s;
}

static int open_sockets(const struct egress_config *e, int *fds, struct failure *f)
{
	if ((fds[FD_NFT] = netlink_nf(f)) < 0 || (fds[FD_NFLOG] = netlink_nf(f)) < 0)
		return -EIO;
	if ((fds[FD_DNS] = bind_lo(SOCK_DGRAM, EGRESS_RESOLVER_ADDR, 53, f)) < 0)
		return fds[FD_DNS];
	if ((fds[FD_DNS_TCP] = bind_lo(SOCK_STREAM, EGRESS_RESOLVER_ADDR, 53, f)) < 0)
		return fds[FD_DNS_TCP];
	if (e->via && (fds[FD_RELAY] = bind_lo(SOCK_STREAM, "127.0.0.1", EGRESS_RELAY_PORT, f)) < 0)
		return fds[FD_RELAY];
	return 0;
}

int egress_setup_child(const struct config *c, int sync_fd, struct failure *f)
{
	const struct egress_config *e = c->egress;
	int fds[FD_MAX] = { -1, -1, -1, -1, -1 };
	int r;

	if (!e || !e->netns_policy)
		return 0;
	r = open_sockets(e, fds, f);
	if (r == 0 && (r = sync_send(sync_fd, SYNC_FDS, 0, NULL, 0, fds, e->via ? FD_MAX : FD_RELAY)) < 0)
		fail(f, r, "sync", "sending the egress sockets");
	for (int i = 0; i < FD_MAX; i++)
		safe_close(fds[i]);
	return r;
}

/* ---- launcher ----------------------------------------------------------------------------- */

/* pid 1's notes (mount.c) may come first; an error from it ends the wait. */
static int receive_fds(struct egress_state *st, int sync_fd, struct failure *f)
{
	for (;;) {
		struct sync_msg m;
		_cleanup_free_ void *payload = NULL;
		int fds[SYNC_MAX_FDS];
		size_t n = 0;
		int t = sync_recv(sync_fd, &m, &payload, fds, &n), r;

		if (t == SYNC_FDS && n == (size_t)(st->e->via ? FD_MAX : FD_RELAY)) {
			memcpy(st->fds, fds, n * sizeof(int));
			return 0;
		}
		for (size_t i = 0; i < n; i++)
			safe_close(fds[i]);
		if (t == SYNC_INFO && m.len > 0) {
			((char *)payload)[m.len - 1] = '\0';
			log_verbose(st->c->verbose, "%s", (char *)payload);
			continue;
		}
		if (t > 0 && (r = sync_failure(&m, payload, f)) < 0)
			return r;
		if (t <= 0)
			return fail(f, t < 0 ? t : -EPIPE, "sync", "waiting for the egress sockets");
		return failx(f, "sync", "expected FDS, got %s", sync_type_name((uint32_t)t));
	}
}

static struct egress_state *state_new(const struct config *c, struct loop *lp, struct events *ev)
{
	struct egress_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	*st = (struct egress_state){ .c = c, .e = c->egress, .lp = lp, .ev = ev, .up_fd = -1 };
	for (int i = 0; i < FD_MAX; i++)
		st->fds[i] = -1;
	return st;
}

/* Whether the ruleset needs conntrack to tell existing flows (see nft.c). */
static bool stateful(const struct config *c)
{
	if (c->cap_add & (1ULL << CAP_NET_RAW))
		return true;
	for (size_t i = 0; i < c->n_ports; i++)
		if (c->ports[i].udp)
			return true;
	return false;
}

int egress_start(const struct config *c, int sync_fd, struct loop *lp, struct events *ev,
		 struct egress_state **ret, struct failure *f)
{
	struct egress_state *st;
	int r;

	if (!c->egress || !c->egress->netns_policy)
		return 0;
	if (!(st = state_new(c, lp, ev)))
		return fail(f, -ENOMEM, "egress", NULL);
	*ret = st;
	if ((r = nft_load(f)) < 0 || (r = receive_fds(st, sync_fd, f)) < 0)
		return r;
	if (c->egress->via && (r = relay_check_upstream(st, f)) < 0)
		return r;
	if ((r = nflog_start(st, f)) < 0 ||
	    (r = nft_install(st->fds[FD_NFT], c->egress, c->egress->via ? EGRESS_RELAY_PORT : 0, stateful(c),
			     f)) < 0 ||
	    (r = resolver_start(st, f)) < 0)
		return r;
	if (c->egress->via && (r = relay_start(st, f)) < 0)
		return r;
	log_verbose(c->verbose, "egress: ruleset installed in the sandbox's network namespace");
	return 0;
}

void egress_stop(struct egress_state *st)
{
	if (!st)
		return;
	nflog_drain(st);
	relay_stop(st);
	resolver_stop(st);
	if (st->src_nflog.fd >= 0 && st->src_nflog.handler)
		loop_del(st->lp, &st->src_nflog);
	for (int i = 0; i < FD_MAX; i++)
		safe_close(st->fds[i]);
	free(st);
}
