/* The network room's internals (net.c and one file per back-end: net-slirp.c, net-pasta.c,
 * net-veth.c): the back-ends' ops table entry, starting a helper program, and what the
 * user-mode back-ends share. Launcher side, the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct config;
struct failure;
struct net_state; /* net.h */

struct net_backend {
	const char *name;	 /* for messages */
	const char *program;	 /* what must be in $PATH, or NULL */
	bool needs_tun;		 /* a tap device in the sandbox: /dev/net/tun must open */
	const char *resolv_conf; /* the sandbox's /etc/resolv.conf, or NULL for the view's own */
	int (*validate)(const struct net_backend *be, const struct config *c, struct failure *f);
	int (*start)(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f);
	/* after start, NULL when start is complete in itself: wait until the back-end is ready */
	int (*ready)(const struct config *c, struct net_state *st, struct failure *f);
	/* NULL, or tell the helper to end without waiting (net_stop_begin); stop then waits */
	void (*signal)(struct net_state *st);
	void (*stop)(struct net_state *st);
};

/* The fds a helper gets: 0 is /dev/null, 1 out (or /dev/null), 2 err, then extra[] from 3 on. */
struct spawn_fds {
	int out, err;
	int extra[2];
	size_t n_extra;
};

/* The sandbox's side of user-mode networking is the same whichever back-end runs it, so that
 * auto-usermode means one thing: slirp4netns's default layout, which pasta is told to use
 * instead of copying the host's addresses. The gateway stands for the host's loopback when
 * --allow-host-loopback says so; the resolver forwards to the host's resolvers. */
#define USERMODE_ADDR	"10.0.2.100"
#define USERMODE_PREFIX "24"
#define USERMODE_GW	"10.0.2.2"
#define USERMODE_DNS	"10.0.2.3"
#define USERMODE_ADDR6	"fd00::100"
#define USERMODE_GW6	"fd00::2"
#define USERMODE_DNS6	"fd00::3"
#define USERMODE_RESOLV "nameserver " USERMODE_DNS "\n"

/* pasta's readiness fifo: this name in st->ready_dir (net-pasta.c makes it, net.c removes it). */
#define PASTA_READY_FIFO "ready"

/* Fork and exec bin with the fds of s in place, its own session, tied to our life; where bin
 * is not argv[0] (a build of argv[0]'s program run directly) and cannot be executed, argv[0]. */
int net_spawn(const char *bin, char *const argv[], const struct spawn_fds *s, pid_t *ret);
/* Signal (when sig) and wait for *pid; -1 after. */
void net_reap(pid_t *pid, int sig);
/* The last line a helper wrote to its log (a memfd), for a failure's detail, or NULL. */
const char *net_log_last_line(int log_fd, char *buf, size_t size);
/* Read one line (up to size-1 bytes) from fd: 0 when a line came. */
int net_read_line(int fd, char *buf, size_t size);

/* The user-mode back-ends (slirp4netns, pasta): their program is there, --port's host ports
 * are free, and what stops them. */
int net_program_validate(const struct net_backend *be, const struct config *c, struct failure *f);
int net_ports_check_free(const struct config *c, struct failure *f);
void net_usermode_signal(struct net_state *st);
void net_usermode_stop(struct net_state *st);

/* net-slirp.c */
int net_slirp_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f);
int net_slirp_ready(const struct config *c, struct net_state *st, struct failure *f);
/* net-pasta.c */
int net_pasta_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f);
int net_pasta_ready(const struct config *c, struct net_state *st, struct failure *f);
/* net-veth.c */
int net_veth_validate(const struct net_backend *be, const struct config *c, struct failure *f);
int net_veth_start(const struct config *c, pid_t pid1, struct net_state *st, struct failure *f);
void net_veth_stop(struct net_state *st);
