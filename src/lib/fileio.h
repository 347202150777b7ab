/* Whole-file reads and writes: a file read into memory, a small kernel file (/proc, /sys,
 * cgroupfs) read into a buffer, a string written whole. Any process; knows no config. */
#pragma once

#include <stddef.h>

/* Read fd until end of file (EINTR retried) or until more than max bytes are in: at most
 * max + 1 bytes, NUL-terminated, in *ret (free it), their count in *ret_len, so that a caller
 * tells a file too large by *ret_len > max and still sees where it went over. 0 or -errno. */
int fileio_read_fd(int fd, size_t max, char **ret, size_t *ret_len);

/* path (relative to dirfd; AT_FDCWD, or absolute) opened read-only (O_CLOEXEC, O_NOCTTY)
 * and read whole, NUL-terminated; ret_len may be NULL. -EFBIG when it holds more than max
 * bytes (nothing is returned then). */
int fileio_read_file_at(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* The start of a small file (one read(2) of at most size - 1 bytes, as /proc and cgroupfs
 * files are read), NUL-terminated in buf. Returns the length read, or -errno. */
int fileio_read_small_at(int dirfd, const char *path, char *buf, size_t size);

/* Write all of s to fd (EINTR retried, short writes continued). 0 or -errno. */
int fileio_write_all(int fd, const void *s, size_t len);

/* Open an existing path (relative to dirfd) write-only and write the string s whole: kernel
 * files such as /proc/PID/uid_map or a cgroup's memory.max. 0 or -errno. */
int fileio_write_file_at(int dirfd, const char *path, const char *s);
