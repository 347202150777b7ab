/* A process's state and start time from /proc/PID/stat (see proc.h). Any process, the caller's
 * own privileges. */
#include "lib/proc.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fileio.h"

bool proc_stat_read(pid_t pid, char *ret_state, unsigned long long *ret_start)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || fileio_read_small_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return false;
	/* After the command name in parentheses (which may hold anything), fields 3 and 22. */
	char *p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || !p[2])
		return false;
	*ret_state = p[2];
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	*ret_start = p ? strtoull(p + 1, NULL, 10) : 0;
	return true;
}

unsigned long long proc_start_time(pid_t pid)
{
	unsigned long long t = 0;
	char st;

	return proc_stat_read(pid, &st, &t) ? t : 0;
}

bool proc_alive(pid_t pid, unsigned long long start)
{
	unsigned long long t;
	char st;

	return proc_stat_read(pid, &st, &t) && st != 'Z' && st != 'X' && t == start;
}

const char *const proc_ns_names[PROC_N_NS] = { "cgroup", "ipc", "mnt", "net", "pid", "user", "uts" };

unsigned long long proc_ns_inode(pid_t pid, const char *name)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	n = readlink(path, link, sizeof(link) - 1);
	char *lb = n > 0 ? (link[n] = '\0', strchr(link, '[')) : NULL;
	return lb ? strtoull(lb + 1, NULL, 10) : 0;
}
