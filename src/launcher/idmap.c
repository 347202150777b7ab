/* Id maps (see idmap.h): /etc/subuid parsing, keep-id map layout, the newuidmap/newgidmap
 * helpers run concurrently, and the single-id fallback. Launcher side, the caller's own
 * privileges (the helpers are setuid root and check the ranges themselves). */
#include "launcher/idmap.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/macro.h"
#include "lib/path-util.h"

static bool parse_ulong(const char *s, size_t len, unsigned long *ret)
{
	unsigned long v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	*ret = v;
	return true;
}

/* One "owner:start:count" line: 1 with *r filled when it is ours, 0 otherwise. */
static int subid_line(const char *l, size_t len, const char *user, unsigned long id, struct idrange *r)
{
	const char *c1 = memchr(l, ':', len), *c2;
	unsigned long owner;

	if (!c1 || !(c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - l))))
		return 0;
	bool by_name = user && strlen(user) == (size_t)(c1 - l) && memcmp(l, user, (size_t)(c1 - l)) == 0;
	bool by_id = parse_ulong(l, (size_t)(c1 - l), &owner) && owner == id;
	if (!by_name && !by_id)
		return 0;
	if (!parse_ulong(c1 + 1, (size_t)(c2 - c1 - 1), &r->start) ||
	    !parse_ulong(c2 + 1, len - (size_t)(c2 + 1 - l), &r->count) || r->count == 0)
		return 0;
	return 1;
}

int idmap_parse_subid(const char *text, const char *user, unsigned long id, struct idrange *out, size_t max)
{
	size_t n = 0;

	for (const char *l = text; *l && n < max;) {
		size_t len = strcspn(l, "\n");
		size_t lead = strspn(l, " \t");
		size_t end = len;
		while (end > lead && (l[end - 1] == ' ' || l[end - 1] == '\t' || l[end - 1] == '\r'))
			end--;
		if (end > lead && l[lead] != '#' && subid_line(l + lead, end - lead, user, id, &out[n]))
			n++;
		l += len + (l[len] == '\n');
	}
	return n > 0 ? (int)n : -EINVAL;
}

static int map_add(struct idmap *m, unsigned long inside, unsigned long outside, unsigned long count)
{
	if (m->n >= IDMAP_MAX_LINES)
		return -E2BIG;
	m->lines[m->n++] = (struct idmap_line){ inside, outside, count };
	return 0;
}

int idmap_compute(unsigned long inside, unsigned long own, const struct idrange *ranges, size_t n,
		  struct idmap *ret)
{
	unsigned long next = 0;
	int r = map_add(ret, inside, own, 1);

	for (size_t i = 0; r == 0 && i < n; i++) {
		unsigned long start = ranges[i].start, left = ranges[i].count;
		while (r == 0 && left > 0) {
			if (next == inside) {
				next++;
				continue;
			}
			unsigned long len = left;
			if (next < inside && next + len > inside)
				len = inside - next;
			r = map_add(ret, next, start, len);
			next += len;
			start += len;
			left -= len;
		}
	}
	return r;
}

/* Capabilities that let the command take another id inside (bits of c->cap_add). */
#define CAPS_CHANGING_IDS ((1ULL << CAP_SETUID) | (1ULL << CAP_SETGID) | (1ULL << CAP_CHOWN))

const char *idmap_auto_reason(const struct config *c, bool foreign_files)
{
	if (c->idmap == IDMAP_SUBID)
		return "--idmap subid";
	if (c->idmap != IDMAP_AUTO)
		return NULL;
	if (c->idmap_ranges)
		return "asked for";
	if (c->rootfs || c->layers || c->rootfs_bind)
		return "a root file system image holds files of several owners";
	if (c->persist)
		return "--persist keeps files of several owners";
	if (c->uid != c->host_uid || c->gid != c->host_gid)
		return "--uid/--gid other than the caller's";
	if (c->cap_add & CAPS_CHANGING_IDS)
		return "a kept capability lets the command change ids";
	if (foreign_files)
		return "a workspace tree holds files of another owner";
	return NULL;
}

