/* The command's system call filter: seccomp_build() compiles it with libseccomp in the launcher
 * (no privileges) from the default deny list (seccomp-table.h), --seccomp-deny and the
 * --allow-* options, or from a rule file; seccomp_install() loads the exported program in the
 * command process, as the very last step before execve.
 *
 * A rule file replaces the default list. One rule a line, '#' starts a comment:
 *   default allow|deny|errno N   what unlisted calls get (allow when absent; at most once)
 *   allow NAME                   let NAME through
 *   deny NAME                    refuse NAME with EPERM
 *   errno NAME N                 refuse NAME with errno N (a number or a name such as ENOSYS)
 * A name libseccomp does not know is an error in a file or in --seccomp-deny (a typo must not
 * silently leave a hole). In the built-in list it is skipped, so that hutch still starts with an
 * older libseccomp; the unit test checks every name against the installed one. Calls the kernel
 * does not know are not in the list and reach the kernel, which answers ENOSYS; clone3 is
 * answered ENOSYS on purpose (see the table). --seccomp-deny applies on top of the default, of a
 * file and of "none".
 * Over 600 lines: the rule file's language, the filter's build and its install are
 * one concern, the filter. */
#include "command/confine.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "front/config.h"
#include "lib/path-util.h"
#include "command/seccomp-table.h"

#define STAGE "seccomp"

static void seccomp_releasep(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

static void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

/* Every ABI the host can run gets the same rules: a deny list for the native ABI alone is
 * bypassed through int $0x80 (i386) or __X32_SYSCALL_BIT (x32). */
static int add_arches(scmp_filter_ctx ctx)
{
	static const struct {
		uint32_t native, compat;
	} compat[] = {
		{ SCMP_ARCH_X86_64, SCMP_ARCH_X86 },
		{ SCMP_ARCH_X86_64, SCMP_ARCH_X32 },
		{ SCMP_ARCH_AARCH64, SCMP_ARCH_ARM },
	};
	uint32_t native = seccomp_arch_native();

	for (size_t i = 0; i < ARRAY_SIZE(compat); i++) {
		if (compat[i].native != native)
			continue;
		int r = seccomp_arch_add(ctx, compat[i].compat);
		if (r < 0 && r != -EEXIST)
			return r;
	}
	return 0;
}

static int new_filter(uint32_t def, scmp_filter_ctx *ret, struct failure *f)
{
	scmp_filter_ctx ctx = seccomp_init(def);
	int r;

	if (!ctx)
		return fail(f, -ENOMEM, STAGE, "cannot create a libseccomp filter");
	r = add_arches(ctx);
	if (r < 0) {
		seccomp_release(ctx);
		return fail(f, r, STAGE, "cannot add the compat architectures");
	}
	/* A binary tree of the syscall numbers instead of a linear list: every allowed call
	 * (and the kernel's per-syscall cache, computed at install) walks a few compares, not
	 * the whole deny list. Older libseccomp lacks the attribute: the linear list it is. */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	*ret = ctx;
	return 0;
}

/* libseccomp accepts one comparison per argument and rule, so "A0 is none of PER_LINUX (0),
 * PER_LINUX32 (0x8), UNAME26 (0x20000), their sum, or the query 0xffffffff" is spelled as a union
 * of two-bit masked compares: with bit 31 clear, any bit but 3 and 17 set is refused; with bit 31
 * set, any clear bit is refused (so only the query passes). The kernel reads an unsigned int, so
 * junk in the upper half is refused too rather than silently truncated. */
static int deny_personality(scmp_filter_ctx ctx, int nr, uint32_t action)
{
	const uint64_t top = 1ULL << 31;
	int r = seccomp_rule_add(ctx, action, nr, 1, SCMP_A0(SCMP_CMP_GT, 0xffffffffULL));

	for (unsigned b = 0; r >= 0 && b < 31; b++) {
		uint64_t bit = 1ULL << b;
		if (b != 3 && b != 17)
			r = seccomp_rule_add(ctx, action, nr, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, bit | top, bit));
		if (r >= 0)
			r = seccomp_rule_add(ctx, action, nr, 1, SCMP_A0(SCMP_CMP_MASKED_EQ, bit | top, top));
	}
	return r;
}

