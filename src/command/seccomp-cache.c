/* The compiled seccomp program, cached per user: libseccomp takes about a millisecond to
 * compile the default filter for three architectures, which is a quarter of our start-up.
 * The program is still built at run time by libseccomp on first use; the cache is keyed by
 * everything the program depends on (hutch and libseccomp versions, kernel release and
 * machine, every filter option, a rule file's content) and lives in the user's own
 * $XDG_RUNTIME_DIR/hutch (a tmpfs, mode 0700; ~/.cache/hutch when there is no runtime dir),
 * read only when it is ours and not writable by others. It holds at most CACHE_MAX_FILES
 * programs: a hit touches its file's mtime, and a write removes the least recently used past
 * that (a rule file edited often, or --seccomp-deny varied by a script, would otherwise add a
 * file per variant for ever). Launcher side, the caller's own privileges. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "front/config.h"
#include "command/confine.h"
#include "lib/failure.h"
#include "lib/macro.h"
#include "lib/path-util.h"

#define CACHE_MAGIC	0x46504248u /* "HBPF" */
#define CACHE_MAX_INSNS 4096
#define CACHE_MAX_FILES 32 /* documented in hutch(1), --seccomp */

struct cache_header {
	uint32_t magic;
	uint32_t n;
	uint64_t key;
	uint64_t sum; /* FNV-1a of the instructions */
};

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

static uint64_t fnv_str(uint64_t h, const char *s)
{
	return fnv1a(h, s ? s : "", (s ? strlen(s) : 0) + 1);
}

/* The key: every input of seccomp_build(). A rule file is read here for its content. */
static int cache_key(const struct config *c, uint64_t *ret)
{
	const struct scmp_version *v = seccomp_version();
	struct utsname u;
	char flags[64];
	uint64_t h = 0xcbf29ce484222325ull;

	if (uname(&u) < 0)
		return negative_errno();
	snprintf(flags, sizeof(flags), "tree/%d/%d/%d/%u.%u.%u/%llx/%d", (int)c->seccomp, c->allow_ptrace,
		 c->allow_userns, v ? v->major : 0, v ? v->minor : 0, v ? v->micro : 0,
		 (unsigned long long)c->socket_families, c->seccomp_native_only);
	h = fnv_str(fnv_str(fnv_str(fnv_str(h, HUTCH_VERSION), u.release), u.machine), flags);
	for (char **d = c->seccomp_deny; d && *d; d++)
		h = fnv_str(h, *d);
	if (c->seccomp == SECCOMP_FILE) {
		char buf[8192];
		ssize_t n;
		_cleanup_close_ int fd = path_open_regular(c->seccomp_file, O_RDONLY, 0);
		if (fd < 0)
			return fd;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			h = fnv1a(h, buf, (size_t)n);
		if (n < 0)
			return negative_errno();
	}
	*ret = h;
	return 0;
}

static int cache_read(const char *path, uint64_t key, struct bpf_program *ret)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct cache_header h;
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != getuid() ||
	    (st.st_mode & 022))
		return -ENOENT;
	if (read(fd, &h, sizeof(h)) != sizeof(h) || h.magic != CACHE_MAGIC || h.key != key || h.n == 0 ||
	    h.n > CACHE_MAX_INSNS || (size_t)st.st_size != sizeof(h) + h.n * sizeof(struct sock_filter))
		return -ENOENT;
	_cleanup_free_ struct sock_filter *insns = malloc(h.n * sizeof(*insns));
	if (!insns || read(fd, insns, h.n * sizeof(*insns)) != (ssize_t)(h.n * sizeof(*insns)) ||
	    fnv1a(0xcbf29ce484222325ull, insns, h.n * sizeof(*insns)) != h.sum)
		return -ENOENT;
	ret->insns = TAKE_PTR(insns);
	ret->n = h.n;
	futimens(fd, NULL); /* recently used: the last to be evicted */
	return 0;
}

/* The oldest cached programs past CACHE_MAX_FILES go (only our own seccomp-*.bpf names). */
static void cache_evict(const char *dir)
{
	struct entry {
		char name[64];
		struct timespec mtime;
	} v[CACHE_MAX_FILES + 1];
	size_t n = 0;
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		struct stat st;
		size_t len = strlen(de->d_name), oldest = 0;
		if (strncmp(de->d_name, "seccomp-", 8) != 0 || len < 12 || len >= sizeof(v[0].name) ||
		    strcmp(de->d_name + len - 4, ".bpf") != 0 ||
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
		v[n++].mtime = st.st_mtim;
		if (n <= CACHE_MAX_FILES)
			continue;
		for (size_t i = 1; i < n; i++) /* full: the oldest goes, one at a time */
			if (v[i].mtime.tv_sec < v[oldest].mtime.tv_sec ||
			    (v[i].mtime.tv_sec == v[oldest].mtime.tv_sec &&
			     v[i].mtime.tv_nsec < v[oldest].mtime.tv_nsec))
				oldest = i;
		unlinkat(dirfd(d), v[oldest].name, 0);
		v[oldest] = v[--n];
	}
	if (d)
		closedir(d);
}

/* Written to a temporary name and renamed: a reader never sees half a program. Failures
 * here only cost the next run the compile again. */
static void cache_write(const char *dir, const char *path, uint64_t key, const struct bpf_program *p)
{
	struct cache_header h = { CACHE_MAGIC, (uint32_t)p->n, key, 0 };
	char tmp[4300];
	int fd;

	if (p->n == 0 || p->n > CACHE_MAX_INSNS || (mkdir(dir, 0700) < 0 && errno != EEXIST))
		return;
	h.sum = fnv1a(0xcbf29ce484222325ull, p->insns, p->n * sizeof(*p->insns));
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	bool ok = write(fd, &h, sizeof(h)) == sizeof(h) &&
		  write(fd, p->insns, p->n * sizeof(*p->insns)) == (ssize_t)(p->n * sizeof(*p->insns));
	safe_close(fd);
	if (!ok || rename(tmp, path) < 0)
		unlink(tmp);
	else
		cache_evict(dir);
}

int seccomp_build_cached(const struct config *c, struct bpf_program *ret, struct failure *f)
{
	char dir[4096], path[4200];
	uint64_t key;

	if ((!c->runtime_dir && !c->home) ||
	    (c->seccomp == SECCOMP_NONE && !(c->seccomp_deny && c->seccomp_deny[0]) && !c->socket_families &&
	     !c->seccomp_native_only) ||
	    cache_key(c, &key) < 0)
		return seccomp_build(c, ret, f);
	/* Without a runtime dir (no login manager: ssh into a container, cron, env -i), the
	 * user's cache dir keeps it instead, under the same checks. */
	if (c->runtime_dir)
		snprintf(dir, sizeof(dir), "%s/hutch", c->runtime_dir);
	else {
		snprintf(dir, sizeof(dir), "%s/.cache", c->home);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return seccomp_build(c, ret, f);
		snprintf(dir, sizeof(dir), "%s/.cache/hutch", c->home);
	}
	snprintf(path, sizeof(path), "%s/seccomp-%016llx.bpf", dir, (unsigned long long)key);
	if (cache_read(path, key, ret) == 0)
		return 0;
	int r = seccomp_build(c, ret, f);
	if (r == 0)
		cache_write(dir, path, key, ret);
	return r;
}
