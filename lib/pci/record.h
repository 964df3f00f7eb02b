/* record: what vfio-claim did, kept under /run/vfiobox/ so vfio-release and
 * recover know which driver a device came from and should go back to; and
 * the lock (/run/vfiobox.lock, flock) that serialises the applets that
 * rebind devices.
 *
 * One file per device, /run/vfiobox/DDDD:BB:DD.F, KEY=VALUE lines:
 *   addr=0000:01:00.0
 *   ids=10de:249d:103c:88d1    vendor:device:subvendor:subdevice
 *   class=030000
 *   driver=nvidia              the driver it had before ("" none)
 *   target=vfio-pci            the driver_override written (vfio-pci, none)
 *   hda=vfio                   the --hda mode of the claim
 * and, when the claim released a firmware framebuffer in the device's BARs
 * (lib/pci/fb), what to put back on release:
 *   fbdev=efi-framebuffer.0    the platform device unbound
 *   fbdrv=efi-framebuffer      from this driver
 *   vtcon=1                    the vtconsoles unbound from fbcon ("1,2") */
#ifndef VB_RECORD_H
#define VB_RECORD_H

#include "pci/pcidev.h"

struct vb_act;

struct vb_record {
	char addr[VB_BDF_LEN];
	struct vb_pciids id;
	char driver[64];
	char target[64];
	char hda[16];
	char fbdev[48], fbdrv[64], vtcon[40];	/* "" none */
};

/* Write atomically (temporary file + rename), creating /run/vfiobox. In a dry
 * run nothing is written. */
int vb_record_write(const struct vb_act *a, const struct vb_record *r);
/* -ENOENT when there is no record, -EINVAL for a damaged one. */
int vb_record_read(const char *addr, struct vb_record *r);
int vb_record_remove(const struct vb_act *a, const char *addr);
/* Record that addr (ids id) was moved from driver to target (vfio-pci or
 * none) with --hda mode hda: the record vfio-claim and recover write. A
 * device moved from no driver or from vfio (parked by hda=none, left by an
 * earlier claim) keeps the host driver its record already names, when the
 * record is of the same device: that is the driver to go back to. A record
 * of the same device keeps its framebuffer fields. */
int vb_record_claimed(const struct vb_act *a, const char *addr, const struct vb_pciids *id,
		      const char *driver, const char *target, const char *hda);
/* Add to addr's record what the claim released of a firmware framebuffer
 * (all "" clears it). -ENOENT without a record. */
int vb_record_set_fb(const struct vb_act *a, const char *addr, const char *fbdev,
		     const char *fbdrv, const char *vtcon);
/* Addresses that have a record, sorted. */
int vb_record_list(char ***addrs, size_t *n);

/* Take the lock, waiting up to timeout_ms. Returns an fd (>= 0) to pass to
 * vb_record_unlock, -ETIMEDOUT, or -errno. */
int vb_record_lock(long timeout_ms);
void vb_record_unlock(int fd);

#endif
