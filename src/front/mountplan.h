/* The mount plan: an ordered array of mount operations, built from the config in the launcher
 * (pure: no system calls, unit-tested without privileges) and replayed by the child (mount.c). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct config;
struct failure;

enum mp_op {
	MP_ROOT_TMPFS,	 /* the new root: an empty tmpfs (the host view) */
	MP_ROOT_OVERLAY, /* the new root: overlay of layers (lowest first) and upper src (NULL: tmpfs) */
	MP_ROOT_BIND,	 /* the new root: host directory src itself */
	MP_COVER,	 /* hide dst under an empty read-only file or directory (mode 000) */
	MP_BIND,	 /* host path src → dst */
	MP_MIRROR,	 /* host path src: same symlink if it is one, else read-only bind; none if absent */
	MP_TMPFS,	 /* fresh tmpfs at dst with mode (src: the source it shows, else "tmpfs") */
	MP_DIR,		 /* directory dst with mode */
	MP_SYMLINK,	 /* symlink dst whose target is src */
	MP_PROC,	 /* the sandbox's own /proc at dst */
	MP_DEV,		 /* minimal /dev at dst */
	MP_REMOUNT_RO,	 /* dst, already in the new root, made read-only */
	MP_FILE,	 /* a read-only file at dst whose content is src (resolv.conf, say) */
	MP_CGROUP,	 /* the sandbox's own cgroup tree, read-only, at dst */
	MP_OVERLAY_AT,	 /* overlay at dst: layers (lowest first), upper src and its work dir (both
			  * NULL: read-only), driver; upper and work in one parent directory */
	MP_CHMOD,	 /* chmod dst (which must exist in the new root) to mode */
	MP_MQUEUE,	 /* a new mqueue file system at dst */
	MP_DATA_FD,	 /* a file at dst with mode, its content read from fd (MPF_MOUNTED: bound on dst) */
	MP_BIND_FD,	 /* the directory or file open as fd bound on dst */
	MP_NOEXEC,	 /* dst and every mount below it made noexec (--noexec); MPF_DEV: nodes stay usable */
};

enum mp_flags {
	MPF_RO = 1u << 0,      /* read-only (recursively) */
	MPF_DEV = 1u << 1,     /* keep device nodes usable */
	MPF_TRY = 1u << 2,     /* a missing source or target is skipped, not an error */
	MPF_PRIVATE = 1u << 3, /* tmpfs owned by the sandbox user (home) */
	MPF_EMPTY = 1u << 4,   /* MP_COVER: readable empty object (mode), not mode 000 (--mask) */
	MPF_MOUNTED = 1u << 5, /* MP_DATA_FD: a bind mount of the file (else a plain file) */
	MPF_COMPAT = 1u << 6,  /* as bubblewrap does it: MP_DEV's nodes keep exec and /dev/shm is a
				  plain directory; MP_REMOUNT_RO changes the mount at dst in place;
				  MP_ROOT_TMPFS is a directory of the staging tmpfs; MP_BIND follows
				  a magic link at the end of src (/proc/self/ns/user) */
	MPF_SUID = 1u << 7,    /* MP_BIND, MP_ROOT_BIND: setuid bits honoured, no nosuid (hutch-oci,
				  as runc mounts what config.json does not make nosuid) */
};

struct mp_entry {
	enum mp_op op;
	unsigned flags;
	mode_t mode;
	char *src;
	char *dst;
	char **layers;		 /* MP_ROOT_OVERLAY, MP_OVERLAY_AT: lowest first */
	unsigned driver;	 /* MP_ROOT_OVERLAY, MP_OVERLAY_AT: enum overlay_driver */
	char *work;		 /* MP_OVERLAY_AT: the upper's work dir */
	unsigned long long size; /* MP_TMPFS: size in bytes, 0 for the default */
	int fd;			 /* MP_DATA_FD, MP_BIND_FD: an fd the launcher holds open */
};

struct mountplan {
	struct mp_entry *ops;
	size_t n;
	bool root_readonly; /* remount the new root's own tmpfs read-only when done */
	/* MS_SHARED, MS_SLAVE, MS_PRIVATE or MS_UNBINDABLE: given to the new root and every mount
	 * below it once entered (hutch-oci's linux.rootfsPropagation); 0: left private */
	unsigned long root_propagation;
};

/* What the features contribute to the plan, filled while the config is finished
 * (config_finish, before mountplan_build): the plan only places them, it calls no feature. */
struct mountplan_input {
	const char *resolv_conf;      /* /etc/resolv.conf's content (egress resolver, net back-end) */
	bool cgroup;		      /* the sandbox's own cgroup tree at /sys/fs/cgroup */
	struct mountplan private_bin; /* after the host's system directories (private_bin_plan) */
	struct mountplan desktop;     /* after the home and the policy's paths (desktop_plan) */
	struct mountplan workspace;   /* after the user's mounts (workspace_plan, _plan_last) */
};

/* Append one operation (src may be NULL); for the features that fill a struct mountplan_input. */
int mountplan_add(struct mountplan *p, enum mp_op op, unsigned flags, mode_t mode, const char *src,
		  const char *dst);

/* Build the plan for c (default view, then the user's mounts in order) with the features'
 * additions from c->plan_input. */
int mountplan_build(const struct config *c, struct mountplan *ret, struct failure *f);
void mountplan_free(struct mountplan *p);
void mountplan_input_free(struct mountplan_input *in);

const char *mountplan_op_name(enum mp_op op);

/* Whether the plan's cover at index i (a -try one) can hide nothing when replayed: its path lies
 * in a tmpfs the plan made before it (not a -try one) and nothing but such covers went into that
 * tmpfs in between, so the path is missing there. Destinations must not resolve through
 * symlinks (dest_symlinks), which could reach into the tmpfs from another path. */
bool mountplan_cover_moot(const struct mountplan *p, size_t i);
