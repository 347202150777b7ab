/* The user namespace started from the command line alone: when its options already ask for
 * subordinate ranges (--uid 0, --rootfs, --persist, --idmap subid...), a bare holder process
 * is cloned into a new user namespace and newuidmap/newgidmap start on it before the profile
 * is read and the configuration finished, so that the helpers' slow setuid start overlaps with
 * that work instead of following it. The launcher adopts it when the finished configuration
 * wants the same maps (its first child then joins that namespace with setns instead of making
 * one), else ends it and starts over. Launcher side, in the launcher's process. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "launcher/idmap.h"

struct config;

struct userns_early {
	pid_t pid;     /* the holder, in the new user namespace; -1: none started */
	int pidfd;     /* its pidfd */
	int userns_fd; /* its user namespace, for the first child's setns */
	struct idmap uid, gid;
	struct idmap_job jobs[2]; /* the helpers, until the launcher takes them */
	const char *reason;	  /* why the command line wants ranges (idmap_auto_reason) */
};

#define USERNS_EARLY_INIT                                          \
	{                                                          \
		.pid = -1, .pidfd = -1, .userns_fd = -1, .jobs = { \
			{ .pid = -1, .err_fd = -1 },               \
			{ .pid = -1, .err_fd = -1 }                \
		}                                                  \
	}

/* Start it when the command line alone (the first pass of its options) asks for ranges and
 * nothing rules the early start out (a given user namespace, the restricted tier). Best
 * effort: nothing is started when anything fails, and the launcher then does it all as
 * before. host_env: the caller's environment (its PATH finds the helpers). */
void userns_early_start(const struct config *cmdline, char **host_env, struct userns_early *e);

/* The launcher's maps for the finished configuration are the ones started: true, and the
 * helpers' jobs move to jobs (the holder stays e's until userns_early_end). */
bool userns_early_adopt(struct userns_early *e, const struct idmap *uid, const struct idmap *gid,
			struct idmap_job jobs[2]);

/* End the holder (killed and reaped) and any helper not taken (waited for); idempotent. */
void userns_early_end(struct userns_early *e);
