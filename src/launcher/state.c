/* The running sandbox's record (see state.h): written by the launcher, read, and removed when
 * stale, by `hutch list/join/stop`. Launcher side and the subcommands, the caller's own
 * privileges; writes only below the caller's $XDG_RUNTIME_DIR and to the fds the caller named. */
#include "launcher/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "front/config.h"
#include "launcher/info.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/json-write.h"
#include "lib/macro.h"
#include "lib/proc.h"
#include "lib/strv.h"

/* A record is a few hundred bytes; a bigger file is not one of ours. */
#define RECORD_MAX (256 * 1024)

static int parse_fd(const char *arg, const char *opt, int *ret, struct failure *f)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v > INT_MAX || fcntl((int)v, F_GETFD) < 0)
		return failx(f, opt, "'%s' is not an open file descriptor", arg);
	*ret = (int)v;
	return 0;
}

/* Letters, digits, '-', '_', '.'; not starting with '.'; it is a directory name. */
static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n <= 64 && s[0] != '.' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n;
}

int state_parse_option(struct config *c, const char *name, const char *arg, struct failure *f)
{
	if (strcmp(name, "info-fd") == 0)
		return parse_fd(arg, "--info-fd", &c->info_fd, f);
	if (strcmp(name, "json-status-fd") == 0)
		return parse_fd(arg, "--json-status-fd", &c->json_status_fd, f);
	if (!name_ok(arg))
		return failx(f, "--name", "'%s': letters, digits, '-', '_' and '.' only", arg);
	free(c->name);
	c->name = strdup(arg);
	return c->name ? 0 : -ENOMEM;
}

/* The state letter (field 3) and start time (field 22) of /proc/PID/stat; false when gone. */
unsigned long long state_start_time(pid_t pid)
{
	return proc_start_time(pid);
}

bool state_record_alive(const struct state_record *r)
{
	return proc_alive(r->launcher_pid, r->launcher_start_time);
}

const char *state_runtime_dir(char **env)
{
	for (char **e = env; e && *e; e++)
		if (strncmp(*e, "XDG_RUNTIME_DIR=", 16) == 0 && (*e)[16] == '/')
			return *e + 16;
	return NULL;
}

/* ---- the state directory and its lock ------------------------------------------------------ */

static int open_checked(const char *path, struct failure *f)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? -ENOENT : fail(f, negative_errno(), "state", "%s", path);
	/* Someone else's directory could hold records that point at any process. */
	if (fstat(fd, &st) < 0 || st.st_uid != getuid() || (st.st_mode & 022)) {
		safe_close(fd);
		return failx(f, "state", "%s: not yours, or writable by others", path);
	}
	return fd;
}

int state_open(const char *runtime_dir, bool lock, int *ret_fd, struct failure *f)
{
	char path[PATH_MAX];
	int fd;

	if (!runtime_dir)
		return failx(f, "state", "XDG_RUNTIME_DIR is not set: there are no sandbox records");
	snprintf(path, sizeof(path), "%s/hutch", runtime_dir);
	if ((fd = open_checked(path, f)) < 0)
		return fd;
	while (lock && flock(fd, LOCK_EX) < 0)
		if (errno != EINTR) {
			int r = fail(f, negative_errno(), "state", "locking %s", path);
			safe_close(fd);
			return r;
		}
	*ret_fd = fd;
	return 0;
}

/* rm -r of dir_fd/name, never following a symbolic link; depth-limited. */
static int remove_tree_at(int dir_fd, const char *name, int depth)
{
	int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		safe_close(fd);
		return unlinkat(dir_fd, name, 0) < 0 && errno != ENOENT ? negative_errno() : 0;
	}
	while (depth > 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			remove_tree_at(dirfd(d), de->d_name, depth - 1);
	closedir(d);
	return unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT ? negative_errno() : 0;
}

void state_record_free(struct state_record *r)
{
	free(r->name);
	strv_free(r->command);
	strv_free(r->hutch_argv);
	free(r->profile);
	*r = (struct state_record){ 0 };
}

