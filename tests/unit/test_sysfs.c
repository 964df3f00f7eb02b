/* Unit tests for lib/sysfs: rooting, reads, the write helper, links, lists,
 * errno meanings. */
#include "unit.h"

#include "sysfs.h"

static void test_root_and_path(void **state)
{
	char p[VB_PATH_MAX];

	(void)state;
	vb_sysfs_set_root("/tmp/x///");
	assert_string_equal(vb_sysfs_root(), "/tmp/x");
	assert_int_equal(vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/%s", "rescan"), 0);
	assert_string_equal(p, "/tmp/x/sys/bus/pci/rescan");
	assert_string_equal(vb_sysfs_unroot(p), "/sys/bus/pci/rescan");
	assert_string_equal(vb_sysfs_unroot("/tmp/xy/sys"), "/tmp/xy/sys");
	assert_int_equal(vb_sysfs_path(p, 12, "/sys/bus/pci"), -ENAMETOOLONG);
	assert_int_equal(vb_sysfs_path(p, 5, "/sys"), -ENAMETOOLONG);
	vb_sysfs_set_root("");
	assert_int_equal(vb_sysfs_path(p, sizeof(p), "/proc/cmdline"), 0);
	assert_string_equal(p, "/proc/cmdline");
	assert_string_equal(vb_sysfs_unroot(p), "/proc/cmdline");
	setenv("VFIOBOX_SYSROOT", "/env/root", 1);
	vb_sysfs_set_root(NULL);
	assert_string_equal(vb_sysfs_root(), "/env/root");
	unsetenv("VFIOBOX_SYSROOT");
	vb_sysfs_set_root(NULL);
	assert_string_equal(vb_sysfs_root(), "");
}

static void test_read_write(void **state)
{
	char *r = unit_tmpdir(), p[VB_PATH_MAX], buf[16];
	unsigned long v;
	size_t got;
	unsigned char bin[8];

	(void)state;
	vb_sysfs_set_root(r);
	unit_puts(r, "sys/a", "vfio-pci\n\n");
	vb_sysfs_path(p, sizeof(p), "/sys/a");
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "vfio-pci");
	assert_int_equal(vb_sysfs_read(p, buf, 5), -EOVERFLOW);
	unit_puts(r, "sys/n", "0x10de\n");
	vb_sysfs_path(p, sizeof(p), "/sys/n");
	assert_int_equal(vb_sysfs_read_ulong(p, 0, &v), 0);
	assert_int_equal(v, 0x10de);
	unit_puts(r, "sys/n", "12ab\n");
	assert_int_equal(vb_sysfs_read_ulong(p, 10, &v), -EINVAL);
	vb_sysfs_path(p, sizeof(p), "/sys/missing");
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), -ENOENT);
	/* The write helper never creates a file. */
	assert_int_equal(vb_sysfs_write(p, "1"), -ENOENT);
	assert_false(vb_sysfs_exists(p));
	vb_sysfs_path(p, sizeof(p), "/sys/a");
	assert_int_equal(vb_sysfs_write(p, "none"), 0);
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "none");
	unit_put(r, "sys/config", "\x01\x02\x03\x04\x05", 5);
	vb_sysfs_path(p, sizeof(p), "/sys/config");
	assert_int_equal(vb_sysfs_pread(p, bin, 8, 2, &got), 0);
	assert_int_equal(got, 3);
	assert_int_equal(bin[0], 3);
	vb_sysfs_path(p, sizeof(p), "/sys");
	assert_int_equal(vb_sysfs_write(p, "1"), -EISDIR);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_links_and_lists(void **state)
{
	char *r = unit_tmpdir(), p[VB_PATH_MAX], buf[32], **v;
	size_t n;

	(void)state;
	vb_sysfs_set_root(r);
	unit_link(r, "sys/dev/driver", "../../bus/pci/drivers/vfio-pci");
	vb_sysfs_path(p, sizeof(p), "/sys/dev/driver");
	assert_int_equal(vb_sysfs_link_name(p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-pci");
	assert_true(vb_sysfs_exists(p));	/* dangling, but there */
	assert_int_equal(vb_sysfs_link_name(p, buf, 4), -ENAMETOOLONG);
	vb_sysfs_path(p, sizeof(p), "/sys/dev/none");
	assert_int_equal(vb_sysfs_link_name(p, buf, sizeof(buf)), -ENOENT);
	unit_puts(r, "sys/d/b", "");
	unit_puts(r, "sys/d/a", "");
	unit_puts(r, "sys/d/c", "");
	vb_sysfs_path(p, sizeof(p), "/sys/d");
	assert_int_equal(vb_sysfs_list(p, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[2], "c");
	vb_sysfs_list_free(v, n);
	vb_sysfs_path(p, sizeof(p), "/sys/nodir");
	assert_int_equal(vb_sysfs_list(p, &v, &n), -ENOENT);
	assert_null(v);
	vb_sysfs_path(p, sizeof(p), "/sys/d/a");
	assert_int_equal(vb_sysfs_list(p, &v, &n), -ENOTDIR);
	/* More names than one getdents64 buffer (8 KiB) holds: every one, sorted. */
	{
		char name[64];
		int i;
		for (i = 0; i < 700; i++) {
			snprintf(name, sizeof(name), "sys/big/0000:%02x:%02x.%x-long-name", i >> 5,
				 i & 31, i & 7);
			unit_puts(r, name, "");
		}
		vb_sysfs_path(p, sizeof(p), "/sys/big");
		assert_int_equal(vb_sysfs_list(p, &v, &n), 0);
		assert_int_equal(n, 700);
		assert_string_equal(v[0], "0000:00:00.0-long-name");
		assert_string_equal(v[699], "0000:15:1b.3-long-name");
		for (i = 1; i < 700; i++)
			assert_true(strcmp(v[i - 1], v[i]) < 0);
		vb_sysfs_list_free(v, n);
	}
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(vb_sysfs_strerror(-ENODEV, "unbind"), "device is not bound to that driver");
	assert_non_null(strstr(vb_sysfs_strerror(ENODEV, "bind"), "driver_override"));
	assert_non_null(strstr(vb_sysfs_strerror(-ENOTTY, "reset"), "bus reset"));
	assert_non_null(strstr(vb_sysfs_strerror(-EACCES, "remove"), "root"));
	assert_string_equal(vb_sysfs_strerror(-EEXIST, "new_id"), "the id is already in the driver's table");
	assert_non_null(strstr(vb_sysfs_strerror(-ENODEV, NULL), "left the bus"));
	assert_non_null(vb_sysfs_strerror(-ENOSPC, "x"));
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_root_and_path),
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_links_and_lists),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests_name("sysfs", t, NULL, NULL);
}
