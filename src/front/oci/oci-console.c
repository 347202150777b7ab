/* hutch-oci: process.terminal. The container's terminal is opened inside the sandbox, on its
 * own /dev/pts, as runc opens it (command/terminal.c, the command's "terminal" step); here only
 * the engine's --console-socket is connected, in the runtime's namespaces, for the command to
 * send the terminal's controller end over. Launcher side, the caller's privileges. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "front/oci/oci-console.h"
#include "lib/failure.h"
#include "lib/macro.h"

int oci_console_connect(const char *socket_path, struct failure *f)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (!socket_path)
		return failx(f, "console-socket", "process.terminal needs --console-socket");
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return failx(f, "console-socket", "%s: path too long", socket_path);
	strcpy(sa.sun_path, socket_path);
	s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = fail(f, negative_errno(), "console-socket", "%s", socket_path);
		safe_close(s);
		return r;
	}
	return s;
}
