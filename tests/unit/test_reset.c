/* test_reset: the reset verdict from fake trees: FLR in DevCap and in
 * reset_method, NoSoftRst, a GPU with its HDA function in one group, a
 * device alone below its bridge, a bridge shared with a host device, a
 * root-bus device, a kernel before reset_method (5.15), a known AMD family with
 * and without vendor-reset, reset_subordinate, unreadable config space. */
#include "fakesys.h"
#include "pci/pciconf.h"
#include "pci/reset.h"

static const char desc[] =
	"module vendor_reset available\n"
	/* GPU + HDA, one group, behind 00:01.0: a bus reset takes both */
	"dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01 group=1 driver=pcieport resetsub\n"
	"dev 0000:01:00.0 id=10de:249d class=030000 parent=0000:00:01.0 group=1 mf reset=bus\n"
	"dev 0000:01:00.1 id=10de:228b class=040300 parent=0000:00:01.0 group=1 reset=none\n"
	/* alone below its bridge, no FLR, NoSoftRst set */
	"dev 0000:00:02.0 id=8086:9a02 class=060400 bus=02 group=2 driver=pcieport\n"
	"dev 0000:02:00.0 id=10de:1c82 class=030000 parent=0000:00:02.0 group=3 reset=bus\n"
	/* a GPU sharing its bridge with a NIC in another group */
	"dev 0000:00:03.0 id=8086:9a03 class=060400 bus=03 group=4 driver=pcieport\n"
	"dev 0000:03:00.0 id=10de:1c82 class=030000 parent=0000:00:03.0 group=5 reset=bus\n"
	"dev 0000:03:01.0 id=10ec:8168 class=020000 parent=0000:00:03.0 group=6 driver=r8169\n"
	/* FLR, on a root bus */
	"dev 0000:00:04.0 id=8086:9a60 class=030000 group=7 reset=flr,bus\n"
	/* FLR in DevCap but the kernel took it out of reset_method */
	"dev 0000:00:06.0 id=8086:9a62 class=030000 group=9 flr=1 reset=pm\n"
	/* an AMD Navi 10 with FLR absent, alone below its bridge */
	"dev 0000:00:07.0 id=1022:1483 class=060400 bus=07 group=10 driver=pcieport\n"
	"dev 0000:07:00.0 id=1002:731f class=030000 parent=0000:00:07.0 group=11 reset=bus\n"
	/* alone, but the kernel offers no bus reset for it */
	"dev 0000:00:08.0 id=8086:9a08 class=060400 bus=08 group=12 driver=pcieport\n"
	"dev 0000:08:00.0 id=10de:1c82 class=030000 parent=0000:00:08.0 group=13 reset=none\n"
	/* powered off: config reads all-ones */
	"dev 0000:00:09.0 id=8086:9a09 class=030000 group=14 off reset=none\n";

static void assess(struct vb_pci *p, const char *addr, struct vb_reset_info *r)
{
	assert_int_equal(vb_reset_assess(p, addr, r), 0);
}

