/* hutch-oci: process.terminal. A pseudo-terminal is opened in the container's process (the
 * launcher-to-be, on the runtime's /dev/ptmx), its controller end is sent over
 * --console-socket to the engine (conmon), and its other end becomes the process's controlling
 * terminal and standard streams, which pid 1 and the command inherit. Launcher side, the
 * caller's privileges. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "front/oci/oci-console.h"
#include "lib/failure.h"
#include "lib/macro.h"

/* The controller fd to the socket's listener, with the terminal's name as the message. */
static int send_fd(const char *socket_path, int fd, const char *name, struct failure *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	_cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return failx(f, "console-socket", "%s: path too long", socket_path);
	strcpy(sa.sun_path, socket_path);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail(f, negative_errno(), "console-socket", "%s", socket_path);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(s, &msg, MSG_NOSIGNAL) < 0)
		return fail(f, negative_errno(), "console-socket", "%s: sending the terminal", socket_path);
	return 0;
}

int oci_console_setup(const char *socket_path, char *ret_name, size_t size, struct failure *f)
{
	_cleanup_close_ int ptm = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), pts = -1;
	char name[128];
	int r;

	if (!socket_path)
		return failx(f, "console-socket", "process.terminal needs --console-socket");
	if (ptm < 0 || grantpt(ptm) < 0 || unlockpt(ptm) < 0 || ptsname_r(ptm, name, sizeof(name)) != 0)
		return fail(f, negative_errno(), "console-socket", "opening a pseudo-terminal");
	pts = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pts < 0)
		return fail(f, negative_errno(), "console-socket", "%s", name);
	if ((r = send_fd(socket_path, ptm, name, f)) < 0)
		return r;
	/* a session of its own whose controlling terminal this is */
	if (setsid() < 0 || ioctl(pts, TIOCSCTTY, 0) < 0)
		return fail(f, negative_errno(), "console-socket", "making %s the controlling terminal",
			    name);
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(pts, fd) < 0)
			return fail(f, negative_errno(), "console-socket", "dup2");
	snprintf(ret_name, size, "%s", name);
	return 0;
}
