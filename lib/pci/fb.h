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
 * For the devices vfio-pci does not free (any non-VGA display class, and the
 * boot GPU taken anyway), the release before a claim is here too: the
 * vtconsoles bound to the framebuffer console are unbound, then the sysfb
 * platform device (efi-framebuffer.0, simple-framebuffer.0,
 * vesa-framebuffer.0, as drivers/firmware/sysfb.c names it) from its driver
 * (efifb's "efi-framebuffer", simplefb's and simpledrm's "simple-framebuffer",
 * vesafb's "vesa-framebuffer"). Their remove() gives back the range the
 * driver requested ("efifb", "vesafb", "simplefb", simpledrm's). A BOOTFB
 * range is the platform device's own resource (sysfb_simplefb.c, inserted by
 * platform_device_add): it goes only with the device, never by an unbind,
 * and it keeps vfio-pci from reserving the whole BAR, busy or not; only a
 * kernel parameter helps there. The put-back (vfio-release) binds the
 * platform device to its driver again and the vtconsoles to fbcon, if the
 * kernel has not removed the device meanwhile (a host GPU driver or
 * vfio-pci on a VGA device unregisters it through the aperture helpers).
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/resource (start end flags, one line a
 * BAR), /proc/iomem ("start-end : name", nested by indentation),
 * /sys/bus/platform/devices/NAME/driver, /sys/bus/platform/drivers/DRV/{bind,
 * unbind}, /sys/class/vtconsole/vtconN/{name,bind} ("(M) frame buffer
 * device"; 1 bound, 0 to unbind). Returns 0 or -errno, never prints; the
 * writes go through lib/base/act. */
#ifndef VB_FB_H
#define VB_FB_H

#include <stddef.h>

#include "pci/pcidev.h"

struct vb_act;

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

/* ---- the release before a claim, and the put-back ------------------------ */

#define VB_FB_MAX 4
#define VB_FB_VTCONS 8

enum {
	VB_FB_NONE = 0,		/* no framebuffer in its BARs (or not a display device) */
	VB_FB_VFIO,		/* VGA class: vfio-pci removes it when it takes the device */
	VB_FB_RELEASE,		/* released here: vtconsoles, then the platform device */
	VB_FB_STAYS,		/* a BOOTFB range: sysfb's own, no unbind frees it */
	VB_FB_NODEV,		/* no sysfb platform device bound to a driver to unbind */
};

struct vb_fb_rel {
	char addr[VB_BDF_LEN];		/* the PCI device whose BARs hold it */
	int mode;			/* VB_FB_* */
	struct vb_fb fb[VB_FB_MAX];
	int nfb;
	int stays;			/* VB_FB_STAYS: the index in fb[] of the BOOTFB */
	char pdev[48];			/* the sysfb platform device ("" none found) */
	char driver[VB_DRV_LEN];	/* its driver ("" unbound) */
	int vtcon[VB_FB_VTCONS];	/* vtconsoles bound to the framebuffer console */
	int nvtcon;
	/* Progress: what vb_fb_release did (and vb_fb_restore puts back). */
	int done_vtcon;			/* vtcon[0..done_vtcon) unbound */
	int done_unbind;		/* pdev unbound from driver */
	/* The failure: the step (the path written, as the user knows it),
	 * -errno and what went wrong in words. */
	char fail_step[160];
	int fail_err;
	char fail_detail[VB_TEXT_LEN];
	int gone;			/* vb_fb_restore: the kernel removed pdev */
};

/* Decide for addr (PCI class, boot_vga as read: 1 the boot GPU) what
 * happens to the framebuffers in its BARs: r->mode, and for
 * VB_FB_RELEASE the platform device, its driver and the vtconsoles.
 * Returns 1 for VB_FB_RELEASE (writes to do), 0 for the others, -EACCES
 * when /proc/iomem hides the addresses, other -errno. */
int vb_fb_plan(struct vb_fb_rel *r, const char *addr, unsigned class, int boot_vga);
/* Unbind the vtconsoles, then the platform device (verified: its driver
 * link gone). On a failure what was done is put back: -errno with
 * r->fail_step; r->done_* say what is still released if that failed too. */
int vb_fb_release(const struct vb_act *a, struct vb_fb_rel *r);
/* Put back what r->done_* say: bind the platform device to its driver
 * (verified), then the vtconsoles. -ENODEV with r->gone when the kernel has
 * removed the platform device (nothing to bind; the vtconsoles are bound
 * again all the same); other -errno with r->fail_step. */
int vb_fb_restore(const struct vb_act *a, struct vb_fb_rel *r);
/* The same from a claim record's fields (vb_fb_record_fields): fills r as
 * after a release of all of them. -EINVAL for a damaged field. */
int vb_fb_from_record(struct vb_fb_rel *r, const char *addr, const char *pdev,
		      const char *driver, const char *vtcons);
/* "1,2": r's released vtconsoles, for the record. */
void vb_fb_vtcons_text(const struct vb_fb_rel *r, char *buf, size_t n);

#endif
