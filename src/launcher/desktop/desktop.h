/* Desktop integration (issue 8): the display (Wayland, X11) and sound (PulseAudio,
 * PipeWire) sockets bound into the sandbox's own runtime directory, the session and system
 * buses through xdg-dbus-proxy with --talk/--own/--see filters, and the allowed devices (dri,
 * snd, video). Launcher side, the caller's own privileges; nothing here runs unless one of
 * these options is given. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

struct config;
struct failure;
struct mountplan;

/* One of the desktop options (name without "--": socket, device, dbus-user, dbus-system,
 * dbus-user.talk, dbus-user.own, dbus-user.see, dbus-system.talk, dbus-system.own,
 * dbus-system.see) into c->desktop (allocated on first use, freed by desktop_free). */
int desktop_parse_option(struct config *c, const char *name, const char *arg, struct failure *f);
void desktop_free(struct config *c);

/* What is parsed after this call comes from the command line, after the profile: a
 * --dbus-user.talk there turns the filter on (hutch(1)). */
int desktop_cmdline_begin(struct config *c);

/* config_finish(): read what the host offers (sockets, Xauthority), validate; before the
 * plan is built. */
int desktop_finish(struct config *c, char **host_env, struct failure *f);

/* config_finish(): the mount plan's additions (runtime dir, socket binds, devices, files),
 * into c->plan_input.desktop, which mountplan_build places after the policy's paths. */
int desktop_plan(const struct config *c, struct mountplan *p, struct failure *f);

/* The command's environment edits (WAYLAND_DISPLAY, DISPLAY, XAUTHORITY,
 * DBUS_SESSION_BUS_ADDRESS, XDG_RUNTIME_DIR, PULSE_SERVER …). */
int desktop_env(const struct config *c, char ***env, struct failure *f);

/* Launcher: start the D-Bus proxies before the sandbox is cloned (their sockets are bound
 * in), and stop them when it ends. */
struct desktop_state {
	pid_t proxy_pids[2];
	int proxy_fds[2];
	char *proxy_dir;
};
void desktop_state_init(struct desktop_state *st);
int desktop_start(const struct config *c, struct desktop_state *st, struct failure *f);
void desktop_stop(struct desktop_state *st);

/* desktop-hint.c: whether the executable at `exe` is a graphical program (a toolkit or display
 * library among its DT_NEEDED, or a .desktop entry in data_home's or one of data_dirs'
 * applications/ that starts it): 1 and why in buf, else 0. data_home (the user's
 * XDG_DATA_HOME, resolved) and data_dirs ($XDG_DATA_DIRS) may be NULL. */
int desktop_gui_reason(const char *exe, const char *data_home, const char *data_dirs, char *buf, size_t len);

/* wayland-probe.c: whether the compositor listening on socket_path offers the global
 * interface `want` (1 or 0), or -errno (no answer within a second, a protocol error). */
int desktop_wayland_has_global(const char *socket_path, const char *want);
