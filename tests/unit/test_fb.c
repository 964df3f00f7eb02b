/* Unit tests for lib/pci/fb: framebuffers in a device's BARs from
 * /proc/iomem. */
#include "unit.h"

#include "base/sysfs.h"
#include "pci/fb.h"

static char *tree(const char *iomem)
{
	char *r = unit_tmpdir();

	unit_puts(r, "sys/bus/pci/devices/0000:01:00.0/resource",
		  "0x00000000a0000000 0x00000000a0ffffff 0x0000000000040200\n"
		  "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
		  "0x00000000c0000000 0x00000000cfffffff 0x000000000014220c\n");
	unit_puts(r, "proc/iomem", iomem);
	vb_sysfs_set_root(r);
	return r;
}

static void test_find(void **state)
{
	struct vb_fb fb[4];
	char *r;

	(void)state;
	/* Nested under the device's own BAR: BAR 2, the prefetchable one. */
	r = tree("a0000000-cfffffff : PCI Bus 0000:01\n"
		 "  a0000000-a0ffffff : 0000:01:00.0\n"
		 "  c0000000-cfffffff : 0000:01:00.0\n"
		 "    c0000000-c07fffff : efifb\n"
		 "d0000000-d0ffffff : 0000:00:02.0\n"
		 "  d0000000-d07fffff : simpledrm\n");
	assert_int_equal(vb_fb_find("0000:01:00.0", fb, 4), 1);
	assert_string_equal(fb[0].name, "efifb");
	assert_int_equal(fb[0].bar, 2);
	assert_true(fb[0].start == 0xc0000000ULL && fb[0].end == 0xc07fffffULL);
	unit_rmtree(r);
	/* Inside another device's resource: not this one's, even if the range
	 * fits (the fake ranges overlap on purpose). */
	r = tree("c0000000-cfffffff : 0000:02:00.0\n"
		 "  c0000000-c07fffff : BOOTFB\n");
	assert_int_equal(vb_fb_find("0000:01:00.0", fb, 4), 0);
	unit_rmtree(r);
	/* A top-level BOOTFB inside the BAR's range counts. */
	r = tree("c0000000-c07fffff : BOOTFB\n");
	assert_int_equal(vb_fb_find("0000:01:00.0", fb, 4), 1);
	assert_string_equal(vb_fb_param(fb[0].name), "initcall_blacklist=sysfb_init");
	unit_rmtree(r);
	/* Not root: zeros everywhere. */
	r = tree("00000000-00000000 : PCI Bus 0000:01\n  00000000-00000000 : 0000:01:00.0\n");
	assert_int_equal(vb_fb_find("0000:01:00.0", fb, 4), -EACCES);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_rules(void **state)
{
	(void)state;
	assert_string_equal(vb_fb_param("efifb"), "video=efifb:off");
	assert_string_equal(vb_fb_param("vesafb"), "video=vesafb:off");
	assert_string_equal(vb_fb_param("simple-framebuffer.0"), "initcall_blacklist=sysfb_init");
	assert_int_equal(vb_fb_vfio_removes(0x030000), 1);
	assert_int_equal(vb_fb_vfio_removes(0x030200), 0);
	assert_int_equal(vb_fb_vfio_removes(0x038000), 0);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_rules),
	};
	return cmocka_run_group_tests_name("fb", t, NULL, NULL);
}
