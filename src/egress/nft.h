/* The egress ruleset (nft.c): built with libnftnl, loaded with dlopen() only when a policy is
 * asked, and sent through a NETLINK_NETFILTER socket that the sandbox's pid 1 opened in the
 * sandbox's network namespace. The launcher owns the sandbox's user namespace, so the kernel's
 * CAP_NET_ADMIN check on that namespace passes for it; the command, which has no
 * CAP_NET_ADMIN, cannot change what is installed. Launcher side. */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct egress_config;
struct failure;

#define NFT_TABLE     "hutch"
#define NFT_LOG_GROUP 7
/* Set element timeouts from the record's TTL: floor and ceiling, seconds (man page). */
#define NFT_TTL_FLOOR	5
#define NFT_TTL_CEILING 3600

/* The rule that refused a packet, carried as the log prefix and read back by nflog.c. */
#define NFT_RULE_DOMAIN	  "allow-domain"
#define NFT_RULE_LAN	  "deny-lan"
#define NFT_RULE_HOST	  "allow-host-port"
#define NFT_RULE_UDP	  "allow-udp"
#define NFT_RULE_VIA	  "via"
#define NFT_RULE_RESOLVER "resolver"

struct nft_addr {
	int family; /* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
	};
	uint32_t ttl; /* seconds, as the record said */
};

/* libnftnl's functions, resolved once. */
int nft_load(struct failure *f);

/* The whole ruleset, one transaction. relay_port: the relay's port on lo for --via, else 0;
 * stateful: existing flows are told by conntrack rather than by their TCP flags (see nft.c). */
int nft_install(int nl_fd, const struct egress_config *e, uint16_t relay_port, bool stateful,
		struct failure *f);

/* Add (or refresh) addresses in the allow sets with their TTL's timeout; returns once the
 * kernel has acknowledged it, so that the answer is released only after. */
int nft_allow(int nl_fd, const struct nft_addr *a, size_t n, struct failure *f);
