/* A terminal of the sandbox's own, as runc makes a container's (hutch-oci's process.terminal):
 * opened in the command process, inside the sandbox, so that its name is the sandbox's. */
#pragma once

#include <stdbool.h>

struct failure;

/* A pseudo-terminal on the sandbox's /dev/pts (its ptmx), its controller end sent over the
 * connected socket sock (SCM_RIGHTS, with the terminal's name as the message: the engine's
 * --console-socket protocol; sock is closed), its other end sized rows × cols (when both are
 * non-zero), made the controlling terminal of the caller's session (made just before) and
 * its standard streams; with console, also bound over /dev/console (made when missing).
 * Command process, before its capabilities go. */
int terminal_take(int sock, bool console, unsigned short rows, unsigned short cols, struct failure *f);
