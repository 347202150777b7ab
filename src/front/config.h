/* The one config struct: filled by the front ends (command line and profiles, bwrap's
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
#include "front/private-bin.h"
#include "lib/strv.h"
#include "front/workdir.h"

struct bpf_program;

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
	IDMAP_LINES,  /* c->uid_lines and c->gid_lines, written directly: the launcher holds
			 CAP_SETUID and CAP_SETGID over every id in them (the root of an engine's
			 user namespace, hutch-oci); setgroups(2) stays allowed */
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

/* Namespaces the sandbox may keep from the host (mount is always new; user too, but with
 * SHARE_USER). */
enum share_flags {
	SHARE_NET = 1u << 0,
	SHARE_IPC = 1u << 1,
	SHARE_PID = 1u << 2,
	SHARE_UTS = 1u << 3,
	SHARE_CGROUP = 1u << 4,
	SHARE_USER = 1u << 5, /* no new user namespace: the launcher's own, whose root it is
				 (hutch-oci under an engine, as runc runs there); no id map */
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
	char **private_bin; /* NULL: all the host's programs; else only these (private-bin.h) */
	struct private_bin_set private_bin_set; /* what they resolved to: private_bin_finish() */
	bool private_tmp;
	char *machine_id;	   /* --machine-id: the content of a random /etc/machine-id, or NULL */
	bool private_cache;	   /* an empty ~/.cache over whatever a whitelist shows in it */
	char **mkdirs;		   /* created on the host (under home, /tmp or the runtime dir) first */
	char *runtime_dir;	   /* $XDG_RUNTIME_DIR at start, for ${XDG_RUNTIME_DIR} */
	char **allow_persist;	   /* --allow-persist PATH: points left writable (persist.h) */
	char **persist_points;	   /* the points kept read-only: persist_points_ensure() */
	enum workdir_mode workdir; /* --workdir: the working directory when it holds the home */

	/* environment */
	bool clearenv;
	struct env_op *env_ops;
	size_t n_env_ops;
	bool keep_session_env; /* skip the scrub of session variables (--keep-session-env) */

	/* confinement of the command (issue 4) */
	uint64_t cap_add; /* bit n = capability n kept; UINT64_MAX for ALL */
	/* also left in the bounding set, for what a program's setuid bit or file capabilities
	 * may gain where keep_new_privs allows it (hutch-oci's capabilities.bounding); 0: none */
	uint64_t cap_bounding;
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
	struct rlimit_exact *exact_rlimits; /* set as given after those (hutch-oci) */
	size_t n_exact_rlimits;

	/* desktop integration (issue 8): owned by desktop.c */
	struct desktop_config *desktop;

	/* egress policy (issue 11): owned by src/egress/egress.c */
	struct egress_config *egress;
	/* --report and learn (issue 13): owned by report.c */
	struct report_config *report;
	/* workspaces under review, masks, protected paths (issue 12): owned by workspace.c */
	struct workspace_config *workspace;

	/* what a front end may ask beyond hutch's own options (hutch-bwrap's, issue 15; OCI's) */
	char *argv0;	  /* argv[0] the command gets, when not the program's name (--argv0) */
	int userns_fd;	  /* join this user namespace instead of making one (bwrap's --userns), -1 */
	int *plan_trees;  /* per plan entry: a detached mount made before the clone (hutch-oci's
			     binds, mount_trees_outside), or -1; NULL when none was made */
	int pidns_fd;	  /* the sandbox's pid namespace is this one or a child of it (--pidns), -1 */
	int mntns_fd;	  /* pid 1 enters this mount namespace instead of making one, and builds
			     the root in it (hutch-oci's joined by path, as runc's init does), -1 */
	bool inherit_fds; /* the command keeps every fd not close-on-exec (bwrap's way) */
	/* the AppArmor profile the command's execve enters (hutch-oci's process.apparmorProfile
	 * where AppArmor is enabled), or NULL */
	char *apparmor_profile;
	/* given whole by the front end, so that config_finish() derives none of it: the plan
	 * (c->plan as filled: no default plan, no persistence guards, no desktop), the
	 * environment (c->env, c->home) */
	bool plan_given;
	bool env_given;
	bool keep_hostname;   /* a new uts namespace keeps the name it starts with, not "hutch" */
	bool no_record;	      /* no record under $XDG_RUNTIME_DIR/hutch: list, join, stop miss it */
	bool set_pwd;	      /* $PWD is the directory the command starts in (command.c) */
	bool keep_core_limit; /* RLIMIT_CORE stays the caller's unless asked (rlimit.c), not 0 */
	bool dest_symlinks;   /* mount destinations resolve through symlinks that stay in the new
			       * root, not through none (src/sandbox/mount/mount.c) */
	/* raw classic-BPF programs the command installs after hutch's filter, in this order
	 * (hutch-bwrap's --seccomp/--add-seccomp-fd, hutch-oci's config.json filter) */
	struct bpf_program *extra_filters;
	size_t n_extra_filters;
	/* pid 1, before the command starts (src/sandbox/gate.c, src/sandbox/nest.c) */
	int maps_block_fd; /* another process writes the id maps: wait for a byte or EOF, -1 */
	char **lock_files; /* paths inside, each read-locked (F_RDLCK) by pid 1 while it lives */
	/* the command runs in a user namespace nested in the sandbox's, nest_uid and nest_gid
	 * there mapped to uid and gid */
	bool nest_userns;
	uid_t nest_uid;
	gid_t nest_gid;
	bool nest_limit_userns; /* that nested one is the last: max_user_namespaces is 1 */
	bool assert_no_userns;	/* pid 1 checks that the command cannot make a user namespace */
	int userns2_fd;		/* pid 1 joins this user namespace last, -1 */
	int block_fd;		/* then waits for a byte or EOF on this fd, -1 */
	int proc_fd;		/* the host's /proc (config_finish opens it for nest_userns), -1 */
	/* the JSON on --info-fd and --json-status-fd (src/launcher/info.c) */
	unsigned info_namespaces; /* CLONE_NEW* it names; 0: every namespace of pid 1 */
	bool info_spaced;	  /* bubblewrap's layout: an indented object on the info fd,
				   * "{ … }" on the status fd */
	bool info_close;	  /* the fds are the launcher's alone: pid 1 closes its copies, the
				   * launcher each one once written (its reader waits for the end) */
	bool info_exit_if_run;	  /* no "exit-code" for a command that never started */

