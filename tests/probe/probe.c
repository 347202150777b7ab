/* The test probe: a static program run inside the sandbox (the command process) that tries what
 * the confinement should refuse and reports what happened, one "key=value" or "what: RESULT"
 * line at a time. Exit status: 0 the attempt succeeded, 1 it was refused, 2 usage error.
 * `probe pty CMD…` runs outside the sandbox: it gives CMD a fresh terminal as controlling tty.
 *
 *   probe caps | nnp | seccomp-mode | ids | fds | env | tty | landlock-abi
 *   probe syscall NAME       native entry point
 *   probe i386 NAME          int $0x80 with i386 numbers
 *   probe x32 NAME           syscall with x32 numbers (__X32_SYSCALL_BIT)
 *   probe write PATH         open PATH for writing (creating it if needed)
 *   probe read PATH          read a byte of PATH (an empty file: ENODATA)
 *   probe loop N             N getppid() calls: "ns_per_call=…" (the filter's per-call cost)
 *   probe userns PATH        the user namespace file PATH: "ino=… parent=…" (its parent's inode)
 *   probe pty CMD [ARGS…]    run CMD on a new pty, copy its output, exit with its status
 *   probe connect ADDR PORT  a TCP connect to an IPv4 ADDR, the first thing after exec:
 *                            "connect: connected" or "connect: refused ERRNO-NAME" */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define X32_BIT			 0x40000000L
#define NO_SUCH_PID		 0x3ffffff0L /* above any pid_max: ptrace answers ESRCH unless filtered */
#define BAD_PERSONALITY		 0x0040000L  /* ADDR_NO_RANDOMIZE */
#define CLONE_NEWUSER_FLAG	 0x10000000L
#define UFFD_USER_MODE_ONLY_FLAG 1L /* allowed without privilege, so only a filter refuses it */

extern char **environ;

enum abi {
	ABI_NATIVE,
	ABI_I386,
	ABI_X32,
};

/* One probed call: numbers per ABI (x32 without the bit), arguments, and how to run it. */
enum call_kind {
	CALL_PLAIN,
	CALL_FORK, /* clone-like: the child returns 0 and must leave at once */
	CALL_TTY,  /* the request on fd 0 with a one-byte buffer */
};

struct call {
	const char *name;
	long nr[3];
	enum call_kind kind;
	long a[5];
};

static const struct call calls[] = {
	{ "getpid", { SYS_getpid, 20, 39 }, CALL_PLAIN, { 0 } },
	{ "keyctl", { SYS_keyctl, 288, 250 }, CALL_PLAIN, { 0 /* GET_KEYRING_ID */, -3 /* session */ } },
	{ "add_key", { SYS_add_key, 286, 248 }, CALL_PLAIN, { 0 } },
	{ "request_key", { SYS_request_key, 287, 249 }, CALL_PLAIN, { 0 } },
	{ "bpf", { SYS_bpf, 357, 321 }, CALL_PLAIN, { 0 } },
	{ "perf_event_open", { SYS_perf_event_open, 336, 298 }, CALL_PLAIN, { 0, 0, -1, -1, 0 } },
	{ "userfaultfd", { SYS_userfaultfd, 374, 323 }, CALL_PLAIN, { UFFD_USER_MODE_ONLY_FLAG } },
	{ "unshare-user", { SYS_unshare, 310, 272 }, CALL_PLAIN, { CLONE_NEWUSER_FLAG } },
	{ "clone-user", { SYS_clone, 120, 56 }, CALL_FORK, { CLONE_NEWUSER_FLAG | SIGCHLD } },
	{ "clone3", { SYS_clone3, 435, 435 }, CALL_FORK, { 0 } },
	{ "ptrace", { SYS_ptrace, 26, 521 }, CALL_PLAIN, { PTRACE_ATTACH, NO_SUCH_PID } },
	{ "personality", { SYS_personality, 136, 135 }, CALL_PLAIN, { BAD_PERSONALITY } },
	{ "personality-linux32", { SYS_personality, 136, 135 }, CALL_PLAIN, { PER_LINUX32 } },
	{ "personality-query", { SYS_personality, 136, 135 }, CALL_PLAIN, { 0xffffffffL } },
	{ "tiocsti", { SYS_ioctl, 54, 514 }, CALL_TTY, { 0, TIOCSTI } },
	{ "tiocsti-hi", { SYS_ioctl, 54, 514 }, CALL_TTY, { 0, TIOCSTI | (1L << 32) } },
	{ "tioclinux", { SYS_ioctl, 54, 514 }, CALL_TTY, { 0, TIOCLINUX } },
	{ "io_uring_setup", { SYS_io_uring_setup, 425, 425 }, CALL_PLAIN, { 1, 0 } },
};

