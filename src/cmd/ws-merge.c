/* `hutch apply NAME --merge PATH` (issue 23): a file both the sandbox and the host changed since
 * the start, merged line by line against its start content (kept by workspace-keep.c) with
 * diff3(1) from diffutils, and written in place of the host's only when no hunk overlaps.
 * Subcommand side, the caller's own privileges; it writes one temporary file in the host's
 * directory and renames it into place, as the applier does. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd/ws-apply.h"
#include "lib/macro.h"

static int open_beneath(int dfd, const char *rel)
{
	struct open_how how = { .flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	int fd = (int)syscall(SYS_openat2, dfd, rel, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* A regular file with no NUL byte: diff3 merges lines of text only. */
static int text_file(int fd)
{
	char buf[65536];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return -EMEDIUMTYPE;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (memchr(buf, 0, (size_t)n))
			return -EMEDIUMTYPE;
	return n < 0 ? -errno : lseek(fd, 0, SEEK_SET) < 0 ? -errno : 0;
}

/* diff3 -m MINE OLDER YOURS into out: the sandbox's, the start's and the host's, on fds 3-5 of
 * the child. Its status: 0 merged, 1 overlapping hunks, 2 trouble (127: no diff3). */
static int run_diff3(const int in[3], int out)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		int fds[3];
		for (int i = 0; i < 3; i++) /* above 5 first, so that no dup2 overwrites another */
			fds[i] = fcntl(in[i], F_DUPFD, 10);
		for (int i = 0; i < 3; i++)
			if (fds[i] < 0 || dup2(fds[i], 3 + i) < 0)
				_exit(2);
		if (dup2(out, 1) < 0)
			_exit(2);
		execl("/usr/bin/diff3", "diff3", "-m", "-L", "sandbox", "-L", "start", "-L", "host",
		      "/dev/fd/3", "/dev/fd/4", "/dev/fd/5", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}

int ws_merge(int pfd, const char *name, int uroot, int base, const char *rel, mode_t mode)
{
	char tmp[300];
	struct stat before, after;
	_cleanup_close_ int mine = open_beneath(uroot, rel);
	_cleanup_close_ int older = base < 0 ? -ENOENT : open_beneath(base, rel);
	_cleanup_close_ int yours = openat(pfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	int r;

	if (older < 0)
		return -ENOENT; /* the start content was not kept */
	if (mine < 0 || yours < 0)
		return mine < 0 ? mine : -errno;
	if (fstat(yours, &before) < 0)
		return -errno;
	if ((r = text_file(mine)) < 0 || (r = text_file(older)) < 0 || (r = text_file(yours)) < 0)
		return r;
	snprintf(tmp, sizeof(tmp), ".hutch-merge.%d.%.200s", (int)getpid(), name);
	_cleanup_close_ int out =
	    openat(pfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0)
		return -errno;
	r = run_diff3((const int[3]){ mine, older, yours }, out);
	/* the host's file written meanwhile: its new lines would be lost */
	if (r == 0 && (fstat(yours, &after) < 0 || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
		       after.st_mtim.tv_sec != before.st_mtim.tv_sec || after.st_size != before.st_size))
		r = -ESTALE;
	else
		r = r == 0 ? 0 : r == 1 ? -EEXIST : r == 127 ? -ENOEXEC : -EIO;
	if (r == 0 && fchmod(out, mode & 07777) < 0)
		r = -errno;
	if (r == 0 && renameat(pfd, tmp, pfd, name) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(pfd, tmp, 0);
	return r;
}
