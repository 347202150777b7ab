/* Profile files (see profile.h and hutch.profile(5)): read and check each file, split its lines
 * into words (quotes, ${VAR} macros, ~/), follow `include`, queue the NAME.local overrides,
 * settle `ignore`, then apply the directives — the command line's own option table — to the
 * config. Runs in the launcher (and in `hutch profile`), with the caller's own privileges; it
 * reads files and writes nothing.
 * Over 600 lines: the lexer, the include walk and the directive application share one parse state
 * (struct parser); a split along that state is left for a change of its own. */
#include "front/profile/profile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/report.h"
#include "lib/fileio.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strbuf.h"
#include "lib/strv.h"

#define SYSTEM_PROFILE_DIR "/etc/hutch/profiles"

/* ---- small helpers ------------------------------------------------------------------------ */

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static bool is_blank(char c)
{
	/* CR is blank so that files saved with CRLF line ends read the same. */
	return c == ' ' || c == '\t' || c == '\r';
}

char *profile_name_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	size_t len = strlen(base);

	if (ends_with(base, ".profile") && len > strlen(".profile"))
		len -= strlen(".profile");
	return strndup(base, len);
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	return slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
}

/* ---- the environment: macro values and the search path ------------------------------------ */

/* An XDG base directory: the variable when it holds an absolute path (the spec says relative
 * ones are invalid and to be ignored), else $HOME/fallback. */
static char *xdg_dir(char **env, const char *var, const char *home, const char *fallback)
{
	const char *v = strv_env_get(env, var);

	return v && v[0] == '/' ? strdup(v) : path_join(home, fallback);
}

static int env_add_dir(struct profile_env *e, const char *path, size_t len, enum profile_dir_kind kind)
{
	struct profile_dir *d = realloc(e->dirs, (e->n_dirs + 1) * sizeof(*d));
	char *p;

	if (!d)
		return -ENOMEM;
	e->dirs = d;
	if (!(p = strndup(path, len)))
		return -ENOMEM;
	path_normalize(p);
	e->dirs[e->n_dirs++] = (struct profile_dir){ .path = p, .kind = kind };
	return 0;
}

/* Whether this binary is the one in the build directory it was built in (HUTCH_BUILD_DIR, from
 * meson): such a binary was not installed, so its shipped profiles are the source tree's, not
 * HUTCH_DATADIR's (absent or older). An installed binary lives elsewhere and never looks into a
 * build tree. */
static bool running_uninstalled(void)
{
#if defined(HUTCH_BUILD_DIR) && defined(HUTCH_SOURCE_DIR)
	char exe[PATH_MAX], build[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash;

	if (n <= 0)
		return false;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return false;
	*slash = '\0';
	/* /proc/self/exe is canonical; the build dir meson names may hold a symlink */
	return strcmp(exe, HUTCH_BUILD_DIR) == 0 ||
	       (realpath(HUTCH_BUILD_DIR, build) && strcmp(exe, build) == 0);
#else
	return false;
#endif
}

static int env_add_shipped(struct profile_env *e)
{
	const char *dir = HUTCH_DATADIR "/profiles";

#ifdef HUTCH_SOURCE_DIR
	if ((e->uninstalled = running_uninstalled()))
		dir = HUTCH_SOURCE_DIR "/profiles";
#endif
	return env_add_dir(e, dir, strlen(dir), PROFILE_DIR_SHIPPED);
}

/* user, then /etc, then the shipped set: $HUTCH_PROFILE_PATH (for tests and packagers: a
 * colon-separated list that stands in for the shipped directory) or HUTCH_DATADIR/profiles
 * (the source tree's profiles/ for a binary run from its build directory). */
static int env_fill_dirs(struct profile_env *e, char **host_env)
{
	const char *list = strv_env_get(host_env, "HUTCH_PROFILE_PATH");
	_cleanup_free_ char *user = path_join(e->config_home, "hutch/profiles");
	int r;

	if (!user)
		return -ENOMEM;
	r = env_add_dir(e, user, strlen(user), PROFILE_DIR_USER);
	if (r == 0)
		r = env_add_dir(e, SYSTEM_PROFILE_DIR, strlen(SYSTEM_PROFILE_DIR), PROFILE_DIR_SYSTEM);
	if (r == 0 && !list)
		return env_add_shipped(e);
	for (const char *p = list; r == 0 && p && *p;) {
		size_t len = strcspn(p, ":");
		if (p[0] == '/') /* a relative entry would depend on where hutch is started */
			r = env_add_dir(e, p, len, PROFILE_DIR_SHIPPED);
		p += len + (p[len] == ':');
	}
	return r;
}

static int env_fill_identity(struct profile_env *e, char **host_env)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	const char *home = strv_env_get(host_env, "HOME");

	e->uid = getuid();
	if (getpwuid_r(e->uid, &pw, buf, sizeof(buf), &res) == 0 && res) {
		e->user = strdup(pw.pw_name);
		if (!home || home[0] != '/')
			home = pw.pw_dir;
	} else if (asprintf(&e->user, "%u", (unsigned)e->uid) < 0)
		e->user = NULL;
	/* $HOME wins over the passwd entry, as config.c decides for the sandbox's home. */
	e->home = strdup(home && home[0] == '/' ? home : "/");
	if (!e->user || !e->home)
		return -ENOMEM;
	path_normalize(e->home);
	return 0;
}

