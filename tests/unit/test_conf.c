/* Unit tests for lib/conf: kernel command line and /etc/vfiobox.conf. */
#include "unit.h"

#include "base/conf.h"
#include "base/sysfs.h"

static void test_cmdline_get(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(vb_cmdline_get("ro vfiobox.ids=10de:249d quiet", "vfiobox.ids", v, sizeof(v)), 1);
	assert_string_equal(v, "10de:249d");
	assert_int_equal(vb_cmdline_get("vfiobox.ids=a:b vfiobox.ids=c:d", "vfiobox.ids", v, sizeof(v)), 1);
	assert_string_equal(v, "a:b,c:d");
	assert_int_equal(vb_cmdline_get("x=\"a b\" vfiobox.hda=none", "x", v, sizeof(v)), 1);
	assert_string_equal(v, "a b");
	assert_int_equal(vb_cmdline_get("xvfiobox.ids=1 vfiobox.idsx=2", "vfiobox.ids", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	assert_int_equal(vb_cmdline_get("vfiobox.ids", "vfiobox.ids", v, sizeof(v)), 0);
	assert_int_equal(vb_cmdline_get("vfiobox.ids=", "vfiobox.ids", v, sizeof(v)), 1);
	assert_string_equal(v, "");
	assert_int_equal(vb_cmdline_get("k=0123456789abcdef", "k", v, 8), -EOVERFLOW);
	assert_int_equal(vb_cmdline_get("", "k", v, sizeof(v)), 0);
	assert_int_equal(vb_cmdline_get("  \t\n", "k", v, sizeof(v)), 0);
}

static void test_cmdline_has(void **state)
{
	(void)state;
	assert_true(vb_cmdline_has("ro pcie_acs_override=downstream", "pcie_acs_override"));
	assert_true(vb_cmdline_has("ro nomodeset quiet", "nomodeset"));
	assert_false(vb_cmdline_has("ro nomodesetx", "nomodeset"));
	assert_false(vb_cmdline_has("x=\"nomodeset y\"", "nomodeset"));
}

static void test_from_cmdline(void **state)
{
	struct vb_conf c;

	(void)state;
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_cmdline("ro vfiobox.claim=01:00.0 vfiobox.hda=none", &c), 1);
	assert_string_equal(c.claim, "01:00.0");
	assert_string_equal(c.hda, "none");
	assert_string_equal(c.source, "the kernel command line");
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_cmdline("ro vfiobox.hda=none", &c), 0);
	assert_string_equal(c.hda, "none");
}

static void test_file(void **state)
{
	char *r = unit_tmpdir(), p[PATH_MAX];
	struct vb_conf c;
	int line = 0;

	(void)state;
	snprintf(p, sizeof(p), "%s/c", r);
	unit_puts(r, "c", "# vfiobox\n\n  ids = 10de:249d \nids='10de:228b'\nclaim=\"0000:01:00.0\"\nhda=none\nhda=host\n");
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_file(p, &c, &line), 1);
	assert_string_equal(c.ids, "10de:249d,10de:228b");
	assert_string_equal(c.claim, "0000:01:00.0");
	assert_string_equal(c.hda, "host");
	static const char *const bad[] = { "ids\n", "frob=1\n", "ids='10de:249d\n", "ids=\"a'\n", "\n\nhda=verylongvalue12345\n" };
	static const int badline[] = { 1, 1, 1, 1, 3 };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unit_puts(r, "c", bad[i]);
		memset(&c, 0, sizeof(c));
		line = 0;
		assert_int_equal(vb_conf_from_file(p, &c, &line), -EINVAL);
		assert_int_equal(line, badline[i]);
	}
	unit_puts(r, "c", "# nothing\nhda=none\n");
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_file(p, &c, &line), 0);
	snprintf(p, sizeof(p), "%s/missing", r);
	assert_int_equal(vb_conf_from_file(p, &c, &line), -ENOENT);
	unit_rmtree(r);
}

static void test_load_precedence(void **state)
{
	char *r = unit_tmpdir();
	struct vb_conf c;
	int line;

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_conf_load(&c, &line), 0);	/* neither exists */
	unit_puts(r, "proc/cmdline", "ro quiet vfiobox.hda=host\n");
	unit_puts(r, "etc/vfiobox.conf", "ids=10de:249d\nhda=none\n");
	assert_int_equal(vb_conf_load(&c, &line), 1);
	assert_string_equal(c.source, "/etc/vfiobox.conf");
	assert_string_equal(c.ids, "10de:249d");
	assert_string_equal(c.hda, "host");	/* the command line's hda wins */
	unit_puts(r, "proc/cmdline", "ro vfiobox.claim=02:00.0\n");
	assert_int_equal(vb_conf_load(&c, &line), 1);
	assert_string_equal(c.source, "the kernel command line");
	assert_string_equal(c.claim, "02:00.0");
	assert_string_equal(c.ids, "");
	unit_puts(r, "proc/cmdline", "ro\n");
	unit_puts(r, "etc/vfiobox.conf", "bogus\n");
	assert_int_equal(vb_conf_load(&c, &line), -EINVAL);
	assert_int_equal(line, 1);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_cmdline_get),
		cmocka_unit_test(test_cmdline_has),
		cmocka_unit_test(test_from_cmdline),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_load_precedence),
	};
	return cmocka_run_group_tests_name("conf", t, NULL, NULL);
}
