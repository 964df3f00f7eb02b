/* vfct: AMD's VFCT table. See vfct.h. */
#include <errno.h>

#include "fw/vfct.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

int vb_vfct_parse(const unsigned char *t, size_t n, struct vb_vfct_image *img, size_t *count)
{
	size_t off;

	*count = 0;
	if (n < VB_VFCT_HDR_LEN)
		return -EINVAL;
	off = le32(t + 52);
	if (off < VB_VFCT_HDR_LEN)
		return -EINVAL;
	while (off < n) {
		const unsigned char *h = t + off;
		struct vb_vfct_image *e;

		if (n - off < VB_VFCT_IMG_HDR_LEN)
			return -EOVERFLOW;
		if (le32(h + 24) > n - off - VB_VFCT_IMG_HDR_LEN)
			return -EOVERFLOW;
		if (*count == VB_VFCT_MAX_IMAGES)
			return -E2BIG;
		e = &img[(*count)++];
		e->bus = le32(h);
		e->dev = le32(h + 4);
		e->fn = le32(h + 8);
		e->vendor = le16(h + 12);
		e->device = le16(h + 14);
		e->ssvid = le16(h + 16);
		e->ssid = le16(h + 18);
		e->revision = le32(h + 20);
		e->len = le32(h + 24);
		e->off = off + VB_VFCT_IMG_HDR_LEN;
		off = e->off + e->len;
	}
	return 0;
}