/* The file, owned by the caller, at most RECORD_MAX bytes, as a string. */
static int read_record_file(int dir_fd, const char *name, char **ret)
{
	char path[128];
	struct stat st;
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	snprintf(path, sizeof(path), "%s/info.json", name);
	if ((fd = openat(dir_fd, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK)) < 0)
		return errno == ENOTDIR ? -ENOENT : negative_errno();
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (!S_ISREG(st.st_mode) || st.st_uid != getuid())
		return -EPERM;
	if (st.st_size > RECORD_MAX)
		return -EFBIG;
	if ((r = fileio_read_fd(fd, RECORD_MAX, &buf, &len)) < 0)
		return r;
	if (len > RECORD_MAX)
		return -EFBIG;
	if (strlen(buf) != len)
		return -EBADMSG;
	*ret = TAKE_PTR(buf);
	return 0;
}

int state_read(int dir_fd, const char *name, struct state_record *ret, struct failure *f)
{
	_cleanup_free_ char *text = NULL;
	struct state_record r = { 0 };
	int e;

	if (!name_ok(name))
		return failx(f, "state", "'%s' is not a sandbox name", name);
	/* The errno would add nothing to these two. */
	if ((e = read_record_file(dir_fd, name, &text)) == -ENOENT)
		return failx(f, "sandbox", "no sandbox named %s", name), -ENOENT;
	if (e == -EPERM)
		return failx(f, "sandbox", "%s: the record is not yours", name), -EPERM;
	if (e < 0)
		return fail(f, e, "state", "%s/info.json", name);
	if ((e = state_record_parse(text, &r)) == 0 && strcmp(r.name, name) != 0)
		e = -EBADMSG;
	if (e < 0) {
		state_record_free(&r);
		return fail(f, e, "state", "%s/info.json: not a sandbox record", name);
	}
	*ret = r;
	return 0;
}

int state_remove_stale(int locked_dir_fd, const char *name)
{
	struct state_record r = { 0 };
	struct failure ignored = { 0 };
	int e = state_read(locked_dir_fd, name, &r, &ignored);

	/* Unreadable, not ours, or not a record this version understands: left alone, it may
	 * belong to another part (or another version) of hutch. */
	bool stale = e == 0 && r.uid == getuid() && !state_record_alive(&r);
	state_record_free(&r);
	if (!stale)
		return 0;
	e = remove_tree_at(locked_dir_fd, name, 8);
	return e < 0 ? e : 1;
}

/* ---- the record's pid 1 --------------------------------------------------------------------- */

/* PIDFD_GET_INFO (Linux 6.13): the credentials and parent of the pidfd's own process, with no
 * window for pid reuse. Declared here because the build's headers may predate it; this is
 * the first version of the struct (64 bytes), which later kernels still accept. */
