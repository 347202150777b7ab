/* Unit tests: the option parser (cli.c), config validation and the mount plan it yields. */
#include <stdlib.h>

#include "front/cli.h"
#include "front/config.h"
#include "lib/path-util.h"
#include "tap.h"

static int parse(struct config *c, struct failure *f, enum cli_action *a, char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	config_init(c);
	*f = (struct failure){ 0 };
	return cli_parse(argc, argv, c, a, f);
}

static void test_options(void)
{
	struct config c;
	struct failure f;
	enum cli_action a;
	char *v1[] = { "hutch",
		       "--uid",
		       "0",
		       "--gid=5",
		       "--hostname",
		       "box",
		       "--share-net",
		       "--bind",
		       "/a:/b",
		       "--ro-bind",
		       "/c",
		       "--tmpfs",
		       "/t",
		       "--symlink",
		       "usr/lib:/lib",
		       "--setenv",
		       "A=1=2",
		       "--unsetenv",
		       "B",
		       "-v",
		       "--",
		       "cmd",
		       "--not-an-option",
		       NULL };

	TAP_OK(parse(&c, &f, &a, v1) == 0 && a == CLI_RUN, "a full command line parses");
	TAP_OK(c.uid == 0 && c.gid == 5, "--uid N and --gid=N");
	TAP_STREQ(c.hostname, "box", "--hostname");
	TAP_OK(c.share == SHARE_NET && c.verbose, "--share-net, -v");
	TAP_OK(c.n_mounts == 4, "four mount requests in order");
	TAP_OK(c.mounts[0].kind == MREQ_BIND && !strcmp(c.mounts[0].src, "/a") &&
		   !strcmp(c.mounts[0].dst, "/b"),
	       "SRC:DST");
	TAP_OK(c.mounts[1].kind == MREQ_RO_BIND && !strcmp(c.mounts[1].dst, "/c"),
	       "SRC alone binds at the same path");
	TAP_OK(c.mounts[3].kind == MREQ_SYMLINK && !strcmp(c.mounts[3].src, "usr/lib"), "TARGET:LINK");
	TAP_OK(c.n_env_ops == 2 && !strcmp(c.env_ops[0].value, "1=2"), "--setenv keeps '=' in the value");
	TAP_OK(c.argv && !strcmp(c.argv[0], "cmd") && !strcmp(c.argv[1], "--not-an-option") && !c.argv[2],
	       "after --, everything is the command");
	config_free(&c);

	char *v2[] = { "hutch", "firefox", "--private", NULL };
	TAP_OK(parse(&c, &f, &a, v2) == 0 && !strcmp(c.argv[0], "firefox") && !strcmp(c.argv[1], "--private"),
	       "the first non-option starts the command");
	config_free(&c);

	char *v3[] = { "hutch", "--frobnicate", "x", NULL };
	TAP_OK(parse(&c, &f, &a, v3) < 0 && strstr(f.detail, "--frobnicate"), "unknown option named");
	config_free(&c);

	char *v4[] = { "hutch", "--uid", NULL };
	TAP_OK(parse(&c, &f, &a, v4) < 0 && strstr(f.detail, "needs an argument"), "missing argument");
	config_free(&c);

	char *v5[] = { "hutch", "--uid", "-3", "x", NULL };
	TAP_OK(parse(&c, &f, &a, v5) < 0 && !strcmp(f.stage, "--uid"), "negative uid refused");
	config_free(&c);

	char *v6[] = { "hutch", "--idmap", "maybe", "x", NULL };
	TAP_OK(parse(&c, &f, &a, v6) < 0 && strstr(f.detail, "auto subid single"),
	       "bad choice lists the values");
	config_free(&c);

	char *v7[] = { "hutch", "--share-net=yes", "x", NULL };
	TAP_OK(parse(&c, &f, &a, v7) < 0 && strstr(f.detail, "takes no argument"),
	       "flag with a value refused");
	config_free(&c);

	char *v8[] = { "hutch", "--help", "--frob", NULL };
	TAP_OK(parse(&c, &f, &a, v8) == 0 && a == CLI_HELP, "--help wins over what follows");
	config_free(&c);

	char *v9[] = { "hutch", "--symlink", "nocolon", "x", NULL };
	TAP_OK(parse(&c, &f, &a, v9) < 0, "--symlink without LINK refused");
	config_free(&c);
}

