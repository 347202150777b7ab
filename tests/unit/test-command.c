/* Unit tests of the one command runner (src/command/command.c): which steps each supervisor's
 * spec takes (command_steps), that the step table's order is the one confine.h documents, and
 * command_run itself in a forked process, its failures coming back as SYNC_ERROR over a real
 * sync channel with the exit codes 125, 126 and 127. No privileges (no step that needs them). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "command/command.h"
#include "front/config.h"
#include "lib/failure.h"
#include "lib/sync.h"
#include "tap.h"

#define STEP(s) COMMAND_STEP(COMMAND_##s)

static void test_steps(void)
{
	struct config c;
	unsigned s, all_but_optional = STEP(SIGMASK) | STEP(TIE) | STEP(CHDIR) | STEP(FD_SWEEP) |
				       STEP(RLIMIT) | STEP(CAPS) | STEP(NO_NEW_PRIVS) | STEP(LANDLOCK) |
				       STEP(SECCOMP);

	config_init(&c);
	TAP_OK(command_steps(COMMAND_SANDBOX, &c, true) == (all_but_optional | STEP(NET_WAIT)),
	       "sandbox, default config: every step but setsid and PR_SET_MDWE, with the network wait (0x%x)",
	       command_steps(COMMAND_SANDBOX, &c, true));
	TAP_OK(command_steps(COMMAND_JOIN, &c, true) == all_but_optional,
	       "join, default config: the same without the network wait");
	TAP_OK(command_steps(COMMAND_RESTRICTED, &c, true) == all_but_optional,
	       "restricted tier holding capabilities: the same");
	s = command_steps(COMMAND_RESTRICTED, &c, false);
	TAP_OK(s == (all_but_optional & ~STEP(CAPS)), "restricted tier without capabilities: no caps_drop");
	TAP_OK(command_steps(COMMAND_SANDBOX, &c, false) & STEP(CAPS),
	       "the sandbox's command drops capabilities whatever holds_caps says");

	c.as_pid1 = true;
	TAP_OK(!(command_steps(COMMAND_SANDBOX, &c, true) & STEP(TIE)),
	       "--as-pid-1: no PDEATHSIG (it is pid 1)");
	TAP_OK(command_steps(COMMAND_RESTRICTED, &c, true) & STEP(TIE) &&
		   command_steps(COMMAND_JOIN, &c, true) & STEP(TIE),
	       "--as-pid-1 does not untie the restricted tier's or join's command");
	c.as_pid1 = false;

	c.setsid_command = true;
	for (int k = COMMAND_SANDBOX; k <= COMMAND_JOIN; k++)
		TAP_OK(command_steps(k, &c, true) & STEP(SETSID),
		       "kind %d: a session of its own with --new-session", k);
	c.setsid_command = false;

	c.inherit_fds = true;
	TAP_OK(!(command_steps(COMMAND_SANDBOX, &c, true) & STEP(FD_SWEEP)),
	       "inherited fds (hutch-bwrap): no fd sweep in the sandbox");
	TAP_OK(!(command_steps(COMMAND_RESTRICTED, &c, true) & STEP(FD_SWEEP)),
	       "... nor in the restricted tier");
	TAP_OK(command_steps(COMMAND_JOIN, &c, true) & STEP(FD_SWEEP),
	       "join sweeps whatever the config says");
	c.inherit_fds = false;

	c.mdwe = true;
	TAP_OK(command_steps(COMMAND_SANDBOX, &c, true) & STEP(MDWE),
	       "--memory-deny-write-execute: PR_SET_MDWE");
	c.mdwe = false;

	c.apparmor_profile = "hutch-test";
	for (int k = COMMAND_SANDBOX; k <= COMMAND_JOIN; k++)
		TAP_OK(command_steps(k, &c, true) & STEP(APPARMOR),
		       "kind %d: with an AppArmor profile, the step that enters it", k);
	c.apparmor_profile = NULL;
	TAP_OK(!(command_steps(COMMAND_SANDBOX, &c, true) & STEP(APPARMOR)), "... and none without");

	c.keep_new_privs = true;
	unsigned late = STEP(NO_NEW_PRIVS) | STEP(LANDLOCK) | STEP(NET_WAIT) | STEP(SECCOMP);
	unsigned held = STEP(HELD_LANDLOCK) | STEP(HELD_NET_WAIT) | STEP(HELD_SECCOMP);
	TAP_OK(command_steps(COMMAND_SANDBOX, &c, true) ==
		   (((all_but_optional | STEP(NET_WAIT)) & ~late) | held),
	       "keep_new_privs: no no_new_privs, the lock-down's held twins before caps_drop");
	TAP_OK(command_steps(COMMAND_JOIN, &c, true) ==
		   ((all_but_optional & ~late) | STEP(HELD_LANDLOCK) | STEP(HELD_SECCOMP)),
	       "... in join too, which has no network wait");
	TAP_OK(command_steps(COMMAND_RESTRICTED, &c, false) == (all_but_optional & ~STEP(CAPS)),
	       "... but not without capabilities: no_new_privs stays, the lock-down stays late");
	c.keep_new_privs = false;
	config_free(&c);
}

/* The table's names, joined as confine.h's first comment joins them, then environment and
 * execve: the code's order is the documented one. */
