/* The seccomp user-notification server (see notify.h). Launcher side. */
#include "launcher/notify.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "front/config.h"
#include "command/confine.h"
#include "launcher/events.h"
#include "lib/failure.h"
#include "lib/path-util.h"
#include "launcher/report.h"
#include "command/seccomp-table.h"

#define STAGE "--report"

struct notify_rule {
	int nr; /* native number, or SECCOMP_RULE_DEFAULT */
	uint32_t action;
	unsigned line;
};

unsigned notify_watch(const struct config *c)
{
	const struct report_config *r = c->report;

	if (!report_wanted(c))
		return 0;
	return SECCOMP_NOTIFY_DENIED | (r->full ? SECCOMP_NOTIFY_FILES : 0) |
	       (r->learn ? SECCOMP_NOTIFY_LEARN : 0);
}

/* ---- naming a refusal: which rule, which errno ---- */

static int read_rule_file(struct notify *n, const char *path, struct failure *f)
{
	int fd = path_open_regular(path, O_RDONLY, 0);
	FILE *in = fd >= 0 ? fdopen(fd, "r") : NULL;
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;

	if (fd == -EBADFD)
		return failx(f, "--seccomp", "%s: not a regular file", path);
	if (!in) {
		int r = fd < 0 ? fd : negative_errno();
		safe_close(fd);
		return fail(f, r, STAGE, "%s: cannot read the rule file", path);
	}
	while (getline(&line, &cap, in) >= 0) {
		struct seccomp_file_rule rule;
		const char *err;
		lineno++;
		if (seccomp_parse_line(line, &rule, &err) < 0 || rule.nr == SECCOMP_RULE_NONE)
			continue;
		struct notify_rule *v = realloc(n->rules, (n->n_rules + 1) * sizeof(*v));
		if (!v) {
			fclose(in);
			return -ENOMEM;
		}
		n->rules = v;
		n->rules[n->n_rules++] = (struct notify_rule){ rule.nr, rule.action, lineno };
	}
	fclose(in);
	return 0;
}

struct verdict {
	int err;	 /* what the caller sees; 0: let through (learn) */
	char rule[600];	 /* "default", "profile FILE:LINE", "FILE:LINE" */
	const char *why; /* the default list's reason, or NULL */
};

static bool on_deny_list(const struct config *c, const char *name)
{
	for (char **d = c->seccomp_deny; d && *d; d++)
		if (strcmp(*d, name) == 0)
			return true;
	return false;
}

static bool explain_file(const struct notify *n, const char *name, struct verdict *v)
{
	int nr = seccomp_syscall_resolve_name(name);
	const struct notify_rule *hit = NULL, *def = NULL;

	for (size_t i = 0; i < n->n_rules; i++) {
		if (n->rules[i].nr == nr)
			hit = &n->rules[i];
		if (n->rules[i].nr == SECCOMP_RULE_DEFAULT)
			def = &n->rules[i];
	}
	if (!hit)
		hit = def;
	if (!hit || (hit->action & 0xffff0000U) != SCMP_ACT_ERRNO(0))
		return false;
	v->err = (int)(hit->action & 0xffffU);
	snprintf(v->rule, sizeof(v->rule), "%s:%u%s", n->c->seccomp_file, hit->line,
		 hit == def ? " (default)" : "");
	return true;
}

/* The same decision the plain filter makes, by name (the filter already matched a
 * conditional row's arguments, or the kernel would not have asked). */
static bool explain(const struct notify *n, const char *name, struct verdict *v)
{
	const struct config *c = n->c;

	*v = (struct verdict){ 0 };
	if (on_deny_list(c, name)) {
		v->err = EPERM;
		snprintf(v->rule, sizeof(v->rule), "%s", report_deny_origin(c, name));
		return true;
	}
	if (c->seccomp == SECCOMP_FILE)
		return explain_file(n, name, v);
	if (c->seccomp != SECCOMP_DEFAULT)
		return false;
	for (size_t i = 0; i < SECCOMP_DEFAULT_ROWS; i++) {
		const struct seccomp_row *row = &seccomp_default_rows[i];
		if (strcmp(row->name, name) != 0)
			continue;
		v->err = row->err;
		v->why = row->reason;
		snprintf(v->rule, sizeof(v->rule), "default");
		/* learn is permissive where an option would lift the row (--allow-ptrace, --allow-userns) */
		if (row->gate != SCG_NONE && c->report->learn)
			v->err = 0;
		return true;
	}
	return false;
}

