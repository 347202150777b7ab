/* What the sandbox's pid 1 waits for and holds around its setup, when the config asks (see
 * gate.c). Sandbox pid 1, with the capabilities of its user namespace. */
#pragma once

struct config;
struct failure;

/* Once the launcher has done with the id maps: pid 1's copies of the launcher's info and
 * status fds closed (c->info_close), then, when another process writes the maps
 * (c->maps_block_fd), a byte or the end of file from it; with maps given whole that leave
 * pid 1's ids out, uid and gid 0 of the namespace taken. */
int gate_maps_ready(const struct config *c, struct failure *f);

/* After pivot_root: a read lock (F_RDLCK) on each of c->lock_files, held as long as pid 1
 * lives, so that a program outside knows which files a live sandbox uses. */
int gate_take_locks(const struct config *c, struct failure *f);

/* Last before the command: a byte or the end of file on c->block_fd. */
void gate_block(const struct config *c);
