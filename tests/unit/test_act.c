/* Unit tests for lib/act: dry runs print the shell line and touch nothing;
 * real runs write, run programs with execve and report their status. */
#include "unit.h"

#include "base/act.h"
#include "pci/pciconf.h"
#include "base/sysfs.h"

static char *capture(FILE **f, size_t *len)
{
	static char *buf;

	free(buf);
	buf = NULL;
	*f = open_memstream(&buf, len);
	return (char *)&buf;
}

static void test_write_dry_and_real(void **state)
{
	char *r = unit_tmpdir(), p[VB_PATH_MAX], v[64];
	char **out;
	size_t len;
	FILE *f;
	struct vb_act dry = { 1, 0, NULL }, real = { 0, 1, NULL };

	(void)state;
	vb_sysfs_set_root(r);
	unit_puts(r, "sys/bus/pci/devices/0000:01:00.0/driver_override", "(null)\n");
	out = (char **)capture(&f, &len);
	dry.out = f;
	assert_int_equal(vb_act_dev_write(&dry, "01:00.0", "driver_override", "vfio-pci"), 0);
	assert_int_equal(vb_act_dev_write(&dry, "01:00.0", "driver_override", "\n"), 0);
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/nvidia/unbind");
	assert_int_equal(vb_act_write(&dry, p, "0000:01:00.0"), 0);
	assert_int_equal(vb_act_write(&dry, p, "it's"), 0);
	assert_int_equal(vb_act_write(&dry, p, "0\n"), 0);
	vb_act_note(&dry, "step %d", 2);
	vb_act_sleep(&dry, 1500);
	fclose(f);
	assert_string_equal(*out,
		"echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		"echo > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers/nvidia/unbind\n"
		"echo 'it'\\''s' > /sys/bus/pci/drivers/nvidia/unbind\n"
		"echo 0 > /sys/bus/pci/drivers/nvidia/unbind\n"
		"# step 2\n"
		"sleep 1.500\n");
	vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices/0000:01:00.0/driver_override");
	assert_int_equal(vb_sysfs_read(p, v, sizeof(v)), 6);	/* untouched */
	assert_string_equal(v, "(null)");

	out = (char **)capture(&f, &len);
	real.out = f;
	assert_int_equal(vb_act_dev_write(&real, "0000:01:00.0", "driver_override", "vfio-pci"), 0);
	assert_int_equal(vb_act_dev_write(&real, "0000:01:00.0", "nope", "1"), -ENOENT);
	assert_int_equal(vb_act_dev_write(&real, "0000:01:00.0/..", "x", "1"), -EINVAL);
	fclose(f);
	assert_int_equal(vb_sysfs_read(p, v, sizeof(v)), 8);
	assert_string_equal(v, "vfio-pci");
	assert_string_equal(*out,
		"echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		"echo 1 > /sys/bus/pci/devices/0000:01:00.0/nope\n");
	free(*out);
	*out = NULL;
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_cfg(void **state)
{
	char *r = unit_tmpdir();
	unsigned char c[4096] = { 0xde, 0x10 };
	struct vb_act dry = { 1, 0, NULL }, real = { 0, 0, NULL };
	struct vb_pci *p;
	uint32_t l;
	uint16_t w;
	char **out;
	size_t len;
	FILE *f;

	(void)state;
	c[0x488] = 0x11;
	unit_put(r, "sys/bus/pci/devices/0000:01:00.0/config", c, sizeof(c));
	vb_sysfs_set_root(r);
	assert_int_equal(vb_pciconf_open(&p, 1, NULL, 0), 0);
	out = (char **)capture(&f, &len);
	dry.out = f;
	assert_int_equal(vb_act_cfg32(&dry, p, "0000:01:00.0", 0x488, 0x02000000, 0x02000000), 0);
	assert_int_equal(vb_act_cfg16(&dry, p, "0000:01:00.0", 0x3e, 0x40, 0x40), 0);
	fclose(f);
	assert_string_equal(*out, "setpci -s 0000:01:00.0 0x488.L=0x02000000:0x02000000\n"
				  "setpci -s 0000:01:00.0 0x3e.W=0x0040:0x0040\n");
	assert_int_equal(vb_pciconf_read32(p, "0000:01:00.0", 0x488, &l), 0);
	assert_int_equal(l, 0x11);
	assert_int_equal(vb_act_cfg32(&real, p, "0000:01:00.0", 0x488, 0x02000000, 0x02000000), 0);
	assert_int_equal(vb_pciconf_read32(p, "0000:01:00.0", 0x488, &l), 0);
	assert_int_equal(l, 0x02000011);
	assert_int_equal(vb_act_cfg32(&real, p, "0000:01:00.0", 0x488, 0, 0x02000000), 0);
	assert_int_equal(vb_pciconf_read32(p, "0000:01:00.0", 0x488, &l), 0);
	assert_int_equal(l, 0x11);
	assert_int_equal(vb_act_cfg16(&real, p, "0000:01:00.0", 0x3e, 0x40, 0x40), 0);
	assert_int_equal(vb_pciconf_read16(p, "0000:01:00.0", 0x3e, &w), 0);
	assert_int_equal(w, 0x40);
	assert_int_equal(vb_act_cfg32(&real, p, "0000:09:00.0", 0x488, 0, 1), -EIO);
	vb_pciconf_close(p);
	free(*out);
	*out = NULL;
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

static void test_run(void **state)
{
	char *r = unit_tmpdir(), prog[PATH_MAX], mark[PATH_MAX], **out;
	struct vb_act dry = { 1, 0, NULL }, real = { 0, 0, NULL };
	size_t len;
	FILE *f;

	(void)state;
	vb_sysfs_set_root(r);
	snprintf(prog, sizeof(prog), "%s/prog", r);
	snprintf(mark, sizeof(mark), "%s/mark", r);
	unit_puts(r, "prog", "#!/bin/sh\necho \"$1 $VFIOBOX_SYSROOT $PATH\" > \"$VFIOBOX_SYSROOT/mark\"\nexit $2\n");
	chmod(prog, 0755);
	{
		char *argv[] = { prog, "vfio-pci", "0", NULL };
		char *argv3[] = { prog, "vfio-pci", "3", NULL };
		char *nope[] = { "/nonexistent/modprobe", "x", NULL };
		out = (char **)capture(&f, &len);
		dry.out = f;
		assert_int_equal(vb_act_run(&dry, argv), 0);
		fclose(f);
		assert_string_equal(*out, "prog vfio-pci 0\n");
		assert_int_equal(access(mark, F_OK), -1);
		assert_int_equal(vb_act_run(&real, argv), 0);
		assert_int_equal(access(mark, F_OK), 0);
		assert_int_equal(vb_act_run(&real, argv3), 3);
		assert_int_equal(vb_act_run(&real, nope), -ENOEXEC);
	}
	{
		char line[PATH_MAX + 64], want[PATH_MAX + 64];
		FILE *m = fopen(mark, "r");
		assert_non_null(m);
		assert_non_null(fgets(line, sizeof(line), m));
		fclose(m);
		snprintf(want, sizeof(want), "vfio-pci %s /usr/sbin:/usr/bin:/sbin:/bin\n", r);
		assert_string_equal(line, want);
	}
	free(*out);
	*out = NULL;
	unit_rmtree(r);
	vb_sysfs_set_root(NULL);
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_write_dry_and_real),
		cmocka_unit_test(test_cfg),
		cmocka_unit_test(test_run),
	};
	return cmocka_run_group_tests_name("act", t, NULL, NULL);
}
