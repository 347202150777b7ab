/* The upstream proxy for --via (launcher side). The upstream is checked before the command
 * starts: it must accept a TCP connection within RELAY_CHECK_MS. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "egress-int.h"
#include "egress.h"
#include "failure.h"

#define RELAY_CHECK_MS 3000

/* A non-blocking connect to the upstream; the fd once connected, or -errno. */
static int upstream_connect(const struct egress_config *e, int timeout_ms)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *ai = NULL;
	char port[8];
	int r = -EHOSTUNREACH;

	snprintf(port, sizeof(port), "%u", e->via_port);
	if (getaddrinfo(e->via_host, port, &hints, &ai) != 0)
		return -ENOENT;
	for (struct addrinfo *a = ai; a; a = a->ai_next) {
		int s = socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		struct pollfd p = { .fd = s, .events = POLLOUT };
		int err = 0;
		socklen_t len = sizeof(err);
		if (s < 0)
			continue;
		if (connect(s, a->ai_addr, a->ai_addrlen) == 0 ||
		    (errno == EINPROGRESS && poll(&p, 1, timeout_ms) == 1 &&
		     getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)) {
			freeaddrinfo(ai);
			return s;
		}
		r = err ? -err : errno == EINPROGRESS ? -ETIMEDOUT : negative_errno();
		close(s);
	}
	freeaddrinfo(ai);
	return r;
}

int relay_check_upstream(const struct egress_config *e, struct failure *f)
{
	int s = upstream_connect(e, RELAY_CHECK_MS);

	if (s < 0)
		return fail(f, s, "--via", "the upstream %s does not answer", e->via_url);
	close(s);
	return 0;
}

int relay_start(struct egress_state *st, struct failure *f)
{
	return failx(f, "--via", "the relay is not available in this build");
}

void relay_stop(struct egress_state *st)
{
}
