/* lib/shmem: Looking Glass sizes (the FACTS.md table, SDR and HDR), the
 * guides' older formula, resolution parsing, boundaries. */
#include "unit.h"

#include "xml/shmem.h"

static void test_table(void **state)
{
	static const struct { unsigned w, h; uint64_t sdr, hdr, legacy; } t[] = {
		{ 1920, 1080, 32, 64, 16 },
		{ 2560, 1440, 64, 128, 32 },
		{ 3440, 1440, 64, 128, 64 },
		{ 3840, 2160, 128, 256, 64 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(vb_shmem_mib(t[i].w, t[i].h, 0), t[i].sdr);
		assert_int_equal(vb_shmem_mib(t[i].w, t[i].h, 1), t[i].hdr);
		assert_int_equal(vb_shmem_legacy_mib(t[i].w, t[i].h), t[i].legacy);
	}
}

static void test_boundaries(void **state)
{
	(void)state;
	/* 1 pixel: 8 bytes, 1 MiB + 10, 16 */
	assert_int_equal(vb_shmem_mib(1, 1, 0), 16);
	assert_int_equal(vb_shmem_legacy_mib(1, 1), 1);
	/* exactly 22 MiB of frame: 22 + 10 = 32, not 64 */
	assert_int_equal(vb_shmem_mib(2048, 1408, 0), 32);	/* 2048*1408*8 = 22 MiB */
	/* one pixel more tips it over */
	assert_int_equal(vb_shmem_mib(2048, 1408, 0) < vb_shmem_mib(2049, 1408, 0), 1);
	assert_int_equal(vb_shmem_mib(2049, 1408, 0), 64);
	/* exactly 54 MiB + 10 = 64 */
	assert_int_equal(vb_shmem_mib(3456, 2048, 0), 64);	/* 3456*2048*8 = 54 MiB */
	assert_int_equal(vb_shmem_mib(3457, 2048, 0), 128);
	/* the largest accepted: 65536 x 65536 HDR = 64 GiB of frame */
	assert_int_equal(vb_shmem_mib(VB_SHMEM_MAX_DIM, VB_SHMEM_MAX_DIM, 1), 131072);
	assert_int_equal(vb_shmem_mib(VB_SHMEM_MAX_DIM, VB_SHMEM_MAX_DIM, 0), 65536);
	assert_int_equal(vb_shmem_legacy_mib(VB_SHMEM_MAX_DIM, VB_SHMEM_MAX_DIM), 32768);
	assert_int_equal(vb_shmem_pow2(1), 1);
	assert_int_equal(vb_shmem_pow2(33), 64);
	assert_int_equal(vb_shmem_pow2(64), 64);
	/* the official size is never below the guides' */
	assert_true(vb_shmem_mib(7680, 4320, 0) >= vb_shmem_legacy_mib(7680, 4320));
	assert_int_equal(vb_shmem_mib(7680, 4320, 0), 512);
}

static void test_parse(void **state)
{
	unsigned w = 0, h = 0;
	static const char *const inval[] = {
		"", "x", "1920", "1920x", "x1080", "1920*1080", "1920 x 1080", " 1920x1080",
		"1920x1080 ", "1920x1080x2", "-1920x1080", "1920x-1080", "+1920x1080",
		"0x1080", "1920x0", "0x0", "00x10", "1920.0x1080", "0x10x20", "axb", "1920xx1080",
	};
	static const char *const range[] = {
		"65537x1080", "1920x65537", "99999999999999999999999x1080",
		"1920x18446744073709551617", "4294967297x1",
	};
	size_t i;

	(void)state;
	assert_int_equal(vb_shmem_parse_res("1920x1080", &w, &h), 0);
	assert_int_equal(w, 1920);
	assert_int_equal(h, 1080);
	assert_int_equal(vb_shmem_parse_res("3840X2160", &w, &h), 0);
	assert_int_equal(w, 3840);
	assert_int_equal(h, 2160);
	assert_int_equal(vb_shmem_parse_res("65536x65536", &w, &h), 0);
	assert_int_equal(w, 65536);
	assert_int_equal(vb_shmem_parse_res("1x1", &w, &h), 0);
	assert_int_equal(vb_shmem_parse_res("01920x1080", &w, &h), 0);
	assert_int_equal(w, 1920);
	for (i = 0; i < sizeof(inval) / sizeof(inval[0]); i++)
		if (vb_shmem_parse_res(inval[i], &w, &h) != -EINVAL)
			fail_msg("'%s' not rejected with EINVAL", inval[i]);
	for (i = 0; i < sizeof(range) / sizeof(range[0]); i++)
		if (vb_shmem_parse_res(range[i], &w, &h) != -ERANGE)
			fail_msg("'%s' not rejected with ERANGE", range[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_boundaries),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests_name("shmem", tests, NULL, NULL);
}
