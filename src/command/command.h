/* The one command process: the steps of confine.h in their fixed order, then execve. Three
 * supervisors start it: pid 1 of the full sandbox (inside every namespace, after pivot_root:
 * the sandbox's pid 2, or pid 1 itself with --as-pid-1), the restricted tier's launcher (no
 * namespaces) and `hutch join` (inside a running sandbox's namespaces). Each describes its
 * command with one struct command_spec; the steps that do not apply to it are left out of the
 * spec's mask (command_steps()), never taken in a copy of their own. A failure before execve
 * goes back on the sync channel as SYNC_ERROR, whoever the supervisor is. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "command/confine.h"
#include "lib/macro.h"

struct config;

/* The steps, in the order they run (the order confine.h's first comment gives; environment
 * and execve follow them always). */
enum command_step {
	COMMAND_SIGMASK,       /* the signal mask cleared (the supervisor blocked the forwarded ones) */
	COMMAND_TIE,	       /* PR_SET_PDEATHSIG, and the supervisor's end of the channel still open */
	COMMAND_SETSID,	       /* a session of its own (--new-session, or a terminal's) */
	COMMAND_TERMINAL,      /* a terminal of the sandbox's own (c->console_fd), its controller sent */
	COMMAND_CHDIR,	       /* --chdir, else the caller's directory, else home, else / */
	COMMAND_FD_SWEEP,      /* every fd from 3 up close-on-exec but the spec's keep list */
	COMMAND_APPARMOR,      /* the AppArmor profile of the execve (c->apparmor_profile) */
	COMMAND_START_GATE,    /* held until the runtime's start (hutch-oci's create), c->start_gate_fd */
	COMMAND_RLIMIT,	       /* rlimit_apply, while CAP_SYS_RESOURCE is still held */
	COMMAND_HELD_LANDLOCK, /* the three below, taken here instead (c->keep_new_privs): */
	COMMAND_HELD_NET_WAIT, /* no no_new_privs, so they run while CAP_SYS_ADMIN is held */
	COMMAND_HELD_SECCOMP,
	COMMAND_CAPS,	      /* caps_drop */
	COMMAND_MDWE,	      /* --memory-deny-write-execute (PR_SET_MDWE) */
	COMMAND_NO_NEW_PRIVS, /* PR_SET_NO_NEW_PRIVS */
	COMMAND_LANDLOCK,     /* landlock_apply, or the restricted tier's ruleset */
	COMMAND_NET_WAIT,     /* the full sandbox's wait for a user-mode back-end (SYNC_NET_READY) */
	COMMAND_SECCOMP,      /* seccomp_install, last; its listener sent as SYNC_NOTIFY_FD */
	COMMAND_STEPS,
};

#define COMMAND_STEP(s) (1u << (s))

/* The name confine.h and docs/architecture.md give a step ("fd sweep", "seccomp_install"). */
const char *command_step_name(enum command_step s);

/* Who supervises the command, which decides some of its steps. */
enum command_kind {
	COMMAND_SANDBOX,    /* pid 1 of the full sandbox */
	COMMAND_RESTRICTED, /* the restricted tier's launcher */
	COMMAND_JOIN,	    /* `hutch join`'s joiner */
};

/* The steps a command of that kind takes for c (pure): no tie to its parent when it is pid 1
 * itself (--as-pid-1); setsid only with --new-session or a terminal to open (c->console_fd); no fd sweep when the config inherits
 * fds (hutch-bwrap), except in join, which passes on nothing of its own; the restricted tier
 * drops capabilities only when it holds some (root in a container: holds_caps); PR_SET_MDWE
 * only when asked; the AppArmor step only with c->apparmor_profile; with c->keep_new_privs
 * and capabilities held, no no_new_privs and the lock-down's held twins before caps_drop. */
unsigned command_steps(enum command_kind kind, const struct config *c, bool holds_caps);

struct command_spec {
	const struct config *c;
	unsigned steps;			   /* command_steps(), or a mask of COMMAND_STEP() */
	int sync_fd;			   /* the channel to the supervisor, CLOEXEC */
	char **argv;			   /* what to exec; NULL: c->argv, with --argv0's name */
	bool shell_fallback;		   /* argv[0] not found: /bin/sh (join's default shell) */
	const int *keep_fds;		   /* what the fd sweep leaves open: --keep-fd's */
	size_t n_keep_fds;		   /* (join: none) */
	int landlock_fd;		   /* >= 0: enforce this ruleset instead of landlock_apply */
	const struct bpf_program *pre_bpf; /* installed before bpf (the tier's socket and IPC rules) */
	const struct bpf_program *bpf;	   /* the seccomp program, installed last */
};

/* The command process: takes s's steps in order and execs. A failed step is sent as
 * SYNC_ERROR and ends the process with 125; a failed execve is sent with stage "exec" and
 * ends it with 127 (not found) or 126. */
_noreturn_ void command_run(const struct command_spec *s);

/* The full sandbox's command: receives the seccomp program (SYNC_SECCOMP), waits for the
 * network (SYNC_NET_READY) when a user-mode back-end is configured, then command_run(). */
_noreturn_ void command_exec(const struct config *c, int sync_fd);
