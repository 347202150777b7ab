/* Desktop integration (see desktop.h): the display and sound sockets, the filtered buses and the
 * device groups a sandbox may be given. Runs in the launcher with the caller's own privileges:
 * desktop_finish() reads what the host offers, desktop_plan() and desktop_env() turn that into
 * mounts and variables (desktop-proxy.c runs the bus proxies for the sandbox's life).
 * Over 600 lines: display, sound, buses and devices each resolve, plan and set the environment
 * over one struct desktop_config; a file per socket kind is the next split. */
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

/* ---- options ------------------------------------------------------------------------------ */

/* A bus name or a prefix pattern "org.example.*": dot-separated elements of [A-Za-z0-9_-]. */
static bool bus_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && strcmp(s + n - 2, ".*") == 0)
		n -= 2;
	if (n == 0 || n > 255 || s[0] == '.' || s[n - 1] == '.' || !memchr(s, '.', n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.", s[i]) ||
		    (s[i] == '.' && s[i + 1] == '.'))
			return false;
	return true;
}

static int choose(const char *arg, const char *values, const char *opt, char **dst, struct failure *f)
{
	size_t len = strlen(arg);

	for (const char *p = values; *p;) {
		size_t n = strcspn(p, " ");
		if (n == len && strncmp(p, arg, n) == 0) {
			free(*dst);
			*dst = strdup(arg);
			return *dst ? 0 : -ENOMEM;
		}
		p += n + (p[n] == ' ');
	}
	return failx(f, opt, "'%s' is not one of: %s", arg, values);
}