static void test_finish(void)
{
	char *env[] = { "HOME=/home/u",	    "PATH=/usr/bin", "SSH_AUTH_SOCK=/x",
			"XDG_SESSION_ID=3", "KEEP=1",	     NULL };
	struct config c;
	struct failure f;
	enum cli_action a;

	char *v1[] = { "hutch", "--setenv", "N=v", "--unsetenv", "KEEP", "--dir", "/x/../y", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v1) == 0 && config_finish(&c, env, &f) < 0 && strstr(f.detail, ".."),
	       "'..' in a destination refused");
	config_free(&c);

	char *v2[] = { "hutch", "--setenv", "N=v", "--unsetenv", "KEEP", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v2) == 0 && config_finish(&c, env, &f) == 0, "config_finish succeeds");
	int has_ssh = 0, has_sess = 0, has_keep = 0, has_n = 0, has_path = 0;
	for (char **e = c.env; *e; e++) {
		has_ssh |= !strncmp(*e, "SSH_AUTH_SOCK=", 14);
		has_sess |= !strncmp(*e, "XDG_SESSION_ID=", 15);
		has_keep |= !strncmp(*e, "KEEP=", 5);
		has_n |= !strcmp(*e, "N=v");
		has_path |= !strcmp(*e, "PATH=/usr/bin");
	}
	TAP_OK(!has_ssh && !has_sess, "session variables scrubbed");
	TAP_OK(!has_keep && has_n && has_path, "--unsetenv, --setenv applied; PATH kept");
	TAP_STREQ(c.home, "/home/u", "home from $HOME");
	TAP_STREQ(c.hostname, "hutch", "default host name");
	size_t last = c.plan.n - 1;
	TAP_OK(c.plan.n > 5 && c.plan.ops[0].op == MP_ROOT_TMPFS, "plan starts with the root's tmpfs");
	TAP_OK(c.plan.ops[1].op == MP_BIND && !strcmp(c.plan.ops[1].dst, "/usr") &&
		   (c.plan.ops[1].flags & MPF_RO),
	       "then /usr read-only");
	TAP_OK(c.plan.ops[last].op == MP_TMPFS && !strcmp(c.plan.ops[last].dst, "/home/u") &&
		   c.plan.ops[last].mode == 0700,
	       "plan ends with a private home");
	TAP_OK(c.plan.root_readonly, "root read-only");
	config_free(&c);

	char *v3[] = { "hutch", "--clearenv", "--setenv", "A=b", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v3) == 0 && config_finish(&c, env, &f) == 0 && c.env[0] &&
		   !strcmp(c.env[0], "A=b") && !c.env[1],
	       "--clearenv leaves only what is set after it");
	config_free(&c);

	char *v4[] = { "hutch", "--bind", "rel/dir", "--tmpfs", "relative", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v4) == 0 && config_finish(&c, env, &f) < 0 && strstr(f.detail, "absolute"),
	       "relative destination refused");
	config_free(&c);

	char *v5[] = { "hutch", "--bind", "rel/dir", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v5) == 0 && config_finish(&c, env, &f) == 0 && c.mounts[0].src[0] == '/' &&
		   !strcmp(c.mounts[0].src, c.mounts[0].dst),
	       "relative SRC alone becomes the same absolute path on both sides");
	config_free(&c);

	char *v6[] = { "hutch", NULL };
	TAP_OK(parse(&c, &f, &a, v6) == 0 && config_finish(&c, env, &f) < 0 && strstr(f.detail, "no command"),
	       "empty command refused");
	config_free(&c);
}

