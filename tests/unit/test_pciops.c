/* lib/pciops: topology of present and gone devices, remove/rescan
 * attributes, power/control, config save/restore and the secondary bus
 * reset, on fake trees (config space through libpci on the fake files). */
#include "fakesys.h"

#include "base/act.h"
#include "pci/pciconf.h"
#include "pci/pcidev.h"
#include "pci/pciops.h"
#include "base/util.h"

/* A root port, a switch (upstream port, one downstream port) and a GPU+HDA
 * pair below it; a second root port with nothing behind it; root-bus
 * devices. */
static const char topo[] =
	"dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01 driver=pcieport\n"
	"dev 0000:01:00.0 id=10b5:8747 class=060400 parent=0000:00:01.0 bus=02 driver=pcieport\n"
	"dev 0000:02:08.0 id=10b5:8747 class=060400 parent=0000:01:00.0 bus=03 driver=pcieport\n"
	"dev 0000:03:00.0 id=10de:249d class=030000 parent=0000:02:08.0 driver=vfio-pci mf\n"
	"dev 0000:03:00.1 id=10de:228b class=040300 parent=0000:02:08.0 driver=vfio-pci\n"
	"dev 0000:00:06.0 id=8086:9a0f class=060400 bus=05 driver=pcieport control=auto\n"
	"dev 0000:00:02.0 id=8086:9a60 class=030000 driver=i915\n"
	"dev 0000:00:14.0 id=8086:43ed class=0c0330 driver=xhci_hcd mf\n"
	"dev 0000:00:14.2 id=8086:43ef class=050000\n";

static void test_bus_bridge(void **state)
{
	struct fake f;
	char out[VB_BDF_LEN], p[PATH_MAX];

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciops_bus_bridge(0, 3, out), 0);
	assert_string_equal(out, "0000:02:08.0");
	assert_int_equal(vb_pciops_bus_bridge(0, 1, out), 0);
	assert_string_equal(out, "0000:00:01.0");
	assert_int_equal(vb_pciops_bus_bridge(0, 5, out), 0);
	assert_string_equal(out, "0000:00:06.0");
	assert_int_equal(vb_pciops_bus_bridge(0, 9, out), 0);
	assert_string_equal(out, "");
	assert_int_equal(vb_pciops_bus_bridge(0, 0, out), 0);
	assert_string_equal(out, "");
	assert_int_equal(vb_pciops_bus_bridge(1, 3, out), 0);
	assert_string_equal(out, "");
	/* Without the attribute, config byte 0x19. */
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:02:08.0/secondary_bus_number", f.root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vb_pciops_bus_bridge(0, 3, out), 0);
	assert_string_equal(out, "0000:02:08.0");
	fake_free(&f);
}