static bool strv_has(char **v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

/* Repeating a value is harmless: it is kept once. */
static int add_choice(char ***v, const char *arg, const char *values, const char *opt, struct failure *f)
{
	_cleanup_free_ char *one = NULL;
	int r = choose(arg, values, opt, &one, f);

	if (r < 0 || strv_has(*v, one))
		return r;
	return strv_extend(v, one);
}

int desktop_parse_option(struct config *c, const char *name, const char *arg, struct failure *f)
{
	struct desktop_config *d = c->desktop;
	char opt[40];

	if (!d && !(d = c->desktop = calloc(1, sizeof(*d))))
		return -ENOMEM;
	snprintf(opt, sizeof(opt), "--%s", name);
	if (strcmp(name, "socket") == 0)
		return add_choice(&d->sockets, arg, "wayland x11 pulseaudio pipewire", opt, f);
	if (strcmp(name, "socket-try") == 0)
		return add_choice(&d->sockets_try, arg, "wayland x11 pulseaudio pipewire", opt, f);
	if (strcmp(name, "device") == 0)
		return add_choice(&d->devices, arg, "dri snd video", opt, f);
	if (strcmp(name, "gpu") == 0) {
		d->gpu = true;
		return 0;
	}
	if (strcmp(name, "x11") == 0)
		return choose(arg, "auto required", opt, &d->x11_mode, f);
	if (strcmp(name, "dbus-user") == 0 || strcmp(name, "dbus-system") == 0) {
		int bus = strcmp(name, "dbus-user") == 0 ? BUS_USER : BUS_SYSTEM;
		d->cmdline_mode[bus] |= d->cmdline;
		return choose(arg, "none filter", opt, bus == BUS_USER ? &d->dbus_user : &d->dbus_system, f);
	}
	for (size_t i = 0; i < ARRAY_SIZE(list_names); i++)
		if (strcmp(name, list_names[i]) == 0) {
			if (!bus_name_ok(arg))
				return failx(f, opt,
					     "'%s' is not a bus name (org.example.Name or org.example.*)",
					     arg);
			if (d->cmdline && !d->cmdline_rule[i / 3])
				d->cmdline_rule[i / 3] = list_names[i];
			return strv_extend(&d->lists[i], arg);
		}
	return failx(f, opt, "unknown desktop option");
}

int desktop_cmdline_begin(struct config *c)
{
	if (!c->desktop && !(c->desktop = calloc(1, sizeof(*c->desktop))))
		return -ENOMEM;
	c->desktop->cmdline = true;
	return 0;
}

void desktop_free(struct config *c)
{
	struct desktop_config *d = c->desktop;

	if (!d)
		return;
	strv_free(d->sockets);
	strv_free(d->sockets_try);
	strv_free(d->devices);
	free(d->dbus_user);
	free(d->dbus_system);
	free(d->x11_mode);
	for (size_t i = 0; i < ARRAY_SIZE(d->lists); i++)
		strv_free(d->lists[i]);
	free(d->run_dir);
	free(d->host_dir);
	free(d->wayland);
	free(d->x11);
	free(d->x11_in);
	free(d->display);
	free(d->xauth);
	free(d->pulse);
	free(d->pipewire);
	free(d->proxy);
	for (size_t i = 0; i < N_BUS; i++)
		free(d->bus[i]);
	strv_free(d->dev_paths);
	strv_free(d->gpu_sys);
	strv_free(d->gpu_links);
	strv_free(d->notes);
	free(d->hint);
	free(d);
	c->desktop = NULL;
}

/* ---- what the host offers ------------------------------------------------------------------ */

static bool is_socket(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

/* A path relative to the caller's $XDG_RUNTIME_DIR (or absolute already). */
static int runtime_path(const struct config *c, const char *name, const char *stage, char **ret,
			struct failure *f)
{
	if (name[0] == '/')
		*ret = strdup(name);
	else if (!c->runtime_dir)
		return failx(f, stage, "XDG_RUNTIME_DIR is not set: cannot find %s", name);
	else
		*ret = path_join(c->runtime_dir, name);
	return *ret ? 0 : -ENOMEM;
}

static int resolve_wayland(struct desktop_config *d, const struct config *c, char **env, struct failure *f)
{
	const char *name = strv_env_get(env, "WAYLAND_DISPLAY");
	_cleanup_free_ char *path = NULL;
	int r;

	if (!name || !*name)
		return failx(f, "--socket wayland",
			     "WAYLAND_DISPLAY is not set: no Wayland compositor to pass");
	if ((r = runtime_path(c, name, "--socket wayland", &path, f)) < 0)
		return r;
	if (!is_socket(path))
		return failx(f, "--socket wayland", "%s: no Wayland socket there", path);
	d->wayland = TAKE_PTR(path);
	return 0;
}

/* DISPLAY of a local server: [unix]:N[.S]. Its number, and where the screen part starts. */
static int parse_display(const char *s, unsigned *ret_num, const char **ret_screen)
{
	const char *colon = strrchr(s, ':');
	unsigned long v;
	char *end;

	if (!colon || !((colon == s) || (colon - s == 4 && strncmp(s, "unix", 4) == 0)))
		return -EINVAL;
	if (colon[1] < '0' || colon[1] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(colon + 1, &end, 10);
	if (errno || v > 65535 || (*end && (*end != '.' || end[1] < '0' || end[1] > '9')))
		return -EINVAL;
	*ret_num = (unsigned)v;
	*ret_screen = end;
	return 0;
}

/* One counted field of an Xauthority record: a big-endian 16-bit length, then the bytes. */
struct xfield {
	const unsigned char *p;
	size_t n;
};

static int xauth_u16(const unsigned char *buf, size_t len, size_t *pos, size_t *ret)
{
	if (len - *pos < 2)
		return -EINVAL;
	*ret = (size_t)buf[*pos] << 8 | buf[*pos + 1];
	*pos += 2;
	return 0;
}

/* The next record {family, address, number, name, data}; 0 at the end of the file. */
static int xauth_next(const unsigned char *buf, size_t len, size_t *pos, size_t *family, struct xfield fl[4])
{
	if (*pos == len)
		return 0;
	if (xauth_u16(buf, len, pos, family) < 0)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		if (xauth_u16(buf, len, pos, &fl[i].n) < 0 || len - *pos < fl[i].n)
			return -EINVAL;
		fl[i].p = buf + *pos;
		*pos += fl[i].n;
	}
	return 1;
}

static bool xfield_is(const struct xfield *x, const char *s)
{
	return x->n == strlen(s) && memcmp(x->p, s, x->n) == 0;
}

/* This host's entries for display `num`: local ones (keyed by our host name) and wildcards. */
static bool xauth_wanted(size_t family, const struct xfield fl[4], const char *host, const char *num)
{
	if (fl[1].n > 0 && !xfield_is(&fl[1], num))
		return false;
	return family == XAUTH_FAMILY_WILD || (family == XAUTH_FAMILY_LOCAL && xfield_is(&fl[0], host));
}

static void xauth_put(FILE *m, size_t v)
{
	putc((int)(v >> 8) & 0xff, m);
	putc((int)v & 0xff, m);
}

/* Rewritten as wildcard entries for the same display number: inside, the host name is
 * "hutch" (or another --hostname), and a local entry keyed by the real one would not match. */
static void xauth_write(FILE *m, const struct xfield fl[4], const char *num)
{
	xauth_put(m, XAUTH_FAMILY_WILD);
	xauth_put(m, 0);
	xauth_put(m, strlen(num));
	fputs(num, m);
	for (int i = 2; i < 4; i++) {
		xauth_put(m, fl[i].n);
		fwrite(fl[i].p, 1, fl[i].n, m);
	}
}

/* The entries of display `num`, written for display `in` (the number the client inside uses). */
static int xauth_filter(struct desktop_config *d, const struct config *c, char **env, unsigned num,
			unsigned in, struct failure *f)
{
	const char *file = strv_env_get(env, "XAUTHORITY");
	_cleanup_free_ char *dflt = file && *file ? NULL : path_join(c->home, ".Xauthority");
	_cleanup_free_ unsigned char *buf = NULL;
	char numstr[16], instr[16];
	struct utsname u;
	size_t len = 0, pos = 0, family;
	struct xfield fl[4];
	int r;

	file = dflt ? dflt : file;
	r = file ? fileio_read_file_at(AT_FDCWD, file, XAUTH_MAX, (char **)&buf, &len) : -ENOMEM;
	if (r == -ENOENT)
		return 0; /* no cookies: a server without access control, or none to pass */
	if (r < 0)
		return fail(f, r, "--socket x11", "%s", file ? file : "Xauthority");
	uname(&u);
	snprintf(numstr, sizeof(numstr), "%u", num);
	snprintf(instr, sizeof(instr), "%u", in);
	FILE *m = open_memstream(&d->xauth, &d->xauth_len);
	if (!m)
		return -ENOMEM;
	while ((r = xauth_next(buf, len, &pos, &family, fl)) > 0)
		if (xauth_wanted(family, fl, u.nodename, numstr))
			xauth_write(m, fl, instr);
	if (fclose(m) != 0)
		return -ENOMEM;
	if (r < 0)
		return failx(f, "--socket x11", "%s: not an Xauthority file (truncated record)", file);
	return 0;
}

/* Whether a process in our network namespace listens on @/tmp/.X11-unix/XN (Xorg and Xvfb do,
 * besides the path socket). */
static bool x11_abstract_exists(unsigned num)
{
	FILE *in = fopen("/proc/net/unix", "re");
	char want[48], line[512];
	size_t n = (size_t)snprintf(want, sizeof(want), " @/tmp/.X11-unix/X%u", num);
	bool found = false;

	while (in && !found && fgets(line, sizeof(line), in)) {
		size_t len = strcspn(line, "\n");
		found = len >= n && memcmp(line + len - n, want, n) == 0;
	}
	if (in)
		fclose(in);
	return found;
}

/* The display number the client inside uses. Xlib and xcb try the abstract socket
 * @/tmp/.X11-unix/XN first and fall back to the path only on ENOENT or ECONNREFUSED. In a
 * network namespace of its own the abstract name does not exist, so the client falls back to
 * the path we bind. In the host's (--share-net) it exists, and Landlock's scope refuses it with
 * EPERM, on which the client gives up: there the server's socket is bound under a number
 * whose abstract name nobody holds, so the client's first try finds nothing and its second
 * reaches the path. The abstract socket itself stays refused. */
static unsigned x11_inside_number(const struct config *c, unsigned num)
{
	if (c->net != NET_HOST || !x11_abstract_exists(num))
		return num;
	for (unsigned m = num + 1; m < num + 1000 && m <= 65535; m++)
		if (!x11_abstract_exists(m))
			return m;
	return num;
}

static int resolve_x11(struct desktop_config *d, const struct config *c, char **env, struct failure *f)
{
	const char *disp = strv_env_get(env, "DISPLAY"), *screen;
	char path[64];
	unsigned num, in;

	if (!disp || !*disp)
		return failx(f, "--socket x11", "DISPLAY is not set: no X server to pass");
	if (parse_display(disp, &num, &screen) < 0)
		return failx(f, "--socket x11", "DISPLAY=%s is not a local display (:N)", disp);
	snprintf(path, sizeof(path), "/tmp/.X11-unix/X%u", num);
	if (!is_socket(path))
		return failx(f, "--socket x11", "%s: no X server socket there (DISPLAY=%s)", path, disp);
	in = x11_inside_number(c, num);
	if (!(d->x11 = strdup(path)) || asprintf(&d->x11_in, "/tmp/.X11-unix/X%u", in) < 0 ||
	    asprintf(&d->display, ":%u%s", in, screen) < 0)
		return -ENOMEM;
	return xauth_filter(d, c, env, num, in, f);
}

static int resolve_pulse(struct desktop_config *d, const struct config *c, char **env, struct failure *f)
{
	const char *server = strv_env_get(env, "PULSE_SERVER");
	_cleanup_free_ char *path = NULL;
	int r;

	if (server && *server && (strncmp(server, "unix:/", 6) != 0 || strchr(server, ' ')))
		return failx(f, "--socket pulseaudio", "PULSE_SERVER=%s is not one local socket (unix:/PATH)",
			     server);
	r = runtime_path(c, server && *server ? server + 5 : "pulse/native", "--socket pulseaudio", &path, f);
	if (r < 0)
		return r;
	if (!is_socket(path))
		return failx(f, "--socket pulseaudio", "%s: no PulseAudio socket there", path);
	d->pulse = TAKE_PTR(path);
	return 0;
}

static int resolve_pipewire(struct desktop_config *d, const struct config *c, char **env, struct failure *f)
{
	const char *remote = strv_env_get(env, "PIPEWIRE_REMOTE");
	_cleanup_free_ char *path = NULL;
	int r = runtime_path(c, remote && *remote ? remote : "pipewire-0", "--socket pipewire", &path, f);

	if (r < 0)
		return r;
	if (!is_socket(path))
		return failx(f, "--socket pipewire", "%s: no PipeWire socket there", path);
	d->pipewire = TAKE_PTR(path);
	return 0;
}

/* A display and a sound server are groups: a profile asks for both kinds of each (it cannot
 * know the host), and one of a group that the host offers is enough; the others are skipped
 * with a note. Asked alone, a missing one is the error; asked with --socket-try, never. */
static const struct socket_kind {
	const char *name;
	int group;
	int (*resolve)(struct desktop_config *d, const struct config *c, char **env, struct failure *f);
} socket_kinds[] = {
	{ "wayland", 0, resolve_wayland },
	{ "x11", 0, resolve_x11 },
	{ "pulseaudio", 1, resolve_pulse },
	{ "pipewire", 1, resolve_pipewire },
};

_printf_(2, 3) static int add_note(struct desktop_config *d, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? -ENOMEM : strv_consume(&d->notes, s);
}

/* What resolving a group's sockets found: one found is enough; else the first failure of
 * one that was a must is the error. */
struct group_state {
	struct failure first;
	bool asked, found;
};

static int resolve_kind(struct desktop_config *d, const struct config *c, char **env, size_t i, bool must,
			struct group_state *st, struct failure *f)
{
	struct failure one = { 0 };
	char note[FAILURE_STAGE_MAX + FAILURE_DETAIL_MAX + 16];
	int r = socket_kinds[i].resolve(d, c, env, &one);

	if (r == -ENOMEM)
		return fail(f, r, "desktop", NULL);
	if (r == 0) {
		st->found = true;
		return 0;
	}
	failure_format(&one, note, sizeof(note));
	if (add_note(d, "skipped: %s", note) < 0)
		return fail(f, -ENOMEM, "desktop", NULL);
	/* --socket-try: a host without it is fine (said under --verbose) */
	if (must && !st->asked)
		st->first = one;
	st->asked |= must;
	return 0;
}

static int group_end(const struct group_state *st, struct failure *f)
{
	if (st->asked && !st->found) {
		*f = st->first;
		return st->first.err ? -st->first.err : -EINVAL;
	}
	return 0;
}

static int resolve_group(struct desktop_config *d, const struct config *c, char **env, int group,
			 struct failure *f)
{
	struct group_state st = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(socket_kinds); i++) {
		bool must = strv_has(d->sockets, socket_kinds[i].name);
		if (socket_kinds[i].group != group ||
		    (!must && !strv_has(d->sockets_try, socket_kinds[i].name)))
			continue;
		int r = resolve_kind(d, c, env, i, must, &st, f);
		if (r < 0)
			return r;
	}
	return group_end(&st, f);
}

/* A Qt program speaks Wayland only through Qt's platform plugin (qtwayland5/6): where the host
 * lacks it, the program fails on a Wayland-only display ("no Qt platform plugin could be
 * initialized"), so a profile's display (-try X11) is X11 for it under --x11 auto too, said
 * under --verbose. 1 then, 0 if not, or -errno. */
static int qt_needs_x11(struct desktop_config *d, const struct config *c)
{
	_cleanup_free_ char *exe = NULL;
	char why[200];

	if ((d->x11_mode && strcmp(d->x11_mode, "required") == 0) || !strv_has(d->sockets_try, "x11") ||
	    !c->argv || !c->argv[0])
		return 0;
	exe = strchr(c->argv[0], '/') ? strdup(c->argv[0]) : path_find_executable(c->argv[0], c->search_path);
	if (!exe || desktop_qt_lacks_wayland(exe, why, sizeof(why)) <= 0)
		return 0;
	int r = add_note(d, "x11: %s is %s: X11 is passed as for x11 required", c->argv[0], why);
	return r < 0 ? r : 1;
}

/* The displays. Where a compositor is reachable, a display asked with -try (the profiles'
 * form) is Wayland alone: X11 gives no isolation between its clients, and a toolkit given both
 * picks Wayland anyway. `x11 required` (an app that speaks only X11) passes X11 instead, also
 * where there is a compositor: a must from the command line, a -try X11 in a profile (which
 * also runs headless), then Wayland only where there is no X server. What the user asks with
 * --socket is passed as asked. */
static int resolve_displays(struct desktop_config *d, const struct config *c, char **env, struct failure *f)
{
	int qt = qt_needs_x11(d, c);
	bool required = (d->x11_mode && strcmp(d->x11_mode, "required") == 0) || qt > 0;
	bool must_w = strv_has(d->sockets, "wayland"), try_w = strv_has(d->sockets_try, "wayland");
	bool try_x = strv_has(d->sockets_try, "x11");
	bool must_x = strv_has(d->sockets, "x11") || (required && !try_x);
	struct group_state st = { 0 };
	int r = qt < 0 ? qt : 0;

	if (r == 0 && required && (must_x || try_x))
		r = resolve_kind(d, c, env, 1, must_x, &st, f);
	if (r == 0 && (must_w || (try_w && !(required && d->x11))))
		r = resolve_kind(d, c, env, 0, must_w, &st, f);
	else if (r == 0 && try_w)
		r = add_note(d, "skipped: wayland: x11 required: X11 passed (%s)", d->x11);
	if (r == 0 && !required && (must_x || (try_x && !d->wayland)))
		r = resolve_kind(d, c, env, 1, must_x, &st, f);
	else if (r == 0 && !required && try_x)
		r = add_note(d, "skipped: x11: the Wayland compositor %s is there (x11 required passes X11)",
			     d->wayland);
	if (r < 0)
		return r == -ENOMEM ? fail(f, r, "desktop", NULL) : r;
	if (required && must_x && !d->x11) {
		*f = st.first;
		return st.first.err ? -st.first.err : -EINVAL;
	}
	return group_end(&st, f);
}

static int find_video_nodes(struct desktop_config *d, struct failure *f)
{
	DIR *dir = opendir("/dev");
	struct dirent *e;
	char path[300];
	int r = 0, n = 0;

	if (!dir)
		return fail(f, negative_errno(), "--device video", "/dev");
	while (r == 0 && (e = readdir(dir)))
		if (strncmp(e->d_name, "video", 5) == 0 && e->d_name[5] >= '0' && e->d_name[5] <= '9') {
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			r = strv_extend(&d->dev_paths, path);
			n++;
		}
	closedir(dir);
	if (r == 0 && n == 0)
		return failx(f, "--device video", "no /dev/video* device on this host");
	return r;
}

static int resolve_devices(struct desktop_config *d, struct failure *f)
{
	static const char *const dirs[][2] = { { "dri", "/dev/dri" }, { "snd", "/dev/snd" } };
	struct stat st;
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dirs); i++) {
		if (!strv_has(d->devices, dirs[i][0]))
			continue;
		if (stat(dirs[i][1], &st) < 0 || !S_ISDIR(st.st_mode))
			return failx(f, i == 0 ? "--device dri" : "--device snd",
				     "%s does not exist on this host", dirs[i][1]);
		r = strv_extend(&d->dev_paths, dirs[i][1]);
	}
	if (r == 0 && strv_has(d->devices, "video"))
		r = find_video_nodes(d, f);
	return r;
}

