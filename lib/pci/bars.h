/* bars: a device's BARs as sysfs shows them, and the sizes a resizable BAR
 * supports.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/resource, one line per resource
 * ("0xSTART 0xEND 0xFLAGS"; lines 0-5 are the BARs, a zero END unused;
 * flags IORESOURCE_IO 0x100, _MEM 0x200, _PREFETCH 0x2000, _MEM_64
 * 0x100000), and resourceN_resize (6.1+, only for a BAR of the Resizable
 * BAR capability): the supported sizes as a hex bitmap, bit n = 2^(n+20)
 * bytes (drivers/pci/pci-sysfs.c). */
#ifndef VB_BARS_H
#define VB_BARS_H

#include <stddef.h>

#define VB_BAR_N 6
#define VB_BAR_IO	0x100ul
#define VB_BAR_MEM	0x200ul
#define VB_BAR_PREFETCH	0x2000ul
#define VB_BAR_MEM64	0x100000ul

struct vb_bar {
	int index;			/* 0-5 */
	unsigned long long size;	/* bytes */
	unsigned long flags;		/* the resource flags */
	int resizable;			/* resourceN_resize exists */
	unsigned long long sizes;	/* its bitmap: bit n = 2^(n+20) bytes */
};

/* The BARs in use (size > 0), in index order; returns how many (up to
 * VB_BAR_N) or -errno (no resource file: -ENOENT). */
int vb_bars_read(const char *addr, struct vb_bar *bars);
/* bytes as "16 MiB", "256 GiB", "128 B" (the largest unit it is a whole
 * multiple of). */
void vb_bars_size_text(unsigned long long bytes, char *buf, size_t n);
/* The sizes of a resize bitmap, "256 MiB, 512 MiB, 1 GiB". */
void vb_bars_sizes_text(unsigned long long sizes, char *buf, size_t n);

#endif
