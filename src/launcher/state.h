/* The running sandbox's record, for `hutch list/join/stop` and programs that drive hutch:
 *   $XDG_RUNTIME_DIR/hutch/NAME/info.json — name, launcher pid and start time, the host pid of
 *     the sandbox's pid 1, uid, command, profile, hutch's own argv, namespace inodes (the JSON
 *     on --info-fd N / --json-status-fd N is src/launcher/info.c's; this file parses the options).
 * None with c->no_record. Written by the launcher once pid 1 exists (while the child mounts), removed at exit; a
 * record whose launcher is gone (SIGKILL) is stale: `hutch list` and `hutch stop` remove it,
 * and a new sandbox of that name replaces it. Creating and removing records happens under an
 * flock(2) of $XDG_RUNTIME_DIR/hutch, so that a cleanup never takes a record being born.
 * Launcher side and the subcommands, the caller's own privileges. */
#pragma once

#include "lib/proc.h"

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct config;
struct failure;

struct state {
	char *dir; /* NULL when there is no runtime dir to keep it in */
};

/* Option values: --name NAME, --info-fd N, --json-status-fd N. */
int state_parse_option(struct config *c, const char *name, const char *arg, struct failure *f);

/* config_finish(): the default name (command basename + "-" + launcher pid); a live
 * sandbox of the same name is an error. */
int state_validate(struct config *c, struct failure *f);

/* The record first (launcher.c writes --info-fd after it): a program that has read the info
 * fd can rely on `hutch list` and `hutch join` knowing the sandbox. */
int state_publish(const struct config *c, pid_t pid1, struct state *st, struct failure *f);
void state_finish(const struct config *c, struct state *st);

/* A process's start time (clock ticks since boot, /proc/PID/stat field 22): with the pid, it
 * tells a live launcher from a reused pid. 0 when unknown. */
unsigned long long state_start_time(pid_t pid);

/* ---- reading records (the subcommands) ---- */

struct state_record {
	char *name;
	pid_t launcher_pid;
	unsigned long long launcher_start_time;
	pid_t pid1;
	uid_t uid;
	long long started; /* seconds since the epoch */
	char **command;
	char **hutch_argv;
	char *profile;			  /* "" for none */
	unsigned long long ns[PROC_N_NS]; /* inode of each namespace of pid 1; 0 when unrecorded */
};

void state_record_free(struct state_record *r);
/* Parse a record's JSON text into *r (state-read.c; pure); -EBADMSG for anything but a
 * well-formed record with a name, pids and a start time. */
int state_record_parse(const char *text, struct state_record *r);

/* $XDG_RUNTIME_DIR in env (an absolute path), or NULL. */
const char *state_runtime_dir(char **env);

/* Opens $RUNTIME/hutch, refusing one that is not the caller's or that others may write; with
 * lock, holds an exclusive flock(2) on it until *ret_fd is closed. -ENOENT: no sandbox ever
 * ran here. */
int state_open(const char *runtime_dir, bool lock, int *ret_fd, struct failure *f);

/* NAME's record below the fd of state_open(). The file must be the caller's. -ENOENT when
 * there is no such sandbox; -EBADMSG when the file is not a record. */
int state_read(int dir_fd, const char *name, struct state_record *ret, struct failure *f);

/* Whether the record's launcher runs: its pid has the recorded start time and is no zombie. */
bool state_record_alive(const struct state_record *r);

/* Under the lock of state_open(): NAME's directory, all of it, when its record's launcher is
 * gone. 1 removed; 0 left alone (alive, no record it can read, or not the caller's); -errno. */
int state_remove_stale(int locked_dir_fd, const char *name);

/* A pidfd of the record's pid 1, after checking, race-free through the pidfd, that it is the
 * caller's (its real and effective uid, from the pidfd where the kernel tells, else from
 * /proc), a child of the record's live launcher, and in the recorded namespaces. -ESRCH when
 * it has ended; -EPERM when it is not the caller's sandbox. */
int state_open_pid1(const struct state_record *r, int *ret_pidfd, struct failure *f);
