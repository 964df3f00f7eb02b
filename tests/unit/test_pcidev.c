/* Unit tests for lib/pcidev: address parsing, the device model on a small
 * hand-built tree (kernel layout: nested device dirs, relative links). */
#include "unit.h"

#include "pci/pcidev.h"
#include "base/sysfs.h"

static void test_bdf_parse_good(void **state)
{
	static const struct { const char *in, *out; } ok[] = {
		{ "0000:01:00.0", "0000:01:00.0" },
		{ "01:00.1", "0000:01:00.1" },
		{ "0000:00:1f.7", "0000:00:1f.7" },
		{ "0000:0A:1F.3", "0000:0a:1f.3" },
		{ "10000:e0:06.0", "10000:e0:06.0" },	/* VMD domain */
		{ "ffffffff:ff:1f.7", "ffffffff:ff:1f.7" },
	};
	char out[VB_BDF_LEN];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(vb_bdf_canon(ok[i].in, out), 0);
		assert_string_equal(out, ok[i].out);
	}
}

static void test_bdf_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "0", "01:00", "01:00.", "01:00.8", "01:20.0", "1:00.0", "001:00.0",
		"000:01:00.0", "000000000:01:00.0", "0000:01:00.0/", "0000:01:00.0/../..",
		"../01:00.0", "0000:01:00.0 ", " 0000:01:00.0", "0000:01:00.0\n", "0000:01:00.00",
		"0000:01:0.0", "0000:0g:00.0", "0000:01:00:0", "0000.01:00.0", "0000:01:00.-1",
		"+000:01:00.0", "0x00:01:00.0", "0000::00.0", "a:b:c.d",
	};
	struct vb_bdf b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(vb_bdf_parse(bad[i], &b), -EINVAL);
	assert_int_equal(vb_bdf_parse(NULL, &b), -EINVAL);
}

static void test_bdf_cmp(void **state)
{
	(void)state;
	assert_true(vb_bdf_cmp("0000:00:02.0", "0000:01:00.0") < 0);
	assert_true(vb_bdf_cmp("0000:01:00.1", "0000:01:00.0") > 0);
	assert_true(vb_bdf_cmp("ffff:00:00.0", "10000:00:00.0") < 0);
	assert_int_equal(vb_bdf_cmp("0000:01:00.0", "0000:01:00.0"), 0);
}

static void test_path_rejects_traversal(void **state)
{
	char p[VB_PATH_MAX];

	(void)state;
	vb_sysfs_set_root("/nonexistent");
	assert_int_equal(vb_pcidev_path(p, sizeof(p), "0000:01:00.0", "driver"), 0);
	assert_string_equal(p, "/nonexistent/sys/bus/pci/devices/0000:01:00.0/driver");
	assert_int_equal(vb_pcidev_path(p, sizeof(p), "01:00.0", "power/control"), 0);
	assert_string_equal(p, "/nonexistent/sys/bus/pci/devices/0000:01:00.0/power/control");
	assert_int_equal(vb_pcidev_path(p, sizeof(p), "0000:01:00.0", "../../x"), -EINVAL);
	assert_int_equal(vb_pcidev_path(p, sizeof(p), "0000:01:00.0", "/etc/passwd"), -EINVAL);
	assert_int_equal(vb_pcidev_path(p, sizeof(p), "../../..", "x"), -EINVAL);
	assert_int_equal(vb_pcidev_path(p, 20, "0000:01:00.0", "driver"), -ENAMETOOLONG);
	vb_sysfs_set_root(NULL);
}

/* A tree: root port 00:01.0 -> GPU 01:00.0 + HDA 01:00.1, group 1 with all
 * three; iGPU 00:02.0 alone in group 2. */
