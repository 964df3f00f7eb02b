/* shmem: Looking Glass shared memory size (see shmem.h for the formulas). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xml/shmem.h"
#include "base/util.h"

static int dim(const char *s, size_t len, unsigned *out)
{
	unsigned long v = 0;
	size_t i;

	if (!len)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		if (v > VB_SHMEM_MAX_DIM)
			return -ERANGE;		/* keep going would overflow */
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (!v || v > VB_SHMEM_MAX_DIM)
		return v ? -ERANGE : -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int vb_shmem_parse_res(const char *s, unsigned *w, unsigned *h)
{
	const char *x = strpbrk(s, "xX");
	int r;

	if (!x || strpbrk(x + 1, "xX"))
		return -EINVAL;
	if ((r = dim(s, (size_t)(x - s), w)) < 0)
		return r;
	return dim(x + 1, strlen(x + 1), h);
}

uint64_t vb_shmem_pow2(uint64_t v)
{
	uint64_t p = 1;

	while (p < v)
		p <<= 1;
	return p;
}

uint64_t vb_shmem_mib(unsigned w, unsigned h, int hdr)
{
	uint64_t bytes = (uint64_t)w * h * (hdr ? 8 : 4) * 2;
	uint64_t mib = (bytes + (1u << 20) - 1) >> 20;

	/* ceil(bytes / MiB) + 10, then the next power of two: the same as
	 * rounding bytes/MiB + 10 up, since powers of two are whole MiB. */
	return vb_shmem_pow2(mib + 10);
}

uint64_t vb_shmem_legacy_mib(unsigned w, unsigned h)
{
	uint64_t v = ((uint64_t)w * h + 131071) / 131072;

	return vb_shmem_pow2(v ? v : 1);
}