int profile_env_init(struct profile_env *e, char **host_env, struct failure *f)
{
	const char *rt = strv_env_get(host_env, "XDG_RUNTIME_DIR");
	int r;

	*e = (struct profile_env){ 0 };
	r = env_fill_identity(e, host_env);
	e->pwd = getcwd(NULL, 0);
	e->config_home = xdg_dir(host_env, "XDG_CONFIG_HOME", e->home, ".config");
	e->data_home = xdg_dir(host_env, "XDG_DATA_HOME", e->home, ".local/share");
	e->cache_home = xdg_dir(host_env, "XDG_CACHE_HOME", e->home, ".cache");
	/* The spec gives XDG_RUNTIME_DIR no default; /run/user/UID is where logind puts it. */
	if (rt && rt[0] == '/')
		e->runtime_dir = strdup(rt);
	else if (asprintf(&e->runtime_dir, "/run/user/%u", (unsigned)e->uid) < 0)
		e->runtime_dir = NULL;
	if (r == 0 && (!e->config_home || !e->data_home || !e->cache_home || !e->runtime_dir))
		r = -ENOMEM;
	if (r == 0)
		r = env_fill_dirs(e, host_env);
	if (r < 0) {
		profile_env_free(e);
		return fail(f, r, "profile", NULL);
	}
	return 0;
}

void profile_env_free(struct profile_env *e)
{
	free(e->home);
	free(e->user);
	free(e->pwd);
	free(e->runtime_dir);
	free(e->config_home);
	free(e->data_home);
	free(e->cache_home);
	for (size_t i = 0; i < e->n_dirs; i++)
		free(e->dirs[i].path);
	free(e->dirs);
	*e = (struct profile_env){ 0 };
}

/* ---- diagnostics -------------------------------------------------------------------------- */

struct pos {
	const char *file;
	unsigned line, col; /* 0: the whole file */
};

static int profile_vdiag(struct profile *p, enum profile_diag_kind kind, const struct pos *at,
			 const char *fmt, va_list ap)
{
	struct profile_diag *d = realloc(p->diags, (p->n_diags + 1) * sizeof(*d));
	struct profile_diag n = { .kind = kind };
	int r;

	if (!d)
		return -ENOMEM;
	p->diags = d;
	if (at->line)
		r = asprintf(&n.where, "%s:%u:%u", at->file, at->line, at->col);
	else
		r = asprintf(&n.where, "%s", at->file);
	if (r < 0 || vasprintf(&n.msg, fmt, ap) < 0) {
		free(r < 0 ? NULL : n.where);
		return -ENOMEM;
	}
	p->diags[p->n_diags++] = n;
	p->n_errors += kind == PROFILE_ERROR;
	return 0;
}

/* Record an error; the first one also goes into f. Returns -EINVAL (or -ENOMEM). */
static int _printf_(4, 5)
    profile_error(struct profile *p, struct failure *f, const struct pos *at, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = profile_vdiag(p, PROFILE_ERROR, at, fmt, ap);
	va_end(ap);
	if (r < 0)
		return fail(f, r, "profile", NULL);
	if (p->n_errors == 1) {
		const struct profile_diag *d = &p->diags[p->n_diags - 1];
		failx(f, "", "%s: %s", d->where, d->msg);
	}
	return -EINVAL;
}

static int _printf_(3, 4) profile_warn(struct profile *p, const struct pos *at, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = profile_vdiag(p, PROFILE_WARNING, at, fmt, ap);
	va_end(ap);
	return r;
}

const struct profile_diag *profile_first_error(const struct profile *p)
{
	for (size_t i = 0; i < p->n_diags; i++)
		if (p->diags[i].kind == PROFILE_ERROR)
			return &p->diags[i];
	return NULL;
}

/* ---- the loader's state ------------------------------------------------------------------- */

struct file_id {
	dev_t dev;
	ino_t ino;
};

struct loader {
	const struct profile_env *env;
	struct profile *p;
	unsigned flags;
	struct failure *f;
	const char *stack[PROFILE_MAX_DEPTH + 1]; /* the include chain, for cycle messages */
	struct file_id stack_id[PROFILE_MAX_DEPTH + 1];
	size_t depth;
	struct file_id *seen; /* every file read, parallel to p->files */
	char **locals;	      /* NAME.local files still to read, in order */
	struct file_id *local_id;
	size_t n_locals;
};

/* A line's problem stops the load, unless `profile check` wants every error. */
static bool keep_going(const struct loader *ld, int r)
{
	return r == -EINVAL && (ld->flags & PROFILE_KEEP_GOING);
}

/* Columns count characters (the text is valid UTF-8 by then), from 1. */
static unsigned col_of(const char *line, size_t off)
{
	unsigned col = 1;

	for (size_t i = 0; i < off; i++)
		col += ((unsigned char)line[i] & 0xC0) != 0x80;
	return col;
}

/* ---- whole-file checks: size, NUL, control characters, UTF-8, line length ------------------ */

/* Length of the UTF-8 sequence at s (at most n bytes), or 0 when it is not well formed
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : 2;
	unsigned cp;

	if (s[0] < 0xC2 || s[0] > 0xF4 || n < len)
		return 0;
	cp = s[0] & (0x3F >> (len - 1));
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* The first byte of data that is not allowed, or len. *ret_why says what is wrong. */
static size_t scan_bad_byte(const char *data, size_t len, const char **ret_why)
{
	size_t line_start = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)data[i];
		size_t step = 1;
		if (c == '\n') {
			line_start = i + 1;
			i++;
			continue;
		}
		if (i - line_start >= PROFILE_MAX_LINE)
			*ret_why = "line is longer than 4096 bytes";
		else if (c == 0)
			*ret_why = "NUL byte";
		else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
			*ret_why = "control character";
		else if (c >= 0x80 && !(step = utf8_seq((const unsigned char *)data + i, len - i)))
			*ret_why = "not valid UTF-8";
		else {
			i += step;
			continue;
		}
		return i;
	}
	return len;
}

