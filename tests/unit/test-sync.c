/* Unit tests of the sync channel (sync.c) over a real socketpair: every message type with its
 * value and payload, file descriptors passed with SCM_RIGHTS, an ERROR carrying a struct
 * failure, sync_expect's "expected X, got Y", EOF, and what the receiver refuses. No
 * privileges. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/failure.h"
#include "lib/sync.h"
#include "tap.h"

static int fd_is_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl >= 0 && (fl & FD_CLOEXEC);
}

static void test_pair(int sv[2])
{
	int type = 0;
	socklen_t len = sizeof(type);

	TAP_OK(sync_pair(sv) == 0, "sync_pair makes a socketpair");
	TAP_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_SEQPACKET,
	       "it is SOCK_SEQPACKET (message boundaries kept)");
	TAP_OK(fd_is_cloexec(sv[0]) && fd_is_cloexec(sv[1]), "both ends are CLOEXEC");
}

static void test_names(void)
{
	for (uint32_t t = SYNC_NONE + 1; t < SYNC_TYPE_MAX; t++) {
		const char *n = sync_type_name(t);
		int unique = n && strcmp(n, "unknown") != 0;
		for (uint32_t u = SYNC_NONE; u < t && unique; u++)
			unique = strcmp(n, sync_type_name(u)) != 0;
		TAP_OK(unique, "type %u has a name of its own (%s)", t, n ? n : "(null)");
	}
	TAP_STREQ(sync_type_name(SYNC_NONE), "EOF", "type 0 reads as EOF");
	TAP_STREQ(sync_type_name(SYNC_TYPE_MAX), "unknown", "past the last type: unknown");
}

/* Each type but ERROR (tested with its failure below) goes through with its value and a
 * payload whose bytes depend on the type, and comes out as sent; sync_expect agrees. */
static void test_every_type(int sv[2])
{
	for (uint32_t t = SYNC_NONE + 1; t < SYNC_TYPE_MAX; t++) {
		char out[64], *in = NULL;
		struct sync_msg m = { 0 };
		size_t len = t % 3 == 0 ? 0 : 16 + t;
		int32_t value = -1000 * (int32_t)t - 7;
		int r;

		if (t == SYNC_ERROR)
			continue;
		for (size_t i = 0; i < len; i++)
			out[i] = (char)(t * 31 + i);
		r = sync_send(sv[0], t, value, out, len, NULL, 0);
		TAP_OK(r == 0, "%s: sent (%d)", sync_type_name(t), r);
		r = sync_recv(sv[1], &m, (void **)&in, NULL, NULL);
		TAP_OK(r == (int)t && m.type == t && m.value == value && m.len == len &&
			   memcmp(in, out, len) == 0,
		       "%s: received with value %d and %zu payload bytes intact", sync_type_name(t), value,
		       len);
		free(in);

		/* the other way, through sync_expect */
		struct failure f = { 0 };
		int32_t got_value = 0;
		size_t got_len = 99;
		in = NULL;
		sync_send(sv[1], t, value, out, len, NULL, 0);
		r = sync_expect(sv[0], t, &got_value, (void **)&in, &got_len, &f);
		TAP_OK(r == 0 && got_value == value && got_len == len && in && memcmp(in, out, len) == 0,
		       "%s: sync_expect returns its value and payload", sync_type_name(t));
		free(in);
	}
}

/* A payload of the largest size passes; one byte more, or too many fds, is refused by the
 * sender before anything is written. */
static void test_limits(int sv[2])
{
	char *big = malloc(SYNC_MAX_PAYLOAD + 1);
	void *in = NULL;
	struct sync_msg m = { 0 };
	int fds[SYNC_MAX_FDS + 1];

	memset(big, 'x', SYNC_MAX_PAYLOAD + 1);
	big[SYNC_MAX_PAYLOAD - 1] = 'y';
	int r = sync_send(sv[0], SYNC_SECCOMP, 0, big, SYNC_MAX_PAYLOAD, NULL, 0);
	TAP_OK(r == 0, "a payload of SYNC_MAX_PAYLOAD bytes is sent (%d)", r);
	TAP_OK(r == 0 && sync_recv(sv[1], &m, &in, NULL, NULL) == SYNC_SECCOMP && m.len == SYNC_MAX_PAYLOAD &&
		   ((char *)in)[SYNC_MAX_PAYLOAD - 1] == 'y',
	       "and received whole");
	free(in);
	TAP_OK(sync_send(sv[0], SYNC_SECCOMP, 0, big, SYNC_MAX_PAYLOAD + 1, NULL, 0) == -EMSGSIZE,
	       "one byte more is -EMSGSIZE");
	for (size_t i = 0; i < SYNC_MAX_FDS + 1; i++)
		fds[i] = 0;
	TAP_OK(sync_send(sv[0], SYNC_FDS, 0, NULL, 0, fds, SYNC_MAX_FDS + 1) == -EMSGSIZE,
	       "more than SYNC_MAX_FDS fds is -EMSGSIZE");
	free(big);
}

