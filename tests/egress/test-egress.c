/* Unit tests of the egress policy's pure parts: domain patterns and matching, --via URLs, the
 * DNS codec (queries, our own answers, A/AAAA records behind compression pointers, malformed
 * messages), and what egress_finish derives (user-mode networking implied, NET_ADMIN refused,
 * the record mode for `hutch learn`). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../unit/tap.h"
#include "front/config.h"
#include "egress/dns.h"
#include "egress/egress.h"

static void test_patterns(void)
{
	const char *good[] = { "a.test", "*.a.test", "xn--bcher-kva.example", "_srv._tcp.a.test",
			       "localhost" };
	const char *bad[] = { "",     "*",	 "*.",	    "a..test",	".a.test", "a.*.test",
			      "**.a", "-a.test", "a-.test", "a b.test", "a.test/x" };
	struct egress_config e = { 0 };
	char *allow[] = { "a.test", "*.b.test", NULL };

	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		TAP_OK(egress_domain_pattern_valid(good[i]) == 0, "pattern '%s' is valid", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		TAP_OK(egress_domain_pattern_valid(bad[i]) < 0, "pattern '%s' is refused", bad[i]);
	e.allow_domain = allow;
	TAP_OK(egress_domain_allowed(&e, "a.test"), "a.test matches itself");
	TAP_OK(egress_domain_allowed(&e, "A.Test."), "in any case, fully qualified too");
	TAP_OK(!egress_domain_allowed(&e, "x.a.test"), "an exact name does not match below it");
	TAP_OK(egress_domain_allowed(&e, "c.b.test") && egress_domain_allowed(&e, "d.c.b.test"),
	       "*.b.test matches below b.test");
	TAP_OK(!egress_domain_allowed(&e, "b.test"), "*.b.test does not match b.test");
	TAP_OK(!egress_domain_allowed(&e, "xb.test"), "*.b.test does not match xb.test");
}

static void test_via(void)
{
	struct egress_config e = { 0 };

	TAP_OK(egress_parse_via(&e, "socks5h://127.0.0.1:9050") == 0 && e.via == VIA_SOCKS5H &&
		   strcmp(e.via_host, "127.0.0.1") == 0 && e.via_port == 9050,
	       "socks5h://127.0.0.1:9050");
	TAP_OK(egress_parse_via(&e, "socks5://[::1]:1080/") == 0 && e.via == VIA_SOCKS5 &&
		   strcmp(e.via_host, "::1") == 0 && e.via_port == 1080,
	       "socks5://[::1]:1080/");
	TAP_OK(egress_parse_via(&e, "http://proxy.example:3128") == 0 && e.via == VIA_HTTP,
	       "http://HOST:PORT");
	TAP_OK(egress_parse_via(&e, "socks5h://h") < 0, "a URL without a port is refused");
	TAP_OK(egress_parse_via(&e, "socks4://h:1") < 0, "another scheme is refused");
	TAP_OK(egress_parse_via(&e, "http://u:p@h:1") < 0, "credentials are refused");
	TAP_OK(egress_parse_via(&e, "http://h:1/path") < 0, "a path is refused");
	TAP_OK(egress_parse_via(&e, "http://h:70000") < 0, "a port beyond 65535 is refused");
}

static size_t make_query(uint8_t *q, const char *name, uint16_t type)
{
	size_t n = 12;
	const char *p = name;

	memset(q, 0, 12);
	q[0] = 0xab, q[1] = 0xcd, q[2] = 0x01, q[5] = 1;
	while (*p) {
		size_t l = strcspn(p, ".");
		q[n++] = (uint8_t)l;
		memcpy(q + n, p, l);
		n += l;
		p += l + (p[l] == '.');
	}
	q[n++] = 0;
	q[n++] = 0, q[n++] = (uint8_t)type, q[n++] = 0, q[n++] = 1;
	return n;
}

struct seen {
	char addrs[4][64];
	uint32_t ttls[4];
	int n;
};

static void on_addr(int family, const void *addr, uint32_t ttl, void *data)
{
	struct seen *s = data;

	if (s->n < 4) {
		inet_ntop(family, addr, s->addrs[s->n], sizeof(s->addrs[0]));
		s->ttls[s->n++] = ttl;
	}
}

static void test_dns(void)
{
	uint8_t q[512], out[512];
	struct dns_question dq;
	size_t n = make_query(q, "WWW.A.Test", DNS_TYPE_A);
	struct in_addr a;
	struct seen s = { .n = 0 };
	int len;

	TAP_OK(dns_parse_query(q, n, &dq) == 0, "a query parses");
	TAP_STREQ(dq.name, "www.a.test", "its name, in lower case");
	TAP_OK(dq.qtype == DNS_TYPE_A && dq.qclass == 1 && dq.end == n, "its type, class and end");
	len = dns_build_answer(q, &dq, DNS_RCODE_NXDOMAIN, NULL, 0, out, sizeof(out));
	TAP_OK(len == (int)n && out[0] == 0xab && out[1] == 0xcd && (out[2] & 0x80) && (out[2] & 1) &&
		   (out[3] & 0x0f) == 3 && out[7] == 0,
	       "NXDOMAIN: the query's id and RD, QR set, rcode 3, no answer");
	inet_pton(AF_INET, "198.18.0.7", &a);
	len = dns_build_answer(q, &dq, 0, &a, 60, out, sizeof(out));
	TAP_OK(len == (int)n + 16 && out[7] == 1, "an A answer of our own");
	TAP_OK(dns_parse_answers(out, (size_t)len, on_addr, &s) == 1 &&
		   strcmp(s.addrs[0], "198.18.0.7") == 0 && s.ttls[0] == 60,
	       "and its record reads back");

	/* A CNAME (compressed) then an AAAA whose name points into the CNAME's data. */
	uint8_t m[512];
	memcpy(m, out, n);
	m[7] = 2;
	size_t o = n;
	const uint8_t cname[] = { 0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 30, 0, 6, 3, 'c', 'd', 'n', 0xc0, 16 };
	memcpy(m + o, cname, sizeof(cname));
	o += sizeof(cname);
	const uint8_t aaaa[] = { 0xc0, (uint8_t)(n + 12), 0, 28, 0, 1, 0, 0, 1, 0, 0, 16 };
	memcpy(m + o, aaaa, sizeof(aaaa));
	o += sizeof(aaaa);
	inet_pton(AF_INET6, "2001:db8::7", m + o);
	o += 16;
	s.n = 0;
	TAP_OK(dns_parse_answers(m, o, on_addr, &s) == 1 && strcmp(s.addrs[0], "2001:db8::7") == 0 &&
		   s.ttls[0] == 256,
	       "an AAAA behind a CNAME and compression pointers");
	TAP_OK(dns_parse_answers(m, o - 1, on_addr, &s) < 0, "a truncated answer is refused");

	uint8_t loop[] = { 0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1 };
	TAP_OK(dns_parse_query(loop, sizeof(loop), &dq) < 0, "a name pointing at itself is refused");
	q[2] |= 0x80;
	TAP_OK(dns_parse_query(q, n, &dq) < 0, "a response is not a query");
	TAP_OK(dns_parse_query(q, 11, &dq) < 0, "a short message is refused");
}

