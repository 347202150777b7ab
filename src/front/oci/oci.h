/* hutch-oci (issue 29): the OCI runtime command line (runc's) over hutch's modules. What the
 * front end's files share: the global options, the bundle's config.json read into struct
 * config, the container's state directory, and each subcommand's entry. Launcher side, the
 * caller's own privileges (in an engine's user namespace: its root). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

struct config;
struct failure;
struct json_value;

/* The global options (before the subcommand). */
struct oci_opts {
	char *root;	     /* --root: where the containers' state lives */
	char *log;	     /* --log FILE: errors (and --debug lines) appended there too */
	bool log_json;	     /* --log-format json */
	bool debug;	     /* --debug */
	bool systemd_cgroup; /* --systemd-cgroup: cgroupsPath is slice:prefix:name */
	char **env;	     /* the runtime's environment, for config_finish */
};

/* The namespaces a container can join by path, in this order: a user namespace first (a pod's:
 * the others are then entered with its capabilities, and the launcher makes none, SHARE_USER),
 * then a mount namespace (not entered by the launcher's process: pid 1 enters it, c->mntns_fd,
 * and builds the root and config.json's mounts in it), an engine's network namespace, a pod's
 * ipc, uts and cgroup ones; a pid namespace, another container's or the runtime's own, which
 * pid 1 is then born in. All but the mount namespace are entered by the launcher's process
 * before the launcher starts. */
enum oci_join {
	OCI_JOIN_USER,
	OCI_JOIN_MNT,
	OCI_JOIN_NET,
	OCI_JOIN_IPC,
	OCI_JOIN_UTS,
	OCI_JOIN_CGROUP,
	OCI_JOIN_PID,
	OCI_JOIN_N
};

struct oci_join_kind {
	const char *type; /* config.json's name */
	int clone_flag;	  /* for setns */
	unsigned share;	  /* the config's SHARE_* bit (none for mount: c->mntns_fd instead) */
};
extern const struct oci_join_kind oci_join_kinds[OCI_JOIN_N];

/* What hutch-oci needs of config.json beyond struct config: how the run is prepared in the
 * container's own process before the launcher starts (oci-create.c). */
struct oci_bundle {
	char *bundle;		/* the bundle's absolute path */
	char *rootfs;		/* root.path, absolute */
	char *join[OCI_JOIN_N]; /* linux.namespaces' paths to join (oci_join_kinds), or NULL */
	bool new_netns;		/* a new network namespace (no path) */
	bool new_userns;	/* a user namespace with linux.uidMappings and gidMappings */
	unsigned user_line;	/* process.user's line in config.json, for the id checks */
	bool has_hooks;		/* config.json has hooks: create keeps a copy of it */
	char *joined_hostname;	/* hostname, set in the uts namespace joined by path (as runc) */
	char **sysctl;		/* "name=value" pairs of linux.sysctl */
	char **annotations;	/* "name=value" pairs, for `state` */
	char **notes;		/* what was ignored, and why: written to --log as warnings */
	bool terminal;		/* process.terminal */
	bool has_oom_score;
	int oom_score_adj;
	mode_t umask;
	bool has_umask;
	char *cgroups_path; /* linux.cgroupsPath, NULL when absent */
	unsigned cgroups_path_line;
};

/* oci-spec.c: the bundle's config.json into c (argv, env, identity, root, mounts,
 * namespaces, limits, seccomp) and b. Every error names config.json's field and line. */
int oci_spec_read(const char *path, struct json_value **ret, struct failure *f);
int oci_spec_load(const char *bundle_dir, struct config *c, struct oci_bundle *b, struct failure *f);
void oci_bundle_free(struct oci_bundle *b);
/* process (config.json's, or exec's --process file) into c: args, env, cwd, user, caps,
 * rlimits. */
int oci_spec_process(const struct json_value *p, struct config *c, struct oci_bundle *b, struct failure *f);
/* An object's members must all be known (an unsupported field is an error, never ignored). */
int oci_spec_known(const struct json_value *obj, const char *where, const char *const *keys,
		   struct failure *f);

/* oci-user.c: process.user's uid, gid and additionalGids each in the container's id maps
 * (config.json's, the single map, or this process's user namespace's: the runtime's, or the
 * one joined by path once it is entered), else an error naming the field and the map. */
int oci_user_check(const struct config *c, const struct oci_bundle *b, struct failure *f);
/* Once in the user namespace joined by path: our ids (outer_*: before the join) made its 0
 * where they have no owner there, then oci_user_check against its maps. */
int oci_user_joined(const struct config *c, const struct oci_bundle *b, uid_t outer_uid, gid_t outer_gid,
		    struct failure *f);

/* oci-mounts.c: mounts, maskedPaths, readonlyPaths into c's plan (root first). */
int oci_mounts_plan(const struct json_value *spec, struct config *c, const struct oci_bundle *b,
		    struct failure *f);

/* oci-annot.c: the run.hutch.* annotations (hutch's own extras) into c, once the plan is
 * built. */
int oci_annotations_apply(struct config *c, const struct oci_bundle *b, struct failure *f);

