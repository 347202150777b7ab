/* Capabilities with libcap: caps_parse_list() reads --cap-add in the launcher (no privileges);
 * caps_drop() runs in the command process, which until then holds every capability of the
 * sandbox's user namespace, and leaves it only the --cap-add ones, on every set and across
 * execve, whatever its uid. */
#include "command/confine.h"

#include <ctype.h>
#include <errno.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "front/config.h"

static void cap_freep(cap_t *c)
{
	if (*c)
		cap_free(*c);
}

/* One element of the list, "NET_RAW" or "cap_net_raw", to its number. */
static int parse_one(const char *word, size_t len, cap_value_t *ret)
{
	char name[64] = "cap_";
	size_t skip = len >= 4 && strncasecmp(word, "cap_", 4) == 0 ? 4 : 0;

	/* libcap would take "12" as capability 12: the option takes names only. */
	if (len <= skip || len - skip + 4 >= sizeof(name) || !isalpha((unsigned char)word[skip]))
		return -EINVAL;
	for (size_t i = skip; i < len; i++)
		name[4 + i - skip] = (char)tolower((unsigned char)word[i]);
	if (cap_from_name(name, ret) < 0 || *ret < 0 || *ret >= 64)
		return -EINVAL;
	return 0;
}

int caps_parse_list(const char *list, uint64_t *ret_mask, struct failure *f)
{
	uint64_t mask = 0;

	for (const char *p = list; *p; p += *p == ',') {
		size_t len = strcspn(p, ",");
		cap_value_t cap;

		if (len == 3 && strncasecmp(p, "ALL", 3) == 0) {
			mask = UINT64_MAX;
		} else if (parse_one(p, len, &cap) < 0) {
			return failx(f, "cap-add", "unknown capability '%.*s'", (int)len, p);
		} else if (cap >= cap_max_bits()) {
			return failx(f, "cap-add", "capability '%.*s' is unknown to this kernel", (int)len,
				     p);
		} else {
			mask |= 1ULL << cap;
		}
		p += len;
	}
	*ret_mask = mask;
	return 0;
}

static uint64_t kernel_mask(void)
{
	cap_value_t n = cap_max_bits();

	return n >= 64 ? UINT64_MAX : (1ULL << n) - 1;
}

/* Securebits need CAP_SETPCAP, so they come first. With nothing kept, every bit is locked:
 * uid 0 gains nothing on execve (NOROOT), and neither keep-caps nor ambient raising can be
 * turned back on. With --cap-add, only NOROOT is locked, so the kept set is exactly the ambient
 * one whatever the uid, and the usual rules otherwise hold: setuid() away from 0 still drops
 * the kept capabilities and fake-root tools may use keep-caps and ambient within that set. */
static int set_securebits(uint64_t keep, struct failure *f)
{
	unsigned bits = SECBIT_NOROOT | SECBIT_NOROOT_LOCKED;

	if (keep == 0)
		bits |= SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
			SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED;
	if (cap_set_secbits(bits) < 0)
		return fail(f, negative_errno(), "caps", "cannot set the securebits 0x%x", bits);
	return 0;
}

/* The bounding set limits what any later execve can grant, file capabilities included. */
static int drop_bounding(uint64_t keep, struct failure *f)
{
	for (cap_value_t cap = 0; cap < cap_max_bits(); cap++) {
		if (keep & (1ULL << cap))
			continue;
		if (cap_drop_bound(cap) < 0)
			return fail(f, negative_errno(), "caps",
				    "cannot drop capability %d from the bounding set", cap);
	}
	return 0;
}

static int set_process_sets(uint64_t keep, struct failure *f)
{
	_cleanup_(cap_freep) cap_t caps = cap_init();
	static const cap_flag_t sets[] = { CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE };

	if (!caps)
		return -ENOMEM;
	for (cap_value_t cap = 0; cap < cap_max_bits(); cap++) {
		if (!(keep & (1ULL << cap)))
			continue;
		for (size_t i = 0; i < ARRAY_SIZE(sets); i++)
			if (cap_set_flag(caps, sets[i], 1, &cap, CAP_SET) < 0)
				return fail(f, negative_errno(), "caps", "cap_set_flag");
	}
	if (cap_set_proc(caps) < 0)
		return fail(f, negative_errno(), "caps", "cannot set the capability sets");
	return 0;
}

/* Ambient capabilities are what carries the kept set through execve for a non-zero uid (and,
 * with NOROOT, for uid 0 too); each needs to be permitted and inheritable already. */
static int set_ambient(uint64_t keep, struct failure *f)
{
	/* One prctl; libcap's cap_reset_ambient() asks about every capability first. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return fail(f, negative_errno(), "caps", "cannot clear the ambient set");
	for (cap_value_t cap = 0; cap < cap_max_bits(); cap++) {
		if (!(keep & (1ULL << cap)))
			continue;
		if (cap_set_ambient(cap, CAP_SET) < 0)
			return fail(f, negative_errno(), "caps", "cannot raise capability %d as ambient",
				    cap);
	}
	return 0;
}

/* c->set_ids: the command takes its ids itself. keep-caps carries the permitted set across
 * setresuid (the steps below still need CAP_SETPCAP), and the effective set is raised again.
 * setgroups(2) is refused where a single-id map was written (setgroups "deny"): with no
 * group asked, that leaves the one group there is. */
static int switch_ids(const struct config *c, struct failure *f)
{
	_cleanup_(cap_freep) cap_t caps = NULL;

	if (!c->set_ids)
		return 0;
	if (setgroups(c->n_groups, c->groups) < 0 && !(errno == EPERM && c->n_groups == 0))
		return fail(f, negative_errno(), "user", "setgroups (%zu groups)", c->n_groups);
	if (setresgid(c->gid, c->gid, c->gid) < 0)
		return fail(f, negative_errno(), "user", "gid %u", (unsigned)c->gid);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresuid(c->uid, c->uid, c->uid) < 0)
		return fail(f, negative_errno(), "user", "uid %u", (unsigned)c->uid);
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 || !(caps = cap_get_proc()))
		return fail(f, negative_errno(), "user", "capabilities after the switch");
	for (cap_value_t cap = 0; cap < cap_max_bits(); cap++) {
		cap_flag_value_t v = CAP_CLEAR;
		if (cap_get_flag(caps, cap, CAP_PERMITTED, &v) < 0 ||
		    cap_set_flag(caps, CAP_EFFECTIVE, 1, &cap, v) < 0)
			return fail(f, negative_errno(), "user", "cap_set_flag");
	}
	return cap_set_proc(caps) < 0 ? fail(f, negative_errno(), "user", "raising the effective set") : 0;
}

/* The bounding set also keeps c->cap_bounding (hutch-oci's; hutch's own front ends leave it
 * empty). With c->keep_new_privs (hutch-oci's noNewPrivileges false) no securebit is set, as
 * runc sets none: a setuid-root program gains root's capabilities within the bounding set. */
int caps_drop(const struct config *c, struct failure *f)
{
	uint64_t keep = c->cap_add & kernel_mask();
	uint64_t bound = (keep | c->cap_bounding) & kernel_mask();
	int r;

	r = switch_ids(c, f);
	if (r == 0 && !c->keep_new_privs)
		r = set_securebits(keep, f);
	if (r < 0)
		return r;
	r = drop_bounding(bound, f);
	if (r < 0)
		return r;
	r = set_process_sets(keep, f);
	if (r < 0)
		return r;
	return set_ambient(keep, f);
}
