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
/* hutch-oci's launcher process, before the clone (as the root of the engine's user namespace):
 * each bind's detached mount made with its rights, per plan entry (-1 where it could not be:
 * pid 1 tries again itself and reports), for c->plan_trees; NULL when none could be made (not
 * root in this user namespace). A source below a directory that the container's own root may
 * not search (podman 5 keeps a container's files, its /dev/shm among them, under one only its
 * user may, and --uidmap makes the container's root another id) is still bound, as runc opens
 * each source from outside. pid 1 attaches them (take_pre); moving a detached mount into a
 * mount namespace of a nested user namespace locks its flags there. */
int *mount_trees_outside(const struct config *c);
/* pid 1: the launcher-made mounts of c->plan_trees taken into m (before mount_prefetch). */
void mount_take_outside(struct mount_ctx *m);

/* Stage the two roots (the host's tree at /oldroot, an empty tmpfs at /newroot). */
int mount_stage(struct mount_ctx *m, struct failure *f);
/* Replay c->plan into the new root. */
int mount_apply_plan(struct mount_ctx *m, struct failure *f);
void mount_ctx_close(struct mount_ctx *m);