/* The kernel compares the request as 32 bits: a 64-bit equality would let TIOCSTI | 1 << 32
 * through (CVE-2019-10063 in flatpak), hence the masked compare. */
static int deny_tty_ioctl(scmp_filter_ctx ctx, int nr, uint32_t action)
{
	static const unsigned long reqs[] = { TIOCSTI, TIOCLINUX };
	int r = 0;

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(reqs); i++)
		r = seccomp_rule_add(ctx, action, nr, 1, SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, reqs[i]));
	return r;
}

/* Flags are the first argument of clone on x86 and arm (s390 swaps the first two arguments and
 * is not a target). */
static int deny_newuser(scmp_filter_ctx ctx, int nr, uint32_t action)
{
	return seccomp_rule_add(ctx, action, nr, 1,
				SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
}

/* What a refused call gets: its errno, or, when the launcher reports (--report, learn), a
 * notification that the launcher answers with the same errno (notify.c). */
static uint32_t refuse(bool notify, int err)
{
	return notify ? SCMP_ACT_NOTIFY : SCMP_ACT_ERRNO((uint32_t)err);
}

static bool row_lifted(const struct seccomp_row *row, const struct config *c)
{
	return (row->gate == SCG_PTRACE && c->allow_ptrace) || (row->gate == SCG_USERNS && c->allow_userns);
}

static int add_row(scmp_filter_ctx ctx, const struct seccomp_row *row, const struct config *c, bool notify,
		   struct failure *f)
{
	int nr = seccomp_syscall_resolve_name(row->name);
	/* clone3's ENOSYS is no refusal the program sees (the C library falls back to clone, which
	 * is checked) and comes with every new thread: it stays out of the notifier. */
	uint32_t action = refuse(notify && row->err != ENOSYS, row->err);
	int r = 0;

	if (nr == __NR_SCMP_ERROR || row_lifted(row, c))
		return 0;
	switch (row->kind) {
	case SCR_PLAIN:
		r = seccomp_rule_add(ctx, action, nr, 0);
		break;
	case SCR_PERSONALITY:
		r = deny_personality(ctx, nr, action);
		break;
	case SCR_TTY_IOCTL:
		r = deny_tty_ioctl(ctx, nr, action);
		break;
	case SCR_NEWUSER:
		r = deny_newuser(ctx, nr, action);
		break;
	}
	if (r < 0)
		return fail(f, r, STAGE, "cannot add the rule for %s", row->name);
	return 0;
}

static int add_default_rows(scmp_filter_ctx ctx, const struct config *c, bool notify, struct failure *f)
{
	for (size_t i = 0; i < SECCOMP_DEFAULT_ROWS; i++) {
		int r = add_row(ctx, &seccomp_default_rows[i], c, notify, f);
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_deny_list(scmp_filter_ctx ctx, char **names, bool notify, struct failure *f)
{
	for (char **n = names; n && *n; n++) {
		int nr = seccomp_syscall_resolve_name(*n);
		if (nr == __NR_SCMP_ERROR)
			return failx(f, "seccomp-deny", "unknown system call '%s'", *n);
		int r = seccomp_rule_add(ctx, refuse(notify, EPERM), nr, 0);
		if (r < 0)
			return fail(f, r, "seccomp-deny", "cannot add the rule for %s", *n);
	}
	return 0;
}

/* ---- socket families and secondary architectures (firejail's protocol and
 * seccomp.block-secondary, issue 26) ---- */

static const struct {
	const char *name;
	int family;
} families[] = {
	{ "unix", AF_UNIX },	   { "inet", AF_INET },	    { "inet6", AF_INET6 },
	{ "netlink", AF_NETLINK }, { "packet", AF_PACKET }, { "bluetooth", AF_BLUETOOTH },
};

int seccomp_family_parse(const char *list, uint64_t *ret, const char **ret_bad)
{
	static char bad[64];
	uint64_t mask = 0;

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ","), i;
		for (i = 0; i < ARRAY_SIZE(families); i++)
			if (strlen(families[i].name) == n && strncmp(p, families[i].name, n) == 0)
				break;
		if (i == ARRAY_SIZE(families) || n == 0) {
			snprintf(bad, sizeof(bad), "%.*s", (int)n, p);
			*ret_bad = bad;
			return -EINVAL;
		}
		mask |= 1ULL << families[i].family;
		p += n + (p[n] == ',');
	}
	if (!mask) {
		*ret_bad = list;
		return -EINVAL;
	}
	*ret = mask;
	return 0;
}

/* socket(2) of any other family is refused with EAFNOSUPPORT, as by a kernel without it: one
 * equality rule a family (libseccomp takes one compare per argument and rule), and one for
 * every number past the table. socketpair(2) is local whatever its family says. */
static int add_families(scmp_filter_ctx ctx, uint64_t mask, bool notify, struct failure *f)
{
	uint32_t action = refuse(notify, EAFNOSUPPORT);
	int nr = seccomp_syscall_resolve_name("socket"), r = 0;

	if (!mask)
		return 0;
	for (unsigned fam = 0; r >= 0 && fam < 64; fam++)
		if (!(mask & (1ULL << fam)))
			r = seccomp_rule_add(ctx, action, nr, 1, SCMP_A0(SCMP_CMP_EQ, fam));
	if (r >= 0)
		r = seccomp_rule_add(ctx, action, nr, 1, SCMP_A0(SCMP_CMP_GE, 64));
	return r < 0 ? fail(f, r, "socket-family", "cannot add the socket rules") : 0;
}

/* Without the compat architectures in the filter, libseccomp answers their calls with the
 * bad-architecture action: ENOSYS, as a kernel built without 32-bit support would. */
static int native_only(scmp_filter_ctx ctx, struct failure *f)
{
	static const uint32_t compat[] = { SCMP_ARCH_X86, SCMP_ARCH_X32, SCMP_ARCH_ARM };
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(ENOSYS));

	for (size_t i = 0; r >= 0 && i < ARRAY_SIZE(compat); i++) {
		int q = seccomp_arch_remove(ctx, compat[i]);
		r = q == -EEXIST ? 0 : q;
	}
	return r < 0 ? fail(f, r, "seccomp-native-only", "cannot remove the compat architectures") : 0;
}

