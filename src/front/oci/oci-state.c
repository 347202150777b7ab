/* hutch-oci: a container's state directory, ROOT/ID, holding state.json (written once the
 * container is created, replaced atomically) and exec.fifo (the start gate, present until
 * `start`). The status is never stored: it is read from the container's process (alive and
 * the same start time: created while the fifo exists, else running; gone: stopped).
 * Launcher side, the caller's privileges. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/oci/oci.h"
#include "lib/failure.h"
#include "lib/fileio.h"
#include "lib/json-read.h"
#include "lib/strv.h"

/* runc's rule for ids: letters, digits and _+-. , not "." or "..". */
static bool id_valid(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 1024 || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-.") == n;
}

int oci_state_dir(const struct oci_opts *o, const char *id, char **ret)
{
	if (!id_valid(id))
		return -EINVAL;
	return asprintf(ret, "%s/%s", o->root, id) < 0 ? -ENOMEM : 0;
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(out, "\\u%04x", *p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

/* "name=value" pairs as a JSON object. */
static void put_pairs(FILE *out, char **pairs)
{
	fputc('{', out);
	for (size_t i = 0; pairs && pairs[i]; i++) {
		const char *eq = strchr(pairs[i], '=');
		_cleanup_free_ char *name =
		    strndup(pairs[i], eq ? (size_t)(eq - pairs[i]) : strlen(pairs[i]));
		fputs(i ? "," : "", out);
		put_string(out, name ? name : "");
		fputc(':', out);
		put_string(out, eq ? eq + 1 : "");
	}
	fputc('}', out);
}

void oci_state_format(FILE *out, const struct oci_state *st, const char *status)
{
	fputs("{\"ociVersion\":\"1.2.0\",\"id\":", out);
	put_string(out, st->id);
	fprintf(out, ",\"pid\":%d,\"status\":\"%s\",\"bundle\":", (int)st->pid, status);
	put_string(out, st->bundle ? st->bundle : "");
	fputs(",\"rootfs\":", out);
	put_string(out, st->rootfs ? st->rootfs : "");
	fputs(",\"created\":", out);
	put_string(out, st->created ? st->created : "");
	fputs(",\"owner\":\"\",\"annotations\":", out);
	put_pairs(out, st->annotations);
}

int oci_state_write(const struct oci_opts *o, const struct oci_state *st, struct failure *f)
{
	_cleanup_free_ char *dir = NULL, *tmp = NULL, *path = NULL;
	FILE *out;
	int r = oci_state_dir(o, st->id, &dir);

	if (r < 0 || asprintf(&tmp, "%s/state.json.tmp", dir) < 0 ||
	    asprintf(&path, "%s/state.json", dir) < 0)
		return fail(f, r < 0 ? r : -ENOMEM, "state", "%s", st->id);
	if (!(out = fopen(tmp, "we")))
		return fail(f, negative_errno(), "state", "%s", tmp);
	oci_state_format(out, st, "created");
	fprintf(out, ",\"starttime\":%llu,\"launcher\":%d,\"launcherstart\":%llu", st->start_time,
		(int)st->launcher, st->launcher_start);
	if (st->cgroup) {
		fputs(",\"cgroup\":", out);
		put_string(out, st->cgroup);
	}
	fputs("}\n", out);
	if (fclose(out) != 0)
		return fail(f, negative_errno(), "state", "%s", tmp);
	if (rename(tmp, path) < 0)
		return fail(f, negative_errno(), "state", "%s", path);
	return 0;
}

static int dup_member(const struct json_value *v, const char *key, char **ret)
{
	const struct json_value *m = json_get(v, key);

	if (!m || m->type != JSON_STRING)
		return 0;
	return (*ret = strdup(m->text)) ? 0 : -ENOMEM;
}

static int state_parse(const char *text, size_t len, struct oci_state *st)
{
	struct json_value *v = NULL;
	const struct json_value *a;
	struct json_error err;
	int64_t pid = 0, launcher = 0;
	uint64_t start = 0, launcher_start = 0;
	int r = json_parse(text, len, &v, &err);

	if (r < 0)
		return r;
	if (json_i64(json_get(v, "pid"), &pid) < 0 || pid < 0 || pid > INT_MAX ||
	    json_i64(json_get(v, "launcher"), &launcher) < 0 || launcher < 0 || launcher > INT_MAX ||
	    json_u64(json_get(v, "starttime"), &start) < 0 ||
	    json_u64(json_get(v, "launcherstart"), &launcher_start) < 0)
		r = -EBADMSG;
	st->pid = (pid_t)pid;
	st->start_time = start;
	st->launcher = (pid_t)launcher;
	st->launcher_start = launcher_start;
	if (r == 0 && ((r = dup_member(v, "bundle", &st->bundle)) < 0 ||
		       (r = dup_member(v, "rootfs", &st->rootfs)) < 0 ||
		       (r = dup_member(v, "created", &st->created)) < 0 ||
		       (r = dup_member(v, "cgroup", &st->cgroup)) < 0))
		r = -ENOMEM;
	a = json_get(v, "annotations");
	for (size_t i = 0; r == 0 && a && a->type == JSON_OBJECT && i < a->n; i++) {
		char *kv = NULL;
		if (a->items[i].type == JSON_STRING &&
		    (asprintf(&kv, "%s=%s", a->keys[i], a->items[i].text) < 0 ||
		     strv_consume(&st->annotations, kv) < 0))
			r = -ENOMEM;
	}
	json_free(v);
	return r;
}

static int state_read_into(const struct oci_opts *o, const char *id, struct oci_state *ret, struct failure *f)
{
	_cleanup_free_ char *dir = NULL, *path = NULL;
	char buf[65536];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int r = oci_state_dir(o, id, &dir);

	*ret = (struct oci_state){ 0 };
	if (r == -EINVAL)
		return failx(f, "state", "invalid container id %s", id);
	if (r < 0 || asprintf(&path, "%s/state.json", dir) < 0 || !(ret->id = strdup(id)))
		return fail(f, -ENOMEM, "state", NULL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ENOTDIR))
		return access(dir, F_OK) == 0 ? 0 : failx(f, "state", "container %s does not exist", id);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf))) < 0)
		return fail(f, negative_errno(), "state", "%s", path);
	if ((r = state_parse(buf, (size_t)n, ret)) < 0)
		return fail(f, r, "state", "%s", path);
	return 0;
}

