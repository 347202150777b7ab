/* The default seccomp deny list: one row per system call with the reason it is refused.
 * seccomp.c builds the filter from it (launcher side); the man page's list and the test that
 * checks every name against the installed libseccomp read the same rows. */
#pragma once

#include <errno.h>
#include <stddef.h>

#include "command/confine.h"

/* How a row becomes rules; the plain kind is refused outright. */
enum seccomp_row_kind {
	SCR_PLAIN,	 /* always refused */
	SCR_PERSONALITY, /* refused unless the argument is one of the harmless personalities */
	SCR_TTY_IOCTL,	 /* ioctl refused for the terminal requests TIOCSTI and TIOCLINUX */
	SCR_NEWUSER,	 /* refused when the flags ask for CLONE_NEWUSER */
};

/* Which option lifts a row. */
enum seccomp_row_gate {
	SCG_NONE,
	SCG_PTRACE, /* --allow-ptrace */
	SCG_USERNS, /* --allow-userns */
};

struct seccomp_row {
	const char *name;
	enum seccomp_row_kind kind;
	enum seccomp_row_gate gate;
	int err; /* the errno the command sees */
	const char *reason;
};

/* clang-format off */
static const struct seccomp_row seccomp_default_rows[] = {
	{ "keyctl", SCR_PLAIN, SCG_NONE, EPERM,
	  "the kernel keyring is not namespaced: the user's host keys are reachable" },
	{ "add_key", SCR_PLAIN, SCG_NONE, EPERM, "kernel keyring (see keyctl)" },
	{ "request_key", SCR_PLAIN, SCG_NONE, EPERM, "kernel keyring (see keyctl); can run a host upcall" },
	{ "init_module", SCR_PLAIN, SCG_NONE, EPERM, "loads kernel code" },
	{ "finit_module", SCR_PLAIN, SCG_NONE, EPERM, "loads kernel code" },
	{ "delete_module", SCR_PLAIN, SCG_NONE, EPERM, "unloads kernel code" },
	{ "kexec_load", SCR_PLAIN, SCG_NONE, EPERM, "replaces the running kernel" },
	{ "kexec_file_load", SCR_PLAIN, SCG_NONE, EPERM, "replaces the running kernel" },
	{ "bpf", SCR_PLAIN, SCG_NONE, EPERM,
	  "in-kernel programs: a large attack surface and a source of kernel pointer leaks" },
	{ "perf_event_open", SCR_PLAIN, SCG_NONE, EPERM,
	  "performance counters: side channels and a long record of kernel bugs" },
	{ "userfaultfd", SCR_PLAIN, SCG_NONE, EPERM,
	  "lets a process stall the kernel mid-copy, the usual way to win kernel races" },
	{ "io_uring_setup", SCR_PLAIN, SCG_NONE, EPERM,
	  "io_uring: a large, bug-prone interface whose operations bypass this filter" },
	{ "io_uring_enter", SCR_PLAIN, SCG_NONE, EPERM, "io_uring (see io_uring_setup)" },
	{ "io_uring_register", SCR_PLAIN, SCG_NONE, EPERM, "io_uring (see io_uring_setup)" },
	{ "syslog", SCR_PLAIN, SCG_NONE, EPERM, "the kernel log is the host's and leaks kernel addresses" },
	{ "uselib", SCR_PLAIN, SCG_NONE, EPERM, "obsolete a.out loader with a history of kernel bugs" },
	{ "ptrace", SCR_PLAIN, SCG_PTRACE, EPERM,
	  "tampering with other processes of the sandbox; --allow-ptrace permits debuggers" },
	{ "process_vm_readv", SCR_PLAIN, SCG_PTRACE, EPERM,
	  "reads another process's memory like ptrace; --allow-ptrace permits it" },
	{ "process_vm_writev", SCR_PLAIN, SCG_PTRACE, EPERM,
	  "writes another process's memory like ptrace; --allow-ptrace permits it" },
	{ "personality", SCR_PERSONALITY, SCG_NONE, EPERM,
	  "only PER_LINUX, PER_LINUX32, UNAME26, their combination and the query 0xffffffff: "
	  "the other flags (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC, MMAP_PAGE_ZERO) weaken "
	  "exploit mitigations for what the command runs next" },
	{ "ioctl", SCR_TTY_IOCTL, SCG_NONE, EPERM,
	  "TIOCSTI and TIOCLINUX push input into the terminal, which may be the host's" },
	{ "unshare", SCR_NEWUSER, SCG_USERNS, EPERM,
	  "with CLONE_NEWUSER: a nested user namespace regains every capability and opens "
	  "kernel code paths meant for root; --allow-userns permits it" },
	{ "clone", SCR_NEWUSER, SCG_USERNS, EPERM, "with CLONE_NEWUSER (see unshare)" },
	{ "clone3", SCR_PLAIN, SCG_USERNS, ENOSYS,
	  "its flags sit behind a pointer the filter cannot read; ENOSYS makes the C library "
	  "fall back to clone, which the filter checks; --allow-userns permits it" },
};
/* clang-format on */

#define SECCOMP_DEFAULT_ROWS (sizeof(seccomp_default_rows) / sizeof(seccomp_default_rows[0]))

/* ---- calls the seccomp notifier watches (--report=full, learn); notify.c decodes them ---- */

struct seccomp_watch {
	const char *name;
	unsigned mode; /* SECCOMP_NOTIFY_FILES, SECCOMP_NOTIFY_LEARN (confine.h) */
};

#define SCW_BOTH (SECCOMP_NOTIFY_FILES | SECCOMP_NOTIFY_LEARN)

/* clang-format off */
static const struct seccomp_watch seccomp_watch_rows[] = {
	{ "open", SCW_BOTH }, { "openat", SCW_BOTH }, { "openat2", SCW_BOTH }, { "creat", SCW_BOTH },
	{ "unlink", SCW_BOTH }, { "unlinkat", SCW_BOTH },
	{ "rename", SCW_BOTH }, { "renameat", SCW_BOTH }, { "renameat2", SCW_BOTH },
	{ "mkdir", SCW_BOTH }, { "mkdirat", SCW_BOTH }, { "execve", SCW_BOTH }, { "execveat", SCW_BOTH },
	{ "connect", SECCOMP_NOTIFY_LEARN },
};
/* clang-format on */

#define SECCOMP_WATCH_ROWS (sizeof(seccomp_watch_rows) / sizeof(seccomp_watch_rows[0]))

/* ---- the rule-file grammar (seccomp.c), exposed for the unit test ---- */

#include <stdint.h>

#define SECCOMP_ERRNO_MAX    4095	/* the kernel keeps 12 bits of SECCOMP_RET_ERRNO data */
#define SECCOMP_RULE_NONE    (-1000000) /* blank or comment line */
#define SECCOMP_RULE_DEFAULT (-1000001) /* a "default …" line */

struct seccomp_file_rule {
	int nr;		 /* native syscall number (libseccomp's), or SECCOMP_RULE_* */
	uint32_t action; /* SCMP_ACT_* */
	unsigned line;
	const char *name; /* points into the parsed line; only valid while it lives */
};

/* One line of a rule file (modified in place). Returns 0, or -EINVAL / -ENOENT (unknown
 * name) with *ret_err a static message. */
int seccomp_parse_line(char *line, struct seccomp_file_rule *ret, const char **ret_err);

/* "13", "EACCES" → 13; -EINVAL for an unknown name, -ERANGE outside 0..4095. */
int seccomp_parse_errno(const char *s, int *ret);
