/* The globals a Wayland compositor offers, read by a short client of our own on its socket:
 * wl_display.get_registry, wl_display.sync, then the wl_registry.global events until the sync's
 * wl_callback.done. It tells whether the compositor has wp_security_context_manager_v1, through
 * which a sandbox's connection would be restricted (no screen copy, virtual keyboard or layer
 * shell). Runs in the launcher with the caller's own privileges, under --verbose only. */
#include "launcher/desktop/desktop.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/macro.h"

#define PROBE_MS    1000
#define PROBE_BUF   65536
#define REGISTRY_ID 2
#define CALLBACK_ID 3

/* A request: object, size << 16 | opcode, then one new_id argument. */
static int probe_send(int fd)
{
	const uint32_t msg[6] = { 1, 12u << 16 | 1, REGISTRY_ID, 1, 12u << 16 | 0, CALLBACK_ID };

	return send(fd, msg, sizeof(msg), MSG_NOSIGNAL) == (ssize_t)sizeof(msg) ? 0 : -EIO;
}

/* One wl_registry.global: {name, interface (a counted, padded string), version}. */
static bool global_is(const uint8_t *args, size_t len, const char *want)
{
	uint32_t slen;

	if (len < 8)
		return false;
	memcpy(&slen, args + 4, 4);
	return slen > 0 && slen <= len - 8 && args[8 + slen - 1] == '\0' &&
	       strcmp((const char *)args + 8, want) == 0;
}

/* The events in buf[0..len): 1 when the sync is done, 0 for more; *found when `want` is among
 * the globals. A partial message at the end stays for the next read (*used says how much). */
static int probe_parse(const uint8_t *buf, size_t len, size_t *used, const char *want, bool *found)
{
	size_t pos = 0;
	int done = 0;

	while (!done && len - pos >= 8) {
		uint32_t obj, word, size;
		memcpy(&obj, buf + pos, 4);
		memcpy(&word, buf + pos + 4, 4);
		size = word >> 16;
		if (size < 8 || size % 4)
			return -EPROTO;
		if (len - pos < size)
			break;
		if (obj == REGISTRY_ID && (word & 0xffff) == 0 && global_is(buf + pos + 8, size - 8, want))
			*found = true;
		if (obj == CALLBACK_ID || (obj == 1 && (word & 0xffff) == 0))
			done = obj == CALLBACK_ID ? 1 : -EPROTO; /* done, or wl_display.error */
		pos += size;
	}
	*used = pos;
	return done;
}

int desktop_wayland_has_global(const char *socket_path, const char *want)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	uint8_t buf[PROBE_BUF];
	size_t len = 0, used;
	bool found = false;
	int r = 0;

	if (fd < 0)
		return negative_errno();
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, socket_path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return negative_errno();
	if ((r = probe_send(fd)) < 0)
		return r;
	while (r == 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		if (poll(&p, 1, PROBE_MS) <= 0 || len == sizeof(buf))
			return -ETIMEDOUT;
		if ((n = recv(fd, buf + len, sizeof(buf) - len, 0)) <= 0)
			return n == 0 ? -ECONNRESET : negative_errno();
		len += (size_t)n;
		if ((r = probe_parse(buf, len, &used, want, &found)) < 0)
			return r;
		memmove(buf, buf + used, len - used);
		len -= used;
	}
	return found;
}
