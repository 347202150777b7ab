/* Path helpers: absolute-izing, normalizing, joining. Pure; launcher side. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

/* Make p absolute against cwd (when relative) and normalize "//", "/./" and trailing "/";
 * ".." is kept as given (resolution is the kernel's business, under RESOLVE_IN_ROOT).
 * Returns a new string in *ret, or -ENOMEM / -EINVAL (empty). */
int path_make_absolute(const char *p, const char *cwd, char **ret);

/* Normalize an absolute path in place (same rules as above). */
void path_normalize(char *p);

/* Whether an absolute path has a ".." component. */
bool path_has_dotdot(const char *p);

/* Whether p is dir or lies below it, as text (neither is resolved; both normalized, absolute or
 * both relative): "/a/b" is beneath "/a" and "/a" itself, not beneath "/ab"; "/" holds every
 * absolute path; an empty dir holds nothing. */
bool path_is_beneath(const char *p, const char *dir);

/* a + "/" + b, b's leading slashes dropped. NULL on ENOMEM. */
char *path_join(const char *a, const char *b);

/* Expand a leading "~" or "~/" and the macros ${HOME}, ${UID} and ${XDG_RUNTIME_DIR}
 * (-ENXIO when that one is unset); an unknown ${NAME} is -EINVAL. The result is absolute
 * against cwd and normalized. */
int path_expand(const char *in, const char *home, const char *runtime_dir, unsigned uid, const char *cwd,
		char **ret);

/* open(2) of a file the user named (a rule file, a report): O_NONBLOCK, so that a fifo or a
 * device there cannot block the open, and O_NOCTTY; then refused with -EBADFD (say "not a
 * regular file") unless it is a regular file. The fd is CLOEXEC and blocking again. */
int path_open_regular(const char *path, int flags, mode_t mode);

/* The first executable NAME in a colon-separated search path, or NULL. */
char *path_find_executable(const char *name, const char *search_path);
