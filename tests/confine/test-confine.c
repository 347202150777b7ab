/* Unit tests (TAP) for the command's confinement modules without the launcher: the --cap-add
 * parser, the seccomp rule-file grammar, the default list against the installed libseccomp,
 * and — in forked children, so the test process itself stays unconfined — the effect of
 * seccomp_install(), caps_drop() (in a new user namespace) and landlock_apply(). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/config.h"
#include "command/confine.h"
#include "command/seccomp-table.h"

static int n_test;
static int n_failed;

static void _printf_(2, 3) ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		n_failed++;
}

static void skip(const char *why)
{
	printf("ok %d # SKIP %s\n", ++n_test, why);
}

static char tmpdir[] = "/tmp/hutch-confine.XXXXXX";

/* ---- --cap-add ---- */

static void test_caps_parse(void)
{
	struct failure f = { 0 };
	uint64_t m = 0;

	ok(caps_parse_list("net_raw", &m, &f) == 0 && m == 1ULL << 13, "cap: net_raw");
	ok(caps_parse_list("CAP_NET_RAW", &m, &f) == 0 && m == 1ULL << 13, "cap: CAP_NET_RAW");
	ok(caps_parse_list("Cap_Chown,sys_ADMIN", &m, &f) == 0 && m == ((1ULL << 0) | (1ULL << 21)),
	   "cap: mixed case list");
	ok(caps_parse_list("ALL", &m, &f) == 0 && m == UINT64_MAX, "cap: ALL");
	ok(caps_parse_list("all", &m, &f) == 0 && m == UINT64_MAX, "cap: all");
	ok(caps_parse_list("", &m, &f) == 0 && m == 0, "cap: empty list");
	m = 7;
	ok(caps_parse_list("chown,frobnicate", &m, &f) == -EINVAL && m == 7 &&
	       strcmp(f.stage, "cap-add") == 0 && strstr(f.detail, "'frobnicate'"),
	   "cap: unknown name is -EINVAL naming it (%s)", f.detail);
	ok(caps_parse_list("12", &m, &f) == -EINVAL, "cap: numbers are not names");
	ok(caps_parse_list("chown,,kill", &m, &f) == -EINVAL, "cap: empty element");
	ok(caps_parse_list("cap_", &m, &f) == -EINVAL, "cap: bare prefix");
}

/* ---- the rule-file grammar ---- */

static int parse(const char *text, struct seccomp_file_rule *r, const char **err)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", text);
	*err = NULL;
	return seccomp_parse_line(buf, r, err);
}

static void test_parse_errno(void)
{
	int e = -1;

	ok(seccomp_parse_errno("EPERM", &e) == 0 && e == EPERM, "errno: EPERM");
	ok(seccomp_parse_errno("ENOSYS", &e) == 0 && e == ENOSYS, "errno: ENOSYS");
	ok(seccomp_parse_errno("13", &e) == 0 && e == 13, "errno: 13");
	ok(seccomp_parse_errno("0", &e) == 0 && e == 0, "errno: 0");
	ok(seccomp_parse_errno("4096", &e) == -ERANGE, "errno: 4096 out of range");
	ok(seccomp_parse_errno("EFOO", &e) == -EINVAL, "errno: unknown name");
	ok(seccomp_parse_errno("12x", &e) == -ERANGE, "errno: trailing junk");
}