/* --gpu: what user-space GPU drivers open. Mesa: the DRM nodes (/dev/dri: card*, renderD*),
 * and, through libdrm's drmGetDevice2(), each node's sysfs device (/sys/dev/char/M:m → the PCI
 * or platform device's directory: vendor, device, subsystem ids, uevent, the drm/ children).
 * NVIDIA's proprietary driver: /dev/nvidiactl, /dev/nvidiaN, /dev/nvidia-uvm*, -modeset and
 * /dev/nvidia-caps (its /proc/driver/nvidia is in the sandbox's own /proc already). Nothing
 * else of /sys or /dev. A host without a GPU is a note, so that profiles run headless too. */
static const char *const nvidia_nodes[] = { "nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset",
					    "nvidia-caps" };

static int gpu_sysfs(struct desktop_config *d, const char *node)
{
	char link[64], real[PATH_MAX], dev[PATH_MAX], *drm;
	struct stat st;

	if (stat(node, &st) < 0 || !S_ISCHR(st.st_mode))
		return 0;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));
	/* .../0000:00:02.0/drm/renderD128: the device is above its drm/ directory; libdrm reads
	 * the node's device/ (a relative link into it) and subsystem (only the link's name). */
	if (!realpath(link, real) || strlen(real) >= sizeof(dev))
		return 0;
	memcpy(dev, real, strlen(real) + 1);
	if (!(drm = strstr(dev, "/drm/")))
		return 0;
	*drm = '\0';
	if (!strv_has(d->gpu_sys, dev) && strv_extend(&d->gpu_sys, dev) < 0)
		return -ENOMEM;
	return strv_extend(&d->gpu_links, real) < 0 || strv_extend(&d->gpu_links, link) < 0 ? -ENOMEM : 0;
}

