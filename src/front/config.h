/* The one config struct: filled by the front ends (command line, profiles, later bwrap's
 * command line), validated once, then read-only for every later step. Launcher side only. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "launcher/limits/cgroup.h"
#include "lib/failure.h"
#include "launcher/limits/rlimit.h"
#include "front/mountplan.h"
#include "lib/strv.h"
#include "front/workdir.h"

/* Exit codes, as podman and env(1) use them. */
#define EXIT_LAUNCHER	 125
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND	 127

enum idmap_mode {
	IDMAP_AUTO,   /* ranges where the sandbox uses them (idmap_auto_reason), else single */
	IDMAP_SUBID,  /* require the helpers and ranges */
	IDMAP_SINGLE, /* only the caller's own id, written directly */
	IDMAP_NONE,   /* none written by us: a joined namespace (userns_fd), or another process
			 writes them (bwrap's --userns-block-fd) */
};

enum seccomp_mode {
	SECCOMP_DEFAULT,
	SECCOMP_NONE,
	SECCOMP_FILE,
};

enum landlock_mode {
	LANDLOCK_AUTO,
	LANDLOCK_OFF,
	LANDLOCK_REQUIRE,
};

enum overlay_driver {
	OVERLAY_AUTO, /* the kernel's overlayfs, fuse-overlayfs when the kernel refuses */
	OVERLAY_KERNEL,
	OVERLAY_FUSE,
};

enum home_mode {
	HOME_DEFAULT, /* private in the host view; the image's own under --rootfs */
	HOME_PRIVATE, /* an empty tmpfs */
	HOME_HOST,    /* the real home, read-write */
	HOME_RO,      /* the real home, read-only */
};

enum net_mode {
	NET_NONE,	   /* a new network namespace with only lo (the default) */
	NET_HOST,	   /* the host's network namespace (--share-net) */
	NET_SLIRP,	   /* user-mode networking by slirp4netns */
	NET_PASTA,	   /* user-mode networking by pasta (passt) */
	NET_AUTO_USERMODE, /* pasta when installed, else slirp4netns */
	NET_VETH,	   /* a veth pair on an allowed bridge, through the hutch-veth helper */
};

/* --port [HOSTIP:]HOSTPORT:SANDBOXPORT[/tcp|/udp] */
struct port_fwd {
	char host_ip[64]; /* "" for all addresses */
	unsigned host_port, sandbox_port;
	bool udp;
};

enum tier {
	TIER_AUTO,	 /* namespaces when the kernel allows them, else the restricted tier */
	TIER_FULL,	 /* namespaces or nothing (125 with the reason and the fix) */
	TIER_RESTRICTED, /* no namespaces: Landlock, seccomp, no_new_privs only */
};

enum tristate {
	TRI_AUTO = -1,
	TRI_NO = 0,
	TRI_YES = 1,
};

/* Namespaces the sandbox may keep from the host (user and mount are always new). */
enum share_flags {
	SHARE_NET = 1u << 0,
	SHARE_IPC = 1u << 1,
	SHARE_PID = 1u << 2,
	SHARE_UTS = 1u << 3,
	SHARE_CGROUP = 1u << 4,
};

/* One user-requested mount, in command-line order. */
enum mount_req_kind {
	MREQ_BIND,
	MREQ_RO_BIND,
	MREQ_DEV_BIND,
	MREQ_TMPFS,
	MREQ_DIR,
	MREQ_SYMLINK,
};

struct mount_req {
	enum mount_req_kind kind;
	char *src; /* bind source or symlink target; NULL for tmpfs/dir */
	char *dst; /* absolute path inside the sandbox */
	bool try_; /* a missing source is skipped (--bind-try and friends) */
};

/* One environment edit, applied in order to the launcher's environment. */
enum env_op_kind {
	ENV_SET,
	ENV_UNSET,
};

struct env_op {
	enum env_op_kind kind;
	char *name;
	char *value; /* ENV_SET only */
};

/* How the fallback to firejail's profiles behaves: --firejail-profiles MODE (src/front/firejail). */
enum fj_mode {
	FJ_MODE_STRICT = 0, /* a bad firejail profile stops the run (exit 125) */
	FJ_MODE_LENIENT,    /* ... falls back to hutch's default profile, with its error on stderr */
	FJ_MODE_OFF,	    /* never read */
};

struct config {
	/* the command */
	char **argv;

	/* who runs it, outside and inside */
	uid_t host_uid;
	gid_t host_gid;
	char *user; /* login name of host_uid, for /etc/subuid */
	char *home; /* the caller's $HOME (or passwd entry) */
	uid_t uid;  /* identity inside; defaults to host_uid (keep-id) */
	gid_t gid;
	enum idmap_mode idmap;
	bool idmap_ranges; /* auto: ranges wanted whatever the rule says (falls back to single) */
	char *search_path; /* $PATH at start, where the id-map helpers are looked up */

	/* namespaces */
	unsigned share; /* enum share_flags */

	/* networking (issue 6) */
	enum net_mode net;
	struct port_fwd *ports;
	size_t n_ports;
	bool allow_host_loopback;
	bool ipv6;
	char *bridge;
	char *hostname;
	char *hosts; /* the sandbox's /etc/hosts (naming hostname), NULL: the view's own */
	bool as_pid1;

	/* file system */
	struct mount_req *mounts;
	size_t n_mounts;
	char *chdir;

