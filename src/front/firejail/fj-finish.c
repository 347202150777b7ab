/* The end of a translation: what only the whole firejail profile tells. firejail shows the
 * whole home unless a profile whitelists in it; hutch shows the directory it was started in
 * instead (as its own workdir profiles do). read-only lines apply to what ended up visible.
 * Persistence points in a visible home stay read-only. What firejail gives unless a profile
 * takes it away (the host's network, the display, the
 * sound server, the GPU) is added as hutch's choices, each only where the host has it. Launcher
 * side, the caller's own privileges. */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "front/firejail/fj-int.h"
#include "lib/macro.h"
#include "lib/path-util.h"
#include "lib/strv.h"

static bool system_dir(const char *path)
{
	static const char *const dirs[] = { "/usr",   "/etc",	"/proc",   "/sys",    "/dev",
					    "/run",   "/boot",	"/bin",	   "/sbin",   "/lib",
					    "/lib32", "/lib64", "/libx32", "/var/lib" };

	if (strcmp(path, "/") == 0)
		return true;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (path_is_beneath(path, dirs[i]))
			return true;
	return false;
}

static int finish_workdir(struct fj_state *s)
{
	const char *pwd = s->env->pwd;
	struct fj_src src = { s->res->files ? s->res->files[0] : "", 0, "(no whitelist in the home)" };
	int r;

	if (s->private_home || s->home_white || !pwd || system_dir(pwd))
		return 0;
	r = fj_note(s, &src, FJ_APPROX,
		    "firejail shows the whole home minus its blacklists; hutch shows the directory "
		    "it was started in, read-write");
	s->res->n_kind[FJ_APPROX]--; /* not a line of the profile: no count */
	if (r == 0)
		r = fj_emit(s, "whitelist", pwd);
	if (r == 0)
		r = fj_emit(s, "chdir", pwd);
	return r == 0 ? strv_extend(&s->home_white, pwd) : r;
}

static bool under_any(const char *path, char **dirs)
{
	for (char **d = dirs; d && *d; d++)
		if (path_is_beneath(path, *d))
			return true;
	return false;
}

/* read-only where a whitelist shows it (a persistence point such as ~/.bashrc in a visible
 * home); elsewhere hutch shows nothing writable to begin with. */
static int finish_read_only(struct fj_state *s)
{
	int r = 0;

	for (char **p = s->read_only; r == 0 && p && *p; p++) {
		glob_t g;
		if (!fj_has_glob(*p)) {
			if (under_any(*p, s->home_white))
				r = fj_emit(s, "read-only-try", *p);
			continue;
		}
		if (glob(*p, GLOB_NOSORT, NULL, &g) != 0)
			continue;
		for (size_t i = 0; r == 0 && i < g.gl_pathc; i++)
			if (under_any(g.gl_pathv[i], s->home_white))
				r = fj_emit(s, "read-only-try", g.gl_pathv[i]);
		globfree(&g);
	}
	return r;
}

/* Files and directories a shell, the session or the desktop runs from later: read-only
 * wherever a whitelist shows them, also where firejail's profile does not say so (a profile
 * without disable-common.inc), so that no translated profile is weaker than hutch's default
 * (whose home holds none of them). A missing one stays creatable: hutch binds what exists. */
static const char *const persistence[] = {
	".bashrc",
	".bash_profile",
	".bash_login",
	".bash_logout",
	".profile",
	".zshrc",
	".zprofile",
	".zshenv",
	".zlogin",
	".cshrc",
	".tcshrc",
	".xinitrc",
	".xprofile",
	".xsession",
	".xsessionrc",
	".pam_environment",
	".config/autostart",
	".config/systemd",
	".config/environment.d",
	".config/fish",
	".local/share/applications",
	".ssh/rc",
	".ssh/authorized_keys",
	".gitconfig",
	".config/git",
	".vimrc",
	".config/nvim",
	".emacs",
	".local/bin",
	"bin",
};

static int finish_persistence(struct fj_state *s)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(persistence); i++) {
		_cleanup_free_ char *p = NULL;
		struct stat st;
		if (asprintf(&p, "%s/%s", s->env->home, persistence[i]) < 0)
			return -ENOMEM;
		if (lstat(p, &st) == 0 && under_any(p, s->home_white))
			r = fj_emit(s, "read-only-try", p);
	}
	return r;
}

static int finish_sharing(struct fj_state *s)
{
	int r = 0;

	if (!s->net_none && (!s->has_protocol || s->protocol_inet))
		r = fj_emit(s, "share-net", NULL);
	if (r == 0 && !s->no_x11)
		r = fj_emit(s, "socket-try", "wayland");
	if (r == 0 && !s->no_x11)
		r = fj_emit(s, "socket-try", "x11");
	if (r == 0 && !s->no_sound)
		r = fj_emit(s, "socket-try", "pulseaudio");
	if (r == 0 && !s->no_sound)
		r = fj_emit(s, "socket-try", "pipewire");
	if (r == 0 && !s->no_sound)
		r = fj_emit(s, "dev-bind-try", "/dev/snd");
	if (r == 0 && !s->no_3d)
		r = fj_emit(s, "dev-bind-try", "/dev/dri");
	return r;
}

int fj_map_finish(struct fj_state *s)
{
	int r = finish_workdir(s);

	if (r == 0)
		r = finish_read_only(s);
	if (r == 0)
		r = finish_persistence(s);
	if (r == 0)
		r = fj_emit(s, "# what firejail gives unless the profile takes it away", NULL);
	if (r == 0)
		r = finish_sharing(s);
	return r;
}