static int gpu_nvidia(struct desktop_config *d, int *found)
{
	DIR *dir = opendir("/dev");
	struct dirent *e;
	char path[300];
	int r = 0;

	while (dir && r == 0 && (e = readdir(dir))) {
		bool ours =
		    strncmp(e->d_name, "nvidia", 6) == 0 && e->d_name[6] >= '0' && e->d_name[6] <= '9';
		for (size_t i = 0; i < ARRAY_SIZE(nvidia_nodes) && !ours; i++)
			ours = strcmp(e->d_name, nvidia_nodes[i]) == 0;
		if (!ours)
			continue;
		snprintf(path, sizeof(path), "/dev/%s", e->d_name);
		r = strv_extend(&d->dev_paths, path);
		(*found)++;
	}
	if (dir)
		closedir(dir);
	return r;
}

static int resolve_gpu(struct desktop_config *d)
{
	DIR *dir;
	struct dirent *e;
	char path[300];
	int r = 0, found = 0;

	if (!d->gpu)
		return 0;
	if ((dir = opendir("/dev/dri"))) {
		if (!strv_has(d->dev_paths, "/dev/dri"))
			r = strv_extend(&d->dev_paths, "/dev/dri");
		while (r == 0 && (e = readdir(dir))) {
			snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
			r = e->d_name[0] == '.' ? 0 : gpu_sysfs(d, path);
		}
		closedir(dir);
		found++;
	}
	if (r == 0)
		r = gpu_nvidia(d, &found);
	if (r == 0 && !found)
		r = add_note(d, "skipped: --gpu: %s", "no GPU on this host (no /dev/dri, no /dev/nvidiactl)");
	return r;
}

