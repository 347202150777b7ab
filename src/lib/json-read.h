/* A small JSON reader (RFC 8259): text → a tree of values, each with the line it starts on so
 * that a caller can name where a bad field is. Numbers are kept as their text and read as
 * 64-bit integers on demand (ids, rlimits and seccomp arguments reach 2^64-1). Pure: no system
 * call; any process. A lone \udc80-\udcff reads as the byte lib/json-write.c wrote it for (one
 * that was not UTF-8), so that hutch's own records read back exactly. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum json_type {
	JSON_NULL,
	JSON_BOOL,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

struct json_value {
	enum json_type type;
	unsigned line;		  /* 1-based line of the value's first character */
	bool boolean;		  /* JSON_BOOL */
	char *text;		  /* JSON_STRING: the decoded string; JSON_NUMBER: its literal */
	struct json_value *items; /* JSON_ARRAY, JSON_OBJECT: the elements or member values */
	char **keys;		  /* JSON_OBJECT: the members' names, in order */
	size_t n;		  /* JSON_ARRAY, JSON_OBJECT: how many */
};

/* Where and why a parse failed. */
struct json_error {
	unsigned line, column;
	char msg[96];
};

/* Parses len bytes of text (a NUL inside is an error). Returns 0 with *ret allocated, or
 * -EINVAL with err filled, -ENOMEM. Depth is bounded (64). */
int json_parse(const char *text, size_t len, struct json_value **ret, struct json_error *err);
void json_free(struct json_value *v);

/* The member named key of an object (the last one when repeated), NULL when absent or v is
 * not an object. */
const struct json_value *json_get(const struct json_value *v, const char *key);

/* A JSON_NUMBER holding an integer in range: 0 with *ret, else -ERANGE (too big, or a
 * fraction or exponent) or -EINVAL (not a number). */
int json_u64(const struct json_value *v, uint64_t *ret);
int json_i64(const struct json_value *v, int64_t *ret);

const char *json_type_name(enum json_type t);