#define DEV "sys/devices/pci0000:00/"
static char *make_tree(void)
{
	char *r = unit_tmpdir();

	unit_puts(r, DEV "0000:00:01.0/modalias", "pci:v00008086d00009A01sv00000000sd00000000bc06sc04i00\n");
	unit_puts(r, DEV "0000:00:01.0/secondary_bus_number", "1\n");
	unit_link(r, DEV "0000:00:01.0/driver", "../../../bus/pci/drivers/pcieport");
	unit_link(r, DEV "0000:00:01.0/iommu_group", "../../../kernel/iommu_groups/1");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/modalias",
		  "pci:v000010DEd0000249Dsv0000103Csd000088D1bc03sc00i00\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/revision", "0xa1\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/driver_override", "(null)\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/boot_vga", "0\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/power_state", "D0\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/power/control", "auto\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/d3cold_allowed", "1\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/reset_method", "bus\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/reset", "");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/current_link_speed", "16.0 GT/s PCIe\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.0/current_link_width", "16\n");
	unit_link(r, DEV "0000:00:01.0/0000:01:00.0/driver", "../../../../bus/pci/drivers/nvidia");
	unit_link(r, DEV "0000:00:01.0/0000:01:00.0/iommu_group", "../../../../kernel/iommu_groups/1");
	/* HDA: no modalias, ids from the separate files; override set. */
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.1/vendor", "0x10de\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.1/device", "0x228b\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.1/class", "0x040300\n");
	unit_puts(r, DEV "0000:00:01.0/0000:01:00.1/driver_override", "vfio-pci\n");
	unit_link(r, DEV "0000:00:01.0/0000:01:00.1/iommu_group", "../../../../kernel/iommu_groups/1");
	unit_puts(r, DEV "0000:00:02.0/modalias", "pci:v00008086d00009A60sv0000103Csd000088D1bc03sc00i00\n");
	unit_puts(r, DEV "0000:00:02.0/boot_vga", "1\n");
	unit_link(r, DEV "0000:00:02.0/iommu_group", "../../../kernel/iommu_groups/2");
	unit_link(r, "sys/bus/pci/devices/0000:00:01.0", "../../../devices/pci0000:00/0000:00:01.0");
	unit_link(r, "sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0");
	unit_link(r, "sys/bus/pci/devices/0000:01:00.1", "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.1");
	unit_link(r, "sys/bus/pci/devices/0000:00:02.0", "../../../devices/pci0000:00/0000:00:02.0");
	unit_puts(r, "sys/bus/pci/devices/garbage-entry", "");
	unit_link(r, "sys/kernel/iommu_groups/1/devices/0000:01:00.1", "../../../../devices/pci0000:00/0000:00:01.0/0000:01:00.1");
	unit_link(r, "sys/kernel/iommu_groups/1/devices/0000:01:00.0", "../../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0");
	unit_link(r, "sys/kernel/iommu_groups/1/devices/0000:00:01.0", "../../../../devices/pci0000:00/0000:00:01.0");
	unit_link(r, "sys/kernel/iommu_groups/2/devices/0000:00:02.0", "../../../../devices/pci0000:00/0000:00:02.0");
	vb_sysfs_set_root(r);
	return r;
}

