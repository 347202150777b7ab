/* The user namespace the command runs in, when it is not the sandbox's own (see nest.c).
 * Sandbox pid 1, after pivot_root, with the capabilities of the sandbox's user namespace. */
#pragma once

struct config;
struct failure;

/* c->nest_userns: a new user namespace nested in the sandbox's, mapping c->nest_uid and
 * c->nest_gid to c->uid and c->gid (the last one allowed with c->nest_limit_userns);
 * c->assert_no_userns: a throwaway child checks that no further one can be made; then
 * c->userns2_fd joined. */
int nest_enter(const struct config *c, struct failure *f);
