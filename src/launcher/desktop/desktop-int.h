/* The desktop room's internals (desktop.c, desktop-proxy.c): struct desktop_config, what
 * desktop_finish() resolved and the proxies need. Launcher side, the caller's own privileges. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum { BUS_USER, BUS_SYSTEM, N_BUS };

/* Xauthority families (X11/Xauth.h): a local (Unix socket) entry is keyed by the host name,
 * which is not ours inside the sandbox (new uts namespace); a wildcard entry matches any. */
#define XAUTH_FAMILY_LOCAL 256
#define XAUTH_FAMILY_WILD  65535
#define XAUTH_MAX	   (1024 * 1024)

#define PROXY_READY_MS 10000
#define PROXY_STOP_MS  5000
#define SYSTEM_BUS_IN  "/run/dbus/system_bus_socket"

struct desktop_config {
	char **sockets, **devices;
	char *dbus_user, *dbus_system;
	char **lists[6];	     /* dbus-user.talk/own/see, dbus-system.talk/own/see */
	char *x11_mode;		     /* --x11: auto (X11 only where there is no Wayland) or required */
	bool gpu;		     /* --gpu */
	bool cmdline;		     /* options from here on are the command line's (the profile's before) */
	const char *cmdline_rule[2]; /* the first --dbus-*.talk/own/see on the command line */
	bool cmdline_mode[2];	     /* --dbus-user/--dbus-system given on the command line */

	/* resolved by desktop_finish() */
	char *run_dir;	/* the sandbox's own $XDG_RUNTIME_DIR, /run/user/UID */
	char *host_dir; /* ours on the host: the proxies' sockets, the filtered Xauthority */
	char *wayland;	/* the compositor's socket */
	char *x11;	/* /tmp/.X11-unix/XN */
	char *x11_in;	/* where it is bound inside: /tmp/.X11-unix/XM (M = N unless remapped) */
	char *display;	/* DISPLAY inside */
	char *xauth;	/* the display's Xauthority entries, rewritten (binary) */
	size_t xauth_len;
	char *pulse, *pipewire;
	char *proxy;	    /* the xdg-dbus-proxy executable */
	char *bus[N_BUS];   /* the host bus each proxy serves, NULL for none */
	char **dev_paths;   /* device nodes or directories bound as they are */
	char **gpu_sys;	    /* --gpu: the GPUs' /sys/devices/... directories */
	char **gpu_links;   /* --gpu: pairs {its node's sysfs directory, /sys/dev/char/M:m} */
	char **sockets_try; /* --socket-try: used when the host offers them */
	char **notes;	    /* what was skipped, said under --verbose */
	char *hint;	    /* a graphical command without a display: what passes one */
};

static const char *const list_names[6] = { "dbus-user.talk",   "dbus-user.own",	  "dbus-user.see",
					   "dbus-system.talk", "dbus-system.own", "dbus-system.see" };
static const char *const bus_opts[N_BUS] = { "--dbus-user", "--dbus-system" };
static const char *const bus_sockets[N_BUS] = { "bus", "system_bus_socket" };
