/* The error carrier (see failure.h). Pure; used by the launcher and by every child process. */
#include "lib/failure.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int fail(struct failure *f, int err, const char *stage, const char *fmt, ...)
{
	if (!f)
		return err;
	f->err = err < 0 ? -err : 0;
	snprintf(f->stage, sizeof(f->stage), "%s", stage ? stage : "");
	f->detail[0] = '\0';
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
		va_end(ap);
	}
	return err < 0 ? err : -EINVAL;
}

int failx(struct failure *f, const char *stage, const char *fmt, ...)
{
	va_list ap;

	if (!f)
		return -EINVAL;
	f->err = 0;
	snprintf(f->stage, sizeof(f->stage), "%s", stage ? stage : "");
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void failure_format(const struct failure *f, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (f->stage[0])
		n += (size_t)snprintf(buf + n, size - n, "%s", f->stage);
	if (f->detail[0] && n < size)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ": " : "", f->detail);
	if (f->err && n < size)
		snprintf(buf + n, size - n, "%s%s", n ? ": " : "", strerror(f->err));
}
