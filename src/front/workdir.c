/* --workdir MODE (see workdir.h): a profile's `whitelist ${PWD}` or `read-only ${PWD}` started
 * from the home (a menu entry, a terminal's first directory) or from / must not show the whole
 * home. Launcher side, no privileges; it reads the config and the home's real path only. */
#include "front/workdir.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"

int workdir_opt(struct config *c, const char *arg, struct failure *f)
{
	static const char *const names[] = {
		[WORKDIR_ALLOW] = "allow", [WORKDIR_ERROR] = "error", [WORKDIR_EMPTY] = "empty"
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(arg, names[i]) == 0) {
			c->workdir = (enum workdir_mode)i;
			return 0;
		}
	return failx(f, "--workdir", "'%s' is not one of: allow error empty", arg);
}

/* Whether dir is the home or one of its ancestors (/ included). */
static bool holds_home(const struct config *c, const char *dir)
{
	_cleanup_free_ char *real = realpath(c->home, NULL);

	return path_is_beneath(c->home, dir) || (real && path_is_beneath(real, dir));
}

static int has_cwd(char **v, const char *cwd)
{
	for (; v && *v; v++)
		if (strcmp(*v, cwd) == 0)
			return 1;
	return 0;
}

/* Drop the working directory from one list; 1 when it was there. */
static int drop_cwd(char **v, const char *cwd)
{
	int found = 0;

	for (char **p = v; p && *p;) {
		if (strcmp(*p, cwd) != 0) {
			p++;
			continue;
		}
		free(*p);
		memmove(p, p + 1, (strv_length(p + 1) + 1) * sizeof(*p));
		found = 1;
	}
	return found;
}

int workdir_finish(struct config *c, struct failure *f)
{
	char **lists[] = { c->whitelist, c->read_only, c->whitelist_try, c->read_only_try };
	int found = 0;

	if (c->workdir == WORKDIR_ALLOW || !c->cwd || !holds_home(c, c->cwd))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		found |= c->workdir == WORKDIR_EMPTY ? drop_cwd(lists[i], c->cwd) : has_cwd(lists[i], c->cwd);
	if (!found)
		return 0;
	if (c->workdir == WORKDIR_ERROR)
		return failx(f, "workdir",
			     "started in %s, which holds your whole home: start from the project's "
			     "directory (cd ~/PROJECT), or pass --workdir allow to show it anyway",
			     c->cwd);
	log_verbose(c->verbose, "workdir: %s holds the home; not shown, starting in the empty home", c->cwd);
	if (c->chdir && strcmp(c->chdir, c->cwd) == 0) {
		free(c->chdir);
		if (!(c->chdir = strdup(c->home)))
			return -ENOMEM;
	}
	return 0;
}
