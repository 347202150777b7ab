/* tests/bench/overlay-fuse-rt.c: the bare cost of one FUSE request on this machine, for
 * tests/bench/overlay. A do-nothing FUSE server (no libfuse: it answers on /dev/fuse itself)
 * serves one file; a child stats it N times with the entry and attribute timeouts at zero,
 * so that each stat is one LOOKUP and one GETATTR, answered from memory. What a stat costs
 * over two is the floor under every request a real server such as fuse-overlayfs answers:
 * the kernel's queueing and the two wake-ups between the caller and the server, nothing of
 * the server's own work.
 *
 * usage: overlay-fuse-rt DIR N   (DIR: an empty directory to mount on; needs the right to
 * mount FUSE there, e.g. under unshare -Urm). Prints "ROUND_TRIP_US REQUESTS". */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char req[65536 + FUSE_MIN_READ_BUFFER]; /* max_write below, plus headers */

static int reply(int fd, uint64_t unique, int error, const void *body, size_t len)
{
	char out[512];
	struct fuse_out_header h = { .len = (uint32_t)(sizeof(h) + len), .error = error, .unique = unique };

	memcpy(out, &h, sizeof(h));
	if (len)
		memcpy(out + sizeof(h), body, len);
	return write(fd, out, h.len) == (ssize_t)h.len || error ? 0 : -1;
}

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0644;
	a->nlink = 1;
}

/* The client's last word: a lookup of DIR/end tells the server to stop. */
_Noreturn static void client_exit(const char *dir, int code)
{
	char end[4096];
	struct stat st;

	snprintf(end, sizeof(end), "%s/end", dir);
	stat(end, &st);
	_exit(code);
}

/* The client: N stats of DIR/f, timed; writes the µs per request to the pipe. */
_Noreturn static void client(const char *dir, long n, int out)
{
	struct timespec a, b;
	struct stat st;
	char file[4096], line[64];

	snprintf(file, sizeof(file), "%s/f", dir);
	if (stat(file, &st) < 0)
		client_exit(dir, 1);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		if (stat(file, &st) < 0)
			client_exit(dir, 1);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double us = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / 1e3;
	int len = snprintf(line, sizeof(line), "%.2f %ld\n", us / (double)n / 2, 2 * n);
	client_exit(dir, write(out, line, (size_t)len) == len ? 0 : 1);
}

int main(int argc, char **argv)
{
	char opts[128], line[64] = "";
	int p[2], status = 1;
	long n = argc == 3 ? atol(argv[2]) : 0;

	if (n <= 0 || strlen(argv[1]) > 4000) {
		fprintf(stderr, "usage: overlay-fuse-rt DIR N\n");
		return 2;
	}
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("overlay-fuse-rt: /dev/fuse");
		return 1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=%u,group_id=%u", fd, getuid(), getgid());
	if (mount("overlay-fuse-rt", argv[1], "fuse.overlay-fuse-rt", MS_NOSUID | MS_NODEV, opts) < 0) {
		perror("overlay-fuse-rt: mount");
		return 1;
	}
	if (pipe(p) < 0)
		return 1;
	pid_t pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		close(fd);
		client(argv[1], n, p[1]);
	}
	close(p[1]);
	for (;;) {
		ssize_t r = read(fd, req, sizeof(req));
		if (r < (ssize_t)sizeof(struct fuse_in_header))
			break;
		const struct fuse_in_header *h = (const void *)req;
		int bad = 0;
		if (h->opcode == FUSE_INIT) {
			struct fuse_init_out o = { .major = FUSE_KERNEL_VERSION,
						   .minor = 31,
						   .max_write = 65536 };
			bad = reply(fd, h->unique, 0, &o, sizeof(o));
		} else if (h->opcode == FUSE_LOOKUP && strcmp(req + sizeof(*h), "f") != 0) {
			reply(fd, h->unique, -ENOENT, NULL, 0);
			break;
		} else if (h->opcode == FUSE_LOOKUP) {
			struct fuse_entry_out e = { .nodeid = 2, .generation = 1 }; /* timeouts 0 */
			fill_attr(&e.attr, 2);
			bad = reply(fd, h->unique, 0, &e, sizeof(e));
		} else if (h->opcode == FUSE_GETATTR) {
			struct fuse_attr_out o = { 0 };
			fill_attr(&o.attr, h->nodeid);
			bad = reply(fd, h->unique, 0, &o, sizeof(o));
		} else if (h->opcode != FUSE_FORGET && h->opcode != FUSE_BATCH_FORGET) {
			bad = reply(fd, h->unique, -ENOSYS, NULL, 0);
		}
		if (bad)
			break;
	}
	/* Closing the device aborts the connection: a client still waiting gets ENOTCONN. */
	close(fd);
	waitpid(pid, &status, 0);
	umount2(argv[1], MNT_DETACH);
	ssize_t len = read(p[0], line, sizeof(line) - 1);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len <= 0) {
		fprintf(stderr, "overlay-fuse-rt: the client failed\n");
		return 1;
	}
	line[len] = '\0';
	fputs(line, stdout);
	return 0;
}
