/* Unit tests for the engine: lib/pci/select.c (selectors, the selected set),
 * iommu.c (IOMMU state, viability), holders.c, and rebind.c (the bounded
 * unbind, plans, and the transaction: dry run order; failure and undo on a
 * tree that binds nothing). */
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "base/act.h"
#include "pci/holders.h"
#include "pci/iommu.h"
#include "pci/rebind.h"
#include "pci/select.h"
#include "base/sysfs.h"
#include "base/util.h"

static char *root;

/* A device directly on bus 0 of domain 0. */
static void dev(const char *addr, unsigned vendor, unsigned device, unsigned class,
		const char *driver, int group, const char *override, int bridge)
{
	char rel[128], buf[512], link[256];
	unsigned char cfg[64];

	snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s", addr);
	snprintf(buf, sizeof(buf), "%s/modalias", rel);
	{
		char m[128];
		snprintf(m, sizeof(m), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", vendor,
			 device, 0x103cu, 0x88d1u, class >> 16, (class >> 8) & 0xff, class & 0xff);
		unit_puts(root, buf, m);
	}
	snprintf(buf, sizeof(buf), "%s/driver_override", rel);
	unit_puts(root, buf, override ? override : "(null)\n");
	memset(cfg, 0, sizeof(cfg));
	cfg[0x0e] = bridge ? 1 : 0;
	snprintf(buf, sizeof(buf), "%s/config", rel);
	unit_put(root, buf, cfg, sizeof(cfg));
	snprintf(buf, sizeof(buf), "sys/bus/pci/devices/%s", addr);
	snprintf(link, sizeof(link), "../../../devices/pci0000:00/%s", addr);
	unit_link(root, buf, link);
	if (driver) {
		snprintf(buf, sizeof(buf), "%s/driver", rel);
		snprintf(link, sizeof(link), "../../../bus/pci/drivers/%s", driver);
		unit_link(root, buf, link);
		snprintf(buf, sizeof(buf), "sys/bus/pci/drivers/%s/bind", driver);
		unit_puts(root, buf, "");
		snprintf(buf, sizeof(buf), "sys/bus/pci/drivers/%s/unbind", driver);
		unit_puts(root, buf, "");
	}
	if (group >= 0) {
		snprintf(buf, sizeof(buf), "%s/iommu_group", rel);
		snprintf(link, sizeof(link), "../../../kernel/iommu_groups/%d", group);
		unit_link(root, buf, link);
		snprintf(buf, sizeof(buf), "sys/kernel/iommu_groups/%d/devices/%s", group, addr);
		snprintf(link, sizeof(link), "../../../../../devices/pci0000:00/%s", addr);
		unit_link(root, buf, link);
	}
}

/* A laptop: root port 00:01.0 (group 1) with the GPU 01:00.0 and its HDA
 * 01:00.1 (group 1, shown on bus 0 for simplicity), the boot iGPU 00:02.0
 * (group 2), an NVMe 02:00.0 (group 3). */
static int setup(void **state)
{
	(void)state;
	root = unit_tmpdir();
	assert_non_null(root);
	vb_sysfs_set_root(root);
	unit_puts(root, "sys/bus/pci/drivers_probe", "");
	unit_puts(root, "proc/cmdline", "root=/dev/sda1 ro\n");
	dev("0000:00:01.0", 0x8086, 0x9a01, 0x060400, "pcieport", 1, NULL, 1);
	dev("0000:01:00.0", 0x10de, 0x249d, 0x030000, "nvidia", 1, NULL, 0);
	dev("0000:01:00.1", 0x10de, 0x228b, 0x040300, "snd_hda_intel", 1, NULL, 0);
	dev("0000:00:02.0", 0x8086, 0x9a60, 0x030000, "i915", 2, NULL, 0);
	dev("0000:02:00.0", 0x144d, 0xa80a, 0x010802, "nvme", 3, NULL, 0);
	dev("0000:00:1f.3", 0x8086, 0x43c8, 0x040380, "snd_hda_intel", 4, NULL, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vb_sysfs_set_root("");
	unit_rmtree(root);
	root = NULL;
	return 0;
}

static void slurp(const char *rel, char *buf, size_t n)
{
	char p[PATH_MAX];
	FILE *f;
	size_t got;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "r");
	assert_non_null(f);
	got = fread(buf, 1, n - 1, f);
	buf[got] = 0;
	fclose(f);
}

/* ---- parsing ---- */

