/* Networking: the back-ends none, host, slirp4netns, pasta and veth, each a small ops table in
 * net.c. The child brings lo up in its new network namespace; the launcher starts the back-end
 * on the sandbox's pid 1 once its network namespace exists, waits until it is ready (a fd, never
 * a timer), and then tells the command (NET_READY). Helpers end with the sandbox, also when the
 * launcher is killed: PR_SET_PDEATHSIG, slirp4netns's exit fd, and a veth pair vanishes with
 * the network namespace its peer lives in. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct config;
struct failure;

/* What the launcher holds of a running back-end. */
struct net_state {
	const struct net_backend *backend; /* NULL when nothing runs */
	pid_t pid;			   /* slirp4netns or pasta, -1 when none */
	int exit_fd;			   /* slirp4netns exits when this closes */
	int ready_fd, log_fd;		   /* its readiness pipe (pasta: fifo) and its stderr, until ready */
	char *ready_dir;		   /* pasta's: the directory of its readiness fifo, till then */
	int veth_ifindex;		   /* the host end of the veth pair, 0 when none */
	char *veth_helper;		   /* hutch-veth, which removes the pair again; NULL as root */
};

void net_state_init(struct net_state *st);

/* What only the back-end can refuse, at config time (the generic option checks are in
 * config.c): its program is not installed, /dev/net/tun is not usable, the bridge's name.
 * Reads $PATH and stats files; changes nothing. */
int net_validate(const struct config *c, struct failure *f);

/* Whether the launcher must start a back-end (and the command wait for NET_READY). Pure. */
bool net_needs_launcher(const struct config *c);

/* The resolv.conf the sandbox gets for this back-end, or NULL to keep the view's own. Pure. */
const char *net_resolv_conf(const struct config *c);

/* Launcher: start the back-end on pid1's namespaces (net_start returns once it is spawned,
 * so that its start-up overlaps with pid 1's mounts and the egress ruleset), then wait until
 * it is ready and add the port forwards (net_ready). Child: lo up in the new network
 * namespace. */
int net_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f);
int net_ready(const struct config *c, struct net_state *st, struct failure *f);
/* net_stop_begin tells a back-end's helper to end and returns at once; net_stop ends what
 * remains and waits for the helper (after net_stop_begin, only for its exit), so that the
 * launcher's own teardown runs while the helper's exit frees its memory and sockets. */
void net_stop_begin(struct net_state *st);
void net_stop(struct net_state *st);
int net_setup_child(const struct config *c, struct failure *f);

/* IPv6 on a user-mode back-end (--ipv6): slirp4netns's address comes by router advertisement,
 * pasta adds one; by default the kernel first waits up to a second before soliciting a router
 * and a second more detecting duplicates, so a command started at NET_READY had no IPv6 yet.
 * pid 1 turns both waits off for its namespace before the back-end starts (net_prepare_ipv6,
 * best effort: a kernel without IPv6 has nothing to turn off), and the command waits for a
 * usable global address before it runs (net_wait_ipv6: netlink notifications, at most
 * NET_IPV6_WAIT_MS; -ETIMEDOUT when none came, and the command runs without). */
#define NET_IPV6_WAIT_MS 5000
void net_prepare_ipv6(const struct config *c);
int net_wait_ipv6(const struct config *c);

/* The user-mode back-ends' tap device (NET_TAP_NAME), made persistent in advance by the
 * sandbox's first process in its new network namespace, before the back-end starts: the
 * back-end attaches to it, and closing it when the back-end exits does not unregister the
 * device there and then (several RCU grace periods, 15-30 ms, that the launcher would wait
 * through reaping the back-end); the device goes with the network namespace, in the kernel's
 * teardown after the launcher returned. Best effort: on an error (-errno) the back-end makes
 * its own tap, as it would anyway. net_makes_tap is pure. */
#define NET_TAP_NAME "tap0"
bool net_makes_tap(const struct config *c);
int net_make_tap(const struct config *c);
