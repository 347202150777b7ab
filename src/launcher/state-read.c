/* Reading a sandbox's record (see state.h): a small JSON reader for the launcher's own output,
 * strict about what it accepts, since another process of the same user could have rewritten
 * the file. Pure: the subcommands (list, join, stop) call it on the text state.c read. */
#include "launcher/state.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/macro.h"
#include "lib/strv.h"

struct json_in {
	const char *p;
};

static bool json_lit(struct json_in *in, char ch)
{
	in->p += strspn(in->p, " \t\r\n");
	if (*in->p != ch)
		return false;
	in->p++;
	return true;
}

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

static int hex4(const char *p, unsigned *ret)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		int d = hex_digit(p[i]);
		if (d < 0)
			return -EBADMSG;
		v = v * 16 + (unsigned)d;
	}
	*ret = v;
	return 0;
}

/* \uXXXX (and a surrogate pair) at *p, as UTF-8 at *out; advances both. */
static int json_unicode(const char **p, char **out)
{
	unsigned cp, lo;
	char *o = *out;

	if (hex4(*p, &cp) < 0 || cp == 0)
		return -EBADMSG;
	*p += 4;
	if (cp >= 0xd800 && cp < 0xdc00) {
		if ((*p)[0] != '\\' || (*p)[1] != 'u' || hex4(*p + 2, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
			return -EBADMSG;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		*p += 6;
	} else if (cp >= 0xdc80 && cp < 0xdd00) { /* a byte that was not UTF-8 (escape.h) */
		*(*out)++ = (char)(cp - 0xdc00);
		return 0;
	} else if (cp >= 0xdc00 && cp < 0xe000)
		return -EBADMSG;
	if (cp < 0x80)
		*o++ = (char)cp;
	else if (cp < 0x800)
		*o++ = (char)(0xc0 | cp >> 6), *o++ = (char)(0x80 | (cp & 0x3f));
	else if (cp < 0x10000)
		*o++ = (char)(0xe0 | cp >> 12), *o++ = (char)(0x80 | ((cp >> 6) & 0x3f)),
		*o++ = (char)(0x80 | (cp & 0x3f));
	else
		*o++ = (char)(0xf0 | cp >> 18), *o++ = (char)(0x80 | ((cp >> 12) & 0x3f)),
		*o++ = (char)(0x80 | ((cp >> 6) & 0x3f)), *o++ = (char)(0x80 | (cp & 0x3f));
	*out = o;
	return 0;
}

static int json_escape(const char **p, char **out)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = **p ? strchr(from, **p) : NULL;

	if (**p == 'u')
		return (*p)++, json_unicode(p, out);
	if (!e)
		return -EBADMSG;
	*(*out)++ = to[e - from];
	(*p)++;
	return 0;
}

/* A string: decoding never makes it longer than its source. */
static int json_string_in(struct json_in *in, char **ret)
{
	const char *p;
	_cleanup_free_ char *s = NULL;
	char *o;

	if (!json_lit(in, '"'))
		return -EBADMSG;
	if (!(s = o = malloc(strlen(in->p) + 1)))
		return -ENOMEM;
	for (p = in->p; *p != '"';) {
		if ((unsigned char)*p < 0x20)
			return -EBADMSG; /* the end of the text, or a raw control character */
		if (*p != '\\')
			*o++ = *p++;
		else if (p++, json_escape(&p, &o) < 0)
			return -EBADMSG;
	}
	*o = '\0';
	in->p = p + 1;
	*ret = TAKE_PTR(s);
	return 0;
}

static int json_strv_in(struct json_in *in, char ***ret)
{
	_cleanup_strv_free_ char **v = calloc(1, sizeof(char *));
	char *s;
	int r;

	if (!v)
		return -ENOMEM;
	if (!json_lit(in, '['))
		return -EBADMSG;
	if (json_lit(in, ']'))
		goto done;
	do {
		if ((r = json_string_in(in, &s)) < 0 || (r = strv_consume(&v, s)) < 0)
			return r;
	} while (json_lit(in, ','));
	if (!json_lit(in, ']'))
		return -EBADMSG;
done:
	strv_free(*ret);
	*ret = TAKE_PTR(v);
	return 0;
}

/* An integer, as written by the launcher (no fraction, no exponent), within [lo, hi]. */
static int json_int_in(struct json_in *in, long long lo, unsigned long long hi, unsigned long long *ret)
{
	const char *p = in->p + strspn(in->p, " \t\r\n");
	bool neg = *p == '-';
	char *end;

	if (p[neg] < '0' || p[neg] > '9')
		return -EBADMSG;
	errno = 0;
	unsigned long long v = strtoull(p + neg, &end, 10);
	if (errno || (neg ? v > (unsigned long long)LLONG_MAX || -(long long)v < lo : v > hi))
		return -EBADMSG;
	in->p = end;
	*ret = neg ? (unsigned long long)-(long long)v : v;
	return 0;
}

/* A value under a key this version does not know: a later hutch may add some. */
static int json_skip(struct json_in *in, int depth)
{
	_cleanup_free_ char *s = NULL;
	char *end;

	in->p += strspn(in->p, " \t\r\n");
	if (*in->p == '"')
		return json_string_in(in, &s);
	if (*in->p == '[' || *in->p == '{') {
		char close = *in->p == '[' ? ']' : '}';
		in->p++;
		if (depth <= 0)
			return -EBADMSG;
		if (json_lit(in, close))
			return 0;
		do {
			if (close == '}' && (json_string_in(in, &s) < 0 || !json_lit(in, ':')))
				return -EBADMSG;
			free(TAKE_PTR(s));
			if (json_skip(in, depth - 1) < 0)
				return -EBADMSG;
		} while (json_lit(in, ','));
		return json_lit(in, close) ? 0 : -EBADMSG;
	}
	for (const char *const *w = (const char *const[]){ "true", "false", "null", NULL }; *w; w++)
		if (strncmp(in->p, *w, strlen(*w)) == 0)
			return in->p += strlen(*w), 0;
	strtod(in->p, &end);
	if (end == in->p)
		return -EBADMSG;
	in->p = end;
	return 0;
}

enum field_kind {
	F_STRING,
	F_STRV,
	F_PID,
	F_UID,
	F_TIME,
	F_U64,
};

static const struct record_field {
	const char *key;
	enum field_kind kind;
	size_t offset;
} record_fields[] = {
	{ "name", F_STRING, offsetof(struct state_record, name) },
	{ "launcher-pid", F_PID, offsetof(struct state_record, launcher_pid) },
	{ "launcher-start-time", F_U64, offsetof(struct state_record, launcher_start_time) },
	{ "pid1", F_PID, offsetof(struct state_record, pid1) },
	{ "uid", F_UID, offsetof(struct state_record, uid) },
	{ "started", F_TIME, offsetof(struct state_record, started) },
	{ "command", F_STRV, offsetof(struct state_record, command) },
	{ "hutch-argv", F_STRV, offsetof(struct state_record, hutch_argv) },
	{ "profile", F_STRING, offsetof(struct state_record, profile) },
	{ "cgroup-namespace", F_U64, offsetof(struct state_record, ns[0]) },
	{ "ipc-namespace", F_U64, offsetof(struct state_record, ns[1]) },
	{ "mnt-namespace", F_U64, offsetof(struct state_record, ns[2]) },
	{ "net-namespace", F_U64, offsetof(struct state_record, ns[3]) },
	{ "pid-namespace", F_U64, offsetof(struct state_record, ns[4]) },
	{ "user-namespace", F_U64, offsetof(struct state_record, ns[5]) },
	{ "uts-namespace", F_U64, offsetof(struct state_record, ns[6]) },
};

static int record_field_in(struct json_in *in, const struct record_field *d, struct state_record *r)
{
	void *at = (char *)r + d->offset;
	unsigned long long v;
	char *s;
	int e;

	switch (d->kind) {
	case F_STRING:
		if ((e = json_string_in(in, &s)) < 0)
			return e;
		free(*(char **)at);
		*(char **)at = s;
		return 0;
	case F_STRV:
		return json_strv_in(in, (char ***)at);
	case F_PID:
		e = json_int_in(in, 1, INT_MAX, &v);
		return e < 0 ? e : (*(pid_t *)at = (pid_t)v, 0);
	case F_UID:
		e = json_int_in(in, 0, UINT_MAX - 1, &v);
		return e < 0 ? e : (*(uid_t *)at = (uid_t)v, 0);
	case F_TIME:
		e = json_int_in(in, LLONG_MIN, LLONG_MAX, &v);
		return e < 0 ? e : (*(long long *)at = (long long)v, 0);
	case F_U64:
		e = json_int_in(in, 0, ULLONG_MAX, &v);
		return e < 0 ? e : (*(unsigned long long *)at = v, 0);
	}
	return -EBADMSG;
}

int state_record_parse(const char *text, struct state_record *r)
{
	struct json_in in = { text };
	int e;

	if (!json_lit(&in, '{'))
		return -EBADMSG;
	if (json_lit(&in, '}'))
		return -EBADMSG; /* no name, no pids */
	do {
		_cleanup_free_ char *key = NULL;
		const struct record_field *d = NULL;
		if ((e = json_string_in(&in, &key)) < 0 || !json_lit(&in, ':'))
			return e == -ENOMEM ? e : -EBADMSG;
		for (size_t i = 0; i < ARRAY_SIZE(record_fields) && !d; i++)
			if (strcmp(key, record_fields[i].key) == 0)
				d = &record_fields[i];
		if ((e = d ? record_field_in(&in, d, r) : json_skip(&in, 8)) < 0)
			return e;
	} while (json_lit(&in, ','));
	if (!json_lit(&in, '}') || in.p[strspn(in.p, " \t\r\n")] != '\0')
		return -EBADMSG;
	return r->name && r->launcher_pid > 0 && r->pid1 > 0 && r->launcher_start_time ? 0 : -EBADMSG;
}
