/* Unit tests: mountplan_cover_moot() (issue 27), which lets pid 1 skip the lookup of a hidden
 * path that cannot exist when the cover is replayed: one in a tmpfs the plan made, with nothing
 * but such covers put into it since. Every case where something could be there keeps the cover. */
#include <stdbool.h>

#include "front/mountplan.h"
#include "tap.h"

static void add(struct mountplan *p, enum mp_op op, unsigned flags, const char *src, const char *dst)
{
	mountplan_add(p, op, flags, 0700, src, dst);
}

/* The default sandbox's shape: the root, the host's system, a private home, its hidden paths. */
static void base(struct mountplan *p)
{
	*p = (struct mountplan){ 0 };
	add(p, MP_ROOT_TMPFS, 0, NULL, "/");
	add(p, MP_BIND, MPF_RO, "/usr", "/usr");
	add(p, MP_TMPFS, 0, NULL, "/tmp");
	add(p, MP_TMPFS, MPF_PRIVATE, NULL, "/home/u");
}

static void test_moot(void)
{
	struct mountplan p;

	base(&p);
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u/.ssh");
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u/.config/gh");
	add(&p, MP_COVER, MPF_TRY, NULL, "/usr/share/secret");
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u");
	TAP_OK(mountplan_cover_moot(&p, 4), "a cover in the home's new tmpfs hides nothing");
	TAP_OK(mountplan_cover_moot(&p, 5), "so does the next one, after another cover of the same tmpfs");
	TAP_OK(!mountplan_cover_moot(&p, 6), "a cover in a host bind is kept");
	TAP_OK(!mountplan_cover_moot(&p, 7), "a cover of the tmpfs itself is kept");
	TAP_OK(!mountplan_cover_moot(&p, 2), "an operation that is no cover is never moot");
	mountplan_free(&p);
}

static void test_kept(void)
{
	struct mountplan p;

	base(&p);
	add(&p, MP_BIND, 0, "/home/u/proj", "/home/u/proj");
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u/proj/.env");
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u/.ssh");
	TAP_OK(!mountplan_cover_moot(&p, 5), "a cover in a bind made inside the tmpfs is kept");
	TAP_OK(!mountplan_cover_moot(&p, 6), "so is every cover of a tmpfs something was put into since");
	mountplan_free(&p);

	base(&p);
	add(&p, MP_BIND, 0, "/srv/home", "/home");
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u/.ssh");
	TAP_OK(!mountplan_cover_moot(&p, 5), "a cover under a bind mounted over the tmpfs's parent is kept");
	mountplan_free(&p);

	base(&p);
	add(&p, MP_TMPFS, MPF_TRY, NULL, "/home/u/.cache");
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u/.cache/x");
	TAP_OK(!mountplan_cover_moot(&p, 5), "a cover in a -try tmpfs (perhaps not made) is kept");
	mountplan_free(&p);

	base(&p);
	add(&p, MP_COVER, 0, NULL, "/home/u/.ssh");
	add(&p, MP_SYMLINK, 0, "/usr", "/home/u/.local");
	add(&p, MP_COVER, MPF_TRY, NULL, "/home/u/.local/x");
	TAP_OK(!mountplan_cover_moot(&p, 4),
	       "a cover that is no -try one (a missing path is an error) is kept");
	TAP_OK(!mountplan_cover_moot(&p, 6), "a cover after a symlink made in the tmpfs is kept");
	mountplan_free(&p);

	base(&p);
	add(&p, MP_ROOT_TMPFS, 0, NULL, "/");
	add(&p, MP_COVER, MPF_TRY, NULL, "/etc/shadow");
	TAP_OK(!mountplan_cover_moot(&p, 5),
	       "the root's tmpfs, where the host's system is bound, keeps its covers");
	mountplan_free(&p);
}

int main(void)
{
	test_moot();
	test_kept();
	return tap_done();
}
