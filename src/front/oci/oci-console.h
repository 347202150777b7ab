/* hutch-oci: the container's terminal (oci-console.c). Launcher side. */
#pragma once

#include <stddef.h>

struct failure;

/* A new pseudo-terminal: its controller end sent over socket_path (SCM_RIGHTS), its other end
 * made this process's controlling terminal (a new session) and fds 0, 1 and 2; its name (in
 * the runtime's /dev/pts) in ret_name. */
int oci_console_setup(const char *socket_path, char *ret_name, size_t size, struct failure *f);
