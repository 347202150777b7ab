/* What the egress modules share while the sandbox runs (egress-run.c, resolver.c, nflog.c,
 * relay.c). Launcher side. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "launcher/loop.h"

struct config;
struct egress_config;
struct events;

/* The relay's port on the sandbox's lo (--via). */
#define EGRESS_RELAY_PORT 65353
/* socks5h: the stand-in addresses the resolver hands out (RFC 2544's benchmark range). */
#define EGRESS_SYNTH_NET 0xc6120000u /* 198.18.0.0/15 */
#define EGRESS_SYNTH_MAX 4096
#define EGRESS_PENDING	 64
#define EGRESS_NAMES	 512 /* http://: the last addresses answered, with their names */

/* Which socket is which in SYNC_FDS. */
enum { FD_NFT, FD_NFLOG, FD_DNS, FD_DNS_TCP, FD_RELAY, FD_MAX };

#define EGRESS_TCP_CLIENTS 16

/* Where an answer goes: a UDP peer, or a TCP connection (its slot and generation, so that an
 * answer for a connection that has gone is dropped). */
struct egress_client {
	int tcp; /* slot in tcp[], -1 for UDP */
	unsigned gen;
	struct sockaddr_storage addr;
	socklen_t addr_len;
};

struct egress_pending {
	bool used;
	uint16_t our_id, client_id;
	struct egress_client client;
	char name[256];
};

/* A DNS-over-TCP connection from the sandbox: length-prefixed messages (RFC 1035 4.2.2). */
struct egress_tcp {
	struct loop_source src;
	struct egress_state *st;
	unsigned gen;
	uint8_t buf[2 + 65535];
	size_t len;
};

struct egress_relay_conn;

struct egress_state {
	const struct config *c;
	const struct egress_config *e;
	struct loop *lp;
	struct events *ev;
	int fds[FD_MAX];
	int up_fd; /* the launcher's socket towards the upstream resolver, on the host */
	struct sockaddr_storage up;
	socklen_t up_len;
	struct loop_source src_dns, src_dns_tcp, src_up, src_nflog, src_relay;
	struct egress_tcp *tcp[EGRESS_TCP_CLIENTS]; /* allocated on first use, kept until the end */
	struct egress_pending pending[EGRESS_PENDING];
	unsigned next_pending;
	uint16_t next_id;
	char **synth; /* socks5h: synth[i] is the name behind EGRESS_SYNTH_NET + 1 + i */
	struct egress_name {
		struct in_addr addr;
		char name[256];
	} * names; /* http://: a ring, the newest answer wins */
	size_t next_name;
	size_t n_synth;
	struct egress_relay_conn *conns;
	char via_addr[64]; /* the upstream proxy's address, numeric */
};

int resolver_start(struct egress_state *st, struct failure *f);
void resolver_stop(struct egress_state *st);
/* socks5h: the name behind a stand-in address; http://: the name an answer gave for the
 * address (the newest); or NULL. */
const char *resolver_synth_name(const struct egress_state *st, struct in_addr a);
const char *resolver_answered_name(const struct egress_state *st, struct in_addr a);

int nflog_start(struct egress_state *st, struct failure *f);
/* What the log holds still when the sandbox has ended (the loop stops at pid 1's exit). */
void nflog_drain(struct egress_state *st);

/* Connect to the upstream once (it must answer before the command starts); its address is
 * kept for the relay's connections. */
int relay_check_upstream(struct egress_state *st, struct failure *f);
int relay_start(struct egress_state *st, struct failure *f);
void relay_stop(struct egress_state *st);