static void test_order(void)
{
	char order[512] = "", header[4096], *p, *end;
	FILE *in = fopen(HUTCH_SOURCE_DIR "/src/command/confine.h", "re");
	size_t n = in ? fread(header, 1, sizeof(header) - 1, in) : 0;

	if (in)
		fclose(in);
	header[n] = '\0';
	for (int i = 0; i < COMMAND_STEPS; i++)
		snprintf(order + strlen(order), sizeof(order) - strlen(order), "%s → ", command_step_name(i));
	strcat(order, "environment → execve");
	/* the arrow lines of the first comment, their " *   " prefixes and line breaks dropped */
	char doc[512] = "";
	for (p = strstr(header, "signal mask cleared"); p && *p && !strstr(doc, "execve"); p = end) {
		end = strchr(p, '\n');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		while (len > 0 && p[len - 1] == ' ')
			len--;
		snprintf(doc + strlen(doc), sizeof(doc) - strlen(doc), "%s%.*s", doc[0] ? " " : "", (int)len,
			 p);
		for (p = end; end && (*end == '\n' || *end == ' ' || *end == '*'); end++)
			;
	}
	TAP_STREQ(order, doc, "the step table's order is confine.h's");
	TAP_OK(command_step_name(COMMAND_STEPS) == NULL, "past the last step: no name");
}

static char *env[] = { "PATH=/usr/bin:/bin", NULL };

/* Runs spec in a child; the message it sent (type, failure) and its exit code. */
static int run(struct config *c, unsigned steps, char **argv, struct failure *f, int *ret_code)
{
	int sv[2], status = 0, t;
	struct sync_msg m;
	void *payload = NULL;

	if (sync_pair(sv) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		struct command_spec s = {
			.c = c, .steps = steps, .sync_fd = sv[1], .argv = argv, .landlock_fd = -1
		};
		close(sv[0]);
		command_run(&s);
	}
	close(sv[1]);
	t = sync_recv(sv[0], &m, &payload, NULL, NULL);
	if (t == SYNC_ERROR)
		sync_failure(&m, payload, f);
	free(payload);
	close(sv[0]);
	waitpid(pid, &status, 0);
	*ret_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return t;
}

