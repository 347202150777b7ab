/* Unit tests of escape.c: every byte 0..255 alone and in every pair, invalid UTF-8, the
 * invisible code points, and a name imitating a `hutch changes` line. No privileges. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lib/escape.h"
#include "lib/json-write.h"
#include "tap.h"

/* Reverses the escaping; false when out holds something escape_into never writes. */
static bool unescape(const char *s, char *out)
{
	while (*s) {
		unsigned v;
		int n;

		if (*s != '\\') {
			*out++ = *s++;
			continue;
		}
		s++;
		if (*s && strchr("abtnvfr\\", *s)) {
			*out++ = "\a\b\t\n\v\f\r\\"[strchr("abtnvfr\\", *s) - "abtnvfr\\"];
			s++;
		} else if (sscanf(s, "x%2x%n", &v, &n) == 1 && n == 3) {
			*out++ = (char)v, s += 3;
		} else if (sscanf(s, "u%4x%n", &v, &n) == 1 && n == 5) {
			out += v < 0x800 ? 2 : 3;
			if (v < 0x800)
				out[-2] = (char)(0xc0 | v >> 6), out[-1] = (char)(0x80 | (v & 0x3f));
			else
				out[-3] = (char)(0xe0 | v >> 12), out[-2] = (char)(0x80 | ((v >> 6) & 0x3f)),
				out[-1] = (char)(0x80 | (v & 0x3f));
			s += 5;
		} else {
			return false;
		}
	}
	*out = '\0';
	return true;
}

/* No C0 control, no DEL, no byte outside a valid UTF-8 sequence, no C1 control. */
static bool visible(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			return false;
		if (*p >= 0x80) {
			size_t n = *p >= 0xf0 ? 3 : *p >= 0xe0 ? 2 : 1;

			if (*p < 0xc2 || *p > 0xf4)
				return false;
			for (size_t i = 1; i <= n; i++)
				if ((p[i] & 0xc0) != 0x80)
					return false;
			p += n;
		}
	}
	return true;
}

static bool round_trip(const char *in)
{
	char buf[64], back[64];

	escape_into(in, buf, sizeof(buf));
	return visible(buf) && unescape(buf, back) && strcmp(back, in) == 0;
}

static void test_every_byte(void)
{
	int bad_alone = 0, bad_pair = 0, not_hex = 0;
	char in[4] = { 0 };

	for (int b = 1; b < 256; b++) {
		char buf[16], want[8];

		in[0] = (char)b, in[1] = 0;
		bad_alone += !round_trip(in);
		escape_into(in, buf, sizeof(buf));
		snprintf(want, sizeof(want), "\\x%02x", b);
		if ((b < 0x20 && !strchr("\a\b\t\n\v\f\r", b)) || b >= 0x7f)
			not_hex += strcmp(buf, want) != 0;
		for (int c = 1; c < 256; c++) {
			in[1] = (char)c;
			bad_pair += !round_trip(in);
		}
		in[1] = 0;
	}
	TAP_OK(bad_alone == 0, "each byte 1..255 alone is shown visibly and read back (%d wrong)", bad_alone);
	TAP_OK(not_hex == 0,
	       "C0 controls without a name, DEL and bytes 0x80..0xff alone are \\xHH (%d wrong)", not_hex);
	TAP_OK(bad_pair == 0, "each of the 65025 byte pairs is shown visibly and read back (%d wrong)",
	       bad_pair);
}

static void test_cases(void)
{
	static const struct {
		const char *in, *want, *what;
	} cases[] = {
		{ "x\nM file       9999 ~/.bashrc", "x\\nM file       9999 ~/.bashrc",
		  "a fake changes line stays on its line" },
		{ "e\033[31mR\033[2K\r", "e\\x1b[31mR\\x1b[2K\\r", "colour and erase-line sequences" },
		{ "tab\there\\n", "tab\\there\\\\n", "a tab and a literal backslash-n" },
		{ "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
		  "valid UTF-8 as it is" },
		{ "\xc2\x9b"
		  "31m",
		  "\\u009b31m", "C1 CSI" },
		{ "a\xe2\x80\xae"
		  "cod.exe",
		  "a\\u202ecod.exe", "right-to-left override" },
		{ "z\xe2\x80\x8bw", "z\\u200bw", "zero-width space" },
		{ "l\xe2\x80\xa8s", "l\\u2028s", "line separator" },
		{ "\xc0\xaf", "\\xc0\\xaf", "overlong slash" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80", "a surrogate" },
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "past U+10FFFF" },
		{ "\xe2\x80", "\\xe2\\x80", "a cut sequence" },
		{ "\xff\xfe", "\\xff\\xfe", "bytes never in UTF-8" },
		{ "", "", "the empty string" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char buf[256];

		TAP_STREQ(escape_into(cases[i].in, buf, sizeof(buf)), cases[i].want, "%s", cases[i].what);
	}
	TAP_STREQ(ESC(NULL), "(null)", "NULL");
}

static void test_bounds(void)
{
	char buf[10], *s;
	size_t len;

	TAP_STREQ(escape_into("\n\n\n\n\n", buf, sizeof(buf)), "\\n\\n\\n...",
		  "a long form ends in ... and never cuts an escape");
	TAP_STREQ(escape_into("abcde", buf, sizeof(buf)), "abcde", "a short one is whole");
	s = escape_string("\x01\x02\x03\x04\x05\x06\x07\x08");
	TAP_STREQ(s, "\\x01\\x02\\x03\\x04\\x05\\x06\\a\\b",
		  "escape_string has room for every byte as \\xHH");
	free(s);
	{
		char big[4096];

		memset(big, 0x1b, sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		s = escape_string(big);
		len = s ? strlen(s) : 0;
		TAP_OK(len == 4 * 4095, "4095 ESC bytes give 16380 characters (got %zu)", len);
		free(s);
	}
}

static void test_fputs(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);

	escape_fputs("n\xe2\x80\xaeo\n\x80", f);
	fclose(f);
	TAP_STREQ(text, "n\\u202eo\\n\\x80", "escape_fputs writes the same form");
	free(text);
}

static void test_json(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a\"b\\c", "a\\\"b\\\\c" },
		{ "x\nM\x1b[2J", "x\\u000aM\\u001b[2J" },
		{ "caf\xc3\xa9", "caf\xc3\xa9" },
		{ "bad\xff\xfe", "bad\\udcff\\udcfe" },
		{ "\xc0\xaf\x7f", "\\udcc0\\udcaf\\u007f" },
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *text = NULL;
		size_t size = 0;
		FILE *f = open_memstream(&text, &size);
		json_write_escaped(f, cases[i].in);
		fclose(f);
		TAP_STREQ(text, cases[i].want, "JSON form of case %zu", i);
		free(text);
	}
	/* every byte pair: only printable ASCII and valid UTF-8 come out */
	for (int b = 1; b < 256; b++)
		for (int c = 0; c < 256; c++) {
			char in[3] = { (char)b, (char)c, 0 }, *text = NULL;
			size_t size = 0;
			FILE *f = open_memstream(&text, &size);
			json_write_escaped(f, in);
			fclose(f);
			bad += !visible(text);
			free(text);
		}
	TAP_OK(bad == 0, "the JSON form of every byte pair is UTF-8 without a control character (%d wrong)",
	       bad);
}

int main(void)
{
	test_every_byte();
	test_cases();
	test_bounds();
	test_fputs();
	test_json();
	return tap_done();
}