/* The host bus a proxy serves: the session's address, else the usual socket. Only a local
 * (unix:) address is taken; a path one must have a socket there. */
static int bus_address(const struct config *c, char **env, int bus, char **ret, struct failure *f)
{
	const char *addr =
	    strv_env_get(env, bus == BUS_USER ? "DBUS_SESSION_BUS_ADDRESS" : "DBUS_SYSTEM_BUS_ADDRESS");
	_cleanup_free_ char *guess = NULL;
	char path[4096];

	if ((!addr || !*addr) && bus == BUS_SYSTEM)
		addr = "unix:path=/run/dbus/system_bus_socket";
	if ((!addr || !*addr) && c->runtime_dir && asprintf(&guess, "unix:path=%s/bus", c->runtime_dir) < 0)
		return -ENOMEM;
	addr = guess ? guess : addr;
	if (!addr || !*addr)
		return failx(f, bus_opts[bus],
			     "DBUS_SESSION_BUS_ADDRESS is not set: no session bus to filter");
	if (strncmp(addr, "unix:", 5) != 0)
		return failx(f, bus_opts[bus], "%s is not a local (unix:) bus address", addr);
	if (strncmp(addr, "unix:path=", 10) == 0) {
		snprintf(path, sizeof(path), "%.*s", (int)strcspn(addr + 10, ","), addr + 10);
		if (!is_socket(path))
			return failx(f, bus_opts[bus], "%s: no bus socket there", path);
	}
	*ret = strdup(addr);
	return *ret ? 0 : -ENOMEM;
}

