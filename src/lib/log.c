/* --verbose notes (see log.h). Launcher side. Each line is formatted first and written with
 * one write(2): the command shares our stderr, and a line written in pieces would interleave
 * with what it prints meanwhile. */
#include "lib/log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/escape.h"

static void log_line(const char *prefix, const char *fmt, va_list ap)
{
	char line[2048], raw[2048];
	size_t n = (size_t)snprintf(line, sizeof(line), "%s", prefix);

	/* a note carries names and paths from the profile, the command line and the sandbox */
	if (vsnprintf(raw, sizeof(raw), fmt, ap) < 0)
		return;
	escape_into(raw, line + n, sizeof(line) - n);
	n += strlen(line + n);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2; /* truncated: still one line */
	line[n++] = '\n';
	fflush(stderr);
	while (write(STDERR_FILENO, line, n) < 0 && errno == EINTR)
		;
}

void log_verbose(bool enabled, const char *fmt, ...)
{
	va_list ap;

	if (!enabled)
		return;
	va_start(ap, fmt);
	log_line("hutch: ", fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("hutch: warning: ", fmt, ap);
	va_end(ap);
}
