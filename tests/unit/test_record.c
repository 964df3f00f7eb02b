/* Unit tests for lib/record: claim records and the lock. */
#include "unit.h"

#include <sys/wait.h>

#include "base/act.h"
#include "pci/record.h"
#include "base/sysfs.h"

static void test_roundtrip(void **state)
{
	char *r = unit_tmpdir(), **v;
	size_t n;
	struct vb_act dry = { 1, 0, NULL };
	struct vb_record w = { "0000:01:00.0", { 0x10de, 0x249d, 0x103c, 0x88d1, 0x030000 },
			       "nvidia", "vfio-pci", "vfio" }, rd;

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_record_read("01:00.0", &rd), -ENOENT);
	assert_int_equal(vb_record_list(&v, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vb_record_write(&dry, &w), 0);
	assert_int_equal(vb_record_read("01:00.0", &rd), -ENOENT);
	assert_int_equal(vb_record_write(NULL, &w), 0);
	assert_int_equal(vb_record_read("01:00.0", &rd), 0);
	assert_string_equal(rd.addr, "0000:01:00.0");
	assert_int_equal(rd.id.vendor, 0x10de);
	assert_int_equal(rd.id.subdevice, 0x88d1);
	assert_int_equal(rd.id.class, 0x030000);
	assert_string_equal(rd.driver, "nvidia");
	assert_string_equal(rd.target, "vfio-pci");
	assert_string_equal(rd.hda, "vfio");
	strcpy(w.addr, "0000:01:00.1");
	w.driver[0] = 0;
	assert_int_equal(vb_record_write(NULL, &w), 0);
	unit_puts(r, "run/vfiobox/not-an-address", "");
	assert_int_equal(vb_record_list(&v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[1], "0000:01:00.1");
	vb_sysfs_list_free(v, n);
	assert_int_equal(vb_record_read("0000:01:00.1", &rd), 0);
	assert_string_equal(rd.driver, "");
	unit_puts(r, "run/vfiobox/0000:02:00.0", "ids=zz\n");
	assert_int_equal(vb_record_read("0000:02:00.0", &rd), -EINVAL);
	assert_int_equal(vb_record_remove(&dry, "0000:01:00.1"), 0);
	assert_int_equal(vb_record_read("0000:01:00.1", &rd), 0);
	assert_int_equal(vb_record_remove(NULL, "0000:01:00.1"), 0);
	assert_int_equal(vb_record_read("0000:01:00.1", &rd), -ENOENT);
	assert_int_equal(vb_record_remove(NULL, "0000:01:00.1"), 0);
	assert_int_equal(vb_record_read("x/../..", &rd), -EINVAL);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

/* The record of a claim: a device claimed again from no driver or from vfio
 * keeps the host driver its record names, if it is the same device. */
static void test_claimed(void **state)
{
	char *r = unit_tmpdir();
	struct vb_pciids gpu = { 0x10de, 0x249d, 0x103c, 0x88d1, 0x030000 },
			 other = { 0x1002, 0x73df, 0, 0, 0x030000 };
	struct vb_record rd;

	(void)state;
	vb_sysfs_set_root(r);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nvidia", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nvidia");
	assert_string_equal(rd.target, "vfio-pci");
	/* again, from vfio-pci (an earlier claim) and from no driver: kept */
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "vfio-pci", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nvidia");
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "", "none", "none"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nvidia");
	assert_string_equal(rd.target, "none");
	assert_string_equal(rd.hda, "none");
	/* another host driver replaces it */
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nouveau", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "nouveau");
	/* another device in the slot: the old record's driver is not its own */
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &other, "", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.driver, "");
	assert_int_equal(rd.id.vendor, 0x1002);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nvidia", "vfio-pci", "a-mode-far-too-long"), -EINVAL);
	/* The released framebuffer: recorded, kept by a new claim of the same
	 * device, dropped for another device, cleared with "". */
	assert_int_equal(vb_record_set_fb(NULL, "0000:02:00.0", "efi-framebuffer.0", "efi-framebuffer", "1"), -ENOENT);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "nvidia", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_set_fb(NULL, "0000:01:00.0", "efi-framebuffer.0", "efi-framebuffer", "1,2"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "efi-framebuffer.0");
	assert_string_equal(rd.fbdrv, "efi-framebuffer");
	assert_string_equal(rd.vtcon, "1,2");
	assert_string_equal(rd.driver, "nvidia");
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &gpu, "vfio-pci", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "efi-framebuffer.0");
	assert_string_equal(rd.vtcon, "1,2");
	assert_int_equal(vb_record_set_fb(NULL, "0000:01:00.0", "", "", ""), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "");
	assert_int_equal(vb_record_set_fb(NULL, "0000:01:00.0", "efi-framebuffer.0", "efi-framebuffer", "1"), 0);
	assert_int_equal(vb_record_claimed(NULL, "0000:01:00.0", &other, "", "vfio-pci", "vfio"), 0);
	assert_int_equal(vb_record_read("0000:01:00.0", &rd), 0);
	assert_string_equal(rd.fbdev, "");
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_lock(void **state)
{
	char *r = unit_tmpdir();
	int fd, st;
	pid_t pid;

	(void)state;
	vb_sysfs_set_root(r);
	fd = vb_record_lock(100);
	assert_true(fd >= 0);
	pid = fork();
	if (!pid)
		_exit(vb_record_lock(150) == -ETIMEDOUT ? 0 : 1);
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	vb_record_unlock(fd);
	pid = fork();
	if (!pid)
		_exit(vb_record_lock(150) >= 0 ? 0 : 1);
	waitpid(pid, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_claimed),
		cmocka_unit_test(test_lock),
	};
	return cmocka_run_group_tests_name("record", t, NULL, NULL);
}
