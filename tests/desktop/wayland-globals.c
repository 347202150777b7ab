/* desktop_wayland_has_global() against a real compositor: `wayland-globals SOCKET NAME...`
 * prints, per NAME, "NAME yes", "NAME no" or "NAME error -ERRNO". Driven by security.sh. */
#include <stdio.h>

#include "launcher/desktop/desktop.h"

int main(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		int r = desktop_wayland_has_global(argv[1], argv[i]);
		if (r < 0)
			printf("%s error %d\n", argv[i], r);
		else
			printf("%s %s\n", argv[i], r ? "yes" : "no");
	}
	return argc < 3;
}