/* One map: ranges and helper if both are there, else the single map with a note. */
static int idmap_prepare_one(const struct config *c, bool ranges_wanted, const char *file, const char *helper,
			     unsigned long inside, unsigned long own, struct idmap *m, struct failure *f)
{
	_cleanup_free_ char *text = NULL;
	struct idrange ranges[IDMAP_MAX_LINES / 2];
	int n = -EINVAL;

	*m = (struct idmap){ 0 };
	if (ranges_wanted) {
		if (fileio_read_file_at(AT_FDCWD, file, 1u << 20, &text, NULL) == 0)
			n = idmap_parse_subid(text, c->user, own, ranges, ARRAY_SIZE(ranges));
		if (n > 0 && !(m->helper = path_find_executable(helper, c->search_path)))
			m->note =
			    helper[3] == 'u' ? "newuidmap not found in PATH" : "newgidmap not found in PATH";
		else if (n <= 0)
			m->note = helper[3] == 'u' ? "no range for this user in /etc/subuid"
						   : "no range for this user in /etc/subgid";
		if (!m->helper && c->idmap == IDMAP_SUBID)
			return failx(f, "id map", "--idmap subid: %s", m->note);
	}
	if (!m->helper)
		return map_add(m, inside, own, 1);
	return idmap_compute(inside, own, ranges, (size_t)n, m) < 0
		   ? failx(f, "id map", "%s: too many ranges", file)
		   : 0;
}

/* IDMAP_LINES: the front end's maps as they are. */
static int idmap_copy_lines(const struct idmap_line *lines, size_t n, struct idmap *m, struct failure *f)
{
	*m = (struct idmap){ .privileged = true };
	if (n == 0 || n > IDMAP_MAX_LINES)
		return failx(f, "id map", "%zu map lines (1 to %d)", n, IDMAP_MAX_LINES);
	memcpy(m->lines, lines, n * sizeof(*lines));
	m->n = n;
	return 0;
}

int idmap_prepare(const struct config *c, bool ranges, struct idmap *uid, struct idmap *gid,
		  struct failure *f)
{
	if (c->idmap == IDMAP_LINES) {
		int r = idmap_copy_lines(c->uid_lines, c->n_uid_lines, uid, f);
		return r < 0 ? r : idmap_copy_lines(c->gid_lines, c->n_gid_lines, gid, f);
	}
	int r = idmap_prepare_one(c, ranges, "/etc/subuid", "newuidmap", c->uid, c->host_uid, uid, f);

	if (r < 0)
		return r;
	return idmap_prepare_one(c, ranges, "/etc/subgid", "newgidmap", c->gid, c->host_gid, gid, f);
}

void idmap_free(struct idmap *m)
{
	free(m->helper);
	m->helper = NULL;
}

