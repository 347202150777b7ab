/* Unit tests of strbuf.c, the growable string of the profile lexer and the firejail
 * translator: appends across many reallocations, embedded NULs, an empty append. No
 * privileges. */
#include <stdlib.h>
#include <string.h>

#include "lib/strbuf.h"
#include "tap.h"

int main(void)
{
	struct strbuf b = { 0 };
	int ok = 1;

	TAP_OK(strbuf_add(&b, "", 0) == 0 && b.s && b.s[0] == '\0' && b.len == 0,
	       "an empty append gives an empty string, not NULL");
	for (int i = 0; i < 10000; i++)
		ok = ok && strbuf_puts(&b, i % 2 ? "ab" : "c") == 0;
	TAP_OK(ok && b.len == 15000 && strlen(b.s) == 15000 && b.cap > b.len,
	       "15000 bytes after 10000 appends");
	TAP_OK(!strncmp(b.s, "cabcab", 6) && !strcmp(b.s + b.len - 3, "cab"), "in order, terminated");
	free(b.s);
	b = (struct strbuf){ 0 };
	TAP_OK(strbuf_add(&b, "a\0b", 3) == 0 && b.len == 3 && !memcmp(b.s, "a\0b", 4),
	       "bytes after a NUL are kept, and a NUL ends them");
	free(b.s);
	return tap_done();
}
