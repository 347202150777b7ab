/* libFuzzer target for hutch-bwrap's command line (src/front/bwrap/bwrap-cli.c): any bytes split at
 * NUL into an argv, parsed into a scratch config and freed. An argument naming an fd makes the
 * parser take it (close-on-exec, closed with the config): the standard fds are put back after
 * each input, and a number naming another open fd is replaced (hide_foreign_fds). Built and run by tests/fuzz/run, not by meson; no privileges. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/bwrap/bwrap.h"
#include "front/config.h"
#include "lib/failure.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAX_ARGS 256

static int saved[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	for (int i = 0; i < 3; i++)
		if ((saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 100)) < 0)
			abort();
	return 0;
}

static void restore_std_fds(void)
{
	for (int i = 0; i < 3; i++) {
		if (fcntl(i, F_GETFD) < 0 || (fcntl(i, F_GETFD) & FD_CLOEXEC))
			dup2(saved[i], i);
	}
}

/* A number that names an fd open now names libFuzzer's, the sanitizer's or a saved standard
 * fd (this input has opened none yet): the parser would read it (--args, --seccomp,
 * --add-seccomp-fd), and a pipe of theirs blocks until -timeout. Such a word becomes a closed
 * fd's number; 0, 1 and 2 stay (stdin is /dev/null under tests/fuzz/run). */
static void hide_foreign_fds(char **argv)
{
	for (; *argv; argv++) {
		char *end;
		long fd = strtol(*argv, &end, 10);

		if (**argv && !*end && fd > 2 && fd < 1 << 20 && fcntl((int)fd, F_GETFD) >= 0)
			*argv = "1048575";
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2];
	int argc = 0;
	enum bwrap_action action;
	struct failure f = { 0 };
	struct config c;
	struct bwrap_config b;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "bwrap";
	for (char *p = buf; p < buf + size && argc < MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	hide_foreign_fds(argv + 1);
	config_init(&c);
	bwrap_parse(argc, argv, &c, &b, &action, &f);
	config_free(&c);
	free(buf);
	restore_std_fds();
	return 0;
}
