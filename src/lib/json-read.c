/* A small JSON reader: recursive descent over the text into json_value trees (see
 * json-read.h). Pure: no system call; any process, no privilege. */
#include "lib/json-read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/macro.h"

#define JSON_MAX_DEPTH 64

struct reader {
	const char *p, *end, *line_start;
	unsigned line;
	struct json_error *err;
};

_printf_(2, 3) static int rd_error(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	rd->err->line = rd->line;
	rd->err->column = (unsigned)(rd->p - rd->line_start) + 1;
	va_start(ap, fmt);
	vsnprintf(rd->err->msg, sizeof(rd->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void skip_space(struct reader *rd)
{
	for (; rd->p < rd->end; rd->p++) {
		if (*rd->p == '\n') {
			rd->line++;
			rd->line_start = rd->p + 1;
		} else if (*rd->p != ' ' && *rd->p != '\t' && *rd->p != '\r')
			break;
	}
}

/* Appends one byte to a growing buffer. */
static int buf_put(char **buf, size_t *len, size_t *cap, char ch)
{
	if (*len + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		char *n = realloc(*buf, ncap);
		if (!n)
			return -ENOMEM;
		*buf = n;
		*cap = ncap;
	}
	(*buf)[(*len)++] = ch;
	(*buf)[*len] = '\0';
	return 0;
}

static int utf8_put(char **buf, size_t *len, size_t *cap, unsigned long cp)
{
	char out[4];
	int n;

	if (cp < 0x80)
		out[0] = (char)cp, n = 1;
	else if (cp < 0x800)
		out[0] = (char)(0xc0 | (cp >> 6)), out[1] = (char)(0x80 | (cp & 0x3f)), n = 2;
	else if (cp < 0x10000)
		out[0] = (char)(0xe0 | (cp >> 12)), out[1] = (char)(0x80 | ((cp >> 6) & 0x3f)),
		out[2] = (char)(0x80 | (cp & 0x3f)), n = 3;
	else
		out[0] = (char)(0xf0 | (cp >> 18)), out[1] = (char)(0x80 | ((cp >> 12) & 0x3f)),
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), out[3] = (char)(0x80 | (cp & 0x3f)), n = 4;
	for (int i = 0; i < n; i++)
		if (buf_put(buf, len, cap, out[i]) < 0)
			return -ENOMEM;
	return 0;
}

static int hex4(struct reader *rd, unsigned long *ret)
{
	unsigned long v = 0;

	if (rd->end - rd->p < 4)
		return rd_error(rd, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *rd->p++;
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return rd_error(rd, "bad \\u escape");
		v = v * 16 + (unsigned long)d;
	}
	*ret = v;
	return 0;
}

/* \uXXXX, with a surrogate pair joined; \u0000 is refused (the strings are C strings). A lone
 * \udc80-\udcff is a byte that was not UTF-8, as lib/json-write.c writes it: that byte. */
static int unicode_escape(struct reader *rd, char **buf, size_t *len, size_t *cap)
{
	unsigned long cp, lo;
	int r = hex4(rd, &cp);

	if (r < 0)
		return r;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if (rd->end - rd->p < 2 || rd->p[0] != '\\' || rd->p[1] != 'u')
			return rd_error(rd, "lone surrogate in \\u escape");
		rd->p += 2;
		if ((r = hex4(rd, &lo)) < 0)
			return r;
		if (lo < 0xdc00 || lo > 0xdfff)
			return rd_error(rd, "bad surrogate pair in \\u escape");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp >= 0xdc80 && cp <= 0xdcff)
		return buf_put(buf, len, cap, (char)(cp - 0xdc00));
	else if (cp >= 0xdc00 && cp <= 0xdfff)
		return rd_error(rd, "lone surrogate in \\u escape");
	if (cp == 0)
		return rd_error(rd, "\\u0000 in a string");
	return utf8_put(buf, len, cap, cp);
}

static int escape(struct reader *rd, char **buf, size_t *len, size_t *cap)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *k;

	if (rd->p >= rd->end)
		return rd_error(rd, "unterminated string");
	if (*rd->p == 'u')
		return rd->p++, unicode_escape(rd, buf, len, cap);
	if (!(k = strchr(from, *rd->p)) || !*rd->p)
		return rd_error(rd, "bad escape \\%c", *rd->p);
	rd->p++;
	return buf_put(buf, len, cap, to[k - from]);
}