static void pos_at(const char *data, size_t off, const char *file, struct pos *ret)
{
	const char *line = data;

	*ret = (struct pos){ .file = file, .line = 1 };
	for (const char *q = data; q < data + off; q++)
		if (*q == '\n') {
			ret->line++;
			line = q + 1;
		}
	ret->col = col_of(line, (size_t)(data + off - line));
}

static int check_text(struct loader *ld, const char *file, const char *data, size_t len)
{
	const char *why = NULL;
	size_t bad;
	struct pos at;

	if (len > PROFILE_MAX_FILE) {
		pos_at(data, PROFILE_MAX_FILE, file, &at);
		return profile_error(ld->p, ld->f, &at, "file is larger than 1 MiB");
	}
	bad = scan_bad_byte(data, len, &why);
	if (bad == len)
		return 0;
	pos_at(data, bad, file, &at);
	if (data[bad] && strcmp(why, "control character") == 0)
		return profile_error(ld->p, ld->f, &at, "control character 0x%02x", (unsigned char)data[bad]);
	return profile_error(ld->p, ld->f, &at, "%s", why);
}

/* ---- reading a file ----------------------------------------------------------------------- */

/* A profile is a regular file; O_NONBLOCK so that a fifo named like one cannot hang us. */
static int read_file(const char *path, char **ret, size_t *ret_len, struct file_id *ret_id)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return negative_errno();
	if (fstat(fd, &st) < 0)
		return negative_errno();
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (!S_ISREG(st.st_mode))
		return -EBADFD;
	*ret_id = (struct file_id){ .dev = st.st_dev, .ino = st.st_ino };
	return fileio_read_fd(fd, PROFILE_MAX_FILE, ret, ret_len);
}

static const char *read_error(int r)
{
	return r == -EBADFD ? "not a regular file" : strerror(-r);
}

/* ---- words: quotes, macros, ~ -------------------------------------------------------------- */

struct token {
	char *text;
	size_t start, end; /* byte offsets in the line */
	bool quoted;
};

struct lexer {
	struct loader *ld;
	const char *file;
	unsigned lineno;
	const char *s; /* the line, without its newline */
	size_t len, i;
};

static int _printf_(3, 4) lex_error(const struct lexer *lx, size_t off, const char *fmt, ...)
{
	struct pos at = { lx->file, lx->lineno, col_of(lx->s, off) };
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return profile_error(lx->ld->p, lx->ld->f, &at, "%s", msg);
}

/* The value of ${NAME}: 0 and *ret, -ENOENT for an unknown name, -ENXIO for ${PWD} when the
 * current directory is gone. */
static int macro_value(const struct profile_env *e, const char *name, size_t len, char *uid_buf,
		       size_t uid_size, const char **ret)
{
	const struct {
		const char *name;
		const char *value;
	} macros[] = {
		{ "HOME", e->home },
		{ "USER", e->user },
		{ "PWD", e->pwd },
		{ "XDG_RUNTIME_DIR", e->runtime_dir },
		{ "XDG_CONFIG_HOME", e->config_home },
		{ "XDG_DATA_HOME", e->data_home },
		{ "XDG_CACHE_HOME", e->cache_home },
		{ "UID", uid_buf },
	};

	snprintf(uid_buf, uid_size, "%u", (unsigned)e->uid);
	for (size_t i = 0; i < ARRAY_SIZE(macros); i++)
		if (strlen(macros[i].name) == len && strncmp(macros[i].name, name, len) == 0) {
			*ret = macros[i].value;
			return macros[i].value ? 0 : -ENXIO;
		}
	return -ENOENT;
}

/* ${NAME} at lx->i. */
static int lex_macro(struct lexer *lx, struct strbuf *b)
{
	const char *name = lx->s + lx->i + 2, *end = memchr(name, '}', lx->len - lx->i - 2), *v = NULL;
	char uid[16];
	int r;

	if (!end)
		return lex_error(lx, lx->i, "'${' without a closing '}'");
	r = macro_value(lx->ld->env, name, (size_t)(end - name), uid, sizeof(uid), &v);
	if (r == -ENOENT)
		return lex_error(lx, lx->i, "unknown variable '${%.*s}'", (int)(end - name), name);
	if (r < 0)
		return lex_error(lx, lx->i, "${PWD}: the current directory is gone");
	lx->i = (size_t)(end - lx->s) + 1;
	return strbuf_add(b, v, strlen(v));
}

/* "..." at lx->i: \" \\ \$ are the only escapes; ${VAR} is filled, ~ is not. */
static int lex_quoted(struct lexer *lx, struct strbuf *b)
{
	size_t open = lx->i++;
	int r = 0;

	while (r == 0) {
		char c = lx->i < lx->len ? lx->s[lx->i] : '\0';
		if (lx->i >= lx->len)
			return lex_error(lx, open, "unterminated quote");
		if (c == '"') {
			lx->i++;
			return 0;
		}
		if (c == '\\') {
			char n = lx->i + 1 < lx->len ? lx->s[lx->i + 1] : '\0';
			if (n != '"' && n != '\\' && n != '$')
				return lex_error(lx, lx->i, "unknown escape (only \\\", \\\\ and \\$)");
			r = strbuf_add(b, &n, 1);
			lx->i += 2;
		} else if (c == '$' && lx->i + 1 < lx->len && lx->s[lx->i + 1] == '{')
			r = lex_macro(lx, b);
		else {
			r = strbuf_add(b, &c, 1);
			lx->i++;
		}
	}
	return r;
}

/* ~ stands for ${HOME} at the start of a word and after an unquoted ':' (SRC:DST), when a '/',
 * a ':' or the end of the word follows. */
