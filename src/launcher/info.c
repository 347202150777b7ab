/* The JSON for programs that drive a sandbox (bwrap's interface, hutch's too): on --info-fd
 * and --json-status-fd, once pid 1 exists, {"child-pid": N, "<ns>-namespace": inode, ...}; on
 * the status fd at the end {"exit-code": N}. The config says which namespaces it names, its
 * layout and whether the fds are closed once written (launcher/info.h). Also the pid and
 * namespaces of the sandbox's record (state.c). Launcher side, the caller's own privileges. */
#include "launcher/info.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/proc.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/macro.h"

/* The flag of each of proc_ns_names, in its order. */
static const int ns_flags[PROC_N_NS] = { CLONE_NEWCGROUP, CLONE_NEWIPC,	 CLONE_NEWNS, CLONE_NEWNET,
					 CLONE_NEWPID,	  CLONE_NEWUSER, CLONE_NEWUTS };

void info_put_pid_namespaces(FILE *out, pid_t pid1, unsigned namespaces, const char *sep)
{
	fprintf(out, "\"child-pid\": %d", (int)pid1);
	for (size_t i = 0; i < PROC_N_NS; i++) {
		unsigned long long ino;
		if (namespaces && !(namespaces & (unsigned)ns_flags[i]))
			continue;
		if ((ino = proc_ns_inode(pid1, proc_ns_names[i])))
			fprintf(out, "%s\"%s-namespace\": %llu", sep, proc_ns_names[i], ino);
	}
}

/* One object: hutch's on one line; spaced, an indented one (pretty) or "{ ... }". */
static int write_object(const struct config *c, int fd, pid_t pid1, bool pretty)
{
	const char *head = !c->info_spaced ? "{" : pretty ? "{\n    " : "{ ";
	const char *sep = c->info_spaced && pretty ? ",\n    " : ", ";
	const char *tail = !c->info_spaced ? "}\n" : pretty ? "\n}\n" : " }\n";
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	if (!out)
		return -ENOMEM;
	fputs(head, out);
	info_put_pid_namespaces(out, pid1, c->info_namespaces, sep);
	fputs(tail, out);
	if (fclose(out) != 0)
		return -ENOMEM;
	return fileio_write_all(fd, buf, len);
}

int info_started(const struct config *c, pid_t pid1, struct failure *f)
{
	int r;

	if (c->info_fd >= 0) {
		if ((r = write_object(c, c->info_fd, pid1, true)) < 0)
			return fail(f, r, "--info-fd", "%d", c->info_fd);
		if (c->info_close)
			close(c->info_fd); /* its reader waits for the end of file */
	}
	if (c->json_status_fd >= 0 && (r = write_object(c, c->json_status_fd, pid1, false)) < 0)
		return fail(f, r, "--json-status-fd", "%d", c->json_status_fd);
	return 0;
}

void info_finished(const struct config *c, int status, bool ran)
{
	if (c->json_status_fd < 0)
		return;
	if (status >= 0 && (ran || !c->info_exit_if_run))
		dprintf(c->json_status_fd,
			c->info_spaced ? "{ \"exit-code\": %d }\n" : "{\"exit-code\": %d}\n", status);
	if (c->info_close)
		close(c->json_status_fd);
}
