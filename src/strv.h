/* NULL-terminated string vectors. Pure helpers used in the launcher. */
#pragma once

#include <stddef.h>

size_t strv_length(char *const *v);
void strv_free(char **v);
static inline void strv_freep(char ***v)
{
	strv_free(*v);
}
#define _cleanup_strv_free_ __attribute__((cleanup(strv_freep)))

/* Append s (ownership moves into *v, also on failure). Returns 0 or -ENOMEM. */
int strv_consume(char ***v, char *s);
/* Append a copy of s. */
int strv_extend(char ***v, const char *s);
/* Append copies of the count strings of src at once: one walk of *v and one realloc, where
 * count calls of strv_extend() would walk *v count times (100,000 arguments took seconds).
 * On failure *v is as it was. */
int strv_extend_n(char ***v, char *const *src, size_t count);
/* The value of NAME in an environment vector ("NAME=value"), or NULL. */
const char *strv_env_get(char *const *env, const char *name);

/* Remove every NAME=... entry of env (freed), in place. */
void strv_env_unset(char **env, const char *name);

/* Append each element of a comma-separated list (empty items skipped). */
int strv_split_extend(char ***v, const char *list, char sep);
