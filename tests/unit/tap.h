/* A minimal TAP producer for the C unit tests (meson runs them with protocol: 'tap'). */
#pragma once

#include <stdio.h>
#include <string.h>

static int tap_n;
static int tap_failed;

#define TAP_OK(cond, ...)                                                             \
	do {                                                                          \
		int _c = !!(cond);                                                    \
		printf("%sok %d - ", _c ? "" : "not ", ++tap_n);                      \
		printf(__VA_ARGS__);                                                  \
		printf("\n");                                                         \
		if (!_c) {                                                            \
			tap_failed++;                                                 \
			printf("# failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                     \
	} while (0)

#define TAP_STREQ(a, b, ...)                                                                             \
	do {                                                                                             \
		const char *_a = (a), *_b = (b);                                                         \
		TAP_OK(_a &&_b &&strcmp(_a, _b) == 0, __VA_ARGS__);                                      \
		if (!(_a && _b && strcmp(_a, _b) == 0))                                                  \
			printf("#   got '%s', expected '%s'\n", _a ? _a : "(null)", _b ? _b : "(null)"); \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
