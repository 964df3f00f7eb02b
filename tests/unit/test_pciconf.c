/* Unit tests for lib/pciconf: libpci on a fake tree's config files. */
#include "unit.h"

#include "pci/pciconf.h"
#include "base/sysfs.h"

/* One GPU with a 4096-byte config (PM cap at 0x60 -> PCIe cap at 0x68, ACS
 * extended cap at 0x100, 0x488 bit 25 clear) and one powered-off device. */
static char *tree(void)
{
	char *r = unit_tmpdir();
	unsigned char c[4096];
	static const char *const files[] = { "vendor", "device", "class", "irq", "resource" };
	size_t i;

	memset(c, 0, sizeof(c));
	c[0] = 0xde; c[1] = 0x10; c[2] = 0x9d; c[3] = 0x24;
	c[6] = 0x10;			/* status: capability list */
	c[0x0e] = 0x80;			/* multifunction */
	c[0x34] = 0x60;
	c[0x60] = 0x01; c[0x61] = 0x68;	/* PM -> 0x68 */
	c[0x68] = 0x10; c[0x69] = 0x00;	/* PCIe, last */
	c[0x100] = 0x0d; c[0x102] = 0x01;	/* ACS, next 0 */
	unit_put(r, "sys/bus/pci/devices/0000:01:00.0/config", c, sizeof(c));
	memset(c, 0xff, 256);
	unit_put(r, "sys/bus/pci/devices/0000:02:00.0/config", c, 256);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char p[64];
		snprintf(p, sizeof(p), "sys/bus/pci/devices/0000:01:00.0/%s", files[i]);
		unit_puts(r, p, "0x0\n");
	}
	vb_sysfs_set_root(r);
	return r;
}

static void test_read_write(void **state)
{
	char *r = tree(), err[256];
	struct vb_pci *p;
	uint16_t w;
	uint32_t l;
	uint8_t b;

	(void)state;
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	assert_int_equal(vb_pciconf_read16(p, "0000:01:00.0", 0, &w), 0);
	assert_int_equal(w, 0x10de);
	assert_int_equal(vb_pciconf_read8(p, "01:00.0", VB_CFG_HEADER_TYPE, &b), 0);
	assert_int_equal(b & VB_HDR_MULTIFUNCTION, VB_HDR_MULTIFUNCTION);
	assert_int_equal(vb_pciconf_present(p, "0000:01:00.0"), 1);
	assert_int_equal(vb_pciconf_present(p, "0000:02:00.0"), 0);
	/* Bit 25 of 0x488, the NVIDIA HDA switch. */
	assert_int_equal(vb_pciconf_read32(p, "0000:01:00.0", VB_NV_HDA_REG, &l), 0);
	assert_int_equal(l, 0);
	assert_int_equal(vb_pciconf_write32(p, "0000:01:00.0", VB_NV_HDA_REG, l | VB_NV_HDA_BIT), 0);
	assert_int_equal(vb_pciconf_read32(p, "0000:01:00.0", VB_NV_HDA_REG, &l), 0);
	assert_int_equal(l, VB_NV_HDA_BIT);
	/* Beyond a 256-byte config, a missing device, bad input: errors. */
	assert_int_equal(vb_pciconf_read32(p, "0000:02:00.0", VB_NV_HDA_REG, &l), -EIO);
	assert_int_equal(vb_pciconf_read32(p, "0000:05:00.0", 0, &l), -EIO);
	assert_int_equal(vb_pciconf_read32(p, "../05:00.0", 0, &l), -EINVAL);
	assert_int_equal(vb_pciconf_read32(p, "0000:01:00.0", 4094, &l), -EINVAL);
	/* Block reads need no alignment; a failed read leaves a message. */
	assert_int_equal(vb_pciconf_read32(p, "0000:01:00.0", 2, &l), 0);
	assert_int_equal(l & 0xffff, 0x249d);
	assert_int_equal(vb_pciconf_read32(p, "0000:05:00.0", 0, &l), -EIO);
	assert_non_null(strstr(vb_pciconf_last_error(p), "Cannot open"));
	vb_pciconf_close(p);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_caps(void **state)
{
	char *r = tree();
	struct vb_pci *p;

	(void)state;
	assert_int_equal(vb_pciconf_open(&p, 0, NULL, 0), 0);
	assert_int_equal(vb_pciconf_find_cap(p, "0000:01:00.0", VB_CAP_PM, 0), 0x60);
	assert_int_equal(vb_pciconf_find_cap(p, "0000:01:00.0", VB_CAP_EXP, 0), 0x68);
	assert_int_equal(vb_pciconf_find_cap(p, "0000:01:00.0", 0x05, 0), -ENOENT);
	assert_int_equal(vb_pciconf_find_cap(p, "0000:01:00.0", VB_ECAP_ACS, 1), 0x100);
	assert_int_equal(vb_pciconf_find_cap(p, "0000:01:00.0", 0x0001, 1), -ENOENT);
	assert_int_equal(vb_pciconf_find_cap(p, "0000:02:00.0", VB_CAP_PM, 0), -ENOENT);
	vb_pciconf_close(p);
	/* A capability list that loops on itself ends. */
	{
		unsigned char c[256];
		memset(c, 0, sizeof(c));
		c[6] = 0x10; c[0x34] = 0x40; c[0x40] = 0x09; c[0x41] = 0x40;
		unit_put(r, "sys/bus/pci/devices/0000:03:00.0/config", c, sizeof(c));
		assert_int_equal(vb_pciconf_open(&p, 0, NULL, 0), 0);
		assert_int_equal(vb_pciconf_find_cap(p, "0000:03:00.0", VB_CAP_PM, 0), -ENOENT);
		vb_pciconf_close(p);
	}
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_caps),
	};
	return cmocka_run_group_tests_name("pciconf", t, NULL, NULL);
}
