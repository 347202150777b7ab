/* Unit tests of fileio.c, the one whole-file reader and writer: a file at, under and over the
 * limit (the over-long read still shows where it went over), a pipe read to its end, a small
 * read into a buffer, writes that replace nothing and create nothing. No privileges: files in
 * a temporary directory of the test's own. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "tap.h"

static char dir[] = "/tmp/hutch-test-fileio-XXXXXX";

static void put(const char *name, const char *text, size_t len)
{
	int fd = openat(AT_FDCWD, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd >= 0) {
		if (write(fd, text, len) != (ssize_t)len)
			perror("write");
		close(fd);
	}
}

static void test_read(void)
{
	char *buf = NULL, small[8];
	size_t len = 0;
	int fd;

	put("ten", "0123456789", 10);
	TAP_OK(fileio_read_file_at(AT_FDCWD, "ten", 10, &buf, &len) == 0 && len == 10 &&
		   !strcmp(buf, "0123456789"),
	       "a file of exactly max bytes, terminated");
	free(buf);
	buf = NULL;
	TAP_OK(fileio_read_file_at(AT_FDCWD, "ten", 9, &buf, &len) == -EFBIG && !buf,
	       "one byte over: -EFBIG");
	TAP_OK(fileio_read_file_at(AT_FDCWD, "missing", 9, &buf, NULL) == -ENOENT, "a missing file: -ENOENT");
	fd = open("ten", O_RDONLY | O_CLOEXEC);
	TAP_OK(fd >= 0 && fileio_read_fd(fd, 4, &buf, &len) == 0 && len == 5 && !strcmp(buf, "01234"),
	       "fileio_read_fd stops one byte past max and keeps what it read");
	free(buf);
	close(fd);
	int p[2];
	TAP_OK(pipe2(p, O_CLOEXEC) == 0, "a pipe");
	for (int i = 0; i < 3000; i++)
		if (write(p[1], "abc", 3) != 3)
			break;
	close(p[1]);
	TAP_OK(fileio_read_fd(p[0], 1 << 20, &buf, &len) == 0 && len == 9000 &&
		   !strncmp(buf + 8997, "abc", 4),
	       "a pipe read to its end across reallocations");
	free(buf);
	close(p[0]);
	TAP_OK(fileio_read_small_at(AT_FDCWD, "ten", small, sizeof(small)) == 7 && !strcmp(small, "0123456"),
	       "a small read fills the buffer, terminated");
}

static void test_write(void)
{
	char *buf = NULL;

	put("w", "old text", 8);
	TAP_OK(fileio_write_file_at(AT_FDCWD, "w", "new") == 0, "write an existing file");
	TAP_OK(fileio_read_file_at(AT_FDCWD, "w", 100, &buf, NULL) == 0 && !strcmp(buf, "new text"),
	       "written over its start, not truncated (as kernel files take it)");
	free(buf);
	TAP_OK(fileio_write_file_at(AT_FDCWD, "absent", "x") == -ENOENT && access("absent", F_OK) < 0,
	       "a missing file is not created");
}

int main(void)
{
	if (!mkdtemp(dir) || chdir(dir) < 0) {
		printf("1..0 # SKIP no temporary directory\n");
		return 0;
	}
	test_read();
	test_write();
	unlink("ten");
	unlink("w");
	if (chdir("/") == 0)
		rmdir(dir);
	return tap_done();
}
