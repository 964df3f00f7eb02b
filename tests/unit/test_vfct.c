/* lib/vfct: the image entries of AMD's VFCT table. */
#include "unit.h"

#include "fw/vfct.h"

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* an entry at off: bus 3, dev 0, fn fn, 1002:1638, len bytes of image */
static size_t entry(unsigned char *t, size_t off, unsigned fn, uint32_t len)
{
	memset(t + off, 0, VB_VFCT_IMG_HDR_LEN);
	put32(t + off, 3);
	put32(t + off + 8, fn);
	t[off + 12] = 0x02;
	t[off + 13] = 0x10;
	t[off + 14] = 0x38;
	t[off + 15] = 0x16;
	put32(t + off + 24, len);
	return off + VB_VFCT_IMG_HDR_LEN + len;
}

static void test_parse(void **state)
{
	static unsigned char t[512];
	struct vb_vfct_image img[VB_VFCT_MAX_IMAGES];
	size_t count, end;

	(void)state;
	memset(t, 0, sizeof(t));
	memcpy(t, "VFCT", 4);
	put32(t + 52, VB_VFCT_HDR_LEN);
	end = entry(t, VB_VFCT_HDR_LEN, 0, 100);
	end = entry(t, end, 1, 50);
	assert_int_equal(vb_vfct_parse(t, end, img, &count), 0);
	assert_int_equal(count, 2);
	assert_int_equal(img[0].bus, 3);
	assert_int_equal(img[0].vendor, 0x1002);
	assert_int_equal(img[0].device, 0x1638);
	assert_int_equal(img[0].len, 100);
	assert_int_equal(img[0].off, VB_VFCT_HDR_LEN + VB_VFCT_IMG_HDR_LEN);
	assert_int_equal(img[1].fn, 1);
	assert_int_equal(img[1].off, VB_VFCT_HDR_LEN + 2 * VB_VFCT_IMG_HDR_LEN + 100);
	/* an image past the end: the entries before it are kept */
	assert_int_equal(vb_vfct_parse(t, end - 1, img, &count), -EOVERFLOW);
	assert_int_equal(count, 1);
	/* a header cut short */
	assert_int_equal(vb_vfct_parse(t, VB_VFCT_HDR_LEN + 10, img, &count), -EOVERFLOW);
	assert_int_equal(count, 0);
	/* shorter than the fixed part; a first offset inside it */
	assert_int_equal(vb_vfct_parse(t, 60, img, &count), -EINVAL);
	put32(t + 52, 40);
	assert_int_equal(vb_vfct_parse(t, end, img, &count), -EINVAL);
	/* a length near 4 GiB does not wrap around */
	put32(t + 52, VB_VFCT_HDR_LEN);
	put32(t + VB_VFCT_HDR_LEN + 24, 0xffffffffu);
	assert_int_equal(vb_vfct_parse(t, end, img, &count), -EOVERFLOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests_name("vfct", tests, NULL, NULL);
}
