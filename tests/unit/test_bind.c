/* lib/bind: which writes it makes (driver_override, unbind, modprobe,
 * drivers_probe) in which case, that it never reports a binding it cannot
 * see in the driver link, and the plan for a device the kernel will create
 * again. */
#include "fakesys.h"

#include "base/act.h"
#include "pci/bind.h"

static const char desc[] =
	"dev 0000:01:00.0 id=10de:249d class=030000 driver=nvidia\n"
	"dev 0000:01:00.1 id=10de:228b class=040300 driver=vfio-pci override=vfio-pci\n"
	"dev 0000:02:00.0 id=8086:10d3 class=020000\n";

static void test_nothing_to_do(void **state)
{
	struct fake f;
	struct vb_bind_result rb;
	char buf[64];

	(void)state;
	fake_make(&f, desc);
	assert_int_equal(vb_bind_to(NULL, "0000:01:00.1", "vfio-pci", "vfio-pci", 0, &rb), 0);
	assert_string_equal(rb.before, "vfio-pci");
	assert_string_equal(rb.after, "vfio-pci");
	assert_false(rb.unbound);
	assert_null(rb.step);
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers_probe", buf, sizeof(buf)), "");
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers/vfio-pci/unbind", buf, sizeof(buf)), "");
	/* the host driver it has, nothing asked otherwise */
	assert_int_equal(vb_bind_to(NULL, "0000:01:00.0", "", "nvidia", 0, &rb), 0);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:01:00.0/driver_override", buf, sizeof(buf)), "(null)");
	fake_free(&f);
}

static void test_move(void **state)
{
	struct fake f;
	struct vb_bind_result rb;
	char buf[64];

	(void)state;
	fake_make(&f, desc);
	/* nvidia -> vfio-pci: every write made, and since the fake link does
	 * not move, the verification fails instead of claiming success */
	assert_int_equal(vb_bind_to(NULL, "01:00.0", "vfio-pci", "vfio-pci", 20, &rb), -EPROTO);
	assert_string_equal(rb.step, "verify");
	assert_string_equal(rb.before, "nvidia");
	assert_string_equal(rb.after, "nvidia");
	assert_true(rb.unbound);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:01:00.0/driver_override", buf, sizeof(buf)), "vfio-pci");
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers/nvidia/unbind", buf, sizeof(buf)), "0000:01:00.0");
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers_probe", buf, sizeof(buf)), "0000:01:00.0");
	fake_free(&f);

	/* vfio-pci -> host: override cleared with "\n", unbound, probed */
	fake_make(&f, desc);
	assert_int_equal(vb_bind_to(NULL, "0000:01:00.1", "", "nvidia", 0, &rb), -EPROTO);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:01:00.1/driver_override", buf, sizeof(buf)), "");
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers/vfio-pci/unbind", buf, sizeof(buf)), "0000:01:00.1");
	fake_free(&f);

	/* to no driver: override none, unbind, no probe; the link still
	 * names nvidia on a fake tree */
	fake_make(&f, desc);
	assert_int_equal(vb_bind_to(NULL, "0000:01:00.0", "none", "", 0, &rb), -EPROTO);
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:01:00.0/driver_override", buf, sizeof(buf)), "none");
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers_probe", buf, sizeof(buf)), "");
	fake_free(&f);
}

static void test_refusals(void **state)
{
	struct fake f;
	struct vb_bind_result rb;
	char buf[64];

	(void)state;
	fake_make(&f, desc);
	/* a host driver that is not registered: nothing written */
	assert_int_equal(vb_bind_to(NULL, "0000:02:00.0", "", "e1000e", 0, &rb), -ENXIO);
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers_probe", buf, sizeof(buf)), "");
	assert_int_equal(vb_bind_to(NULL, "0000:05:00.0", "vfio-pci", "vfio-pci", 0, &rb), -ENODEV);
	assert_int_equal(vb_bind_to(NULL, "0000:05:00.0/..", "vfio-pci", "vfio-pci", 0, &rb), -EINVAL);
	fake_free(&f);

	/* vfio-pci not loaded: not in the kernel's modules at all, or no
	 * modprobe on the tree to load it with; found before any write */
	fake_make(&f, "dev 0000:02:00.0 id=8086:10d3 class=020000 driver=e1000e\n");
	assert_int_equal(vb_bind_to(NULL, "0000:02:00.0", "vfio-pci", "vfio-pci", 0, &rb), -ENOPKG);
	assert_string_equal(rb.step, "modprobe");
	assert_int_equal(rb.modprobe_status, -1);
	fake_free(&f);
	fake_make(&f, "module vfio-pci available\n"
		      "dev 0000:02:00.0 id=8086:10d3 class=020000 driver=e1000e\n");
	assert_int_equal(vb_bind_to(NULL, "0000:02:00.0", "vfio-pci", "vfio-pci", 0, &rb), -ENOENT);
	assert_string_equal(rb.step, "modprobe");
	assert_string_equal(fake_read(&f, "sys/bus/pci/devices/0000:02:00.0/driver_override", buf, sizeof(buf)), "(null)");
	assert_string_equal(fake_read(&f, "sys/bus/pci/drivers/e1000e/unbind", buf, sizeof(buf)), "");
	fake_free(&f);
}

static void test_binding_and_plans(void **state)
{
	struct fake f;
	struct vb_binding b;
	struct vb_bind_result rb;
	struct vb_act dry = { 1, 0, NULL };
	char *text = NULL;
	size_t len = 0;

	(void)state;
	fake_make(&f, desc);
	assert_int_equal(vb_bind_get("0000:01:00.0", &b), 0);
	assert_string_equal(b.driver, "nvidia");
	assert_string_equal(b.override, "");
	assert_int_equal(vb_bind_get("0000:01:00.1", &b), 0);
	assert_string_equal(b.override, "vfio-pci");

	dry.out = open_memstream(&text, &len);
	assert_non_null(dry.out);
	assert_int_equal(vb_bind_to(&dry, "0000:01:00.0", "vfio-pci", "vfio-pci", 0, &rb), 0);
	assert_string_equal(rb.after, "vfio-pci");
	vb_bind_plan_fresh(&dry, "0000:01:00.1", &b, "snd_hda_intel");
	fclose(dry.out);
	assert_string_equal(text,
		"echo vfio-pci > /sys/bus/pci/devices/0000:01:00.0/driver_override\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers/nvidia/unbind\n"
		"echo 0000:01:00.0 > /sys/bus/pci/drivers_probe\n"
		"# the kernel forgets driver_override when it creates 0000:01:00.1 again\n"
		"echo vfio-pci > /sys/bus/pci/devices/0000:01:00.1/driver_override\n"
		"# if snd_hda_intel took 0000:01:00.1 when it came back:\n"
		"echo 0000:01:00.1 > /sys/bus/pci/drivers/snd_hda_intel/unbind\n"
		"echo 0000:01:00.1 > /sys/bus/pci/drivers_probe\n"
		"# verify: 0000:01:00.1 is on vfio-pci\n");
	free(text);
	fake_free(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_to_do),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_binding_and_plans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
