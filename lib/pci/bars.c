/* bars: BAR sizes and resizable BAR sizes from sysfs. See bars.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sysfs.h"
#include "base/util.h"
#include "pci/bars.h"
#include "pci/pcidev.h"

int vb_bars_read(const char *addr, struct vb_bar *bars)
{
	char p[VB_PATH_MAX], buf[2048], *line, *save = NULL;
	int r, i, n = 0;

	if ((r = vb_pcidev_path(p, sizeof(p), addr, "resource")) < 0)
		return r;
	if ((r = vb_sysfs_read(p, buf, sizeof(buf))) < 0)
		return r;
	for (i = 0, line = strtok_r(buf, "\n", &save); line && i < VB_BAR_N;
	     i++, line = strtok_r(NULL, "\n", &save)) {
		unsigned long long start, end, flags;
		char attr[32];
		unsigned long v;
		struct vb_bar *b = &bars[n];

		if (sscanf(line, "%llx %llx %llx", &start, &end, &flags) != 3)
			return -EINVAL;
		if (!end || end < start)
			continue;
		memset(b, 0, sizeof(*b));
		b->index = i;
		b->size = end - start + 1;
		b->flags = (unsigned long)flags;
		snprintf(attr, sizeof(attr), "resource%d_resize", i);
		if (vb_pcidev_path(p, sizeof(p), addr, attr) == 0 &&
		    vb_sysfs_read_ulong(p, 16, &v) == 0) {
			b->resizable = 1;
			b->sizes = v;
		}
		n++;
	}
	return n;
}

void vb_bars_size_text(unsigned long long bytes, char *buf, size_t n)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = 0;

	while (u < 6 && bytes >= 1024 && !(bytes & 1023)) {
		bytes >>= 10;
		u++;
	}
	snprintf(buf, n, "%llu %s", bytes, unit[u]);
}

void vb_bars_sizes_text(unsigned long long sizes, char *buf, size_t n)
{
	char s[32];
	int bit;

	if (!n)
		return;
	buf[0] = 0;
	for (bit = 0; bit < 44; bit++) {	/* 2^(43+20) is the largest size */
		if (!(sizes & 1ull << bit))
			continue;
		vb_bars_size_text(1ull << (bit + 20), s, sizeof(s));
		vb_appendf(buf, n, "%s%s", buf[0] ? ", " : "", s);
	}
}
