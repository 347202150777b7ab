/* Masks (see mask.h): glob matching with "**" and the walk that resolves masks at start.
 * Launcher side, the caller's own privileges; it only reads the host's trees. */
#include "workspace/mask.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/failure.h"
#include "lib/macro.h"
#include "lib/tree-walk.h"

#define MASK_MAX_COMPONENTS 128
#define MASK_MAX_DEPTH	    256

/* Split s (modified) at '/' into at most max components; -1 when there are more. */
static int split(char *s, char **comp, int max)
{
	int n = 0;

	for (char *save = NULL, *p = strtok_r(s, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (n == max)
			return -1;
		comp[n++] = p;
	}
	return n;
}

static bool match_components(char **pc, int np, char **sc, int ns)
{
	while (np > 0) {
		if (strcmp(pc[0], "**") == 0) {
			/* Consecutive "**" are one. */
			while (np > 1 && strcmp(pc[1], "**") == 0)
				pc++, np--;
			for (int k = 0; k <= ns; k++)
				if (match_components(pc + 1, np - 1, sc + k, ns - k))
					return true;
			return false;
		}
		if (ns == 0 || fnmatch(pc[0], sc[0], 0) != 0)
			return false;
		pc++, np--, sc++, ns--;
	}
	return ns == 0;
}

bool mask_match(const char *glob, const char *path)
{
	char g[4096], p[4096], *pc[MASK_MAX_COMPONENTS], *sc[MASK_MAX_COMPONENTS];
	int np, ns;

	if (snprintf(g, sizeof(g), "%s", glob) >= (int)sizeof(g) ||
	    snprintf(p, sizeof(p), "%s", path) >= (int)sizeof(p))
		return false;
	if ((glob[0] == '/') != (path[0] == '/'))
		return false;
	np = split(g, pc, MASK_MAX_COMPONENTS);
	ns = split(p, sc, MASK_MAX_COMPONENTS);
	if (np <= 0 || ns < 0)
		return false;
	/* A bare name matches at any depth, as in .gitignore. */
	if (!strchr(glob, '/'))
		return ns > 0 && fnmatch(pc[0], sc[ns - 1], 0) == 0;
	return match_components(pc, np, sc, ns);
}

/* Brackets must close: fnmatch(3) would take "[a" as a literal and match nothing, silently. */
static bool brackets_balanced(const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		if (*s != '[')
			continue;
		const char *q = s + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']')
			q++;
		q = strchr(q, ']');
		if (!q || memchr(s, '/', (size_t)(q - s)))
			return false;
		s = q;
	}
	return true;
}

int mask_check(const char *glob, struct failure *f)
{
	char g[4096], *pc[MASK_MAX_COMPONENTS];
	int n, stars = 0;

	if (!glob[0])
		return failx(f, "--mask", "an empty pattern");
	if (snprintf(g, sizeof(g), "%s", glob) >= (int)sizeof(g))
		return failx(f, "--mask", "%.64s...: pattern too long", glob);
	n = split(g, pc, MASK_MAX_COMPONENTS);
	if (n <= 0)
		return failx(f, "--mask", "'%s': a pattern that matches nothing, or everything", glob);
	for (int i = 0; i < n; i++) {
		if (strcmp(pc[i], "..") == 0 || strcmp(pc[i], ".") == 0)
			return failx(f, "--mask", "'%s': '.' and '..' are not pattern components", glob);
		if (strstr(pc[i], "**") && strcmp(pc[i], "**") != 0)
			return failx(f, "--mask", "'%s': '**' must be a whole path component", glob);
		stars += strcmp(pc[i], "**") == 0;
	}
	if (stars == n)
		return failx(f, "--mask", "'%s': a pattern of only '**' would hide everything", glob);
	if (!brackets_balanced(glob))
		return failx(f, "--mask", "'%s': unbalanced '[' in the pattern", glob);
	return 0;
}

static int add_hit(struct ws_mask_hit **hits, size_t *n, const char *dst, const char *rel, bool dir)
{
	struct ws_mask_hit *v = reallocarray(*hits, *n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	*hits = v;
	v[*n].dir = dir;
	if (asprintf(&v[*n].dst, "%s%s%s", strcmp(dst, "/") ? dst : "", "/", rel) < 0)
		return -ENOMEM;
	(*n)++;
	return 0;
}

struct walk {
	char *const *globs;
	const char *dst;
	struct ws_mask_hit **hits;
	size_t *n_hits;
};

static bool walk_matches(const struct walk *w, const char *rel)
{
	char abs[8192];

	snprintf(abs, sizeof(abs), "%s/%s", strcmp(w->dst, "/") ? w->dst : "", rel);
	for (char *const *g = w->globs; *g; g++)
		if (mask_match(*g, (*g)[0] == '/' ? abs : rel))
			return true;
	return false;
}

/* A match is masked where it stands (a symlink's target is covered at its own place) and not
 * entered; anything else is walked into. */
static int walk_visit(void *data, const char *rel, const struct stat *st)
{
	const struct walk *w = data;

	if (!walk_matches(w, rel))
		return 0;
	if (S_ISLNK(st->st_mode))
		return 1;
	int r = add_hit(w->hits, w->n_hits, w->dst, rel, S_ISDIR(st->st_mode));
	return r < 0 ? r : 1;
}

int mask_resolve(char *const *globs, const char *tree, const char *dst, struct ws_mask_hit **hits,
		 size_t *n_hits, struct failure *f)
{
	struct walk w = { .globs = globs, .dst = dst, .hits = hits, .n_hits = n_hits };
	char rel[8192] = "";
	struct stat st;
	int fd, r;

	if (!globs || !*globs)
		return 0;
	fd = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOTDIR || errno == ENOENT || errno == EACCES))
		return 0; /* a file bound alone, or a --bind-try source that is absent */
	if (fd < 0 || fstat(fd, &st) < 0) {
		r = negative_errno();
		safe_close(fd);
		return fail(f, r, "--mask", "%s", tree);
	}
	r = tree_walk(fd, st.st_dev, MASK_MAX_DEPTH, rel, sizeof(rel), walk_visit, &w);
	return r < 0 ? fail(f, r, "--mask", "resolving in %s", tree) : 0;
}