/* (a failure leaves nothing in ret: `delete --force` of a missing container leaked its id) */
int oci_state_read(const struct oci_opts *o, const char *id, struct oci_state *ret, struct failure *f)
{
	int r = state_read_into(o, id, ret, f);

	if (r < 0)
		oci_state_free(ret);
	return r;
}

void oci_state_free(struct oci_state *st)
{
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->cgroup);
	strv_free(st->annotations);
	*st = (struct oci_state){ 0 };
}

unsigned long long oci_proc_start_time(pid_t pid)
{
	char path[64], buf[1024], *p, *end;
	unsigned long long start;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (fileio_read_small_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return 0;
	/* the command name may hold spaces and parentheses: fields start after the last ')';
	 * field 3 is the state, 22 the start time (proc(5)) */
	if (!(p = strrchr(buf, ')')) || p[1] != ' ' || !p[2] || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return 0;
	start = strtoull(p + 1, &end, 10);
	return end > p + 1 ? start : 0;
}

enum oci_status oci_state_status(const struct oci_opts *o, const struct oci_state *st)
{
	_cleanup_free_ char *dir = NULL, *fifo = NULL;

	if (st->pid <= 0)
		return OCI_CREATING;
	if (oci_proc_start_time(st->pid) != st->start_time)
		return OCI_STOPPED;
	if (oci_state_dir(o, st->id, &dir) < 0 || asprintf(&fifo, "%s/exec.fifo", dir) < 0)
		return OCI_RUNNING;
	if (access(fifo, F_OK) == 0)
		return OCI_CREATED;
	return st->cgroup && oci_cgroup_frozen(st->cgroup) ? OCI_PAUSED : OCI_RUNNING;
}

const char *oci_status_name(enum oci_status s)
{
	static const char *const names[] = { "creating", "created", "running", "stopped", "paused" };

	return names[s];
}

int oci_state_print(const struct oci_opts *o, const struct oci_state *st)
{
	enum oci_status s = oci_state_status(o, st);
	struct oci_state shown = *st;

	if (s == OCI_STOPPED || s == OCI_CREATING)
		shown.pid = 0; /* as runc: no pid for a container that has none */
	oci_state_format(stdout, &shown, oci_status_name(s));
	fputs("}\n", stdout);
	return fflush(stdout) == 0 ? 0 : -EIO;
}

static int remove_dir_files(int dfd)
{
	DIR *d = fdopendir(dfd);
	struct dirent *e;

	if (!d)
		return negative_errno();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0 &&
		    unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT) {
			closedir(d);
			return negative_errno();
		}
	closedir(d);
	return 0;
}

int oci_state_remove(const struct oci_opts *o, const char *id, struct failure *f)
{
	_cleanup_free_ char *dir = NULL;
	int dfd, r = oci_state_dir(o, id, &dir);

	if (r < 0)
		return fail(f, r, "state", "%s", id);
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return errno == ENOENT ? 0 : fail(f, negative_errno(), "state", "%s", dir);
	if ((r = remove_dir_files(dfd)) < 0 || (rmdir(dir) < 0 && errno != ENOENT))
		return fail(f, r < 0 ? r : negative_errno(), "delete", "%s", dir);
	return 0;
}

int oci_pidfd_checked(pid_t pid, unsigned long long start)
{
	int fd;

	if (pid <= 0)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0)
		return negative_errno();
	/* checked after the open: a pid reused before it fails here, after it the fd is safe */
	if (oci_proc_start_time(pid) != start) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int oci_state_pidfd(const struct oci_state *st)
{
	return oci_pidfd_checked(st->pid, st->start_time);
}
