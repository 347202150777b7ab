/* pid 1's waits and locks (gate.h): the fds a driving program holds to pace the setup
 * (--userns-block-fd, --block-fd) and the lock files that mark a sandbox as alive
 * (--lock-file); hutch-bwrap's options, ordinary config. Sandbox pid 1, with the capabilities
 * of its user namespace; the locks are taken inside the new root. */
#include "sandbox/gate.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"

/* One byte, and then on whatever the read returned (an error, the end), as bwrap does. */
static void block_on(int fd)
{
	char byte;

	while (read(fd, &byte, 1) < 0 && errno == EINTR)
		;
	close(fd);
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
	return 0;
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
