/* Unit tests of path-util.c's containment test (path_is_beneath), the one every room uses to
 * ask "is this path under that directory". No privileges. */
#include <stdbool.h>

#include "lib/path-util.h"
#include "tap.h"

struct beneath_case {
	const char *p, *dir;
	bool want;
};

static const struct beneath_case beneath_cases[] = {
	{ "/a/b", "/a", true },
	{ "/a", "/a", true },
	{ "/a/b/c", "/a/b", true },
	{ "/ab", "/a", false },
	{ "/a", "/a/b", false },
	{ "/", "/", true },
	{ "/etc", "/", true },
	{ "/etc/passwd", "/", true },
	{ "etc", "/", false },
	{ "/etc", "", false },
	{ "", "", false },
	{ "a/b", "a", true },
	{ "ab", "a", false },
	{ "/home/u/.bashrc", "/home/u", true },
	{ "/home/user", "/home/u", false },
	{ "/tmp", "/tmp/x", false },
};

int main(void)
{
	for (size_t i = 0; i < sizeof(beneath_cases) / sizeof(*beneath_cases); i++) {
		const struct beneath_case *t = &beneath_cases[i];
		TAP_OK(path_is_beneath(t->p, t->dir) == t->want, "'%s' %s beneath '%s'", t->p,
		       t->want ? "is" : "is not", t->dir);
	}
	return tap_done();
}