static void test_parent(void **state)
{
	struct fake f;
	char out[VB_BDF_LEN];

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciops_parent("0000:03:00.1", out), 0);
	assert_string_equal(out, "0000:02:08.0");
	/* gone: placed by its bus number */
	assert_int_equal(vb_pciops_parent("03:05.0", out), 0);
	assert_string_equal(out, "0000:02:08.0");
	assert_int_equal(vb_pciops_parent("0000:05:00.0", out), 0);
	assert_string_equal(out, "0000:00:06.0");
	assert_int_equal(vb_pciops_parent("0000:00:02.0", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(vb_pciops_parent("0000:09:00.0", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(vb_pciops_parent("0000:03:00.0/..", out), -EINVAL);
	fake_free(&f);
}

static void test_below_and_peers(void **state)
{
	struct fake f;
	char **v;
	size_t n;

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciops_below("0000:00:01.0", &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "0000:01:00.0");
	assert_string_equal(v[1], "0000:02:08.0");
	assert_string_equal(v[2], "0000:03:00.0");
	assert_string_equal(v[3], "0000:03:00.1");
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_pciops_below("0000:00:06.0", &v, &n), 0);
	assert_int_equal(n, 0);
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_pciops_below("0000:03:00.0", &v, &n), 0);
	assert_int_equal(n, 0);
	vb_sysfs_list_free(v, n);

	assert_int_equal(vb_pciops_bus_peers("0000:03:00.0", &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "0000:03:00.1");
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_pciops_bus_peers("0000:02:08.0", &v, &n), 0);
	assert_int_equal(n, 0);
	vb_sysfs_list_free(v, n);
	/* root bus: every other device on bus 00 */
	assert_int_equal(vb_pciops_bus_peers("0000:00:14.2", &v, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "0000:00:01.0");
	assert_string_equal(v[3], "0000:00:14.0");
	vb_sysfs_list_free(v, n);
	fake_free(&f);
}

static void test_rescan_attr(void **state)
{
	struct fake f;
	char p[PATH_MAX], want[PATH_MAX];

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciops_rescan_attr("0000:03:00.1", p, sizeof(p)), 0);
	snprintf(want, sizeof(want), "%s/sys/bus/pci/devices/0000:02:08.0/rescan", f.root);
	assert_string_equal(p, want);
	assert_int_equal(vb_pciops_rescan_attr("0000:05:00.0", p, sizeof(p)), 0);
	snprintf(want, sizeof(want), "%s/sys/bus/pci/devices/0000:00:06.0/rescan", f.root);
	assert_string_equal(p, want);
	assert_int_equal(vb_pciops_rescan_attr("0000:00:07.0", p, sizeof(p)), 0);
	snprintf(want, sizeof(want), "%s/sys/bus/pci/rescan", f.root);
	assert_string_equal(p, want);
	unit_puts(f.root, "sys/class/pci_bus/0000:00/rescan", "");
	assert_int_equal(vb_pciops_rescan_attr("0000:00:07.0", p, sizeof(p)), 0);
	snprintf(want, sizeof(want), "%s/sys/class/pci_bus/0000:00/rescan", f.root);
	assert_string_equal(p, want);
	/* a bridge without the attribute (an SR-IOV VF has none) */
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:00:06.0/rescan", f.root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vb_pciops_rescan_attr("0000:05:00.0", p, sizeof(p)), 0);
	snprintf(want, sizeof(want), "%s/sys/bus/pci/rescan", f.root);
	assert_string_equal(p, want);
	fake_free(&f);
}

static void test_remove(void **state)
{
	struct fake f;
	struct vb_act dry = { 1, 0, NULL };
	char buf[64], p[PATH_MAX];

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciops_remove(&dry, "0000:00:14.2", 0), 0);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:00:14.2/remove", buf, sizeof(buf)), "");
	/* the write is taken, the device stays: not success */
	assert_int_equal(vb_pciops_remove(NULL, "0000:00:14.2", 30), -EEXIST);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:00:14.2/remove", buf, sizeof(buf)), "1");
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:00:14.0/remove", f.root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vb_pciops_remove(NULL, "0000:00:14.0", 0), -ENOENT);
	assert_int_equal(vb_pciops_rescan(NULL, p), -ENOENT);
	fake_free(&f);
}

static void test_answers(void **state)
{
	struct fake f;
	struct vb_pci *p;
	char err[128];

	(void)state;
	fake_make(&f, "dev 0000:00:02.0 id=8086:9a60 class=030000\n"
		      "dev 0000:00:03.0 id=10de:249d class=030000 off\n"
		      "dev 0000:00:04.0 id=10de:249d class=030000\n");
	assert_int_equal(vb_pciconf_open(&p, 0, err, sizeof(err)), 0);
	assert_int_equal(vb_pciops_answers(p, "0000:00:02.0", VB_ANY, VB_ANY), 1);
	assert_int_equal(vb_pciops_answers(p, "0000:00:02.0", 0x8086, 0x9a60), 1);
	assert_int_equal(vb_pciops_answers(p, "0000:00:02.0", 0x10de, VB_ANY), 0);
	assert_int_equal(vb_pciops_answers(p, "0000:00:02.0", 0x8086, 0x1234), 0);
	assert_int_equal(vb_pciops_answers(p, "0000:00:03.0", VB_ANY, VB_ANY), 0);
	assert_int_equal(vb_pciops_answers(p, "0000:00:09.0", VB_ANY, VB_ANY), 0);
	/* configuration request retry status: not there yet */
	fake_set_cfg32(&f, "0000:00:04.0", 0, 0xffff0001u);
	assert_int_equal(vb_pciops_answers(p, "0000:00:04.0", VB_ANY, VB_ANY), 0);
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_power(void **state)
{
	struct fake f;
	struct vb_power_save s;
	char buf[64], p[PATH_MAX];

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciops_power_on(NULL, "0000:00:01.0", &s), 0);
	assert_int_equal(s.changed, 0);
	assert_string_equal(s.control, "on");
	assert_int_equal(vb_pciops_power_restore(NULL, &s), 0);

	assert_int_equal(vb_pciops_power_on(NULL, "00:06.0", &s), 0);
	assert_int_equal(s.changed, 1);
	assert_string_equal(s.control, "auto");
	assert_string_equal(s.addr, "0000:00:06.0");
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:00:06.0/power/control", buf, sizeof(buf)), "on");
	assert_int_equal(vb_pciops_power_restore(NULL, &s), 0);
	assert_int_equal(s.changed, 0);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:00:06.0/power/control", buf, sizeof(buf)), "auto");

	/* a device that has gone since: nothing to put back */
	assert_int_equal(vb_pciops_power_on(NULL, "0000:00:06.0", &s), 0);
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:00:06.0", f.root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vb_pciops_power_restore(NULL, &s), 0);
	assert_int_equal(vb_pciops_power_on(NULL, "0000:00:06.0", &s), -ENODEV);
	/* no power/control: no runtime PM, nothing to do */
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:00:02.0/power/control", f.root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vb_pciops_power_on(NULL, "0000:00:02.0", &s), 0);
	assert_int_equal(s.changed, 0);
	assert_string_equal(s.control, "");
	fake_free(&f);
}

