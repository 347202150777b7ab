/* hutch-oci: hutch's own extras, asked for by config.json's annotations (run.hutch.*), on top
 * of what config.json itself says: hutch's default seccomp filter before the container's,
 * Landlock over the mount plan, the egress allowlist and LAN guard in the container's own
 * network namespace, the denial report. An unknown run.hutch.* annotation is an error.
 * Launcher side, pure: the features themselves start in the launcher. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "egress/egress.h"
#include "front/config.h"
#include "front/oci/oci.h"
#include "launcher/report.h"
#include "lib/failure.h"
#include "lib/strv.h"

#define PREFIX "run.hutch."

static int a_seccomp(struct config *c, const char *v, struct failure *f)
{
	if (strcmp(v, "default") == 0)
		c->seccomp = SECCOMP_DEFAULT;
	else if (strcmp(v, "none") != 0)
		return failx(f, "annotation", PREFIX "seccomp=%s: default or none", v);
	return 0;
}

static int a_landlock(struct config *c, const char *v, struct failure *f)
{
	static const struct {
		const char *word;
		enum landlock_mode mode;
	} words[] = { { "auto", LANDLOCK_AUTO }, { "require", LANDLOCK_REQUIRE }, { "off", LANDLOCK_OFF } };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(v, words[i].word) == 0)
			return c->landlock = words[i].mode, 0;
	return failx(f, "annotation", PREFIX "landlock=%s: auto, require or off", v);
}

/* A comma-separated list, each through the option's own parser. */
static int a_allow_domain(struct config *c, const char *v, struct failure *f)
{
	_cleanup_free_ char *copy = strdup(v);
	char *save = NULL;
	int r = 0;

	if (!copy)
		return fail(f, -ENOMEM, "annotation", NULL);
	for (char *d = strtok_r(copy, ",", &save); r == 0 && d; d = strtok_r(NULL, ",", &save))
		r = egress_opt_allow_domain(c, d, f);
	return r;
}

static int a_deny_lan(struct config *c, const char *v, struct failure *f)
{
	if (strcmp(v, "true") != 0)
		return failx(f, "annotation", PREFIX "deny-lan=%s: true", v);
	return egress_opt_deny_lan(c, v, f);
}

static int a_report(struct config *c, const char *v, struct failure *f)
{
	if (v[0] != '/')
		return failx(f, "annotation", PREFIX "report=%s: an absolute path", v);
	return report_option(c, v, f);
}

static const struct {
	const char *name;
	int (*apply)(struct config *c, const char *value, struct failure *f);
} annotations[] = {
	{ "seccomp", a_seccomp },   { "landlock", a_landlock }, { "allow-domain", a_allow_domain },
	{ "deny-lan", a_deny_lan }, { "report", a_report },
};

static int apply_one(struct config *c, const char *pair, struct failure *f)
{
	const char *eq = strchr(pair, '='), *name = pair + strlen(PREFIX);
	size_t n = eq ? (size_t)(eq - name) : strlen(name);

	for (size_t i = 0; i < ARRAY_SIZE(annotations); i++)
		if (strlen(annotations[i].name) == n && strncmp(annotations[i].name, name, n) == 0)
			return annotations[i].apply(c, eq ? eq + 1 : "", f);
	return failx(f, "annotation", "%.*s: unknown (hutch-oci(1) lists the run.hutch.* annotations)",
		     (int)(strlen(PREFIX) + n), pair);
}

int oci_annotations_apply(struct config *c, const struct oci_bundle *b, struct failure *f)
{
	int r;

	for (size_t i = 0; b->annotations && b->annotations[i]; i++)
		if (strncmp(b->annotations[i], PREFIX, strlen(PREFIX)) == 0 &&
		    (r = apply_one(c, b->annotations[i], f)) < 0)
			return r;
	/* no policy asked: hutch's abstract-socket scope stays off too (config_finish would
	 * imply it over a shared network namespace) */
	if (!c->egress)
		return egress_opt_unix_scope(c, "off", f);
	/* the network namespace is the container's own: the engine's, made for it, or a new one;
	 * config_finish checks the policy and adds its resolver's resolv.conf to the plan */
	c->net_private = true;
	return 0;
}
