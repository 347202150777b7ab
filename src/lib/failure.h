/* The error carrier: a failing step records {stage, detail, errno} here and returns -errno.
 * Filled in any process; the child sends it over the sync channel, and only main() prints it. */
#pragma once

#include <stddef.h>

#include "lib/macro.h"

#define FAILURE_STAGE_MAX  32
#define FAILURE_DETAIL_MAX 480

struct failure {
	int err; /* positive errno, 0 when the detail says it all */
	char stage[FAILURE_STAGE_MAX];
	char detail[FAILURE_DETAIL_MAX];
};

/* Record the failure and return err (a -errno value, or a negative status). */
int fail(struct failure *f, int err, const char *stage, const char *fmt, ...) _printf_(4, 5);

/* The same for a usage error that has no errno: prints no strerror, returns -EINVAL. */
int failx(struct failure *f, const char *stage, const char *fmt, ...) _printf_(3, 4);

/* "stage: detail: strerror" (each part only when present), for main() to print. */
void failure_format(const struct failure *f, char *buf, size_t size);