/* ---- rule files ---- */

int seccomp_parse_errno(const char *s, int *ret)
{
	char *end;
	long v;

	if (*s >= '0' && *s <= '9') {
		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || *end || v < 0 || v > SECCOMP_ERRNO_MAX)
			return -ERANGE;
		*ret = (int)v;
		return 0;
	}
	for (int e = 1; e <= SECCOMP_ERRNO_MAX; e++) {
		const char *name = strerrorname_np(e);
		if (name && strcmp(name, s) == 0) {
			*ret = e;
			return 0;
		}
	}
	return -EINVAL;
}

/* "allow" / "deny" / "errno N" (tok points at the verb) → a libseccomp action. */
static int parse_action(char **tok, size_t n_tok, size_t arg, uint32_t *ret, const char **err)
{
	int e;

	if (strcmp(tok[0], "allow") == 0 || strcmp(tok[0], "deny") == 0) {
		if (n_tok != arg)
			return *err = "too many words", -EINVAL;
		*ret = tok[0][0] == 'a' ? SCMP_ACT_ALLOW : SCMP_ACT_ERRNO(EPERM);
		return 0;
	}
	if (n_tok != arg + 1)
		return *err = n_tok < arg + 1 ? "missing errno value" : "too many words", -EINVAL;
	if (seccomp_parse_errno(tok[arg], &e) < 0)
		return *err = "not an errno number or name", -EINVAL;
	*ret = SCMP_ACT_ERRNO((uint32_t)e);
	return 0;
}