#ifdef __x86_64__
static long i386_syscall(long nr, const long *a)
{
	long ret;

	/* int $0x80 takes the low halves of rbx, rcx, rdx, rsi, rdi; older kernels clobber r8–r11. */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
#else
static long i386_syscall(long nr, const long *a)
{
	return -ENOSYS; /* the compat entry points are only probed on x86-64 */
}
#endif

/* -errno or the result, the same way for every ABI. */
static long do_call(enum abi abi, long nr, const long *a)
{
	long r;

	if (abi == ABI_I386)
		return i386_syscall(nr, a);
	r = syscall(abi == ABI_X32 ? nr | X32_BIT : nr, a[0], a[1], a[2], a[3], a[4]);
	return r < 0 ? -errno : r;
}

/* Buffers the kernel reads for an i386 call must lie below 4 GiB. */
static void *low_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(2);
	}
	memset(p, 0, 4096);
	return p;
}

static void prepare_args(const struct call *c, long *a, char *low)
{
	memcpy(a, c->a, sizeof(c->a));
	if (strcmp(c->name, "clone3") == 0) {
		struct clone_args *ca = (struct clone_args *)low;
		ca->flags = CLONE_NEWUSER;
		ca->exit_signal = SIGCHLD;
		a[0] = (long)(uintptr_t)ca;
		a[1] = sizeof(*ca);
	} else if (strcmp(c->name, "add_key") == 0 || strcmp(c->name, "request_key") == 0) {
		strcpy(low + 256, "user");
		strcpy(low + 272, "hutch-probe");
		a[0] = (long)(uintptr_t)(low + 256);
		a[1] = (long)(uintptr_t)(low + 272);
		a[2] = c->name[0] == 'a' ? (long)(uintptr_t)(low + 288) : 0;
		a[3] = c->name[0] == 'a' ? 1 : -2;
		a[4] = c->name[0] == 'a' ? -2 /* process keyring */ : 0;
	} else if (c->kind == CALL_TTY) {
		low[300] = c->a[1] == TIOCLINUX ? 0 : '\n';
		a[2] = (long)(uintptr_t)(low + 300);
	}
}

static const char *result_name(long r)
{
	static char buf[32];
	const char *n;

	if (r >= 0)
		return "ok";
	n = strerrorname_np((int)-r);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %ld", -r);
	return buf;
}

static int cmd_call(enum abi abi, const char *name)
{
	long a[5];
	long r;

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++) {
		const struct call *c = &calls[i];
		if (strcmp(c->name, name) != 0)
			continue;
		prepare_args(c, a, low_page());
		fflush(stdout);
		r = do_call(abi, c->nr[abi], a);
		if (c->kind == CALL_FORK && r == 0)
			_exit(0);
		if (c->kind == CALL_FORK && r > 0)
			waitpid((pid_t)r, NULL, __WALL);
		printf("%s: %s\n", name, result_name(r));
		return r < 0 ? 1 : 0;
	}
	fprintf(stderr, "probe: unknown call '%s'\n", name);
	return 2;
}

/* "Key:\tvalue" lines of /proc/self/status → "Key=value" for the keys asked. */
static int cmd_status(const char *const *keys, size_t n)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	int found = 0;

	if (!f) {
		perror("probe: /proc/self/status");
		return 2;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		for (size_t i = 0; i < n; i++)
			if (strcmp(line, keys[i]) == 0) {
				printf("%s=%s", line, colon + 1 + strspn(colon + 1, " \t"));
				found++;
			}
	}
	fclose(f);
	return found == (int)n ? 0 : 2;
}

static int cmd_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	const char *sep = "";
	struct dirent *e;

	if (!d) {
		perror("probe: /proc/self/fd");
		return 2;
	}
	printf("fds=");
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		printf("%s%s", sep, e->d_name);
		sep = ",";
	}
	printf("\n");
	closedir(d);
	return 0;
}

static int cmd_ids(void)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	static const char *const keys[] = { "CapPrm", "CapEff" };

	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	printf("uid=%u euid=%u suid=%u gid=%u egid=%u sgid=%u\n", ru, eu, su, rg, eg, sg);
	return cmd_status(keys, ARRAY_SIZE(keys));
}

/* The user namespace at path and its parent (NS_GET_PARENT): where a bound namespace file sits
 * in the tree, for comparing the command's own with what a sandbox left at some path. */
static int cmd_userns(const char *path)
{
	struct stat st, pst;
	int fd = open(path, O_RDONLY | O_CLOEXEC), pfd;

	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("userns %s: %s\n", path, strerror(errno));
		return 1;
	}
	pfd = ioctl(fd, NS_GET_PARENT);
	if (pfd < 0 || fstat(pfd, &pst) < 0)
		printf("ino=%llu parent=%s\n", (unsigned long long)st.st_ino, strerror(errno));
	else
		printf("ino=%llu parent=%llu\n", (unsigned long long)st.st_ino,
		       (unsigned long long)pst.st_ino);
	return 0;
}

