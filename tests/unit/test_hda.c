/* lib/hda: the kernel quirk's reach, the status read, and on/off on fake
 * trees: the bit flip at 0x488 through libpci, power/control woken and put
 * back, and the undo when the GPU cannot be removed. */
#include "fakesys.h"

#include "base/act.h"
#include "pci/hda.h"
#include "pci/pciconf.h"

static void test_quirk(void **state)
{
	(void)state;
	assert_true(vb_hda_quirk("5.4.0", 0x08a0));
	assert_true(vb_hda_quirk("6.6.10-arch1-1", 0x249d));
	assert_true(vb_hda_quirk("10.0", 0x1c8d));
	assert_true(vb_hda_quirk("5.3.18-lp152", 0x1c8d));	/* the quirk came with 5.3 */
	assert_false(vb_hda_quirk("5.2.21", 0x1c8d));
	assert_false(vb_hda_quirk("4.19.0", 0x1c8d));
	assert_true(vb_hda_quirk("4.19.129", 0x1c8d));	/* and went to 4.19 stable */
	assert_false(vb_hda_quirk("4.14.300", 0x1c8d));
	assert_false(vb_hda_quirk("6.1.0", 0x089f));	/* before the GeForce 320M */
	assert_false(vb_hda_quirk("", 0x1c8d));
	assert_false(vb_hda_quirk("linux", 0x1c8d));
}

static const char pair[] =
	"dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01 driver=pcieport control=auto\n"
	"dev 0000:01:00.0 id=10de:249d class=030000 parent=0000:00:01.0 driver=nvidia mf hda=1 control=auto\n"
	"dev 0000:01:00.1 id=10de:228b class=040300 parent=0000:00:01.0 driver=snd_hda_intel\n";

static void test_status(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_hda_status st;
	char err[128];

	(void)state;
	fake_make(&f, pair);
	assert_int_equal(vb_pciconf_open(&p, 0, err, sizeof(err)), 0);
	assert_int_equal(vb_hda_status(p, "0000:01:00.0", &st), 0);
	assert_true(st.readable);
	assert_true(st.reg_ok);
	assert_true(st.bit);
	assert_int_equal(st.reg, 0x02000000);
	assert_true(st.multifunction);
	assert_true(st.fn1_present);
	assert_string_equal(st.fn1, "0000:01:00.1");
	assert_int_equal(st.fn1_id.device, 0x228b);
	assert_string_equal(st.fn1_driver, "snd_hda_intel");
	assert_int_equal(vb_hda_status(p, "0000:02:00.0", &st), -ENODEV);
	vb_pciconf_close(p);
	fake_free(&f);

	fake_make(&f, "dev 0000:01:00.0 id=10de:249d class=030000 off\n"
		      "dev 0000:02:00.0 id=10de:249d class=030000 cfg=256\n");
	assert_int_equal(vb_pciconf_open(&p, 0, err, sizeof(err)), 0);
	assert_int_equal(vb_hda_status(p, "0000:01:00.0", &st), 0);
	assert_false(st.readable);
	assert_false(st.fn1_present);
	/* 0x488 lies beyond a 256-byte config space: the rest is filled */
	assert_int_equal(vb_hda_status(p, "0000:02:00.0", &st), -EIO);
	assert_true(st.readable);
	assert_false(st.reg_ok);
	assert_string_equal(st.fn1, "0000:02:00.1");
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_off_clears_bit(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_hda_op op;
	char err[128], buf[32];

	(void)state;
	/* the bit set, function 1 not listed: off clears the bit */
	fake_make(&f, "dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01 control=auto\n"
		      "dev 0000:01:00.0 id=10de:249d class=030000 parent=0000:00:01.0 mf hda=1 control=auto\n");
	fake_set_cfg32(&f, "0000:01:00.0", 0x488, 0x12000034);
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	memset(&op, 0, sizeof(op));
	strcpy(op.gpu, "0000:01:00.0");
	assert_int_equal(vb_hda_set(NULL, p, &op), 0);
	assert_true(op.changed);
	assert_false(op.reenumerated);
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x488), 0x10000034);	/* only bit 25 */
	assert_false(op.after.bit);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:01:00.0/power/control", buf, sizeof(buf)), "auto");
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:00:01.0/power/control", buf, sizeof(buf)), "auto");
	/* again: nothing to do */
	assert_int_equal(vb_hda_set(NULL, p, &op), 0);
	assert_false(op.changed);
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_on(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_hda_op op;
	struct vb_act dry = { 1, 0, NULL };
	char err[128], path[PATH_MAX];

	(void)state;
	/* bit clear, function 1 listed: on sets the bit, no rescan needed */
	fake_make(&f, "dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01\n"
		      "dev 0000:01:00.0 id=10de:1c8d class=030000 parent=0000:00:01.0 mf\n"
		      "dev 0000:01:00.1 id=10de:0fb9 class=040300 parent=0000:00:01.0\n");
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	memset(&op, 0, sizeof(op));
	strcpy(op.gpu, "0000:01:00.0");
	op.on = 1;
	assert_int_equal(vb_hda_set(&dry, p, &op), 0);
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x488), 0);
	assert_int_equal(vb_hda_set(NULL, p, &op), 0);
	assert_true(op.changed);
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x488), 0x02000000);
	vb_pciconf_close(p);
	fake_free(&f);

	/* bit clear, no function 1: the GPU must be removed; a fake tree keeps
	 * it listed, so the bit is cleared again */
	fake_make(&f, "dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01\n"
		      "dev 0000:01:00.0 id=10de:249d class=030000 parent=0000:00:01.0 driver=nvidia\n");
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	memset(&op, 0, sizeof(op));
	strcpy(op.gpu, "0000:01:00.0");
	op.on = 1;
	assert_int_equal(vb_hda_set(NULL, p, &op), -EEXIST);
	assert_int_equal(op.step, VB_HDA_REMOVE);
	assert_false(op.undo_failed);
	assert_string_equal(op.binding.driver, "nvidia");
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x488), 0);
	/* no remove attribute at all */
	snprintf(path, sizeof(path), "%s/sys/bus/pci/devices/0000:01:00.0/remove", f.root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(vb_hda_set(NULL, p, &op), -ENOENT);
	assert_int_equal(op.step, VB_HDA_REMOVE);
	assert_int_equal(fake_cfg32(&f, "0000:01:00.0", 0x488), 0);
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_off_device(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_hda_op op;
	char err[128], buf[32];

	(void)state;
	fake_make(&f, "dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01 control=auto\n"
		      "dev 0000:01:00.0 id=10de:249d class=030000 parent=0000:00:01.0 off control=auto\n");
	assert_int_equal(vb_pciconf_open(&p, 1, err, sizeof(err)), 0);
	memset(&op, 0, sizeof(op));
	strcpy(op.gpu, "0000:01:00.0");
	op.on = 1;
	assert_int_equal(vb_hda_set(NULL, p, &op), -EIO);
	assert_int_equal(op.step, VB_HDA_WAKE);
	assert_false(op.changed);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:01:00.0/power/control", buf, sizeof(buf)), "auto");
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:00:01.0/power/control", buf, sizeof(buf)), "auto");
	strcpy(op.gpu, "0000:05:00.0");
	assert_int_equal(vb_hda_set(NULL, p, &op), -ENODEV);
	vb_pciconf_close(p);
	fake_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quirk),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_off_clears_bit),
		cmocka_unit_test(test_on),
		cmocka_unit_test(test_off_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
