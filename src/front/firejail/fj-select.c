/* Where a run meets firejail's profiles: after hutch's own search (user, system, shipped)
 * finds no profile named after the command, NAME.profile in firejail's directories; or the
 * file --firejail-profile names. The translation is applied to the config like any hutch
 * profile, and -v says which file it was and what was not carried over. Launcher side, the
 * caller's own privileges. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "front/firejail/fj-int.h"
#include "lib/log.h"
#include "lib/macro.h"

static int mode_of(const struct profile_env *e, const struct config *cmdline, enum fj_mode *ret,
		   struct failure *f)
{
	if (cmdline->firejail_mode >= 0) {
		*ret = (enum fj_mode)cmdline->firejail_mode;
		return 0;
	}
	return fj_setting(e, ret, f);
}

int fj_choose(const struct profile_env *e, char **host_env, const struct config *cmdline,
	      enum fj_mode *ret_mode, char **ret_path, struct failure *f)
{
	const char *cmd = cmdline->argv ? cmdline->argv[0] : NULL, *base;
	_cleanup_free_ char *own = NULL;
	size_t n;
	int r = mode_of(e, cmdline, ret_mode, f);

	*ret_path = NULL;
	if (r < 0)
		return r;
	if (cmdline->firejail_profile && (cmdline->profile || cmdline->noprofile))
		return failx(f, "usage", "--firejail-profile and --%s contradict each other",
			     cmdline->profile ? "profile" : "noprofile");
	if (cmdline->firejail_profile)
		return (*ret_path = strdup(cmdline->firejail_profile)) ? 0
								       : fail(f, -ENOMEM, "firejail", NULL);
	if (cmdline->profile || cmdline->noprofile || !cmd || *ret_mode == FJ_MODE_OFF)
		return 0;
	base = strrchr(cmd, '/') ? strrchr(cmd, '/') + 1 : cmd;
	n = strlen(base);
	if (n >= 8 && strcmp(base + n - 8, ".profile") == 0)
		return 0;
	/* hutch's own profile for the command wins */
	if ((r = profile_find(e, base, &own)) != -ENOENT)
		return r < 0 ? fail(f, r, "profile", NULL) : 0;
	r = fj_find(e, host_env, base, ret_path);
	return r == -ENOENT ? 0 : r < 0 ? fail(f, r, "firejail", NULL) : 0;
}

static void log_summary(const struct fj_result *res, const char *path, bool verbose)
{
	log_verbose(
	    verbose,
	    "profile: %s (firejail's, translated: %zu directive lines, %zu approximated, %zu dropped, "
	    "%zu weaker than firejail)",
	    path, res->n_lines, res->n_kind[FJ_APPROX], res->n_kind[FJ_DROPPED], res->n_kind[FJ_WEAKER]);
	for (size_t i = 0; i < res->n_notes; i++)
		if (res->notes[i].kind != FJ_APPROX)
			log_verbose(verbose, "%s: %s: %s: %s", res->notes[i].where,
				    fj_kind_name(res->notes[i].kind), res->notes[i].line, res->notes[i].why);
}

int fj_apply(const struct profile_env *e, char **host_env, bool verbose, enum fj_mode mode, const char *path,
	     struct config *c, struct profile *p, struct failure *f)
{
	struct fj_result res = { 0 };
	int r = fj_translate(e, host_env, path, &res);

	if (r == -EINVAL)
		r = failx(f, "firejail", "%s", res.error);
	else if (r < 0)
		r = fail(f, r, "firejail", "%s", path);
	if (r == 0)
		r = fj_load(e, &res, path, p, f);
	if (r == 0)
		r = profile_apply(p, c, 0, f);
	if (r == 0 && !(c->profile_path = strdup(path)))
		r = fail(f, -ENOMEM, "firejail", NULL);
	if (r == 0)
		log_summary(&res, path, verbose);
	fj_result_free(&res);
	if (r < 0 && r != -ENOMEM && mode == FJ_MODE_LENIENT) {
		profile_free(p);
		return 1;
	}
	return r;
}
