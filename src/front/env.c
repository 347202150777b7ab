/* The command's environment (see env.h). Pure; launcher side.
 * The scrub list holds variables that hand an untrusted app a door back into the user's
 * session outside the sandbox (agents, buses, keyrings, session managers, ticket caches). */
#include "front/env.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "front/config.h"
#include "lib/strv.h"

static const char *const scrubbed_names[] = {
	"SSH_AUTH_SOCK", /* ssh-agent: sign as the user anywhere */
	"SSH_AGENT_PID",
	"GPG_AGENT_INFO",	 /* gpg-agent: decrypt and sign */
	"GNOME_KEYRING_CONTROL", /* the keyring daemon */
	"GNOME_KEYRING_PID",
	"DBUS_SESSION_BUS_ADDRESS", /* the session bus: unfiltered, it is the whole desktop */
	"DBUS_SYSTEM_BUS_ADDRESS",
	"SESSION_MANAGER", /* XSMP: log out, run commands */
	"KRB5CCNAME",	   /* Kerberos ticket cache */
	"XAUTHORITY",	   /* X11 cookie file: the display is not passed by default */
	"DESKTOP_STARTUP_ID",
};

static const char *const scrubbed_prefixes[] = {
	"XDG_SESSION_", /* logind session handles */
};

int env_is_scrubbed(const char *name)
{
	size_t len = strcspn(name, "=");

	for (size_t i = 0; i < sizeof(scrubbed_names) / sizeof(*scrubbed_names); i++)
		if (strlen(scrubbed_names[i]) == len && strncmp(name, scrubbed_names[i], len) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(scrubbed_prefixes) / sizeof(*scrubbed_prefixes); i++)
		if (strncmp(name, scrubbed_prefixes[i], strlen(scrubbed_prefixes[i])) == 0)
			return 1;
	return 0;
}

int env_build(const struct config *c, char **host_env, char ***ret, struct failure *f)
{
	_cleanup_strv_free_ char **v = NULL;
	size_t n = 0;
	int r;

	/* filled by index: an append per variable would walk the vector each time */
	if (!(v = calloc(strv_length(host_env) + 1, sizeof(char *))))
		return fail(f, -ENOMEM, "env", NULL);
	for (char **e = host_env; !c->clearenv && e && *e; e++) {
		if (!strchr(*e, '=') || (!c->keep_session_env && env_is_scrubbed(*e)))
			continue;
		if (!(v[n++] = strdup(*e)))
			return fail(f, -ENOMEM, "env", NULL);
	}
	for (size_t i = 0; i < c->n_env_ops; i++) {
		const struct env_op *op = &c->env_ops[i];
		if (op->kind == ENV_UNSET)
			strv_env_unset(v, op->name);
		else if ((r = strv_env_set(&v, op->name, op->value)) < 0)
			return fail(f, r, "env", NULL);
	}
	*ret = TAKE_PTR(v);
	return 0;
}
