/* Whether a command is a graphical program, for the one-line hint hutch gives when such a
 * program starts without a display (desktop.c): its ELF file names a toolkit or display library
 * among its DT_NEEDED entries, or a .desktop entry in the XDG data directories starts it. And
 * whether it is a Qt program that cannot speak Wayland here (no Qt Wayland plugin).
 * Runs in the launcher with the caller's own privileges; reads only, a few KiB per command. */
#include "launcher/desktop/desktop.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/macro.h"

#define MAX_DYN	      512
#define MAX_DYNSTR    (256 * 1024)
#define MAX_SECTIONS  256
#define MAX_DESKTOP_F (64 * 1024)

/* The libraries a program that opens windows links against (sonames' stems). */
static const char *const gui_libs[] = {
	"libgtk-3.so",	    "libgtk-4.so", "libgtk-x11-2.0.so", "libQt5Gui.so",		"libQt6Gui.so",
	"libQtGui.so",	    "libX11.so",   "libxcb.so",		"libwayland-client.so", "libSDL2-2.0.so",
	"libSDL-1.2.so",    "libglfw.so",  "libfltk.so",	"libwx_gtk3u_core",	"libtk8.6.so",
	"libelementary.so", "libXaw.so",   "libXt.so",
};

static bool read_at(int fd, void *buf, size_t len, off_t off)
{
	return pread(fd, buf, len, off) == (ssize_t)len;
}

static const char *gui_lib_of(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(gui_libs); i++)
		if (strncmp(name, gui_libs[i], strlen(gui_libs[i])) == 0)
			return gui_libs[i];
	return NULL;
}

/* Qt's major version of a Qt library's name (libQt5Widgets.so.5: "5"). */
static const char *qt_lib_of(const char *name)
{
	if (strncmp(name, "libQt5", 6) == 0)
		return "5";
	return strncmp(name, "libQt6", 6) == 0 ? "6" : NULL;
}

/* The DT_NEEDED names of a native 64-bit ELF file, through its dynamic section and the string
 * table that section links to: what match says of the first it knows. */
static const char *elf_needed(int fd, const char *(*match)(const char *name))
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh[MAX_SECTIONS], *dynsh = NULL, *strsh;
	_cleanup_free_ Elf64_Dyn *dyn = NULL;
	_cleanup_free_ char *str = NULL;
	size_t n;

	if (!read_at(fd, &eh, sizeof(eh), 0) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(sh[0]) ||
	    eh.e_shnum > MAX_SECTIONS || !read_at(fd, sh, eh.e_shnum * sizeof(sh[0]), (off_t)eh.e_shoff))
		return NULL;
	for (unsigned i = 0; i < eh.e_shnum && !dynsh; i++)
		if (sh[i].sh_type == SHT_DYNAMIC)
			dynsh = &sh[i];
	if (!dynsh || dynsh->sh_link >= eh.e_shnum)
		return NULL;
	strsh = &sh[dynsh->sh_link];
	if (strsh->sh_size == 0 || strsh->sh_size > MAX_DYNSTR)
		return NULL;
	n = dynsh->sh_size / sizeof(Elf64_Dyn);
	n = n > MAX_DYN ? MAX_DYN : n;
	if (!(dyn = malloc(n * sizeof(*dyn))) || !(str = malloc(strsh->sh_size + 1)) ||
	    !read_at(fd, dyn, n * sizeof(*dyn), (off_t)dynsh->sh_offset) ||
	    !read_at(fd, str, strsh->sh_size, (off_t)strsh->sh_offset))
		return NULL;
	str[strsh->sh_size] = '\0';
	for (size_t i = 0; i < n && dyn[i].d_tag != DT_NULL; i++) {
		const char *lib;
		if (dyn[i].d_tag == DT_NEEDED && dyn[i].d_un.d_val < strsh->sh_size &&
		    (lib = match(str + dyn[i].d_un.d_val)))
			return lib;
	}
	return NULL;
}

