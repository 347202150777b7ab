/* A growable string: appended to, always NUL-terminated, owned by the caller (free(b.s)).
 * The profile lexer's words and the firejail translator's output are built in one. Pure; any
 * process. */
#pragma once

#include <stddef.h>

struct strbuf {
	char *s; /* NULL until the first append */
	size_t len, cap;
};

/* Append n bytes of s (which may hold NULs); amortized O(n). Returns 0 or -ENOMEM (b as it
 * was). */
int strbuf_add(struct strbuf *b, const char *s, size_t n);

/* Append the string s. */
int strbuf_puts(struct strbuf *b, const char *s);
