/* Unit tests of lib/json-read.c: values, escapes, positions of errors, integer ranges. No
 * privileges. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json-read.h"
#include "tap.h"

static struct json_value *parse(const char *text, struct json_error *err)
{
	struct json_value *v = NULL;

	return json_parse(text, strlen(text), &v, err) == 0 ? v : NULL;
}

static void test_values(void)
{
	struct json_error err;
	struct json_value *v = parse("{\"a\": [1, -2, 18446744073709551615, true, null],\n"
				     " \"s\": \"x\\u00e9\\ud83d\\ude00\\n\\\"\", \"e\": \"\", \"a\": {}}",
				     &err);
	const struct json_value *a, *s;
	uint64_t u = 0;
	int64_t i = 0;

	TAP_OK(v && v->type == JSON_OBJECT && v->n == 4, "an object with four members");
	a = json_get(v, "a");
	TAP_OK(a && a->type == JSON_OBJECT, "a repeated member: the last one counts");
	a = v ? &v->items[0] : NULL;
	TAP_OK(a && a->type == JSON_ARRAY && a->n == 5, "the array's five elements");
	TAP_OK(a && json_u64(&a->items[2], &u) == 0 && u == UINT64_MAX, "2^64-1 read whole");
	TAP_OK(a && json_i64(&a->items[1], &i) == 0 && i == -2, "a negative integer");
	TAP_OK(a && json_u64(&a->items[1], &u) == -ERANGE, "a negative is out of u64's range");
	TAP_OK(a && a->items[3].type == JSON_BOOL && a->items[3].boolean, "true");
	TAP_OK(a && a->items[4].type == JSON_NULL, "null");
	s = json_get(v, "s");
	TAP_STREQ(s ? s->text : NULL, "x\xc3\xa9\xf0\x9f\x98\x80\n\"", "escapes and a surrogate pair");
	TAP_OK(s && s->line == 2, "a value knows its line");
	s = json_get(v, "e");
	TAP_STREQ(s ? s->text : NULL, "", "an empty string");
	TAP_OK(json_get(v, "missing") == NULL && json_get(s, "x") == NULL, "absent members");
	json_free(v);
}

/* What lib/json-write.c writes for bytes that are not UTF-8 (\udc80-\udcff) reads back as them. */
static void test_bytes(void)
{
	struct json_error err;
	struct json_value *v = parse("\"a\\udcff\\udc80b\\udcc3\\udca9\"", &err);

	TAP_STREQ(v ? v->text : NULL,
		  "a\xff\x80"
		  "b\xc3\xa9",
		  "\\udcXX: the byte XX, as json_write_string wrote it");
	json_free(v);
}

static void test_errors(void)
{
	static const struct {
		const char *text;
		unsigned line, column;
		const char *msg;
	} bad[] = {
		{ "", 1, 1, "unexpected end of input" },
		{ "{\"a\": 1,}", 1, 9, "expected a member name" },
		{ "{\"a\"\n 1}", 2, 2, "expected ':'" },
		{ "[1 2]", 1, 4, "expected ',' or ']'" },
		{ "\"abc", 1, 5, "unterminated string" },
		{ "\"\\u0000\"", 1, 8, "\\u0000 in a string" },
		{ "\"\\ud800\"", 1, 8, "lone surrogate in \\u escape" },
		{ "\"\\udc7f\"", 1, 8, "lone surrogate in \\u escape" },
		{ "\"\\ude00\"", 1, 8, "lone surrogate in \\u escape" },
		{ "\"a\tb\"", 1, 3, "control character in a string" },
		{ "01", 1, 1, "leading zero in a number" },
		{ "1e", 1, 3, "bad number 1e" },
		{ "{} x", 1, 4, "trailing characters after the value" },
		{ "nul", 1, 1, "unexpected character 'n'" },
		{ "\"\\q\"", 1, 3, "bad escape \\q" },
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct json_error err;
		struct json_value *v = parse(bad[k].text, &err);
		TAP_OK(!v && err.line == bad[k].line && err.column == bad[k].column &&
			   strcmp(err.msg, bad[k].msg) == 0,
		       "bad input %zu: %u:%u %s", k, err.line, err.column, err.msg);
		json_free(v);
	}
	char deep[200];
	memset(deep, '[', sizeof(deep));
	struct json_value *v = NULL;
	struct json_error err;
	TAP_OK(json_parse(deep, sizeof(deep), &v, &err) == -EINVAL && strcmp(err.msg, "nested too deep") == 0,
	       "depth is bounded");
	TAP_OK(json_parse("1\0", 2, &v, &err) == -EINVAL, "a NUL byte is refused");
	TAP_OK((v = parse("1.5", &err)) && json_u64(v, &(uint64_t){ 0 }) == -ERANGE,
	       "a fraction is no integer");
	json_free(v);
}

int main(void)
{
	test_values();
	test_bytes();
	test_errors();
	return tap_done();
}