/* Split a line into at most 4 words, dropping a '#' comment. Returns the word count. */
static size_t split_words(char *line, char **tok)
{
	size_t n = 0;
	char *save = NULL;

	line[strcspn(line, "#")] = '\0';
	for (char *w = strtok_r(line, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 4)
			return 5;
		tok[n++] = w;
	}
	return n;
}

static bool is_action_verb(const char *w)
{
	return strcmp(w, "allow") == 0 || strcmp(w, "deny") == 0 || strcmp(w, "errno") == 0;
}

int seccomp_parse_line(char *line, struct seccomp_file_rule *ret, const char **ret_err)
{
	char *tok[4];
	size_t n = split_words(line, tok);
	bool is_default;

	*ret = (struct seccomp_file_rule){ .nr = SECCOMP_RULE_NONE };
	if (n == 0)
		return 0;
	if (n > 4)
		return *ret_err = "too many words", -EINVAL;
	is_default = strcmp(tok[0], "default") == 0;
	if (is_default && (n < 2 || !is_action_verb(tok[1])))
		return *ret_err = "'default' needs allow, deny or errno N", -EINVAL;
	if (!is_default && !is_action_verb(tok[0]))
		return *ret_err = "unknown rule (expected allow, deny, errno or default)", -EINVAL;
	if (!is_default && n < 2)
		return *ret_err = "missing system call name", -EINVAL;
	if (!is_default)
		ret->name = tok[1];
	int r = parse_action(tok + is_default, n - is_default, is_default ? 1 : 2, &ret->action, ret_err);
	if (r < 0)
		return r;
	if (is_default) {
		ret->nr = SECCOMP_RULE_DEFAULT;
		return 0;
	}
	ret->nr = seccomp_syscall_resolve_name(tok[1]);
	if (ret->nr == __NR_SCMP_ERROR)
		return *ret_err = "unknown system call", ret->nr = SECCOMP_RULE_NONE, -ENOENT;
	return 0;
}

struct file_rules {
	struct seccomp_file_rule *v;
	size_t n;
	uint32_t def;
};

static void file_rules_free(struct file_rules *r)
{
	free(r->v);
}

