/* JSON text hutch writes: the sandbox's record, --info-fd, `hutch list --json`, `hutch changes
 * --json`, `hutch doctor --json` and the --report lines. Strings may hold any byte (a file
 * name from the sandbox): the output is UTF-8 and valid JSON whatever they hold. Pure; any
 * process. */
#pragma once

#include <stddef.h>
#include <stdio.h>

/* What a byte of invalid UTF-8 becomes. */
enum json_invalid {
	/* the lone surrogate \udcXX (XX the byte, as Python's surrogateescape reads it): a name's
	 * bytes can be told back exactly (state-read.c's reader does) */
	JSON_INVALID_SURROGATE,
	/* U+FFFD, which every JSON reader takes (the --report lines, read by people and jq) */
	JSON_INVALID_REPLACE,
};

/* s as the inside of a JSON string (no quotes) into buf (always terminated; an escape is never
 * cut: what does not fit is left out): '"' and '\\' escaped, C0 and C1 controls and DEL as
 * \u00XX, other valid UTF-8 as it is, invalid UTF-8 as how says. NULL is the empty string.
 * Returns the length written. */
size_t json_escape_into(const char *s, enum json_invalid how, char *buf, size_t size);

/* The same, whole, to out, with JSON_INVALID_SURROGATE. */
void json_write_escaped(FILE *out, const char *s);

/* "s", quoted. */
void json_write_string(FILE *out, const char *s);

/* ["a", "b"]: a string vector (NULL is the empty array). */
void json_write_strv(FILE *out, char **v);
