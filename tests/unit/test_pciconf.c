/* Unit tests for lib/pciconf: libpci on a fake tree's config files. */
#include "fakesys.h"

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

/* ACS through libpci: the kernel's default controls, a port with ACS off, one
 * partly on, one without the capability, a conventional PCI device (no
 * extended capabilities searched), a device that reads all-ones. */
static void test_acs(void **state)
{
	struct fake f;
	struct vb_pci *p;
	uint16_t cap, ctl;

	(void)state;
	fake_make(&f,
		  "dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01 caps=pm,pcie,acs\n"
		  "dev 0000:00:02.0 id=8086:9a02 class=060400 bus=02 acs=5f:0\n"
		  "dev 0000:00:03.0 id=8086:9a03 class=060400 bus=03 acs=1f:5\n"
		  "dev 0000:00:04.0 id=8086:9a04 class=060400 bus=04\n"
		  "dev 0000:00:05.0 id=8086:9a05 class=060400 bus=05 caps=pm acs=1f:1d cfg=4096\n"
		  "dev 0000:00:06.0 id=8086:9a06 class=060400 bus=06 acs=1f:1d off\n"
		  "dev 0000:00:07.0 id=8086:9a07 class=060400 bus=07 acs=0:0\n");
	assert_int_equal(vb_pciconf_open(&p, 0, NULL, 0), 0);
	assert_int_equal(vb_pciconf_acs(p, "0000:00:01.0", &cap, &ctl), 1);
	assert_int_equal(cap, 0x1f);
	assert_int_equal(ctl, 0x1d);
	assert_true(vb_pciconf_acs_isolates(cap, ctl));
	assert_int_equal(vb_pciconf_acs(p, "0000:00:02.0", &cap, &ctl), 1);
	assert_int_equal(cap, 0x5f);
	assert_int_equal(ctl, 0);
	assert_false(vb_pciconf_acs_isolates(cap, ctl));
	assert_int_equal(vb_pciconf_acs_missing(cap, ctl), 0x1d);
	assert_int_equal(vb_pciconf_acs(p, "0000:00:03.0", &cap, &ctl), 1);
	assert_int_equal(vb_pciconf_acs_missing(cap, ctl), 0x18);
	assert_int_equal(vb_pciconf_acs(p, "0000:00:04.0", &cap, &ctl), 0);
	assert_int_equal(vb_pciconf_acs(p, "0000:00:05.0", &cap, &ctl), 0);
	assert_int_equal(vb_pciconf_acs(p, "0000:00:06.0", &cap, &ctl), -ENODEV);
	/* A capability with no features: all hard-wired on, as the kernel reads it. */
	assert_int_equal(vb_pciconf_acs(p, "0000:00:07.0", &cap, &ctl), 1);
	assert_true(vb_pciconf_acs_isolates(cap, ctl));
	assert_int_equal(vb_pciconf_acs(p, "0000:09:00.0", &cap, &ctl), -EIO);
	assert_int_equal(vb_pciconf_acs(p, "bad", &cap, &ctl), -EINVAL);
	vb_pciconf_close(p);
	fake_free(&f);
	/* Egress control is never required; a missing Upstream Forwarding
	 * capability counts as on. */
	assert_true(vb_pciconf_acs_isolates(0x0f, 0x0d));
	assert_false(vb_pciconf_acs_isolates(0x3f, 0x0d));
	assert_true(vb_pciconf_acs_isolates(0x3f, 0x1d));
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_read_write),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_acs),
	};
	return cmocka_run_group_tests_name("pciconf", t, NULL, NULL);
}