static void test_cfg_save_restore(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_cfgsave s;
	char err[128];
	uint8_t before[0x60], after[0x60];
	int bad;

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	/* PCI Express Device Control (capability at 0x48, +8) set, then saved */
	fake_set_cfg32(&f, "0000:03:00.0", 0x50, 0x00002810);
	assert_int_equal(vb_pciops_cfg_save(p, "0000:03:00.0", &s), 0);
	assert_int_equal(s.size, 4096);
	fake_cfg(&f, "0000:03:00.0", 0, before, sizeof(before), 0);
	assert_memory_equal(before, s.data, sizeof(before));
	/* nothing changed: nothing written */
	assert_int_equal(vb_pciops_cfg_restore(p, &s, &bad), 0);
	/* what a reset clears: COMMAND, BAR0, cache line size, DevCtl */
	fake_set_cfg32(&f, "0000:03:00.0", 0x04, 0x00100000);
	fake_set_cfg32(&f, "0000:03:00.0", 0x10, 0);
	fake_set_cfg32(&f, "0000:03:00.0", 0x0c, 0x00800000);
	fake_set_cfg32(&f, "0000:03:00.0", 0x50, 0);
	assert_int_equal(vb_pciops_cfg_restore(p, &s, &bad), 4);
	assert_int_equal(bad, -1);
	fake_cfg(&f, "0000:03:00.0", 0, after, sizeof(after), 0);
	assert_memory_equal(before, after, sizeof(after));
	assert_int_equal(fake_cfg32(&f, "0000:03:00.0", 0x04) & 0xffff, 0x0407);
	vb_pciconf_close(p);
	fake_free(&f);

	/* What a reset of a laptop's NVIDIA GPU also loses: the HDA bit
	 * (0x488 bit 25) its firmware hides, and a resized BAR's size. */
	fake_make(&f, "dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01 driver=pcieport\n"
		      "dev 0000:01:00.0 id=10de:249d class=030000 parent=0000:00:01.0 mf hda=1\n");
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	fake_set_cfg32(&f, "0000:01:00.0", 0x100, 0x00010015);	/* ReBAR v1, last */
	fake_set_cfg32(&f, "0000:01:00.0", 0x104, 0x0003fff0);	/* 1 MB .. 8 GB */
	fake_set_cfg32(&f, "0000:01:00.0", 0x108, 0x00000d21);	/* BAR 1, 1 BAR, 8 GB */
	assert_int_equal(vb_pciops_cfg_save(p, "0000:01:00.0", &s), 0);
	assert_int_equal(vb_pciops_cfg_restore(p, &s, &bad), 0);
	fake_set_cfg32(&f, "0000:01:00.0", 0x488, 0);
	fake_set_cfg32(&f, "0000:01:00.0", 0x108, 0x00000821);	/* back to 256 MB */
	assert_int_equal(vb_pciops_cfg_restore(p, &s, &bad), 2);
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x488), 0x02000000);
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x108), 0x00000d21);
	/* a bit that was clear stays clear */
	fake_set_cfg32(&f, "0000:01:00.0", 0x488, 0);
	assert_int_equal(vb_pciops_cfg_save(p, "0000:01:00.0", &s), 0);
	assert_int_equal(vb_pciops_cfg_restore(p, &s, &bad), 0);
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x488), 0);
	vb_pciconf_close(p);
	fake_free(&f);

	/* 256-byte config space */

	fake_make(&f, "dev 0000:00:1f.3 id=8086:43c8 class=040380 caps=pm driver=snd_hda_intel\n"
		      "dev 0000:00:1f.4 id=8086:43a3 class=0c0500 off\n");
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	assert_int_equal(vb_pciops_cfg_save(p, "0000:00:1f.3", &s), 0);
	assert_int_equal(s.size, 256);
	assert_int_equal(vb_pciops_cfg_save(p, "0000:00:1f.4", &s), -EIO);
	assert_int_equal(vb_pciops_cfg_save(p, "0000:00:1f.5", &s), -ENODEV);
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_sbr(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_sbr s;
	struct vb_act dry = { 1, 0, NULL };
	char err[128], *skip[] = { "0000:03:00.1" };
	uint32_t ctl;

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	ctl = fake_cfg32(&f, "0000:02:08.0", 0x3c);

	memset(&s, 0, sizeof(s));
	strcpy(s.bridge, "0000:02:08.0");
	assert_int_equal(vb_pciops_sbr(&dry, p, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(fake_cfg32(&f, "0000:02:08.0", 0x3c), ctl);
	vb_pciops_sbr_free(&s);

	memset(&s, 0, sizeof(s));
	strcpy(s.bridge, "0000:02:08.0");
	s.wait_ms = 200;
	assert_int_equal(vb_pciops_sbr(NULL, p, &s), 0);
	assert_int_equal(s.step, VB_SBR_OK);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.devs[0], "0000:03:00.0");
	assert_string_equal(s.devs[1], "0000:03:00.1");
	assert_int_equal(s.restored, 0);	/* a fake device keeps its config */
	/* the bit was set and cleared: bridge control as it was */
	assert_int_equal(fake_cfg32(&f, "0000:02:08.0", 0x3c), ctl);
	assert_int_equal((ctl >> 16) & 0x40, 0);
	vb_pciops_sbr_free(&s);

	memset(&s, 0, sizeof(s));
	strcpy(s.bridge, "0000:02:08.0");
	s.skip = skip;
	s.nskip = 1;
	assert_int_equal(vb_pciops_sbr(NULL, p, &s), 0);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.devs[0], "0000:03:00.0");
	vb_pciops_sbr_free(&s);

	/* a device below reads all-ones: nothing is reset */
	fake_set_cfg32(&f, "0000:03:00.1", 0, 0xffffffffu);
	fake_set_cfg32(&f, "0000:02:08.0", 0x3c, ctl | 0x00800000u);	/* a marker bit */
	memset(&s, 0, sizeof(s));
	strcpy(s.bridge, "0000:02:08.0");
	assert_int_equal(vb_pciops_sbr(NULL, p, &s), -EIO);
	assert_int_equal(s.step, VB_SBR_SAVE);
	assert_string_equal(s.failed, "0000:03:00.1");
	assert_int_equal(fake_cfg32(&f, "0000:02:08.0", 0x3c), ctl | 0x00800000u);
	vb_pciops_sbr_free(&s);
	vb_pciconf_close(p);
	fake_free(&f);
}

