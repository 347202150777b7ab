/* The tree walk (see tree-walk.h). */
#include "lib/tree-walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/macro.h"

struct walk {
	dev_t dev;
	int max_depth;
	char *rel;
	size_t cap;
	tree_visit visit;
	void *data;
};

/* rel[0..len) is the path of dfd below the root ("" for the root); extended in place. */
static int walk_dir(const struct walk *w, int dfd, size_t len, int depth)
{
	DIR *d = fdopendir(dfd);
	struct dirent *de;
	int r = 0;

	if (!d) {
		safe_close(dfd);
		return negative_errno();
	}
	while (r == 0 && (de = readdir(d))) {
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		size_t n = (size_t)snprintf(w->rel + len, w->cap - len, "%s%s", len ? "/" : "", de->d_name);
		if (len + n >= w->cap || fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			w->rel[len] = '\0';
			continue;
		}
		r = w->visit(w->data, w->rel, &st);
		if (r == 0 && S_ISDIR(st.st_mode) && st.st_dev == w->dev && depth < w->max_depth) {
			int sub =
			    openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				r = walk_dir(w, sub, len + n, depth + 1);
		}
		r = r > 0 ? 0 : r;
		w->rel[len] = '\0';
	}
	closedir(d);
	return r;
}

int tree_walk(int dfd, dev_t dev, int max_depth, char *rel, size_t cap, tree_visit visit, void *data)
{
	struct walk w = { dev, max_depth, rel, cap, visit, data };

	if (cap == 0) {
		safe_close(dfd);
		return -ENAMETOOLONG;
	}
	rel[0] = '\0';
	return walk_dir(&w, dfd, 0, 0);
}