/* ---- reading the caller ---- */

/* A string at addr in pid's memory, split at page ends: process_vm_readv never splits one
 * remote iovec, and the string may end just before an unmapped page. */
static int read_string(pid_t pid, uint64_t addr, char *buf, size_t size)
{
	const uint64_t page = 4096;
	struct iovec local = { buf, size - 1 }, remote[2];
	uint64_t first = page - (addr % page);

	if (addr == 0)
		return -EFAULT;
	remote[0] = (struct iovec){ (void *)(uintptr_t)addr, first < size - 1 ? first : size - 1 };
	remote[1] =
	    (struct iovec){ (void *)(uintptr_t)(addr + remote[0].iov_len), size - 1 - remote[0].iov_len };
	ssize_t got = process_vm_readv(pid, &local, 1, remote, remote[1].iov_len ? 2 : 1, 0);
	if (got <= 0)
		return got < 0 ? negative_errno() : -EFAULT;
	buf[got] = '\0';
	return memchr(buf, '\0', (size_t)got) ? 0 : -ENAMETOOLONG;
}

static int read_mem(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };

	return process_vm_readv(pid, &local, 1, &remote, 1, 0) == (ssize_t)len ? 0 : -EFAULT;
}

/* Drop ".", "..", and doubled slashes (lexically: the link targets are the sandbox's). */
static void normalize(char *p)
{
	char *out = p, *save = NULL, tmp[PATH_MAX];

	size_t l = strnlen(p, sizeof(tmp) - 1);
	memcpy(tmp, p, l);
	tmp[l] = '\0';
	*out = '\0';
	size_t len = 0;
	for (char *comp = strtok_r(tmp, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			while (len > 0 && p[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			p[len] = '\0';
			continue;
		}
		len += (size_t)snprintf(p + len, PATH_MAX - len, "/%s", comp);
	}
	if (len == 0)
		snprintf(p, PATH_MAX, "/");
}

/* The absolute path the call names: relative ones against the caller's cwd or its dirfd. */
static int read_path(pid_t pid, int dirfd, uint64_t addr, char *out)
{
	char rel[PATH_MAX], link[64], base[PATH_MAX];
	ssize_t n;
	int r = read_string(pid, addr, rel, sizeof(rel));

	if (r < 0)
		return r;
	if (rel[0] == '/')
		memcpy(out, rel, strlen(rel) + 1);
	else {
		if (dirfd == AT_FDCWD)
			snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
		else
			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
		if ((n = readlink(link, base, sizeof(base) - 1)) < 0)
			return negative_errno();
		size_t lr = strlen(rel);
		if ((size_t)n + 1 + lr >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out, base, (size_t)n);
		out[n] = '/';
		memcpy(out + n + 1, rel, lr + 1);
	}
	normalize(out);
	return 0;
}

static void decode_sockaddr(pid_t pid, uint64_t addr, uint64_t len, char *out, size_t size)
{
	struct sockaddr_storage ss = { 0 };
	char ip[INET6_ADDRSTRLEN];

	snprintf(out, size, "?");
	if (len < sizeof(sa_family_t) || read_mem(pid, addr, &ss, len < sizeof(ss) ? len : sizeof(ss)) < 0)
		return;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&ss;
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		snprintf(out, size, "%s:%u", ip, ntohs(in->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)&ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(out, size, "[%s]:%u", ip, ntohs(in6->sin6_port));
	} else if (ss.ss_family == AF_UNIX) {
		const struct sockaddr_un *un = (const void *)&ss;
		bool abstract = un->sun_path[0] == '\0';
		snprintf(out, size, "unix:%s%.*s", abstract ? "@" : "", (int)sizeof(un->sun_path) - 1,
			 un->sun_path + abstract);
	} else
		snprintf(out, size, "family %u", ss.ss_family);
}

/* ---- the policy a watched call meets (--report=full) ---- */

/* A hidden path the sandbox's root does not hold was never covered (the program meets
 * ENOENT, as it would anyway): looked up through the caller's own root. */
static bool in_view(pid_t pid, const char *path)
{
	char p[PATH_MAX + 32];
	struct stat st;

	snprintf(p, sizeof(p), "/proc/%d/root%s", (int)pid, path);
	return lstat(p, &st) == 0 || errno != ENOENT;
}

static const char *hidden_by(const struct config *c, pid_t pid, const char *path)
{
	for (char **b = c->blacklist; b && *b; b++)
		if (path_is_beneath(path, *b) && in_view(pid, *b))
			return *b;
	return NULL;
}

/* The mount the path lies on, by the plan (the latest of the deepest destinations), and
 * whether it is read-only there. */
static bool mounted_readonly(const struct config *c, const char *path, const char **ret_dst)
{
	const struct mountplan *p = &c->plan;
	const struct mp_entry *best = NULL;

	for (size_t i = 0; i < p->n; i++) {
		const struct mp_entry *e = &p->ops[i];
		if (e->op == MP_DIR || e->op == MP_SYMLINK || e->op == MP_COVER ||
		    !path_is_beneath(path, e->dst))
			continue;
		if (!best || strlen(e->dst) >= strlen(best->dst))
			best = e;
	}
	*ret_dst = best ? best->dst : "/";
	if (!best)
		return p->root_readonly;
	switch (best->op) {
	case MP_ROOT_TMPFS:
		return p->root_readonly;
	case MP_MIRROR:
	case MP_FILE:
	case MP_CGROUP:
	case MP_REMOUNT_RO:
		return true;
	case MP_BIND:
	case MP_ROOT_BIND:
		return best->flags & MPF_RO;
	default:
		return false;
	}
}

enum watch_kind {
	W_OPEN,	  /* flags in an argument */
	W_OPEN2,  /* flags in struct open_how */
	W_WRITE,  /* always changes the directory: creat, unlink, mkdir */
	W_RENAME, /* two paths */
	W_EXEC,
	W_CONNECT,
};

struct watch_layout {
	const char *name;
	enum watch_kind kind;
	int dirfd, path, flags; /* argument indexes; -1: none (dirfd: AT_FDCWD) */
};

static const struct watch_layout layouts[] = {
	{ "open", W_OPEN, -1, 0, 1 },	    { "openat", W_OPEN, 0, 1, 2 },
	{ "openat2", W_OPEN2, 0, 1, 2 },    { "creat", W_WRITE, -1, 0, -1 },
	{ "unlink", W_WRITE, -1, 0, -1 },   { "unlinkat", W_WRITE, 0, 1, -1 },
	{ "mkdir", W_WRITE, -1, 0, -1 },    { "mkdirat", W_WRITE, 0, 1, -1 },
	{ "rename", W_RENAME, -1, 0, 1 },   { "renameat", W_RENAME, 0, 1, 3 },
	{ "renameat2", W_RENAME, 0, 1, 3 }, { "execve", W_EXEC, -1, 0, -1 },
	{ "execveat", W_EXEC, 0, 1, -1 },   { "connect", W_CONNECT, -1, 0, -1 },
};

struct seen {
	char path[PATH_MAX];
	bool write;
};

static bool open_writes(uint64_t flags)
{
	return !(flags & O_PATH) && ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)));
}

