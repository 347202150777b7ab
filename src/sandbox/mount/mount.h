/* Executes the mount plan in the sandbox's pid 1 (new user + mount namespace, full
 * capabilities of that user namespace): a staging tmpfs holds the host's root at /oldroot
 * and the new root at /newroot; every operation is fd-based (openat2, open_tree,
 * move_mount, mount_setattr), so no path walk inside the new root follows a symlink. */
#pragma once

#include "sandbox/mount/mount-fd.h"

struct failure;

/* struct mount_ctx is in mount-fd.h; child.c fills it. */
/* Before the id maps exist (they are needed only to create files and directories): open the
 * host's root and make the detached mounts the plan will attach (binds of host paths, new
 * proc and tmpfs instances), so that this work overlaps the id-map helpers. What fails here
 * is left for mount_apply_plan to do again and report. */
void mount_prefetch(struct mount_ctx *m);

/* Stage the two roots (the host's tree at /oldroot, an empty tmpfs at /newroot). */
int mount_stage(struct mount_ctx *m, struct failure *f);
/* Replay c->plan into the new root. */
int mount_apply_plan(struct mount_ctx *m, struct failure *f);
void mount_ctx_close(struct mount_ctx *m);