	/* Held before exec (hutch-oci's create and start, issue 29): once set up, the command
	 * writes one byte to start_ready_fd and execs only after reading one from start_gate_fd
	 * (command.c: command_wait_start). -1: not held. */
	int start_ready_fd;
	int start_gate_fd;
	/* pid 1 is the launcher's parent's child, not the launcher's (hutch-oci, issue 29: the
	 * pid of the runtime's create is the container's init, as runc's): cloned with
	 * CLONE_PARENT in the direct start, the launcher's parent reaps it (or, once that exits,
	 * its subreaper), and it is not tied to the launcher by PR_SET_PDEATHSIG (it would die
	 * with create); the launcher watches it through its pidfd (src/launcher/launcher.c). */
	bool pid1_sibling;
	/* "net.NAME=VALUE" pairs pid 1 writes into /proc/sys, in its own network namespace, once
	 * the id maps are written and before the mounts (hutch-oci's linux.sysctl when the sandbox
	 * makes the network namespace in a user namespace of its own, as runc's init writes them;
	 * checked by the front end: net.* only, no "/" and no ".."). */
	char **net_sysctl;
	/* A terminal of the sandbox's own (hutch-oci's process.terminal, as runc makes it): once its
	 * session is made, the command opens a pseudo-terminal on the sandbox's /dev/pts, sends the
	 * controller end over console_fd (a connected socket: the engine's --console-socket), makes
	 * the other end its controlling terminal and standard streams, sized console_rows ×
	 * console_cols when given, and with console_dev binds it over /dev/console
	 * (command/terminal.c). -1: none. */
	int console_fd;
	bool console_dev;
	unsigned short console_rows, console_cols;
	/* the command switches to uid, gid and these groups itself, before caps_drop (hutch-oci's
	 * process.user: the maps hold every id); else it is the id its map gives it */
	bool set_ids;
	gid_t *groups;
	size_t n_groups;
	/* no no_new_privs (hutch-oci's process.noNewPrivileges false or absent, as runc): the
	 * lock-down (Landlock, network wait, seccomp) moves before caps_drop, while CAP_SYS_ADMIN
	 * stands in for it; hutch's own front ends never set it (command.c: command_steps) */
	bool keep_new_privs;
	/* the shared network namespace (SHARE_NET) is the sandbox's alone (an engine made it for
	 * this one container): an egress policy may go into it, and no back-end is started */
	bool net_private;
	/* IDMAP_LINES's maps (struct idmap_line: inside, outside, count) */
	struct idmap_line *uid_lines, *gid_lines;
	size_t n_uid_lines, n_gid_lines;

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
	struct mountplan_input plan_input; /* the features' mounts, placed by mountplan_build */
	struct mountplan plan;
	char **env;	     /* the command's environment */
	char *cwd;	     /* the caller's working directory, tried first inside */
	bool setsid_command; /* the command gets its own session (new_session resolved) */

	/* parsing's memory (issue 23): the path list appended to last (cli.c add_path) */
	struct strv_tail path_tail;
};

void config_init(struct config *c);
void config_free(struct config *c);

/* Fill defaults that depend on the caller, validate, and derive the plan and environment
 * (unless the front end gave them: plan_given, env_given). Every front end calls it.
 * Returns 0, or -errno with f filled. */
int config_finish(struct config *c, char **host_env, struct failure *f);