static int cmd_env(void)
{
	for (char **e = environ; *e; e++)
		printf("%s\n", *e);
	return 0;
}

static int cmd_tty(void)
{
	int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);

	printf("session_leader=%s\n", getsid(0) == getpid() ? "yes" : "no");
	printf("ctty=%s\n", fd >= 0 ? "yes" : "no");
	printf("stdin_tty=%s\n", isatty(0) ? "yes" : "no");
	return 0;
}

static int cmd_landlock_abi(void)
{
	long v = syscall(SYS_landlock_create_ruleset, NULL, 0, 1U /* VERSION */);

	printf("landlock_abi=%ld\n", v < 0 ? 0 : v);
	return 0;
}

static int cmd_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	printf("write %s: %s\n", path, result_name(fd < 0 ? -errno : 0));
	if (fd >= 0)
		close(fd);
	return fd < 0 ? 1 : 0;
}

/* One byte of PATH read: a file hidden under an empty one (a blacklist) reads 0 bytes. */
static int cmd_read(const char *path)
{
	char c;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r = fd < 0 ? -errno : 0;
	ssize_t n = fd < 0 ? -1 : read(fd, &c, 1);

	if (fd >= 0 && n < 0)
		r = -errno;
	else if (fd >= 0 && n == 0)
		r = -ENODATA;
	printf("read %s: %s\n", path, result_name(r));
	if (fd >= 0)
		close(fd);
	return r < 0 ? 1 : 0;
}

static int cmd_loop(const char *count)
{
	long n = atol(count);
	struct timespec a, b;

	if (n <= 0)
		return 2;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid); /* the raw call: nothing in libc may answer it from a cache */
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("ns_per_call=%.1f\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n);
	return 0;
}

/* ---- pty harness (outside the sandbox) ---- */

static void pty_child(const char *slave, char **argv)
{
	int fd;

	setsid();
	fd = open(slave, O_RDWR); /* a session leader's first tty becomes its controlling one */
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(125);
	if (fd > 2)
		close(fd);
	execvp(argv[0], argv);
	_exit(127);
}

static int cmd_pty(char **argv)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char slave[64], buf[4096];
	int status;
	ssize_t n;
	pid_t pid;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, slave, sizeof(slave))) {
		perror("probe: pty");
		return 2;
	}
	pid = fork();
	if (pid == 0)
		pty_child(slave, argv);
	/* EIO once every slave fd is gone. */
	while ((n = read(m, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0 && write(1, buf, (size_t)n) < 0)
			break;
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* No library start-up work before it: as early as a sandboxed program can try the network. */
static int cmd_connect(const char *addr, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return 2;
	if (connect(s, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		printf("connect: connected\n");
		return 0;
	}
	printf("connect: refused %s\n", strerrorname_np(errno));
	return 1;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: probe caps|nnp|seccomp-mode|ids|fds|env|tty|landlock-abi\n"
		"       probe syscall|i386|x32 NAME | write PATH | loop N | userns PATH | pty CMD [ARGS...]\n"
		"       probe connect ADDR PORT\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const char *const cap_keys[] = { "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" };
	static const char *const nnp_key[] = { "NoNewPrivs" };
	static const char *const seccomp_key[] = { "Seccomp" };
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(cmd, "caps") == 0)
		return cmd_status(cap_keys, ARRAY_SIZE(cap_keys));
	if (strcmp(cmd, "nnp") == 0)
		return cmd_status(nnp_key, 1);
	if (strcmp(cmd, "seccomp-mode") == 0)
		return cmd_status(seccomp_key, 1);
	if (strcmp(cmd, "ids") == 0)
		return cmd_ids();
	if (strcmp(cmd, "userns") == 0 && arg)
		return cmd_userns(arg);
	if (strcmp(cmd, "fds") == 0)
		return cmd_fds();
	if (strcmp(cmd, "env") == 0)
		return cmd_env();
	if (strcmp(cmd, "tty") == 0)
		return cmd_tty();
	if (strcmp(cmd, "landlock-abi") == 0)
		return cmd_landlock_abi();
	if (strcmp(cmd, "write") == 0 && arg)
		return cmd_write(arg);
	if (strcmp(cmd, "read") == 0 && arg)
		return cmd_read(arg);
	if (strcmp(cmd, "loop") == 0 && arg)
		return cmd_loop(arg);
	if (strcmp(cmd, "pty") == 0 && arg)
		return cmd_pty(argv + 2);
	if (strcmp(cmd, "syscall") == 0 && arg)
		return cmd_call(ABI_NATIVE, arg);
	if (strcmp(cmd, "i386") == 0 && arg)
		return cmd_call(ABI_I386, arg);
	if (strcmp(cmd, "x32") == 0 && arg)
		return cmd_call(ABI_X32, arg);
	if (strcmp(cmd, "connect") == 0 && arg && argc > 3)
		return cmd_connect(arg, argv[3]);
	return usage();
}
