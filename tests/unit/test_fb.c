/* Unit tests for lib/pci/fb: framebuffers in a device's BARs from
 * /proc/iomem. */
#include "unit.h"

#include "base/act.h"
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

/* What vb_fb_plan decides, from the class, boot_vga, the ranges and the
 * platform device. */
static void test_plan(void **state)
{
	struct vb_fb_rel f;
	char *r;

	(void)state;
	r = tree("c0000000-cfffffff : 0000:01:00.0\n    c0000000-c07fffff : efifb\n");
	unit_puts(r, "sys/devices/platform/efi-framebuffer.0/uevent", "");
	unit_link(r, "sys/bus/platform/devices/efi-framebuffer.0", "../../../devices/platform/efi-framebuffer.0");
	unit_link(r, "sys/devices/platform/efi-framebuffer.0/driver", "../../../bus/platform/drivers/efi-framebuffer");
	unit_puts(r, "sys/class/vtconsole/vtcon0/name", "(S) dummy device\n");
	unit_puts(r, "sys/class/vtconsole/vtcon0/bind", "0\n");
	unit_puts(r, "sys/class/vtconsole/vtcon1/name", "(M) frame buffer device\n");
	unit_puts(r, "sys/class/vtconsole/vtcon1/bind", "1\n");
	/* A 3D controller: released, the platform device and fbcon's vtcon. */
	assert_int_equal(vb_fb_plan(&f, "0000:01:00.0", 0x030200, 0), 1);
	assert_int_equal(f.mode, VB_FB_RELEASE);
	assert_string_equal(f.pdev, "efi-framebuffer.0");
	assert_string_equal(f.driver, "efi-framebuffer");
	assert_int_equal(f.nvtcon, 1);
	assert_int_equal(f.vtcon[0], 1);
	/* VGA class: vfio-pci's job; the boot GPU: released. */
	assert_int_equal(vb_fb_plan(&f, "0000:01:00.0", 0x030000, 0), 0);
	assert_int_equal(f.mode, VB_FB_VFIO);
	assert_int_equal(vb_fb_plan(&f, "0000:01:00.0", 0x030000, 1), 1);
	/* Not a display device: nothing. */
	assert_int_equal(vb_fb_plan(&f, "0000:01:00.0", 0x040300, 0), 0);
	assert_int_equal(f.mode, VB_FB_NONE);
	/* A dry run writes nothing and counts what it would have done. */
	{
		struct vb_act dry = { 1, 0, NULL };
		char v[8];
		assert_int_equal(vb_fb_plan(&f, "0000:01:00.0", 0x030200, 0), 1);
		assert_int_equal(vb_fb_release(&dry, &f), 0);
		assert_int_equal(f.done_vtcon, 1);
		assert_int_equal(f.done_unbind, 1);
		char p[512];
		FILE *fp;
		snprintf(p, sizeof(p), "%s/sys/class/vtconsole/vtcon1/bind", r);
		assert_non_null(fp = fopen(p, "r"));
		assert_non_null(fgets(v, sizeof(v), fp));
		fclose(fp);
		assert_string_equal(v, "1\n");
	}
	unit_rmtree(r);
	/* No driver on the platform device: the parameter only. */
	r = tree("c0000000-cfffffff : 0000:01:00.0\n    c0000000-c07fffff : efifb\n");
	unit_puts(r, "sys/devices/platform/efi-framebuffer.0/uevent", "");
	unit_link(r, "sys/bus/platform/devices/efi-framebuffer.0", "../../../devices/platform/efi-framebuffer.0");
	assert_int_equal(vb_fb_plan(&f, "0000:01:00.0", 0x030200, 0), 0);
	assert_int_equal(f.mode, VB_FB_NODEV);
	unit_rmtree(r);
	/* BOOTFB on a 3D controller: no unbind frees it. */
	r = tree("c0000000-cfffffff : 0000:01:00.0\n    c0000000-c07fffff : BOOTFB\n"
		 "      c0000000-c07fffff : simple-framebuffer.0\n");
	unit_puts(r, "sys/devices/platform/simple-framebuffer.0/uevent", "");
	unit_link(r, "sys/bus/platform/devices/simple-framebuffer.0", "../../../devices/platform/simple-framebuffer.0");
	unit_link(r, "sys/devices/platform/simple-framebuffer.0/driver", "../../../bus/platform/drivers/simple-framebuffer");
	assert_int_equal(vb_fb_plan(&f, "0000:01:00.0", 0x030200, 0), 0);
	assert_int_equal(f.mode, VB_FB_STAYS);
	assert_int_equal(f.stays, 0);
	assert_string_equal(f.pdev, "simple-framebuffer.0");
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_record_fields(void **state)
{
	struct vb_fb_rel f;
	char t[32];

	(void)state;
	assert_int_equal(vb_fb_from_record(&f, "0000:01:00.0", "efi-framebuffer.0", "efi-framebuffer",
					   "1,2"), 0);
	assert_int_equal(f.done_unbind, 1);
	assert_int_equal(f.done_vtcon, 2);
	vb_fb_vtcons_text(&f, t, sizeof(t));
	assert_string_equal(t, "1,2");
	assert_int_equal(vb_fb_from_record(&f, "0000:01:00.0", "", "", "1"), 0);
	assert_int_equal(f.done_unbind, 0);
	assert_int_equal(vb_fb_from_record(&f, "0000:01:00.0", "../x", "efi-framebuffer", ""), -EINVAL);
	assert_int_equal(vb_fb_from_record(&f, "0000:01:00.0", "efi-framebuffer.0", "", ""), -EINVAL);
	assert_int_equal(vb_fb_from_record(&f, "0000:01:00.0", "", "", "1,x"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_record_fields),
	};
	return cmocka_run_group_tests_name("fb", t, NULL, NULL);
}
