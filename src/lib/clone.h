/* Process creation with namespace flags: clone3 first, clone(2) when clone3 is refused with
 * ENOSYS — as inside a hutch sandbox, whose filter answers clone3 that way so that programs
 * fall back to clone, whose flags it can inspect; and how a process ended, as an exit code.
 * Used by the launcher and its children. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* Like fork() (0 in the child), with CLONE_* flags; *ret_pidfd gets a pidfd when given.
 * cgroup_fd >= 0 asks for CLONE_INTO_CGROUP (clone3 only: -ENOSYS without it). Returns the
 * pid or -errno. */
pid_t clone_process(uint64_t flags, int exit_signal, int *ret_pidfd, int cgroup_fd);

/* The exit code of a process that ended so (waitid's si_code as how, si_status as status): its own exit
 * status, 128+N when signal N killed it (as shells report it), 255 for anything else. Pure;
 * the one mapping of the launcher's supervisor, the restricted tier, join and pid 1. */
int exit_code_of(int how, int status);

/* Wait for the process of pidfd to exit: its exit code, 128+N when signal N killed it (as
 * shells report it), 125 when the wait itself fails. */
int pidfd_exit_code(int pidfd);

/* The same, with the rusage of the process and of every child it waited for (ret_ru may be
 * NULL): what --stats reports without a cgroup. */
struct rusage;
int pidfd_exit_rusage(int pidfd, struct rusage *ret_ru);
