/* Unit tests: /etc/subuid parsing and the keep-id map layout (idmap.c). */
#include <errno.h>

#include "idmap.h"
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

int main(void)
{
	test_parse();
	test_compute();
	return tap_done();
}
