/* libFuzzer target for the profile language (src/front/profile/profile.c): any bytes as a profile, read with
 * every error kept going, applied to a scratch config; and when they read cleanly, what
 * `profile show` writes of them must read back to the same directives (a mismatch aborts, as a
 * crash would). Built and run by tests/fuzz/run, not by meson; no privileges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/config.h"
#include "front/profile/profile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static struct profile_env env;

/* The profile directories: one of the fuzzer's own, the same whatever is installed on the
 * machine, holding what an include or a NAME.local can find (issue 23: with empty directories
 * the include and file-finding paths were never reached). The input is read as if it were
 * dir/input.profile, so that a relative include is looked up beside it. */
static char dir[4096], input_name[4200];

static const struct {
	const char *name, *text; /* text NULL: a directory; "|": a fifo */
} files[] = {
	{ "inc", NULL },
	{ "inc/x.inc", "whitelist ~/x\nsetenv A=1\ninclude ../base.profile\n" },
	{ "base.profile", "net none\nhostname base\n" },
	{ "loop.inc", "include loop.inc\n" },
	{ "input.local", "hostname local\n" },
	{ "base.local", "ignore hostname\n" },
	{ "fifo.inc", "|" },
	{ "dir.inc", NULL },
	{ "bad.inc", "no-such-directive x\n" },
};

static void remove_dir(void)
{
	char path[4200];

	for (size_t i = sizeof(files) / sizeof(*files); i-- > 0;) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		if (files[i].text)
			unlink(path);
		else
			rmdir(path);
	}
	rmdir(dir);
}

static void make_files(void)
{
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		FILE *out;
		if (!files[i].text ? mkdir(path, 0700) < 0
		    : strcmp(files[i].text, "|") == 0
			? mkfifo(path, 0600) < 0
			: !(out = fopen(path, "we")) || fputs(files[i].text, out) < 0 || fclose(out) != 0)
			abort();
	}
	snprintf(input_name, sizeof(input_name), "%s/input.profile", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static char shipped[4200], config[4200];
	char *host_env[] = { "HOME=/fuzz/home", "XDG_RUNTIME_DIR=/run/user/1000", shipped, config, NULL };
	const char *tmp = getenv("TMPDIR");
	struct failure f = { 0 };

	snprintf(dir, sizeof(dir), "%s/hutch-fuzz-dirs.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir))
		abort();
	atexit(remove_dir);
	make_files();
	snprintf(shipped, sizeof(shipped), "HUTCH_PROFILE_PATH=%s", dir);
	snprintf(config, sizeof(config), "XDG_CONFIG_HOME=%s", dir);
	if (profile_env_init(&env, host_env, &f) < 0)
		abort();
	free(env.dirs[1].path);
	env.dirs[1].path = strdup(dir);
	free(env.pwd);
	env.pwd = strdup("/fuzz/pwd");
	return 0;
}

static bool same_entries(const struct profile *a, const struct profile *b)
{
	size_t k = 0;

	for (size_t i = 0; i < a->n_entries; i++) {
		const struct profile_entry *x = &a->entries[i], *y;
		if (x->ignored_by)
			continue;
		if (k >= b->n_entries)
			return false;
		y = &b->entries[k++];
		if (x->opt != y->opt || !x->arg != !y->arg || (x->arg && strcmp(x->arg, y->arg) != 0))
			return false;
	}
	return k == b->n_entries;
}

static void round_trip(const struct profile *p)
{
	struct profile back = { 0 };
	struct failure f = { 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		abort();
	profile_write(p, out);
	fclose(out);
	if (profile_load_buffer(&env, "/fuzz/shown.profile", text, len, 0, &back, &f) < 0) {
		fprintf(stderr, "the written profile does not read back: %s\n%s", f.detail, text);
		abort();
	}
	if (!same_entries(p, &back)) {
		fprintf(stderr, "the written profile reads back to other directives:\n%s", text);
		abort();
	}
	profile_free(&back);
	free(text);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct profile p = { 0 };
	struct failure f = { 0 };
	struct config c;
	int r = profile_load_buffer(&env, input_name, (const char *)data, size, PROFILE_KEEP_GOING, &p, &f);

	config_init(&c);
	profile_apply(&p, &c, PROFILE_KEEP_GOING, &f);
	config_free(&c);
	if (r == 0 && p.n_errors == 0)
		round_trip(&p);
	profile_free(&p);
	return 0;
}
