/* Unit tests of the report's pure parts: JSON escaping, the --report option, and the filter
 * built for the notifier (refusals become user notifications, clone3's ENOSYS stays, the
 * watched calls only when asked, and the plain filter has no notification at all). */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../unit/tap.h"
#include "front/config.h"
#include "command/confine.h"
#include "lib/failure.h"
#include "launcher/report.h"
#include "lib/strv.h"

static void test_option(void)
{
	struct config c;
	struct failure f = { 0 };
	char *cwd = getcwd(NULL, 0), want[4200];

	config_init(&c);
	TAP_OK(report_option(&c, "full", &f) == 0 && c.report && c.report->full && !c.report->path,
	       "full sets the level, no file");
	TAP_OK(!report_wanted(&c), "full alone does not start the notifier");
	TAP_OK(report_option(&c, "r.jsonl", &f) == 0, "a relative file name");
	snprintf(want, sizeof(want), "%s/r.jsonl", cwd);
	TAP_STREQ(c.report->path, want, "made absolute against the current directory");
	TAP_OK(c.blacklist && strcmp(c.blacklist[strv_length(c.blacklist) - 1], want) == 0,
	       "and hidden inside like a --blacklist path");
	TAP_OK(report_wanted(&c), "a file starts the notifier");
	TAP_OK(report_option(&c, "", &f) == -EINVAL && strstr(f.detail, "expected a file name"),
	       "an empty value is an error naming the option");
	TAP_STREQ(report_deny_origin(&c, "getpid"), "--seccomp-deny",
		  "a deny without a profile line: the option");
	config_free(&c);
	free(cwd);
}

/* How many of the program's return instructions give action (SECCOMP_RET_ACTION_FULL). */
static size_t returns(const struct bpf_program *p, uint32_t action, uint32_t data)
{
	size_t n = 0;

	for (size_t i = 0; i < p->n; i++)
		if (p->insns[i].code == (BPF_RET | BPF_K) &&
		    (p->insns[i].k & SECCOMP_RET_ACTION_FULL) == action &&
		    (data == UINT32_MAX || (p->insns[i].k & SECCOMP_RET_DATA) == data))
			n++;
	return n;
}

static void test_filter(void)
{
	struct config c;
	struct failure f = { 0 };
	struct bpf_program plain = { 0 }, notify = { 0 }, full = { 0 };

	config_init(&c);
	TAP_OK(seccomp_build(&c, &plain, &f) == 0, "the plain default filter builds");
	TAP_OK(!plain.listener && returns(&plain, SECCOMP_RET_USER_NOTIF, UINT32_MAX) == 0,
	       "the plain filter notifies nothing and asks for no listener");
	TAP_OK(returns(&plain, SECCOMP_RET_ERRNO, EPERM) > 0, "it refuses with EPERM");
	TAP_OK(seccomp_build_notify(&c, SECCOMP_NOTIFY_DENIED, &notify, &f) == 0,
	       "the report's filter builds");
	TAP_OK(notify.listener, "and asks for a listener");
	TAP_OK(returns(&notify, SECCOMP_RET_USER_NOTIF, UINT32_MAX) > 0, "its refusals are notifications");
	TAP_OK(returns(&notify, SECCOMP_RET_ERRNO, EPERM) == 0, "no EPERM is left to the filter itself");
	TAP_OK(returns(&notify, SECCOMP_RET_ERRNO, ENOSYS) > 0, "clone3's ENOSYS stays in the filter");
	TAP_OK(seccomp_build_notify(&c, SECCOMP_NOTIFY_DENIED | SECCOMP_NOTIFY_FILES, &full, &f) == 0 &&
		   full.n > notify.n,
	       "--report=full adds the watched calls");
	bpf_program_free(&plain);
	bpf_program_free(&notify);
	bpf_program_free(&full);
	c.seccomp = SECCOMP_NONE;
	TAP_OK(seccomp_build_notify(&c, SECCOMP_NOTIFY_DENIED, &notify, &f) == 0 && notify.n == 0 &&
		   !notify.listener,
	       "--seccomp none with a report: no filter, no listener");
	TAP_OK(seccomp_build_notify(&c, SECCOMP_NOTIFY_DENIED | SECCOMP_NOTIFY_FILES, &full, &f) == 0 &&
		   full.n > 0 && full.listener,
	       "--seccomp none with --report=full: a filter of the watched calls alone");
	bpf_program_free(&notify);
	bpf_program_free(&full);
	config_free(&c);
}

int main(void)
{
	test_option();
	test_filter();
	return tap_done();
}