/* posix_spawn the helper with "PID inside outside count ..." and its stderr on a pipe. */
static int idmap_spawn(const struct idmap *m, pid_t child, struct idmap_job *job, struct failure *f)
{
	char *argv[3 + 3 * IDMAP_MAX_LINES + 1], nums[1 + 3 * IDMAP_MAX_LINES][24];
	char *envp[] = { NULL };
	posix_spawn_file_actions_t fa;
	int pipefd[2], r, k = 0;

	argv[k++] = m->helper;
	snprintf(nums[0], sizeof(nums[0]), "%d", (int)child);
	argv[k++] = nums[0];
	for (size_t i = 0; i < m->n; i++) {
		const unsigned long v[3] = { m->lines[i].inside, m->lines[i].outside, m->lines[i].count };
		for (int j = 0; j < 3; j++) {
			snprintf(nums[k - 1], sizeof(nums[0]), "%lu", v[j]);
			argv[k] = nums[k - 1];
			k++;
		}
	}
	argv[k] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "id map", "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDERR_FILENO);
	r = posix_spawn(&job->pid, m->helper, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	safe_close(pipefd[1]);
	if (r != 0) {
		safe_close(pipefd[0]);
		job->pid = -1;
		return fail(f, -r, "id map", "%s", m->helper);
	}
	job->err_fd = pipefd[0];
	return 0;
}

int idmap_start(struct idmap *uid, struct idmap *gid, pid_t child, struct idmap_job jobs[2],
		struct failure *f)
{
	struct idmap *maps[2] = { uid, gid };

	for (int i = 0; i < 2; i++) {
		jobs[i] = (struct idmap_job){ .pid = -1, .err_fd = -1 };
		if (maps[i]->helper) {
			int r = idmap_spawn(maps[i], child, &jobs[i], f);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int write_file_at(pid_t child, const char *name, const char *text)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)child, name);
	return fileio_write_file_at(AT_FDCWD, path, text);
}

static int write_single(const struct idmap *m, pid_t child, bool is_gid, struct failure *f)
{
	char text[IDMAP_MAX_LINES * 64];
	size_t len = 0;
	int r;

	/* one line, or IDMAP_LINES's several, written by a privileged launcher */
	for (size_t i = 0; i < (m->privileged ? m->n : 1); i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%lu %lu %lu\n", m->lines[i].inside,
					m->lines[i].outside, m->privileged ? m->lines[i].count : 1);
	/* An unprivileged writer of gid_map must first give up setgroups(2): otherwise dropping a
	 * group could grant access that a negative group permission denies (CVE-2014-8989). */
	if (is_gid && !m->privileged && (r = write_file_at(child, "setgroups", "deny")) < 0 && r != -ENOENT)
		return fail(f, r, "id map", "/proc/%d/setgroups", (int)child);
	if ((r = write_file_at(child, is_gid ? "gid_map" : "uid_map", text)) < 0)
		return fail(f, r, "id map", "/proc/%d/%s: %lu %lu %lu%s", (int)child,
			    is_gid ? "gid_map" : "uid_map", m->lines[0].inside, m->lines[0].outside,
			    m->privileged ? m->lines[0].count : 1, m->privileged && m->n > 1 ? " ..." : "");
	return 0;
}

/* Wait for a helper; a failure carries the first line it printed. */
static int idmap_wait(struct idmap_job *job, const char *helper, struct failure *f)
{
	char msg[256] = "";
	ssize_t n;
	int status;

	n = read(job->err_fd, msg, sizeof(msg) - 1);
	msg[n > 0 ? n : 0] = '\0';
	msg[strcspn(msg, "\n")] = '\0';
	job->err_fd = safe_close(job->err_fd);
	while (waitpid(job->pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(f, negative_errno(), "id map", "waitpid %s", helper);
	job->pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return failx(f, "id map", "%s failed (%s)", helper, msg[0] ? msg : "no message");
}

int idmap_finish(struct idmap *uid, struct idmap *gid, pid_t child, struct idmap_job jobs[2],
		 bool fallback_ok, struct failure *f)
{
	struct idmap *maps[2] = { uid, gid };
	int result = 0;

	for (int i = 0; i < 2; i++) {
		struct idmap *m = maps[i];
		if (jobs[i].pid > 0) {
			struct failure hf = { 0 };
			int r = idmap_wait(&jobs[i], m->helper, &hf);
			if (r == 0)
				continue;
			if (!fallback_ok) {
				if (result == 0)
					*f = hf;
				result = result ? result : r;
				continue;
			}
			/* The kernel takes a map only once, and a failed helper wrote none. */
			m->note = i == 0 ? "newuidmap failed" : "newgidmap failed";
			m->n = 1; /* line 0 is always the caller's own id */
		}
		int r = write_single(m, child, i == 1, f);
		if (r < 0 && result == 0)
			result = r;
	}
	return result;
}
