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
/* What strv_add() remembers of the vector it appended to last: appending to the same one
 * again costs O(1) amortized instead of a walk and a realloc (a command line or a profile
 * with 40,000 --blacklist took seconds). Zero-initialised; holds no memory of its own. */
struct strv_tail {
	char ***field; /* the vector's address... */
	char **base;   /* ...its allocation then... */
	size_t n, cap; /* ...its length and room (entries, the NULL included) */
};
/* strv_consume() through t: when *v is still the vector t saw (same field, same allocation,
 * NULL at n), no walk; room grows by doubling. Anything else: walk once, then remember. */
int strv_add(char ***v, char *s, struct strv_tail *t);
/* The value of NAME in an environment vector ("NAME=value"), or NULL. */
const char *strv_env_get(char *const *env, const char *name);

/* Remove every NAME=... entry of env (freed), in place. */
void strv_env_unset(char **env, const char *name);
/* Set NAME=value in *env: every NAME=... entry goes, then the new one is appended (as the
 * command line's --setenv and bwrap's --setenv do). Returns 0 or -ENOMEM. */
int strv_env_set(char ***env, const char *name, const char *value);

/* Append each element of a comma-separated list (empty items skipped). */
int strv_split_extend(char ***v, const char *list, char sep);
