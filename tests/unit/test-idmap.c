/* Unit tests: /etc/subuid parsing and the keep-id map layout (idmap.c). */
#include <errno.h>

#include "front/config.h"
#include "launcher/idmap.h"
#include "tap.h"

static void test_parse(void)
{
	static const char text[] = "# comment line\n"
				   "alice:100000:65536\n"
				   "  bob:200000:1000  \n"
				   "1001:300000:10\n"
				   "\n"
				   "bob:400000:500\r\n"
				   "bobby:500000:1\n"
				   "bob:notanumber:5\n"
				   "bob:1:0\n"
				   "bob:600000\n"
				   "#bob:700000:5\n";
	struct idrange r[8];
	int n;

	n = idmap_parse_subid(text, "alice", 1000, r, 8);
	TAP_OK(n == 1 && r[0].start == 100000 && r[0].count == 65536, "alice by name: one range");
	n = idmap_parse_subid(text, "bob", 1001, r, 8);
	TAP_OK(n == 3, "bob: name, numeric uid and CRLF line, three ranges (got %d)", n);
	TAP_OK(n == 3 && r[0].start == 200000 && r[0].count == 1000, "bob: first range, blanks trimmed");
	TAP_OK(n == 3 && r[1].start == 300000 && r[1].count == 10, "bob: numeric-uid range");
	TAP_OK(n == 3 && r[2].start == 400000 && r[2].count == 500, "bob: CRLF range");
	n = idmap_parse_subid(text, "carol", 1002, r, 8);
	TAP_OK(n == -EINVAL, "no range for carol");
	n = idmap_parse_subid(text, "bob", 1001, r, 2);
	TAP_OK(n == 2, "max respected");
	n = idmap_parse_subid("", "bob", 1, r, 8);
	TAP_OK(n == -EINVAL, "empty file");
}

static void test_compute(void)
{
	struct idmap m = { 0 };
	struct idrange one = { 100000, 65536 };
	struct idrange two[2] = { { 100000, 500 }, { 300000, 1000 } };

	TAP_OK(idmap_compute(1000, 1000, &one, 1, &m) == 0 && m.n == 3, "keep-id: three lines");
	TAP_OK(m.lines[0].inside == 1000 && m.lines[0].outside == 1000 && m.lines[0].count == 1,
	       "own id maps to itself");
	TAP_OK(m.lines[1].inside == 0 && m.lines[1].outside == 100000 && m.lines[1].count == 1000,
	       "0..999 from the range");
	TAP_OK(m.lines[2].inside == 1001 && m.lines[2].outside == 101000 && m.lines[2].count == 64536,
	       "1001.. continue the range");
	m = (struct idmap){ 0 };
	TAP_OK(idmap_compute(0, 1000, &one, 1, &m) == 0 && m.n == 2, "fake root: two lines");
	TAP_OK(m.lines[0].inside == 0 && m.lines[0].outside == 1000, "caller is 0 inside");
	TAP_OK(m.lines[1].inside == 1 && m.lines[1].outside == 100000 && m.lines[1].count == 65536,
	       "1.. from the range");
	m = (struct idmap){ 0 };
	TAP_OK(idmap_compute(700, 1000, two, 2, &m) == 0 && m.n == 4,
	       "two ranges around the own id: four lines");
	TAP_OK(m.lines[1].inside == 0 && m.lines[1].count == 500, "first range 0..499");
	TAP_OK(m.lines[2].inside == 500 && m.lines[2].outside == 300000 && m.lines[2].count == 200,
	       "second range up to 699");
	TAP_OK(m.lines[3].inside == 701 && m.lines[3].outside == 300200 && m.lines[3].count == 800,
	       "then 701 on");
}

/* --idmap auto: each configuration and the map it gets (NULL reason: the single map). */
static void test_auto_rule(void)
{
	struct config c;
	char *layers[] = { "/l", NULL };

	config_init(&c);
	c.host_uid = c.uid = 1000;
	c.host_gid = c.gid = 1000;
	TAP_OK(!idmap_auto_reason(&c, false), "auto, the default sandbox: single");
	TAP_OK(idmap_auto_reason(&c, true) != NULL, "auto, a workspace with another owner's files: ranges");
	c.uid = 0;
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "auto, --uid 0: ranges");
	c.uid = 1000;
	c.gid = 5;
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "auto, --gid 5: ranges");
	c.gid = 1000;
	c.rootfs = "/img";
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "auto, --rootfs: ranges");
	c.rootfs = NULL;
	c.rootfs_bind = "/img";
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "auto, --rootfs-bind: ranges");
	c.rootfs_bind = NULL;
	c.layers = layers;
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "auto, --layers: ranges");
	c.layers = NULL;
	c.persist = "/up";
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "auto, --persist: ranges");
	c.persist = NULL;
	c.cap_add = 1ULL << 7; /* CAP_SETUID */
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "auto, --cap-add setuid: ranges");
	c.cap_add = 1ULL << 10; /* CAP_NET_BIND_SERVICE */
	TAP_OK(!idmap_auto_reason(&c, false), "auto, --cap-add net_bind_service: single");
	c.cap_add = 0;
	c.idmap_ranges = true;
	TAP_OK(idmap_auto_reason(&c, false) != NULL,
	       "auto, ranges asked for (HUTCH_BWRAP_HARDEN=idmap): ranges");
	c.idmap_ranges = false;
	c.idmap = IDMAP_SUBID;
	TAP_OK(idmap_auto_reason(&c, false) != NULL, "--idmap subid: ranges");
	c.idmap = IDMAP_SINGLE;
	c.uid = 0;
	TAP_OK(!idmap_auto_reason(&c, true), "--idmap single: single, whatever else");
}

int main(void)
{
	test_parse();
	test_compute();
	test_auto_rule();
	return tap_done();
}
