/* pid 1's waits and locks (gate.h): the fds a driving program holds to pace the setup
 * (--userns-block-fd, --block-fd) and the lock files that mark a sandbox as alive
 * (--lock-file); hutch-bwrap's options, ordinary config. Also pid 1's ids once maps given
 * whole (hutch-oci's) are written. Sandbox pid 1, with the capabilities
 * of its user namespace; the locks are taken inside the new root. */
#include "sandbox/gate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "front/config.h"
#include "launcher/idmap.h"
#include "lib/failure.h"

/* One byte, and then on whatever the read returned (an error, the end), as bwrap does. */
static void block_on(int fd)
{
	char byte;

	while (read(fd, &byte, 1) < 0 && errno == EINTR)
		;
	close(fd);
}

/* An id the maps leave out reads as the kernel's overflow id (and no line maps that one). */
static bool unmapped(unsigned long id, const struct idmap_line *l, size_t n, const char *overflow_file)
{
	char buf[32] = "65534";
	int fd = open(overflow_file, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		ssize_t k = read(fd, buf, sizeof(buf) - 1);
		buf[k > 0 ? k : 0] = '\0';
		close(fd);
	}
	if (id != strtoul(buf, NULL, 10))
		return false;
	for (size_t i = 0; i < n; i++)
		if (id >= l[i].inside && id - l[i].inside < l[i].count)
			return false;
	return true;
}

/* Maps given whole (IDMAP_LINES) that leave our own ids out, as podman's --uidmap 0:1000:2000
 * does: pid 1 becomes uid and gid 0 of the namespace, as a runtime's init does, so that what
 * it makes in its own tmpfs has an owner there (mkdir fails with EOVERFLOW otherwise). */
static int become_mapped(const struct config *c, struct failure *f)
{
	if (c->idmap != IDMAP_LINES)
		return 0;
	if (unmapped(getgid(), c->gid_lines, c->n_gid_lines, "/proc/sys/kernel/overflowgid") &&
	    setresgid(0, 0, 0) < 0)
		return fail(f, negative_errno(), "user", "gid 0 of the sandbox's user namespace");
	if (unmapped(getuid(), c->uid_lines, c->n_uid_lines, "/proc/sys/kernel/overflowuid") &&
	    setresuid(0, 0, 0) < 0)
		return fail(f, negative_errno(), "user", "uid 0 of the sandbox's user namespace");
	return 0;
}

int gate_maps_ready(const struct config *c, struct failure *f)
{
	/* The launcher holds these; a copy here would keep their readers from seeing the end
	 * (and one that reads --info-fd to the end before it writes the maps would wait). */
	if (c->info_close && c->info_fd >= 0)
		close(c->info_fd);
	if (c->info_close && c->json_status_fd >= 0)
		close(c->json_status_fd);
	if (c->maps_block_fd >= 0)
		block_on(c->maps_block_fd);
	return become_mapped(c, f);
}

int gate_take_locks(const struct config *c, struct failure *f)
{
	for (char **p = c->lock_files; p && *p; p++) {
		struct flock l = { .l_type = F_RDLCK, .l_whence = SEEK_SET };
		/* held by this process, which lives as long as the sandbox; not the command's */
		int fd = open(*p, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail(f, negative_errno(), "lock-file", "%s", *p);
		if (fcntl(fd, F_SETLK, &l) < 0)
			return fail(f, negative_errno(), "lock-file", "%s", *p);
	}
	return 0;
}

void gate_block(const struct config *c)
{
	if (c->block_fd >= 0)
		block_on(c->block_fd);
}
