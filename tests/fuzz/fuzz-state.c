/* libFuzzer target for the two readers of state written to disk by an earlier run, which a
 * process of the same user could have rewritten: a workspace's manifest and start record
 * (src/workspace/workspace-state.c: workspace_read, workspace_start_read) and a sandbox's record
 * (src/launcher/state.c: state_read, read by list, join and stop). The first byte picks the reader; the
 * rest is the file. Built and run by tests/fuzz/run, not by meson; no privileges. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/failure.h"
#include "launcher/state.h"
#include "workspace/workspace.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static char root[4096], manifest[4200], start[4200], record[4200];

static void remove_all(void)
{
	unlink(manifest);
	unlink(start);
	unlink(record);
	char d[4200];
	snprintf(d, sizeof(d), "%s/ws/0", root);
	rmdir(d);
	snprintf(d, sizeof(d), "%s/ws", root);
	rmdir(d);
	snprintf(d, sizeof(d), "%s/sb", root);
	rmdir(d);
	rmdir(root);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char d[4200];

	snprintf(root, sizeof(root), "%s/hutch-fuzz-state.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(root))
		abort();
	atexit(remove_all);
	snprintf(d, sizeof(d), "%s/ws", root);
	mkdir(d, 0700);
	snprintf(d, sizeof(d), "%s/ws/0", root);
	mkdir(d, 0700);
	snprintf(d, sizeof(d), "%s/sb", root);
	mkdir(d, 0700);
	snprintf(manifest, sizeof(manifest), "%s/ws/manifest", root);
	snprintf(start, sizeof(start), "%s/ws/0/start", root);
	snprintf(record, sizeof(record), "%s/sb/info.json", root);
	return 0;
}

static void put(const char *path, const unsigned char *data, size_t size)
{
	FILE *out = fopen(path, "we");

	if (!out)
		abort();
	fwrite(data, 1, size, out);
	fclose(out);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct failure f = { 0 };

	if (size == 0)
		return 0;
	if (data[0] % 3 == 0) {
		struct ws_record rec = { 0 };
		put(manifest, data + 1, size - 1);
		if (workspace_read(root, "ws", &rec, &f) == 0)
			workspace_record_free(&rec);
	} else if (data[0] % 3 == 1) {
		struct ws_start s = { 0 };
		put(start, data + 1, size - 1);
		if (workspace_start_read(start, &s) == 0) {
			workspace_start_find(&s, "a/b");
			workspace_start_free(&s);
		}
	} else {
		struct state_record r = { 0 };
		int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		put(record, data + 1, size - 1);
		if (fd >= 0 && state_read(fd, "sb", &r, &f) == 0)
			state_record_free(&r);
		if (fd >= 0)
			close(fd);
	}
	return 0;
}
