/* A terminal of the sandbox's own (see terminal.h). Command process, in the sandbox's
 * namespaces after pivot_root, with the capabilities of its user namespace still held. */
#include "command/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "lib/failure.h"
#include "lib/macro.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

/* The controller fd over the socket, the terminal's name as the message. */
static int send_controller(int sock, int fd, const char *name, struct failure *f)
{
	char control[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)name, .iov_len = strlen(name) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control)
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
		return fail(f, negative_errno(), "terminal", "sending %s to the console socket", name);
	return 0;
}

/* /dev/console made (an empty file) when missing, and the terminal bound over it. */
static int bind_console(const char *name, struct failure *f)
{
	int fd = open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);

	if (fd < 0 && errno != EEXIST)
		return fail(f, negative_errno(), "terminal", "/dev/console");
	safe_close(fd);
	if (mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0)
		return fail(f, negative_errno(), "terminal", "binding %s over /dev/console", name);
	return 0;
}

int terminal_take(int sock, bool console, unsigned short rows, unsigned short cols, struct failure *f)
{
	_cleanup_close_ int owned = sock;
	_cleanup_close_ int ptm = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), pts = -1;
	char name[64];
	int r;

	if (ptm < 0)
		return fail(f, negative_errno(), "terminal",
			    "/dev/pts/ptmx (the sandbox needs a devpts at /dev/pts)");
	if (unlockpt(ptm) < 0 || ptsname_r(ptm, name, sizeof(name)) != 0)
		return fail(f, negative_errno(), "terminal", "unlocking a pseudo-terminal");
	/* the peer through the controller, not by its name: no path to swap */
	pts = ioctl(ptm, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pts < 0)
		return fail(f, negative_errno(), "terminal", "%s", name);
	if (rows && cols) {
		struct winsize ws = { .ws_row = rows, .ws_col = cols };
		if (ioctl(pts, TIOCSWINSZ, &ws) < 0)
			return fail(f, negative_errno(), "terminal", "sizing %s", name);
	}
	if (console && (r = bind_console(name, f)) < 0)
		return r;
	if ((r = send_controller(sock, ptm, name, f)) < 0)
		return r;
	if (ioctl(pts, TIOCSCTTY, 0) < 0)
		return fail(f, negative_errno(), "terminal", "making %s the controlling terminal", name);
	for (int fd = 0; fd <= 2; fd++)
		if (dup2(pts, fd) < 0)
			return fail(f, negative_errno(), "terminal", "dup2");
	return 0;
}
