/* clone3 with a clone(2) fallback (see clone.h). Any process. */
#include "lib/clone.h"

#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/macro.h"

pid_t clone_process(uint64_t flags, int exit_signal, int *ret_pidfd, int cgroup_fd)
{
	struct clone_args args = {
		.flags = flags | (ret_pidfd ? CLONE_PIDFD : 0),
		.pidfd = (uint64_t)(uintptr_t)ret_pidfd,
		.exit_signal = (uint64_t)exit_signal,
	};
	long pid;

	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	pid = syscall(SYS_clone3, &args, sizeof(args));
	if (pid >= 0 || errno != ENOSYS)
		return pid < 0 ? negative_errno() : (pid_t)pid;
	if (cgroup_fd >= 0)
		return -ENOSYS;
	/* x86-64 and arm64 order: flags, stack, parent_tid (the pidfd with CLONE_PIDFD), child_tid, tls. */
	pid = syscall(SYS_clone,
		      (unsigned long)(flags | (ret_pidfd ? CLONE_PIDFD : 0)) | (unsigned long)exit_signal,
		      NULL, ret_pidfd, NULL, 0);
	return pid < 0 ? negative_errno() : (pid_t)pid;
}

int exit_code_of(int how, int status)
{
	if (how == CLD_EXITED)
		return status & 0xff;
	if (how == CLD_KILLED || how == CLD_DUMPED)
		return 128 + status;
	return 255;
}

int pidfd_exit_code(int pidfd)
{
	return pidfd_exit_rusage(pidfd, NULL);
}

/* The system call, not glibc's wrapper: only it returns the rusage. */
int pidfd_exit_rusage(int pidfd, struct rusage *ret_ru)
{
	siginfo_t si = { 0 };

	while (syscall(SYS_waitid, P_PIDFD, (id_t)pidfd, &si, WEXITED, ret_ru) < 0)
		if (errno != EINTR)
			return 125;
	return exit_code_of(si.si_code, si.si_status);
}