static void test_image_plan(void)
{
	char *env[] = { "HOME=/home/u", "XDG_RUNTIME_DIR=/run/user/7", NULL };
	struct config c;
	struct failure f;
	enum cli_action a;

	char *v1[] = { "hutch",
		       "--rootfs",
		       "/img",
		       "--layers",
		       "/l1:/l2",
		       "--persist",
		       "/up",
		       "--whitelist",
		       "~/w",
		       "--blacklist",
		       "${XDG_RUNTIME_DIR}/s",
		       "true",
		       NULL };
	TAP_OK(parse(&c, &f, &a, v1) == 0 && config_finish(&c, env, &f) == 0, "image options: config_finish");
	const struct mp_entry *r = &c.plan.ops[0];
	TAP_OK(r->op == MP_ROOT_OVERLAY && r->layers && !strcmp(r->layers[0], "/img") &&
		   !strcmp(r->layers[1], "/l1") && !strcmp(r->layers[2], "/l2") && !r->layers[3] &&
		   !strcmp(r->src, "/up"),
	       "overlay root: rootfs lowest, then the layers; the upper");
	TAP_OK(!c.plan.root_readonly, "an overlay root stays writable");
	int has_usr = 0, has_home = 0, has_w = 0;
	for (size_t i = 0; i < c.plan.n; i++) {
		has_usr |= !strcmp(c.plan.ops[i].dst, "/usr");
		has_home |= !strcmp(c.plan.ops[i].dst, "/home/u");
		has_w |= c.plan.ops[i].op == MP_BIND && !strcmp(c.plan.ops[i].dst, "/home/u/w");
	}
	TAP_OK(!has_usr && !has_home, "no host /usr and no home tmpfs under --rootfs");
	TAP_OK(has_w, "~ expanded in --whitelist");
	TAP_OK(c.plan.ops[c.plan.n - 1].op == MP_COVER &&
		   !strcmp(c.plan.ops[c.plan.n - 1].dst, "/run/user/7/s"),
	       "${XDG_RUNTIME_DIR} expanded; hidden paths come last");
	config_free(&c);

	char *v2[] = { "hutch", "--rootfs", "/img", "--persist", "/img/up", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v2) == 0 && config_finish(&c, env, &f) < 0, "upper inside lower refused");
	config_free(&c);
	char *v3[] = { "hutch", "--persist", "/up", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v3) == 0 && config_finish(&c, env, &f) < 0 &&
		   strstr(f.detail, "needs --rootfs"),
	       "--persist alone refused");
	config_free(&c);
	char *v4[] = { "hutch", "--rootfs", "/img", "--rootfs-bind", "/b", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v4) == 0 && config_finish(&c, env, &f) < 0,
	       "--rootfs with --rootfs-bind refused");
	config_free(&c);
	char *v5[] = { "hutch", "--private-etc", "passwd,/abs", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v5) < 0 && strstr(f.detail, "/abs"), "--private-etc refuses absolute names");
	config_free(&c);
	char *v6[] = { "hutch", "--mkdir", "/etc/x", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v6) == 0 && config_finish(&c, env, &f) < 0, "--mkdir outside home refused");
	config_free(&c);
	char *v7[] = { "hutch", "--whitelist", "${NOPE}/x", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v7) == 0 && config_finish(&c, env, &f) < 0, "unknown macro refused");
	config_free(&c);
	char *v8[] = { "hutch", "--home", "ro", "--private-etc", "passwd", "true", NULL };
	TAP_OK(parse(&c, &f, &a, v8) == 0 && config_finish(&c, env, &f) == 0, "--home ro, --private-etc");
	int etc_tmpfs = 0, passwd = 0, home_ro = 0;
	for (size_t i = 0; i < c.plan.n; i++) {
		const struct mp_entry *e = &c.plan.ops[i];
		etc_tmpfs |= e->op == MP_TMPFS && !strcmp(e->dst, "/etc");
		passwd |= e->op == MP_BIND && !strcmp(e->dst, "/etc/passwd");
		home_ro |= e->op == MP_BIND && !strcmp(e->dst, "/home/u") && (e->flags & MPF_RO);
	}
	TAP_OK(etc_tmpfs && passwd && home_ro, "an /etc of only passwd; home bound read-only");
	config_free(&c);
}

static void test_paths(void)
{
	char p1[] = "//usr///lib/./x/", p2[] = "/.", p3[] = "/a/.hidden/./b";
	path_normalize(p1);
	path_normalize(p2);
	path_normalize(p3);
	TAP_STREQ(p1, "/usr/lib/x", "normalize slashes, dots, trailing slash");
	TAP_STREQ(p2, "/", "normalize to root");
	TAP_STREQ(p3, "/a/.hidden/b", "dot-files are not '.'");
	TAP_OK(path_has_dotdot("/a/../b") && path_has_dotdot("/..") && !path_has_dotdot("/a..b/..c"),
	       "'..' detection");
}

/* --private-bin's plan part is pure: given what the names resolved to, each directory is a
 * tmpfs, then the files and links, then read-only. */
static void test_private_bin_plan(void)
{
	char *dirs[] = { "/usr/bin", "/usr/sbin", NULL };
	char *files[] = { "dash", "/usr/bin/dash", NULL };
	char *links[] = { "sh", "/usr/bin/dash", NULL };
	char *names[] = { "sh", NULL };
	struct config c = { .private_bin = names,
			    .private_bin_set = { .dirs = dirs, .files = files, .links = links } };
	struct mountplan p = { 0 };
	static const enum mp_op want[] = { MP_TMPFS, MP_BIND, MP_SYMLINK, MP_REMOUNT_RO };
	bool ok = private_bin_plan(&c, &p) == 0 && p.n == 8;

	for (size_t i = 0; ok && i < p.n; i++)
		ok = p.ops[i].op == want[i % 4] && !strncmp(p.ops[i].dst, dirs[i / 4], strlen(dirs[i / 4]));
	TAP_OK(ok, "private-bin plan: per directory a tmpfs, the files, the links, then read-only");
	TAP_OK(ok && !strcmp(p.ops[5].src, "/usr/bin/dash") && !strcmp(p.ops[5].dst, "/usr/sbin/dash") &&
		   (p.ops[5].flags & MPF_RO),
	       "a file is bound read-only from its host path into each directory");
	TAP_OK(ok && !strcmp(p.ops[6].src, "/usr/bin/dash") && !strcmp(p.ops[6].dst, "/usr/sbin/sh"),
	       "a link points at its real file");
	mountplan_free(&p);
	c.private_bin = NULL;
	TAP_OK(private_bin_plan(&c, &p) == 0 && p.n == 0, "no private-bin: nothing in the plan");
}

int main(void)
{
	test_options();
	test_finish();
	test_image_plan();
	test_paths();
	test_private_bin_plan();
	return tap_done();
}
