/* hutch-oci: the container's terminal (oci-console.c). Launcher side. */
#pragma once

struct failure;

/* A connection to the engine's --console-socket, made in the runtime's namespaces (its path
 * is theirs); the command opens the terminal inside the sandbox and sends its controller end
 * over it (command/terminal.c). Returns the fd, or -errno with f filled. */
int oci_console_connect(const char *socket_path, struct failure *f);
