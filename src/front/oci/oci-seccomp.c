/* hutch-oci: config.json's linux.seccomp (the OCI JSON profile) compiled with libseccomp into
 * one raw program, which the command installs right after hutch's own (c->extra_filters).
 * Names libseccomp does not know are skipped, as runc does (profiles list calls of newer
 * kernels); SCMP_ACT_NOTIFY is refused (no listener is served for it). Launcher side, the
 * caller's privileges; a memfd carries the exported program. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "command/confine.h"
#include "front/config.h"
#include "front/oci/oci.h"
#include "lib/failure.h"
#include "lib/json-read.h"

static void release_ctx(scmp_filter_ctx *ctx)
{
	if (*ctx)
		seccomp_release(*ctx);
}

/* "SCMP_ACT_ERRNO" with its errno (ret when the entry names none). */
static int parse_action(const struct json_value *v, const struct json_value *errno_ret, uint32_t def_errno,
			uint32_t *ret, struct failure *f)
{
	static const struct {
		const char *name;
		uint32_t action;
	} actions[] = {
		{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },
		{ "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },
		{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
		{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS },
		{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
		{ "SCMP_ACT_LOG", SCMP_ACT_LOG },
	};
	uint64_t e = def_errno;

	if (!v || v->type != JSON_STRING)
		return failx(f, "config", "line %u: linux.seccomp: an action is a string", v ? v->line : 0);
	if (strcmp(v->text, "SCMP_ACT_ERRNO") == 0 || strcmp(v->text, "SCMP_ACT_TRACE") == 0) {
		if (errno_ret && (json_u64(errno_ret, &e) < 0 || e > 4095))
			return failx(f, "config", "line %u: linux.seccomp: errnoRet out of range",
				     errno_ret->line);
		*ret = v->text[9] == 'E' ? SCMP_ACT_ERRNO((uint32_t)e) : SCMP_ACT_TRACE((uint32_t)e);
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
		if (strcmp(v->text, actions[i].name) == 0)
			return *ret = actions[i].action, 0;
	if (strcmp(v->text, "SCMP_ACT_NOTIFY") == 0)
		return failx(
		    f, "config",
		    "line %u: linux.seccomp: SCMP_ACT_NOTIFY is not supported by hutch-oci (no listener is served)",
		    v->line);
	return failx(f, "config", "line %u: linux.seccomp: unknown action %s", v->line, v->text);
}

static int parse_arg(const struct json_value *a, struct scmp_arg_cmp *ret, struct failure *f)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = { { "SCMP_CMP_NE", SCMP_CMP_NE },
		    { "SCMP_CMP_LT", SCMP_CMP_LT },
		    { "SCMP_CMP_LE", SCMP_CMP_LE },
		    { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		    { "SCMP_CMP_GE", SCMP_CMP_GE },
		    { "SCMP_CMP_GT", SCMP_CMP_GT },
		    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ } };
	const struct json_value *op = json_get(a, "op");
	uint64_t index, value, two = 0;

	if (json_u64(json_get(a, "index"), &index) < 0 || index > 5 ||
	    json_u64(json_get(a, "value"), &value) < 0 ||
	    (json_get(a, "valueTwo") && json_u64(json_get(a, "valueTwo"), &two) < 0) || !op ||
	    op->type != JSON_STRING)
		return failx(f, "config",
			     "line %u: linux.seccomp: an argument needs index (0-5), value and op", a->line);
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (strcmp(op->text, ops[i].name) == 0) {
			*ret = (struct scmp_arg_cmp){ (unsigned)index, ops[i].op, value, two };
			return 0;
		}
	return failx(f, "config", "line %u: linux.seccomp: unknown op %s", op->line, op->text);
}

/* Several conditions on one argument cannot be ANDed by libseccomp: each is then a rule of
 * its own, as runc does. */
static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, struct scmp_arg_cmp *args, unsigned n)
{
	bool repeated = false;
	int r;

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			repeated |= args[i].arg == args[j].arg;
	if (!repeated) {
		r = seccomp_rule_add_array(ctx, action, nr, n, args);
		return r == -EEXIST ? 0 : r;
	}
	for (unsigned i = 0; i < n; i++)
		if ((r = seccomp_rule_add_array(ctx, action, nr, 1, &args[i])) < 0 && r != -EEXIST)
			return r;
	return 0;
}

/* A rule's errnoRet defaults to EPERM (not to defaultErrnoRet): runtime-spec's config-linux. */
static int add_entry(scmp_filter_ctx ctx, const struct json_value *e, uint32_t def_action, struct failure *f)
{
	const struct json_value *names = json_get(e, "names"), *args = json_get(e, "args");
	struct scmp_arg_cmp cmp[6];
	uint32_t action;
	int r = parse_action(json_get(e, "action"), json_get(e, "errnoRet"), EPERM, &action, f);

	if (r < 0)
		return r;
	if (!names || names->type != JSON_ARRAY || (args && (args->type != JSON_ARRAY || args->n > 6)))
		return failx(f, "config", "line %u: linux.seccomp: a rule needs names and at most 6 args",
			     e->line);
	for (size_t i = 0; args && i < args->n; i++)
		if ((r = parse_arg(&args->items[i], &cmp[i], f)) < 0)
			return r;
	if (action == def_action)
		return 0; /* libseccomp refuses a rule that changes nothing */
	for (size_t i = 0; i < names->n; i++) {
		if (names->items[i].type != JSON_STRING)
			return failx(f, "config", "line %u: linux.seccomp: names are strings", names->line);
		int nr = seccomp_syscall_resolve_name(names->items[i].text);
		if (nr == __NR_SCMP_ERROR)
			continue;
		if ((r = add_rule(ctx, action, nr, cmp, args ? (unsigned)args->n : 0)) < 0)
			return fail(f, r, "config", "line %u: linux.seccomp: rule for %s", e->line,
				    names->items[i].text);
	}
	return 0;
}

static int add_arches(scmp_filter_ctx ctx, const struct json_value *a, struct failure *f)
{
	for (size_t i = 0; a && i < a->n; i++) {
		const char *t = a->items[i].type == JSON_STRING ? a->items[i].text : "";
		char name[32];
		size_t k;
		if (strncmp(t, "SCMP_ARCH_", 10) != 0 || strlen(t + 10) >= sizeof(name))
			return failx(f, "config", "line %u: linux.seccomp: unknown architecture %s",
				     a->items[i].line, t);
		for (k = 0; t[10 + k]; k++)
			name[k] = (char)(t[10 + k] >= 'A' && t[10 + k] <= 'Z' ? t[10 + k] + 32 : t[10 + k]);
		name[k] = '\0';
		uint32_t arch = seccomp_arch_resolve_name(name);
		if (!arch)
			return failx(f, "config", "line %u: linux.seccomp: unknown architecture %s",
				     a->items[i].line, t);
		int r = seccomp_arch_add(ctx, arch);
		if (r < 0 && r != -EEXIST)
			return fail(f, r, "config", "linux.seccomp: architecture %s", t);
	}
	return 0;
}

/* The compiled program, read back from libseccomp's export. */
static int export_program(scmp_filter_ctx ctx, struct bpf_program *ret, struct failure *f)
{
	_cleanup_close_ int fd = memfd_create("hutch-oci-seccomp", MFD_CLOEXEC);
	off_t size;
	int r;

	if (fd < 0)
		return fail(f, negative_errno(), "seccomp", "memfd_create");
	if ((r = seccomp_export_bpf(ctx, fd)) < 0)
		return fail(f, r, "seccomp", "exporting config.json's filter");
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter))
		return fail(f, -EIO, "seccomp", "exporting config.json's filter");
	ret->insns = malloc((size_t)size);
	if (!ret->insns)
		return fail(f, -ENOMEM, "seccomp", NULL);
	if (pread(fd, ret->insns, (size_t)size, 0) != size) {
		free(ret->insns);
		return fail(f, -EIO, "seccomp", "reading the exported filter");
	}
	ret->n = (size_t)size / sizeof(struct sock_filter);
	return 0;
}

