/* The capability names the installed libcap knows, one a line without "cap_": what the shell
 * completions' static lists are checked against (tests/docs/capabilities.sh). Runs on the
 * host as the test user; needs no privilege. */
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>

int main(void)
{
	/* cap_to_name() spells a capability libcap has no name for as its number. */
	for (cap_value_t cap = 0; cap < 64; cap++) {
		char *name = cap_to_name(cap);
		if (!name)
			return 1;
		if (strncmp(name, "cap_", 4) == 0)
			printf("%s\n", name + 4);
		cap_free(name);
	}
	return 0;
}
