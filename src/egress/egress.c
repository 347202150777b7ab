/* The egress options and their validation (see egress.h): launcher side, while the front ends
 * fill struct config and in config_finish(). Pure but for the Landlock ABI query, made only
 * when scoping is asked or implied, and a stat of each --allow-unix socket. */
#include "egress/egress.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/landlock-abi.h"
#include "lib/log.h"
#include "lib/strv.h"

static struct egress_config *egress_get(struct config *c)
{
	if (!c->egress && (c->egress = calloc(1, sizeof(*c->egress))))
		c->egress->landlock_abi = -ENOSYS;
	return c->egress;
}

/* A host name as DNS carries it: labels of letters, digits, '-' and '_' (SRV-style names),
 * none empty or longer than 63, 253 in all; "*." may lead. 0 when valid, else -EINVAL. */
int egress_domain_pattern_valid(const char *p)
{
	size_t label = 0, total = strlen(p);

	if (strncmp(p, "*.", 2) == 0)
		p += 2;
	if (!*p || total > 253)
		return -EINVAL;
	for (const char *s = p; *s; s++) {
		if (*s == '.') {
			if (label == 0 || s[-1] == '-')
				return -EINVAL;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return -EINVAL;
		if (label == 0 && *s == '-')
			return -EINVAL;
		if (++label > 63)
			return -EINVAL;
	}
	return label == 0 ? -EINVAL : 0;
}

/* Exact names match themselves; "*.a.test" matches names below a.test, not a.test itself. */
bool egress_domain_allowed(const struct egress_config *e, const char *name)
{
	size_t n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	for (char **p = e->allow_domain; p && *p; p++) {
		if (strncmp(*p, "*.", 2) == 0) {
			size_t k = strlen(*p + 1); /* ".a.test" */
			if (n > k && strncasecmp(name + n - k, *p + 1, k) == 0)
				return true;
		} else if (strlen(*p) == n && strncasecmp(name, *p, n) == 0)
			return true;
	}
	return false;
}

int egress_opt_allow_domain(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);
	char buf[260];
	size_t n = strlen(arg);

	if (!e)
		return -ENOMEM;
	if (n > 0 && n < sizeof(buf) && arg[n - 1] == '.')
		n--; /* a fully qualified "a.test." is a.test */
	if (n == 0 || n >= sizeof(buf))
		return failx(f, "--allow-domain", "'%s' is not a domain name or *.suffix pattern", arg);
	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)arg[i]);
	buf[n] = '\0';
	if (egress_domain_pattern_valid(buf) < 0)
		return failx(f, "--allow-domain",
			     "'%s' is not a domain name or *.suffix pattern (a '*' only as the first label)",
			     arg);
	return strv_extend(&e->allow_domain, buf) < 0 ? -ENOMEM : 0;
}

int egress_record_names(struct config *c)
{
	struct egress_config *e = egress_get(c);

	if (!e)
		return -ENOMEM;
	e->record_all = true;
	return 0;
}

int egress_opt_deny_lan(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);

	if (!e)
		return -ENOMEM;
	e->deny_lan = true;
	return 0;
}

int egress_opt_allow_udp(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);

	if (!e)
		return -ENOMEM;
	e->allow_udp = true;
	return 0;
}

static int parse_port(const char *s, size_t len, uint16_t *ret)
{
	unsigned long v = 0;

	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

/* N or N/udp (N/tcp too). */
int egress_opt_allow_host_port(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);
	const char *slash = strchr(arg, '/');
	struct egress_host_port hp = { 0 };
	struct egress_host_port *v;

	if (!e)
		return -ENOMEM;
	if (parse_port(arg, slash ? (size_t)(slash - arg) : strlen(arg), &hp.port) < 0 ||
	    (slash && strcmp(slash, "/udp") != 0 && strcmp(slash, "/tcp") != 0))
		return failx(f, "--allow-host-port", "'%s' is not PORT or PORT/udp (1-65535)", arg);
	hp.udp = slash && strcmp(slash, "/udp") == 0;
	if (!(v = realloc(e->host_ports, (e->n_host_ports + 1) * sizeof(*v))))
		return -ENOMEM;
	e->host_ports = v;
	v[e->n_host_ports++] = hp;
	return 0;
}

/* HOST:PORT, or [V6]:PORT, into host and port. */
static int parse_host_port(const char *s, char *host, size_t size, uint16_t *port)
{
	const char *colon;
	size_t hl;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		hl = (size_t)(end - s - 1);
		s++;
		colon = end + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', (size_t)(colon - s)))
			return -EINVAL;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= size)
		return -EINVAL;
	memcpy(host, s, hl);
	host[hl] = '\0';
	return parse_port(colon + 1, strlen(colon + 1), port);
}

