/* The seccomp user-notification server: the command's filter refuses a call (or, for
 * --report=full and learn, meets a watched one) and the kernel parks the caller until the
 * launcher answers. Refusals are answered exactly as the plain filter would (the same errno,
 * never "continue"); watched calls are recorded and continued, since enforcement stays in the
 * mounts and Landlock. Each becomes one event on the launcher's stream. Launcher side, the
 * caller's own privileges (it owns the sandbox's user namespace, so /proc/PID and
 * process_vm_readv of the sandbox's processes are open to it). */
#pragma once

#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>

#include "launcher/loop.h"

struct config;
struct events;
struct failure;

struct notify_rule; /* a line of a --seccomp rule file, to name it */

struct notify {
	const struct config *c;
	struct events *ev;
	struct loop *loop;
	struct loop_source src; /* fd -1 until the command sends the listener */
	unsigned watch;		/* SECCOMP_NOTIFY_* (confine.h) */
	struct seccomp_notif_sizes sizes;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	struct notify_rule *rules;
	size_t n_rules;
};

/* What the config asks the filter to notify: 0 when no report and no learn. */
unsigned notify_watch(const struct config *c);

/* Before the sandbox starts: the kernel's support (one line and 125 without it), the buffers,
 * and a rule file's lines. */
int notify_prepare(struct notify *n, const struct config *c, struct events *ev, struct loop *lp,
		   struct failure *f);

/* The listener fd arrived from the command (ownership moves here): serve it in lp. */
int notify_attach(struct notify *n, int fd, struct failure *f);

void notify_stop(struct notify *n);
