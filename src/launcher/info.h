/* --info-fd and --json-status-fd: the JSON a driving program reads (see info.c). Launcher side,
 * the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct config;
struct failure;

/* "child-pid": N, then "<ns>-namespace": inode for each namespace of pid 1 in namespaces
 * (CLONE_NEW* flags; 0: every one), sep before each; the record (state.c) uses it too. */
void info_put_pid_namespaces(FILE *out, pid_t pid1, unsigned namespaces, const char *sep);

/* Once pid 1 exists: the object on both fds (the info fd then closed with c->info_close). */
int info_started(const struct config *c, pid_t pid1, struct failure *f);

/* At the end: {"exit-code": status} on the status fd, unless status < 0 (no status) or, with
 * c->info_exit_if_run, the command never ran; then closed with c->info_close. */
void info_finished(const struct config *c, int status, bool ran);