/* socks5h://HOST:PORT, socks5://HOST:PORT or http://HOST:PORT (no user, no path). */
int egress_parse_via(struct egress_config *e, const char *url)
{
	static const struct {
		const char *scheme;
		enum egress_via kind;
	} schemes[] = { { "socks5h://", VIA_SOCKS5H }, { "socks5://", VIA_SOCKS5 }, { "http://", VIA_HTTP } };

	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++) {
		size_t n = strlen(schemes[i].scheme);
		if (strncasecmp(url, schemes[i].scheme, n) != 0)
			continue;
		const char *rest = url + n;
		size_t len = strlen(rest);
		if (len > 0 && rest[len - 1] == '/')
			len--;
		char hp[300];
		if (len >= sizeof(hp) || strchr(rest, '@'))
			return -EINVAL;
		memcpy(hp, rest, len);
		hp[len] = '\0';
		if (strchr(hp, '/') ||
		    parse_host_port(hp, e->via_host, sizeof(e->via_host), &e->via_port) < 0)
			return -EINVAL;
		e->via = schemes[i].kind;
		return 0;
	}
	return -EINVAL;
}

int egress_opt_via(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);

	if (!e)
		return -ENOMEM;
	if (egress_parse_via(e, arg) < 0)
		return failx(f, "--via",
			     "'%s' is not socks5h://HOST:PORT, socks5://HOST:PORT or http://HOST:PORT", arg);
	free(e->via_url);
	return (e->via_url = strdup(arg)) ? 0 : -ENOMEM;
}

/* --unix-scope, --unix-scope=require or --unix-scope=off; the last one given wins. */
int egress_opt_unix_scope(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);

	if (!e)
		return -ENOMEM;
	if (!arg)
		e->unix_scope = SCOPE_ON;
	else if (strcmp(arg, "require") == 0)
		e->unix_scope = SCOPE_REQUIRE;
	else if (strcmp(arg, "off") == 0)
		e->unix_scope = SCOPE_OFF;
	else
		return failx(f, "--unix-scope", "'%s': the values are require and off (--unix-scope=require)",
			     arg);
	return 0;
}

int egress_opt_allow_unix(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);

	if (!e)
		return -ENOMEM;
	if (arg[0] != '/')
		return failx(f, "--allow-unix", "%s: must be an absolute path", arg);
	return strv_extend(&e->allow_unix, arg) < 0 ? -ENOMEM : 0;
}

/* IP or IP:PORT or [IPV6]:PORT; port 53 by default. */
int egress_opt_dns_upstream(struct config *c, const char *arg, struct failure *f)
{
	struct egress_config *e = egress_get(c);
	struct sockaddr_in *in;
	struct sockaddr_in6 *in6;
	char host[64];
	uint16_t port = 53;

	if (!e)
		return -ENOMEM;
	memset(&e->dns_upstream, 0, sizeof(e->dns_upstream));
	in = (struct sockaddr_in *)&e->dns_upstream;
	in6 = (struct sockaddr_in6 *)&e->dns_upstream;
	if (strlen(arg) < sizeof(host) && inet_pton(AF_INET, arg, &in->sin_addr) == 1)
		goto v4;
	if (strlen(arg) < sizeof(host) && inet_pton(AF_INET6, arg, &in6->sin6_addr) == 1)
		goto v6;
	if (parse_host_port(arg, host, sizeof(host), &port) < 0)
		goto bad;
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1)
		goto v4;
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1)
		goto v6;
bad:
	return failx(f, "--dns-upstream", "'%s' is not IP, IP:PORT or [IPV6]:PORT", arg);
v4:
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	e->dns_upstream_len = sizeof(*in);
	return 0;
v6:
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons(port);
	e->dns_upstream_len = sizeof(*in6);
	return 0;
}

/* ---- config_finish ------------------------------------------------------------------------- */

static const char *first_policy_option(const struct egress_config *e)
{
	if (e->allow_domain)
		return "--allow-domain";
	if (e->via)
		return "--via";
	if (e->deny_lan)
		return "--deny-lan";
	if (e->n_host_ports)
		return "--allow-host-port";
	return "egress policy";
}

