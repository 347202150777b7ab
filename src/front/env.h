/* The command's environment, computed in the launcher (pure): the launcher's environment,
 * minus session variables that would leak into an untrusted app (unless kept), cleared by
 * --clearenv, then the --setenv/--unsetenv edits in order. */
#pragma once

struct config;
struct failure;

int env_build(const struct config *c, char **host_env, char ***ret, struct failure *f);

/* Whether NAME is one of the variables the default scrub removes. */
int env_is_scrubbed(const char *name);
