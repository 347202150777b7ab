/* --unix-scope: a Landlock layer of its own that scopes abstract Unix sockets and signals to
 * the sandbox (ABI 6 and later): the command cannot connect to an abstract socket bound
 * outside its Landlock domain (the host's X11 or D-Bus, reachable when the network namespace
 * is shared, where abstract sockets live) nor signal a process outside it. socketpair and
 * sockets the sandbox binds itself keep working. Command process, after no_new_privs; the
 * file-system layer (landlock.c) is separate, so each applies whatever the other says. */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/config.h"
#include "egress/egress.h"
#include "lib/failure.h"

/* The ruleset attribute up to ABI 6's field; the build machine's header may predate it. */
struct scope_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define SCOPE_SIGNAL		   (1ULL << 1)

int egress_scope_apply(const struct config *c, struct failure *f)
{
	struct scope_attr attr = { .scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL };
	int fd;

	if (!c->egress || !c->egress->scope_on)
		return 0;
	fd = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		return fail(f, negative_errno(), "--unix-scope", "cannot create the Landlock ruleset");
	if (syscall(SYS_landlock_restrict_self, fd, 0) < 0) {
		int r = negative_errno();
		close(fd);
		return fail(f, r, "--unix-scope", "cannot enforce the Landlock scope");
	}
	close(fd);
	return 0;
}
