/* The sync channel between the launcher and its children: one SOCK_SEQPACKET socketpair,
 * named messages (each read is checked against the one expected), a failure {stage, errno,
 * detail} carried back to the launcher, and file descriptors passed with SCM_RIGHTS.
 * Used in the launcher and in every child process until execve (the fds are CLOEXEC).
 * docs/architecture.md describes each message in the order of a start. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct failure;

enum sync_type {
	SYNC_NONE = 0,
	SYNC_USERMAP_ACK, /* launcher → pid 1: the id maps are written */
	SYNC_SECCOMP,	  /* launcher → command: the compiled filter (payload: sock_filter[]) */
	SYNC_PID1,	  /* first child → launcher: pid 1's pid (value) and pidfd (SCM_RIGHTS) */
	SYNC_NET_READY,	  /* launcher → command: networking is ready */
	SYNC_FDS,	  /* pid 1 → launcher: the egress sockets opened inside (SCM_RIGHTS) */
	SYNC_ERROR,	  /* any child → launcher: payload struct failure */
	SYNC_INFO,	  /* pid 1 or command → launcher: a note for --verbose (payload: text) */
	SYNC_NOTIFY_FD,	  /* command → launcher: the seccomp filter's listener (SCM_RIGHTS) */
	SYNC_EXIT,	  /* pid 1 → launcher: the command's exit code (value); the sandbox is empty */
	SYNC_TAP,	  /* pid 1 → launcher (direct start): net_make_tap's result (value) */
	SYNC_COMMAND_PID, /* join's entering process → joiner: the command's pid (value), pidfd */
	SYNC_TYPE_MAX,
};

/* The largest payload is a seccomp program: BPF_MAXINSNS (4096) instructions of 8 bytes, 32 KiB.
 * A SEQPACKET message must fit the socket's send buffer whole (net.core.wmem_default, 208 KiB
 * by default), so the limit stays well below that: a larger one could never be sent. */
#define SYNC_MAX_PAYLOAD (64 * 1024)
#define SYNC_MAX_FDS	 8

struct sync_msg {
	uint32_t type;
	int32_t value;
	uint32_t len; /* payload bytes that follow */
};

const char *sync_type_name(uint32_t t);

/* A CLOEXEC SOCK_SEQPACKET pair: [0] the launcher's end, [1] the children's. */
int sync_pair(int fds[2]);

int sync_send(int fd, enum sync_type t, int32_t value, const void *payload, size_t len, const int *fds,
	      size_t nfds);
int sync_send_error(int fd, const struct failure *fl);

/* The failure an ERROR message carries, copied into f with its strings cut to their bounds:
 * returns its -errno (-EIO when it names none). 0 when m is no well-formed ERROR. Every reader
 * of the channel decodes ERROR through this, so a failure reads the same wherever it arrives. */
int sync_failure(const struct sync_msg *m, const void *payload, struct failure *f);

/* Receive one message; the payload (up to cap bytes) is malloc'ed into *ret_payload when
 * ret_payload is given. Returns the type, 0 at EOF, or -errno. */
int sync_recv(int fd, struct sync_msg *ret, void **ret_payload, int *ret_fds, size_t *ret_nfds);

/* Receive and insist on `want`; an ERROR from the peer is copied into f and returned as its
 * -errno; anything else fails with "expected X, got Y". */
int sync_expect(int fd, enum sync_type want, int32_t *ret_value, void **ret_payload, size_t *ret_len,
		struct failure *f);
