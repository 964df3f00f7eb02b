/* fb: firmware framebuffers inside a PCI device's BARs, as /proc/iomem shows
 * them: efifb, vesafb, simpledrm, simple-framebuffer (the sysfb platform
 * device) and the BOOTFB resource.
 *
 * vfio-pci removes such a framebuffer only for a VGA-class device (class
 * 0x0300, vfio_pci_is_vga in drivers/vfio/pci/vfio_pci_core.c); on a 3D
 * controller (0x0302, many laptop dGPUs) it stays and vfio-pci cannot reserve
 * the BAR ("BAR N: can't reserve"). Root sees the addresses in /proc/iomem;
 * others see zeros.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/resource (start end flags, one line a
 * BAR), /proc/iomem ("start-end : name", nested by indentation). Returns 0 or
 * -errno, never prints. */
#ifndef VB_FB_H
#define VB_FB_H

#include <stddef.h>

struct vb_fb {
	char name[48];			/* as /proc/iomem names it */
	unsigned long long start, end;
	int bar;			/* the BAR it lies in */
};

/* The framebuffers in addr's BARs, up to max in fb[]: returns how many,
 * -EACCES when /proc/iomem hides the addresses (not root), other -errno. */
int vb_fb_find(const char *addr, struct vb_fb *fb, size_t max);
/* The kernel parameter that keeps that framebuffer from being set up. */
const char *vb_fb_param(const char *name);
/* 1 when vfio-pci removes it by itself: a VGA-class device (0x0300xx). */
int vb_fb_vfio_removes(unsigned class);

#endif
