/* Egress policy (issue 11): a domain allowlist enforced by nftables in the sandbox's own
 * network namespace, a LAN and host guard with port exceptions, and Unix-socket scoping.
 * The config side (egress.c) runs in the launcher while the front ends fill struct config; the
 * child side opens the sockets that must live in the sandbox's network namespace and hands
 * them over the sync channel; the launcher side installs the rules through them and serves
 * the resolver and the nft log from its event loop (egress-run.c). Nothing here runs, loads or
 * probes anything unless the config asks for a policy. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct config;
struct failure;
struct loop;
struct events;

enum egress_scope {
	SCOPE_AUTO,    /* on when the network namespace is shared or a display socket passed */
	SCOPE_ON,      /* --unix-scope: on; said once when the kernel cannot */
	SCOPE_REQUIRE, /* --unix-scope=require: fails when the kernel cannot */
	SCOPE_OFF,     /* --unix-scope=off: not even by default */
};

struct egress_host_port {
	uint16_t port;
	bool udp;
};

enum egress_via {
	VIA_NONE,
	VIA_SOCKS5,  /* socks5://: the relay sends the address the program connected to */
	VIA_SOCKS5H, /* socks5h://: the relay sends the name; the resolver hands out stand-ins */
	VIA_HTTP,    /* http:// CONNECT */
};

struct egress_config {
	char **allow_domain; /* lower case; "*.suffix" or an exact name */
	bool deny_lan;
	struct egress_host_port *host_ports;
	size_t n_host_ports;
	bool allow_udp;
	enum egress_via via;
	char *via_url; /* as given, for messages */
	char via_host[256];
	uint16_t via_port;
	enum egress_scope unix_scope;
	char **allow_unix;
	struct sockaddr_storage dns_upstream; /* --dns-upstream; ss_family 0 for resolv.conf's */
	socklen_t dns_upstream_len;
	/* Permissive record mode for `hutch learn`: every name is allowed and resolved, and each
	 * is emitted as an EVENT_DNS with action EVENT_ALLOWED. */
	bool record_all;

	/* derived by egress_finish() */
	bool netns_policy; /* an nft ruleset goes into the sandbox's network namespace */
	bool resolver;	   /* the launcher's resolver answers the sandbox's DNS */
	bool scope_on;	   /* Landlock scoping is applied to the command */
	int landlock_abi;  /* when scoping was asked: the kernel's ABI, or -errno */
};

/* Option handlers for cli.c's table (also the profile directives). */
int egress_opt_allow_domain(struct config *c, const char *arg, struct failure *f);
int egress_opt_deny_lan(struct config *c, const char *arg, struct failure *f);
int egress_opt_allow_host_port(struct config *c, const char *arg, struct failure *f);
int egress_opt_allow_udp(struct config *c, const char *arg, struct failure *f);
int egress_opt_via(struct config *c, const char *arg, struct failure *f);
int egress_opt_unix_scope(struct config *c, const char *arg, struct failure *f);
int egress_opt_allow_unix(struct config *c, const char *arg, struct failure *f);
int egress_opt_dns_upstream(struct config *c, const char *arg, struct failure *f);

/* The record mode, for `hutch learn`: every name is allowed and resolved through the
 * launcher's resolver, and each is emitted as an EVENT_DNS with action EVENT_ALLOWED; no
 * connection is refused for its address. Before config_finish(). */
int egress_record_names(struct config *c);

/* Pure checks, exported for the unit test. */
int egress_domain_pattern_valid(const char *p);
bool egress_domain_allowed(const struct egress_config *e, const char *name);
int egress_parse_via(struct egress_config *e, const char *url);

/* config_finish(), before the network mode is checked: imply user-mode networking, refuse
 * what would undo the policy (--cap-add NET_ADMIN, a shared network), decide the scoping.
 * A no-op when no egress option was given and the network is not shared. */
int egress_finish(struct config *c, struct failure *f);
void egress_free(struct config *c);

/* The sandbox's /etc/resolv.conf when the launcher's resolver serves it, else NULL. Pure. */
const char *egress_resolv_conf(const struct config *c);
/* A ruleset goes into the sandbox's network namespace: the command waits for NET_READY. */
bool egress_netns_policy(const struct config *c);

/* The resolver's address inside the sandbox (lo). */
#define EGRESS_RESOLVER_ADDR "127.0.0.53"

/* pid 1, with its capabilities over the new network namespace, after lo is up: open the
 * resolver's socket and the netlink sockets there and send them to the launcher (SYNC_FDS). */
int egress_setup_child(const struct config *c, int sync_fd, struct failure *f);

/* The command process, after no_new_privs: Landlock scoping of abstract Unix sockets and
 * signals when asked. */
int egress_scope_apply(const struct config *c, struct failure *f);

/* What the launcher holds while the sandbox runs (egress-run.c). */
struct egress_state;

/* Launcher, before NET_READY and the filter reach the command: receive the sockets, install
 * the ruleset, check the upstream proxy, register the resolver and the log reader. */
int egress_start(const struct config *c, int sync_fd, struct loop *lp, struct events *ev,
		 struct egress_state **ret, struct failure *f);
void egress_stop(struct egress_state *st);
