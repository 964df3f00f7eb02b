/* Unit tests for lib/ids: vfio-pci ids= syntax and matching. */
#include "unit.h"

#include "pci/ids.h"

static void test_parse(void **state)
{
	struct vb_idlist l;
	size_t pos = 99;
	char buf[80];

	(void)state;
	assert_int_equal(vb_ids_parse("10de:249d,10de:228b", &l, &pos), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.v[0].vendor, 0x10de);
	assert_int_equal(l.v[0].device, 0x249d);
	assert_int_equal(l.v[0].subvendor, VB_ANY);
	assert_int_equal(l.v[1].device, 0x228b);
	assert_int_equal(l.v[1].class_mask, 0);
	vb_id_format(&l.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "10de:249d");
	vb_ids_free(&l);

	assert_int_equal(vb_ids_parse("10DE:249D:103c:88d1:030000:ff0000", &l, NULL), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].subdevice, 0x88d1);
	assert_int_equal(l.v[0].class, 0x030000);
	assert_int_equal(l.v[0].class_mask, 0xff0000);
	vb_id_format(&l.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "10de:249d:103c:88d1:030000:ff0000");
	vb_ids_free(&l);

	assert_int_equal(vb_ids_parse("ffffffff:ffffffff:103c", &l, NULL), 0);
	assert_int_equal(l.v[0].vendor, VB_ANY);
	vb_id_format(&l.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "ffffffff:ffffffff:103c");
	vb_ids_free(&l);

	assert_int_equal(vb_ids_parse("", &l, NULL), 0);
	assert_int_equal(l.n, 0);
}

static void test_parse_bad(void **state)
{
	static const struct { const char *s; size_t pos; } bad[] = {
		{ "10de", 0 }, { "10de:", 0 }, { ":249d", 0 }, { "10de:249d,", 10 },
		{ ",10de:249d", 0 }, { "10de:249d,,10de:228b", 10 }, { "10de:zz", 0 },
		{ "10de:249d:1:2:3:4:5", 0 }, { "10de 249d", 0 }, { "0x10de:249d", 0 },
		{ "10de:249d;", 0 }, { "123456789:1", 0 }, { "10de:249d,10000:1", 10 },
		{ "10de:249d:0:0:1000000:0", 0 }, { "10de::249d", 0 }, { "-1:2", 0 },
	};
	struct vb_idlist l;
	size_t i, pos;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pos = 999;
		assert_int_equal(vb_ids_parse(bad[i].s, &l, &pos), -EINVAL);
		assert_int_equal(pos, bad[i].pos);
		assert_int_equal(l.n, 0);
		assert_null(l.v);
	}
}

static void test_match(void **state)
{
	struct vb_idlist l;
	struct vb_pciids gpu = { 0x10de, 0x249d, 0x103c, 0x88d1, 0x030000 };
	struct vb_pciids hda = { 0x10de, 0x228b, 0x103c, 0x88d1, 0x040300 };
	struct vb_pciids other = { 0x10de, 0x249d, 0x1043, 0x1000, 0x030000 };

	(void)state;
	assert_int_equal(vb_ids_parse("10de:249d", &l, NULL), 0);
	assert_true(vb_ids_match(&l, &gpu));
	assert_false(vb_ids_match(&l, &hda));
	assert_true(vb_ids_match(&l, &other));
	vb_ids_free(&l);
	assert_int_equal(vb_ids_parse("10de:249d:103c:88d1", &l, NULL), 0);
	assert_true(vb_ids_match(&l, &gpu));
	assert_false(vb_ids_match(&l, &other));
	vb_ids_free(&l);
	/* Every NVIDIA display device, by class and mask. */
	assert_int_equal(vb_ids_parse("10de:ffffffff:ffffffff:ffffffff:030000:ff0000", &l, NULL), 0);
	assert_true(vb_ids_match(&l, &gpu));
	assert_false(vb_ids_match(&l, &hda));
	vb_ids_free(&l);
	assert_int_equal(vb_ids_parse("", &l, NULL), 0);
	assert_false(vb_ids_match(&l, &gpu));
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_match),
	};
	return cmocka_run_group_tests_name("ids", t, NULL, NULL);
}
