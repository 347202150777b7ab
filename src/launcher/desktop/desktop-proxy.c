/* The desktop's launcher part (see desktop.h): a directory of ours under
 * $XDG_RUNTIME_DIR/hutch-desktop/ (the filtered Xauthority, the proxies' sockets) and
 * xdg-dbus-proxy per filtered bus, started before the clone and stopped at the end. Runs in
 * the launcher with the caller's own privileges. */
#include "launcher/desktop/desktop.h"
#include "launcher/desktop/desktop-int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/config.h"
#include "front/mountplan.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/log.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"

void desktop_state_init(struct desktop_state *st)
{
	*st = (struct desktop_state){ .proxy_pids = { -1, -1 }, .proxy_fds = { -1, -1 } };
}

/* Only the names we create are removed: the directory is ours, but nothing else in it is
 * assumed to be. */
static void host_dir_clean(int base_fd, const char *name)
{
	static const char *const ours[] = { "bus", "system_bus_socket", "Xauthority" };
	_cleanup_close_ int fd = openat(base_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	for (size_t i = 0; fd >= 0 && i < ARRAY_SIZE(ours); i++)
		unlinkat(fd, ours[i], 0);
	unlinkat(base_fd, name, AT_REMOVEDIR);
}

/* Directories left by launchers that were killed (SIGKILL runs no teardown): named by a pid
 * that no longer runs. A pid reused since only keeps one small directory a while longer. */
static void host_dir_collect(int base_fd)
{
	DIR *dir = fdopendir(fcntl(base_fd, F_DUPFD_CLOEXEC, 3));
	struct dirent *e;
	char *end;

	while (dir && (e = readdir(dir))) {
		long pid = strtol(e->d_name, &end, 10);
		if (e->d_name[0] != '.' && !*end && pid > 0 && kill((pid_t)pid, 0) < 0 && errno == ESRCH)
			host_dir_clean(base_fd, e->d_name);
	}
	if (dir)
		closedir(dir);
}

static int host_dir_create(const char *path, struct failure *f)
{
	_cleanup_free_ char *base = strdup(path);
	_cleanup_close_ int base_fd = -1;
	char *slash = base ? strrchr(base, '/') : NULL;

	if (!slash)
		return fail(f, -ENOMEM, "desktop", NULL);
	*slash = '\0';
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		return fail(f, negative_errno(), "desktop", "%s", base);
	base_fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (base_fd < 0)
		return fail(f, negative_errno(), "desktop", "%s", base);
	host_dir_collect(base_fd);
	host_dir_clean(base_fd, slash + 1); /* ours from a launcher that had our pid before */
	if (mkdirat(base_fd, slash + 1, 0700) < 0)
		return fail(f, negative_errno(), "desktop", "%s", path);
	return 0;
}

static int write_xauth(const struct desktop_config *d, struct failure *f)
{
	_cleanup_free_ char *path = path_join(d->host_dir, "Xauthority");
	_cleanup_close_ int fd = -1;

	if (!path)
		return fail(f, -ENOMEM, "desktop", NULL);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, d->xauth, d->xauth_len) != (ssize_t)d->xauth_len)
		return fail(f, fd < 0 ? negative_errno() : -EIO, "--socket x11", "writing %s", path);
	return 0;
}

/* xdg-dbus-proxy ADDRESS PATH --filter and the rules; --fd=3 is its end of our socket pair: it
 * writes a byte there when it listens, and exits when every other end is closed — the
 * launcher's, and pid 1's, which inherited it. */
static char **proxy_argv(const struct desktop_config *d, int bus, const char *sock)
{
	static const char *const flags[3] = { "--talk=", "--own=", "--see=" };
	_cleanup_strv_free_ char **v = NULL;
	int r = strv_extend(&v, d->proxy);

	if (r == 0)
		r = strv_extend(&v, "--fd=3");
	if (r == 0)
		r = strv_extend(&v, d->bus[bus]);
	if (r == 0)
		r = strv_extend(&v, sock);
	if (r == 0)
		r = strv_extend(&v, "--filter");
	for (int i = 0; r == 0 && i < 3; i++)
		for (char **n = d->lists[bus * 3 + i]; r == 0 && n && *n; n++) {
			char *s;
			r = asprintf(&s, "%s%s", flags[i], *n) < 0 ? -ENOMEM : strv_consume(&v, s);
		}
	return r == 0 ? TAKE_PTR(v) : NULL;
}

/* In the forked child. Its own session: a terminal's ^C goes to the sandbox (the launcher
 * forwards it), and the bus must stay up for as long as the sandbox does. No parent-death
 * signal: its fd is what ties it to the sandbox (pid 1 holds a copy), and a launcher that dies
 * first takes pid 1 with it, which closes the last copy. */
_noreturn_ static void proxy_exec(char **argv, int fd)
{
	sigset_t none;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	if (null < 0)
		_exit(127);
	if (dup2(null, 0) < 0 || dup2(null, 1) < 0)
		_exit(127);
	if (fd == 3 ? fcntl(fd, F_SETFD, 0) < 0 : dup2(fd, 3) < 0)
		_exit(127);
	execv(argv[0], argv);
	_exit(127);
}

