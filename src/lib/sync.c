/* The sync channel (see sync.h). Both sides: launcher and children. */
#include "lib/sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "lib/failure.h"
#include "lib/macro.h"

const char *sync_type_name(uint32_t t)
{
	static const char *const names[] = {
		[SYNC_NONE] = "EOF",
		[SYNC_USERMAP_ACK] = "USERMAP_ACK",
		[SYNC_SECCOMP] = "SECCOMP",
		[SYNC_PID1] = "PID1",
		[SYNC_NET_READY] = "NET_READY",
		[SYNC_FDS] = "FDS",
		[SYNC_ERROR] = "ERROR",
		[SYNC_INFO] = "INFO",
		[SYNC_NOTIFY_FD] = "NOTIFY_FD",
		[SYNC_EXIT] = "EXIT",
		[SYNC_TAP] = "TAP",
		[SYNC_COMMAND_PID] = "COMMAND_PID",
	};
	return t < SYNC_TYPE_MAX ? names[t] : "unknown";
}

int sync_pair(int fds[2])
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0 ? negative_errno() : 0;
}

int sync_send(int fd, enum sync_type t, int32_t value, const void *payload, size_t len, const int *fds,
	      size_t nfds)
{
	struct sync_msg h = { .type = t, .value = value, .len = (uint32_t)len };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)payload, len } };
	union {
		char buf[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	if (len > SYNC_MAX_PAYLOAD || nfds > SYNC_MAX_FDS)
		return -EMSGSIZE;
	if (nfds > 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	for (;;) {
		ssize_t n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n >= 0)
			return 0;
		if (errno != EINTR)
			return negative_errno();
	}
}

int sync_send_error(int fd, const struct failure *fl)
{
	return sync_send(fd, SYNC_ERROR, fl->err, fl, sizeof(*fl), NULL, 0);
}

int sync_failure(const struct sync_msg *m, const void *payload, struct failure *f)
{
	if (m->type != SYNC_ERROR || m->len != sizeof(struct failure) || !payload)
		return 0;
	memcpy(f, payload, sizeof(*f));
	f->stage[sizeof(f->stage) - 1] = f->detail[sizeof(f->detail) - 1] = '\0';
	return f->err > 0 ? -f->err : -EIO;
}

static void take_fds(struct msghdr *mh, int *ret_fds, size_t *ret_nfds)
{
	size_t n = 0;

	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		int *p = (int *)CMSG_DATA(cm);
		for (size_t i = 0; i < k; i++) {
			if (ret_fds && n < SYNC_MAX_FDS)
				ret_fds[n++] = p[i];
			else
				safe_close(p[i]);
		}
	}
	if (ret_nfds)
		*ret_nfds = n;
}

int sync_recv(int fd, struct sync_msg *ret, void **ret_payload, int *ret_fds, size_t *ret_nfds)
{
	_cleanup_free_ char *buf = malloc(sizeof(struct sync_msg) + SYNC_MAX_PAYLOAD);
	union {
		char b[CMSG_SPACE(sizeof(int) * SYNC_MAX_FDS)];
		struct cmsghdr align;
	} u;
	struct iovec iov = { buf, sizeof(struct sync_msg) + SYNC_MAX_PAYLOAD };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)
	};
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	do
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return negative_errno();
	take_fds(&mh, ret_fds, ret_nfds);
	if (n == 0)
		return 0;
	memcpy(ret, buf, n < (ssize_t)sizeof(*ret) ? 0 : sizeof(*ret));
	if ((size_t)n < sizeof(*ret) || ret->len != (size_t)n - sizeof(*ret) || ret->type == SYNC_NONE ||
	    ret->type >= SYNC_TYPE_MAX || (mh.msg_flags & MSG_TRUNC))
		return -EBADMSG;
	if (ret_payload && !(*ret_payload = malloc(ret->len ? ret->len : 1)))
		return -ENOMEM;
	if (ret_payload)
		memcpy(*ret_payload, buf + sizeof(*ret), ret->len);
	return (int)ret->type;
}

int sync_expect(int fd, enum sync_type want, int32_t *ret_value, void **ret_payload, size_t *ret_len,
		struct failure *f)
{
	struct sync_msg m;
	_cleanup_free_ void *payload = NULL;
	int t = sync_recv(fd, &m, &payload, NULL, NULL), r;

	if (t < 0)
		return fail(f, t, "sync", "waiting for %s", sync_type_name(want));
	if (t > 0 && (r = sync_failure(&m, payload, f)) < 0)
		return r;
	if (t != (int)want)
		return failx(f, "sync", "expected %s, got %s", sync_type_name(want),
			     sync_type_name((uint32_t)t));
	if (ret_value)
		*ret_value = m.value;
	if (ret_len)
		*ret_len = m.len;
	if (ret_payload)
		*ret_payload = TAKE_PTR(payload);
	return 0;
}