static void test_run(void)
{
	struct config c;
	struct failure f = { 0 };
	int code = -1, t;
	unsigned basic = STEP(SIGMASK) | STEP(TIE) | STEP(CHDIR) | STEP(FD_SWEEP) | STEP(NO_NEW_PRIVS);

	config_init(&c);
	c.env = env;
	c.home = "/";
	c.chdir = "/";
	t = run(
	    &c, basic,
	    (char *[]){ "sh", "-c", "grep -q '^NoNewPrivs:.1' /proc/self/status && [ \"$PWD\" = / ]", NULL },
	    &f, &code);
	TAP_OK(t == 0 && code == 0,
	       "a command that execs: EOF on the channel, no_new_privs set, in --chdir (t %d, %d)", t, code);

	t = run(&c, basic & ~STEP(NO_NEW_PRIVS),
		(char *[]){ "sh", "-c", "grep -q '^NoNewPrivs:.0' /proc/self/status", NULL }, &f, &code);
	TAP_OK(t == 0 && code == 0, "a step left out of the mask is not taken (%d)", code);

	t = run(&c, basic, (char *[]){ "hutch-no-such-program", NULL }, &f, &code);
	TAP_OK(t == SYNC_ERROR && strcmp(f.stage, "exec") == 0 && f.err == ENOENT && code == 127,
	       "a missing program: ERROR with stage exec, ENOENT, exit 127 (%s, %d)", f.stage, code);

	t = run(&c, basic, (char *[]){ "/dev/null", NULL }, &f, &code);
	TAP_OK(t == SYNC_ERROR && strcmp(f.stage, "exec") == 0 && f.err == EACCES && code == 126,
	       "a file that cannot be executed: ERROR, EACCES, exit 126 (%s, %d)", f.stage, code);

	/* a profile the kernel does not have (this machine's, with or without AppArmor): named,
	 * before the program runs */
	c.apparmor_profile = "hutch-no-such-profile";
	t = run(&c, basic | STEP(APPARMOR), (char *[]){ "true", NULL }, &f, &code);
	TAP_OK(t == SYNC_ERROR && strcmp(f.stage, "apparmor") == 0 &&
		   strstr(f.detail, "hutch-no-such-profile") && code == 125,
	       "an AppArmor profile that cannot be entered: ERROR naming it, exit 125 (%s: %s, %d)", f.stage,
	       f.detail, code);
	c.apparmor_profile = NULL;

	c.chdir = "/hutch-no-such-dir";
	t = run(&c, basic, (char *[]){ "true", NULL }, &f, &code);
	TAP_OK(t == SYNC_ERROR && strcmp(f.stage, "chdir") == 0 && f.err == ENOENT && code == 125,
	       "a failed step: ERROR naming it, exit 125 (%s, %d)", f.stage, code);
	t = run(&c, basic & ~STEP(CHDIR), (char *[]){ "true", NULL }, &f, &code);
	TAP_OK(t == 0 && code == 0, "... not taken when left out of the mask");
	c.chdir = "/";

	int kept = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int other = open("/dev/null", O_RDONLY); /* not CLOEXEC: the sweep must make it so */
	char script[128];
	snprintf(script, sizeof(script), "[ -e /proc/self/fd/%d ] && ! [ -e /proc/self/fd/%d ]", kept, other);
	c.keep_fds = &kept;
	c.n_keep_fds = 1;
	pid_t pid;
	int sv[2], status;
	sync_pair(sv);
	if ((pid = fork()) == 0) {
		struct command_spec s = { .c = &c,
					  .steps = basic,
					  .sync_fd = sv[1],
					  .argv = (char *[]){ "sh", "-c", script, NULL },
					  .keep_fds = &kept,
					  .n_keep_fds = 1,
					  .landlock_fd = -1 };
		command_run(&s);
	}
	close(sv[1]);
	waitpid(pid, &status, 0);
	TAP_OK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the fd sweep keeps the spec's keep list open and closes the rest at execve");
	close(sv[0]);
	close(kept);
	close(other);
	c.keep_fds = NULL;
	c.n_keep_fds = 0;
	c.env = NULL, c.home = NULL, c.chdir = NULL;
	config_free(&c);
}

int main(void)
{
	test_steps();
	test_order();
	test_run();
	return tap_done();
}
