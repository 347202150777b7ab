/* A small DNS message codec (RFC 1035) for the egress resolver: the question of a query, the
 * A/AAAA records of an answer, and the answers the resolver makes itself (NXDOMAIN, a refusal,
 * one A record). Pure; launcher side. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define DNS_HEADER  12
#define DNS_MAX_UDP 4096

#define DNS_TYPE_A    1
#define DNS_TYPE_AAAA 28

#define DNS_RCODE_FORMERR  1
#define DNS_RCODE_SERVFAIL 2
#define DNS_RCODE_NXDOMAIN 3
#define DNS_RCODE_REFUSED  5

struct dns_question {
	char name[256]; /* dotted, lower case, no trailing dot; "" for the root */
	uint16_t qtype, qclass;
	size_t end; /* offset just past the question */
};

/* The first question of a query (QR clear, QDCOUNT ≥ 1). 0, or -EBADMSG. */
int dns_parse_query(const uint8_t *msg, size_t len, struct dns_question *ret);

/* An answer of our own to query (its header and question copied): rcode, and when addr4 is
 * given one A record with ttl. Returns its length, or -ENOBUFS. */
int dns_build_answer(const uint8_t *query, const struct dns_question *q, int rcode, const void *addr4,
		     uint32_t ttl, uint8_t *out, size_t size);

/* Each A and AAAA record in the answer section: cb(family, address, ttl, data). Returns the
 * number of records seen, or -EBADMSG. */
typedef void (*dns_addr_cb)(int family, const void *addr, uint32_t ttl, void *data);
int dns_parse_answers(const uint8_t *msg, size_t len, dns_addr_cb cb, void *data);

static inline uint16_t dns_id(const uint8_t *msg)
{
	return (uint16_t)(msg[0] << 8 | msg[1]);
}

static inline void dns_set_id(uint8_t *msg, uint16_t id)
{
	msg[0] = (uint8_t)(id >> 8);
	msg[1] = (uint8_t)id;
}