static char *rules_note(const char *opt, const char *list)
{
	char *s;

	return asprintf(&s, "skipped: --%s: rules without %s filter: no bus", list, opt) < 0 ? NULL : s;
}

static int resolve_bus(struct desktop_config *d, const struct config *c, char **env, int bus,
		       struct failure *f)
{
	char **mode = bus == BUS_USER ? &d->dbus_user : &d->dbus_system;
	int r;

	/* A rule on the command line turns the filter on (the command line has the last word
	 * over a profile's `none`); with --dbus-user none there too, it contradicts it. */
	if (d->cmdline_rule[bus] && *mode && strcmp(*mode, "none") == 0 && d->cmdline_mode[bus]) {
		char stage[40];
		snprintf(stage, sizeof(stage), "--%s", d->cmdline_rule[bus]);
		return failx(f, stage, "%s none turns the bus off: drop the rule or use %s filter",
			     bus_opts[bus], bus_opts[bus]);
	}
	if (d->cmdline_rule[bus] && (!*mode || strcmp(*mode, "filter") != 0)) {
		free(*mode);
		if (!(*mode = strdup("filter")) ||
		    add_note(d, "--%s: turns on %s filter", d->cmdline_rule[bus], bus_opts[bus]) < 0)
			return -ENOMEM;
	}
	/* Rules of a profile without the filter give no bus: a profile lists what its app may
	 * talk to, and the user turns the bus on (--dbus-user filter, or in NAME.local). */
	if (!*mode || strcmp(*mode, "filter") != 0) {
		for (int i = 0; i < 3; i++)
			if (d->lists[bus * 3 + i] &&
			    strv_consume(&d->notes, rules_note(bus_opts[bus], list_names[bus * 3 + i])) < 0)
				return -ENOMEM;
		return 0;
	}
	if (!d->proxy && !(d->proxy = path_find_executable("xdg-dbus-proxy", c->search_path)))
		r = failx(
		    f, bus_opts[bus],
		    "filter needs xdg-dbus-proxy, which is not installed (Debian: apt install xdg-dbus-proxy)");
	else
		r = bus_address(c, env, bus, &d->bus[bus], f);
	if (r < 0) {
		/* A profile's filter (its app wants a bus) runs without one where the host has
		 * none (headless, over ssh) or cannot filter it (no xdg-dbus-proxy), as its -try
		 * sockets do: no bus is narrower than a filtered one. The command line's is a must. */
		if (r == -ENOMEM || d->cmdline_mode[bus] || d->cmdline_rule[bus])
			return r;
		r = add_note(d, "skipped: %s filter: %s", bus_opts[bus], f->detail);
		free(*mode);
		*mode = NULL;
		*f = (struct failure){ 0 };
		return r;
	}
	if (!c->runtime_dir)
		return failx(f, bus_opts[bus], "XDG_RUNTIME_DIR is not set: no place for the proxy's socket");
	return 0;
}

/* Ours on the host, named by the launcher's pid (this process): unique while it runs. The
 * buses need XDG_RUNTIME_DIR already (resolve_bus), so only the Xauthority can miss it here. */
