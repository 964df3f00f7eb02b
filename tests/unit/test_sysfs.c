/* Unit tests for lib/sysfs: rooting, reads, the write helper, links, lists,
 * errno meanings. */
#include "unit.h"

#include "base/sysfs.h"

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

static int count_fds(void)
{
	char **v;
	size_t n;
	int k;

	assert_int_equal(vb_sysfs_list("/proc/self/fd", &v, &n), 0);
	k = (int)n;
	vb_sysfs_list_free(v, n);
	return k;
}

/* A device's attributes are reached through a directory fd kept for it; the
 * answers must stay those of the path when the device leaves, comes back
 * somewhere else, or more devices are asked about than fds are kept. */
static void test_device_moves(void **state)
{
	char *r = unit_tmpdir(), p[VB_PATH_MAX], buf[32], rel[128], tgt[128];
	int fds, i;

	(void)state;
	vb_sysfs_set_root(r);
	fds = count_fds();
	unit_puts(r, "sys/devices/pci0000:00/0000:01:00.0/driver_override", "\n");
	unit_link(r, "sys/devices/pci0000:00/0000:01:00.0/driver", "../../../bus/pci/drivers/nvidia");
	unit_link(r, "sys/bus/pci/devices/0000:01:00.0", "../../../devices/pci0000:00/0000:01:00.0");
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver");
	assert_int_equal(vb_sysfs_link_name(p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "nvidia");
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver_override");
	assert_int_equal(vb_sysfs_write(p, "vfio-pci"), 0);
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "vfio-pci");
	/* An attribute that is not there, then is. */
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/boot_vga");
	assert_false(vb_sysfs_exists(p));
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), -ENOENT);
	unit_puts(r, "sys/devices/pci0000:00/0000:01:00.0/boot_vga", "1\n");
	assert_true(vb_sysfs_exists(p));
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 1);
	/* The device leaves: every answer is ENOENT... */
	snprintf(rel, sizeof(rel), "%s/sys/devices/pci0000:00/0000:01:00.0", r);
	unit_rmtree(strdup(rel));
	snprintf(rel, sizeof(rel), "%s/sys/bus/pci/devices/0000:01:00.0", r);
	assert_int_equal(unlink(rel), 0);
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver_override");
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vb_sysfs_write(p, "none"), -ENOENT);
	assert_false(vb_sysfs_exists(p));
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver");
	assert_int_equal(vb_sysfs_link_name(p, buf, sizeof(buf)), -ENOENT);
	/* ...and it comes back behind another bridge, on another driver: the
	 * new directory answers, not the one that left. */
	unit_puts(r, "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/driver_override", "\n");
	unit_link(r, "sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/driver",
		  "../../../../bus/pci/drivers/snd_hda_intel");
	unit_link(r, "sys/bus/pci/devices/0000:01:00.0",
		  "../../../devices/pci0000:00/0000:00:01.0/0000:01:00.0");
	assert_int_equal(vb_sysfs_link_name(p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "snd_hda_intel");
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver_override");
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 0);
	assert_int_equal(vb_sysfs_write(p, "vfio-pci"), 0);
	vb_sysfs_path(p, sizeof(p), "/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0/driver_override");
	assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "vfio-pci");
	/* Each kind of access as the first one after the device came back
	 * somewhere else: an open, a link read, a lookup. */
	for (i = 0; i < 6; i++) {
		const char *at = i & 1 ? "0000:00:01.0/" : "";
		char want[16];
		snprintf(rel, sizeof(rel), "%s/sys/devices/pci0000:00", r);
		unit_rmtree(strdup(rel));
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s0000:01:00.0/driver_override", at);
		snprintf(want, sizeof(want), "v%d", i);
		unit_puts(r, rel, want);
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s0000:01:00.0/driver", at);
		snprintf(tgt, sizeof(tgt), "%s../../../bus/pci/drivers/d%d", i & 1 ? "../" : "", i);
		unit_link(r, rel, tgt);
		if (i >= 4) {
			snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/%s0000:01:00.0/rom", at);
			unit_puts(r, rel, "");
		}
		snprintf(rel, sizeof(rel), "%s/sys/bus/pci/devices/0000:01:00.0", r);
		assert_int_equal(unlink(rel), 0);
		snprintf(tgt, sizeof(tgt), "../../../devices/pci0000:00/%s0000:01:00.0", at);
		unit_link(r, "sys/bus/pci/devices/0000:01:00.0", tgt);
		if (i < 2) {
			vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver_override");
			assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 2);
			assert_string_equal(buf, want);
		} else if (i < 4) {
			vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver");
			assert_int_equal(vb_sysfs_link_name(p, buf, sizeof(buf)), 0);
			snprintf(want, sizeof(want), "d%d", i);
			assert_string_equal(buf, want);
		} else {
			vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/rom");
			assert_true(vb_sysfs_exists(p));
		}
		/* and the next access again goes to the new one */
		vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver_override");
		assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), 2);
	}
	/* Many devices, each asked twice: right every time. */
	for (i = 0; i < 40; i++) {
		snprintf(rel, sizeof(rel), "sys/devices/pci0000:00/0000:02:%02x.%x/driver_override", i >> 3, i & 7);
		snprintf(tgt, sizeof(tgt), "drv%d\n", i);
		unit_puts(r, rel, tgt);
		snprintf(rel, sizeof(rel), "sys/bus/pci/devices/0000:02:%02x.%x", i >> 3, i & 7);
		snprintf(tgt, sizeof(tgt), "../../../devices/pci0000:00/0000:02:%02x.%x", i >> 3, i & 7);
		unit_link(r, rel, tgt);
	}
	for (i = 0; i < 80; i++) {
		char want[16];
		int k = (i * 7) % 40;
		vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:02:%02x.%x/driver_override", k >> 3, k & 7);
		snprintf(want, sizeof(want), "drv%d", k);
		assert_int_equal(vb_sysfs_read(p, buf, sizeof(buf)), (int)strlen(want));
		assert_string_equal(buf, want);
	}
	/* Paths that are not a device's attribute go as they are. */
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:02:00.0");
	assert_true(vb_sysfs_exists(p));
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:02:00.0/");
	assert_true(vb_sysfs_exists(p));
	/* Nothing is left open. */
	assert_int_equal(count_fds(), fds);
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
		cmocka_unit_test(test_device_moves),
		cmocka_unit_test(test_strerror),
	};
	return cmocka_run_group_tests_name("sysfs", t, NULL, NULL);
}
