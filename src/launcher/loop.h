/* The launcher's event loop: one epoll set whose sources are registered by the modules that
 * serve the sandbox while it runs (the sync channel and signals, the egress resolver and
 * relay, the seccomp notifier, the report's log readers). Launcher side only. */
#pragma once

#include <stdint.h>

struct failure;

/* Called when src->fd is ready (events: EPOLLIN, EPOLLHUP, ...). Returns >= 0 to go on, or
 * -errno with f filled to stop the sandbox. */
struct loop_source;
typedef int (*loop_handler)(struct loop_source *src, uint32_t events, struct failure *f);

struct loop_source {
	int fd;
	loop_handler handler;
	void *data; /* the module's own state */
};

struct loop {
	int epoll_fd;
};

int loop_init(struct loop *lp);
void loop_done(struct loop *lp);

/* Watch src (which must outlive its registration) for EPOLLIN. */
int loop_add(struct loop *lp, struct loop_source *src);
void loop_del(struct loop *lp, struct loop_source *src);

/* Wait for ready sources and call their handlers, once; timeout_ms as for epoll_wait.
 * Returns the first handler error, or 0. */
int loop_dispatch(struct loop *lp, int timeout_ms, struct failure *f);
