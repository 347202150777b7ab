/* Path helpers (see path-util.h). Pure; launcher side. */
#include "lib/path-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/macro.h"

void path_normalize(char *p)
{
	char *w = p;

	for (char *r = p; *r;) {
		if (r[0] == '/' && (r[1] == '/' || (r[1] == '.' && (r[2] == '/' || r[2] == '\0')))) {
			r += r[1] == '/' ? 1 : 2;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	if (w > p + 1 && w[-1] == '/')
		w[-1] = '\0';
	if (!*p)
		strcpy(p, "/");
}

int path_make_absolute(const char *p, const char *cwd, char **ret)
{
	char *s;

	if (!p || !*p)
		return -EINVAL;
	if (p[0] == '/')
		s = strdup(p);
	else if (asprintf(&s, "%s/%s", cwd ? cwd : "/", p) < 0)
		s = NULL;
	if (!s)
		return -ENOMEM;
	path_normalize(s);
	*ret = s;
	return 0;
}

bool path_has_dotdot(const char *p)
{
	for (const char *c = strstr(p, ".."); c; c = strstr(c + 2, ".."))
		if ((c == p || c[-1] == '/') && (c[2] == '/' || c[2] == '\0'))
			return true;
	return false;
}

bool path_is_beneath(const char *p, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 0 || strncmp(p, dir, n) != 0)
		return false;
	return p[n] == '/' || p[n] == '\0' || (n == 1 && dir[0] == '/');
}

char *path_join(const char *a, const char *b)
{
	char *s;

	while (*b == '/')
		b++;
	if (asprintf(&s, "%s%s%s", a, (*a && a[strlen(a) - 1] == '/') ? "" : "/", b) < 0)
		return NULL;
	return s;
}

/* The value of macro NAME (len bytes), or NULL with *err set. */
static const char *macro_value(const char *name, size_t len, const char *home, const char *runtime_dir,
			       const char *uidbuf, int *err)
{
	if (len == 4 && strncmp(name, "HOME", 4) == 0)
		return home;
	if (len == 3 && strncmp(name, "UID", 3) == 0)
		return uidbuf;
	if (len == 15 && strncmp(name, "XDG_RUNTIME_DIR", 15) == 0) {
		if (!runtime_dir)
			*err = -ENXIO;
		return runtime_dir;
	}
	*err = -EINVAL;
	return NULL;
}

int path_expand(const char *in, const char *home, const char *runtime_dir, unsigned uid, const char *cwd,
		char **ret)
{
	char uidbuf[16] = "", out[4096];
	size_t n = 0;
	int err = 0;

	if (strstr(in, "${"))
		snprintf(uidbuf, sizeof(uidbuf), "%u", uid);
	if (in[0] == '~' && (in[1] == '/' || in[1] == '\0')) {
		n = (size_t)snprintf(out, sizeof(out), "%s", home);
		in++;
	}
	while (*in && n < sizeof(out) - 1) {
		const char *end;
		if (in[0] == '$' && in[1] == '{' && (end = strchr(in, '}'))) {
			const char *v =
			    macro_value(in + 2, (size_t)(end - in - 2), home, runtime_dir, uidbuf, &err);
			if (!v)
				return err;
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s", v);
			in = end + 1;
		} else
			out[n++] = *in++;
	}
	if (n >= sizeof(out) - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return path_make_absolute(out, cwd, ret);
}

char *path_find_executable(const char *name, const char *search_path)
{
	for (const char *p = search_path; p && *p;) {
		size_t len = strcspn(p, ":");
		char *cand;
		if (len > 0 && asprintf(&cand, "%.*s/%s", (int)len, p, name) >= 0) {
			if (access(cand, X_OK) == 0)
				return cand;
			free(cand);
		}
		p += len + (p[len] == ':');
	}
	return NULL;
}

int path_open_regular(const char *path, int flags, mode_t mode)
{
	_cleanup_close_ int fd = open(path, flags | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
	struct stat st;

	/* a fifo opened for writing with no reader: ENXIO, which says nothing of why */
	if (fd < 0 && errno == ENXIO && stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return -EBADFD;
	if (fd < 0 || fstat(fd, &st) < 0)
		return negative_errno();
	if (!S_ISREG(st.st_mode))
		return -EBADFD;
	if (fcntl(fd, F_SETFL, flags & O_APPEND) < 0)
		return negative_errno();
	return TAKE_FD(fd);
}