static void test_seconds(void **state)
{
	long ms;

	(void)state;
	assert_int_equal(vb_parse_seconds("10", &ms), 0);
	assert_int_equal(ms, 10000);
	assert_int_equal(vb_parse_seconds("0.5", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(vb_parse_seconds("1.25", &ms), 0);
	assert_int_equal(ms, 1250);
	assert_int_equal(vb_parse_seconds("0.001", &ms), 0);
	assert_int_equal(ms, 1);
	assert_int_equal(vb_parse_seconds("86400", &ms), 0);
	assert_int_equal(vb_parse_seconds("0", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds("0.000", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds("86401", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds("1.2345", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds(".5", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds("1.", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds("-1", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds("1s", &ms), -EINVAL);
	assert_int_equal(vb_parse_seconds("", &ms), -EINVAL);
}

static void test_sel_operands(void **state)
{
	struct vb_select s;
	char err[512];
	char *ops[] = { "ids=10de:249d", "01:00.0", "0000:01:00.0", "ids=10de:228b:103c:88d1", "2:00.0" };

	(void)state;
	assert_int_equal(vb_select_load(&s, ops, 4, err, sizeof(err)), 1);
	assert_string_equal(s.source, "the arguments");
	assert_int_equal(s.naddrs, 1);	/* the same device twice */
	assert_string_equal(s.addrs[0], "0000:01:00.0");
	assert_int_equal(s.ids.n, 2);
	assert_string_equal(s.ids_text, "10de:249d,10de:228b:103c:88d1");
	vb_select_free(&s);

	assert_int_equal(vb_select_load(&s, ops + 4, 1, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'2:00.0': not a PCI address"));
	vb_select_free(&s);
	{
		char *bad[] = { "ids=10de:249d,zz" };
		assert_int_equal(vb_select_load(&s, bad, 1, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "bad id 'zz'"));
		vb_select_free(&s);
	}
	{
		char *bad[] = { "ids=" };
		assert_int_equal(vb_select_load(&s, bad, 1, err, sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "empty id list"));
		vb_select_free(&s);
	}
}

static void test_sel_sources(void **state)
{
	struct vb_select s;
	char err[512];

	(void)state;
	/* Nothing anywhere. */
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), 0);
	vb_select_free(&s);
	/* The conf file. */
	unit_puts(root, "etc/vfiobox.conf", "# x\nclaim=01:00.0,02:00.0\nhda=none\n");
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), 1);
	assert_string_equal(s.source, "/etc/vfiobox.conf");
	assert_int_equal(s.naddrs, 2);
	assert_string_equal(s.addrs[1], "0000:02:00.0");
	assert_string_equal(s.hda, "none");
	vb_select_free(&s);
	/* The kernel command line wins over the file. */
	unit_puts(root, "proc/cmdline", "ro vfiobox.ids=10de:249d vfiobox.hda=host quiet\n");
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), 1);
	assert_string_equal(s.source, "the kernel command line");
	assert_int_equal(s.naddrs, 0);
	assert_int_equal(s.ids.n, 1);
	assert_string_equal(s.hda, "host");
	vb_select_free(&s);
	/* Bad values are named with their source. */
	unit_puts(root, "proc/cmdline", "vfiobox.claim=01:00.0 vfiobox.hda=off\n");
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "vfiobox.hda=off (kernel command line): want vfio, none or host");
	vb_select_free(&s);
	unit_puts(root, "proc/cmdline", "vfiobox.claim=01:00.0,\n");
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "empty address"));
	vb_select_free(&s);
	unit_puts(root, "proc/cmdline", "ro\n");
	unit_puts(root, "etc/vfiobox.conf", "ids=10de:249d\nbogus\n");
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "/etc/vfiobox.conf:2: bad line (want KEY=VALUE, KEY one of ids, "
			    "claim, hda; '#' comments)");
	vb_select_free(&s);
	/* hda= alone selects nothing, but a bad one is still reported. */
	unit_puts(root, "etc/vfiobox.conf", "hda=vfio\n");
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), 0);
	vb_select_free(&s);
	unit_puts(root, "etc/vfiobox.conf", "hda=sometimes\n");
	assert_int_equal(vb_select_load(&s, NULL, 0, err, sizeof(err)), -EINVAL);
	vb_select_free(&s);
	/* An unreadable file (a symlink loop). */
	{
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/etc/vfiobox.conf", root);
		unlink(p);
		assert_int_equal(symlink("vfiobox.conf", p), 0);
		assert_true(vb_select_load(&s, NULL, 0, err, sizeof(err)) < 0);
		assert_non_null(strstr(err, "/etc/vfiobox.conf: cannot read"));
		vb_select_free(&s);
		unlink(p);
	}
}

/* ---- selection ---- */

static struct vb_seldev *in_set(struct vb_devset *set, const char *addr)
{
	size_t i;

	for (i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].d.addr, addr))
			return &set->v[i];
	return NULL;
}

static void test_select(void **state)
{
	struct vb_select s;
	struct vb_devset set;
	struct vb_seldev *e;
	char err[256], bad[VB_BDF_LEN];
	char *ops[] = { "ids=10de:249d" };
	char *absent[] = { "05:00.0" };
	char *hda[] = { "01:00.1" };
	char *onboard[] = { "01:00.0", "00:1f.3" };

	(void)state;
	assert_int_equal(vb_select_load(&s, ops, 1, err, sizeof(err)), 1);
	assert_int_equal(vb_select_devices(&s, 0, &set, bad), 0);
	assert_int_equal(set.n, 3);
	/* sorted by address */
	assert_string_equal(set.v[0].d.addr, "0000:00:01.0");
	assert_string_equal(set.v[1].d.addr, "0000:01:00.0");
	assert_string_equal(set.v[2].d.addr, "0000:01:00.1");
	e = in_set(&set, "0000:01:00.0");
	assert_int_equal(e->why, VB_WHY_IDS);
	assert_false(e->bridge);
	assert_false(e->hda);
	assert_string_equal(e->d.driver, "nvidia");
	e = in_set(&set, "0000:01:00.1");
	assert_int_equal(e->why, VB_WHY_GROUP);
	assert_string_equal(e->via, "0000:01:00.0");
	assert_true(e->hda);
	e = in_set(&set, "0000:00:01.0");
	assert_true(e->bridge);
	assert_int_equal(e->why, VB_WHY_GROUP);
	vb_devset_free(&set);

	assert_int_equal(vb_select_devices(&s, 1, &set, bad), 0);
	assert_int_equal(set.n, 1);
	vb_devset_free(&set);
	vb_select_free(&s);

	/* The HDA function alone, its GPU not in the set: found by its slot. */
	assert_int_equal(vb_select_load(&s, hda, 1, err, sizeof(err)), 1);
	assert_int_equal(vb_select_devices(&s, 1, &set, bad), 0);
	assert_int_equal(set.n, 1);
	assert_true(set.v[0].hda);
	vb_devset_free(&set);
	vb_select_free(&s);
	/* Onboard audio next to a display function of another slot: not HDA. */
	assert_int_equal(vb_select_load(&s, onboard, 2, err, sizeof(err)), 1);
	assert_int_equal(vb_select_devices(&s, 1, &set, bad), 0);
	e = in_set(&set, "0000:00:1f.3");
	assert_non_null(e);
	assert_false(e->hda);
	vb_devset_free(&set);
	vb_select_free(&s);

	assert_int_equal(vb_select_load(&s, absent, 1, err, sizeof(err)), 1);
	assert_int_equal(vb_select_devices(&s, 0, &set, bad), -ENODEV);
	assert_string_equal(bad, "0000:05:00.0");
	assert_int_equal(set.n, 0);
	vb_select_free(&s);
}