static bool at_tilde(const struct lexer *lx, size_t start, bool after_colon)
{
	char n = lx->i + 1 < lx->len ? lx->s[lx->i + 1] : ' ';

	return lx->s[lx->i] == '~' && (lx->i == start || after_colon) &&
	       (n == '/' || n == ':' || is_blank(n));
}

/* How many characters from lx->i on need nothing but copying (at least the one there): a
 * word is mostly such a run, added at once rather than a character at a time. */
static size_t plain_run(const struct lexer *lx)
{
	size_t n = 1;

	for (; lx->i + n < lx->len; n++)
		switch (lx->s[lx->i + n]) {
		case ' ':
		case '\t':
		case '\r':
		case '"':
		case '\\':
		case '$':
		case '~':
		case ':':
			return n;
		}
	return n;
}

static int lex_word(struct lexer *lx, struct token *ret)
{
	struct strbuf b = { 0 };
	size_t start = lx->i;
	bool after_colon = false, quoted = false;
	int r = strbuf_add(&b, "", 0);

	while (r == 0 && lx->i < lx->len && !is_blank(lx->s[lx->i])) {
		char c = lx->s[lx->i];
		bool colon = false;
		if (c == '"') {
			quoted = true;
			r = lex_quoted(lx, &b);
		} else if (c == '\\')
			r = lex_error(lx, lx->i, "a backslash escapes only inside double quotes");
		else if (c == '$' && lx->i + 1 < lx->len && lx->s[lx->i + 1] == '{')
			r = lex_macro(lx, &b);
		else if (at_tilde(lx, start, after_colon)) {
			r = strbuf_add(&b, lx->ld->env->home, strlen(lx->ld->env->home));
			lx->i++;
		} else {
			size_t n = c == ':' ? 1 : plain_run(lx);
			colon = c == ':';
			r = strbuf_add(&b, lx->s + lx->i, n);
			lx->i += n;
		}
		after_colon = colon;
	}
	if (r < 0) {
		free(b.s);
		return r;
	}
	*ret = (struct token){ .text = b.s, .start = start, .end = lx->i, .quoted = quoted };
	return 0;
}

static void tokens_free(struct token *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].text);
	free(t);
}

/* Split the line into words; a '#' where a word would start begins a comment. */
static int lex_line(struct lexer *lx, struct token **ret, size_t *ret_n)
{
	struct token *t = NULL;
	size_t n = 0;
	int r = 0;

	for (;;) {
		while (lx->i < lx->len && is_blank(lx->s[lx->i]))
			lx->i++;
		if (lx->i >= lx->len || lx->s[lx->i] == '#')
			break;
		struct token *nt = realloc(t, (n + 1) * sizeof(*t));
		if (!nt) {
			r = -ENOMEM;
			break;
		}
		t = nt;
		if ((r = lex_word(lx, &t[n])) < 0)
			break;
		n++;
	}
	if (r < 0) {
		tokens_free(t, n);
		return r;
	}
	*ret = t;
	*ret_n = n;
	return 0;
}

/* ---- directive lines ---------------------------------------------------------------------- */

struct line {
	struct lexer *lx;
	struct token *t;
	size_t n;
};

static struct pos line_pos(const struct line *l, size_t tok)
{
	size_t off = tok < l->n ? l->t[tok].start : l->t[l->n - 1].end;

	return (struct pos){ l->lx->file, l->lx->lineno, col_of(l->lx->s, off) };
}

static int _printf_(3, 4) line_error(const struct line *l, size_t tok, const char *fmt, ...)
{
	struct pos at = line_pos(l, tok);
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return profile_error(l->lx->ld->p, l->lx->ld->f, &at, "%s", msg);
}

/* want: the number of arguments allowed, from min to max. */
static int check_argc(const struct line *l, const char *what, size_t min, size_t max, const char *metavar)
{
	size_t got = l->n - 1;

	if (got >= min && got <= max)
		return 0;
	if (max == 0)
		return line_error(l, 1, "'%s' takes no argument", what);
	if (got < min)
		return line_error(l, l->n, "'%s' needs an argument (%s)", what, metavar);
	return line_error(l, max + 1, "'%s' takes %s argument%s (%s); quote a path with spaces", what,
			  max == 1 ? "one" : "at most two", max == 1 ? "" : "s", metavar);
}

/* Edit distance of two short words (names past 31 characters are never close). */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), prev[32], cur[32];

	if (la > 31 || lb > 31)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]), del = prev[j] + 1,
			       ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return prev[lb];
}

/* The directive a typo most likely meant, or NULL. */
static const char *closest_directive(const char *name)
{
	const char *best = NULL;
	size_t best_d = 3; /* more than two edits away is no suggestion */

	for (size_t i = 0; i < cli_n_options; i++) {
		size_t d = edit_distance(name, cli_options[i].name);
		if (!(cli_options[i].flags & CLI_ONLY) && d < best_d) {
			best = cli_options[i].name;
			best_d = d;
		}
	}
	return best;
}

static int lookup_directive(const struct line *l, size_t tok, const struct cli_option **ret)
{
	const char *name = l->t[tok].text, *near;
	const struct cli_option *o = cli_find(name, strlen(name));

	if (!o && (near = closest_directive(name)))
		return line_error(l, tok, "unknown directive '%s' (did you mean '%s'?)", name, near);
	if (!o)
		return line_error(l, tok, "unknown directive '%s'", name);
	if (o->flags & CLI_ONLY)
		return line_error(l, tok, "'%s' is a command-line option only, not a directive", name);
	*ret = o;
	return 0;
}

