/* The admin's policy for hutch-veth: /etc/hutch/veth.conf, lines "USER|@GROUP BRIDGE MAX".
 * Pure (the group lookup is the caller's callback), so that it is unit-tested without root. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#define VETH_CONF_PATH	 "/etc/hutch/veth.conf"
#define VETH_CONF_MAX_N	 1000u /* the largest MAX a line may give */
#define VETH_BRIDGE_SIZE 16    /* IFNAMSIZ */

struct veth_caller {
	uid_t uid;
	const char *user; /* login name, or NULL */
	/* whether the caller is in the named group (real and supplementary groups) */
	bool (*in_group)(const char *group, void *arg);
	void *arg;
};

/* Whether s is an acceptable interface name: 1..15 of [A-Za-z0-9_.-], not "." or "..". */
bool veth_name_valid(const char *s);

/* The most pairs the caller may have on bridge: the largest MAX of the lines naming the caller
 * (by login name, by uid, or by a group of theirs) and that bridge; 0 when none does. A
 * malformed line is an error (-EINVAL, its number in *ret_line): a typo in a security policy
 * is better loud than silently ignored. */
int veth_conf_allowance(FILE *f, const struct veth_caller *who, const char *bridge, unsigned *ret_max,
			unsigned *ret_line);
