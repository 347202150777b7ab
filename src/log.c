/* --verbose notes (see log.h). Launcher side. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

void log_verbose(bool enabled, const char *fmt, ...)
{
	va_list ap;

	if (!enabled)
		return;
	fputs("hutch: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	fputs("hutch: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