/* A metavar word that names a host or sandbox path (SRC, DST, DIR, PATH, LINK, …). */
static bool metavar_is_path(const char *w, size_t len)
{
	static const char *const words[] = { "SRC", "DST", "DIR", "PATH", "LINK", "UPPER", "ROOT" };

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strlen(words[i]) == len && strncmp(words[i], w, len) == 0)
			return true;
	return false;
}

/* In a profile, paths are absolute and without '..': a profile is read from no particular
 * directory (${PWD} says so when it means the current one), and '..' after a macro
 * (${HOME}/../other) would name a place the reader of the line does not see. Each part of
 * the argument is checked when the option's metavar calls it a path: SRC[:DST], TARGET:LINK
 * (the target of a symlink is not a path on the host), DIR[:DIR...]. */
static int check_path_part(const struct line *l, const char *arg, size_t len)
{
	_cleanup_free_ char *part = strndup(arg, len);

	if (!part)
		return -ENOMEM;
	if (part[0] != '/')
		return line_error(l, 1, "'%s': a path in a profile must be absolute (${PWD}/…, ~/…)", part);
	if (path_has_dotdot(part))
		return line_error(l, 1, "'%s': '..' is not allowed in a profile path", part);
	return 0;
}

static int check_paths(const struct line *l, const struct cli_option *o, const char *arg)
{
	const char *mv = o->metavar;
	int r = 0;

	while (r == 0 && mv && *arg) {
		size_t mlen = strcspn(mv, ":[]"), alen;
		const char *next = strchr(mv, ':');
		bool repeat = mlen > 3 && strncmp(mv + mlen - 3, "...", 3) == 0;
		if (repeat)
			mlen -= 3;
		alen = next || repeat ? strcspn(arg, ":") : strlen(arg);
		if (metavar_is_path(mv, mlen))
			r = check_path_part(l, arg, alen);
		if (!next && !repeat)
			break;
		mv = repeat ? mv : next + 1;
		arg += alen + (arg[alen] == ':');
	}
	return r;
}

static int add_entry(struct loader *ld, const struct line *l, const struct cli_option *o)
{
	struct profile *p = ld->p;
	struct profile_entry *e = realloc(p->entries, (p->n_entries + 1) * sizeof(*e));
	struct pos at = line_pos(l, 0);

	if (!e)
		return -ENOMEM;
	p->entries = e;
	e[p->n_entries] = (struct profile_entry){ .opt = o, .file = at.file, .line = at.line, .col = at.col };
	if (l->n > 1 && !(e[p->n_entries].arg = strdup(l->t[1].text)))
		return -ENOMEM;
	p->n_entries++;
	return 0;
}

static int do_directive(struct loader *ld, const struct line *l)
{
	const struct cli_option *o = NULL;
	int r = lookup_directive(l, 0, &o);

	if (r == 0)
		r = check_argc(l, o->name, o->arg == CLI_ARG, o->arg == CLI_ARG || (o->flags & CLI_OPTVALUE),
			       o->metavar);
	if (r == 0 && l->n > 1)
		r = check_paths(l, o, l->t[1].text);
	if (r == 0)
		r = add_entry(ld, l, o);
	return r;
}

/* ignore DIRECTIVE [ARG]: drops that directive (with that argument) wherever it occurs, so a
 * NAME.local, read last, can undo a line of the profile it overrides. */
static int do_ignore(struct loader *ld, const struct line *l)
{
	const struct cli_option *o = NULL;
	struct profile *p = ld->p;
	struct profile_ignore *ig;
	struct pos at = line_pos(l, 0);
	int r = check_argc(l, "ignore", 1, 2, "DIRECTIVE [ARG]");

	if (r == 0 && (strcmp(l->t[1].text, "include") == 0 || strcmp(l->t[1].text, "ignore") == 0))
		return line_error(l, 1, "'%s' cannot be ignored", l->t[1].text);
	if (r == 0)
		r = lookup_directive(l, 1, &o);
	if (r == 0 && l->n == 3 && o->arg == CLI_NOARG)
		return line_error(l, 2, "'%s' takes no argument, so 'ignore %s' takes none either", o->name,
				  o->name);
	if (r < 0)
		return r;
	if (!(ig = realloc(p->ignores, (p->n_ignores + 1) * sizeof(*ig))))
		return -ENOMEM;
	p->ignores = ig;
	ig[p->n_ignores] =
	    (struct profile_ignore){ .opt = o, .file = at.file, .line = at.line, .col = at.col };
	if (l->n == 3 && !(ig[p->n_ignores].arg = strdup(l->t[2].text)))
		return -ENOMEM;
	p->n_ignores++;
	return 0;
}

static int load_file(struct loader *ld, const char *path, const struct pos *from);

/* name in each profile directory in order; with try_profile, name.profile too. */
static int find_in_dirs(const struct loader *ld, const char *name, bool try_profile, char **ret)
{
	for (size_t i = 0; i < ld->env->n_dirs; i++)
		for (int k = 0; k < 1 + try_profile; k++) {
			struct stat st;
			char *path = NULL;
			if (asprintf(&path, "%s/%s%s", ld->env->dirs[i].path, name, k ? ".profile" : "") < 0)
				return -ENOMEM;
			if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
				*ret = path;
				return 0;
			}
			free(path);
		}
	return -ENOENT;
}

/* A NAME (no '/') is looked up in the profile directories, as NAME then NAME.profile; a
 * relative PATH beside the including file, then in the profile directories (so that a user's
 * own profile can say `include inc/hide-secrets.inc` too); an absolute PATH is itself. */