static void test_verdicts(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_reset_info r;
	char err[256];

	(void)state;
	fake_make(&f, desc);
	assert_int_equal(vb_pciconf_open(&p, 0, err, sizeof(err)), 0);

	assess(p, "01:00.0", &r);
	assert_int_equal(r.cfg, 1);
	assert_int_equal(r.flr, 0);
	assert_int_equal(r.nosoftrst, 1);
	assert_int_equal(r.af_flr, 0);
	assert_int_equal(r.bus, VB_BUS_GROUP);
	assert_string_equal(r.bridge, "0000:00:01.0");
	assert_string_equal(r.below, "0000:01:00.1");
	assert_string_equal(r.outside, "");
	assert_int_equal(r.reset_subordinate, 1);
	assert_int_equal(r.verdict, VB_RESET_BUS_WITH);
	assert_string_equal(r.by, "bus");
	{
		char b[512];
		vb_reset_describe(&r, b, sizeof(b));
		assert_string_equal(b, "reset_method bus, no FLR, NoSoftRst set, a bus reset of "
				    "0000:00:01.0 also resets 0000:01:00.1 (same IOMMU group), "
				    "0000:00:01.0 has reset_subordinate");
		assert_string_equal(vb_reset_verdict_key(r.verdict), "bus_with_group");
		assert_string_equal(vb_reset_bus_key(r.bus), "group");
	}
	assess(p, "0000:01:00.1", &r);
	assert_int_equal(r.verdict, VB_RESET_BUS_WITH);
	assert_string_equal(r.below, "0000:01:00.0");

	assess(p, "02:00.0", &r);
	assert_int_equal(r.bus, VB_BUS_ALONE);
	assert_int_equal(r.reset_subordinate, 0);
	assert_int_equal(r.verdict, VB_RESET_SURVIVES);
	assert_string_equal(r.by, "bus");

	assess(p, "03:00.0", &r);
	assert_int_equal(r.bus, VB_BUS_SHARED);
	assert_string_equal(r.outside, "0000:03:01.0");
	assert_int_equal(r.verdict, VB_RESET_NONE);
	assert_string_equal(r.by, "");

	assess(p, "00:04.0", &r);
	assert_int_equal(r.bus, VB_BUS_ROOT);
	assert_int_equal(r.flr, 1);
	assert_int_equal(r.verdict, VB_RESET_SURVIVES);
	assert_string_equal(r.by, "flr");

	/* The kernel's list counts, not the capability bit. */
	assess(p, "00:06.0", &r);
	assert_int_equal(r.flr, 1);
	assert_string_equal(r.by, "pm");

	assess(p, "07:00.0", &r);
	assert_non_null(r.quirk);
	assert_string_equal(r.quirk->family, "AMD Navi 10");
	assert_non_null(strstr(r.quirk->source, "gnif/vendor-reset"));
	assert_int_equal(r.vendor_reset, 0);
	assert_int_equal(r.verdict, VB_RESET_VENDOR);
	assert_string_equal(r.by, "");

	assess(p, "08:00.0", &r);
	assert_int_equal(r.bus, VB_BUS_REFUSED);
	assert_int_equal(r.verdict, VB_RESET_NONE);

	assess(p, "00:09.0", &r);
	assert_int_equal(r.cfg, 0);
	assert_int_equal(r.flr, -1);
	assert_int_equal(r.nosoftrst, -1);
	assert_int_equal(r.verdict, VB_RESET_NONE);

	/* Without libpci: reset_method and the topology still decide. */
	assess(NULL, "01:00.0", &r);
	assert_int_equal(r.cfg, 0);
	assert_int_equal(r.verdict, VB_RESET_BUS_WITH);

	assert_int_equal(vb_reset_assess(p, "0000:0a:00.0", &r), -ENODEV);
	assert_int_equal(vb_reset_assess(p, "../00.0", &r), -EINVAL);
	vb_pciconf_close(p);
	fake_free(&f);
}

/* Before 5.15 there is no reset_method: the capabilities say what the
 * kernel would probe. */
