/* Unit tests for lib/conf: kernel command line and /etc/vfiobox.conf. */
#include "unit.h"

#include <sys/stat.h>

#include "base/blob.h"
#include "base/conf.h"
#include "base/sysfs.h"
#include "base/util.h"

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

static void test_cmdline_dup(void **state)
{
	char *v;

	(void)state;
	v = vb_cmdline_dup("ro k=0123456789abcdef k=x quiet", "k");
	assert_non_null(v);
	assert_string_equal(v, "0123456789abcdef,x");
	free(v);
	v = vb_cmdline_dup("k=", "k");
	assert_non_null(v);
	assert_string_equal(v, "");
	free(v);
	assert_null(vb_cmdline_dup("ro kk=1 k", "k"));
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
	vb_conf_free(&c);
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_cmdline("ro vfiobox.hda=none", &c), 0);
	assert_string_equal(c.hda, "none");
	assert_string_equal(c.hda_source, "the kernel command line");
	vb_conf_free(&c);
	/* the last hda= counts, as in the file; ids and claim add up */
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_cmdline("vfiobox.hda=none vfiobox.ids=a:b vfiobox.hda=vfio "
					      "vfiobox.ids=c:d", &c), 1);
	assert_string_equal(c.hda, "vfio");
	assert_string_equal(c.ids, "a:b,c:d");
	vb_conf_free(&c);
}

static void test_file(void **state)
{
	char *r = unit_tmpdir(), p[PATH_MAX], *big;
	struct vb_conf c;
	int line = 0, i;
	size_t n;

	(void)state;
	snprintf(p, sizeof(p), "%s/c", r);
	unit_puts(r, "c", "# vfiobox\n\n  ids = 10de:249d \nids='10de:228b'\nclaim=\"0000:01:00.0\"\nhda=none\nhda=host\n");
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_file(p, &c, &line), 1);
	assert_string_equal(c.ids, "10de:249d,10de:228b");
	assert_string_equal(c.claim, "0000:01:00.0");
	assert_string_equal(c.hda, "host");
	assert_string_equal(c.hda_source, "/etc/vfiobox.conf");
	vb_conf_free(&c);
	static const char *const bad[] = { "ids\n", "frob=1\n", "ids='10de:249d\n", "ids=\"a'\n",
					   "\n\nclaim\n" };
	static const int badline[] = { 1, 1, 1, 1, 3 };
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		unit_puts(r, "c", bad[k]);
		memset(&c, 0, sizeof(c));
		line = 0;
		assert_int_equal(vb_conf_from_file(p, &c, &line), -EINVAL);
		assert_int_equal(line, badline[k]);
		vb_conf_free(&c);
	}
	/* a long value is just a value: hda is checked by the selector */
	unit_puts(r, "c", "\n\nhda=verylongvalue12345\n");
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_file(p, &c, &line), 0);
	assert_string_equal(c.hda, "verylongvalue12345");
	vb_conf_free(&c);
	/* no line limit: 10000 claim= lines, the last without a newline */
	big = vb_xmalloc(10000 * 24);
	for (i = 0, n = 0; i < 10000; i++)
		n += (size_t)sprintf(big + n, "claim=0000:%02x:%02x.%x%s", i / 256 % 256, i / 8 % 32,
				     i % 8, i < 9999 ? "\n" : "");
	unit_puts(r, "c", big);
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_file(p, &c, &line), 1);
	assert_int_equal(strlen(c.claim), 10000 * 13 - 1);
	vb_conf_free(&c);
	free(big);
	/* a NUL byte names its line */
	{
		FILE *f = fopen(p, "w");
		assert_non_null(f);
		fwrite("ids=1:2\nclaim=01:00.0\0x\n", 1, 25, f);
		fclose(f);
	}
	memset(&c, 0, sizeof(c));
	line = 0;
	assert_int_equal(vb_conf_from_file(p, &c, &line), -EINVAL);
	assert_int_equal(line, 2);
	vb_conf_free(&c);
	unit_puts(r, "c", "# nothing\nhda=none\n");
	memset(&c, 0, sizeof(c));
	assert_int_equal(vb_conf_from_file(p, &c, &line), 0);
	vb_conf_free(&c);
	snprintf(p, sizeof(p), "%s/missing", r);
	assert_int_equal(vb_conf_from_file(p, &c, &line), -ENOENT);
	/* not regular files: refused before they are opened, so a FIFO
	 * without a writer does not hang */
	snprintf(p, sizeof(p), "%s/fifo", r);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(vb_conf_from_file(p, &c, &line), -VB_ENOTREG);
	assert_int_equal(vb_conf_from_file(r, &c, &line), -VB_ENOTREG);
	unit_rmtree(r);
}

static void test_load_precedence(void **state)
{
	char *r = unit_tmpdir(), p[PATH_MAX], *big;
	struct vb_conf c;
	int line;

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_conf_load(&c, &line), 0);	/* neither exists */
	vb_conf_free(&c);
	unit_puts(r, "proc/cmdline", "ro quiet vfiobox.hda=host\n");
	unit_puts(r, "etc/vfiobox.conf", "ids=10de:249d\nhda=none\n");
	assert_int_equal(vb_conf_load(&c, &line), 1);
	assert_string_equal(c.source, "/etc/vfiobox.conf");
	assert_string_equal(c.ids, "10de:249d");
	assert_string_equal(c.hda, "host");	/* the command line's hda wins */
	assert_string_equal(c.hda_source, "the kernel command line");
	vb_conf_free(&c);
	unit_puts(r, "proc/cmdline", "ro vfiobox.claim=02:00.0\n");
	assert_int_equal(vb_conf_load(&c, &line), 1);
	assert_string_equal(c.source, "the kernel command line");
	assert_string_equal(c.claim, "02:00.0");
	assert_null(c.ids);
	vb_conf_free(&c);
	/* a command line of any length is read whole: the selector at its
	 * end is seen, and the conf is not used */
	big = vb_xmalloc(20000);
	memset(big, 'x', 19000);
	memcpy(big, "a=", 2);
	strcpy(big + 19000, " vfiobox.claim=03:00.0\n");
	unit_puts(r, "proc/cmdline", big);
	free(big);
	assert_int_equal(vb_conf_load(&c, &line), 1);
	assert_string_equal(c.source, "the kernel command line");
	assert_string_equal(c.claim, "03:00.0");
	vb_conf_free(&c);
	unit_puts(r, "proc/cmdline", "ro\n");
	unit_puts(r, "etc/vfiobox.conf", "bogus\n");
	assert_int_equal(vb_conf_load(&c, &line), -EINVAL);
	assert_int_equal(line, 1);
	vb_conf_free(&c);
	/* a directory or a FIFO as the conf or the command line: named */
	snprintf(p, sizeof(p), "%s/etc/vfiobox.conf", r);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(vb_conf_load(&c, &line), -VB_ENOTREG);
	assert_string_equal(c.bad_file, "/etc/vfiobox.conf");
	assert_int_equal(c.bad_type, S_IFDIR);
	vb_conf_free(&c);
	snprintf(p, sizeof(p), "%s/proc/cmdline", r);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(vb_conf_load(&c, &line), -VB_ENOTREG);
	assert_string_equal(c.bad_file, "/proc/cmdline");
	assert_int_equal(c.bad_type, S_IFIFO);
	vb_conf_free(&c);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_cmdline_get),
		cmocka_unit_test(test_cmdline_dup),
		cmocka_unit_test(test_cmdline_has),
		cmocka_unit_test(test_from_cmdline),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_load_precedence),
	};
	return cmocka_run_group_tests_name("conf", t, NULL, NULL);
}