static int resolve_include(const struct loader *ld, const char *includer, const char *arg, char **ret)
{
	_cleanup_free_ char *dir = NULL, *path = NULL;
	struct stat st;

	if (!strchr(arg, '/'))
		return find_in_dirs(ld, arg, true, ret);
	if (arg[0] == '/')
		return (*ret = strdup(arg)) ? 0 : -ENOMEM;
	if (!(dir = dir_of(includer)) || !(path = path_join(dir, arg)))
		return -ENOMEM;
	path_normalize(path); /* "./x" and "a//b" read better in messages; ".." stays */
	if (stat(path, &st) < 0) {
		int r = find_in_dirs(ld, arg, false, ret);
		if (r != -ENOENT)
			return r;
	}
	*ret = TAKE_PTR(path); /* found nowhere else: the read error names this one */
	return 0;
}

static int do_include(struct loader *ld, const struct line *l)
{
	_cleanup_free_ char *path = NULL;
	struct pos at = line_pos(l, 1);
	const char *arg;
	int r = check_argc(l, "include", 1, 1, "NAME or PATH");

	if (r < 0)
		return r;
	arg = l->t[1].text;
	if (!*arg)
		return line_error(l, 1, "include: empty name");
	r = resolve_include(ld, l->lx->file, arg, &path);
	if (r == -ENOENT)
		return line_error(l, 1, "include '%s': not found in the profile directories", arg);
	if (r < 0)
		return r;
	if (ld->depth > PROFILE_MAX_DEPTH)
		return line_error(l, 1, "include '%s': includes nested more than %d deep", arg,
				  PROFILE_MAX_DEPTH);
	return load_file(ld, path, &at);
}

static int do_line(struct loader *ld, struct lexer *lx)
{
	struct line l = { .lx = lx };
	const char *name;
	int r = lex_line(lx, &l.t, &l.n);

	if (r < 0 || l.n == 0)
		return r;
	name = l.t[0].text;
	if (l.t[0].quoted || !*name ||
	    strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-._") != strlen(name))
		r = line_error(&l, 0, "expected a directive name, got '%s'", name);
	else if (strcmp(name, "include") == 0)
		r = do_include(ld, &l);
	else if (strcmp(name, "ignore") == 0)
		r = do_ignore(ld, &l);
	else
		r = do_directive(ld, &l);
	tokens_free(l.t, l.n);
	return r;
}

static int parse_text(struct loader *ld, const char *file, const char *data, size_t len)
{
	struct lexer lx = { .ld = ld, .file = file };
	int r = check_text(ld, file, data, len), first = 0;

	for (size_t off = 0; r == 0 && off < len;) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t n = nl ? (size_t)(nl - data) - off : len - off;
		lx.lineno++;
		lx.s = data + off;
		lx.len = n;
		lx.i = 0;
		r = do_line(ld, &lx);
		if (keep_going(ld, r)) {
			first = first ? first : r;
			r = 0;
		}
		off += n + 1;
	}
	return r < 0 ? r : first;
}

/* ---- files, cycles, NAME.local ------------------------------------------------------------ */

static int cycle_error(struct loader *ld, const struct pos *from, const char *path)
{
	struct strbuf b = { 0 };
	int r = 0;

	for (size_t i = 0; r == 0 && i < ld->depth; i++) {
		r = strbuf_add(&b, ld->stack[i], strlen(ld->stack[i]));
		if (r == 0)
			r = strbuf_add(&b, " -> ", 4);
	}
	if (r == 0)
		r = strbuf_add(&b, path, strlen(path));
	if (r == 0)
		r = profile_error(ld->p, ld->f, from, "include cycle: %s", b.s);
	free(b.s);
	return r;
}

static bool same_file(struct file_id a, struct file_id b)
{
	return a.dev == b.dev && a.ino == b.ino;
}

/* The file was already read: on the include chain it is a cycle, else a second include
 * (a fragment two profiles share) that would only repeat its lines. */
static int check_seen(struct loader *ld, const char *path, struct file_id id, const struct pos *from)
{
	for (size_t i = 0; i < ld->depth; i++)
		if (same_file(ld->stack_id[i], id))
			return cycle_error(ld, from, path);
	for (size_t i = 0; ld->p->files && ld->p->files[i]; i++)
		if (same_file(ld->seen[i], id)) {
			/* An automatic NAME.local that a profile already includes is no news. */
			int r = from
				    ? profile_warn(ld->p, from, "'%s' was already read; not read again", path)
				    : 0;
			return r < 0 ? r : 1;
		}
	return 0;
}

static int remember_file(struct loader *ld, const char *path, struct file_id id, const char **ret_name)
{
	size_t n = strv_length(ld->p->files);
	struct file_id *seen = realloc(ld->seen, (n + 1) * sizeof(*seen));

	if (!seen)
		return -ENOMEM;
	ld->seen = seen;
	seen[n] = id;
	if (strv_extend(&ld->p->files, path) < 0)
		return -ENOMEM;
	*ret_name = ld->p->files[n];
	return 0;
}

static int queue_local(struct loader *ld, const char *dir, const char *name)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;
	struct file_id *ids;

	if (asprintf(&path, "%s/%s.local", dir, name) < 0)
		return -ENOMEM;
	if (stat(path, &st) < 0)
		return 0;
	for (size_t i = 0; i < ld->n_locals; i++)
		if (same_file(ld->local_id[i], (struct file_id){ st.st_dev, st.st_ino }))
			return 0;
	if (!(ids = realloc(ld->local_id, (ld->n_locals + 1) * sizeof(*ids))))
		return -ENOMEM;
	ld->local_id = ids;
	ids[ld->n_locals] = (struct file_id){ st.st_dev, st.st_ino };
	if (strv_consume(&ld->locals, TAKE_PTR(path)) < 0)
		return -ENOMEM;
	ld->n_locals++;
	return 0;
}

