/* The translator's output: hutch directive lines (words quoted as hutch's lexer reads them),
 * the notes on approximated and dropped firejail lines, and the one error line. Launcher side,
 * the caller's own privileges; it only builds strings. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "front/firejail/fj-int.h"
#include "lib/macro.h"
#include "lib/strbuf.h"
#include "lib/strv.h"

static int out_add(struct fj_result *r, const char *s, size_t n)
{
	return strbuf_add(&r->out, s, n);
}

static int out_str(struct fj_result *r, const char *s)
{
	return out_add(r, s, strlen(s));
}

static bool word_plain(const char *s)
{
	if (!*s || *s == '#' || *s == '~')
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._,:=+@%^-*",
			    *s) &&
		    !((unsigned char)*s & 0x80))
			return false;
	return true;
}

/* Quoted with backslashes before '"', '\' and '$', so that no macro of hutch's is expanded
 * again in a path firejail already expanded. */
static int out_word(struct fj_result *r, const char *s)
{
	int rc = word_plain(s) ? out_str(r, s) : out_add(r, "\"", 1);

	for (const char *p = s; rc == 0 && !word_plain(s) && *p; p++) {
		if (strchr("\"\\$", *p))
			rc = out_add(r, "\\", 1);
		if (rc == 0)
			rc = out_add(r, p, 1);
	}
	if (rc == 0 && !word_plain(s))
		rc = out_add(r, "\"", 1);
	return rc;
}

int fj_emit(struct fj_state *s, const char *directive, const char *arg)
{
	int r = out_str(s->res, directive);

	if (r == 0 && arg)
		r = out_add(s->res, " ", 1);
	if (r == 0 && arg)
		r = out_word(s->res, arg);
	return r == 0 ? out_add(s->res, "\n", 1) : r;
}

const char *fj_kind_name(enum fj_note_kind k)
{
	return k == FJ_APPROX ? "approximated" : k == FJ_DROPPED ? "dropped" : "weaker";
}

/* A note is also a comment line in the text, where the line would have gone. */
int fj_note(struct fj_state *s, const struct fj_src *src, enum fj_note_kind kind, const char *fmt, ...)
{
	struct fj_result *r = s->res;
	struct fj_note *n = realloc(r->notes, (r->n_notes + 1) * sizeof(*n));
	va_list ap;
	int rc;

	if (!n)
		return -ENOMEM;
	r->notes = n;
	n = &r->notes[r->n_notes];
	*n = (struct fj_note){ .kind = kind };
	va_start(ap, fmt);
	rc = vasprintf(&n->why, fmt, ap);
	va_end(ap);
	if (rc < 0 || asprintf(&n->where, "%s:%u", src->file, src->line) < 0 ||
	    !(n->line = strdup(src->text))) {
		free(n->why);
		free(n->where);
		return -ENOMEM;
	}
	r->n_notes++;
	r->n_kind[kind]++;
	rc = out_str(r, "# ");
	if (rc == 0)
		rc = out_str(r, fj_kind_name(kind));
	if (rc == 0)
		rc = out_str(r, ": ");
	for (const char *p = n->line; rc == 0 && *p; p++)
		rc = out_add(r, (unsigned char)*p < 0x20 ? "?" : p, 1);
	if (rc == 0)
		rc = out_str(r, " - ");
	if (rc == 0)
		rc = out_str(r, n->why);
	return rc == 0 ? out_add(r, "\n", 1) : rc;
}

int fj_error(struct fj_state *s, const struct fj_src *src, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;
	int rc;

	if (s->res->error)
		return -EINVAL;
	va_start(ap, fmt);
	rc = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	if (src->line)
		rc = asprintf(&s->res->error, "%s:%u: %s: %s", src->file, src->line, src->text, msg);
	else
		rc = asprintf(&s->res->error, "%s: %s", src->file, msg);
	return rc < 0 ? -ENOMEM : -EINVAL;
}

void fj_write_notes(const struct fj_result *r, FILE *out)
{
	for (size_t i = 0; i < r->n_notes; i++)
		fprintf(out, "# %s (%s) %s: %s\n", fj_kind_name(r->notes[i].kind), r->notes[i].where,
			r->notes[i].line, r->notes[i].why);
}

void fj_result_free(struct fj_result *r)
{
	for (size_t i = 0; i < r->n_notes; i++) {
		free(r->notes[i].where);
		free(r->notes[i].line);
		free(r->notes[i].why);
	}
	free(r->notes);
	free(r->out.s);
	free(r->error);
	strv_free(r->files);
	*r = (struct fj_result){ 0 };
}
