/* firejail's macros: ${HOME}, ${CFG}, ${RUNUSER}, ${PATH} (each of firejail's fixed list of
 * program directories, so one word becomes several), the XDG user directories ${DESKTOP},
 * ${DOCUMENTS}, ${DOWNLOADS}, ${MUSIC}, ${PICTURES}, ${VIDEOS} (from user-dirs.dirs, as
 * xdg-user-dirs writes it), and a leading "~/". Launcher side, the caller's own privileges. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "front/firejail/fj-int.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"

/* firejail's own list, not the caller's $PATH: a profile names the same files everywhere. */
static const char *const bin_dirs[] = { "/usr/local/bin",   "/usr/bin",	       "/bin",	    "/usr/games",
					"/usr/local/games", "/usr/local/sbin", "/usr/sbin", "/sbin" };

static const char *const user_dir_names[] = { "DESKTOP", "DOCUMENTS", "DOWNLOADS",
					      "MUSIC",	 "PICTURES",  "VIDEOS" };
static const char *const user_dir_default[] = { "Desktop", "Documents", "Downloads",
						"Music",   "Pictures",	"Videos" };

bool fj_has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* One line of user-dirs.dirs: XDG_NAME_DIR="$HOME/Sub" (the only form the tool writes). */
static int user_dir_line(struct fj_state *s, const char *line)
{
	for (size_t i = 0; i < ARRAY_SIZE(user_dir_names); i++) {
		char key[32];
		size_t n = (size_t)snprintf(key, sizeof(key), "XDG_%s_DIR=\"", user_dir_names[i]);
		const char *v = line + n, *end;
		_cleanup_free_ char *val = NULL, *entry = NULL;
		if (strncmp(line, key, n) != 0 || !(end = strchr(v, '"')))
			continue;
		if (strncmp(v, "$HOME", 5) == 0)
			val = asprintf(&val, "%s%.*s", s->env->home, (int)(end - v - 5), v + 5) < 0 ? NULL
												    : val;
		else
			val = strndup(v, (size_t)(end - v));
		if (!val || asprintf(&entry, "%s=%s", user_dir_names[i], val) < 0)
			return -ENOMEM;
		return strv_extend(&s->user_dirs, entry);
	}
	return 0;
}

int fj_user_dirs(struct fj_state *s)
{
	_cleanup_free_ char *path = path_join(s->env->config_home, "user-dirs.dirs");
	char line[1024];
	FILE *in;
	int r = 0;

	if (!path)
		return -ENOMEM;
	if ((in = fopen(path, "re"))) {
		while (r == 0 && fgets(line, sizeof(line), in))
			r = user_dir_line(s, line);
		fclose(in);
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(user_dir_names); i++) {
		_cleanup_free_ char *entry = NULL;
		if (strv_env_get(s->user_dirs, user_dir_names[i]))
			continue;
		if (asprintf(&entry, "%s=%s/%s", user_dir_names[i], s->env->home, user_dir_default[i]) < 0)
			return -ENOMEM;
		r = strv_extend(&s->user_dirs, entry);
	}
	return r;
}

static const char *macro_value(const struct fj_state *s, const char *name, size_t len, char *buf)
{
	if (len == 4 && strncmp(name, "HOME", 4) == 0)
		return s->env->home;
	if (len == 3 && strncmp(name, "CFG", 3) == 0)
		return FJ_SYSTEM_DIR;
	if (len == 7 && strncmp(name, "RUNUSER", 7) == 0) {
		snprintf(buf, 64, "/run/user/%u", (unsigned)s->env->uid);
		return buf;
	}
	for (size_t i = 0; i < ARRAY_SIZE(user_dir_names); i++)
		if (strlen(user_dir_names[i]) == len && strncmp(name, user_dir_names[i], len) == 0)
			return strv_env_get(s->user_dirs, user_dir_names[i]);
	return NULL;
}

/* Expand every macro but ${PATH}, which the caller multiplies. */
static int expand_one(const struct fj_state *s, const char *in, char **ret, const char **ret_bad)
{
	char *text = NULL, buf[64];
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	int r = 0;

	if (!out)
		return -ENOMEM;
	if (strncmp(in, "~/", 2) == 0) {
		fputs(s->env->home, out);
		in++;
	}
	for (const char *p = in; *p;) {
		const char *end, *v;
		if (strncmp(p, "${", 2) != 0) {
			fputc(*p++, out);
			continue;
		}
		end = strchr(p, '}');
		if (!end || !(v = macro_value(s, p + 2, (size_t)(end - p - 2), buf))) {
			*ret_bad = p;
			r = -EINVAL;
			break;
		}
		fputs(v, out);
		p = end + 1;
	}
	if (fclose(out) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(text);
		return r;
	}
	*ret = text;
	return 0;
}

int fj_expand(const struct fj_state *s, const char *in, char ***ret, const char **ret_bad)
{
	const char *mark = strstr(in, "${PATH}");
	_cleanup_strv_free_ char **out = NULL;
	int r = 0;

	*ret_bad = NULL;
	for (size_t i = 0; r == 0 && i < (mark ? ARRAY_SIZE(bin_dirs) : 1); i++) {
		_cleanup_free_ char *with = NULL;
		char *one = NULL;
		if (mark && asprintf(&with, "%.*s%s%s", (int)(mark - in), in, bin_dirs[i], mark + 7) < 0)
			return -ENOMEM;
		r = expand_one(s, with ? with : in, &one, ret_bad);
		if (r == 0)
			r = strv_consume(&out, one);
	}
	if (r == 0)
		*ret = TAKE_PTR(out);
	return r;
}
