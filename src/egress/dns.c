/* The DNS message codec (see dns.h). Pure; launcher side. Every read is bounds-checked: the
 * messages come from the sandbox and from the network. */
#include "egress/dns.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Decode the name at *off (following compression pointers, at most 64 of them) into out
 * (when given); *off moves past the name as it appears in place. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, char *out, size_t size)
{
	size_t pos = *off, o = 0;
	int jumps = 0;
	bool jumped = false;

	for (;;) {
		if (pos >= len)
			return -EBADMSG;
		uint8_t l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++jumps > 64)
				return -EBADMSG;
			if (!jumped)
				*off = pos + 2;
			jumped = true;
			pos = (size_t)(l & 0x3f) << 8 | msg[pos + 1];
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG;
		if (l == 0) {
			if (!jumped)
				*off = pos + 1;
			break;
		}
		if (pos + 1 + l > len)
			return -EBADMSG;
		if (out) {
			if (o + l + 2 > size)
				return -EBADMSG;
			if (o > 0)
				out[o++] = '.';
			for (size_t i = 0; i < l; i++)
				out[o++] = (char)tolower(msg[pos + 1 + i]);
		}
		pos += 1 + l;
	}
	if (out)
		out[o] = '\0';
	return 0;
}

int dns_parse_query(const uint8_t *msg, size_t len, struct dns_question *ret)
{
	size_t off = DNS_HEADER;

	if (len < DNS_HEADER || (msg[2] & 0x80) || get16(msg + 4) < 1)
		return -EBADMSG;
	if (read_name(msg, len, &off, ret->name, sizeof(ret->name)) < 0 || off + 4 > len)
		return -EBADMSG;
	ret->qtype = get16(msg + off);
	ret->qclass = get16(msg + off + 2);
	ret->end = off + 4;
	return 0;
}

int dns_build_answer(const uint8_t *query, const struct dns_question *q, int rcode, const void *addr4,
		     uint32_t ttl, uint8_t *out, size_t size)
{
	size_t n = q->end;

	if (n + 16 > size)
		return -ENOBUFS;
	memcpy(out, query, n);
	/* QR, the query's opcode and RD; RA; the rcode. One question, no other sections (the
	 * query's EDNS record, if any, is not echoed). */
	out[2] = (uint8_t)(0x80 | (query[2] & 0x79));
	out[3] = (uint8_t)(0x80 | (rcode & 0x0f));
	put16(out + 4, 1);
	put16(out + 6, addr4 ? 1 : 0);
	put16(out + 8, 0);
	put16(out + 10, 0);
	if (!addr4)
		return (int)n;
	put16(out + n, 0xc000 | DNS_HEADER); /* the question's name */
	put16(out + n + 2, DNS_TYPE_A);
	put16(out + n + 4, 1);
	out[n + 6] = (uint8_t)(ttl >> 24);
	out[n + 7] = (uint8_t)(ttl >> 16);
	out[n + 8] = (uint8_t)(ttl >> 8);
	out[n + 9] = (uint8_t)ttl;
	put16(out + n + 10, 4);
	memcpy(out + n + 12, addr4, 4);
	return (int)(n + 16);
}

int dns_parse_answers(const uint8_t *msg, size_t len, dns_addr_cb cb, void *data)
{
	size_t off = DNS_HEADER;
	int seen = 0;

	if (len < DNS_HEADER)
		return -EBADMSG;
	unsigned qd = get16(msg + 4), an = get16(msg + 6);
	for (unsigned i = 0; i < qd; i++) {
		if (read_name(msg, len, &off, NULL, 0) < 0 || off + 4 > len)
			return -EBADMSG;
		off += 4;
	}
	for (unsigned i = 0; i < an; i++) {
		if (read_name(msg, len, &off, NULL, 0) < 0 || off + 10 > len)
			return -EBADMSG;
		uint16_t type = get16(msg + off), class = get16(msg + off + 2), rdlen = get16(msg + off + 8);
		uint32_t ttl = get32(msg + off + 4);
		off += 10;
		if (off + rdlen > len)
			return -EBADMSG;
		if (class == 1 && type == DNS_TYPE_A && rdlen == 4) {
			cb(AF_INET, msg + off, ttl, data);
			seen++;
		} else if (class == 1 && type == DNS_TYPE_AAAA && rdlen == 16) {
			cb(AF_INET6, msg + off, ttl, data);
			seen++;
		}
		off += rdlen;
	}
	return seen;
}
