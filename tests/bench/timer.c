/* timer RUNS WARMUP NAME ARGV... [--- NAME ARGV...]...: runs each command once per round, the
 * order shuffled each round, stdin/stdout/stderr on /dev/null; prints "NAME<TAB>ms" per timed
 * run. A command that fails stops everything (a benchmark of an error is no benchmark). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	const char *name;
	char **argv;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Busy clock ticks of the whole machine so far (every CPU, every process, the kernel's own
 * workers included), from the first line of /proc/stat. */
static unsigned long long busy_ticks(void)
{
	unsigned long long v[8] = { 0 };
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return 0;
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &v[6], &v[7]) != 8)
		v[0] = v[1] = v[2] = v[5] = v[6] = v[7] = 0;
	fclose(f);
	return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]; /* all but idle and iowait */
}

static double run(const struct cmd *c, unsigned long long *ticks)
{
	unsigned long long b0 = busy_ticks();
	double t0 = now_ms();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "timer: %s failed (status 0x%x)\n", c->name, status);
		exit(1);
	}
	double ms = now_ms() - t0;
	*ticks = busy_ticks() - b0;
	return ms;
}

int main(int argc, char **argv)
{
	struct cmd cmds[32];
	int n = 0, runs, warmup;
	const char *gap = getenv("HUTCH_BENCH_GAP_MS");
	useconds_t gap_us = gap ? (useconds_t)(atof(gap) * 1000) : 0;

	if (argc < 5)
		return 2;
	runs = atoi(argv[1]);
	warmup = atoi(argv[2]);
	for (int i = 3; i < argc && n < 32;) {
		cmds[n].name = argv[i++];
		cmds[n].argv = &argv[i];
		while (i < argc && strcmp(argv[i], "---") != 0)
			i++;
		if (i < argc)
			argv[i++] = NULL;
		n++;
	}
	/* Each round in a new order (a fixed-seed shuffle): what a run leaves to the kernel after
	 * it returns falls on a different successor each time, not always on the same one. */
	int order[32];
	unsigned seed = 12345;
	for (int k = 0; k < n; k++)
		order[k] = k;
	for (int r = 0; r < warmup + runs; r++) {
		for (int k = n - 1; k > 0; k--) {
			seed = seed * 1103515245u + 12345u;
			int j = (int)((seed >> 16) % (unsigned)(k + 1)), t = order[k];
			order[k] = order[j], order[j] = t;
		}
		for (int k = 0; k < n; k++) {
			const struct cmd *c = &cmds[order[k]];
			unsigned long long ticks;
			if (gap_us > 0)
				usleep(gap_us);
			double ms = run(c, &ticks);
			if (r >= warmup)
				printf("%s\t%.4f\t%llu\n", c->name, ms, ticks);
		}
	}
	return 0;
}