static void test_load(void **state)
{
	char *r = make_tree();
	struct vb_pcidev d;

	(void)state;
	assert_int_equal(vb_pcidev_load("01:00.0", &d), 0);
	assert_string_equal(d.addr, "0000:01:00.0");
	assert_int_equal(d.id.vendor, 0x10de);
	assert_int_equal(d.id.device, 0x249d);
	assert_int_equal(d.id.subvendor, 0x103c);
	assert_int_equal(d.id.subdevice, 0x88d1);
	assert_int_equal(d.id.class, 0x030000);
	assert_int_equal(d.revision, 0xa1);
	assert_string_equal(d.driver, "nvidia");
	assert_string_equal(d.override, "");
	assert_int_equal(d.group, 1);
	assert_int_equal(d.boot_vga, 0);
	assert_string_equal(d.power_state, "D0");
	assert_string_equal(d.power_control, "auto");
	assert_int_equal(d.d3cold_allowed, 1);
	assert_true(d.has_reset && d.has_reset_method);
	assert_string_equal(d.reset_methods, "bus");
	assert_string_equal(d.link_speed, "16.0 GT/s PCIe");
	assert_int_equal(d.link_width, 16);
	assert_string_equal(d.parent, "0000:00:01.0");

	assert_int_equal(vb_pcidev_load("0000:01:00.1", &d), 0);
	assert_int_equal(d.id.device, 0x228b);
	assert_int_equal(d.id.class, 0x040300);
	assert_int_equal(d.id.subvendor, 0);	/* files absent */
	assert_string_equal(d.driver, "");
	assert_string_equal(d.override, "vfio-pci");
	assert_int_equal(d.boot_vga, -1);
	assert_int_equal(d.revision, -1);
	assert_false(d.has_reset);

	assert_int_equal(vb_pcidev_load("0000:00:02.0", &d), 0);
	assert_string_equal(d.parent, "");
	assert_int_equal(d.boot_vga, 1);

	assert_int_equal(vb_pcidev_load("0000:05:00.0", &d), -ENODEV);
	assert_int_equal(vb_pcidev_load("0000:05:00.0/..", &d), -EINVAL);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_lists(void **state)
{
	char *r = make_tree();
	char **v;
	size_t n;

	(void)state;
	assert_int_equal(vb_pcidev_list(&v, &n), 0);
	assert_int_equal(n, 4);		/* garbage-entry skipped */
	assert_string_equal(v[0], "0000:00:01.0");
	assert_string_equal(v[1], "0000:00:02.0");
	assert_string_equal(v[2], "0000:01:00.0");
	assert_string_equal(v[3], "0000:01:00.1");
	vb_sysfs_list_free(v, n);

	assert_int_equal(vb_pcidev_group_members(1, &v, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "0000:00:01.0");
	assert_string_equal(v[2], "0000:01:00.1");
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_pcidev_group_members(7, &v, &n), -ENOENT);
	assert_int_equal(vb_pcidev_group_members(-1, &v, &n), -EINVAL);

	assert_int_equal(vb_pcidev_slot("0000:01:00.1", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "0000:01:00.0");
	assert_string_equal(v[1], "0000:01:00.1");
	vb_sysfs_list_free(v, n);

	assert_int_equal(vb_pcidev_children("0000:00:01.0", &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "0000:01:00.0");
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_pcidev_children("0000:00:02.0", &v, &n), 0);
	assert_int_equal(n, 0);
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_pcidev_children("0000:09:00.0", &v, &n), -ENODEV);

	assert_int_equal(vb_pcidev_group("0000:01:00.0"), 1);
	assert_int_equal(vb_pcidev_group("0000:09:00.0"), -ENOENT);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_bad_modalias_falls_back(void **state)
{
	char *r = make_tree();
	struct vb_pciids id;

	(void)state;
	unit_puts(r, DEV "0000:00:02.0/modalias", "pci:v0000XXXX\n");
	assert_int_equal(vb_pcidev_ids("0000:00:02.0", &id), -ENODEV);	/* no id files either */
	unit_puts(r, DEV "0000:00:02.0/vendor", "0x8086\n");
	unit_puts(r, DEV "0000:00:02.0/device", "0x9a60\n");
	unit_puts(r, DEV "0000:00:02.0/class", "0x030000\n");
	assert_int_equal(vb_pcidev_ids("0000:00:02.0", &id), 0);
	assert_int_equal(id.device, 0x9a60);
	unit_puts(r, DEV "0000:00:02.0/vendor", "junk\n");
	assert_int_equal(vb_pcidev_ids("0000:00:02.0", &id), -EINVAL);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_parse_modalias(void **state)
{
	struct vb_pciids id = { 1, 2, 3, 4, 5 };

	(void)state;
	assert_int_equal(vb_pcidev_parse_modalias(
		"pci:v000010DEd0000249Dsv0000103Csd000088D1bc03sc00i00", &id), 0);
	assert_int_equal(id.vendor, 0x10de);
	assert_int_equal(id.device, 0x249d);
	assert_int_equal(id.subvendor, 0x103c);
	assert_int_equal(id.subdevice, 0x88d1);
	assert_int_equal(id.class, 0x030000);
	/* as read(2) gives it, with the newline */
	assert_int_equal(vb_pcidev_parse_modalias(
		"pci:v00008086d00009A01sv00000000sd00000000bc06sc04i00\n", &id), 0);
	assert_int_equal(id.class, 0x060400);
	assert_int_equal(id.device, 0x9a01);
	assert_int_equal(vb_pcidev_parse_modalias(
		"pci:v00008086d00009A01sv00000000sd00000000bc06sc04i00\n\n", &id), -EINVAL);
	assert_int_equal(vb_pcidev_parse_modalias(
		"pci:v00008086d00009A01sv00000000sd00000000bc06sc04i0", &id), -EINVAL);
	assert_int_equal(vb_pcidev_parse_modalias(
		"pci:v00008086d00009A01sv00000000sd00000000bc06sc04i000", &id), -EINVAL);
	assert_int_equal(vb_pcidev_parse_modalias(
		"pci:v00008086d00009A0Xsv00000000sd00000000bc06sc04i00", &id), -EINVAL);
	assert_int_equal(vb_pcidev_parse_modalias(
		"usb:v00008086d00009A01sv00000000sd00000000bc06sc04i00", &id), -EINVAL);
	assert_int_equal(vb_pcidev_parse_modalias("", &id), -EINVAL);
}

static void test_class(void **state)
{
	(void)state;
	assert_true(vb_class_is_display(0x030000));
	assert_true(vb_class_is_display(0x030200));
	assert_false(vb_class_is_display(0x040300));
	assert_true(vb_class_is_audio(0x040300));
	assert_true(vb_class_is_bridge(0x060400));
	assert_string_equal(vb_class_name(0x030000), "VGA compatible controller");
	assert_string_equal(vb_class_name(0x030200), "3D controller");
	assert_string_equal(vb_class_name(0x040300), "Audio device");
	assert_string_equal(vb_class_name(0x0c0330), "USB controller");
	assert_string_equal(vb_class_name(0x118000), "Signal processing controller");
	/* Subclasses not in the table: the base class's name, as lspci prints */
	assert_string_equal(vb_class_name(0xff0000), "Unassigned class");
	assert_string_equal(vb_class_name(0xffff00), "Unassigned class");
	assert_string_equal(vb_class_name(0x018000), "Mass storage controller");
	assert_string_equal(vb_class_name(0x0c0900), "Serial bus controller");
	assert_string_equal(vb_class_name(0x130000), "Non-Essential Instrumentation");
	assert_string_equal(vb_class_name(0x400000), "Coprocessor");
	assert_string_equal(vb_class_name(0x038000), "Display controller");
	assert_string_equal(vb_class_name(0x088000), "System peripheral");
	assert_string_equal(vb_class_name(0x200000), "Device");
}

/* Every caller's question about a driver, in one table: vfio-claim's group
 * check and doctor's viability (VB_PASSIVE_GROUP), pci-reset's and recover's
 * "may a bus reset disturb it", doctor's "ok for vfio" (VB_PASSIVE_VFIO). */
static void test_passive(void **state)
{
	static const struct { const char *drv; int vfio, group; } t[] = {
		{ "", 1, 1 },
		{ "vfio-pci", 1, 1 },
		{ "vfio_pci", 1, 1 },
		{ "mlx5_vfio_pci", 1, 1 },		/* variant drivers */
		{ "nvgrace-gpu-vfio-pci", 1, 1 },
		{ "pci-stub", 1, 1 },
		{ "pcieport", 0, 1 },
		{ "nvidia", 0, 0 },
		{ "snd_hda_intel", 0, 0 },
		{ "nouveau", 0, 0 },
		{ "vfiox", 1, 1 },			/* the kernel's vfio* names */
		{ "xhci_hcd", 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(vb_driver_passive(t[i].drv, VB_PASSIVE_VFIO), t[i].vfio);
		assert_int_equal(vb_driver_passive(t[i].drv, VB_PASSIVE_GROUP), t[i].group);
	}
	assert_true(vb_driver_is_vfio("vfio-pci"));
	assert_true(vb_driver_is_vfio("hisi_acc_vfio_pci"));
	assert_false(vb_driver_is_vfio("nvidia"));
	assert_false(vb_driver_is_vfio(""));
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_bdf_parse_good),
		cmocka_unit_test(test_passive),
		cmocka_unit_test(test_parse_modalias),
		cmocka_unit_test(test_bdf_parse_bad),
		cmocka_unit_test(test_bdf_cmp),
		cmocka_unit_test(test_path_rejects_traversal),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_bad_modalias_falls_back),
		cmocka_unit_test(test_class),
	};
	return cmocka_run_group_tests_name("pcidev", t, NULL, NULL);
}