static int read_string(struct reader *rd, char **ret)
{
	_cleanup_free_ char *buf = calloc(1, 32); /* "" is an empty string, not NULL */
	size_t len = 0, cap = 32;
	int r = buf ? 0 : -ENOMEM;

	rd->p++; /* the opening quote */
	while (r == 0) {
		if (rd->p >= rd->end)
			return rd_error(rd, "unterminated string");
		unsigned char c = (unsigned char)*rd->p;
		if (c == '"')
			break;
		if (c < 0x20)
			return rd_error(rd, "control character in a string");
		rd->p++;
		r = c == '\\' ? escape(rd, &buf, &len, &cap) : buf_put(&buf, &len, &cap, (char)c);
	}
	if (r < 0)
		return r;
	rd->p++;
	*ret = TAKE_PTR(buf);
	return 0;
}

static int read_number(struct reader *rd, struct json_value *v)
{
	const char *s = rd->p;

	if (rd->p < rd->end && *rd->p == '-')
		rd->p++;
	if (rd->p >= rd->end || *rd->p < '0' || *rd->p > '9')
		return rd_error(rd, "bad number");
	if (*rd->p == '0' && rd->p + 1 < rd->end && rd->p[1] >= '0' && rd->p[1] <= '9')
		return rd_error(rd, "leading zero in a number");
	while (rd->p < rd->end && *rd->p && strchr("0123456789.eE+-", *rd->p))
		rd->p++;
	v->type = JSON_NUMBER;
	v->text = strndup(s, (size_t)(rd->p - s));
	if (!v->text)
		return -ENOMEM;
	char *end;
	strtod(v->text, &end);
	return *end ? rd_error(rd, "bad number %s", v->text) : 0;
}

static int read_value(struct reader *rd, struct json_value *v, int depth);

/* One member or element after another, separated by commas, up to close. */
static int read_items(struct reader *rd, struct json_value *v, char close, int depth)
{
	size_t cap = 0;
	int r;

	rd->p++;
	skip_space(rd);
	if (rd->p < rd->end && *rd->p == close)
		return rd->p++, 0;
	for (;;) {
		if (v->n == cap) {
			cap = cap ? cap * 2 : 8;
			struct json_value *ni = realloc(v->items, cap * sizeof(*ni));
			if (!ni)
				return -ENOMEM;
			v->items = ni;
			if (close == '}') {
				char **nk = realloc(v->keys, cap * sizeof(*nk));
				if (!nk)
					return -ENOMEM;
				v->keys = nk;
			}
		}
		v->items[v->n] = (struct json_value){ 0 };
		if (close == '}') {
			skip_space(rd);
			if (rd->p >= rd->end || *rd->p != '"')
				return rd_error(rd, "expected a member name");
			if ((r = read_string(rd, &v->keys[v->n])) < 0)
				return r;
			skip_space(rd);
			if (rd->p >= rd->end || *rd->p != ':') {
				free(v->keys[v->n]);
				return rd_error(rd, "expected ':'");
			}
			rd->p++;
		}
		r = read_value(rd, &v->items[v->n], depth + 1);
		v->n++; /* freed by json_free from here on, even half-read */
		if (r < 0)
			return r;
		skip_space(rd);
		if (rd->p < rd->end && *rd->p == ',') {
			rd->p++;
			continue;
		}
		if (rd->p < rd->end && *rd->p == close)
			return rd->p++, 0;
		return rd_error(rd, "expected ',' or '%c'", close);
	}
}