static void test_classify(void **state)
{
	(void)state;
	assert_true(vb_pcidev_is_hda("0000:01:00.1", 0x040300));
	/* onboard audio: no display function in its slot */
	assert_false(vb_pcidev_is_hda("0000:00:1f.3", 0x040380));
	assert_false(vb_pcidev_is_hda("0000:01:00.0", 0x030000));
	assert_true(vb_pcidev_is_bridge("0000:00:01.0", 0x060400));
	assert_true(vb_pcidev_is_bridge("0000:01:00.0", 0x060000));	/* by class */
	assert_false(vb_pcidev_is_bridge("0000:01:00.0", 0x030000));
	/* by the header type alone */
	assert_true(vb_pcidev_is_bridge("0000:00:01.0", 0x088000));
}

static void test_iommu(void **state)
{
	char p[PATH_MAX];

	(void)state;
	assert_true(vb_iommu_on());
	assert_false(vb_iommu_noiommu());
	unit_puts(root, "proc/cmdline", "ro vfio.enable_unsafe_noiommu_mode=1\n");
	assert_true(vb_iommu_noiommu());
	unit_puts(root, "proc/cmdline", "ro vfio.enable_unsafe_noiommu_mode\n");
	assert_true(vb_iommu_noiommu());
	unit_puts(root, "proc/cmdline", "ro vfio.enable_unsafe_noiommu_mode=0\n");
	assert_false(vb_iommu_noiommu());
	/* The module parameter, once vfio is loaded, is the truth. */
	unit_puts(root, "proc/cmdline", "ro vfio.enable_unsafe_noiommu_mode=1\n");
	unit_puts(root, "sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N\n");
	assert_false(vb_iommu_noiommu());
	unit_puts(root, "sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "Y\n");
	assert_true(vb_iommu_noiommu());
	/* No groups, no IOMMU class entries: off. */
	snprintf(p, sizeof(p), "rm -rf '%s/sys/kernel/iommu_groups'", root);
	assert_int_equal(system(p), 0);
	assert_false(vb_iommu_on());
	unit_puts(root, "sys/class/iommu/dmar0/x", "");
	assert_true(vb_iommu_on());
}

static void test_viable(void **state)
{
	char why[256];
	char p[PATH_MAX];

	(void)state;
	assert_int_equal(vb_iommu_group_viable(1, why, sizeof(why)), 0);
	assert_string_equal(why, "0000:01:00.0 on nvidia, 0000:01:00.1 on snd_hda_intel");
	/* vfio-pci for the GPU, the HDA unbound: viable (the bridge is fine). */
	snprintf(p, sizeof(p), "%s/sys/devices/pci0000:00/0000:01:00.0/driver", root);
	unlink(p);
	assert_int_equal(symlink("../../../bus/pci/drivers/vfio-pci", p), 0);
	snprintf(p, sizeof(p), "%s/sys/devices/pci0000:00/0000:01:00.1/driver", root);
	unlink(p);
	assert_int_equal(vb_iommu_group_viable(1, why, sizeof(why)), 1);
	assert_string_equal(why, "");
	assert_int_equal(vb_iommu_group_viable(99, why, sizeof(why)), -ENOENT);
	/* An LPC function (class 0601, header type 0) on its host driver in the
	 * group: an endpoint, so the group is not viable; unbound it is. */
	dev("0000:00:1f.0", 0x8086, 0xa305, 0x060100, "lpc_ich", 1, NULL, 0);
	assert_int_equal(vb_iommu_group_viable(1, why, sizeof(why)), 0);
	assert_string_equal(why, "0000:00:1f.0 on lpc_ich");
	assert_false(vb_pcidev_dma_ok("0000:00:1f.0", 0x060100, "lpc_ich"));
	assert_true(vb_pcidev_dma_ok("0000:00:1f.0", 0x060100, ""));
	assert_true(vb_pcidev_dma_ok("0000:00:1f.0", 0x060100, "pci-stub"));
	/* A bridge header keeps any driver (vfio before 5.19); pcieport always. */
	assert_true(vb_pcidev_dma_ok("0000:00:01.0", 0x060400, "shpchp"));
	assert_true(vb_pcidev_dma_ok("0000:01:00.0", 0x030000, "pcieport"));
	assert_false(vb_pcidev_dma_ok("0000:01:00.0", 0x030000, "nvidia"));
	assert_true(vb_pcidev_dma_ok("0000:01:00.0", 0x030000, "vfio-pci"));
}

static void test_holders(void **state)
{
	char buf[512];

	(void)state;
	assert_int_equal(vb_holders_find("0000:01:00.0", "nvidia", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "");
	unit_puts(root, "proc/812/comm", "Xorg\n");
	unit_link(root, "proc/812/fd/3", "/dev/nvidia0");
	unit_link(root, "proc/812/fd/4", "/dev/nvidiactl");
	unit_link(root, "proc/812/fd/5", "/dev/nvidia0");
	unit_link(root, "proc/812/fd/6", "/dev/null");
	unit_puts(root, "proc/77/comm", "pipewire\n");
	unit_puts(root, "sys/devices/pci0000:00/0000:01:00.1/sound/card1/id", "NVidia\n");
	unit_link(root, "proc/77/fd/9", "/dev/snd/controlC1");
	unit_link(root, "proc/77/fd/10", "/dev/snd/pcmC1D3p");
	unit_link(root, "proc/77/fd/11", "/dev/snd/pcmC0D0p");
	unit_puts(root, "proc/self/comm", "x\n");	/* not a pid: skipped */
	unit_puts(root, "sys/module/nvidia/refcnt", "3\n");
	assert_int_equal(vb_holders_find("0000:01:00.0", "nvidia", buf, sizeof(buf), NULL), 1);
	assert_string_equal(buf, "Xorg (pid 812: /dev/nvidia0, /dev/nvidiactl); module nvidia use count 3");
	assert_int_equal(vb_holders_find("0000:01:00.1", "snd_hda_intel", buf, sizeof(buf), NULL), 1);
	/* fds in directory order as sorted names: "10" before "9" */
	assert_string_equal(buf, "pipewire (pid 77: /dev/snd/pcmC1D3p, /dev/snd/controlC1)");
	/* vfio-pci: the group's node */
	unit_puts(root, "proc/4242/comm", "qemu-system-x86\n");
	unit_link(root, "proc/4242/fd/20", "/dev/vfio/1");
	assert_int_equal(vb_holders_find("0000:01:00.0", "vfio-pci", buf, sizeof(buf), NULL), 1);
	assert_string_equal(buf, "qemu-system-x86 (pid 4242: /dev/vfio/1)");
	/* the device cdev: another device's does not hold this one, its own does */
	unit_puts(root, "proc/4300/comm", "qemu-iommufd\n");
	unit_link(root, "proc/4300/fd/5", "/dev/vfio/devices/vfio3");
	unit_puts(root, "sys/devices/pci0000:00/0000:01:00.0/vfio-dev/vfio2/dev", "511:2\n");
	assert_int_equal(vb_holders_find("0000:01:00.0", "vfio-pci", buf, sizeof(buf), NULL), 1);
	assert_string_equal(buf, "qemu-system-x86 (pid 4242: /dev/vfio/1)");
	unit_link(root, "proc/4300/fd/6", "/dev/vfio/devices/vfio2");
	assert_int_equal(vb_holders_find("0000:01:00.0", "vfio-pci", buf, sizeof(buf), NULL), 2);
	assert_string_equal(buf, "qemu-system-x86 (pid 4242: /dev/vfio/1); qemu-iommufd (pid 4300: "
			    "/dev/vfio/devices/vfio2)");
	/* its framebuffer (fbdev emulation of its DRM driver) */
	unit_puts(root, "sys/devices/pci0000:00/0000:01:00.0/graphics/fb1/dev", "29:1\n");
	unit_puts(root, "proc/900/comm", "plymouthd\n");
	unit_link(root, "proc/900/fd/7", "/dev/fb1");
	unit_link(root, "proc/900/fd/8", "/dev/fb0");
	assert_int_equal(vb_holders_find("0000:01:00.0", "nvidia", buf, sizeof(buf), NULL), 2);
	assert_string_equal(buf, "Xorg (pid 812: /dev/nvidia0, /dev/nvidiactl); plymouthd (pid 900: "
			    "/dev/fb1); module nvidia use count 3");
}

/* Processes that exit during the scan hold nothing: a pid whose fd directory
 * has gone (ENOENT), one whose comm has gone after its fds were read, an fd
 * closed between the listing and the readlink (not a link any more). None of
 * them counts as unreadable, and the rest of the scan goes on. */
static void test_holders_exiting(void **state)
{
	char buf[512], p[PATH_MAX];
	struct vb_act dry = { 1, 0, NULL };
	int unreadable = -1;

	(void)state;
	unit_puts(root, "proc/555/comm", "gone-fd\n");
	unit_link(root, "proc/557/fd/3", "/dev/nvidia0");	/* no comm: it exited */
	unit_puts(root, "proc/558/comm", "closed\n");
	unit_puts(root, "proc/558/fd/4", "");			/* not a link: closed */
	unit_puts(root, "proc/812/comm", "Xorg\n");
	unit_link(root, "proc/812/fd/3", "/dev/nvidia0");
	assert_int_equal(vb_holders_find("0000:01:00.0", "nvidia", buf, sizeof(buf), &unreadable), 1);
	assert_string_equal(buf, "Xorg (pid 812: /dev/nvidia0)");
	assert_int_equal(unreadable, 0);
	/* the check: refused, forced, planned; nobody at all: 0 */
	assert_int_equal(vb_holders_check(NULL, "0000:01:00.0", "nvidia", 0, buf, sizeof(buf)), -EBUSY);
	assert_string_equal(buf, "Xorg (pid 812: /dev/nvidia0)");
	assert_int_equal(vb_holders_check(NULL, "0000:01:00.0", "nvidia", 1, buf, sizeof(buf)), 1);
	assert_int_equal(vb_holders_check(&dry, "0000:01:00.0", "nvidia", 0, buf, sizeof(buf)), 1);
	snprintf(p, sizeof(p), "%s/proc/812/fd/3", root);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(vb_holders_check(NULL, "0000:01:00.0", "nvidia", 0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

/* ---- the bounded unbind ---- */

static void test_unbind(void **state)
{
	char buf[64], p[PATH_MAX];
	struct vb_act dry = { 1, 0, NULL };
	pid_t pend = -1;
	char *mem = NULL;
	size_t memlen = 0;
	long long t0;
	int r, fd;

	(void)state;
	/* A plain file takes the write. */
	assert_int_equal(vb_unbind(NULL, "01:00.0", "nvidia", 1000, &pend), 0);
	assert_int_equal(pend, 0);
	slurp("sys/bus/pci/drivers/nvidia/unbind", buf, sizeof(buf));
	assert_string_equal(buf, "0000:01:00.0");
	/* A driver that does not exist. */
	assert_int_equal(vb_unbind(NULL, "01:00.0", "nouveau", 1000, &pend), -ENOENT);
	assert_int_equal(vb_unbind(NULL, "01:00.0", "../x", 1000, &pend), -EINVAL);
	assert_int_equal(vb_unbind(NULL, "1:0.0", "nvidia", 1000, &pend), -EINVAL);
	/* A dry run prints it and writes nothing. */
	dry.out = open_memstream(&mem, &memlen);
	assert_int_equal(vb_unbind(&dry, "01:00.1", "snd_hda_intel", 1000, &pend), 0);
	fclose(dry.out);
	assert_string_equal(mem, "echo 0000:01:00.1 > /sys/bus/pci/drivers/snd_hda_intel/unbind\n");
	free(mem);
	/* A write that blocks (a FIFO nobody reads, as remove() waiting for
	 * users): bounded, and the child is left pending. */
	snprintf(p, sizeof(p), "%s/sys/bus/pci/drivers/nvidia/unbind", root);
	unlink(p);
	assert_int_equal(mkfifo(p, 0644), 0);
	t0 = vb_now_ms();
	r = vb_unbind(NULL, "01:00.0", "nvidia", 150, &pend);
	assert_int_equal(r, -ETIMEDOUT);
	assert_true(vb_now_ms() - t0 < 2000);
	assert_true(pend > 0);
	/* Let it through: open the reader; the child writes and exits. */
	fd = open(p, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(waitpid(pend, NULL, 0), pend);
	r = (int)read(fd, buf, sizeof(buf) - 1);
	assert_int_equal(r, 12);
	close(fd);
}

/* ---- plans and the transaction ---- */

static void test_plan(void **state)
{
	struct vb_rebind v;

	(void)state;
	assert_int_equal(vb_rebind_plan(&v, "01:00.0", "vfio-pci"), 1);
	assert_string_equal(v.addr, "0000:01:00.0");
	assert_true(v.set_override);
	assert_string_equal(v.unbind, "nvidia");
	assert_true(v.probe);
	assert_string_equal(v.old_driver, "nvidia");
	assert_string_equal(v.old_override, "");

	assert_int_equal(vb_rebind_plan(&v, "01:00.1", VB_TARGET_NONE), 1);
	assert_true(v.set_override);
	assert_string_equal(v.unbind, "snd_hda_intel");
	assert_false(v.probe);

	/* Not held by vfio: nothing to give back. */
	assert_int_equal(vb_rebind_plan(&v, "01:00.0", VB_TARGET_BACK), 0);
	assert_int_equal(vb_rebind_plan(&v, "05:00.0", "vfio-pci"), -ENODEV);
	assert_int_equal(vb_rebind_plan(&v, "01:00.0", "a/b"), -EINVAL);
	assert_int_equal(vb_rebind_plan(&v, "zz", "vfio-pci"), -EINVAL);

	/* On vfio-pci with the override: claimed already, release has work. */
	dev("0000:03:00.0", 0x10de, 0x1b80, 0x030000, "vfio-pci", 5, "vfio-pci\n", 0);
	assert_int_equal(vb_rebind_plan(&v, "03:00.0", "vfio-pci"), 0);
	assert_int_equal(vb_rebind_plan(&v, "03:00.0", VB_TARGET_BACK), 1);
	assert_true(v.set_override);
	assert_string_equal(v.unbind, "vfio-pci");
	assert_true(v.probe);
	/* On vfio-pci without the override (vfio-pci.ids=): only the override. */
	dev("0000:04:00.0", 0x10de, 0x1b80, 0x030000, "vfio-pci", 6, NULL, 0);
	assert_int_equal(vb_rebind_plan(&v, "04:00.0", "vfio-pci"), 1);
	assert_true(v.set_override);
	assert_string_equal(v.unbind, "");
	assert_false(v.probe);
	/* Parked: none already; release clears it and probes. */
	dev("0000:04:00.1", 0x10de, 0x10f0, 0x040300, NULL, 6, "none\n", 0);
	assert_int_equal(vb_rebind_plan(&v, "04:00.1", VB_TARGET_NONE), 0);
	assert_int_equal(vb_rebind_plan(&v, "04:00.1", VB_TARGET_BACK), 1);
	assert_string_equal(v.unbind, "");
	assert_true(v.probe);
	/* Waiting for vfio-pci (override set, unbound): probe only. */
	dev("0000:04:00.2", 0x10de, 0x1ad8, 0x0c0330, NULL, 6, "vfio-pci\n", 0);
	assert_int_equal(vb_rebind_plan(&v, "04:00.2", "vfio-pci"), 1);
	assert_false(v.set_override);
	assert_true(v.probe);
}

/* The plan from a state already read is the plan that reads it. */
static void test_plan_known(void **state)
{
	static const struct { const char *addr, *target, *driver, *override; } c[] = {
		{ "0000:01:00.0", "vfio-pci", "nvidia", "" },
		{ "0000:01:00.1", VB_TARGET_NONE, "snd_hda_intel", "" },
		{ "0000:01:00.0", VB_TARGET_BACK, "nvidia", "" },
		{ "0000:03:00.0", "vfio-pci", "vfio-pci", "vfio-pci" },
		{ "0000:03:00.0", VB_TARGET_BACK, "vfio-pci", "vfio-pci" },
		{ "0000:04:00.1", VB_TARGET_BACK, "", "none" },
		{ "0000:04:00.2", "vfio-pci", "", "vfio-pci" },
	};
	struct vb_rebind a, b;
	size_t i;

	(void)state;
	dev("0000:03:00.0", 0x10de, 0x1b80, 0x030000, "vfio-pci", 5, "vfio-pci\n", 0);
	dev("0000:04:00.1", 0x10de, 0x10f0, 0x040300, NULL, 6, "none\n", 0);
	dev("0000:04:00.2", 0x10de, 0x1ad8, 0x0c0330, NULL, 6, "vfio-pci\n", 0);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		int r = vb_rebind_plan(&a, c[i].addr, c[i].target);
		assert_int_equal(vb_rebind_plan_known(&b, c[i].addr, c[i].target, c[i].driver,
						      c[i].override), r);
		assert_string_equal(a.addr, b.addr);
		assert_string_equal(a.target, b.target);
		assert_string_equal(a.old_driver, b.old_driver);
		assert_string_equal(a.old_override, b.old_override);
		assert_string_equal(a.driver, b.driver);
		assert_string_equal(a.unbind, b.unbind);
		assert_int_equal(a.set_override, b.set_override);
		assert_int_equal(a.probe, b.probe);
		assert_int_equal(a.group, b.group);
	}
	/* It checks what it is given as vb_rebind_plan does, and reads nothing:
	 * a device not on the bus is planned from the state given. */
	assert_int_equal(vb_rebind_plan_known(&b, "zz", "vfio-pci", "", ""), -EINVAL);
	assert_int_equal(vb_rebind_plan_known(&b, "01:00.0", "a/b", "nvidia", ""), -EINVAL);
	assert_int_equal(vb_rebind_plan_known(&b, "05:00.0", "vfio-pci", "nvidia", ""), 1);
	assert_string_equal(b.unbind, "nvidia");
}

static void test_run_dry(void **state)
{
	struct vb_act a = { 1, 0, NULL };
	struct vb_rebind_ctx c;
	struct vb_rebind v[2];
	char *mem = NULL;
	size_t len = 0;

	(void)state;
	/* vfio-pci and the IOMMU backend loaded: no modprobe step. */
	unit_puts(root, "sys/module/vfio_pci/initstate", "live\n");
	unit_puts(root, "sys/module/vfio_iommu_type1/initstate", "live\n");
	a.out = open_memstream(&mem, &len);
	assert_int_equal(vb_rebind_plan(&v[0], "01:00.0", "vfio-pci"), 1);
	assert_int_equal(vb_rebind_plan(&v[1], "01:00.1", VB_TARGET_NONE), 1);
	vb_rebind_ctx_init(&c, &a);
	assert_int_equal(vb_rebind_run(&c, v, 2), 0);
	fclose(a.out);
	assert_string_equal(mem,
		"# vfio_iommu_type1 (the IOMMU backend a VM needs) is loaded already\n"
		"echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		"echo none > /sys/bus/pci/devices/0000:01:00.1/driver_override\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers/nvidia/unbind\n"
		"echo 0000:01:00.1 > /sys/bus/pci/drivers/snd_hda_intel/unbind\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers_probe\n");
	free(mem);
}

/* The IOMMU backend, step 0: shown first in a dry run; missing, the run
 * stops before any write. */
static void test_run_backend(void **state)
{
	struct vb_act dry = { 1, 0, NULL }, real = { 0, 0, NULL };
	struct vb_rebind_ctx c;
	struct vb_rebind v[1];
	char *mem = NULL, buf[64];
	size_t len = 0;

	(void)state;
	unit_puts(root, "sys/module/vfio_pci/initstate", "live\n");
	unit_puts(root, "proc/sys/kernel/osrelease", "6.1.0-test\n");
	unit_puts(root, "lib/modules/6.1.0-test/modules.dep", "kernel/drivers/vfio/vfio_iommu_type1.ko:\n");
	dry.out = open_memstream(&mem, &len);
	assert_int_equal(vb_rebind_plan(&v[0], "01:00.0", "vfio-pci"), 1);
	vb_rebind_ctx_init(&c, &dry);
	assert_int_equal(vb_rebind_run(&c, v, 1), 0);
	fclose(dry.out);
	assert_string_equal(mem,
		"modprobe vfio_iommu_type1\n"
		"echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers/nvidia/unbind\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers_probe\n");
	free(mem);
	/* Neither vfio_iommu_type1 nor iommufd: no write at all. */
	unit_puts(root, "lib/modules/6.1.0-test/modules.dep", "kernel/drivers/vfio/vfio.ko:\n");
	vb_rebind_ctx_init(&c, &real);
	assert_int_equal(vb_rebind_run(&c, v, 1), -ENOENT);
	assert_string_equal(c.fail_step, "modprobe vfio_iommu_type1");
	assert_non_null(strstr(c.fail_detail, "no IOMMU backend for a VM on kernel 6.1.0-test"));
	assert_int_equal(v[0].done_override, 0);
	slurp("sys/devices/pci0000:00/0000:01:00.0/driver_override", buf, sizeof(buf));
	assert_string_equal(buf, "(null)\n");	/* untouched */
}

/* On a tree with no kernel behind it nothing binds: the claim fails at the
 * verification and the undo puts the overrides back. */
static void test_run_fail_undo(void **state)
{
	struct vb_act a = { 0, 0, NULL };
	struct vb_rebind_ctx c;
	struct vb_rebind v[2];
	char buf[64];

	(void)state;
	unit_puts(root, "sys/module/vfio_pci/initstate", "live\n");
	unit_puts(root, "sys/module/vfio_iommu_type1/initstate", "live\n");
	assert_int_equal(vb_rebind_plan(&v[0], "01:00.0", "vfio-pci"), 1);
	assert_int_equal(vb_rebind_plan(&v[1], "01:00.1", "vfio-pci"), 1);
	vb_rebind_ctx_init(&c, &a);
	c.probe_wait_ms = 50;
	assert_int_equal(vb_rebind_run(&c, v, 2), -EBUSY);
	assert_int_equal(c.stuck, 0);
	assert_string_equal(c.fail_addr, "0000:01:00.0");
	assert_string_equal(c.fail_step, "verify");
	/* the unbind write went nowhere: nvidia still has it */
	assert_string_equal(c.fail_detail, "still bound to nvidia after the unbind");
	/* The overrides were cleared again ("\n", the kernel's way). */
	slurp("sys/devices/pci0000:00/0000:01:00.0/driver_override", buf, sizeof(buf));
	assert_string_equal(buf, "\n");
	slurp("sys/devices/pci0000:00/0000:01:00.1/driver_override", buf, sizeof(buf));
	assert_string_equal(buf, "\n");
	slurp("sys/bus/pci/drivers_probe", buf, sizeof(buf));
	assert_string_equal(buf, "0000:01:00.1");

	/* The device is gone when the undo comes: exit-3 material. */
	{
		char p[PATH_MAX];
		assert_int_equal(vb_rebind_plan(&v[0], "01:00.0", "vfio-pci"), 1);
		snprintf(p, sizeof(p), "%s/sys/bus/pci/drivers/nvidia/unbind", root);
		/* make the unbind fail: a directory cannot be written */
		unlink(p);
		assert_int_equal(mkdir(p, 0755), 0);
		vb_rebind_ctx_init(&c, &a);
		c.probe_wait_ms = 50;
		assert_true(vb_rebind_run(&c, v, 1) < 0);
		assert_string_equal(c.fail_step, "unbind");
		assert_int_equal(c.stuck, 0);	/* the override went back */
		rmdir(p);
	}
}

/* Putting a device back after the kernel created it again: the keep read
 * before, each kind of plan (override, host driver, nothing), the plan from
 * a predicted state for a dry run, and a run whose host driver did not
 * come back, which names it. */
static void test_keep(void **state)
{
	struct vb_act a = { 0, 0, NULL }, dry = { 1, 0, NULL };
	struct vb_rebind_keep k, none = { "", "" }, vf = { "vfio-pci", "vfio-pci" },
			     host = { "nvidia", "" }, parked = { "", "none" }, bad = { "a/b", "" };
	struct vb_rebind_ctx c;
	struct vb_rebind v;
	char *mem = NULL;
	size_t len = 0;

	(void)state;
	dev("0000:03:00.0", 0x10de, 0x1b80, 0x030000, "vfio-pci", 5, "vfio-pci\n", 0);
	assert_int_equal(vb_rebind_keep_get("0000:01:00.0", &k), 0);
	assert_string_equal(k.driver, "nvidia");
	assert_string_equal(k.override, "");
	assert_int_equal(vb_rebind_keep_get("0000:03:00.0", &k), 0);
	assert_string_equal(k.driver, "vfio-pci");
	assert_string_equal(k.override, "vfio-pci");
	assert_int_equal(vb_rebind_keep_get("0000:09:00.0", &k), -ENODEV);

	/* It had nothing: nothing to do, whatever is bound. */
	assert_int_equal(vb_rebind_plan_keep(&v, "01:00.0", &none, NULL), 0);
	/* Its host driver, which has it: nothing to do. */
	assert_int_equal(vb_rebind_plan_keep(&v, "01:00.0", &host, NULL), 0);
	assert_string_equal(v.want, "nvidia");
	/* Its host driver, and another has it: off that one, probed. */
	assert_int_equal(vb_rebind_plan_keep(&v, "01:00.1", &host, NULL), 1);
	assert_string_equal(v.target, VB_TARGET_BACK);
	assert_string_equal(v.unbind, "snd_hda_intel");
	assert_true(v.probe);
	assert_false(v.set_override);
	/* On vfio-pci with no override (its ids= took it): no unbind. */
	{
		struct vb_rebind_keep ids = { "vfio-pci", "" };
		assert_int_equal(vb_rebind_plan_keep(&v, "03:00.0", &ids, ""), 1);
		assert_true(v.probe);
		assert_string_equal(v.unbind, "");
		assert_int_equal(vb_rebind_plan_keep(&v, "03:00.0", &ids, "vfio-pci"), 0);
	}
	/* The override again: the plan vb_rebind_plan makes for its driver. */
	assert_int_equal(vb_rebind_plan_keep(&v, "01:00.0", &vf, NULL), 1);
	assert_string_equal(v.target, "vfio-pci");
	assert_string_equal(v.unbind, "nvidia");
	assert_true(v.set_override);
	assert_int_equal(vb_rebind_plan_keep(&v, "03:00.0", &vf, NULL), 0);
	assert_int_equal(vb_rebind_plan_keep(&v, "01:00.1", &parked, NULL), 1);
	assert_string_equal(v.target, VB_TARGET_NONE);
	assert_string_equal(v.unbind, "snd_hda_intel");
	assert_false(v.probe);
	assert_int_equal(vb_rebind_plan_keep(&v, "01:00.0", &bad, NULL), -EINVAL);
	assert_int_equal(vb_rebind_plan_keep(&v, "09:00.0", &vf, NULL), -ENODEV);

	/* Predicted: a device not on the bus yet, as the kernel will create it
	 * (no override, the guessed host driver bound), in a dry run. */
	assert_int_equal(vb_rebind_plan_keep(&v, "09:00.0", &vf, "nvidia"), 1);
	assert_string_equal(v.old_override, "");
	unit_puts(root, "sys/module/vfio_pci/initstate", "live\n");
	a.out = NULL;
	dry.out = open_memstream(&mem, &len);
	vb_rebind_ctx_init(&c, &dry);
	assert_int_equal(vb_rebind_run(&c, &v, 1), 0);
	fclose(dry.out);
	/* The IOMMU backend first: the device gets its group when it comes. */
	assert_string_equal(mem,
		"modprobe vfio_iommu_type1\n"
		"echo vfio-pci > /sys/bus/pci/devices/0000:09:00.0/driver_override\n"
		"echo 0000:09:00.0 > /sys/bus/pci/drivers/nvidia/unbind\n"
		"echo 0000:09:00.0 > /sys/bus/pci/drivers_probe\n");
	free(mem);

	/* The driver each ends on, and the dry run of the put-back in words. */
	assert_string_equal(vb_rebind_keep_driver(&vf), "vfio-pci");
	assert_string_equal(vb_rebind_keep_driver(&parked), "");
	assert_string_equal(vb_rebind_keep_driver(&host), "nvidia");
	mem = NULL;
	dry.out = open_memstream(&mem, &len);
	vb_rebind_ctx_init(&c, &dry);
	assert_int_equal(vb_rebind_keep_show(&c, "09:00.0", &vf, "nvidia"), 0);
	assert_int_equal(vb_rebind_keep_show(&c, "09:00.0", &host, "nvidia"), 0);
	assert_int_equal(vb_rebind_keep_show(&c, "09:00.0", &bad, ""), -EINVAL);
	fclose(dry.out);
	assert_string_equal(mem,
		"# the kernel forgets driver_override when it creates 0000:09:00.0 again, and nvidia likely takes it\n"
		"modprobe vfio_iommu_type1\n"
		"echo vfio-pci > /sys/bus/pci/devices/0000:09:00.0/driver_override\n"
		"echo 0000:09:00.0 > /sys/bus/pci/drivers/nvidia/unbind\n"
		"echo 0000:09:00.0 > /sys/bus/pci/drivers_probe\n"
		"# verify: 0000:09:00.0 is on vfio-pci\n"
		"# nvidia binds 0000:09:00.0 by itself when the kernel creates it\n"
		"# verify: 0000:09:00.0 is on nvidia\n");
	free(mem);

	/* A real run on a tree that binds nothing: the HDA function is to go
	 * back to nvidia (as if nvidia had it), the unbind from snd_hda_intel
	 * changes nothing here, and the failure names the driver that has it. */
	assert_int_equal(vb_rebind_plan_keep(&v, "01:00.1", &host, NULL), 1);
	vb_rebind_ctx_init(&c, &a);
	c.probe_wait_ms = 30;
	assert_int_equal(vb_rebind_run(&c, &v, 1), -EBUSY);
	assert_string_equal(c.fail_step, "verify");
	assert_string_equal(c.fail_detail, "snd_hda_intel took it instead of nvidia");
	assert_int_equal(c.stuck, 0);
}

static void test_describe(void **state)
{
	char buf[256];

	(void)state;
	vb_rebind_describe("0000:01:00.0", buf, sizeof(buf));
	assert_string_equal(buf, "no driver_override, bound to nvidia");
	dev("0000:04:00.1", 0x10de, 0x10f0, 0x040300, NULL, 6, "none\n", 0);
	vb_rebind_describe("0000:04:00.1", buf, sizeof(buf));
	assert_string_equal(buf, "driver_override none, no driver");
	vb_rebind_describe("0000:09:00.0", buf, sizeof(buf));
	assert_string_equal(buf, "gone from the bus");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seconds),
		cmocka_unit_test_setup_teardown(test_sel_operands, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sel_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(test_select, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iommu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_viable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holders_exiting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plan_known, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_dry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_fail_undo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_backend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
