/* test_isolation: the bridges above a device with their ACS state (absent,
 * partial, on, unreadable), nearest first, and the ancestor test. */
#include "fakesys.h"
#include "pci/isolation.h"
#include "pci/pciconf.h"

static const char desc[] =
	"dev 0000:00:01.0 id=8086:1901 class=060400 bus=01 acs=1f:1d\n"
	"dev 0000:01:00.0 id=1002:1478 class=060400 bus=02 parent=0000:00:01.0 porttype=5 acs=5f:5\n"
	"dev 0000:02:00.0 id=1002:1479 class=060400 bus=03 parent=0000:01:00.0 porttype=6\n"
	"dev 0000:03:00.0 id=1002:744c class=030000 parent=0000:02:00.0\n"
	"dev 0000:00:02.0 id=8086:9a60 class=030000\n"
	"dev 0000:00:03.0 id=8086:1903 class=060400 bus=04 off\n"
	"dev 0000:04:00.0 id=10de:1c82 class=030000 parent=0000:00:03.0\n";

static void test_path(void **state)
{
	struct fake f;
	struct vb_pci *p;
	struct vb_acs_hop h[VB_ISOLATION_MAX];
	char err[256];

	(void)state;
	fake_make(&f, desc);
	assert_int_equal(vb_pciconf_open(&p, 0, err, sizeof(err)), 0);
	assert_int_equal(vb_isolation_path(p, "03:00.0", h, VB_ISOLATION_MAX), 3);
	assert_string_equal(h[0].addr, "0000:02:00.0");
	assert_int_equal(h[0].state, VB_ACS_ABSENT);
	assert_string_equal(h[1].addr, "0000:01:00.0");
	assert_int_equal(h[1].state, VB_ACS_PARTIAL);
	assert_int_equal(h[1].missing, vb_pciconf_acs_missing(0x5f, 0x5));
	assert_string_equal(h[2].addr, "0000:00:01.0");
	assert_int_equal(h[2].state, VB_ACS_ISOLATES);
	assert_int_equal(vb_isolation_path(p, "03:00.0", h, 1), 1);
	assert_int_equal(vb_isolation_path(p, "00:02.0", h, VB_ISOLATION_MAX), 0);
	assert_int_equal(vb_isolation_path(p, "04:00.0", h, VB_ISOLATION_MAX), 1);
	assert_int_equal(h[0].state, VB_ACS_UNKNOWN);	/* reads all-ones */
	assert_int_equal(vb_isolation_path(NULL, "03:00.0", h, VB_ISOLATION_MAX), 3);
	assert_int_equal(h[2].state, VB_ACS_UNKNOWN);
	assert_int_equal(vb_isolation_path(p, "05:00.0", h, VB_ISOLATION_MAX), -ENODEV);
	assert_int_equal(vb_isolation_path(p, "5/..", h, VB_ISOLATION_MAX), -EINVAL);

	assert_true(vb_isolation_below("0000:00:01.0", "03:00.0"));
	assert_true(vb_isolation_below("0000:02:00.0", "0000:03:00.0"));
	assert_false(vb_isolation_below("0000:00:03.0", "03:00.0"));
	assert_false(vb_isolation_below("0000:03:00.0", "03:00.0"));
	vb_pciconf_close(p);
	fake_free(&f);
}

static void test_flags(void **state)
{
	char b[128];

	(void)state;
	vb_pciconf_acs_flags(0x1d, b, sizeof(b));
	assert_string_equal(b, "SrcValid- ReqRedir- CmpltRedir- UpstreamFwd-");
	vb_pciconf_acs_flags(0, b, sizeof(b));
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_flags),
	};
	return cmocka_run_group_tests_name("isolation", t, NULL, NULL);
}
