/* The admin's policy for hutch-veth (see veth-conf.h). Runs in hutch-veth, setuid root, on a
 * file only root can write (the helper checks that before it reads). */
#include "veth/veth-conf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool veth_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= VETH_BRIDGE_SIZE || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-") == n;
}

static bool names_caller(const char *who_field, const struct veth_caller *who)
{
	char uid[24];

	if (who_field[0] == '@')
		return who->in_group && who->in_group(who_field + 1, who->arg);
	snprintf(uid, sizeof(uid), "%u", (unsigned)who->uid);
	return (who->user && strcmp(who_field, who->user) == 0) || strcmp(who_field, uid) == 0;
}

/* One line: 0 (blank, comment or parsed into the out parameters), -EINVAL when malformed. */
static int parse_line(char *line, char **ret_who, char **ret_bridge, unsigned *ret_max)
{
	char *save = NULL, *who, *br, *max, *end;
	unsigned long v;

	line[strcspn(line, "#\n")] = '\0';
	who = strtok_r(line, " \t", &save);
	if (!who)
		return 0;
	br = strtok_r(NULL, " \t", &save);
	max = strtok_r(NULL, " \t", &save);
	if (!br || !max || strtok_r(NULL, " \t", &save) || !veth_name_valid(br) || who[who[0] == '@'] == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoul(max, &end, 10);
	if (errno || *end || end == max || max[0] == '-' || v > VETH_CONF_MAX_N)
		return -EINVAL;
	*ret_who = who;
	*ret_bridge = br;
	*ret_max = (unsigned)v;
	return 1;
}

int veth_conf_allowance(FILE *f, const struct veth_caller *who, const char *bridge, unsigned *ret_max,
			unsigned *ret_line)
{
	char line[512];
	unsigned n = 0, best = 0;

	while (fgets(line, sizeof(line), f)) {
		char *w = NULL, *br = NULL;
		unsigned max = 0;
		n++;
		if (!strchr(line, '\n') && !feof(f)) {
			*ret_line = n;
			return -EINVAL; /* a line too long for any sane entry */
		}
		int r = parse_line(line, &w, &br, &max);
		if (r < 0) {
			*ret_line = n;
			return r;
		}
		if (r > 0 && strcmp(br, bridge) == 0 && names_caller(w, who) && max > best)
			best = max;
	}
	if (ferror(f))
		return -EIO;
	*ret_max = best;
	return 0;
}