static int proxy_start(const struct desktop_config *d, int bus, struct desktop_state *st, struct failure *f)
{
	_cleanup_free_ char *sock = path_join(d->host_dir, bus_sockets[bus]);
	_cleanup_strv_free_ char **argv = sock ? proxy_argv(d, bus, sock) : NULL;
	_cleanup_close_ int ours = -1, theirs = -1;
	pid_t pid;
	int sp[2];

	if (!argv)
		return fail(f, -ENOMEM, bus_opts[bus], NULL);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return fail(f, negative_errno(), bus_opts[bus], "socketpair");
	ours = sp[0], theirs = sp[1];
	if ((pid = fork()) < 0)
		return fail(f, negative_errno(), bus_opts[bus], "fork");
	if (pid == 0)
		proxy_exec(argv, theirs);
	st->proxy_pids[bus] = pid;
	st->proxy_fds[bus] = TAKE_FD(ours);
	return 0;
}

/* Readiness is the proxy's byte; end of file first means it died, and says why. */
static int proxy_wait_ready(struct desktop_state *st, int bus, struct failure *f)
{
	struct pollfd p = { .fd = st->proxy_fds[bus], .events = POLLIN };
	int n, status = 0;
	char byte;

	while ((n = poll(&p, 1, PROXY_READY_MS)) < 0 && errno == EINTR)
		;
	if (n == 0)
		return failx(f, bus_opts[bus], "xdg-dbus-proxy was not ready after %d s",
			     PROXY_READY_MS / 1000);
	if (n > 0 && read(st->proxy_fds[bus], &byte, 1) == 1)
		return 0;
	if (waitpid(st->proxy_pids[bus], &status, 0) == st->proxy_pids[bus])
		st->proxy_pids[bus] = -1;
	return failx(f, bus_opts[bus], "xdg-dbus-proxy exited before it was ready (%s %d)",
		     WIFSIGNALED(status) ? "signal" : "status",
		     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
}

/* wp_security_context_v1 would let hutch hand the sandbox a listening socket the compositor
 * knows as the sandbox's (its privileged globals withheld). No compositor of Debian 12 offers
 * it (weston 10, sway 1.7 / wlroots 0.15, mutter 43, KWin 5.27), nor has wayland-protocols 1.31
 * its XML: the socket is passed as it is, and --verbose says what the compositor lacks. */
static void say_security_context(const char *wayland)
{
	int r = desktop_wayland_has_global(wayland, "wp_security_context_manager_v1");

	if (r == 0)
		log_verbose(true,
			    "wayland: the compositor at %s offers no wp_security_context_v1: the sandbox's "
			    "connection is not restricted (it may use screen copy, virtual keyboards, layer "
			    "shell where the compositor has them)",
			    wayland);
	else if (r > 0)
		log_verbose(
		    true,
		    "wayland: the compositor at %s offers wp_security_context_v1, which hutch does not "
		    "use yet: the sandbox's connection is not restricted",
		    wayland);
	else
		log_verbose(true, "wayland: could not list the globals of %s: %s", wayland, strerror(-r));
}

int desktop_start(const struct config *c, struct desktop_state *st, struct failure *f)
{
	const struct desktop_config *d = c->desktop;
	int r = 0;

	if (!d)
		return 0;
	for (char **n = d->notes; n && *n; n++)
		log_verbose(c->verbose, "%s", *n);
	if (d->hint)
		log_warning("%s", d->hint);
	if (d->wayland && c->verbose)
		say_security_context(d->wayland);
	if (d->x11)
		log_warning("--socket x11: X11 gives no isolation between clients: the sandbox can read the "
			    "screen and the keyboard of every window of the X server at %s",
			    d->x11);
	if (!d->host_dir)
		return 0;
	if ((r = host_dir_create(d->host_dir, f)) < 0)
		return r;
	if (!(st->proxy_dir = strdup(d->host_dir)))
		return fail(f, -ENOMEM, "desktop", NULL);
	if (d->xauth_len && (r = write_xauth(d, f)) < 0)
		return r;
	for (int b = 0; r == 0 && b < N_BUS; b++)
		if (d->bus[b])
			r = proxy_start(d, b, st, f);
	for (int b = 0; r == 0 && b < N_BUS; b++)
		if (st->proxy_fds[b] >= 0)
			r = proxy_wait_ready(st, b, f);
	return r;
}

/* Closing its fd (done) ends it; one still there after a while is killed. */
static void proxy_reap(pid_t pid)
{
	_cleanup_close_ int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pfd, .events = POLLIN };
	int n = -1;

	while (pfd >= 0 && (n = poll(&p, 1, PROXY_STOP_MS)) < 0 && errno == EINTR)
		;
	if (n <= 0)
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void desktop_stop(struct desktop_state *st)
{
	for (int b = 0; b < N_BUS; b++) {
		st->proxy_fds[b] = safe_close(st->proxy_fds[b]);
		if (st->proxy_pids[b] > 0)
			proxy_reap(st->proxy_pids[b]);
		st->proxy_pids[b] = -1;
	}
	if (st->proxy_dir) {
		_cleanup_free_ char *base = strdup(st->proxy_dir);
		char *slash = base ? strrchr(base, '/') : NULL;
		_cleanup_close_ int base_fd = -1;
		if (slash) {
			*slash = '\0';
			base_fd = open(base, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (base_fd >= 0) {
			host_dir_clean(base_fd, slash + 1);
			unlinkat(AT_FDCWD, base, AT_REMOVEDIR); /* when no other sandbox uses it */
		}
	}
	free(st->proxy_dir);
	st->proxy_dir = NULL;
}
