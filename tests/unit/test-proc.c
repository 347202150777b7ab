/* Unit tests of proc.c: this process's state and start time, a zombie child that is no longer
 * alive though its pid and start time stay, a start time that does not match, pid 0. No
 * privileges. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/proc.h"
#include "tap.h"

int main(void)
{
	unsigned long long start = 0, t = 0;
	char st = 0;
	pid_t child;

	TAP_OK(proc_stat_read(getpid(), &st, &start) && st == 'R' && start > 0,
	       "this process: running, with a start time");
	TAP_OK(proc_start_time(getpid()) == start, "proc_start_time says the same");
	TAP_OK(proc_alive(getpid(), start), "alive with its own start time");
	TAP_OK(!proc_alive(getpid(), start + 1), "not with another start time (a reused pid)");
	TAP_OK(!proc_alive(0, 0) && proc_start_time(0) == 0, "pid 0 is nobody");
	child = fork();
	if (child == 0)
		_exit(0);
	TAP_OK(child > 0, "a child");
	/* wait until it is a zombie: WNOWAIT leaves it unreaped */
	waitid(P_PID, (id_t)child, &(siginfo_t){ 0 }, WEXITED | WNOWAIT);
	TAP_OK(proc_stat_read(child, &st, &t) && st == 'Z' && t > 0, "the exited child is a zombie");
	TAP_OK(!proc_alive(child, t), "and a zombie is not alive");
	waitpid(child, NULL, 0);
	TAP_OK(!proc_alive(child, t), "nor a reaped one");
	return tap_done();
}
