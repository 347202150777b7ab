/* NULL-terminated string vectors (see strv.h). Launcher side, no privileges. */
#include "lib/strv.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

size_t strv_length(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int strv_consume(char ***v, char *s)
{
	size_t n = strv_length(*v);
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (n + 2) * sizeof(char *));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	return 0;
}

int strv_add(char ***v, char *s, struct strv_tail *t)
{
	bool known = t->field == v && t->base == *v && *v && t->n < t->cap && !(*v)[t->n] &&
		     (t->n == 0 || (*v)[t->n - 1]);
	size_t n = known ? t->n : strv_length(*v), cap = known ? t->cap : n + 1;
	char **nv = *v;

	if (!s)
		return -ENOMEM;
	if (n + 2 > cap || !nv) {
		cap = cap * 2 > n + 2 ? cap * 2 : n + 2;
		if (!(nv = realloc(*v, cap * sizeof(char *)))) {
			free(s);
			return -ENOMEM;
		}
	}
	nv[n] = s;
	nv[n + 1] = NULL;
	*v = nv;
	*t = (struct strv_tail){ v, nv, n + 1, cap };
	return 0;
}

int strv_extend(char ***v, const char *s)
{
	return strv_consume(v, strdup(s));
}

int strv_extend_n(char ***v, char *const *src, size_t count)
{
	size_t n = strv_length(*v);
	char **nv;

	if (count == 0)
		return 0;
	nv = realloc(*v, (n + count + 1) * sizeof(char *));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	for (size_t i = 0; i < count; i++) {
		nv[n + i] = strdup(src[i]);
		if (!nv[n + i]) {
			while (i-- > 0)
				free(nv[n + i]);
			nv[n] = NULL;
			return -ENOMEM;
		}
	}
	nv[n + count] = NULL;
	return 0;
}

int strv_split_extend(char ***v, const char *list, char sep)
{
	const char *p = list;

	while (*p) {
		const char *e = strchr(p, sep);
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len > 0) {
			int r = strv_consume(v, strndup(p, len));
			if (r < 0)
				return r;
		}
		p += len + (e ? 1 : 0);
	}
	return 0;
}

const char *strv_env_get(char *const *env, const char *name)
{
	size_t n = strlen(name);

	for (; env && *env; env++)
		if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
			return *env + n + 1;
	return NULL;
}

void strv_env_unset(char **env, const char *name)
{
	size_t n = strlen(name), j = 0;

	for (size_t i = 0; env && env[i]; i++) {
		if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
			free(env[i]);
		else
			env[j++] = env[i];
	}
	if (env)
		env[j] = NULL;
}

int strv_env_set(char ***env, const char *name, const char *value)
{
	char *s = malloc(strlen(name) + strlen(value) + 2);

	if (!s)
		return -ENOMEM;
	strcpy(stpcpy(stpcpy(s, name), "="), value);
	strv_env_unset(*env, name);
	return strv_consume(env, s);
}