	/* the root (issue 3): the host view (default), or an image */
	char *rootfs;	   /* --rootfs DIR: overlay with DIR as the lowest layer */
	char **layers;	   /* --layers L1:L2:...: further read-only layers, top last */
	char *persist;	   /* --persist UPPER: a kept upper layer (work dir: UPPER.work) */
	char *rootfs_bind; /* --rootfs-bind DIR: DIR itself as the root, no overlay */
	bool rootfs_rw;	   /* --rw: --rootfs-bind writable */
	enum overlay_driver overlay_driver;

	/* host-view policy (issue 3); paths expanded (~, ${HOME}, ${UID}, ${XDG_RUNTIME_DIR}) */
	enum home_mode home_mode;
	char *home_scratch;   /* hutch learn: HOME_RO as an overlay whose upper and work dirs are in
			     * this host directory (thrown away after), so that the run can write */
	char **whitelist;     /* host paths bound read-write at the same place */
	char **read_only;     /* host paths bound read-only at the same place */
	char **whitelist_try; /* the same, skipped when missing */
	char **read_only_try;
	char **blacklist;   /* paths hidden under an empty read-only file or directory */
	char **noexec;	    /* paths (and the mounts below) where nothing may be executed */
	char **private_etc; /* NULL: all of /etc; else only these entries of it */
	bool private_tmp;
	char **mkdirs;		   /* created on the host (under home, /tmp or the runtime dir) first */
	char *runtime_dir;	   /* $XDG_RUNTIME_DIR at start, for ${XDG_RUNTIME_DIR} */
	char **allow_persist;	   /* --allow-persist PATH: points left writable (persist.h) */
	char **persist_points;	   /* the points kept read-only, derived by persist_finish() */
	enum workdir_mode workdir; /* --workdir: the working directory when it holds the home */

	/* environment */
	bool clearenv;
	struct env_op *env_ops;
	size_t n_env_ops;
	bool keep_session_env; /* skip the scrub of session variables (--keep-session-env) */

	/* confinement of the command (issue 4) */
	uint64_t cap_add; /* bit n = capability n kept; UINT64_MAX for ALL */
	enum seccomp_mode seccomp;
	char *seccomp_file;
	char **seccomp_deny; /* strv of extra syscall names to deny */
	bool allow_ptrace;
	bool allow_userns;
	int *keep_fds;
	size_t n_keep_fds;
	enum landlock_mode landlock;
	enum tristate new_session; /* auto: setsid unless stdin is a terminal */

	bool verbose;

	/* resource limits (issue 7) */
	struct cgroup_limits limits;
	enum cgroup_mode cgroup_mode;
	bool stats;
	bool stats_json; /* --stats=json */
	/* rlimits and the wall-clock timeout (issue 25): rlimit.c */
	struct rlimit_config rlimits;

	/* desktop integration (issue 8): owned by desktop.c */
	struct desktop_config *desktop;

	/* egress policy (issue 11): owned by src/egress/egress.c */
	struct egress_config *egress;
	/* --report and learn (issue 13): owned by report.c */
	struct report_config *report;
	/* workspaces under review, masks, protected paths (issue 12): owned by workspace.c */
	struct workspace_config *workspace;

	/* the bwrap front end (issue 15): owned by src/front/bwrap; NULL for hutch's own */
	struct bwrap_config *bwrap;
	char *argv0;	  /* argv[0] the command gets, when not the program's name (--argv0) */
	int userns_fd;	  /* join this user namespace instead of making one (bwrap's --userns), -1 */
	int pidns_fd;	  /* the sandbox's pid namespace is this one or a child of it (--pidns), -1 */
	bool inherit_fds; /* the command keeps every fd not close-on-exec (bwrap's way) */

	/* where user namespaces are blocked (issue 14) */
	enum tier tier;
	bool accept_weaker; /* run a profile in the restricted tier although it asks for more */

	/* management (issue 8) */
	char *name;	    /* the sandbox's name (default: command basename-pid) */
	bool name_default;  /* it is that default (state_validate()) */
	int info_fd;	    /* --info-fd, -1 */
	int json_status_fd; /* --json-status-fd, -1 */
	char **launch_argv; /* hutch's own command line, kept in the state for `hutch join` */

	/* profile selection (issue 5): --profile NAME|PATH, --noprofile */
	char *profile;
	bool noprofile;
	char *profile_path; /* the profile file that was applied (for the record) */
	/* firejail's profiles (issue 26): src/front/firejail */
	char *firejail_profile;	  /* --firejail-profile PATH */
	int firejail_mode;	  /* enum fj_mode; -1: hutch.conf's setting decides */
	uint64_t socket_families; /* --socket-family: bit n lets family n through; 0: no filter */
	bool seccomp_native_only; /* --seccomp-native-only: no 32-bit or x32 system calls */
	bool mdwe;		  /* --memory-deny-write-execute */

	/* derived by config_finish(): read by the launcher and children */
	struct mountplan plan;
	char **env;	     /* the command's environment */
	char *cwd;	     /* the caller's working directory, tried first inside */
	bool setsid_command; /* the command gets its own session (new_session resolved) */

	/* parsing's memory (issue 23): the path list appended to last (cli.c add_path) */
	struct strv_tail path_tail;
};

void config_init(struct config *c);
void config_free(struct config *c);

/* Fill defaults that depend on the caller, validate, and derive the plan and environment.
 * Returns 0, or -errno with f filled. */
int config_finish(struct config *c, char **host_env, struct failure *f);