struct pidfd_info_v0 {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define PIDFD_INFO_PID_V0   (1ULL << 0)
#define PIDFD_INFO_CREDS_V0 (1ULL << 1)
#define PIDFD_GET_INFO_V0   _IOWR(0xFF, 11, struct pidfd_info_v0)

struct proc_owner {
	pid_t ppid;
	uid_t ruid, euid;
};

static int owner_from_pidfd(int pidfd, struct proc_owner *ret)
{
	struct pidfd_info_v0 info = { .mask = PIDFD_INFO_PID_V0 | PIDFD_INFO_CREDS_V0 };

	if (ioctl(pidfd, PIDFD_GET_INFO_V0, &info) < 0)
		return negative_errno();
	if ((info.mask & (PIDFD_INFO_PID_V0 | PIDFD_INFO_CREDS_V0)) !=
	    (PIDFD_INFO_PID_V0 | PIDFD_INFO_CREDS_V0))
		return -EOPNOTSUPP;
	*ret = (struct proc_owner){ .ppid = (pid_t)info.ppid, .ruid = info.ruid, .euid = info.euid };
	return 0;
}

/* Older kernels: /proc/PID/status, which belongs to the pidfd's process only while that one
 * is not yet reaped: state_open_pid1() checks so after reading. */
static int owner_from_proc(pid_t pid, struct proc_owner *ret)
{
	char path[64], buf[4096];
	_cleanup_close_ int fd = -1;
	unsigned ruid, euid;
	ssize_t n;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return fd < 0 ? negative_errno() : -EIO;
	buf[n] = '\0';
	const char *pp = strstr(buf, "\nPPid:"), *uu = strstr(buf, "\nUid:");
	if (!pp || !uu || sscanf(pp, "\nPPid: %d", &ppid) != 1 ||
	    sscanf(uu, "\nUid: %u %u", &ruid, &euid) != 2)
		return -EBADMSG;
	*ret = (struct proc_owner){ .ppid = ppid, .ruid = ruid, .euid = euid };
	return 0;
}

/* The inode of /proc/PID/ns/NAME ("user:[4026531837]"), 0 when unreadable. */
static int check_pid1(const struct state_record *r, int pidfd, struct failure *f)
{
	struct proc_owner o;
	int e = owner_from_pidfd(pidfd, &o);

	if (e == -ESRCH)
		return fail(f, -ESRCH, "sandbox", "%s: pid 1 (%d) has ended", r->name, (int)r->pid1);
	if (e < 0 && (e = owner_from_proc(r->pid1, &o)) < 0)
		return fail(f, e, "sandbox", "%s: reading /proc/%d/status", r->name, (int)r->pid1);
	if (o.ruid != getuid() || o.euid != getuid())
		return fail(f, -EPERM, "sandbox", "%s: pid 1 (%d) runs as uid %u, not as you", r->name,
			    (int)r->pid1, (unsigned)o.euid);
	if (o.ppid != r->launcher_pid || !state_record_alive(r))
		return fail(f, -EPERM, "sandbox", "%s: pid %d is not the pid 1 of its launcher (%d)", r->name,
			    (int)r->pid1, (int)r->launcher_pid);
	for (size_t i = 0; i < PROC_N_NS; i++)
		if (r->ns[i] && proc_ns_inode(r->pid1, proc_ns_names[i]) != r->ns[i])
			return fail(f, -EPERM, "sandbox", "%s: pid %d is not in the recorded %s namespace",
				    r->name, (int)r->pid1, proc_ns_names[i]);
	return 0;
}

int state_open_pid1(const struct state_record *r, int *ret_pidfd, struct failure *f)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, r->pid1, 0);
	int e;

	if (fd < 0 && errno == ESRCH)
		return fail(f, -ESRCH, "sandbox", "%s: pid 1 (%d) has ended", r->name, (int)r->pid1);
	if (fd < 0)
		return fail(f, negative_errno(), "sandbox", "%s: pidfd_open(%d)", r->name, (int)r->pid1);
	if ((e = check_pid1(r, fd, f)) < 0)
		return e;
	/* Still the same process, so everything read from /proc above was about it. */
	if (syscall(SYS_pidfd_send_signal, fd, 0, NULL, 0) < 0)
		return fail(f, -ESRCH, "sandbox", "%s: pid 1 (%d) has ended", r->name, (int)r->pid1);
	*ret_pidfd = TAKE_FD(fd);
	return 0;
}

/* ---- writing (the launcher) ---------------------------------------------------------------- */

/* command basename + "-" + pid, made a valid name. */
static int default_name(const struct config *c, char **ret)
{
	const char *base = strrchr(c->argv[0], '/');
	char buf[128];

	snprintf(buf, sizeof(buf), "%.40s-%d", base ? base + 1 : c->argv[0], (int)getpid());
	for (char *p = buf; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *p))
			*p = '_';
	if (buf[0] == '.')
		buf[0] = '_';
	return (*ret = strdup(buf)) ? 0 : -ENOMEM;
}

