/* hutch-oci: config.json's hooks (runtime-spec config.md, POSIX-platform hooks). `create`
 * keeps a copy of config.json in the state directory, so that `start` and `delete` run the
 * later hooks whatever became of the bundle. Each hook is a program run with its args and env,
 * the container's state as JSON on its stdin, killed when its timeout runs out:
 *   prestart, createRuntime   by create, once the container is set up, in the runtime's
 *                             namespaces (hutch's sandbox is complete by then: after its
 *                             pivot_root, not before)
 *   createContainer           by create, in the container's namespaces (joined as exec does)
 *   startContainer            by start, in the container's namespaces, before its command runs
 *   poststart                 by start, once the command runs
 *   poststop                  by delete
 * A failing hook of the first four fails the command (the container is killed); a failing
 * poststart or poststop is only said (runtime-spec: a warning) and the hooks after it still
 * run. Launcher side, the caller's
 * privileges; a hook run in the container holds what exec's joiner holds. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "front/oci/oci.h"
#include "lib/failure.h"
#include "lib/json-read.h"
#include "lib/strv.h"

static const char *const kinds[] = {
	"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop", NULL
};

struct hook {
	const char *path;
	char **args, **env;
	int timeout; /* seconds, 0: none */
};

static int hook_parse(const struct json_value *h, struct hook *ret, struct failure *f)
{
	static const char *const keys[] = { "path", "args", "env", "timeout", NULL };
	const struct json_value *path = json_get(h, "path"), *t = json_get(h, "timeout");
	int64_t timeout = 0;
	int r = h->type == JSON_OBJECT ? oci_spec_known(h, "hooks[]", keys, f)
				       : failx(f, "config", "line %u: hooks: expected objects", h->line);

	*ret = (struct hook){ 0 };
	if (r < 0)
		return r;
	if (!path || path->type != JSON_STRING || path->text[0] != '/')
		return failx(f, "config", "line %u: hooks: path must be absolute", h->line);
	if (t && (json_i64(t, &timeout) < 0 || timeout <= 0 || timeout > 86400))
		return failx(f, "config", "line %u: hooks: timeout must be a positive number of seconds",
			     t->line);
	ret->path = path->text;
	ret->timeout = (int)timeout;
	for (int k = 0; k < 2; k++) {
		const struct json_value *a = json_get(h, k ? "env" : "args");
		char ***v = k ? &ret->env : &ret->args;
		for (size_t i = 0; a && i < a->n; i++)
			if (a->items[i].type != JSON_STRING || strv_extend(v, a->items[i].text) < 0)
				return failx(f, "config", "line %u: hooks: args and env are strings",
					     a->line);
	}
	if (!ret->args && strv_extend(&ret->args, ret->path) < 0)
		return fail(f, -ENOMEM, "hook", NULL);
	if (!ret->env && !(ret->env = calloc(1, sizeof(char *))))
		return fail(f, -ENOMEM, "hook", NULL);
	return 0;
}

static void hook_free(struct hook *h)
{
	strv_free(h->args);
	strv_free(h->env);
}

int oci_hooks_check(const struct json_value *hooks, struct failure *f)
{
	int r = oci_spec_known(hooks, "hooks", kinds, f);

	for (size_t i = 0; r == 0 && hooks && i < hooks->n; i++) {
		const struct json_value *list = &hooks->items[i];
		if (list->type != JSON_ARRAY)
			return failx(f, "config", "line %u: hooks.%s: expected an array", list->line,
				     hooks->keys[i]);
		for (size_t k = 0; r == 0 && k < list->n; k++) {
			struct hook h;
			r = hook_parse(&list->items[k], &h, f);
			hook_free(&h);
		}
	}
	return r;
}

int oci_hooks_save(const struct oci_opts *o, const char *id, const char *bundle, struct failure *f)
{
	_cleanup_free_ char *dir = NULL, *src = NULL, *dst = NULL;
	_cleanup_close_ int in = -1, out = -1;
	char buf[65536];
	ssize_t n;

	if (oci_state_dir(o, id, &dir) < 0 || asprintf(&src, "%s/config.json", bundle) < 0 ||
	    asprintf(&dst, "%s/config.json", dir) < 0)
		return fail(f, -ENOMEM, "hook", NULL);
	in = open(src, O_RDONLY | O_CLOEXEC);
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (in < 0 || out < 0)
		return fail(f, negative_errno(), "hook", "keeping %s", src);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return fail(f, negative_errno(), "hook", "%s", dst);
	return n < 0 ? fail(f, negative_errno(), "hook", "%s", src) : 0;
}

