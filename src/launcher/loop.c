/* The launcher's event loop (see loop.h). */
#include "launcher/loop.h"

#include <errno.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "lib/failure.h"
#include "lib/macro.h"

int loop_init(struct loop *lp)
{
	lp->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	return lp->epoll_fd < 0 ? negative_errno() : 0;
}

void loop_done(struct loop *lp)
{
	lp->epoll_fd = safe_close(lp->epoll_fd);
}

int loop_add(struct loop *lp, struct loop_source *src)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = src };

	return epoll_ctl(lp->epoll_fd, EPOLL_CTL_ADD, src->fd, &ev) < 0 ? negative_errno() : 0;
}

void loop_del(struct loop *lp, struct loop_source *src)
{
	if (lp->epoll_fd >= 0 && src->fd >= 0)
		epoll_ctl(lp->epoll_fd, EPOLL_CTL_DEL, src->fd, NULL);
}

int loop_dispatch(struct loop *lp, int timeout_ms, struct failure *f)
{
	struct epoll_event ev[8];
	int n = epoll_wait(lp->epoll_fd, ev, (int)ARRAY_SIZE(ev), timeout_ms);

	if (n < 0 && errno == EINTR)
		return 0;
	if (n < 0)
		return fail(f, negative_errno(), "epoll", NULL);
	for (int i = 0; i < n; i++) {
		struct loop_source *src = ev[i].data.ptr;
		int r = src->handler(src, ev[i].events, f);
		if (r < 0)
			return r;
	}
	return 0;
}
