/* Unit tests: what a front end other than hutch's own asks of config_finish() (issue 28 item 3).
 * hutch-bwrap (and the OCI front end) go through the same config_finish as hutch: the plan
 * and environment they give whole stay as given, the host name and the record follow the
 * config, the checks still run, and a nested user namespace gets the host's /proc. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "egress/egress.h"
#include "front/config.h"
#include "front/mountplan.h"
#include "lib/strv.h"
#include "tap.h"

static char *host_env[] = { "HOME=/home/someone", "PATH=/usr/bin:/bin", "LANG=C.UTF-8", NULL };

/* A config as a front end fills it: a command, no uts namespace of the host's, a single-id map. */
static void front_config(struct config *c)
{
	config_init(c);
	strv_extend(&c->argv, "true");
	c->share = SHARE_NET;
	c->idmap = IDMAP_SINGLE;
}

/* Given whole: one root operation, an environment of one variable, a home of its own. */
static void give(struct config *c)
{
	mountplan_add(&c->plan, MP_ROOT_TMPFS, MPF_COMPAT, 0755, NULL, "/");
	strv_extend(&c->env, "ONLY=this");
	c->home = strdup("/given/home");
	c->plan_given = c->env_given = true;
	c->keep_hostname = c->no_record = true;
}

static void test_given(void)
{
	struct config c;
	struct failure f = { 0 };
	int r;

	front_config(&c);
	give(&c);
	r = config_finish(&c, host_env, &f);
	TAP_OK(r == 0, "config_finish accepts a front end's given plan and environment (%s %s)", f.stage,
	       f.detail);
	TAP_OK(c.plan.n == 1 && c.plan.ops[0].op == MP_ROOT_TMPFS, "plan_given: the plan stays as given");
	TAP_OK(strv_length(c.env) == 1 && strcmp(c.env[0], "ONLY=this") == 0,
	       "env_given: the environment stays as given");
	TAP_STREQ(c.home, "/given/home", "a home the front end gave stays");
	TAP_OK(c.hostname == NULL, "keep_hostname: a new uts namespace gets no name");
	TAP_OK(c.name == NULL, "no_record: no sandbox name, no record checked");
	TAP_OK(c.uid == getuid() && c.host_uid == getuid(), "the identity is still filled");
	config_free(&c);
}

/* The control: hutch's own defaults, from the same config without those fields. */
static void test_hutch_defaults(void)
{
	struct config c;
	struct failure f = { 0 };

	front_config(&c);
	TAP_OK(config_finish(&c, host_env, &f) == 0, "the same config with hutch's defaults");
	TAP_OK(c.plan.n > 1, "hutch's own plan is built (%zu operations)", c.plan.n);
	TAP_STREQ(c.hostname, "hutch", "hutch's host name");
	TAP_OK(c.name != NULL, "hutch's sandbox name");
	TAP_STREQ(c.home, "/home/someone", "the home from the environment");
	config_free(&c);
}

/* Its checks run for every front end: a host name with the host's uts namespace is refused. */
static void test_checks_run(void)
{
	struct config c;
	struct failure f = { 0 };

	front_config(&c);
	give(&c);
	c.share |= SHARE_UTS;
	c.hostname = strdup("box");
	TAP_OK(config_finish(&c, host_env, &f) < 0 && strcmp(f.stage, "hostname") == 0,
	       "a given plan still meets config_finish's checks (%s)", f.stage);
	config_free(&c);
}

static void test_nest_proc(void)
{
	struct config c;
	struct failure f = { 0 };

	front_config(&c);
	give(&c);
	c.nest_userns = true;
	TAP_OK(config_finish(&c, host_env, &f) == 0 && c.proc_fd >= 0,
	       "nest_userns: config_finish opens the host's /proc for pid 1");
	config_free(&c);
	TAP_OK(c.proc_fd == -1, "config_free closes it");
}

/* A feature's mount still reaches a given plan: an egress policy in the sandbox's own network
 * namespace (hutch-oci's run.hutch.allow-domain) puts its resolver's resolv.conf last. */
static void test_given_resolver(void)
{
	struct config c;
	struct failure f = { 0 };
	const struct mp_entry *e;

	front_config(&c);
	give(&c);
	c.net_private = true;
	TAP_OK(egress_opt_allow_domain(&c, "example.org", &f) == 0, "an allowlist on a given plan");
	TAP_OK(config_finish(&c, host_env, &f) == 0, "config_finish checks the policy (%s %s)", f.stage,
	       f.detail);
	e = c.plan.n == 2 ? &c.plan.ops[1] : NULL;
	TAP_OK(e && e->op == MP_FILE && strcmp(e->dst, "/etc/resolv.conf") == 0 &&
		   strcmp(e->src, egress_resolv_conf(&c)) == 0,
	       "the resolver's resolv.conf follows the given plan");
	config_free(&c);
}

int main(void)
{
	test_given();
	test_hutch_defaults();
	test_checks_run();
	test_nest_proc();
	test_given_resolver();
	return tap_done();
}
