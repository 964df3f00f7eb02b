/* test_names: pci.ids names through libpci: the fixture tests/data/pci.ids,
 * the default search under the root, a missing and a malformed file, the
 * lspci forms (mixed, subsystem, class fallback) and the one-call API. */
#include "unit.h"
#include "pci/names.h"
#include "base/sysfs.h"

static const char *fixture(void)
{
	return "tests/data/pci.ids";
}

static void test_lookups(void **state)
{
	struct vb_names *nm;
	char b[512], err[256];
	struct vb_pciids gpu = { 0x10de, 0x249d, 0x103c, 0x88d1, 0x030000 };
	struct vb_pciids wifi = { 0x8086, 0x43f0, 0x8086, 0x0074, 0x028000 };
	struct vb_pciids nosub = { 0x10de, 0x249d, 0, 0, 0x030000 };
	struct vb_pciids unkv = { 0x10de, 0x249d, 0xabcd, 0x0001, 0x030000 };

	(void)state;
	assert_int_equal(vb_names_open(&nm, fixture(), err, sizeof(err)), 0);
	assert_string_equal(vb_names_file(nm), fixture());
	assert_string_equal(vb_names_vendor(nm, 0x10de, b, sizeof(b)), "NVIDIA Corporation");
	assert_null(vb_names_vendor(nm, 0x1111, b, sizeof(b)));
	assert_string_equal(vb_names_devname(nm, 0x10de, 0x249d, b, sizeof(b)),
			    "GA104M [GeForce RTX 3070 Mobile / Max-Q]");
	assert_null(vb_names_devname(nm, 0x10de, 0x2684, b, sizeof(b)));
	assert_string_equal(vb_names_vendev(nm, 0x10de, 0x249d, b, sizeof(b)),
			    "NVIDIA Corporation GA104M [GeForce RTX 3070 Mobile / Max-Q]");
	assert_string_equal(vb_names_vendev(nm, 0x10de, 0x2684, b, sizeof(b)),
			    "NVIDIA Corporation Device 2684");
	assert_null(vb_names_vendev(nm, 0xfeed, 0x0001, b, sizeof(b)));
	/* lspci -nn */
	assert_string_equal(vb_names_mixed(nm, 0x10de, 0x249d, b, sizeof(b)),
			    "NVIDIA Corporation GA104M [GeForce RTX 3070 Mobile / Max-Q] [10de:249d]");
	assert_string_equal(vb_names_mixed(nm, 0x10de, 0x2684, b, sizeof(b)),
			    "NVIDIA Corporation Device [10de:2684]");
	assert_string_equal(vb_names_mixed(nm, 0xfeed, 0x0001, b, sizeof(b)), "Device [feed:0001]");
	/* lspci -v's Subsystem: line */
	assert_string_equal(vb_names_subsys(nm, &gpu, b, sizeof(b)), "Hewlett-Packard Company Device 88d1");
	assert_string_equal(vb_names_subsys(nm, &wifi, b, sizeof(b)), "Intel Corporation Wi-Fi 6 AX201 160MHz");
	assert_null(vb_names_subsys(nm, &nosub, b, sizeof(b)));
	assert_null(vb_names_subsys(nm, &unkv, b, sizeof(b)));
	/* Classes: subclass, base class only (number stripped), none (built in). */
	assert_string_equal(vb_names_class(nm, 0x030000, b, sizeof(b)), "VGA compatible controller");
	assert_string_equal(vb_names_class(nm, 0x038000, b, sizeof(b)), "Display controller");
	assert_string_equal(vb_names_class(nm, 0x068000, b, sizeof(b)), "Bridge");
	assert_string_equal(vb_names_class(nm, 0x0d1100, b, sizeof(b)), "Wireless controller");
	vb_names_close(nm);

	/* Without a file: NULL names, built-in classes, numbers. */
	assert_null(vb_names_vendor(NULL, 0x10de, b, sizeof(b)));
	assert_null(vb_names_subsys(NULL, &gpu, b, sizeof(b)));
	assert_string_equal(vb_names_class(NULL, 0x040300, b, sizeof(b)), "Audio device");
	assert_string_equal(vb_names_mixed(NULL, 0x10de, 0x249d, b, sizeof(b)), "Device [10de:249d]");
	assert_string_equal(vb_names_file(NULL), "");
}

