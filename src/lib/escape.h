/* The one way a string that the sandbox or the user controls (a file name, a sandbox name, a
 * profile path, a command line) reaches a human: control characters, terminal escape sequences,
 * invisible or reordering Unicode and invalid UTF-8 are shown visibly, so nothing printed can
 * add a line, move the cursor or hide text. Pure; any process. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Room for the visible form of a PATH_MAX string (each byte at most 4 characters). */
#define ESCAPE_MAX (4 * 4096 + 8)

/* The visible form of s in buf (size > 4 bytes, always terminated): printable ASCII and valid
 * UTF-8 as they are; a backslash doubled; \a \b \t \n \v \f \r; other C0 controls, DEL and
 * each byte of invalid UTF-8 as \xHH; C1 controls, bidirectional overrides, zero-width and
 * line/paragraph separators as \uHHHH. An escape is never cut: a form too long ends in "...".
 * Returns buf. NULL prints as "(null)". */
const char *escape_into(const char *s, char *buf, size_t size);

/* The same, allocated (free() it); NULL on ENOMEM. */
char *escape_string(const char *s);

/* The same, written to out. */
void escape_fputs(const char *s, FILE *out);

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF), 0 when invalid; its code point in *ret_cp. (JSON's writer uses it too.) */
size_t escape_utf8_sequence(const unsigned char *p, uint32_t *ret_cp);

/* For a printf argument: the escaped copy lives until the end of the enclosing block. */
#define ESC(s) escape_into((s), (char[ESCAPE_MAX]){ 0 }, ESCAPE_MAX)
