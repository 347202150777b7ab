/* What /proc/PID/stat tells of a process: its state and its start time, which with the pid
 * names one process for good (a pid is reused, the pair is not). Any process; knows no config. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* The state (field 3: R, S, Z, X...) and start time (field 22, clock ticks since boot) of pid;
 * false when it cannot be read (gone, or not visible from here). */
bool proc_stat_read(pid_t pid, char *ret_state, unsigned long long *ret_start);

/* pid's start time, or 0 when it cannot be read. */
unsigned long long proc_start_time(pid_t pid);

/* Whether pid is the process that started at start, and is neither a zombie nor dead (a
 * zombie keeps its pid and start time, but nothing of what it ran is left). */
bool proc_alive(pid_t pid, unsigned long long start);

/* The namespaces a sandbox's record and bwrap's --info-fd name, in their order. */
#define PROC_N_NS 7
extern const char *const proc_ns_names[PROC_N_NS];

/* The inode of pid's namespace NAME (/proc/PID/ns/NAME), or 0 when it cannot be read. */
unsigned long long proc_ns_inode(pid_t pid, const char *name);