static void test_parse_line(void)
{
	struct seccomp_file_rule r;
	const char *err;

	ok(parse("", &r, &err) == 0 && r.nr == SECCOMP_RULE_NONE, "line: blank");
	ok(parse("   # allow foo", &r, &err) == 0 && r.nr == SECCOMP_RULE_NONE, "line: comment");
	ok(parse("allow getpid", &r, &err) == 0 && r.nr == SCMP_SYS(getpid) && r.action == SCMP_ACT_ALLOW,
	   "line: allow getpid");
	ok(parse("deny keyctl # why", &r, &err) == 0 && r.nr == SCMP_SYS(keyctl) &&
	       r.action == SCMP_ACT_ERRNO(EPERM),
	   "line: deny keyctl with a trailing comment");
	ok(parse("\terrno  bpf ENOSYS", &r, &err) == 0 && r.action == SCMP_ACT_ERRNO(ENOSYS),
	   "line: errno bpf ENOSYS");
	ok(parse("default errno 13", &r, &err) == 0 && r.nr == SECCOMP_RULE_DEFAULT &&
	       r.action == SCMP_ACT_ERRNO(13),
	   "line: default errno 13");
	ok(parse("default deny", &r, &err) == 0 && r.action == SCMP_ACT_ERRNO(EPERM), "line: default deny");
	ok(parse("deny no_such_call", &r, &err) == -ENOENT && err, "line: unknown call (%s)", err);
	ok(parse("block keyctl", &r, &err) == -EINVAL && err, "line: unknown verb (%s)", err);
	ok(parse("deny", &r, &err) == -EINVAL && err, "line: missing name (%s)", err);
	ok(parse("errno keyctl", &r, &err) == -EINVAL && err, "line: missing errno (%s)", err);
	ok(parse("errno keyctl EWHAT", &r, &err) == -EINVAL && err, "line: bad errno (%s)", err);
	ok(parse("allow getpid now", &r, &err) == -EINVAL && err, "line: extra word (%s)", err);
	ok(parse("default kill", &r, &err) == -EINVAL && err, "line: default kill (%s)", err);
}

static int write_file(const char *path, const char *text)
{
	FILE *out = fopen(path, "we");

	if (!out)
		return -1;
	fputs(text, out);
	return fclose(out);
}

static int build_file(const char *text, struct bpf_program *p, struct failure *f)
{
	char path[128];
	struct config c = { .seccomp = SECCOMP_FILE, .seccomp_file = path };

	snprintf(path, sizeof(path), "%s/rules", tmpdir);
	if (write_file(path, text) < 0)
		return -EIO;
	*f = (struct failure){ 0 };
	return seccomp_build(&c, p, f);
}

static void test_build_file(void)
{
	struct bpf_program p = { 0 };
	struct failure f;
	char want[160];

	ok(build_file("# ok\ndefault allow\ndeny keyctl\nerrno bpf ENOSYS\nallow getpid\n", &p, &f) == 0 &&
	       p.n > 0,
	   "file: a valid file builds (%zu instructions)", p.n);
	bpf_program_free(&p);
	snprintf(want, sizeof(want), "%s/rules:3: unknown system call 'no_such_call'", tmpdir);
	ok(build_file("deny keyctl\n\ndeny no_such_call\n", &p, &f) == -EINVAL &&
	       strcmp(f.stage, "seccomp") == 0 && strcmp(f.detail, want) == 0 && p.n == 0,
	   "file: unknown call names FILE:LINE (%s)", f.detail);
	ok(build_file("deny keyctl\nerrno keyctl 5\n", &p, &f) == -EINVAL &&
	       strstr(f.detail, "rules:2: 'keyctl' already has a rule on line 1"),
	   "file: a call listed twice (%s)", f.detail);
	ok(build_file("default deny\ndefault allow\n", &p, &f) == -EINVAL && strstr(f.detail, "rules:2:"),
	   "file: two defaults (%s)", f.detail);
	snprintf(want, sizeof(want), "%s/nonexistent", tmpdir);
	struct config c = { .seccomp = SECCOMP_FILE, .seccomp_file = want };
	ok(seccomp_build(&c, &p, &f) == -ENOENT && strstr(f.detail, "nonexistent"), "file: missing file (%s)",
	   f.detail);
}

/* ---- the default list ---- */

static void test_table(void)
{
	for (size_t i = 0; i < SECCOMP_DEFAULT_ROWS; i++) {
		const struct seccomp_row *row = &seccomp_default_rows[i];
		ok(seccomp_syscall_resolve_name(row->name) != __NR_SCMP_ERROR && row->reason[0],
		   "default list: libseccomp %d.%d.%d knows %s", SCMP_VER_MAJOR, SCMP_VER_MINOR,
		   SCMP_VER_MICRO, row->name);
	}
}

static void test_build_default(void)
{
	struct config c = { .seccomp = SECCOMP_DEFAULT };
	char *deny[] = { "no_such_call", NULL };
	struct bpf_program p = { 0 };
	struct failure f = { 0 };

	ok(seccomp_build(&c, &p, &f) == 0 && p.n > 0 && p.n <= BPF_MAXINSNS,
	   "default: builds (%zu instructions)", p.n);
	bpf_program_free(&p);
	c.seccomp = SECCOMP_NONE;
	ok(seccomp_build(&c, &p, &f) == 0 && p.n == 0 && !p.insns, "none: no program");
	c.seccomp = SECCOMP_DEFAULT;
	c.seccomp_deny = deny;
	ok(seccomp_build(&c, &p, &f) == -EINVAL && strcmp(f.stage, "seccomp-deny") == 0 &&
	       strstr(f.detail, "'no_such_call'"),
	   "--seccomp-deny with an unknown name (%s)", f.detail);
}