static void test_files(void **state)
{
	struct vb_names *nm;
	char err[256], *r = unit_tmpdir(), path[PATH_MAX], b[128];
	FILE *f;
	int c;

	(void)state;
	/* Missing, malformed (libpci's message, nothing leaked), a directory. */
	assert_int_equal(vb_names_open(&nm, "tests/data/no-such.ids", err, sizeof(err)), -ENOENT);
	assert_null(nm);
	assert_int_equal(vb_names_open(&nm, "tests/data/pci.ids.bad", err, sizeof(err)), -EINVAL);
	assert_null(nm);
	assert_non_null(strstr(err, "Parse error"));
	assert_non_null(strstr(err, "line 1"));
	/* The default search runs under the root: nothing there yet. */
	vb_sysfs_set_root(r);
	assert_int_equal(vb_names_open(&nm, NULL, err, sizeof(err)), -ENOENT);
	/* Debian's place, then hwdata, which wins when both exist. */
	f = fopen(fixture(), "r");
	assert_non_null(f);
	{
		char data[16384];
		size_t n = fread(data, 1, sizeof(data), f);
		assert_true(n > 0 && n < sizeof(data));
		unit_put(r, "usr/share/misc/pci.ids", data, n);
	}
	fclose(f);
	assert_int_equal(vb_names_open(&nm, NULL, err, sizeof(err)), 0);
	assert_string_equal(vb_names_file(nm), "/usr/share/misc/pci.ids");
	assert_string_equal(vb_names_vendor(nm, 0x1b36, b, sizeof(b)), "Red Hat, Inc.");
	vb_names_close(nm);
	unit_puts(r, "usr/share/hwdata/pci.ids", "abcd  Only Vendor\n");
	assert_int_equal(vb_names_open(&nm, NULL, err, sizeof(err)), 0);
	assert_string_equal(vb_names_file(nm), "/usr/share/hwdata/pci.ids");
	assert_string_equal(vb_names_vendor(nm, 0xabcd, b, sizeof(b)), "Only Vendor");
	assert_null(vb_names_vendor(nm, 0x10de, b, sizeof(b)));
	vb_names_close(nm);
	/* A broken default is an error too, with its message. */
	unit_puts(r, "usr/share/hwdata/pci.ids", "abcd  Vendor\nabcd  Again\n");
	assert_int_equal(vb_names_open(&nm, NULL, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "Duplicate entry"));
	snprintf(path, sizeof(path), "%s/usr/share/hwdata/pci.ids", r);
	unlink(path);

	/* The one-call API loads once, keeps it, and says -ENOENT for unknowns. */
	{
		struct vb_pciids gpu = { 0x10de, 0x249d, 0, 0, 0x030000 };
		struct vb_pciids odd = { 0xfeed, 0x0001, 0, 0, 0 };
		vb_names_device_reset();
		assert_int_equal(vb_names_device(&gpu, b, sizeof(b)), 0);
		assert_string_equal(b, "NVIDIA Corporation GA104M [GeForce RTX 3070 Mobile / Max-Q]");
		assert_int_equal(vb_names_device(&odd, b, sizeof(b)), -ENOENT);
		assert_string_equal(b, "");
		snprintf(path, sizeof(path), "%s/usr/share/misc/pci.ids", r);
		unlink(path);
		c = vb_names_device(&gpu, b, sizeof(b));	/* still the loaded list */
		assert_int_equal(c, 0);
		vb_names_device_reset();
		assert_int_equal(vb_names_device(&gpu, b, sizeof(b)), -ENOENT);
		vb_names_device_reset();
	}
	vb_sysfs_set_root(NULL);
	unit_rmtree(r);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_files),
	};
	return cmocka_run_group_tests_name("names", t, NULL, NULL);
}