static bool is_profile_dir(const struct profile_env *e, const char *dir)
{
	for (size_t i = 0; i < e->n_dirs; i++)
		if (strcmp(e->dirs[i].path, dir) == 0)
			return true;
	return false;
}

/* NAME.local in each profile directory from the shipped one up to the user's, so that the
 * user's override comes last and wins; beside a profile that lives elsewhere (--profile PATH),
 * that one first. */
static int queue_locals(struct loader *ld, const char *path)
{
	_cleanup_free_ char *name = profile_name_of(path), *dir = dir_of(path);
	int r = 0;

	if (!name || !dir)
		return -ENOMEM;
	path_normalize(dir);
	if (!is_profile_dir(ld->env, dir))
		r = queue_local(ld, dir, name);
	for (size_t i = ld->env->n_dirs; r == 0 && i > 0; i--)
		r = queue_local(ld, ld->env->dirs[i - 1].path, name);
	return r;
}

static int parse_file(struct loader *ld, const char *path, struct file_id id, const char *data, size_t len)
{
	const char *name = NULL;
	int r = remember_file(ld, path, id, &name);

	if (r < 0)
		return r;
	ld->stack[ld->depth] = name;
	ld->stack_id[ld->depth++] = id;
	r = parse_text(ld, name, data, len);
	ld->depth--;
	/* The selected profile and every included *.profile get their overrides. */
	if (r >= 0 && (ld->depth == 0 || ends_with(path, ".profile")) && !ends_with(path, ".local")) {
		int q = queue_locals(ld, path);
		r = q < 0 ? q : r;
	}
	return r;
}

static int load_file(struct loader *ld, const char *path, const struct pos *from)
{
	_cleanup_free_ char *data = NULL;
	struct file_id id;
	size_t len = 0;
	int r = read_file(path, &data, &len, &id);

	if (r == -ENOMEM)
		return r;
	if (r < 0 && from)
		return profile_error(ld->p, ld->f, from, "include '%s': %s", path, read_error(r));
	if (r < 0)
		return profile_error(ld->p, ld->f, &(struct pos){ .file = path }, "%s", read_error(r));
	r = check_seen(ld, path, id, from);
	if (r != 0)
		return r < 0 ? r : 0;
	return parse_file(ld, path, id, data, len);
}

/* ---- after every file: the overrides, then `ignore` ---------------------------------------- */

static bool ignore_matches(const struct profile_ignore *ig, const struct profile_entry *e)
{
	return ig->opt == e->opt && (!ig->arg || (e->arg && strcmp(ig->arg, e->arg) == 0));
}

static int settle_ignores(struct profile *p)
{
	for (size_t i = 0; i < p->n_ignores; i++) {
		struct profile_ignore *ig = &p->ignores[i];
		for (size_t k = 0; k < p->n_entries; k++)
			if (!p->entries[k].ignored_by && ignore_matches(ig, &p->entries[k])) {
				p->entries[k].ignored_by = i + 1;
				ig->matched++;
			}
		if (!ig->matched) {
			struct pos at = { ig->file, ig->line, ig->col };
			int r = profile_warn(p, &at, "'ignore %s%s%s' matches no directive", ig->opt->name,
					     ig->arg ? " " : "", ig->arg ? ig->arg : "");
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int load_locals(struct loader *ld)
{
	int first = 0;

	/* A .local may include a profile that queues more: the list grows while it is walked. */
	for (size_t i = 0; i < ld->n_locals; i++) {
		int r = load_file(ld, ld->locals[i], NULL);
		if (r < 0 && !keep_going(ld, r))
			return r;
		first = first ? first : r;
	}
	return first;
}

static int finish_load(struct loader *ld, int r)
{
	if (r >= 0 || keep_going(ld, r)) {
		int q = load_locals(ld);
		r = r < 0 ? r : q;
	}
	if (r >= 0 || keep_going(ld, r)) {
		int q = settle_ignores(ld->p);
		r = q < 0 ? q : r;
	}
	strv_free(ld->locals);
	free(ld->local_id);
	free(ld->seen);
	if (r == -ENOMEM)
		return fail(ld->f, r, "profile", NULL);
	return r < 0 ? r : 0;
}

int profile_load(const struct profile_env *e, const char *path, unsigned flags, struct profile *p,
		 struct failure *f)
{
	struct loader ld = { .env = e, .p = p, .flags = flags, .f = f };

	return finish_load(&ld, load_file(&ld, path, NULL));
}

int profile_load_buffer(const struct profile_env *e, const char *name, const char *data, size_t len,
			unsigned flags, struct profile *p, struct failure *f)
{
	struct loader ld = { .env = e, .p = p, .flags = flags, .f = f };

	/* No file identity: it cannot be part of a cycle other than through its own name. */
	return finish_load(&ld, parse_file(&ld, name, (struct file_id){ 0, 0 }, data, len));
}

/* ---- applying ----------------------------------------------------------------------------- */

/* The option's own message, its "--name" stage shown as the directive's name. */
static int apply_entry(struct profile *p, const struct profile_entry *e, struct config *c, struct failure *f)
{
	struct failure of = { 0 };
	char msg[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 128];
	struct pos at = { e->file, e->line, e->col };
	int r = e->opt->apply(c, e->arg, &of);

	if (r >= 0)
		return 0;
	if (r == -ENOMEM)
		return fail(f, r, "profile", NULL);
	if (strncmp(of.stage, "--", 2) == 0)
		memmove(of.stage, of.stage + 2, strlen(of.stage + 2) + 1);
	failure_format(&of, msg, sizeof(msg));
	return profile_error(p, f, &at, "%s", msg);
}

int profile_apply(struct profile *p, struct config *c, unsigned flags, struct failure *f)
{
	int first = 0;

	for (size_t i = 0; i < p->n_entries; i++) {
		if (p->entries[i].ignored_by)
			continue;
		int r = apply_entry(p, &p->entries[i], c, f);
		if (r < 0 && !(r == -EINVAL && (flags & PROFILE_KEEP_GOING)))
			return r;
		first = first ? first : r;
	}
	return first;
}

/* ---- writing ------------------------------------------------------------------------------ */

static bool word_is_plain(const char *s)
{
	if (!*s || s[0] == '#')
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._,:=+@%^-",
			    *s) &&
		    !((unsigned char)*s & 0x80))
			return false;
	return true;
}

static void write_word(FILE *out, const char *s)
{
	if (word_is_plain(s)) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '$')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* A file name in a comment: nothing that could end the line or read as a directive. */
static void write_comment(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7F ? '?' : *s, out);
}