static int dirfd_of(const struct seccomp_data *d, int idx)
{
	return idx < 0 ? AT_FDCWD : (int)(int32_t)d->args[idx];
}

/* One path of a watched call: what it is and whether it writes. */
static int seen_path(const struct seccomp_notif *req, const struct watch_layout *w, int which, struct seen *s)
{
	const struct seccomp_data *d = &req->data;
	struct open_how how = { 0 };
	int dfd = dirfd_of(d, w->dirfd), pidx = w->path;

	if (which == 1) { /* rename's second path: (newdirfd, newpath) at flags-1, flags */
		dfd = w->dirfd < 0 ? AT_FDCWD : (int)(int32_t)d->args[w->flags - 1];
		pidx = w->flags;
	}
	s->write = w->kind == W_WRITE || w->kind == W_RENAME;
	if (w->kind == W_OPEN)
		s->write = open_writes(d->args[w->flags]);
	if (w->kind == W_OPEN2 && read_mem((pid_t)req->pid, d->args[w->flags], &how, sizeof(how.flags)) == 0)
		s->write = open_writes(how.flags);
	return read_path((pid_t)req->pid, dfd, d->args[pidx], s->path);
}

static void emit(struct notify *n, const struct seccomp_notif *req, enum event_kind k, enum event_action a,
		 const char *detail, const char *rule, const char *reason, const char *result)
{
	struct event e = { .kind = k,
			   .action = a,
			   .pid = (pid_t)req->pid,
			   .detail = detail,
			   .rule = rule,
			   .reason = reason,
			   .result = result };

	events_emit(n->ev, &e);
}

