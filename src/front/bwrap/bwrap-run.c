/* The steps only bwrap's options ask for (see bwrap.h), called from the shared drivers when
 * c->bwrap is set: the JSON on --info-fd and --json-status-fd (launcher, caller's
 * privileges); --lock-file, --block-fd, --disable-userns and its assertion (the sandbox's
 * pid 1 after pivot_root, capabilities of its user namespace); the raw seccomp programs and
 * $PWD (the command, last before execve). */
#include "front/bwrap/bwrap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/strv.h"

/* bwrap's namespaces, in its key order; the user namespace is not among them. */
static const struct {
	int flag;
	const char *name;
} namespaces[] = {
	{ CLONE_NEWCGROUP, "cgroup" }, { CLONE_NEWIPC, "ipc" }, { CLONE_NEWNS, "mnt" },
	{ CLONE_NEWNET, "net" },       { CLONE_NEWPID, "pid" }, { CLONE_NEWUTS, "uts" },
};

/* {"child-pid": N, "<ns>-namespace": inode...}: indented for --info-fd, one line for
 * --json-status-fd, as bwrap writes them. */
static int format_info(const struct bwrap_config *b, pid_t pid, bool pretty, char *buf, size_t size)
{
	const char *sep = pretty ? ",\n    " : ", ";
	int n = snprintf(buf, size, "%s\"child-pid\": %d", pretty ? "{\n    " : "{ ", (int)pid);

	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		char path[64];
		struct stat st;
		if (!(b->new_ns & namespaces[i].flag))
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, namespaces[i].name);
		if (stat(path, &st) == 0 && (size_t)n < size)
			n += snprintf(buf + n, size - (size_t)n, "%s\"%s-namespace\": %llu", sep,
				      namespaces[i].name, (unsigned long long)st.st_ino);
	}
	if ((size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%s", pretty ? "\n}\n" : " }\n");
	return (size_t)n < size ? n : -ENAMETOOLONG;
}

int bwrap_started(const struct config *c, pid_t pid, struct failure *f)
{
	const struct bwrap_config *b = c->bwrap;
	char buf[1024];
	int n, r;

	if (b->info_fd >= 0) {
		if ((n = format_info(b, pid, true, buf, sizeof(buf))) < 0 ||
		    (r = fileio_write_all(b->info_fd, buf, (size_t)n)) < 0)
			return fail(f, n < 0 ? n : r, "info-fd", "%d", b->info_fd);
		/* its reader waits for the end of file */
		close(b->info_fd);
	}
	if (b->json_status_fd >= 0) {
		if ((n = format_info(b, pid, false, buf, sizeof(buf))) < 0 ||
		    (r = fileio_write_all(b->json_status_fd, buf, (size_t)n)) < 0)
			return fail(f, n < 0 ? n : r, "json-status-fd", "%d", b->json_status_fd);
	}
	return 0;
}

void bwrap_finished(const struct config *c, int status)
{
	const struct bwrap_config *b = c->bwrap;

	if (b->json_status_fd < 0)
		return;
	if (status >= 0)
		dprintf(b->json_status_fd, "{ \"exit-code\": %d }\n", status);
	close(b->json_status_fd);
}

static int take_locks(char **paths, struct failure *f)
{
	for (; paths && *paths; paths++) {
		struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		/* held by this process, which lives as long as the sandbox; not the command's */
		int fd = open(*paths, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail(f, negative_errno(), "lock-file", "%s", *paths);
		if (fcntl(fd, F_SETLK, &l) < 0)
			return fail(f, negative_errno(), "lock-file", "%s", *paths);
	}
	return 0;
}

/* bwrap reads one byte and goes on whatever the read returned (an error, the end). */
static void block_on(int fd)
{
	char byte;

	while (read(fd, &byte, 1) < 0 && errno == EINTR)
		;
	close(fd);
}

static int write_at(int dirfd, const char *path, const char *text)
{
	int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return negative_errno();
	r = fileio_write_all(fd, text, strlen(text));
	close(fd);
	return r;
}

/* The command's own user namespace, nested in the sandbox's: with --disable-userns the
 * sandbox's may hold only that one, so the command can make none (bwrap(1)); with a /dev, the
 * outer one maps the caller to 0 for devpts and this one maps back the ids asked for. */
static int nest_userns(const struct config *c, struct failure *f)
{
	const struct bwrap_config *b = c->bwrap;
	int proc = b->proc_fd;
	char map[64];
	int r;

	if (b->disable_userns && (r = write_at(proc, "sys/user/max_user_namespaces", "1")) < 0)
		return fail(f, r, "disable-userns", "sys/user/max_user_namespaces");
	if (unshare(CLONE_NEWUSER) < 0)
		return fail(f, negative_errno(), "userns", "nested user namespace");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)b->uid, (unsigned)c->uid);
	if ((r = write_at(proc, "self/uid_map", map)) < 0)
		return fail(f, r, "userns", "uid_map");
	if ((r = write_at(proc, "self/setgroups", "deny")) < 0)
		return fail(f, r, "userns", "setgroups");
	snprintf(map, sizeof(map), "%u %u 1\n", (unsigned)b->gid, (unsigned)c->gid);
	if ((r = write_at(proc, "self/gid_map", map)) < 0)
		return fail(f, r, "userns", "gid_map");
	return 0;
}

/* A throwaway child tries what the command would. */
static int assert_userns_disabled(struct failure *f)
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

int bwrap_maps_ready(const struct config *c, struct failure *f)
{
	/* The launcher holds these; a copy here would keep their readers from seeing the end
	 * (and one that reads --info-fd to the end before it writes the maps would wait). */
	if (c->bwrap->info_fd >= 0)
		close(c->bwrap->info_fd);
	if (c->bwrap->json_status_fd >= 0)
		close(c->bwrap->json_status_fd);
	if (c->bwrap->userns_block_fd >= 0)
		block_on(c->bwrap->userns_block_fd);
	return 0;
}

int bwrap_sandbox_ready(const struct config *c, struct failure *f)
{
	const struct bwrap_config *b = c->bwrap;
	int r = 0;

	if ((r = take_locks(b->lock_files, f)) < 0)
		return r;
	if (b->nest_userns && (r = nest_userns(c, f)) < 0)
		return r;
	if (b->assert_no_userns && (r = assert_userns_disabled(f)) < 0)
		return r;
	if (b->proc_fd >= 0)
		close(b->proc_fd);
	if (b->userns2_fd >= 0 && setns(b->userns2_fd, CLONE_NEWUSER) < 0)
		return fail(f, negative_errno(), "userns2", NULL);
	if (b->block_fd >= 0)
		block_on(b->block_fd);
	return 0;
}

int bwrap_command_seccomp(const struct config *c, struct failure *f)
{
	const struct bwrap_config *b = c->bwrap;

	for (size_t i = 0; i < b->n_progs; i++) {
		struct sock_fprog prog = { .len = (unsigned short)b->progs[i].n,
					   .filter = b->progs[i].insns };
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
			return fail(f, negative_errno(), "seccomp", "program %zu", i + 1);
	}
	return 0;
}

void bwrap_command_env(const struct config *c)
{
	char cwd[4096];

	if (getcwd(cwd, sizeof(cwd)))
		setenv("PWD", cwd, 1);
}

void bwrap_config_free(struct bwrap_config *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n_progs; i++)
		bpf_program_free(&b->progs[i]);
	free(b->progs);
	strv_free(b->lock_files);
	free(b);
}
