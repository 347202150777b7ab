/* JSON strings as hutch writes them (see json-write.h). Pure; any process, no privilege. */
#include "lib/json-write.h"

#include <stdint.h>
#include <string.h>

#include "lib/escape.h"

/* The JSON form of the character at p into out (at most 6 bytes and a NUL); its input length
 * in *ret_used. */
static size_t json_escape_one(const unsigned char *p, enum json_invalid how, char out[8], size_t *ret_used)
{
	uint32_t cp = 0;
	size_t n = *p >= 0x80 ? escape_utf8_sequence(p, &cp) : 1;

	*ret_used = n ? n : 1;
	if (n == 0 && how == JSON_INVALID_REPLACE)
		return (size_t)snprintf(out, 8, "\\ufffd");
	if (n == 0)
		return (size_t)snprintf(out, 8, "\\udc%02x", *p);
	if (n > 1 && cp <= 0x9f) /* a C1 control: a terminal may act on it */
		return (size_t)snprintf(out, 8, "\\u%04x", (unsigned)cp);
	if (*p == '"' || *p == '\\')
		return (size_t)snprintf(out, 8, "\\%c", *p);
	if (n == 1 && (*p < 0x20 || *p == 0x7f))
		return (size_t)snprintf(out, 8, "\\u%04x", *p);
	memcpy(out, p, n);
	out[n] = '\0';
	return n;
}

size_t json_escape_into(const char *s, enum json_invalid how, char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t len = 0, used;
	char one[8];

	while (*p) {
		size_t n = json_escape_one(p, how, one, &used);
		if (len + n + 1 > size)
			break;
		memcpy(buf + len, one, n);
		len += n;
		p += used;
	}
	buf[len] = '\0';
	return len;
}

void json_write_escaped(FILE *out, const char *s)
{
	size_t used;
	char one[8];

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p += used)
		fwrite(one, 1, json_escape_one(p, JSON_INVALID_SURROGATE, one, &used), out);
}

void json_write_string(FILE *out, const char *s)
{
	fputc('"', out);
	json_write_escaped(out, s);
	fputc('"', out);
}

void json_write_strv(FILE *out, char **v)
{
	fputc('[', out);
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			fputs(", ", out);
		json_write_string(out, v[i]);
	}
	fputc(']', out);
}
