/* A depth-first walk of a directory tree as overlayfs sees it as a lower layer: no symlink
 * followed, no other mount entered. Shared by the workspace's start record and --mask's
 * resolution. Launcher side, the caller's own privileges. */
#pragma once

#include <stddef.h>
#include <sys/stat.h>

/* Called for each entry below the root, with its path relative to the root and its lstat.
 * Returns < 0 to stop the walk with that error, 0 to go on (into a directory, when it is on
 * the root's file system and not too deep), > 0 to go on without entering it. */
typedef int (*tree_visit)(void *data, const char *rel, const struct stat *st);

/* Walks the tree of dfd (taken: closed in all cases), whose file system is dev, at most
 * max_depth levels of directories below it; rel holds each entry's relative path (cap bytes;
 * longer paths are skipped). Returns 0, or the first negative visit result or -errno. */
int tree_walk(int dfd, dev_t dev, int max_depth, char *rel, size_t cap, tree_visit visit, void *data);