static bool runtime_dir_usable(const struct config *c)
{
	struct stat st;

	return c->runtime_dir && stat(c->runtime_dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	       st.st_uid == c->host_uid && access(c->runtime_dir, W_OK | X_OK) == 0;
}

int state_validate(struct config *c, struct failure *f)
{
	struct state_record r = { 0 };
	struct failure ignored = { 0 };
	_cleanup_close_ int fd = -1;
	int e;

	if (!c->name) {
		if (default_name(c, &c->name) < 0)
			return -ENOMEM;
		c->name_default = true;
	}
	/* The record is what list, join and stop find a sandbox by: a name nobody could use is
	 * refused rather than given silently. */
	if (!c->name_default && !runtime_dir_usable(c))
		return failx(
		    f, "--name",
		    "XDG_RUNTIME_DIR is %s: no record of sandbox %s could be kept for hutch list, join "
		    "and stop",
		    c->runtime_dir ? "not a directory of the caller's" : "not set", c->name);
	if (!c->runtime_dir)
		return 0;
	/* A state dir that is not ours would fail the sandbox once it runs: say so now. */
	if ((e = state_open(c->runtime_dir, false, &fd, f)) == -ENOENT)
		return 0;
	if (e < 0)
		return e;
	/* An early answer only: state_publish() checks again under the lock. */
	bool alive = state_read(fd, c->name, &r, &ignored) == 0 && state_record_alive(&r);
	state_record_free(&r);
	return alive ? failx(f, "--name", "a sandbox named %s is running already", c->name) : 0;
}

static int write_record(const struct config *c, int dir_fd, pid_t pid1)
{
	char tmp[128], path[128];
	_cleanup_close_ int fd = -1;

	snprintf(tmp, sizeof(tmp), "%s/info.json.tmp", c->name);
	snprintf(path, sizeof(path), "%s/info.json", c->name);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	FILE *out = fd < 0 ? NULL : fdopen(TAKE_FD(fd), "w");
	if (!out)
		return negative_errno();
	fputs("{\"name\": ", out);
	json_write_string(out, c->name);
	fprintf(
	    out,
	    ", \"launcher-pid\": %d, \"launcher-start-time\": %llu, \"pid1\": %d, \"uid\": %u, \"started\": %lld, ",
	    (int)getpid(), state_start_time(getpid()), (int)pid1, (unsigned)c->host_uid,
	    (long long)time(NULL));
	fputs("\"command\": ", out);
	json_write_strv(out, c->argv);
	fputs(", \"hutch-argv\": ", out);
	json_write_strv(out, c->launch_argv);
	fputs(", \"profile\": ", out);
	json_write_string(out, c->profile_path ? c->profile_path : (c->profile ? c->profile : ""));
	fputs(", ", out);
	info_put_pid_namespaces(out, pid1, 0, ", ");
	fputs("}\n", out);
	if (fclose(out) != 0)
		return negative_errno();
	return renameat(dir_fd, tmp, dir_fd, path) < 0 ? negative_errno() : 0;
}

/* Under the lock: a live sandbox of this name is an error (two launchers raced past
 * state_validate); a dead one's record goes. The directory itself may exist already and hold
 * the files of a helper started before pid 1 existed: it is kept. */
static int publish_locked(const struct config *c, int dir_fd, pid_t pid1, struct failure *f)
{
	struct state_record r = { 0 };
	struct failure ignored = { 0 };
	char path[128];
	int e;

	if (state_read(dir_fd, c->name, &r, &ignored) == 0 && state_record_alive(&r)) {
		state_record_free(&r);
		return failx(f, "--name", "a sandbox named %s is running already", c->name);
	}
	state_record_free(&r);
	snprintf(path, sizeof(path), "%s/info.json", c->name);
	unlinkat(dir_fd, path, 0);
	if (mkdirat(dir_fd, c->name, 0700) < 0 && errno != EEXIST)
		return fail(f, negative_errno(), "state", "%s/hutch/%s", c->runtime_dir, c->name);
	if ((e = write_record(c, dir_fd, pid1)) < 0)
		return fail(f, e, "state", "%s/hutch/%s/info.json", c->runtime_dir, c->name);
	return 0;
}

static int publish_record(const struct config *c, pid_t pid1, struct state *st, struct failure *f)
{
	char dir[PATH_MAX];
	_cleanup_close_ int dir_fd = -1;
	int r;

	snprintf(dir, sizeof(dir), "%s/hutch", c->runtime_dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return fail(f, negative_errno(), "state", "%s", dir);
	if ((r = state_open(c->runtime_dir, true, &dir_fd, f)) < 0)
		return r;
	if ((r = publish_locked(c, dir_fd, pid1, f)) < 0)
		return r;
	snprintf(dir, sizeof(dir), "%s/hutch/%s", c->runtime_dir, c->name);
	return (st->dir = strdup(dir)) ? 0 : -ENOMEM;
}

int state_publish(const struct config *c, pid_t pid1, struct state *st, struct failure *f)
{
	return c->runtime_dir && !c->no_record ? publish_record(c, pid1, st, f) : 0;
}

void state_finish(const struct config *c, struct state *st)
{
	if (st->dir) {
		/* Our own record, so no lock: nobody else removes a live sandbox's directory. */
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/hutch", c->runtime_dir);
		_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		/* The record alone first: two calls where the walk takes ten, after the command's
		 * exit and before ours (issue 27); anything else there (a helper's files) takes the
		 * walk. */
		snprintf(path, sizeof(path), "%s/info.json", c->name);
		if (fd >= 0 && (unlinkat(fd, path, 0) < 0 || unlinkat(fd, c->name, AT_REMOVEDIR) < 0))
			remove_tree_at(fd, c->name, 8);
	}
	free(st->dir);
	st->dir = NULL;
}