/* A 16 GT/s bridge that reports link state: the 100 ms count from the link
 * coming up again. */
static void test_sbr_fast_link(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_sbr s;
	char err[128];
	long long t;

	(void)state;
	fake_make(&f, topo);
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	/* PCI Express capability at 0x48: LnkCap 16 GT/s x4 + DLLLA reporting,
	 * LnkSta (0x5a) link active */
	fake_set_cfg32(&f, "0000:02:08.0", 0x54, 0x00100044);
	fake_set_cfg32(&f, "0000:02:08.0", 0x58, (0x2000u | 0x44) << 16);
	memset(&s, 0, sizeof(s));
	strcpy(s.bridge, "0000:02:08.0");
	s.wait_ms = 300;
	t = vb_now_ms();
	assert_int_equal(vb_pciops_sbr(NULL, p, &s), 0);
	assert_true(vb_now_ms() - t < 300);	/* link up at once: 100 ms, the polls */
	vb_pciops_sbr_free(&s);
	/* a bridge that shows the link down before the reset (QEMU's root
	 * ports do) is not believed afterwards: no wait for the link */
	fake_set_cfg32(&f, "0000:02:08.0", 0x58, 0x44u << 16);
	memset(&s, 0, sizeof(s));
	strcpy(s.bridge, "0000:02:08.0");
	s.wait_ms = 300;
	t = vb_now_ms();
	assert_int_equal(vb_pciops_sbr(NULL, p, &s), 0);
	assert_true(vb_now_ms() - t < 300);
	vb_pciops_sbr_free(&s);
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_small(void **state)
{
	char **v = NULL;
	size_t n = 0;

	(void)state;
	vb_pciops_addr_add(&v, &n, "0000:01:00.0");
	vb_pciops_addr_add(&v, &n, "0000:01:00.1");
	vb_pciops_addr_add(&v, &n, "0000:01:00.0");
	assert_int_equal(n, 2);
	assert_true(vb_pciops_addr_has(v, n, "0000:01:00.1"));
	assert_false(vb_pciops_addr_has(v, n, "0000:01:00.2"));
	assert_false(vb_pciops_addr_has(NULL, 0, "0000:01:00.2"));
	vb_sysfs_list_free(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bus_bridge),
		cmocka_unit_test(test_parent),
		cmocka_unit_test(test_below_and_peers),
		cmocka_unit_test(test_rescan_attr),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_power),
		cmocka_unit_test(test_cfg_save_restore),
		cmocka_unit_test(test_sbr),
		cmocka_unit_test(test_sbr_fast_link),
		cmocka_unit_test(test_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
