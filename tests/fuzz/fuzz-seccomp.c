/* libFuzzer target for --seccomp's rule file (src/command/seccomp.c): any bytes as the file, read and
 * compiled by libseccomp as the launcher would (seccomp_build), and each line through the
 * notifier's own reader (seccomp_parse_line). Built and run by tests/fuzz/run, not by meson;
 * no privileges (nothing is loaded into the kernel). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "front/config.h"
#include "command/confine.h"
#include "lib/failure.h"
#include "command/seccomp-table.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char path[4096];

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	int fd;

	snprintf(path, sizeof(path), "%s/hutch-fuzz-rules.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		abort();
	close(fd);
	atexit(remove_file);
	return 0;
}

static void each_line(const unsigned char *data, size_t size)
{
	char *copy = malloc(size + 1);

	if (!copy)
		return;
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *save = NULL, *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct seccomp_file_rule rule;
		const char *err = NULL;
		seccomp_parse_line(l, &rule, &err);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct bpf_program prog = { 0 };
	struct failure f = { 0 };
	struct config c;
	FILE *out = fopen(path, "we");

	if (!out)
		abort();
	fwrite(data, 1, size, out);
	fclose(out);
	config_init(&c);
	c.seccomp = SECCOMP_FILE;
	c.seccomp_file = strdup(path);
	if (c.seccomp_file && seccomp_build(&c, &prog, &f) == 0)
		bpf_program_free(&prog);
	config_free(&c);
	each_line(data, size);
	return 0;
}