static int host_dir_path(struct desktop_config *d, const struct config *c, struct failure *f)
{
	if (!d->xauth_len && !d->bus[BUS_USER] && !d->bus[BUS_SYSTEM])
		return 0;
	if (!c->runtime_dir)
		return failx(f, "--socket x11",
			     "XDG_RUNTIME_DIR is not set: no place for the filtered Xauthority");
	if (asprintf(&d->host_dir, "%s/hutch-desktop/%d", c->runtime_dir, (int)getpid()) < 0)
		return fail(f, -ENOMEM, "desktop", NULL);
	return 0;
}

/* A graphical command without a display fails with its toolkit's "cannot open display", which
 * does not say that hutch passed none: one line that names what passes one. */
static int gui_hint(struct desktop_config *d, const struct config *c, char **env)
{
	const char *data_home = strv_env_get(env, "XDG_DATA_HOME");
	_cleanup_free_ char *exe = NULL, *dflt = data_home && *data_home
						     ? NULL
						     : path_join(c->home ? c->home : "/", ".local/share");
	const char *name;
	char why[PATH_MAX + 400];
	bool asked = strv_has(d->sockets, "wayland") || strv_has(d->sockets, "x11") ||
		     strv_has(d->sockets_try, "wayland") || strv_has(d->sockets_try, "x11");

	if (d->wayland || d->x11 || !c->argv || !c->argv[0])
		return 0;
	name = c->argv[0];
	exe = strchr(name, '/') ? strdup(name) : path_find_executable(name, c->search_path);
	if (!exe || desktop_gui_reason(exe, dflt ? dflt : data_home, strv_env_get(env, "XDG_DATA_DIRS"), why,
				       sizeof(why)) <= 0)
		return 0;
	if (asked)
		return asprintf(&d->hint,
				"%s is a graphical program (%s) and the host offers no display to pass "
				"(WAYLAND_DISPLAY and DISPLAY name no socket)",
				name, why) < 0
			   ? -ENOMEM
			   : 0;
	return asprintf(&d->hint,
			"%s is a graphical program (%s) and no display is passed: add --socket wayland or "
			"--socket x11, or a profile that includes inc/desktop.inc",
			name, why) < 0
		   ? -ENOMEM
		   : 0;
}

int desktop_finish(struct config *c, char **host_env, struct failure *f)
{
	struct desktop_config *d = c->desktop;
	int r;

	if (!d) {
		struct desktop_config empty = { 0 };
		/* Most commands: nothing to allocate, a file header and a directory listing read. */
		if ((r = gui_hint(&empty, c, host_env)) < 0)
			return fail(f, r, "desktop", NULL);
		if (!empty.hint)
			return 0;
		if (!(d = c->desktop = calloc(1, sizeof(*d)))) {
			free(empty.hint);
			return fail(f, -ENOMEM, "desktop", NULL);
		}
		d->hint = empty.hint;
		return 0;
	}
	if ((r = resolve_displays(d, c, host_env, f)) < 0 || (r = resolve_group(d, c, host_env, 1, f)) < 0)
		return r;
	if ((r = resolve_devices(d, f)) < 0 || (r = resolve_gpu(d)) < 0 ||
	    (r = resolve_bus(d, c, host_env, BUS_USER, f)) < 0 ||
	    (r = resolve_bus(d, c, host_env, BUS_SYSTEM, f)) < 0)
		return r == -ENOMEM ? fail(f, r, "desktop", NULL) : r;
	if ((r = gui_hint(d, c, host_env)) < 0)
		return fail(f, r, "desktop", NULL);
	if ((d->wayland || d->x11 || d->pulse || d->pipewire || d->bus[BUS_USER] || d->bus[BUS_SYSTEM]) &&
	    asprintf(&d->run_dir, "/run/user/%u", (unsigned)c->uid) < 0)
		return fail(f, -ENOMEM, "desktop", NULL);
	return host_dir_path(d, c, f);
}

/* ---- the sandbox's view --------------------------------------------------------------------- */

static int bind_into(struct mountplan *p, unsigned flags, const char *src, const char *dir, const char *name)
{
	_cleanup_free_ char *dst = path_join(dir, name);

	return dst ? mountplan_add(p, MP_BIND, flags, 0, src, dst) : -ENOMEM;
}

/* PulseAudio's client settings: no cookie (the server takes a client of its own uid by the
 * socket's credentials), no autospawn, and no shared memory: the sandbox's /dev/shm is its own,
 * so audio goes over the socket. */
static int plan_pulse(const struct desktop_config *d, struct mountplan *p)
{
	_cleanup_free_ char *conf = NULL, *dst = path_join(d->run_dir, "pulse/client.conf");
	int r = bind_into(p, MPF_RO, d->pulse, d->run_dir, "pulse/native");

	if (r == 0 && (!dst || asprintf(&conf,
					"default-server = unix:%s/pulse/native\nautospawn = no\n"
					"enable-shm = no\n",
					d->run_dir) < 0))
		r = -ENOMEM;
	return r == 0 ? mountplan_add(p, MP_FILE, 0, 0644, conf, dst) : r;
}

/* Everything lands in the sandbox's own runtime dir, a fresh tmpfs: one socket each, never
 * the host's whole runtime dir (which holds every other service's socket). */
