/* Unit tests of json-write.c, the one writer of JSON strings: the escaped form with either
 * treatment of invalid UTF-8 (the record's surrogates, the report's U+FFFD), a cut that never
 * splits an escape, and the quoted string and array forms. No privileges. (escape.c's tests
 * run every byte pair through it.) */
#include <stdlib.h>
#include <string.h>

#include "lib/json-write.h"
#include "tap.h"

static void test_replace(void)
{
	char buf[64];

	json_escape_into("a\"b\\c", JSON_INVALID_REPLACE, buf, sizeof(buf));
	TAP_STREQ(buf, "a\\\"b\\\\c", "quotes and backslashes escaped");
	json_escape_into("tab\there\n", JSON_INVALID_REPLACE, buf, sizeof(buf));
	TAP_STREQ(buf, "tab\\u0009here\\u000a", "control characters as \\u escapes");
	json_escape_into("caf\xc3\xa9", JSON_INVALID_REPLACE, buf, sizeof(buf));
	TAP_STREQ(buf, "caf\xc3\xa9", "UTF-8 kept as it is");
	json_escape_into("bad\xff\xc3name", JSON_INVALID_REPLACE, buf, sizeof(buf));
	TAP_STREQ(buf, "bad\\ufffd\\ufffdname", "bytes that are not UTF-8 become U+FFFD");
	json_escape_into("\xe0\x80\xaf", JSON_INVALID_REPLACE, buf, sizeof(buf));
	TAP_STREQ(buf, "\\ufffd\\ufffd\\ufffd", "an overlong form is not UTF-8 either");
	json_escape_into("\xc2\x9b[2J", JSON_INVALID_REPLACE, buf, sizeof(buf));
	TAP_STREQ(buf, "\\u009b[2J", "a C1 control (CSI) escaped");
	json_escape_into(NULL, JSON_INVALID_REPLACE, buf, sizeof(buf));
	TAP_STREQ(buf, "", "NULL is the empty string");
	TAP_OK(json_escape_into("0123456789abcdef", JSON_INVALID_REPLACE, buf, 12) == 11 && strlen(buf) == 11,
	       "a long string is cut, terminated");
	json_escape_into("abcdefgh\n", JSON_INVALID_REPLACE, buf, 12);
	TAP_STREQ(buf, "abcdefgh", "an escape that does not fit is left out whole");
}

static void test_surrogate(void)
{
	char buf[64];

	json_escape_into("bad\xff\xfe", JSON_INVALID_SURROGATE, buf, sizeof(buf));
	TAP_STREQ(buf, "bad\\udcff\\udcfe", "invalid bytes as lone surrogates, one each");
}

static char *written(void (*fn)(FILE *, const char *), const char *s)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	if (!f)
		return NULL;
	fn(f, s);
	fclose(f);
	return text;
}

static void test_file(void)
{
	char *text = written(json_write_string, "a \"b\"\n\xff");
	char *v[] = { "x", "y\"", NULL };
	size_t size = 0;

	TAP_STREQ(text, "\"a \\\"b\\\"\\u000a\\udcff\"", "json_write_string quotes the escaped form");
	free(text);
	text = written(json_write_escaped, NULL);
	TAP_STREQ(text, "", "json_write_escaped of NULL writes nothing");
	free(text);
	text = NULL;
	FILE *f = open_memstream(&text, &size);
	json_write_strv(f, v);
	json_write_strv(f, NULL);
	fclose(f);
	TAP_STREQ(text, "[\"x\", \"y\\\"\"][]", "json_write_strv: an array of strings; NULL is []");
	free(text);
}

int main(void)
{
	test_replace();
	test_surrogate();
	test_file();
	return tap_done();
}