/* What would let the command undo the rules, and networks the rules cannot be put in. */
static int check_netns_policy(struct config *c, struct egress_config *e, struct failure *f)
{
	const char *opt = first_policy_option(e);
	bool names = e->allow_domain || e->via || e->record_all;

	if (c->cap_add & (1ULL << CAP_NET_ADMIN))
		return failx(f, "--cap-add", "%s with %s would let the command undo the egress policy",
			     c->cap_add == UINT64_MAX ? "ALL" : "NET_ADMIN", opt);
	if (((c->share & SHARE_NET) && !c->net_private) || c->net == NET_HOST)
		return failx(f, opt,
			     "needs the sandbox's own network namespace (not --share-net or --net host)");
	if (c->net == NET_NONE && !c->net_private && (names || e->deny_lan || e->n_host_ports))
		c->net = NET_AUTO_USERMODE;
	if (e->n_host_ports) {
		if (c->net == NET_VETH)
			return failx(f, "--allow-host-port", "needs --net slirp or --net pasta");
		c->allow_host_loopback = true;
	}
	/* every TCP connection goes to the upstream, which decides what it reaches: the LAN guard
	 * of a network profile (inc/network.inc) has nothing left to guard */
	if (e->via)
		e->deny_lan = false;
	if (e->via && (e->allow_domain || e->n_host_ports || e->allow_udp))
		return failx(f, "--via",
			     "sends all TCP through the upstream; it does not combine with --allow-domain, "
			     "--allow-host-port or --allow-udp");
	e->netns_policy = true;
	e->resolver = true;
	return 0;
}

static int check_allow_unix(const struct egress_config *e, struct failure *f)
{
	struct stat st;

	for (char **p = e->allow_unix; p && *p; p++) {
		if (stat(*p, &st) < 0)
			return fail(f, negative_errno(), "--allow-unix", "%s", *p);
		if (!S_ISSOCK(st.st_mode))
			return failx(f, "--allow-unix", "%s is not a Unix socket", *p);
	}
	return 0;
}

/* The binds of --allow-unix, at the same place inside. */
static int add_unix_binds(struct config *c, const struct egress_config *e)
{
	for (char **p = e->allow_unix; p && *p; p++) {
		struct mount_req *m = realloc(c->mounts, (c->n_mounts + 1) * sizeof(*m));
		if (!m)
			return -ENOMEM;
		c->mounts = m;
		m[c->n_mounts] =
		    (struct mount_req){ .kind = MREQ_BIND, .src = strdup(*p), .dst = strdup(*p) };
		c->n_mounts++;
		if (!m[c->n_mounts - 1].src || !m[c->n_mounts - 1].dst)
			return -ENOMEM;
	}
	return 0;
}

/* Scoping is asked (--unix-scope), or implied when the host's abstract sockets are in reach
 * (a shared network namespace) or the desktop's are passed. */
static int decide_scope(struct config *c, struct egress_config *e, struct failure *f)
{
	bool implied = (c->share & SHARE_NET) || c->net == NET_HOST || c->desktop;

	if (e->unix_scope == SCOPE_OFF || (e->unix_scope == SCOPE_AUTO && !implied))
		return 0;
	e->landlock_abi = landlock_abi();
	e->scope_on = landlock_abi_has_scopes(e->landlock_abi);
	if (e->scope_on)
		return 0;
	if (e->unix_scope == SCOPE_REQUIRE)
		return failx(f, "--unix-scope",
			     "=require, but this kernel's Landlock cannot scope abstract "
			     "Unix sockets (needs ABI 6, %s)",
			     e->landlock_abi < 0 ? landlock_unavailable_reason(e->landlock_abi) : "has less");
	if (e->unix_scope == SCOPE_ON)
		log_warning("--unix-scope: this kernel's Landlock cannot scope abstract Unix sockets "
			    "(needs ABI 6); the command runs without it");
	return 0;
}

int egress_finish(struct config *c, struct failure *f)
{
	bool implied = (c->share & SHARE_NET) || c->net == NET_HOST || c->desktop;
	struct egress_config *e = c->egress;
	int r;

	if (!e && !implied)
		return 0;
	if (!e && !(e = egress_get(c)))
		return fail(f, -ENOMEM, "config", NULL);
	if (e->allow_domain || e->via || e->deny_lan || e->n_host_ports || e->record_all)
		if ((r = check_netns_policy(c, e, f)) < 0)
			return r;
	if (e->allow_udp && !e->netns_policy)
		return failx(f, "--allow-udp", "needs --allow-domain (it relaxes the domain allowlist)");
	if (e->dns_upstream.ss_family && !e->resolver)
		return failx(f, "--dns-upstream",
			     "needs an egress policy (--allow-domain, --deny-lan, --via)");
	if ((r = check_allow_unix(e, f)) < 0)
		return r;
	if ((r = add_unix_binds(c, e)) < 0)
		return fail(f, r, "--allow-unix", NULL);
	return decide_scope(c, e, f);
}

void egress_free(struct config *c)
{
	struct egress_config *e = c->egress;

	if (!e)
		return;
	strv_free(e->allow_domain);
	strv_free(e->allow_unix);
	free(e->host_ports);
	free(e->via_url);
	free(e);
	c->egress = NULL;
}

bool egress_netns_policy(const struct config *c)
{
	return c->egress && c->egress->netns_policy;
}

const char *egress_resolv_conf(const struct config *c)
{
	return c->egress && c->egress->resolver ? "nameserver " EGRESS_RESOLVER_ADDR "\n" : NULL;
}
