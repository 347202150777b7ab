/* usermode-probe slirp|pasta: a bare user+network namespace (a child that only waits, with a
 * persistent tap0 made in it, as hutch's sandbox makes one), the back-end started on it with
 * hutch's options for --deny-lan, waited for until ready, then the child ended and the
 * back-end stopped and reaped: what hutch's network start pays on top of --share-net, with
 * nothing of hutch's. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024];
static int go[2], made[2];

static int child(void *arg)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	char c;

	(void)arg;
	close(go[1]);
	strcpy(ifr.ifr_name, "tap0");
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0)
		_exit(1);
	close(fd);
	(void)!write(made[1], "t", 1);
	(void)!read(go[0], &c, 1); /* until the parent closes it */
	_exit(0);
}

int main(int argc, char **argv)
{
	char user[64], net[64], dir[] = "/tmp/usermode-probe.XXXXXX", fifo[64], c;
	int ready[2], ex[2], st;

	if (argc != 2 || pipe2(go, O_CLOEXEC) || pipe2(made, O_CLOEXEC))
		return 2;
	pid_t ns = clone(child, stack + sizeof(stack), CLONE_NEWUSER | CLONE_NEWNET | SIGCHLD, NULL);
	if (ns < 0 || read(made[0], &c, 1) != 1)
		return 1;
	/* Made after the clone: were the child to hold the ready pipe's write end, a back-end
	 * that dies before it is ready would leave the read below waiting for ever. pasta's is a
	 * fifo it opens by path (as hutch gives it: newer ones may not open /proc/self/fd/N);
	 * the alarm ends a wait for one that died before it opened it. */
	if (pipe(ready) || pipe(ex) || !mkdtemp(dir))
		return 2;
	snprintf(fifo, sizeof(fifo), "%s/ready", dir);
	if (mkfifo(fifo, 0600) < 0)
		return 2;
	snprintf(user, sizeof(user), "/proc/%d/ns/user", (int)ns);
	snprintf(net, sizeof(net), "/proc/%d/ns/net", (int)ns);
	pid_t be = fork();
	if (be == 0) {
		char up[80];
		dup2(ready[1], 3), dup2(ex[0], 4);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		snprintf(up, sizeof(up), "--userns-path=%s", user);
		if (strcmp(argv[1], "slirp") == 0)
			execlp("slirp4netns", "slirp4netns", "--configure", "--mtu=65520", "--enable-seccomp",
			       "--disable-host-loopback", "--ready-fd=3", "--exit-fd=4", up,
			       "--netns-type=path", net, "tap0", (char *)NULL);
		else
			execlp("pasta", "pasta", "--foreground", "--quiet", "--config-net", "--log-file",
			       "/dev/null", "--ns-ifname", "tap0", "--no-netns-quit", "--address",
			       "10.0.2.100", "--netmask", "24", "--gateway", "10.0.2.2", "--dns-forward",
			       "10.0.2.3", "--no-map-gw", "--ipv4-only", "--tcp-ns", "none", "--udp-ns",
			       "none", "--tcp-ports", "none", "--udp-ports", "none", "--pid", fifo,
			       "--userns", user, "--netns", net, (char *)NULL);
		_exit(127);
	}
	close(ready[1]), close(ex[0]);
	if (be > 0 && strcmp(argv[1], "slirp") != 0) {
		close(ready[0]);
		alarm(10);
		ready[0] = open(fifo, O_RDONLY | O_CLOEXEC);
		alarm(0);
	}
	unlink(fifo), rmdir(dir);
	if (be < 0 || ready[0] < 0 || read(ready[0], &c, 1) != 1)
		return 1;
	close(go[1]);
	waitpid(ns, &st, 0);
	close(ex[1]);
	kill(be, SIGTERM);
	waitpid(be, NULL, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}
