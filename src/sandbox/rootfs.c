/* pivot_root into the new root (see rootfs.h). Runs in the sandbox's pid 1 with the
 * capabilities of its user namespace. */
#include "sandbox/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/failure.h"
#include "lib/macro.h"

int rootfs_enter(int newroot_fd, bool readonly, unsigned long propagation, struct failure *f)
{
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

	if (fchdir(newroot_fd) < 0)
		return fail(f, negative_errno(), "pivot_root", "entering the new root");
	/* pivot_root(".", ".") stacks the old root on top of the new one; detaching the top then
	 * drops the staging tmpfs and every host mount below it in one step, with no directory
	 * needed to hold the old root. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return fail(f, negative_errno(), "pivot_root", "new root");
	if (umount2(".", MNT_DETACH) < 0)
		return fail(f, negative_errno(), "pivot_root", "detaching the old root");
	if (chdir("/") < 0)
		return fail(f, negative_errno(), "pivot_root", "chdir /");
	if (readonly && mount_setattr(AT_FDCWD, "/", 0, &ro, sizeof(ro)) < 0)
		return fail(f, negative_errno(), "pivot_root", "making / read-only");
	if (propagation && mount(NULL, "/", NULL, MS_REC | propagation, NULL) < 0)
		return fail(f, negative_errno(), "pivot_root", "the root's propagation");
	return 0;
}