/* The child: the state on stdin (a pipe already filled), the namespaces, the program. */
_noreturn_ static void hook_child(const struct oci_state *st, const struct hook *h, int in_fd,
				  bool in_container, int exe_fd)
{
	struct failure f = { 0 };

	if (dup2(in_fd, 0) < 0)
		_exit(126);
	if (in_container) {
		/* joined the pid namespace: the program runs in a child of ours born there */
		if (oci_exec_join(st, &f) < 0)
			_exit(126);
		pid_t pid = fork();
		if (pid > 0) {
			int status;
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 126);
		}
		if (pid < 0)
			_exit(126);
	}
	syscall(SYS_execveat, exe_fd, "", h->args, h->env, AT_EMPTY_PATH);
	_exit(127);
}

/* Wait for the hook, killing it when its timeout runs out; its exit status, 128+N when a
 * signal ended it, or -ETIMEDOUT. */
static int hook_wait(pid_t pid, int timeout)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	int status, r = 0;

	if (pidfd >= 0 && poll(&p, 1, timeout ? timeout * 1000 : -1) == 0) {
		kill(pid, SIGKILL);
		r = -ETIMEDOUT;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return negative_errno();
	if (r < 0)
		return r;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int hook_run(const struct oci_state *st, const struct hook *h, const char *state_json,
		    bool in_container, struct failure *f)
{
	_cleanup_close_ int exe = open(h->path, O_PATH | O_CLOEXEC);
	int p[2], r;
	pid_t pid;

	if (exe < 0)
		return fail(f, negative_errno(), "hook", "%s", h->path);
	/* the state is small: it fits the pipe before the hook reads it */
	if (pipe2(p, O_CLOEXEC) < 0)
		return fail(f, negative_errno(), "hook", "pipe");
	if (write(p[1], state_json, strlen(state_json)) < 0) {
		close(p[0]), close(p[1]);
		return fail(f, negative_errno(), "hook", "writing the state");
	}
	close(p[1]);
	pid = fork();
	if (pid == 0)
		hook_child(st, h, p[0], in_container, exe);
	close(p[0]);
	if (pid < 0)
		return fail(f, negative_errno(), "hook", "fork");
	r = hook_wait(pid, h->timeout);
	if (r == -ETIMEDOUT)
		return fail(f, r, "hook", "%s: timed out after %d s", h->path, h->timeout);
	if (r != 0)
		return r < 0 ? fail(f, r, "hook", "%s", h->path)
			     : failx(f, "hook", "%s exited with status %d", h->path, r);
	return 0;
}

static int load_hooks(const struct oci_opts *o, const char *id, struct json_value **ret, struct failure *f)
{
	_cleanup_free_ char *dir = NULL, *path = NULL;

	*ret = NULL;
	if (oci_state_dir(o, id, &dir) < 0 || asprintf(&path, "%s/config.json", dir) < 0)
		return fail(f, -ENOMEM, "hook", NULL);
	if (access(path, F_OK) < 0)
		return 0; /* a container created without hooks keeps no copy */
	return oci_spec_read(path, ret, f);
}

int oci_hooks_run(const struct oci_opts *o, const struct oci_state *st, const char *kind, const char *status,
		  struct failure *f)
{
	struct json_value *spec = NULL;
	_cleanup_free_ char *json = NULL;
	size_t len = 0;
	FILE *mem;
	int r = load_hooks(o, st->id, &spec, f);
	const struct json_value *list = json_get(json_get(spec, "hooks"), kind);
	bool in_container = strcmp(kind, "createContainer") == 0 || strcmp(kind, "startContainer") == 0;

	if (r < 0 || !list || list->type != JSON_ARRAY || list->n == 0) {
		json_free(spec);
		return r;
	}
	if (!(mem = open_memstream(&json, &len))) {
		json_free(spec);
		return fail(f, -ENOMEM, "hook", NULL);
	}
	oci_state_format(mem, st, status);
	fputs("}\n", mem);
	fclose(mem);
	/* a failed poststart or poststop hook is only warned of and the rest still run (the
	 * first failure is returned); any other kind stops at it */
	bool go_on = strcmp(kind, "poststart") == 0 || strcmp(kind, "poststop") == 0;
	int first = 0;
	for (size_t i = 0; (r == 0 || go_on) && i < list->n; i++) {
		struct hook h;
		struct failure later = { 0 };
		struct failure *hf = first < 0 ? &later : f;
		if ((r = hook_parse(&list->items[i], &h, hf)) == 0)
			r = hook_run(st, &h, json, in_container, hf);
		hook_free(&h);
		if (r < 0 && first == 0)
			first = r;
	}
	json_free(spec);
	return first < 0 ? first : r;
}
