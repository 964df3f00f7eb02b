/* test_bars: BARs from the resource file (sizes, flags, unused lines), the
 * resize bitmap, sizes in words, a malformed resource file. */
#include "fakesys.h"
#include "pci/bars.h"

static void test_read(void **state)
{
	struct fake f;
	struct vb_bar b[VB_BAR_N];
	char p[PATH_MAX];
	FILE *fp;

	(void)state;
	fake_make(&f, "dev 0000:00:01.0 id=8086:9a01 class=060400 bus=01\n"
		  "dev 0000:01:00.0 id=10de:2684 class=030000 parent=0000:00:01.0 rebar=1:3fc0:8\n");
	assert_int_equal(vb_bars_read("01:00.0", b), 2);
	assert_int_equal(b[0].index, 0);
	assert_true(b[0].size == 16ull << 20);
	assert_int_equal(b[0].flags & VB_BAR_MEM, VB_BAR_MEM);
	assert_int_equal(b[0].resizable, 0);
	assert_int_equal(b[1].index, 1);
	assert_true(b[1].size == 256ull << 20);
	assert_int_equal(b[1].flags & (VB_BAR_MEM64 | VB_BAR_PREFETCH), VB_BAR_MEM64 | VB_BAR_PREFETCH);
	assert_int_equal(b[1].resizable, 1);
	assert_true(b[1].sizes == 0x3fc0);
	assert_int_equal(vb_bars_read("00:01.0", b), 0);
	assert_int_equal(vb_bars_read("02:00.0", b), -ENOENT);
	snprintf(p, sizeof(p), "%s/sys/bus/pci/devices/0000:01:00.0/resource", f.root);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs("not a resource line\n", fp);
	fclose(fp);
	assert_int_equal(vb_bars_read("01:00.0", b), -EINVAL);
	fake_free(&f);
}

static void test_text(void **state)
{
	char b[256];

	(void)state;
	vb_bars_size_text(16ull << 20, b, sizeof(b));
	assert_string_equal(b, "16 MiB");
	vb_bars_size_text(32ull << 30, b, sizeof(b));
	assert_string_equal(b, "32 GiB");
	vb_bars_size_text(128, b, sizeof(b));
	assert_string_equal(b, "128 B");
	vb_bars_size_text(1536, b, sizeof(b));
	assert_string_equal(b, "1536 B");
	vb_bars_sizes_text(0x3, b, sizeof(b));
	assert_string_equal(b, "1 MiB, 2 MiB");
	vb_bars_sizes_text(1ull << 43, b, sizeof(b));
	assert_string_equal(b, "8 EiB");
	vb_bars_sizes_text(0, b, sizeof(b));
	assert_string_equal(b, "");
}

int main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests_name("bars", t, NULL, NULL);
}
