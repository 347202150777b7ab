/* Unit tests: a sandbox's record (src/launcher/state.c, state_read) as `hutch list`, `join` and
 * `stop` read it. A process of the same user can rewrite the file: a record that is huge,
 * nested deep, of the wrong types or not JSON is refused with -EBADMSG/-EFBIG and a message,
 * never a crash; bytes that are not UTF-8 come back exactly as the launcher escaped them. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/state.h"
#include "lib/failure.h"
#include "lib/strv.h"
#include "tap.h"

static char root[] = "/tmp/hutch-test-state.XXXXXX";
static int dir_fd = -1;

#define GOOD_HEAD "{\"name\": \"sb\", \"launcher-pid\": 12, \"launcher-start-time\": 345, \"pid1\": 13"

static void put(const char *text, size_t len)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/sb", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sb/info.json", root);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		abort();
	close(fd);
}

/* state_read of text: its return; *rec filled when 0. */
static int read_text(const char *text, size_t len, struct state_record *rec)
{
	struct failure f = { 0 };
	int r;

	put(text, len);
	*rec = (struct state_record){ 0 };
	r = state_read(dir_fd, "sb", rec, &f);
	if (r < 0 && !f.stage[0])
		return -1000; /* a refusal must say why */
	return r;
}

static void test_good(void)
{
	static const char text[] = GOOD_HEAD
	    ", \"uid\": 1000, \"started\": -5,\n"
	    " \"command\": [\"sh\", \"a\\udcffb\", \"\\u00e9\\ud83d\\ude00\\n\\\"\", \"raw\xff\"],\n"
	    " \"hutch-argv\": [], \"profile\": \"\", \"net-namespace\": 18446744073709551615,\n"
	    " \"later\": {\"x\": [1, 2.5e3, true, null, {\"y\": [[[[]]]]}]}, \"uid\": 1001}\n";
	struct state_record r;

	TAP_OK(read_text(text, strlen(text), &r) == 0, "a record with every field and an unknown one");
	TAP_STREQ(r.name, "sb", "name");
	TAP_OK(r.launcher_pid == 12 && r.pid1 == 13 && r.launcher_start_time == 345, "the pids");
	TAP_OK(r.uid == 1001, "a repeated member: the last one counts");
	TAP_OK(r.started == -5, "started may be negative");
	TAP_OK(strv_length(r.command) == 4, "the command's four words");
	TAP_STREQ(r.command ? r.command[1] : NULL,
		  "a\xff"
		  "b",
		  "\\udcff: the byte that was not UTF-8");
	TAP_STREQ(r.command ? r.command[2] : NULL, "\xc3\xa9\xf0\x9f\x98\x80\n\"", "escapes and a pair");
	TAP_STREQ(r.command ? r.command[3] : NULL, "raw\xff", "a raw byte that is not UTF-8");
	TAP_OK(r.hutch_argv && !r.hutch_argv[0], "an empty list");
	TAP_OK(r.ns[3] == 18446744073709551615ULL, "a namespace inode up to 2^64-1");
	state_record_free(&r);
}

static void test_bad(void)
{
	static const char *const bad[] = {
		"",
		"[]",
		"{}",
		"{\"name\": \"sb\"}",
		GOOD_HEAD,
		GOOD_HEAD "} x",
		GOOD_HEAD ",}",
		GOOD_HEAD ", \"launcher-pid\": \"12\"}",
		GOOD_HEAD ", \"pid1\": 0}",
		GOOD_HEAD ", \"pid1\": 2147483648}",
		GOOD_HEAD ", \"pid1\": 1.5}",
		GOOD_HEAD ", \"uid\": 4294967295}",
		GOOD_HEAD ", \"uid\": -1}",
		GOOD_HEAD ", \"command\": \"sh\"}",
		GOOD_HEAD ", \"command\": [\"sh\", 1]}",
		GOOD_HEAD ", \"profile\": null}",
		GOOD_HEAD ", \"name\": 5}",
		GOOD_HEAD ", \"name\": \"other\"}",
		GOOD_HEAD ", \"command\": [\"\\udc7f\"]}",
		GOOD_HEAD ", \"command\": [\"\\ud800\"]}",
		GOOD_HEAD ", \"command\": [\"\\u0000\"]}",
		GOOD_HEAD ", \"command\": [\"a\tb\"]}",
		GOOD_HEAD ", \"later\": [1 2]}",
		GOOD_HEAD ", \"later\": nul}",
	};
	struct state_record r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int e = read_text(bad[i], strlen(bad[i]), &r);
		bool head = strncmp(bad[i], GOOD_HEAD, strlen(GOOD_HEAD)) == 0;
		TAP_OK(e == -EBADMSG, "refused (%d): %s%.60s", e, head ? "GOOD_HEAD" : "",
		       bad[i] + (head ? strlen(GOOD_HEAD) : 0));
		if (e == 0)
			state_record_free(&r);
	}
}

static void test_hostile(void)
{
	static const char nul[] = GOOD_HEAD ", \"profile\": \"a\0b\"}";
	size_t n = 300 * 1024;
	char *big = malloc(n + 64);
	struct state_record r;
	int e;

	TAP_OK(read_text(nul, sizeof(nul) - 1, &r) == -EBADMSG, "a NUL byte in the file");
	/* deep enough to exhaust a reader without a bound */
	snprintf(big, n, GOOD_HEAD ", \"later\": ");
	size_t at = strlen(big);
	memset(big + at, '[', 100000);
	memset(big + at + 100000, ']', 100000);
	strcpy(big + at + 200000, "}");
	TAP_OK(read_text(big, strlen(big), &r) == -EBADMSG, "nested 100000 deep");
	memset(big, ' ', n);
	memcpy(big, GOOD_HEAD "}", strlen(GOOD_HEAD "}"));
	e = read_text(big, n, &r);
	TAP_OK(e == -EFBIG, "over 256 KiB: refused unread (%d)", e);
	if (e == 0)
		state_record_free(&r);
	free(big);
	put("x", 1);
	e = read_text(GOOD_HEAD "}", strlen(GOOD_HEAD "}"), &r);
	TAP_OK(e == 0, "the same record in a small file reads (%d)", e);
	if (e == 0)
		state_record_free(&r);
}

int main(void)
{
	char path[128];

	if (!mkdtemp(root) || (dir_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return 1;
	test_good();
	test_bad();
	test_hostile();
	snprintf(path, sizeof(path), "%s/sb/info.json", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sb", root);
	rmdir(path);
	rmdir(root);
	return tap_done();
}