static void test_old_kernel(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_reset_info r;
	char err[256];

	(void)state;
	fake_make(&f, "kernel 5.10.0-28-amd64\n"
		  "dev 0000:00:05.0 id=8086:9a61 class=040300 group=8 nosoftrst=0\n"
		  "dev 0000:00:06.0 id=8086:9a62 class=030000 group=9 flr=1\n"
		  "dev 0000:00:07.0 id=8086:9a63 class=030000 group=10\n");
	assert_int_equal(vb_pciconf_open(&p, 0, err, sizeof(err)), 0);
	assess(p, "00:05.0", &r);
	assert_int_equal(r.methods_known, 0);
	assert_int_equal(r.nosoftrst, 0);
	assert_int_equal(r.verdict, VB_RESET_SURVIVES);
	assert_string_equal(r.by, "pm");
	assess(p, "00:06.0", &r);
	assert_string_equal(r.by, "flr");
	/* on a root bus, no FLR, NoSoftRst set: nothing */
	assess(p, "00:07.0", &r);
	assert_int_equal(r.verdict, VB_RESET_NONE);
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_vendor_reset(void **state)
{
	struct fake f;
	struct vb_reset_info r;

	(void)state;
	fake_make(&f, "module vendor_reset loaded\n"
		  "dev 0000:00:07.0 id=1022:1483 class=060400 bus=07 group=10 driver=pcieport\n"
		  "dev 0000:07:00.0 id=1002:67df class=030000 parent=0000:00:07.0 group=11 "
		  "reset=device_specific,bus\n"
		  "dev 0000:07:00.1 id=1002:aaf0 class=040300 parent=0000:00:07.0 group=11\n");
	assess(NULL, "07:00.0", &r);
	assert_int_equal(r.vendor_reset, 1);
	assert_string_equal(r.quirk->family, "AMD Polaris 10");
	assert_int_equal(r.verdict, VB_RESET_VENDOR);
	assert_string_equal(r.by, "device_specific");
	fake_free(&f);
}

/* recover's default reset: the bus reset only when nothing else is below
 * the bridge and the family is not on vendor-reset's list. */
static void test_pick_recover(void **state)
{
	struct fake f;
	char o[256], *mine[] = { "0000:01:00.0", "0000:01:00.1" }, *one[] = { "0000:03:00.0" };

	(void)state;
	fake_make(&f, desc);
	assert_int_equal(vb_reset_pick_recover("0000:00:01.0", 0x10de, 0x249d, mine, 2, o, sizeof(o)),
			 VB_PICK_SBR);
	assert_string_equal(o, "");
	assert_int_equal(vb_reset_pick_recover("0000:00:01.0", VB_ANY, VB_ANY, mine, 1, o, sizeof(o)),
			 VB_PICK_OTHERS);
	assert_string_equal(o, "0000:01:00.1");
	assert_int_equal(vb_reset_pick_recover("0000:00:03.0", 0x10de, 0x1c82, one, 1, o, sizeof(o)),
			 VB_PICK_OTHERS);
	assert_string_equal(o, "0000:03:01.0");
	assert_int_equal(vb_reset_pick_recover("0000:00:07.0", 0x1002, 0x731f, NULL, 0, o, sizeof(o)),
			 VB_PICK_OTHERS);	/* 07:00.0 is still there */
	{
		char *navi[] = { "0000:07:00.0" };
		assert_int_equal(vb_reset_pick_recover("0000:00:07.0", 0x1002, 0x731f, navi, 1, o,
						       sizeof(o)), VB_PICK_QUIRK);
	}
	assert_int_equal(vb_reset_pick_recover("", 0x10de, 0x249d, mine, 2, o, sizeof(o)), VB_PICK_ROOT);
	fake_free(&f);
}

static void test_helpers(void **state)
{
	(void)state;
	assert_true(vb_reset_has_method("flr bus", "bus"));
	assert_true(vb_reset_has_method("flr bus", "flr"));
	assert_false(vb_reset_has_method("af_flr bus", "flr"));
	assert_false(vb_reset_has_method("cxl_bus", "bus"));
	assert_false(vb_reset_has_method("", "bus"));
	assert_null(vb_reset_quirk(0x10de, 0x249d));
	assert_non_null(vb_reset_quirk(0x1002, 0x687f));
	assert_string_equal(vb_reset_verdict_name(VB_RESET_SURVIVES), "survives a VM reboot");
	assert_string_equal(vb_reset_verdict_name(VB_RESET_NONE), "will not survive a VM reboot");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_old_kernel),
		cmocka_unit_test(test_vendor_reset),
		cmocka_unit_test(test_pick_recover),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests_name("reset", t, NULL, NULL);
}