static int file_rules_push(struct file_rules *rules, const struct seccomp_file_rule *rule)
{
	struct seccomp_file_rule *v = realloc(rules->v, (rules->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	rules->v = v;
	rules->v[rules->n++] = *rule;
	return 0;
}

/* Same call listed twice: libseccomp would pick one silently, so the file is rejected. */
static const struct seccomp_file_rule *file_rules_find(const struct file_rules *rules, int nr)
{
	for (size_t i = 0; i < rules->n; i++)
		if (rules->v[i].nr == nr)
			return &rules->v[i];
	return NULL;
}

static int file_take_rule(struct file_rules *rules, struct seccomp_file_rule *rule, const char *path,
			  struct failure *f)
{
	const struct seccomp_file_rule *prev = file_rules_find(rules, rule->nr);

	if (rule->nr == SECCOMP_RULE_DEFAULT) {
		if (prev)
			return failx(f, STAGE, "%s:%u: second 'default' (first on line %u)", path, rule->line,
				     prev->line);
		rules->def = rule->action;
	} else if (prev) {
		return failx(f, STAGE, "%s:%u: '%s' already has a rule on line %u", path, rule->line,
			     rule->name, prev->line);
	}
	return file_rules_push(rules, rule);
}

static int file_read_rules(FILE *in, const char *path, struct file_rules *rules, struct failure *f)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	unsigned lineno = 0;

	while (getline(&line, &cap, in) >= 0) {
		struct seccomp_file_rule rule;
		const char *err = NULL;

		lineno++;
		int r = seccomp_parse_line(line, &rule, &err);
		if (r < 0)
			return failx(f, STAGE, "%s:%u: %s%s%s%s", path, lineno, err, rule.name ? " '" : "",
				     rule.name ? rule.name : "", rule.name ? "'" : "");
		if (rule.nr == SECCOMP_RULE_NONE)
			continue;
		rule.line = lineno;
		r = file_take_rule(rules, &rule, path, f);
		if (r < 0)
			return r;
	}
	if (ferror(in))
		return fail(f, -EIO, STAGE, "%s: read error", path);
	return 0;
}

/* Under notify, every errno action of the file becomes a notification (notify.c finds the
 * file's line again and answers with its errno). */
static uint32_t file_action(uint32_t action, bool notify)
{
	return notify && (action & 0xffff0000U) == SCMP_ACT_ERRNO(0) ? SCMP_ACT_NOTIFY : action;
}

static int file_build(const char *path, bool notify, scmp_filter_ctx *ret, struct failure *f)
{
	_cleanup_(fclosep) FILE *in = NULL;
	_cleanup_(file_rules_free) struct file_rules rules = { .def = SCMP_ACT_ALLOW };
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
	int r = path_open_regular(path, O_RDONLY, 0);

	if (r == -EBADFD)
		return failx(f, "--seccomp", "%s: not a regular file", path);
	if (r >= 0 && !(in = fdopen(r, "r"))) {
		safe_close(r);
		r = -ENOMEM;
	}
	if (r < 0)
		return fail(f, r, STAGE, "%s: cannot open the rule file", path);
	r = file_read_rules(in, path, &rules, f);
	if (r < 0)
		return r;
	r = new_filter(file_action(rules.def, notify), &ctx, f);
	if (r < 0)
		return r;
	for (size_t i = 0; i < rules.n; i++) {
		const struct seccomp_file_rule *rule = &rules.v[i];
		uint32_t action = file_action(rule->action, notify);
		if (rule->nr == SECCOMP_RULE_DEFAULT || action == file_action(rules.def, notify))
			continue; /* libseccomp refuses a rule that repeats the default */
		r = seccomp_rule_add(ctx, action, rule->nr, 0);
		if (r < 0)
			return fail(f, r, STAGE, "%s:%u: cannot add the rule", path, rule->line);
	}
	*ret = TAKE_PTR(ctx);
	return 0;
}

/* ---- export and install ---- */

/* libseccomp 2.5 only exports to an fd (seccomp_export_bpf_mem() came in 2.6): a memfd. */
static int export_program(scmp_filter_ctx ctx, struct bpf_program *ret, struct failure *f)
{
	_cleanup_close_ int fd = memfd_create("hutch-seccomp", MFD_CLOEXEC);
	_cleanup_free_ struct sock_filter *insns = NULL;
	struct stat st;
	int r;

	if (fd < 0)
		return fail(f, negative_errno(), STAGE, "memfd_create");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return fail(f, r, STAGE, "cannot export the filter");
	if (fstat(fd, &st) < 0)
		return fail(f, negative_errno(), STAGE, "fstat of the exported filter");
	if (st.st_size <= 0 || st.st_size % (off_t)sizeof(struct sock_filter) ||
	    st.st_size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
		return fail(f, -E2BIG, STAGE, "the exported filter has %lld bytes", (long long)st.st_size);
	insns = malloc((size_t)st.st_size);
	if (!insns)
		return -ENOMEM;
	if (pread(fd, insns, (size_t)st.st_size, 0) != st.st_size)
		return fail(f, -EIO, STAGE, "cannot read back the exported filter");
	ret->n = (size_t)st.st_size / sizeof(struct sock_filter);
	ret->insns = TAKE_PTR(insns);
	return 0;
}

/* The calls the notifier watches for --report=full and learn, told apart from refusals by
 * notify.c. A call that already has a rule (a file's allow or deny, a --seccomp-deny) keeps
 * it: libseccomp refuses a second action for the same call. */
static int add_watches(scmp_filter_ctx ctx, unsigned watch, struct failure *f)
{
	for (size_t i = 0; i < SECCOMP_WATCH_ROWS; i++) {
		const struct seccomp_watch *w = &seccomp_watch_rows[i];
		int nr = seccomp_syscall_resolve_name(w->name);
		if (!(w->mode & watch) || nr == __NR_SCMP_ERROR)
			continue;
		int r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, nr, 0);
		if (r < 0 && r != -EEXIST && r != -EACCES)
			return fail(f, r, STAGE, "cannot watch %s", w->name);
	}
	return 0;
}

int seccomp_build_notify(const struct config *c, unsigned watch, struct bpf_program *ret, struct failure *f)
{
	_cleanup_(seccomp_releasep) scmp_filter_ctx ctx = NULL;
	bool has_deny = c->seccomp_deny && c->seccomp_deny[0], notify = watch != 0;
	int r;

	*ret = (struct bpf_program){ 0 };
	if (c->seccomp == SECCOMP_NONE && !has_deny && !(watch & ~SECCOMP_NOTIFY_DENIED) &&
	    !c->socket_families && !c->seccomp_native_only)
		return 0;
	if (c->seccomp == SECCOMP_FILE)
		r = file_build(c->seccomp_file, notify, &ctx, f);
	else
		r = new_filter(SCMP_ACT_ALLOW, &ctx, f);
	if (r >= 0 && c->seccomp == SECCOMP_DEFAULT)
		r = add_default_rows(ctx, c, notify, f);
	if (r >= 0)
		r = add_deny_list(ctx, c->seccomp_deny, notify, f);
	if (r >= 0)
		r = add_families(ctx, c->socket_families, notify, f);
	if (r >= 0 && notify)
		r = add_watches(ctx, watch, f);
	/* Last: libseccomp 2.5 crashes adding a rule after an architecture was removed. */
	if (r >= 0 && c->seccomp_native_only)
		r = native_only(ctx, f);
	if (r >= 0)
		r = export_program(ctx, ret, f);
	if (r >= 0)
		ret->listener = notify && ret->n > 0;
	return r;
}

int seccomp_build(const struct config *c, struct bpf_program *ret, struct failure *f)
{
	return seccomp_build_notify(c, 0, ret, f);
}

void bpf_program_free(struct bpf_program *p)
{
	free(p->insns);
	*p = (struct bpf_program){ 0 };
}

int seccomp_export(void *ctx, struct bpf_program *ret, struct failure *f)
{
	*ret = (struct bpf_program){ 0 };
	return export_program(ctx, ret, f);
}

int seccomp_install(const struct bpf_program *p, struct failure *f)
{
	struct sock_fprog prog = { .len = (unsigned short)p->n, .filter = p->insns };

	if (p->n == 0)
		return 0;
	if (p->n > BPF_MAXINSNS)
		return fail(f, -E2BIG, STAGE, "filter of %zu instructions", p->n);
	if (p->listener) {
		/* The listener is the launcher's (notify.c): returned here, sent over sync. */
		int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
				      &prog);
		return fd < 0 ? fail(f, negative_errno(), STAGE, "cannot install the filter with a listener")
			      : fd;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
		return fail(f, negative_errno(), STAGE, "cannot install the filter");
	return 0;
}

/* After hutch's own filter: each is stacked on it, so a call passes only if every one lets it. */
int seccomp_install_extra(const struct config *c, struct failure *f)
{
	for (size_t i = 0; i < c->n_extra_filters; i++) {
		struct sock_fprog prog = { .len = (unsigned short)c->extra_filters[i].n,
					   .filter = c->extra_filters[i].insns };
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
			return fail(f, negative_errno(), STAGE, "program %zu", i + 1);
	}
	return 0;
}
