/* The command's own user namespace (nest.h). bwrap's reasons, kept for hutch-bwrap: devpts
 * needs root mapped in the namespace that mounts it, so the sandbox's namespace maps the caller
 * to 0 for the setup and a nested one maps back the ids asked for; a limit of one user
 * namespace in the sandbox's, taken by the nested one, leaves the command none to make
 * (--disable-userns, bwrap(1)); or a namespace given by fd (--userns2). Sandbox pid 1 after
 * pivot_root (the maps are written through the host's /proc, c->proc_fd), with the
 * capabilities of the sandbox's user namespace; the command inherits the result. */
#include "sandbox/nest.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"

static int write_at(int dirfd, const char *path, const char *text)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC), r = 0;
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return negative_errno();
	/* a file of /proc takes the whole text in one write, or none of it */
	while ((n = write(fd, text, len)) < 0 && errno == EINTR)
		;
	if (n < 0)
		r = negative_errno();
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

static int nest_userns(const struct config *c, struct failure *f)
{
	int proc = c->proc_fd;
	char map[64];
	int r;

	if (c->nest_limit_userns && (r = write_at(proc, "sys/user/max_user_namespaces", "1")) < 0)
		return fail(f, r, "disable-userns", "sys/user/max_user_namespaces");
	if (unshare(CLONE_NEWUSER) < 0)
		return fail(f, negative_errno(), "userns", "nested user namespace");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)c->nest_uid, (unsigned)c->uid);
	if ((r = write_at(proc, "self/uid_map", map)) < 0)
		return fail(f, r, "userns", "uid_map");
	if ((r = write_at(proc, "self/setgroups", "deny")) < 0)
		return fail(f, r, "userns", "setgroups");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)c->nest_gid, (unsigned)c->gid);
	if ((r = write_at(proc, "self/gid_map", map)) < 0)
		return fail(f, r, "userns", "gid_map");
	return 0;
}

/* A throwaway child tries what the command would. */
static int assert_no_userns(struct failure *f)
{
	int status = 0;
	pid_t pid = fork();

	if (pid < 0)
		return fail(f, negative_errno(), "assert-userns-disabled", "fork");
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(f, negative_errno(), "assert-userns-disabled", "wait");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return failx(f, "assert-userns-disabled",
			     "creation of new user namespaces was not disabled as requested");
	return 0;
}

int nest_enter(const struct config *c, struct failure *f)
{
	int r;

	if (c->nest_userns && (r = nest_userns(c, f)) < 0)
		return r;
	if (c->assert_no_userns && (r = assert_no_userns(f)) < 0)
		return r;
	if (c->proc_fd >= 0)
		close(c->proc_fd);
	if (c->userns2_fd >= 0 && setns(c->userns2_fd, CLONE_NEWUSER) < 0)
		return fail(f, negative_errno(), "userns2", NULL);
	return 0;
}