static int plan_sockets(const struct desktop_config *d, struct mountplan *p)
{
	_cleanup_free_ char *xauth = d->xauth_len ? path_join(d->host_dir, "Xauthority") : NULL;
	int r = mountplan_add(p, MP_TMPFS, MPF_PRIVATE, 0700, NULL, d->run_dir);

	if (r == 0 && d->wayland)
		r = bind_into(p, MPF_RO, d->wayland, d->run_dir, "wayland-0");
	if (r == 0 && d->x11)
		r = mountplan_add(p, MP_BIND, MPF_RO, 0, d->x11, d->x11_in);
	if (r == 0 && d->xauth_len)
		r = xauth ? bind_into(p, MPF_RO, xauth, d->run_dir, "Xauthority") : -ENOMEM;
	if (r == 0 && d->pulse)
		r = plan_pulse(d, p);
	if (r == 0 && d->pipewire)
		r = bind_into(p, MPF_RO, d->pipewire, d->run_dir, "pipewire-0");
	for (int b = 0; r == 0 && b < N_BUS; b++) {
		_cleanup_free_ char *src = d->bus[b] ? path_join(d->host_dir, bus_sockets[b]) : NULL;
		if (!d->bus[b])
			continue;
		if (!src)
			r = -ENOMEM;
		else if (b == BUS_USER)
			r = bind_into(p, MPF_RO, src, d->run_dir, "bus");
		else
			r = mountplan_add(p, MP_BIND, MPF_RO, 0, src, SYSTEM_BUS_IN);
	}
	return r;
}

int desktop_plan(const struct config *c, struct mountplan *p, struct failure *f)
{
	const struct desktop_config *d = c->desktop;
	int r = 0;

	if (!d)
		return 0;
	if (d->run_dir)
		r = plan_sockets(d, p);
	/* Device nodes keep their host permissions: access still needs the caller's own groups
	 * (video, render, audio), which the sandbox keeps. */
	for (char **dev = d->dev_paths; r == 0 && dev && *dev; dev++)
		r = mountplan_add(p, MP_BIND, MPF_DEV, 0, *dev, *dev);
	for (char **g = d->gpu_sys; r == 0 && g && *g; g++)
		r = mountplan_add(p, MP_BIND, MPF_RO, 0, *g, *g);
	for (char **g = d->gpu_links; r == 0 && g && g[0] && g[1]; g += 2)
		r = mountplan_add(p, MP_SYMLINK, 0, 0, g[0], g[1]);
	return r < 0 ? fail(f, r, "desktop", "mount plan") : 0;
}

/* Given one display, the other display's variable goes: toolkits try it first otherwise. */
static int env_display(const struct desktop_config *d, char ***env)
{
	_cleanup_free_ char *xauth = d->xauth_len ? path_join(d->run_dir, "Xauthority") : NULL;
	int r = 0;

	if (d->wayland && !d->x11)
		strv_env_unset(*env, "DISPLAY");
	if (d->x11 && !d->wayland)
		strv_env_unset(*env, "WAYLAND_DISPLAY");
	if (d->wayland)
		r = strv_env_set(env, "WAYLAND_DISPLAY", "wayland-0");
	if (r == 0 && d->x11)
		r = strv_env_set(env, "DISPLAY", d->display);
	if (r == 0 && d->x11 && d->xauth_len)
		r = xauth ? strv_env_set(env, "XAUTHORITY", xauth) : -ENOMEM;
	return r;
}

static int env_sound_bus(const struct desktop_config *d, char ***env)
{
	_cleanup_free_ char *pulse = NULL, *conf = NULL, *bus = NULL;
	int r = 0;

	if (d->pulse && (asprintf(&pulse, "unix:%s/pulse/native", d->run_dir) < 0 ||
			 asprintf(&conf, "%s/pulse/client.conf", d->run_dir) < 0))
		return -ENOMEM;
	if (pulse && (r = strv_env_set(env, "PULSE_SERVER", pulse)) == 0)
		r = strv_env_set(env, "PULSE_CLIENTCONFIG", conf);
	if (r == 0 && d->pipewire)
		r = strv_env_set(env, "PIPEWIRE_REMOTE", "pipewire-0");
	if (r == 0 && d->bus[BUS_USER])
		r = asprintf(&bus, "unix:path=%s/bus", d->run_dir) < 0
			? -ENOMEM
			: strv_env_set(env, "DBUS_SESSION_BUS_ADDRESS", bus);
	if (r == 0 && d->bus[BUS_SYSTEM])
		r = strv_env_set(env, "DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" SYSTEM_BUS_IN);
	return r;
}

int desktop_env(const struct config *c, char ***env, struct failure *f)
{
	const struct desktop_config *d = c->desktop;
	int r;

	if (!d || !d->run_dir)
		return 0;
	r = strv_env_set(env, "XDG_RUNTIME_DIR", d->run_dir);
	if (r == 0)
		r = env_display(d, env);
	if (r == 0)
		r = env_sound_bus(d, env);
	return r < 0 ? fail(f, r, "desktop", "environment") : 0;
}