/* fds cross with SCM_RIGHTS: each arrives as a new CLOEXEC descriptor of the same pipe. */
static void test_fds(int sv[2])
{
	int pipes[SYNC_MAX_FDS][2], w[SYNC_MAX_FDS], got[SYNC_MAX_FDS];
	size_t n = 0;
	struct sync_msg m = { 0 };
	int same = 1, cloexec = 1;

	for (size_t i = 0; i < SYNC_MAX_FDS; i++) {
		if (pipe2(pipes[i], O_CLOEXEC) < 0)
			abort();
		w[i] = pipes[i][1];
	}
	TAP_OK(sync_send(sv[1], SYNC_FDS, 3, NULL, 0, w, SYNC_MAX_FDS) == 0, "FDS with %d fds sent",
	       SYNC_MAX_FDS);
	TAP_OK(sync_recv(sv[0], &m, NULL, got, &n) == SYNC_FDS && n == SYNC_MAX_FDS && m.value == 3,
	       "FDS received with %zu fds", n);
	for (size_t i = 0; i < n; i++) {
		char c = 0;
		cloexec &= fd_is_cloexec(got[i]);
		same &=
		    got[i] != w[i] && write(got[i], "k", 1) == 1 && read(pipes[i][0], &c, 1) == 1 && c == 'k';
		close(got[i]);
	}
	TAP_OK(cloexec, "every received fd is CLOEXEC (MSG_CMSG_CLOEXEC)");
	TAP_OK(same, "every received fd is a new descriptor of the pipe that was sent");

	/* NOTIFY_FD: one fd, as the command sends its seccomp listener */
	TAP_OK(sync_send(sv[1], SYNC_NOTIFY_FD, 0, NULL, 0, &w[0], 1) == 0 &&
		   sync_recv(sv[0], &m, NULL, got, &n) == SYNC_NOTIFY_FD && n == 1,
	       "NOTIFY_FD carries one fd");
	if (n == 1)
		close(got[0]);

	/* A receiver that asks for no fds gets none left open: once the sender's copy is closed
	 * too, the pipe's read end sees EOF. */
	TAP_OK(sync_send(sv[1], SYNC_PID1, 42, NULL, 0, &w[1], 1) == 0, "PID1 with a pidfd-like fd sent");
	close(w[1]);
	TAP_OK(sync_recv(sv[0], &m, NULL, NULL, NULL) == SYNC_PID1 && m.value == 42,
	       "received by a caller that takes no fds");
	char c;
	TAP_OK(read(pipes[1][0], &c, 1) == 0, "the fd it did not take was closed (the pipe sees EOF)");
	for (size_t i = 0; i < SYNC_MAX_FDS; i++) {
		close(pipes[i][0]);
		if (i != 1)
			close(pipes[i][1]);
	}
}

/* ERROR carries a whole struct failure; sync_expect, waiting for something else, hands it to
 * its caller as the failure and returns its -errno. */
static void test_error(int sv[2])
{
	struct failure sent = { 0 }, got = { 0 };
	struct sync_msg m = { 0 };
	void *in = NULL;
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 64];

	fail(&sent, -ENOENT, "mount", "bind %s", "/nonexistent");
	TAP_OK(sync_send_error(sv[1], &sent) == 0, "ERROR sent");
	TAP_OK(sync_recv(sv[0], &m, &in, NULL, NULL) == SYNC_ERROR && m.value == ENOENT &&
		   m.len == sizeof(struct failure) && memcmp(in, &sent, sizeof(sent)) == 0,
	       "ERROR received: value is the errno, payload the struct failure");
	free(in);

	sync_send_error(sv[1], &sent);
	TAP_OK(sync_expect(sv[0], SYNC_SECCOMP, NULL, NULL, NULL, &got) == -ENOENT,
	       "sync_expect(SECCOMP) meets ERROR: returns its -errno");
	failure_format(&got, line, sizeof(line));
	TAP_STREQ(line, "mount: bind /nonexistent: No such file or directory",
		  "the failure comes through whole");

	/* A failure without an errno (failx) still fails, as -EIO. */
	failx(&sent, "--bind", "no such source");
	sync_send_error(sv[1], &sent);
	TAP_OK(sync_expect(sv[0], SYNC_USERMAP_ACK, NULL, NULL, NULL, &got) == -EIO,
	       "an ERROR without errno is -EIO");

	/* Unterminated strings from the peer are cut, not overrun. */
	memset(&sent, 'A', sizeof(sent));
	sent.err = EPERM;
	sync_send(sv[1], SYNC_ERROR, EPERM, &sent, sizeof(sent), NULL, 0);
	TAP_OK(sync_expect(sv[0], SYNC_PID1, NULL, NULL, NULL, &got) == -EPERM &&
		   strlen(got.stage) == FAILURE_STAGE_MAX - 1 && strlen(got.detail) == FAILURE_DETAIL_MAX - 1,
	       "a failure with unterminated strings is terminated on receipt");
}

