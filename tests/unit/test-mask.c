/* Unit tests of the pure parts of issue 12: mask globs (mask.c) and the workspace's share of
 * the mount plan (workspace.c, mountplan.c). No privileges. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "workspace/mask.h"
#include "front/mountplan.h"
#include "tap.h"
#include "workspace/workspace.h"

static void test_match(void)
{
	static const struct {
		const char *glob, *path;
		int want;
	} cases[] = {
		{ "**/.env", ".env", 1 },
		{ "**/.env", "a/b/.env", 1 },
		{ "**/.env", "a/b/.envrc", 0 },
		{ ".env", "deep/er/.env", 1 },
		{ "*.pem", "keys/id.pem", 1 },
		{ "**/*.pem", "id.pem", 1 },
		{ "keys/*.pem", "keys/id.pem", 1 },
		{ "keys/*.pem", "other/keys/id.pem", 0 },
		{ "secrets/**", "secrets/a/b", 1 },
		{ "secrets/**", "secrets", 1 },
		{ "a/**/b", "a/b", 1 },
		{ "a/**/b", "a/x/y/b", 1 },
		{ "a/**/b", "a/x/y/c", 0 },
		{ "*", "x/.hidden", 1 },
		{ "[ab].txt", "b.txt", 1 },
		{ "[ab].txt", "c.txt", 0 },
		{ "/srv/**/.env", "/srv/p/.env", 1 },
		{ "/srv/**/.env", "srv/p/.env", 0 },
		{ "**/.env", "/abs/.env", 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		TAP_OK(mask_match(cases[i].glob, cases[i].path) == cases[i].want, "'%s' %s '%s'",
		       cases[i].glob, cases[i].want ? "matches" : "does not match", cases[i].path);
}

static void test_check(void)
{
	static const char *const bad[] = { "", "**", "**/**", "a/**b", "[abc", "a/../b", "./x" };
	static const char *const good[] = { "**/.env", "*.pem", "a/[bc]/d", "/etc/*.conf", "x\\[y" };
	struct failure f = { 0 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		f = (struct failure){ 0 };
		TAP_OK(mask_check(bad[i], &f) < 0 && strcmp(f.stage, "--mask") == 0, "'%s' is refused",
		       bad[i]);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
		TAP_OK(mask_check(good[i], &f) == 0, "'%s' is accepted", good[i]);
}

/* --workspace /tmp --name t: one overlay at /tmp after the user's binds, with its upper and
 * work dir under the state dir; the protected paths that exist come after. */
static void test_plan(void)
{
	struct config c;
	struct failure f = { 0 };
	/* a named sandbox needs a runtime dir of the caller's (issue 23) */
	char rt[64] = "/tmp/hutch-test-mask.XXXXXX", rt_env[96];
	char *env[] = { (char *)"HOME=/nonexistent-home", (char *)"XDG_STATE_HOME=/var/empty/state", rt_env,
			NULL };
	char *argv[] = { (char *)"true", NULL };

	if (!mkdtemp(rt))
		strcpy(rt, "/nonexistent");
	snprintf(rt_env, sizeof(rt_env), "XDG_RUNTIME_DIR=%s", rt);

	config_init(&c);
	c.argv = NULL;
	int r = workspace_parse_option(&c, "workspace", "/tmp", &f);
	TAP_OK(r == 0, "--workspace /tmp parses");
	TAP_OK(workspace_parse_option(&c, "workspace-mode", "copy", &f) < 0 &&
		   strstr(f.detail, "'copy' is not one of"),
	       "an unknown mode is refused: %s", f.detail);
	TAP_OK(workspace_parse_option(&c, "protect", "../x", &f) < 0, "a protect path with .. is refused");
	c.argv = malloc(2 * sizeof(char *));
	c.argv[0] = strdup(argv[0]);
	c.argv[1] = NULL;
	c.name = strdup("t");
	r = config_finish(&c, env, &f);
	TAP_OK(r == 0, "config_finish accepts it (%s %s)", f.stage, f.detail);
	const struct mp_entry *ov = NULL;
	for (size_t i = 0; r == 0 && i < c.plan.n; i++)
		if (c.plan.ops[i].op == MP_OVERLAY_AT)
			ov = &c.plan.ops[i];
	TAP_OK(ov && strcmp(ov->dst, "/tmp") == 0, "the plan has an overlay at /tmp");
	TAP_STREQ(ov ? ov->src : NULL, "/var/empty/state/hutch/workspaces/t/0/upper",
		  "its upper is in the state dir");
	TAP_STREQ(ov ? ov->work : NULL, "/var/empty/state/hutch/workspaces/t/0/work",
		  "its work dir beside it");
	TAP_STREQ(ov && ov->layers ? ov->layers[0] : NULL, "/tmp", "its lower is the directory");
	TAP_STREQ(mountplan_op_name(MP_OVERLAY_AT), "overlay-at", "the op has a name");
	config_free(&c);
	rmdir(rt);
}

int main(void)
{
	test_match();
	test_check();
	test_plan();
	return tap_done();
}