/* --report=full: a hidden path, or a write where the mount is read-only. */
static void check_path(struct notify *n, const struct seccomp_notif *req, bool exec, const struct seen *s)
{
	const char *hid = hidden_by(n->c, (pid_t)req->pid, s->path), *dst;
	char rule[PATH_MAX + 32];

	if (hid) {
		bool is_report = n->c->report->path && strcmp(hid, n->c->report->path) == 0;
		const char *where = report_origin(n->c, "blacklist", hid);
		if (is_report)
			snprintf(rule, sizeof(rule), "report file %s", hid);
		else
			snprintf(rule, sizeof(rule), "%s%sblacklist %s%s", where ? where : "",
				 where ? " (" : "", hid, where ? ")" : "");
		emit(n, req, exec ? EVENT_EXEC : EVENT_FILE, EVENT_DENIED, s->path, rule,
		     exec	? "exec of a hidden path"
		     : s->write ? "write to a hidden path"
				: "read of a hidden path",
		     "EACCES");
		return;
	}
	if (!exec && s->write && mounted_readonly(n->c, s->path, &dst)) {
		snprintf(rule, sizeof(rule), strcmp(dst, "/") == 0 ? "read-only root" : "read-only %s", dst);
		emit(n, req, EVENT_FILE, EVENT_DENIED, s->path, rule, "write to a read-only path", "EROFS");
	}
}

/* learn: everything, let through. */
static void record(struct notify *n, const struct seccomp_notif *req, const struct watch_layout *w,
		   const struct seen *s)
{
	emit(n, req, w->kind == W_EXEC ? EVENT_EXEC : EVENT_FILE, EVENT_ALLOWED, s->path, w->name,
	     s->write ? "write" : "read", NULL);
}