void profile_write(const struct profile *p, FILE *out)
{
	const char *cur = NULL;

	fputs("# Resolved by hutch profile show: includes expanded, variables filled.\n", out);
	for (size_t i = 0; p->files && p->files[i]; i++) {
		fputs(i ? "#   " : "# Read: ", out);
		write_comment(out, p->files[i]);
		fputc('\n', out);
	}
	for (size_t i = 0; i < p->n_entries; i++) {
		const struct profile_entry *e = &p->entries[i];
		if (e->file != cur) {
			fputs("\n# from ", out);
			write_comment(out, e->file);
			fputc('\n', out);
			cur = e->file;
		}
		if (e->ignored_by)
			fputs("# ignored: ", out);
		fputs(e->opt->name, out);
		if (e->arg) {
			fputc(' ', out);
			write_word(out, e->arg);
		}
		fputc('\n', out);
	}
}

/* ---- choosing a profile ------------------------------------------------------------------- */

static bool is_path(const char *s)
{
	return strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0;
}

int profile_find(const struct profile_env *e, const char *name, char **ret_path)
{
	if (!*name || is_path(name))
		return -ENOENT;
	for (size_t i = 0; i < e->n_dirs; i++) {
		struct stat st;
		char *path = NULL;
		if (asprintf(&path, "%s/%s%s", e->dirs[i].path, name,
			     ends_with(name, ".profile") ? "" : ".profile") < 0)
			return -ENOMEM;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			*ret_path = path;
			return 0;
		}
		free(path);
	}
	return -ENOENT;
}

int profile_resolve(const struct profile_env *e, const char *arg, char **ret_path, struct failure *f)
{
	struct stat st;
	char *path;
	int r;

	if (!is_path(arg)) {
		r = profile_find(e, arg, ret_path);
		if (r == -ENOENT)
			return failx(f, "--profile",
				     "no profile named '%s' (see hutch profile list; a file here is ./%s)",
				     arg, arg);
		return r < 0 ? fail(f, r, "--profile", NULL) : 0;
	}
	if (stat(arg, &st) < 0)
		return fail(f, negative_errno(), "--profile", "%s", arg);
	if (S_ISDIR(st.st_mode))
		return failx(f, "--profile", "%s: is a directory, not a profile", arg);
	if (!(path = strdup(arg)))
		return fail(f, -ENOMEM, "--profile", NULL);
	*ret_path = path;
	return 0;
}

int profile_select(const struct profile_env *e, const char *explicit_profile, const char *command,
		   char **ret_path, struct failure *f)
{
	const char *base = command ? strrchr(command, '/') : NULL;
	int r = -ENOENT;

	if (explicit_profile)
		return profile_resolve(e, explicit_profile, ret_path, f);
	base = base ? base + 1 : command;
	/* A command's name picks its profile only as a plain name: never "x.profile" or "..". */
	if (base && !ends_with(base, ".profile"))
		r = profile_find(e, base, ret_path);
	if (r == -ENOENT)
		r = profile_find(e, "default", ret_path);
	if (r == -ENOENT) {
		*ret_path = NULL;
		return 0;
	}
	return r < 0 ? fail(f, r, "profile", NULL) : 0;
}

void profile_free(struct profile *p)
{
	for (size_t i = 0; i < p->n_entries; i++)
		free(p->entries[i].arg);
	free(p->entries);
	for (size_t i = 0; i < p->n_ignores; i++)
		free(p->ignores[i].arg);
	free(p->ignores);
	for (size_t i = 0; i < p->n_diags; i++) {
		free(p->diags[i].where);
		free(p->diags[i].msg);
	}
	free(p->diags);
	strv_free(p->files);
	*p = (struct profile){ 0 };
}

/* The lines that refuse something: each seccomp-deny name and each blacklist path. */
int profile_report_origins(struct config *c, const struct profile *p, struct failure *f)
{
	for (size_t i = 0; c->report && i < p->n_entries; i++) {
		const struct profile_entry *e = &p->entries[i];
		_cleanup_strv_free_ char **names = NULL;
		int r = 0;
		if (e->ignored_by || !e->arg)
			continue;
		if (strcmp(e->opt->name, "blacklist") == 0)
			r = report_note_origin(c, "blacklist", e->arg, e->file, e->line);
		else if (strcmp(e->opt->name, "seccomp-deny") == 0)
			r = strv_split_extend(&names, e->arg, ',');
		for (char **n = names; r == 0 && n && *n; n++)
			r = report_note_origin(c, "seccomp-deny", *n, e->file, e->line);
		if (r < 0)
			return fail(f, -ENOMEM, "--report", NULL);
	}
	return 0;
}