static int check_fields(const struct json_value *s, struct failure *f)
{
	static const char *const keys[] = { "defaultAction", "defaultErrnoRet",	 "architectures", "flags",
					    "listenerPath",  "listenerMetadata", "syscalls",	  NULL };
	const struct json_value *v = json_get(s, "listenerPath");
	int r = oci_spec_known(s, "linux.seccomp", keys, f);

	if (r < 0)
		return r;
	if (v && v->type == JSON_STRING && v->text[0])
		return failx(f, "config", "line %u: linux.seccomp.listenerPath is not supported by hutch-oci",
			     v->line);
	v = json_get(s, "flags");
	if (v && v->n > 0)
		return failx(f, "config", "line %u: linux.seccomp.flags is not supported by hutch-oci",
			     v->line);
	return 0;
}

int oci_seccomp_load(const struct json_value *s, struct config *c, struct failure *f)
{
	_cleanup_(release_ctx) scmp_filter_ctx ctx = NULL;
	const struct json_value *calls = json_get(s, "syscalls");
	struct bpf_program prog = { 0 }, *n;
	uint64_t def_errno = EPERM;
	uint32_t def_action;
	int r = check_fields(s, f);

	if (r < 0)
		return r;
	if (json_get(s, "defaultErrnoRet") &&
	    (json_u64(json_get(s, "defaultErrnoRet"), &def_errno) < 0 || def_errno > 4095))
		return failx(f, "config", "linux.seccomp.defaultErrnoRet: out of range");
	if ((r = parse_action(json_get(s, "defaultAction"), NULL, (uint32_t)def_errno, &def_action, f)) < 0)
		return r;
	if (!(ctx = seccomp_init(def_action)))
		return fail(f, -ENOMEM, "seccomp", "seccomp_init");
	/* no_new_privs is the command's own step (command.c); the filter is only exported here */
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if ((r = add_arches(ctx, json_get(s, "architectures"), f)) < 0)
		return r;
	if (calls && calls->type != JSON_ARRAY)
		return failx(f, "config", "line %u: linux.seccomp.syscalls: expected an array", calls->line);
	for (size_t i = 0; calls && i < calls->n; i++)
		if ((r = add_entry(ctx, &calls->items[i], def_action, f)) < 0)
			return r;
	if ((r = export_program(ctx, &prog, f)) < 0)
		return r;
	n = realloc(c->extra_filters, (c->n_extra_filters + 1) * sizeof(*n));
	if (!n) {
		free(prog.insns);
		return fail(f, -ENOMEM, "seccomp", NULL);
	}
	c->extra_filters = n;
	c->extra_filters[c->n_extra_filters++] = prog;
	return 0;
}