static void test_finish(void)
{
	struct config c;
	struct failure f = { 0 };

	config_init(&c);
	TAP_OK(egress_opt_allow_domain(&c, "a.test", &f) == 0 && egress_finish(&c, &f) == 0,
	       "--allow-domain");
	TAP_OK(c.net == NET_AUTO_USERMODE && c.egress->netns_policy && c.egress->resolver,
	       "implies user-mode networking, a ruleset and the resolver");
	TAP_STREQ(egress_resolv_conf(&c), "nameserver 127.0.0.53\n", "resolv.conf names the resolver");
	config_free(&c);

	config_init(&c);
	c.cap_add = UINT64_MAX;
	TAP_OK(egress_opt_deny_lan(&c, NULL, &f) == 0 && egress_finish(&c, &f) < 0 && strstr(f.detail, "ALL"),
	       "--cap-add ALL with a policy is refused: %s", f.detail);
	config_free(&c);

	config_init(&c);
	TAP_OK(egress_record_names(&c) == 0 && egress_finish(&c, &f) == 0 && c.egress->record_all &&
		   c.egress->netns_policy && c.net == NET_AUTO_USERMODE,
	       "the record mode (for learn) runs the resolver on user-mode networking");
	config_free(&c);

	config_init(&c);
	TAP_OK(egress_finish(&c, &f) == 0 && !c.egress && !egress_resolv_conf(&c),
	       "no option: nothing allocated, nothing changed");
	config_free(&c);
}

int main(void)
{
	test_patterns();
	test_via();
	test_dns();
	test_finish();
	return tap_done();
}
