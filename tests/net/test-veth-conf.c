/* Unit tests of hutch-veth's policy parser (src/veth/veth-conf.c) and its address choice
 * (veth_pick_address, veth_alias_parse): pure code, no privileges, no network. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../unit/tap.h"
#include "veth/veth-conf.h"
#include "veth/veth-link.h"

static bool in_group(const char *group, void *arg)
{
	(void)arg;
	return strcmp(group, "netusers") == 0;
}

static int allowance(const char *text, const char *bridge, unsigned *max, unsigned *line)
{
	struct veth_caller who = { .uid = 1001, .user = "alice", .in_group = in_group };
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int r = veth_conf_allowance(f, &who, bridge, max, line);

	fclose(f);
	return r;
}

static void test_conf(void)
{
	unsigned max = 99, line = 0;

	TAP_OK(allowance("alice br0 2\n", "br0", &max, &line) == 0 && max == 2, "a user line grants MAX");
	TAP_OK(allowance("alice br0 2\n", "br1", &max, &line) == 0 && max == 0, "another bridge: nothing");
	TAP_OK(allowance("bob br0 2\n", "br0", &max, &line) == 0 && max == 0, "another user: nothing");
	TAP_OK(allowance("1001 br0 3\n", "br0", &max, &line) == 0 && max == 3,
	       "a numeric uid names the user");
	TAP_OK(allowance("@netusers br0 4\n", "br0", &max, &line) == 0 && max == 4,
	       "a group of the caller's");
	TAP_OK(allowance("@wheel br0 4\n", "br0", &max, &line) == 0 && max == 0, "a group not the caller's");
	TAP_OK(allowance("alice br0 1\n@netusers br0 5\nalice br0 2\n", "br0", &max, &line) == 0 && max == 5,
	       "several lines: the largest MAX");
	TAP_OK(allowance("# comment\n\n   \nalice br0 1 # trailing\n", "br0", &max, &line) == 0 && max == 1,
	       "comments and blank lines");
	TAP_OK(allowance("alice br0\n", "br0", &max, &line) == -EINVAL && line == 1,
	       "a missing MAX is an error");
	TAP_OK(allowance("x br0 1\nalice br0 -1\n", "br0", &max, &line) == -EINVAL && line == 2,
	       "a negative MAX is an error, with its line");
	TAP_OK(allowance("alice br0 1001\n", "br0", &max, &line) == -EINVAL, "MAX above 1000 is an error");
	TAP_OK(allowance("alice br0 1 extra\n", "br0", &max, &line) == -EINVAL, "extra words are an error");
	TAP_OK(allowance("alice ../x 1\n", "../x", &max, &line) == -EINVAL, "a bad bridge name is an error");
	TAP_OK(allowance("@ br0 1\n", "br0", &max, &line) == -EINVAL, "an empty group is an error");
}

static void test_names(void)
{
	TAP_OK(veth_name_valid("br0") && veth_name_valid("hutch-br_0.1"), "ordinary names are valid");
	TAP_OK(!veth_name_valid("") && !veth_name_valid(".") && !veth_name_valid(".."), "empty, . and ..");
	TAP_OK(!veth_name_valid("a/b") && !veth_name_valid("a b") && !veth_name_valid("a:b"), "/, space, :");
	TAP_OK(!veth_name_valid("0123456789abcdef") && veth_name_valid("0123456789abcde"),
	       "15 characters at most");
}

static void test_addresses(void)
{
	struct veth_bridge br = { .ifindex = 3, .prefix = 24 };
	struct in_addr used[2], got;
	struct veth_usage u = { .used = used, .n_used = 0 };
	char s[INET_ADDRSTRLEN];

	inet_pton(AF_INET, "10.9.0.1", &br.addr);
	TAP_OK(veth_pick_address(&br, &u, &got) == 0, "a free address in 10.9.0.1/24");
	TAP_STREQ(inet_ntop(AF_INET, &got, s, sizeof(s)), "10.9.0.2", "the bridge's own is skipped");
	inet_pton(AF_INET, "10.9.0.2", &used[0]);
	inet_pton(AF_INET, "10.9.0.3", &used[1]);
	u.n_used = 2;
	veth_pick_address(&br, &u, &got);
	TAP_STREQ(inet_ntop(AF_INET, &got, s, sizeof(s)), "10.9.0.4", "addresses in use are skipped");
	br.prefix = 30;
	inet_pton(AF_INET, "10.9.0.1", &br.addr);
	u.n_used = 1;
	inet_pton(AF_INET, "10.9.0.2", &used[0]);
	TAP_OK(veth_pick_address(&br, &u, &got) == -EADDRNOTAVAIL, "a full /30 has no address left");
	br.prefix = 31;
	TAP_OK(veth_pick_address(&br, &u, &got) == -EADDRNOTAVAIL, "a /31 is refused");
}

static void test_alias(void)
{
	struct in_addr a;
	uid_t uid;
	char s[INET_ADDRSTRLEN];

	TAP_OK(veth_alias_parse("hutch-veth uid=1001 addr=10.9.0.2", &uid, &a) && uid == 1001,
	       "an alias parses");
	TAP_STREQ(inet_ntop(AF_INET, &a, s, sizeof(s)), "10.9.0.2", "its address");
	TAP_OK(!veth_alias_parse("hutch-veth uid=1001 addr=10.9.0.2 x", &uid, &a),
	       "trailing junk is not ours");
	TAP_OK(!veth_alias_parse("hutch-veth uid= addr=10.9.0.2", &uid, &a), "no uid is not ours");
	TAP_OK(!veth_alias_parse("hutch-veth uid=-1 addr=10.9.0.2", &uid, &a), "a negative uid is not ours");
	TAP_OK(!veth_alias_parse("uplink", &uid, &a) && !veth_alias_parse(NULL, &uid, &a),
	       "other aliases, or none, are not ours");
}

int main(void)
{
	test_conf();
	test_names();
	test_addresses();
	test_alias();
	return tap_done();
}
