/* Reading firejail's profile files: lines, `include` (looked up in ~/.config/firejail, the
 * including file's directory, then /etc/firejail; a missing NAME.local is no error, as in
 * firejail), include loops, `ignore` (a later line that starts with the ignored words is
 * skipped), `quiet`, and `?CONDITION:` lines, evaluated as firejail does when started with no
 * option of its own and its stock firejail.config. Each remaining line goes to the mapper in
 * order. Launcher side, the caller's own privileges; it reads files only. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "front/firejail/fj-int.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"

/* The conditions firejail 0.9.72 knows, with the value they have without firejail's command
 * line options (--appimage, --net, --nodbus, --nosound, --private, --x11) and with its stock
 * firejail.config (allow-tray no, browser-allow-drm no, browser-disable-u2f yes). */
static const struct {
	const char *name;
	bool value;
} conditions[] = {
	{ "HAS_APPIMAGE", false }, { "HAS_NET", false },	   { "HAS_NODBUS", false },
	{ "HAS_NOSOUND", false },  { "HAS_PRIVATE", false },	   { "HAS_X11", false },
	{ "ALLOW_TRAY", false },   { "BROWSER_ALLOW_DRM", false }, { "BROWSER_DISABLE_U2F", true },
};

static int eval_condition(struct fj_state *s, const struct fj_src *src, const char **text, bool *ret)
{
	const char *colon = strchr(*text, ':');
	size_t n = colon ? (size_t)(colon - *text - 1) : 0;

	for (size_t i = 0; colon && i < ARRAY_SIZE(conditions); i++)
		if (strlen(conditions[i].name) == n && strncmp(*text + 1, conditions[i].name, n) == 0) {
			*ret = conditions[i].value;
			*text = colon + 1 + strspn(colon + 1, " \t");
			return 0;
		}
	return fj_error(s, src,
			"condition '%.*s' cannot be evaluated (known: HAS_APPIMAGE, HAS_NET, "
			"HAS_NODBUS, HAS_NOSOUND, HAS_PRIVATE, HAS_X11, ALLOW_TRAY, BROWSER_ALLOW_DRM, "
			"BROWSER_DISABLE_U2F)",
			(int)(colon ? n : strcspn(*text + 1, " \t")), *text + 1);
}

static bool ignored(const struct fj_state *s, const char *text)
{
	for (char **i = s->ignores; i && *i; i++) {
		size_t n = strlen(*i);
		if (strncmp(text, *i, n) == 0 && (text[n] == '\0' || text[n] == ' ' || text[n] == '\t'))
			return true;
	}
	return false;
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int find_include(const struct fj_state *s, const char *includer, const char *name, char **ret)
{
	_cleanup_free_ char *dir = strdup(includer);
	char *slash;

	if (name[0] == '/')
		return (*ret = strdup(name)) ? 0 : -ENOMEM;
	if (!dir)
		return -ENOMEM;
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	for (size_t i = 0; i <= strv_length(s->search); i++) {
		/* the user's directory first, then the including file's, then the others */
		const char *d = i == 0 ? s->search[0] : i == 1 ? (slash ? dir : ".") : s->search[i - 1];
		char *p = path_join(d, name);
		if (!p)
			return -ENOMEM;
		if (is_file(p)) {
			*ret = p;
			return 0;
		}
		free(p);
	}
	return -ENOENT;
}

static int do_include(struct fj_state *s, const struct fj_src *src, const char *arg)
{
	_cleanup_strv_free_ char **words = NULL;
	_cleanup_free_ char *path = NULL;
	const char *bad;
	size_t n = strlen(arg);
	int r = fj_expand(s, arg, &words, &bad);

	if (r == -EINVAL)
		return fj_error(s, src, "unknown macro in '%s'", bad);
	if (r < 0)
		return r;
	if (!*arg)
		return fj_error(s, src, "include needs a file name");
	r = find_include(s, src->file, words[0], &path);
	if (r == -ENOENT && n > 6 && strcmp(arg + n - 6, ".local") == 0)
		return 0;
	if (r == -ENOENT)
		return fj_error(s, src,
				"no such file in ~/.config/firejail, %s or the including file's "
				"directory",
				FJ_SYSTEM_DIR);
	return r < 0 ? r : fj_read_file(s, path, src);
}

static int do_line(struct fj_state *s, struct fj_src *src)
{
	bool on = true;
	int r;

	if (src->text[0] == '?' && (r = eval_condition(s, src, &src->text, &on)) < 0)
		return r;
	if (!on || !*src->text || ignored(s, src->text))
		return 0;
	if (strncmp(src->text, "ignore ", 7) == 0) {
		const char *w = src->text + 7 + strspn(src->text + 7, " \t");
		return *w ? strv_extend(&s->ignores, w) : fj_error(s, src, "ignore needs a directive");
	}
	if (strncmp(src->text, "include ", 8) == 0)
		return do_include(s, src, src->text + 8 + strspn(src->text + 8, " \t"));
	if (strcmp(src->text, "quiet") == 0)
		return 0;
	s->res->n_lines++;
	return fj_map_line(s, src);
}

/* One line at a time, blanks around it removed; '#' starts a comment at its start or after a
 * blank. */
static int read_lines(struct fj_state *s, FILE *in, const char *file)
{
	char line[FJ_MAX_LINE + 2];
	unsigned no = 0;
	int r = 0;

	while (r == 0 && fgets(line, sizeof(line), in)) {
		size_t n = strlen(line);
		char *t = line + strspn(line, " \t");
		struct fj_src src = { file, ++no, t };
		if (n > FJ_MAX_LINE && line[n - 1] != '\n')
			return fj_error(s, &src, "line longer than %d bytes", FJ_MAX_LINE);
		/* a comment after a directive, as in "include x.inc # why": a blank then '#' */
		for (char *c = t; *c; c++)
			if (*c == '#' && c > t && (c[-1] == ' ' || c[-1] == '\t')) {
				*c = '\0';
				n = strlen(line);
				break;
			}
		while (n > 0 && strchr(" \t\r\n", line[n - 1]))
			line[--n] = '\0';
		if (*t && *t != '#')
			r = do_line(s, &src);
	}
	return r;
}

static int check_loop(struct fj_state *s, const char *path, const struct fj_src *from)
{
	for (char **p = s->stack; p && *p; p++)
		if (strcmp(*p, path) == 0)
			return fj_error(s, from, "include loop: %s is already being read", path);
	if (strv_length(s->stack) >= FJ_MAX_DEPTH)
		return fj_error(s, from, "includes nested deeper than %d", FJ_MAX_DEPTH);
	return 0;
}

int fj_read_file(struct fj_state *s, const char *path, const struct fj_src *from)
{
	struct fj_src top = { path, 0, "" };
	_cleanup_free_ char *real = realpath(path, NULL);
	FILE *in;
	int r;

	if (!real || !(in = fopen(real, "re")))
		return fj_error(s, from ? from : &top, "cannot read %s: %s", path, strerror(errno));
	r = check_loop(s, real, from ? from : &top);
	if (r == 0)
		r = strv_extend(&s->stack, real);
	if (r == 0)
		r = strv_extend(&s->res->files, path);
	if (r == 0)
		r = read_lines(s, in, s->res->files[strv_length(s->res->files) - 1]);
	fclose(in);
	if (r == 0) {
		size_t n = strv_length(s->stack);
		free(s->stack[n - 1]);
		s->stack[n - 1] = NULL;
	}
	return r;
}
