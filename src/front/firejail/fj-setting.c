/* hutch's setting for the firejail fallback: `firejail-profiles strict|lenient|off` in
 * $XDG_CONFIG_HOME/hutch/hutch.conf, else /etc/hutch/hutch.conf ('#' starts a comment line).
 * The command line's --firejail-profiles and --no-firejail-profiles win over it. Launcher
 * side, the caller's own privileges; it reads two small files. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "front/firejail/fj-int.h"
#include "lib/macro.h"
#include "lib/path-util.h"

#define SYSTEM_CONF "/etc/hutch/hutch.conf"

int fj_mode_parse(const char *s, enum fj_mode *ret)
{
	static const char *const names[] = { "strict", "lenient", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum fj_mode)i;
			return 0;
		}
	return -EINVAL;
}

/* 1 when the file set the mode, 0 when it is absent or silent. */
static int read_conf(const char *path, enum fj_mode *ret, struct failure *f)
{
	FILE *in = fopen(path, "re");
	char line[512];
	unsigned no = 0;
	int r = 0;

	if (!in)
		return errno == ENOENT || errno == ENOTDIR ? 0 : fail(f, -errno, "setting", "%s", path);
	while (r == 0 && fgets(line, sizeof(line), in)) {
		char key[64], val[64], extra[2];
		int n;
		no++;
		line[strcspn(line, "\r\n")] = '\0';
		n = sscanf(line, " %63s %63s %1s", key, val, extra);
		if (n <= 0 || key[0] == '#')
			continue;
		if (n != 2 || strcmp(key, "firejail-profiles") != 0)
			r = failx(f, "setting",
				  "%s:%u: expected 'firejail-profiles strict|lenient|off', got '%s'", path,
				  no, line);
		else if (fj_mode_parse(val, ret) < 0)
			r = failx(f, "setting",
				  "%s:%u: firejail-profiles: '%s' is not strict, lenient or off", path, no,
				  val);
		else
			r = 1;
	}
	fclose(in);
	return r;
}

int fj_setting(const struct profile_env *e, enum fj_mode *ret, struct failure *f)
{
	_cleanup_free_ char *user = path_join(e->config_home, "hutch/hutch.conf");
	int r;

	*ret = FJ_MODE_STRICT;
	if (!user)
		return fail(f, -ENOMEM, "setting", NULL);
	r = read_conf(user, ret, f);
	if (r == 0)
		r = read_conf(SYSTEM_CONF, ret, f);
	return r < 0 ? r : 0;
}