/* Whether a .desktop file's Exec= starts `base` (its first word's last component). */
static bool desktop_file_runs(int dir_fd, const char *file, const char *base)
{
	_cleanup_close_ int fd = openat(dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[MAX_DESKTOP_F + 1], *line, *save = NULL;
	ssize_t len = fd < 0 ? -1 : read(fd, buf, MAX_DESKTOP_F);

	if (len <= 0)
		return false;
	buf[len] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "Exec=", 5) != 0)
			continue;
		char *word = line + 5, *end = word + strcspn(word, " \t"), *slash;
		*end = '\0';
		slash = strrchr(word, '/');
		return strcmp(slash ? slash + 1 : word, base) == 0;
	}
	return false;
}

/* Only files whose name holds the command's name are read (org.xfce.mousepad.desktop,
 * firefox-esr.desktop): one directory listing, a file or two. */
static bool dir_has_entry(const char *apps, const char *base, char *ret_file, size_t len)
{
	DIR *dir = opendir(apps);
	struct dirent *e;
	bool found = false;

	while (dir && !found && (e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		if (n < 8 || strcmp(e->d_name + n - 8, ".desktop") != 0 || !strcasestr(e->d_name, base))
			continue;
		if ((found = desktop_file_runs(dirfd(dir), e->d_name, base)))
			snprintf(ret_file, len, "%s/%s", apps, e->d_name);
	}
	if (dir)
		closedir(dir);
	return found;
}

/* The XDG data directories' applications/: the user's ($XDG_DATA_HOME, else
 * ~/.local/share), then $XDG_DATA_DIRS (else /usr/local/share:/usr/share). */
static bool has_desktop_entry(const char *base, const char *data_home, const char *data_dirs, char *ret_file,
			      size_t len)
{
	char apps[PATH_MAX];

	if (data_home && data_home[0] == '/' &&
	    (size_t)snprintf(apps, sizeof(apps), "%s/applications", data_home) < sizeof(apps) &&
	    dir_has_entry(apps, base, ret_file, len))
		return true;
	if (!data_dirs || !*data_dirs)
		data_dirs = "/usr/local/share:/usr/share";
	for (const char *p = data_dirs; *p;) {
		size_t n = strcspn(p, ":");
		if (n > 0 && p[0] == '/' &&
		    (size_t)snprintf(apps, sizeof(apps), "%.*s/applications", (int)n, p) < sizeof(apps) &&
		    dir_has_entry(apps, base, ret_file, len))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

int desktop_gui_reason(const char *exe, const char *data_home, const char *data_dirs, char *buf, size_t len)
{
	const char *slash = strrchr(exe, '/'), *base = slash ? slash + 1 : exe, *lib;
	_cleanup_close_ int fd = open(exe, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	char file[PATH_MAX + 300];

	if (fd >= 0 && (lib = elf_needed(fd, gui_lib_of))) {
		snprintf(buf, len, "linked against %s", lib);
		return 1;
	}
	if (*base && has_desktop_entry(base, data_home, data_dirs, file, sizeof(file))) {
		snprintf(buf, len, "started by %s", file);
		return 1;
	}
	return 0;
}

int desktop_qt_lacks_wayland(const char *exe, char *buf, size_t len)
{
	_cleanup_close_ int fd = open(exe, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	const char *v = fd >= 0 ? elf_needed(fd, qt_lib_of) : NULL;
	char pattern[96];
	glob_t g;
	size_t n = 0;

	if (!v)
		return 0;
	/* Debian's /usr/lib/TRIPLET/qt5/..., or /usr/lib/qt5/... elsewhere */
	snprintf(pattern, sizeof(pattern), "/usr/lib{,/*}/qt%s/plugins/platforms/libqwayland-*.so", v);
	if (glob(pattern, GLOB_BRACE | GLOB_NOSORT, NULL, &g) == 0)
		n = g.gl_pathc;
	globfree(&g);
	if (n > 0)
		return 0;
	snprintf(buf, len,
		 "a Qt %s program, and no Qt %s Wayland platform plugin is installed (Debian: qtwayland%s)",
		 v, v, v);
	return 1;
}
