/* The command's confinement (issue 4): capabilities, seccomp, Landlock.
 * Built from the config; the order of application is fixed in command.c's one step table
 * (command_run(), for the full sandbox, the restricted tier and join alike), seccomp last;
 * docs/architecture.md says why each step is there:
 *   signal mask cleared → PDEATHSIG → setsid → terminal → chdir → fd sweep → apparmor exec →
 *   start gate → rlimit_apply → held landlock_apply → held network wait → held seccomp_install →
 *   caps_drop → PR_SET_MDWE → no_new_privs → landlock_apply → network wait → seccomp_install →
 *   environment → execve
 * (the three held ones replace their late twins and no_new_privs when c->keep_new_privs)
 * Parsing helpers run in the launcher; the apply and install steps run in the command process, inside all
 * namespaces, after pivot_root, with full capabilities of the sandbox's user namespace. */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct failure;

/* ---- caps.c (libcap) ---- */

/* "CAP_NET_RAW,sys_admin,ALL" → bit mask (bit n = capability n); unknown names are -EINVAL with
 * f naming the name. Launcher side (command-line and profile parsing). */
int caps_parse_list(const char *list, uint64_t *ret_mask, struct failure *f);

/* Empty effective/permitted/inheritable/ambient sets and a cleared bounding set, except the
 * capabilities in c->cap_add, which stay effective, permitted, inheritable and ambient so they
 * survive execve whatever the uid inside. With c->set_ids, first the switch to c->uid, c->gid
 * and c->groups. Command process. */
int caps_drop(const struct config *c, struct failure *f);

/* ---- seccomp.c (libseccomp) ---- */

/* A compiled classic-BPF program: built once in the launcher (while the id-map helpers run),
 * shipped to the child over the sync channel, installed last in the command process. */
struct bpf_program {
	struct sock_filter *insns;
	size_t n;      /* 0 means no filter (--seccomp=none) */
	bool listener; /* installed with a new listener for the launcher (--report, learn) */
};

/* Build the filter the config asks for: the default deny list (plus c->seccomp_deny, minus
 * what --allow-ptrace / --allow-userns permit) for every architecture the host runs, or the
 * rules of c->seccomp_file (errors name file:line), or nothing. Launcher side. */
int seccomp_build(const struct config *c, struct bpf_program *ret, struct failure *f);
void bpf_program_free(struct bpf_program *p);

/* --socket-family's list (unix,inet,inet6,netlink,packet,bluetooth) as a mask of allowed
 * families; -EINVAL with *ret_bad the unknown word. */
int seccomp_family_parse(const char *list, uint64_t *ret, const char **ret_bad);

/* What the notifier is told of (--report, learn): SECCOMP_NOTIFY_DENIED makes every refusal a
 * user notification that the launcher answers with the same errno; the others add the
 * watched calls of seccomp-table.h. 0 is seccomp_build(). Launcher side. */
enum {
	SECCOMP_NOTIFY_DENIED = 1u << 0,
	SECCOMP_NOTIFY_FILES = 1u << 1, /* --report=full */
	SECCOMP_NOTIFY_LEARN = 1u << 2, /* hutch learn: opens, execs and connects */
};
int seccomp_build_notify(const struct config *c, unsigned watch, struct bpf_program *ret, struct failure *f);

/* seccomp_build() through a per-user cache of compiled programs in $XDG_RUNTIME_DIR/hutch
 * (seccomp-cache.c). Launcher side. */
int seccomp_build_cached(const struct config *c, struct bpf_program *ret, struct failure *f);

/* prctl(PR_SET_SECCOMP) of the program, after no_new_privs (or holding CAP_SYS_ADMIN). Command process. With
 * p->listener, seccomp(2) with SECCOMP_FILTER_FLAG_NEW_LISTENER: returns the listener fd. */
int seccomp_install(const struct bpf_program *p, struct failure *f);
/* Then the front end's raw programs, c->extra_filters, in order (bwrap's --seccomp and
 * --add-seccomp-fd). Command process. */
int seccomp_install_extra(const struct config *c, struct failure *f);

/* A libseccomp filter (scmp_filter_ctx) exported as a program for seccomp_install: how the
 * restricted tier's own socket and IPC rules travel to its command. Launcher side. */
int seccomp_export(void *ctx, struct bpf_program *ret, struct failure *f);

/* ---- landlock.c ---- */

/* Where the kernel offers Landlock: restrict writes to the paths the mount plan made
 * writable (rw binds, tmpfs mounts, /dev). c->landlock: auto (skip quietly when unsupported),
 * off, require (-EOPNOTSUPP when unsupported). Command process, after pivot_root. */
int landlock_apply(const struct config *c, struct failure *f);
