/* Reading a sandbox's record (see state.h): its members through lib/json-read, strict about
 * their types and ranges, since another process of the same user could have rewritten the
 * file. Pure: the subcommands (list, join, stop) call it on the text state.c read. */
#include "launcher/state.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json-read.h"
#include "lib/macro.h"
#include "lib/strv.h"

enum field_kind {
	F_STRING,
	F_STRV,
	F_PID,
	F_UID,
	F_TIME,
	F_U64,
};

static const struct record_field {
	const char *key;
	enum field_kind kind;
	size_t offset;
} record_fields[] = {
	{ "name", F_STRING, offsetof(struct state_record, name) },
	{ "launcher-pid", F_PID, offsetof(struct state_record, launcher_pid) },
	{ "launcher-start-time", F_U64, offsetof(struct state_record, launcher_start_time) },
	{ "pid1", F_PID, offsetof(struct state_record, pid1) },
	{ "uid", F_UID, offsetof(struct state_record, uid) },
	{ "started", F_TIME, offsetof(struct state_record, started) },
	{ "command", F_STRV, offsetof(struct state_record, command) },
	{ "hutch-argv", F_STRV, offsetof(struct state_record, hutch_argv) },
	{ "profile", F_STRING, offsetof(struct state_record, profile) },
	{ "cgroup-namespace", F_U64, offsetof(struct state_record, ns[0]) },
	{ "ipc-namespace", F_U64, offsetof(struct state_record, ns[1]) },
	{ "mnt-namespace", F_U64, offsetof(struct state_record, ns[2]) },
	{ "net-namespace", F_U64, offsetof(struct state_record, ns[3]) },
	{ "pid-namespace", F_U64, offsetof(struct state_record, ns[4]) },
	{ "user-namespace", F_U64, offsetof(struct state_record, ns[5]) },
	{ "uts-namespace", F_U64, offsetof(struct state_record, ns[6]) },
};

/* A JSON integer within [lo, hi]. */
static int int_in(const struct json_value *v, long long lo, unsigned long long hi, unsigned long long *ret)
{
	int64_t i;
	uint64_t u;

	if (v->type == JSON_NUMBER && v->text[0] == '-')
		return json_i64(v, &i) == 0 && i >= lo ? (*ret = (unsigned long long)i, 0) : -EBADMSG;
	if (json_u64(v, &u) < 0 || u > hi)
		return -EBADMSG;
	*ret = u;
	return 0;
}

static int strv_in(const struct json_value *v, char ***ret)
{
	_cleanup_strv_free_ char **l = calloc(1, sizeof(char *));

	if (!l)
		return -ENOMEM;
	if (v->type != JSON_ARRAY)
		return -EBADMSG;
	for (size_t i = 0; i < v->n; i++) {
		if (v->items[i].type != JSON_STRING)
			return -EBADMSG;
		if (strv_extend(&l, v->items[i].text) < 0)
			return -ENOMEM;
	}
	strv_free(*ret);
	*ret = TAKE_PTR(l);
	return 0;
}

static int record_field_in(const struct json_value *v, const struct record_field *d, struct state_record *r)
{
	void *at = (char *)r + d->offset;
	unsigned long long n;
	char *s;
	int e;

	switch (d->kind) {
	case F_STRING:
		if (v->type != JSON_STRING)
			return -EBADMSG;
		if (!(s = strdup(v->text)))
			return -ENOMEM;
		free(*(char **)at);
		*(char **)at = s;
		return 0;
	case F_STRV:
		return strv_in(v, (char ***)at);
	case F_PID:
		e = int_in(v, 1, INT_MAX, &n);
		return e < 0 ? e : (*(pid_t *)at = (pid_t)n, 0);
	case F_UID:
		e = int_in(v, 0, UINT_MAX - 1, &n);
		return e < 0 ? e : (*(uid_t *)at = (uid_t)n, 0);
	case F_TIME:
		e = int_in(v, LLONG_MIN, LLONG_MAX, &n);
		return e < 0 ? e : (*(long long *)at = (long long)n, 0);
	case F_U64:
		e = int_in(v, 0, ULLONG_MAX, &n);
		return e < 0 ? e : (*(unsigned long long *)at = n, 0);
	}
	return -EBADMSG;
}

/* The members in order, each known one read (a repeated one: the last counts); the others
 * are a later hutch's. */
int state_record_parse(const char *text, struct state_record *r)
{
	struct json_value *v = NULL;
	struct json_error err;
	int e = json_parse(text, strlen(text), &v, &err);

	if (e < 0)
		return e == -ENOMEM ? e : -EBADMSG;
	if (v->type != JSON_OBJECT)
		e = -EBADMSG;
	for (size_t i = 0; e == 0 && i < v->n; i++)
		for (size_t k = 0; e == 0 && k < ARRAY_SIZE(record_fields); k++)
			if (strcmp(v->keys[i], record_fields[k].key) == 0)
				e = record_field_in(&v->items[i], &record_fields[k], r);
	json_free(v);
	if (e < 0)
		return e;
	return r->name && r->launcher_pid > 0 && r->pid1 > 0 && r->launcher_start_time ? 0 : -EBADMSG;
}