/* oci-seccomp.c: linux.seccomp compiled with libseccomp into one raw program on c. */
int oci_seccomp_load(const struct json_value *seccomp, struct config *c, struct failure *f);

/* oci-state.c: one container's record in ROOT/ID/state.json, and the start fifo. */
enum oci_status {
	OCI_CREATING,
	OCI_CREATED,
	OCI_RUNNING,
	OCI_STOPPED,
	OCI_PAUSED, /* running, its cgroup frozen */
};

struct oci_state {
	char *id;
	char *bundle;
	char *rootfs;
	char *created; /* RFC 3339 */
	char **annotations;
	pid_t pid;			   /* the container's process: the sandbox's pid 1 (runc's init) */
	unsigned long long start_time;	   /* its start time (/proc/PID/stat), against pid reuse */
	char *cgroup;			   /* its group below /sys/fs/cgroup, NULL when it has none */
	pid_t launcher;			   /* hutch's launcher, pid 1's sibling, serving it until it ends */
	unsigned long long launcher_start; /* the launcher's start time */
};

int oci_state_dir(const struct oci_opts *o, const char *id, char **ret);
int oci_state_write(const struct oci_opts *o, const struct oci_state *st, struct failure *f);
int oci_state_read(const struct oci_opts *o, const char *id, struct oci_state *ret, struct failure *f);
void oci_state_free(struct oci_state *st);
enum oci_status oci_state_status(const struct oci_opts *o, const struct oci_state *st);
const char *oci_status_name(enum oci_status s);
/* The process's start time from /proc/PID/stat; 0 when it is gone or a zombie. */
unsigned long long oci_proc_start_time(pid_t pid);
/* runc's state JSON of st on stdout. */
int oci_state_print(const struct oci_opts *o, const struct oci_state *st);
/* The JSON object of st with status (without the closing brace's newline: "}" follows). */
void oci_state_format(FILE *out, const struct oci_state *st, const char *status);
/* A pidfd on the container's process, or -ESRCH when it is gone (or its pid reused). */
int oci_state_pidfd(const struct oci_state *st);
/* A pidfd on a process that started at start, or -ESRCH when it is gone (or its pid reused). */
int oci_pidfd_checked(pid_t pid, unsigned long long start);
/* Removes ROOT/ID and what is in it. */
int oci_state_remove(const struct oci_opts *o, const char *id, struct failure *f);

/* The subcommands: each parses its own options from argv (argv[0] is its name) and returns
 * the process's exit status, or -errno with f filled. */
int oci_cmd_create(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_run(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_start(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_state(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_kill(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_delete(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_list(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_features(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_ps(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_exec(const struct oci_opts *o, int argc, char **argv, struct failure *f);

/* oci-cgroup.c: linux.resources (where: the name its errors give it) into l; cgroupsPath
 * (NULL when absent) into where c's back-end makes the group; the group of a container's
 * sandbox, from its pid 1 (NULL when it has none); whether a group's sandbox is frozen; what delete removes. */
struct cgroup_limits;
int oci_cgroup_resources(const struct json_value *res, const char *where, struct cgroup_limits *l,
			 struct failure *f);
int oci_cgroup_place(const struct oci_opts *o, const char *id, const char *path, unsigned line,
		     struct config *c, struct failure *f);
int oci_cgroup_of(pid_t pid, char **ret);
bool oci_cgroup_frozen(const char *group);
/* This process into the container's sandbox/ cgroup (exec's joiner: its limits hold there). */
int oci_cgroup_enter(const struct oci_state *st, struct failure *f);
void oci_cgroup_remove(const struct oci_state *st);
int oci_cmd_pause(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_resume(const struct oci_opts *o, int argc, char **argv, struct failure *f);
int oci_cmd_update(const struct oci_opts *o, int argc, char **argv, struct failure *f);

/* oci-exec.c: this process into the running container's namespaces (pid namespace: for its
 * children), as exec's joiner enters them. */
int oci_exec_join(const struct oci_state *st, struct failure *f);

/* oci-hooks.c: config.json's hooks. oci_hooks_check validates them when the bundle is read;
 * oci_hooks_run runs those of one kind from the state directory's copy of config.json, the
 * state on their stdin (status as given), in the runtime's namespaces or, for
 * createContainer and startContainer, in the container's. */
int oci_hooks_check(const struct json_value *hooks, struct failure *f);
int oci_hooks_save(const struct oci_opts *o, const char *id, const char *bundle, struct failure *f);
int oci_hooks_run(const struct oci_opts *o, const struct oci_state *st, const char *kind, const char *status,
		  struct failure *f);

/* oci-create.c: wait for a child, passing SIGINT, SIGTERM, SIGHUP and SIGQUIT on; its exit
 * status (128+N for signal N). */
int oci_wait_child(pid_t pid, struct failure *f);

/* oci-main.c: a line for --log (and stderr when to_stderr). */
void oci_log(const struct oci_opts *o, const char *level, bool to_stderr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* oci-main.c: the bundle's notes (what it asked that is ignored here), each a warning for --log. */
void oci_log_notes(const struct oci_opts *o, const struct oci_bundle *b);