/* ---- effects, in forked children ---- */

/* Run fn in a child; its exit status (or 128 + signal). */
static int in_child(int (*fn)(const void *), const void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Exit status: the errno of the call after the filter is in place, 0 for success. */
struct filter_case {
	struct config c;
	long nr;
	long a0, a1, a2;
};

static int filter_child(const void *arg)
{
	const struct filter_case *t = arg;
	struct bpf_program p = { 0 };
	struct failure f = { 0 };

	if (seccomp_build(&t->c, &p, &f) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    seccomp_install(&p, &f) < 0)
		return 255;
	long r = syscall(t->nr, t->a0, t->a1, t->a2, 0, 0);
	if (r == 0 && (t->nr == SYS_clone || t->nr == SYS_clone3))
		_exit(0);
	if (r > 0 && (t->nr == SYS_clone || t->nr == SYS_clone3))
		waitpid((pid_t)r, NULL, 0);
	return r < 0 ? errno : 0;
}

static void test_filter_effects(void)
{
	static const long clone3_args[11] = { 0x10000000 /* CLONE_NEWUSER */, 0, 0, 0, 17 };
	struct filter_case t = { .c = { .seccomp = SECCOMP_DEFAULT } };
	char *deny[] = { "getppid", NULL };

	t.nr = SYS_keyctl, t.a0 = 0, t.a1 = -3;
	ok(in_child(filter_child, &t) == EPERM, "filter: keyctl is EPERM");
	t.nr = SYS_getpid;
	ok(in_child(filter_child, &t) == 0, "filter: getpid passes");
	t.nr = SYS_clone3, t.a0 = (long)clone3_args, t.a1 = 88;
	ok(in_child(filter_child, &t) == ENOSYS, "filter: clone3 is ENOSYS");
	t.nr = SYS_unshare, t.a0 = CLONE_NEWUSER;
	ok(in_child(filter_child, &t) == EPERM, "filter: unshare(CLONE_NEWUSER) is EPERM");
	t.c.allow_userns = true;
	ok(in_child(filter_child, &t) == 0, "filter: --allow-userns lets unshare(CLONE_NEWUSER) through");
	t.nr = SYS_ptrace, t.a0 = 16 /* PTRACE_ATTACH */, t.a1 = 0x3ffffff0;
	ok(in_child(filter_child, &t) == EPERM, "filter: ptrace is EPERM");
	t.c.allow_ptrace = true;
	ok(in_child(filter_child, &t) == ESRCH, "filter: --allow-ptrace lets ptrace reach the kernel");
	t.nr = SYS_personality, t.a0 = 0x20008;
	ok(in_child(filter_child, &t) == 0, "filter: personality(UNAME26|PER_LINUX32) passes");
	t.a0 = 0xffffffffL;
	ok(in_child(filter_child, &t) == 0, "filter: personality query passes");
	t.a0 = 0xfffffffeL;
	ok(in_child(filter_child, &t) == EPERM, "filter: personality(0xfffffffe) is EPERM");
	t.a0 = 0x0400000; /* READ_IMPLIES_EXEC */
	ok(in_child(filter_child, &t) == EPERM, "filter: personality(READ_IMPLIES_EXEC) is EPERM");
	t.a0 = 1L << 32;
	ok(in_child(filter_child, &t) == EPERM, "filter: personality with junk in the upper half is EPERM");
	t.c.seccomp_deny = deny;
	t.nr = SYS_getppid;
	ok(in_child(filter_child, &t) == EPERM, "filter: --seccomp-deny getppid");
	t.c.seccomp = SECCOMP_NONE;
	t.nr = SYS_keyctl, t.a0 = 0, t.a1 = -3;
	ok(in_child(filter_child, &t) != EPERM, "filter: none + --seccomp-deny leaves keyctl alone");
}

/* ---- caps_drop in a user namespace of our own ---- */

static uint64_t status_mask(const char *key)
{
	FILE *in = fopen("/proc/self/status", "re");
	char line[256];
	uint64_t v = UINT64_MAX;
	size_t len = strlen(key);

	while (in && fgets(line, sizeof(line), in))
		if (strncmp(line, key, len) == 0 && line[len] == ':')
			v = strtoull(line + len + 1, NULL, 16);
	if (in)
		fclose(in);
	return v;
}

/* 0: every set matches after caps_drop and an execve of ourselves; 1: mismatch; 77: skip. */
static int caps_child(const void *arg)
{
	const struct config *c = arg;
	struct failure f = { 0 };
	char mask[32];

	if (unshare(CLONE_NEWUSER) < 0)
		return 77;
	if (caps_drop(c, &f) < 0)
		return 2;
	snprintf(mask, sizeof(mask), "%llx", (unsigned long long)c->cap_add);
	execl("/proc/self/exe", "test-confine", "--check-caps", mask, (char *)NULL);
	return 3;
}

/* After execve: the kept set is effective, permitted, inheritable, ambient and bounding. */
static int check_caps(const char *hex)
{
	uint64_t want = strtoull(hex, NULL, 16);
	static const char *const keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (status_mask(keys[i]) != want) {
			fprintf(stderr, "%s is %llx, expected %llx\n", keys[i],
				(unsigned long long)status_mask(keys[i]), (unsigned long long)want);
			return 1;
		}
	return 0;
}

static void test_caps_drop(void)
{
	struct config c = { .cap_add = 0 };
	int r = in_child(caps_child, &c);

	if (r == 77) {
		skip("cannot create a user namespace here");
		skip("cannot create a user namespace here");
		return;
	}
	ok(r == 0, "caps_drop: every set empty after execve (status %d)", r);
	c.cap_add = (1ULL << 13) | (1ULL << 0); /* net_raw, chown */
	r = in_child(caps_child, &c);
	ok(r == 0, "caps_drop: --cap-add chown,net_raw survives execve for a non-zero uid (status %d)", r);
}

/* ---- landlock_apply ---- */

static int landlock_child(const void *arg)
{
	const struct config *c = arg;
	struct failure f = { 0 };
	char path[256];
	int fd;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || landlock_apply(c, &f) < 0)
		return 2;
	snprintf(path, sizeof(path), "%s/rw/file", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return 3;
	close(fd);
	snprintf(path, sizeof(path), "%s/other/file", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	return fd < 0 && errno == EACCES ? 0 : 4;
}

static void test_landlock(void)
{
	char rw[128], other[128];
	struct mp_entry ops[2] = {
		{ .op = MP_TMPFS, .dst = rw },
		{ .op = MP_BIND, .flags = MPF_RO, .dst = other },
	};
	struct config c = { .landlock = LANDLOCK_REQUIRE, .plan = { .ops = ops, .n = 2 } };

	snprintf(rw, sizeof(rw), "%s/rw", tmpdir);
	snprintf(other, sizeof(other), "%s/other", tmpdir);
	mkdir(rw, 0700);
	mkdir(other, 0700);
	if (syscall(SYS_landlock_create_ruleset, NULL, 0, 1U) < 0) {
		skip("this kernel does not offer Landlock");
		return;
	}
	ok(in_child(landlock_child, &c) == 0,
	   "landlock: writes beneath the writable set pass, elsewhere EACCES");
}

/* The default list as man(7) paragraphs, for the man page's SECCOMP section. */
static int print_man_list(void)
{
	for (size_t i = 0; i < SECCOMP_DEFAULT_ROWS; i++) {
		const struct seccomp_row *row = &seccomp_default_rows[i];
		printf(".TP\n.B %s\n%s%s.\n", row->name, row->err == ENOSYS ? "ENOSYS: " : "", row->reason);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--check-caps") == 0)
		return check_caps(argv[2]);
	if (argc == 2 && strcmp(argv[1], "--man-list") == 0)
		return print_man_list();
	if (!mkdtemp(tmpdir))
		return 99;
	test_caps_parse();
	test_parse_errno();
	test_parse_line();
	test_build_file();
	test_table();
	test_build_default();
	test_filter_effects();
	test_caps_drop();
	test_landlock();
	printf("1..%d\n", n_test);
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	return n_failed ? 1 : 0;
}
