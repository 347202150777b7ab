/* Escaping for human-readable output (see escape.h). Pure; any process, no privilege. A
 * reviewer reads `hutch changes` before applying what a sandboxed program wrote: a name with a
 * newline would add a line of its own choosing, an ESC would reach the terminal, and U+202E
 * would print the rest of the line backwards. */
#include "lib/escape.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlong forms, no surrogates, nothing
 * past U+10FFFF), 0 when invalid; its code point in *ret_cp. */
size_t escape_utf8_sequence(const unsigned char *p, uint32_t *ret_cp)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	uint32_t cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f, lo = p[0] == 0xe0 ? 0xa0 : 0x80, hi = p[0] == 0xed ? 0x9f : 0xbf;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07, lo = p[0] == 0xf0 ? 0x90 : 0x80, hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf))
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	*ret_cp = cp;
	return n;
}

/* Code points a terminal acts on or does not show: C1 controls (U+009B is CSI), zero-width
 * and direction marks, line/paragraph separators, bidirectional embeddings and isolates
 * (CVE-2021-42574), the BOM. */
static bool invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff;
}

/* The visible form of the character at p into out (at most 7 bytes + NUL); its input length in
 * *ret_used. */
static size_t escape_one(const unsigned char *p, char out[8], size_t *ret_used)
{
	static const char named[] = "\aa\bb\tt\nn\vv\ff\rr\\\\";
	const char *c = *p ? strchr(named, *p) : NULL;
	uint32_t cp;
	size_t n;

	*ret_used = 1;
	if (c && (c - named) % 2 == 0)
		return (size_t)snprintf(out, 8, "\\%c", c[1]);
	if (*p >= 0x20 && *p < 0x7f) {
		out[0] = (char)*p, out[1] = '\0';
		return 1;
	}
	n = *p >= 0x80 ? escape_utf8_sequence(p, &cp) : 0;
	if (n == 0)
		return (size_t)snprintf(out, 8, "\\x%02x", *p);
	*ret_used = n;
	if (invisible(cp))
		return (size_t)snprintf(out, 8, "\\u%04x", (unsigned)cp);
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

const char *escape_into(const char *s, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "(null)");
	size_t len = 0, used;
	char one[8];

	while (*p) {
		size_t n = escape_one(p, one, &used);

		if (len + n + 4 > size) {
			memcpy(buf + len, "...", 4);
			return buf;
		}
		memcpy(buf + len, one, n);
		len += n;
		p += used;
	}
	buf[len] = '\0';
	return buf;
}

char *escape_string(const char *s)
{
	size_t size = 4 * strlen(s ? s : "(null)") + 8;
	char *buf = malloc(size);

	return buf ? (char *)escape_into(s, buf, size) : NULL;
}

void escape_fputs(const char *s, FILE *out)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "(null)");
	size_t used;
	char one[8];

	while (*p) {
		fwrite(one, 1, escape_one(p, one, &used), out);
		p += used;
	}
}
