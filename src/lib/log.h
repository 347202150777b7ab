/* Informational lines under --verbose ("hutch: id map: single (…)"). Fatal errors are never
 * printed here: they travel up as struct failure and main() prints them once. Launcher side. */
#pragma once

#include <stdbool.h>

#include "lib/macro.h"

void log_verbose(bool enabled, const char *fmt, ...) _printf_(2, 3);

/* A warning: printed whatever --verbose says ("hutch: warning: …"). */
void log_warning(const char *fmt, ...) _printf_(1, 2);
