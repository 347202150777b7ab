/* Networking: the back-ends none, host, slirp4netns, pasta and veth. The child brings lo up
 * in its new network namespace; the launcher starts a user-mode back-end on the sandbox's
 * pid 1 once its network namespace exists, waits until it is ready (ready fd), adds the port
 * forwards, and then tells the command (NET_READY); helpers end with the sandbox, also when
 * the launcher is killed (exit fd, PR_SET_PDEATHSIG). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct config;
struct failure;

/* What the launcher holds of a running back-end. */
struct net_state {
	pid_t pid;   /* slirp4netns or pasta, -1 when none */
	int exit_fd; /* slirp4netns exits when this closes */
};

void net_state_init(struct net_state *st);

/* What only the back-end can refuse, at config time (the generic option checks are in
 * config.c). Pure. */
int net_validate(const struct config *c, struct failure *f);

/* Whether the launcher must start a back-end (and the command wait for NET_READY). Pure. */
bool net_needs_launcher(const struct config *c);

/* The resolv.conf the sandbox gets for this back-end, or NULL to keep the view's own. Pure. */
const char *net_resolv_conf(const struct config *c);

/* Launcher: start the back-end on pid1's namespaces, wait until it is ready, add the port
 * forwards. Child: lo up in the new network namespace. */
int net_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f);
void net_stop(struct net_state *st);
int net_setup_child(const struct config *c, struct failure *f);