static void test_expect_mismatch(int sv[2])
{
	struct failure f = { 0 };
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 64];

	sync_send(sv[1], SYNC_PID1, 7, NULL, 0, NULL, 0);
	TAP_OK(sync_expect(sv[0], SYNC_USERMAP_ACK, NULL, NULL, NULL, &f) == -EINVAL,
	       "sync_expect refuses another type");
	failure_format(&f, line, sizeof(line));
	TAP_STREQ(line, "sync: expected USERMAP_ACK, got PID1", "and says what it expected and got");
}

/* Messages that are not ours: too short, a length that disagrees, an unknown type. */
static void test_malformed(int sv[2])
{
	struct sync_msg m = { 0 }, h;
	char raw[sizeof(h) + 4] = { 0 };

	TAP_OK(send(sv[1], "abc", 3, 0) == 3 && sync_recv(sv[0], &m, NULL, NULL, NULL) == -EBADMSG,
	       "a message shorter than the header is -EBADMSG");
	h = (struct sync_msg){ .type = SYNC_INFO, .len = 8 };
	memcpy(raw, &h, sizeof(h));
	TAP_OK(send(sv[1], raw, sizeof(raw), 0) == (ssize_t)sizeof(raw) &&
		   sync_recv(sv[0], &m, NULL, NULL, NULL) == -EBADMSG,
	       "a length that disagrees with the message is -EBADMSG");
	h = (struct sync_msg){ .type = SYNC_TYPE_MAX };
	TAP_OK(send(sv[1], &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
		   sync_recv(sv[0], &m, NULL, NULL, NULL) == -EBADMSG,
	       "an unknown type is -EBADMSG");
	h = (struct sync_msg){ .type = SYNC_NONE };
	TAP_OK(send(sv[1], &h, sizeof(h), 0) == (ssize_t)sizeof(h) &&
		   sync_recv(sv[0], &m, NULL, NULL, NULL) == -EBADMSG,
	       "type 0 on the wire is -EBADMSG, not EOF");
}

/* As in a start that fails: a child sends its ERROR and exits; the launcher reads the ERROR,
 * then EOF; sync_expect at EOF says it got EOF. */
static void test_child_fails(void)
{
	int sv[2];
	struct failure f = { 0 };
	struct sync_msg m = { 0 };
	char line[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 64];
	pid_t pid;

	if (sync_pair(sv) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		fail(&f, -EACCES, "pivot_root", NULL);
		_exit(sync_send_error(sv[1], &f) == 0 ? 0 : 1);
	}
	close(sv[1]);
	waitpid(pid, NULL, 0);
	TAP_OK(sync_expect(sv[0], SYNC_SECCOMP, NULL, NULL, NULL, &f) == -EACCES &&
		   strcmp(f.stage, "pivot_root") == 0,
	       "a child's ERROR outlives the child");
	TAP_OK(sync_recv(sv[0], &m, NULL, NULL, NULL) == 0, "then EOF: sync_recv returns 0");
	f = (struct failure){ 0 };
	TAP_OK(sync_expect(sv[0], SYNC_SECCOMP, NULL, NULL, NULL, &f) < 0, "sync_expect at EOF fails");
	failure_format(&f, line, sizeof(line));
	TAP_STREQ(line, "sync: expected SECCOMP, got EOF", "and names EOF");
	close(sv[0]);
}

/* sync_failure, the one decoder of ERROR: a well-formed one only, its strings cut. */
static void test_failure_decode(void)
{
	struct failure sent, got = { 0 };
	struct sync_msg m = { .type = SYNC_ERROR, .value = 0, .len = sizeof(sent) };

	memset(&sent, 'x', sizeof(sent));
	sent.err = EACCES;
	TAP_OK(sync_failure(&m, &sent, &got) == -EACCES && strlen(got.stage) == FAILURE_STAGE_MAX - 1 &&
		   strlen(got.detail) == FAILURE_DETAIL_MAX - 1,
	       "sync_failure: the errno, and unterminated strings cut at their bounds");
	sent.err = 0;
	TAP_OK(sync_failure(&m, &sent, &got) == -EIO, "sync_failure: a failure without an errno is -EIO");
	m.len = sizeof(sent) - 1;
	got.err = 99;
	TAP_OK(sync_failure(&m, &sent, &got) == 0 && got.err == 99,
	       "sync_failure: a short ERROR is none, f untouched");
	m = (struct sync_msg){ .type = SYNC_INFO, .len = sizeof(sent) };
	TAP_OK(sync_failure(&m, &sent, &got) == 0 && got.err == 99, "sync_failure: another type is none");
}

int main(void)
{
	int sv[2];

	alarm(30); /* a message that never comes must fail the test, not hang it */
	test_pair(sv);
	test_names();
	test_every_type(sv);
	test_limits(sv);
	test_fds(sv);
	test_error(sv);
	test_expect_mismatch(sv);
	test_malformed(sv);
	close(sv[0]);
	close(sv[1]);
	test_child_fails();
	test_failure_decode();
	return tap_done();
}
