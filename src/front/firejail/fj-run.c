/* The translator's entry points: where firejail's profiles are looked up, one translation
 * (hutch's default secrets list first, then the firejail file with its includes, then the
 * end), its loading as a hutch profile, and hutch's setting that turns the fallback off.
 * Launcher side (and `hutch profile`), the caller's own privileges; it reads files only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "front/firejail/fj-int.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"

#define SECRETS_INC "inc/hide-secrets.inc"

/* ~/.config/firejail then /etc/firejail, or $HUTCH_FIREJAIL_PATH's absolute entries. */
static int search_dirs(const struct profile_env *e, char **host_env, char ***ret)
{
	const char *list = strv_env_get(host_env, "HUTCH_FIREJAIL_PATH");
	_cleanup_free_ char *user = path_join(e->config_home, "firejail");
	int r = 0;

	if (!user)
		return -ENOMEM;
	if (!list) {
		r = strv_extend(ret, user);
		return r == 0 ? strv_extend(ret, FJ_SYSTEM_DIR) : r;
	}
	for (const char *p = list; r == 0 && *p;) {
		size_t n = strcspn(p, ":");
		_cleanup_free_ char *d = strndup(p, n);
		if (!d)
			return -ENOMEM;
		if (d[0] == '/')
			r = strv_extend(ret, d);
		p += n + (p[n] == ':');
	}
	return r;
}

int fj_find(const struct profile_env *e, char **host_env, const char *name, char **ret_path)
{
	_cleanup_strv_free_ char **dirs = NULL;
	int r = search_dirs(e, host_env, &dirs);

	if (r < 0)
		return r;
	if (!*name || strchr(name, '/') || name[0] == '.')
		return -ENOENT;
	for (char **d = dirs; d && *d; d++) {
		struct stat st;
		char *path = NULL;
		if (asprintf(&path, "%s/%s.profile", *d, name) < 0)
			return -ENOMEM;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			*ret_path = path;
			return 0;
		}
		free(path);
	}
	return -ENOENT;
}

/* hutch's own list of secrets (its default profile's), when installed: firejail's lists hide
 * less (~/.ssh only in part). Where firejail's profile noblacklists one of them, it is lifted
 * with `ignore blacklist`, as a hutch profile would. */
static int secrets_path(const struct profile_env *e, char **ret)
{
	for (size_t i = 0; i < e->n_dirs; i++) {
		struct stat st;
		char *p = path_join(e->dirs[i].path, SECRETS_INC);
		if (!p)
			return -ENOMEM;
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			*ret = p;
			return 0;
		}
		free(p);
	}
	return -ENOENT;
}

static bool contains(char **v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

static int lift_secrets(struct fj_state *s, const char *path)
{
	FILE *in = fopen(path, "re");
	char line[1024];
	int r = 0;

	if (!in)
		return 0;
	while (r == 0 && fgets(line, sizeof(line), in)) {
		_cleanup_free_ char *p = NULL;
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "blacklist ~/", 12) != 0)
			continue;
		if (asprintf(&p, "%s/%s", s->env->home, line + 12) < 0)
			r = -ENOMEM;
		else if (contains(s->noblack, p))
			r = fj_emit(s, "ignore blacklist", p);
	}
	fclose(in);
	return r;
}

static void state_free(struct fj_state *s)
{
	strv_free(s->search);
	strv_free(s->stack);
	strv_free(s->ignores);
	strv_free(s->user_dirs);
	strv_free(s->noblack);
	strv_free(s->nowhite);
	strv_free(s->home_white);
	strv_free(s->read_only);
	strv_free(s->tmpfs_dirs);
}

int fj_translate(const struct profile_env *e, char **host_env, const char *path, struct fj_result *res)
{
	struct fj_state s = { .env = e, .host_env = host_env, .res = res };
	_cleanup_free_ char *secrets = NULL, *head = NULL;
	int r = search_dirs(e, host_env, &s.search);

	*res = (struct fj_result){ 0 };
	if (r == 0 && asprintf(&head, "# translated by hutch from firejail's %s", path) < 0)
		r = -ENOMEM;
	if (r == 0)
		r = fj_user_dirs(&s);
	if (r == 0)
		r = fj_emit(&s, head, NULL);
	if (r == 0 && (r = secrets_path(e, &secrets)) == 0)
		r = fj_emit(&s, "include", SECRETS_INC);
	if (r == -ENOENT)
		r = 0;
	if (r == 0)
		r = fj_read_file(&s, path, NULL);
	if (r == 0)
		r = fj_map_finish(&s);
	if (r == 0 && secrets)
		r = lift_secrets(&s, secrets);
	state_free(&s);
	return r;
}

int fj_load(const struct profile_env *e, const struct fj_result *r, const char *path, struct profile *p,
	    struct failure *f)
{
	return profile_load_buffer(e, path, r->out.s, r->out.len, 0, p, f);
}
