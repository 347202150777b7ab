/* Unit tests of strv.c's appends (issue 23: argument and environment handling is linear; the
 * figures are tests/bench/args's). No privileges. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/strv.h"
#include "tap.h"

/* strv_add: two vectors appended to in turn, one also grown behind its back, read back in order. */
static void test_add(void)
{
	struct strv_tail t = { 0 };
	char **a = NULL, **b = NULL;
	int ok = 1;

	for (int i = 0; i < 1000; i++) {
		char s[16];
		snprintf(s, sizeof(s), "%d", i);
		if (strv_add(i % 3 ? &a : &b, strdup(s), &t) < 0)
			ok = 0;
		if (i % 97 == 0 && strv_extend(&a, "x") < 0) /* the tail no longer knows a */
			ok = 0;
	}
	TAP_OK(ok && strv_length(a) == 666 + 11 && strv_length(b) == 334,
	       "lengths after interleaved appends");
	TAP_STREQ(b ? b[333] : NULL, "999", "the last of b in its place");
	TAP_STREQ(a ? a[strv_length(a) - 1] : NULL, "998", "the last of a in its place");
	TAP_OK(strv_add(&a, NULL, &t) == -ENOMEM, "a NULL string is ENOMEM");
	strv_free(a);
	strv_free(b);
}

/* strv_env_set: every earlier entry of the name goes (duplicates too), the new one comes last;
 * a longer or shorter name with the same start is another variable. */
static void test_env_set(void)
{
	char **env = NULL;
	int ok = strv_extend(&env, "A=1") == 0 && strv_extend(&env, "AB=2") == 0 &&
		 strv_extend(&env, "A=3") == 0 && strv_extend(&env, "B=4") == 0;

	TAP_OK(ok && strv_env_set(&env, "A", "x=y") == 0, "set over two entries of the name");
	TAP_OK(strv_length(env) == 3 && !strcmp(env[0], "AB=2") && !strcmp(env[1], "B=4") &&
		   !strcmp(env[2], "A=x=y"),
	       "both old entries gone, the new one last, AB untouched");
	TAP_STREQ(strv_env_get(env, "A"), "x=y", "read back");
	TAP_OK(strv_env_set(&env, "C", "") == 0 && !strcmp(env[3], "C=") && strv_length(env) == 4,
	       "a new name is appended, an empty value kept");
	strv_free(env);
	env = NULL;
	TAP_OK(strv_env_set(&env, "N", "v") == 0 && strv_length(env) == 1 && !strcmp(env[0], "N=v"),
	       "into an empty vector");
	strv_free(env);
}

int main(void)
{
	char *src[] = { "a", "", "c d", NULL };
	char **v = NULL;
	size_t n = 200000;
	char **many = calloc(n + 1, sizeof(char *));
	int same = 0;

	TAP_OK(strv_extend_n(&v, src, 0) == 0 && v == NULL, "nothing appended to nothing is still NULL");
	TAP_OK(strv_extend_n(&v, src, 3) == 0 && strv_length(v) == 3, "three appended to an empty vector");
	TAP_OK(strv_extend(&v, "e") == 0 && strv_extend_n(&v, src, 2) == 0 && strv_length(v) == 6,
	       "appends after strv_extend");
	TAP_STREQ(v[2], "c d", "copies in order");
	TAP_STREQ(v[5], "", "the empty string kept");
	TAP_OK(v[0] != src[0], "copies, not the caller's strings");
	strv_free(v);
	v = NULL;
	for (size_t i = 0; many && i < n; i++)
		many[i] = i % 2 ? "odd" : "even";
	TAP_OK(many && strv_extend_n(&v, many, n) == 0 && strv_length(v) == n, "200000 at once");
	for (size_t i = 0; v && i < n; i++)
		same += strcmp(v[i], i % 2 ? "odd" : "even") == 0;
	TAP_OK((size_t)same == n, "each in its place");
	strv_free(v);
	free(many);
	test_add();
	test_env_set();
	return tap_done();
}