static bool id_valid(const struct notify *n, uint64_t id)
{
	return ioctl(n->src.fd, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static void on_watched(struct notify *n, const struct seccomp_notif *req, const char *name)
{
	const struct watch_layout *w = NULL;
	struct seen s[2];
	int paths = 1;

	for (size_t i = 0; i < ARRAY_SIZE(layouts); i++)
		if (strcmp(layouts[i].name, name) == 0)
			w = &layouts[i];
	if (!w)
		return;
	if (w->kind == W_CONNECT) {
		char addr[200];
		decode_sockaddr((pid_t)req->pid, req->data.args[1], req->data.args[2], addr, sizeof(addr));
		if (n->c->report->learn && id_valid(n, req->id))
			emit(n, req, EVENT_CONNECT, EVENT_ALLOWED, addr, "connect", NULL, NULL);
		return;
	}
	if (w->kind == W_RENAME)
		paths = 2;
	for (int i = 0; i < paths; i++)
		if (seen_path(req, w, i, &s[i]) < 0)
			return;
	/* The pid could have died and been reused while we read it: the id says. */
	if (!id_valid(n, req->id))
		return;
	for (int i = 0; i < paths; i++) {
		if (n->c->report->learn)
			record(n, req, w, &s[i]);
		if (n->watch & SECCOMP_NOTIFY_FILES)
			check_path(n, req, w->kind == W_EXEC, &s[i]);
	}
}

/* "keyctl(0x0, 0xfffffffd, 0x0)": the first three arguments, enough to tell the requests of
 * the multiplexed calls apart. */
static void describe(const char *name, const struct seccomp_data *d, char *out, size_t size)
{
	/* A call through another ABI (int $0x80 on x86-64) says which. */
	const char *abi = d->arch == seccomp_arch_native() ? NULL
			  : d->arch == SCMP_ARCH_X86	   ? "i386"
			  : d->arch == SCMP_ARCH_X32	   ? "x32"
			  : d->arch == SCMP_ARCH_ARM	   ? "arm"
							   : "another ABI";

	snprintf(out, size, "%s(%#llx, %#llx, %#llx)%s%s%s", name, (unsigned long long)d->args[0],
		 (unsigned long long)d->args[1], (unsigned long long)d->args[2], abi ? " [" : "",
		 abi ? abi : "", abi ? "]" : "");
}

static int answer(struct notify *n, uint64_t id, int err, bool cont, struct failure *f)
{
	memset(n->resp, 0, n->sizes.seccomp_notif_resp);
	n->resp->id = id;
	n->resp->error = cont ? 0 : -err;
	n->resp->flags = cont ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
	if (ioctl(n->src.fd, SECCOMP_IOCTL_NOTIF_SEND, n->resp) < 0 && errno != ENOENT)
		return fail(f, negative_errno(), STAGE, "answering a seccomp notification");
	return 0;
}

static int handle(struct notify *n, struct failure *f)
{
	struct seccomp_notif *req = n->req;
	struct verdict v;
	char detail[512];

	memset(req, 0, n->sizes.seccomp_notif);
	if (ioctl(n->src.fd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0)
		return errno == ENOENT || errno == EINTR ? 0 : fail(f, negative_errno(), STAGE, "receiving");
	_cleanup_free_ char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
	if (!name && asprintf(&name, "syscall-%d", req->data.nr) < 0)
		name = NULL;
	if (!name || explain(n, name, &v)) {
		if (!name)
			v = (struct verdict){ .err = ENOSYS, .rule = "default" };
		describe(name ? name : "?", &req->data, detail, sizeof(detail));
		/* A caller killed meanwhile may have left its pid to another process: unnamed. */
		if (!id_valid(n, req->id))
			req->pid = 0;
		emit(n, req, EVENT_SYSCALL, v.err ? EVENT_DENIED : EVENT_ALLOWED, detail, v.rule, v.why,
		     v.err ? strerrorname_np(v.err) : NULL);
		return answer(n, req->id, v.err, v.err == 0, f);
	}
	on_watched(n, req, name);
	return answer(n, req->id, 0, true, f);
}

static int on_listener(struct loop_source *src, uint32_t events, struct failure *f)
{
	struct notify *n = src->data;

	if (events & EPOLLIN)
		return handle(n, f);
	/* Every process under the filter is gone. */
	loop_del(n->loop, &n->src);
	n->src.fd = safe_close(n->src.fd);
	return 0;
}

int notify_prepare(struct notify *n, const struct config *c, struct events *ev, struct loop *lp,
		   struct failure *f)
{
	*n = (struct notify){ .c = c, .ev = ev, .loop = lp, .src = { -1, on_listener, n } };
	n->watch = notify_watch(c);
	if (!n->watch)
		return 0;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &n->sizes) < 0)
		return fail(f, negative_errno(), STAGE,
			    "this kernel has no seccomp user notification (Linux 5.0 and later)");
	/* The kernel's structures may have grown: allocate what it says, at least ours. */
	if (n->sizes.seccomp_notif < sizeof(*n->req))
		n->sizes.seccomp_notif = sizeof(*n->req);
	if (n->sizes.seccomp_notif_resp < sizeof(*n->resp))
		n->sizes.seccomp_notif_resp = sizeof(*n->resp);
	n->req = calloc(1, n->sizes.seccomp_notif);
	n->resp = calloc(1, n->sizes.seccomp_notif_resp);
	if (!n->req || !n->resp)
		return -ENOMEM;
	return c->seccomp == SECCOMP_FILE ? read_rule_file(n, c->seccomp_file, f) : 0;
}

int notify_attach(struct notify *n, int fd, struct failure *f)
{
	int r;

	if (n->src.fd >= 0 || !n->watch) {
		safe_close(fd);
		return failx(f, "sync", "an unexpected seccomp listener");
	}
	n->src.fd = fd;
	if ((r = loop_add(n->loop, &n->src)) < 0)
		return fail(f, r, "epoll", "the seccomp listener");
	return 0;
}

void notify_stop(struct notify *n)
{
	if (n->src.fd >= 0)
		loop_del(n->loop, &n->src);
	n->src.fd = safe_close(n->src.fd);
	free(n->req);
	free(n->resp);
	free(n->rules);
	n->req = NULL;
	n->resp = NULL;
	n->rules = NULL;
}