static int read_literal(struct reader *rd, struct json_value *v)
{
	static const struct {
		const char *word;
		enum json_type type;
		bool value;
	} words[] = { { "true", JSON_BOOL, true },
		      { "false", JSON_BOOL, false },
		      { "null", JSON_NULL, false } };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i].word);
		if ((size_t)(rd->end - rd->p) >= n && memcmp(rd->p, words[i].word, n) == 0) {
			rd->p += n;
			v->type = words[i].type;
			v->boolean = words[i].value;
			return 0;
		}
	}
	return rd_error(rd, "unexpected character '%c'", *rd->p);
}

static int read_value(struct reader *rd, struct json_value *v, int depth)
{
	skip_space(rd);
	v->line = rd->line;
	if (depth > JSON_MAX_DEPTH)
		return rd_error(rd, "nested too deep");
	if (rd->p >= rd->end)
		return rd_error(rd, "unexpected end of input");
	switch (*rd->p) {
	case '{':
		v->type = JSON_OBJECT;
		return read_items(rd, v, '}', depth);
	case '[':
		v->type = JSON_ARRAY;
		return read_items(rd, v, ']', depth);
	case '"':
		v->type = JSON_STRING;
		return read_string(rd, &v->text);
	case '-':
	case '0' ... '9':
		return read_number(rd, v);
	default:
		return read_literal(rd, v);
	}
}

static void json_clear(struct json_value *v)
{
	for (size_t i = 0; i < v->n; i++) {
		json_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->text);
}

void json_free(struct json_value *v)
{
	if (!v)
		return;
	json_clear(v);
	free(v);
}

int json_parse(const char *text, size_t len, struct json_value **ret, struct json_error *err)
{
	struct reader rd = { .p = text, .end = text + len, .line_start = text, .line = 1, .err = err };
	struct json_value *v = calloc(1, sizeof(*v));
	int r;

	*err = (struct json_error){ 0 };
	if (!v)
		return -ENOMEM;
	if (memchr(text, '\0', len)) {
		rd.p = memchr(text, '\0', len);
		r = rd_error(&rd, "NUL byte in the text");
	} else if ((r = read_value(&rd, v, 0)) == 0) {
		skip_space(&rd);
		if (rd.p < rd.end)
			r = rd_error(&rd, "trailing characters after the value");
	}
	if (r < 0) {
		json_free(v);
		return r;
	}
	*ret = v;
	return 0;
}

const struct json_value *json_get(const struct json_value *v, const char *key)
{
	if (!v || v->type != JSON_OBJECT)
		return NULL;
	for (size_t i = v->n; i-- > 0;)
		if (strcmp(v->keys[i], key) == 0)
			return &v->items[i];
	return NULL;
}

int json_u64(const struct json_value *v, uint64_t *ret)
{
	char *end;
	unsigned long long x;

	if (!v || v->type != JSON_NUMBER)
		return -EINVAL;
	if (v->text[0] == '-' || strpbrk(v->text, ".eE"))
		return -ERANGE;
	errno = 0;
	x = strtoull(v->text, &end, 10);
	if (errno || *end)
		return -ERANGE;
	*ret = x;
	return 0;
}

int json_i64(const struct json_value *v, int64_t *ret)
{
	char *end;
	long long x;

	if (!v || v->type != JSON_NUMBER)
		return -EINVAL;
	if (strpbrk(v->text, ".eE"))
		return -ERANGE;
	errno = 0;
	x = strtoll(v->text, &end, 10);
	if (errno || *end)
		return -ERANGE;
	*ret = x;
	return 0;
}

const char *json_type_name(enum json_type t)
{
	static const char *const names[] = { "null", "boolean", "number", "string", "array", "object" };

	return (size_t)t < ARRAY_SIZE(names) ? names[t] : "?";
}
