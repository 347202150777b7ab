/* Where user namespaces are blocked (issue 14). The normal path probes nothing: the launcher
 * tries the clone and, only when the kernel refuses, classifies the error here and names the
 * cause and its fix. --tier auto then runs the restricted tier: no namespaces; Landlock (the
 * highest ABI available) for the file system and the network, the default seccomp filter plus
 * a socket and IPC filter, no_new_privs, the environment scrub and the fd sweep. Never
 * unconfined: without Landlock the restricted tier refuses too. Launcher side. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct config;
struct failure;
struct launch_report;

/* Whether clone(CLONE_NEWUSER)'s -errno means "user namespaces are refused here". */
bool tier_userns_refused(int err);

/* The cause and the fix, read from the sysctls and LSM state only now that it failed. */
void tier_explain(int err, char *buf, size_t len);

/* AppArmor's kernel.apparmor_restrict_unprivileged_userns lets the clone succeed and takes the
 * capabilities away inside, so the failure shows later (writing uid_map, the first mount): when
 * that restriction is on and hutch runs under no profile, true with the cause and the fix. */
bool tier_apparmor_blocks(char *buf, size_t len);

/* What the restricted tier cannot do, one line each, for `hutch doctor` and hutch(1). */
extern const char *const tier_restricted_cannot[];

/* Run c's command in the restricted tier. A config that needs what this tier cannot give
 * (a private /tmp, hidden paths inside an allowed directory, pid isolation, limits without a
 * cgroup, port forwards) is refused with 125 naming the directive, unless c->accept_weaker;
 * what it can never do (an image root, a path moved elsewhere, another uid) is refused
 * always. cgroup_leaf_fd >= 0: the command is created in that cgroup (limits then hold).
 * Returns like launcher_run(). */
int tier_restricted_run_in(const struct config *c, int cgroup_leaf_fd, struct launch_report *ret,
			   struct failure *f);

/* The same without a cgroup. */
int tier_restricted_run(const struct config *c, struct launch_report *ret, struct failure *f);
