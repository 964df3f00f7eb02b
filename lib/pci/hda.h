/* hda: the NVIDIA GPU's HDMI/DP audio function (what nvhda toggles).
 *
 * Bit 25 of the dword at config offset 0x488 of the GPU (function 0)
 * exposes the HDA controller as function 1 (extended config space: the
 * 4096-byte config, root). The kernel reads the header's multifunction bit
 * once, when it creates the GPU device (quirk_nvidia_hda, 5.3+, sets the
 * bit then and takes it for multifunction), so after setting the bit a
 * rescan finds function 1 only if the kernel took the GPU for
 * multifunction when it created it; if not, the GPU is removed and its bus
 * rescanned.
 * To hide it: remove function 1, then clear the bit. Linux >= 5.3 (and 4.19.129) has
 * quirk_nvidia_hda, which sets the bit on every enumeration and resume of
 * NVIDIA display devices with a device id >= 0x08a0 (GeForce 320M). */
#ifndef VB_HDA_H
#define VB_HDA_H

#include <stdint.h>

#include "pci/pcidev.h"
#include "pci/pciops.h"
#include "pci/rebind.h"

struct vb_act;
struct vb_pci;

struct vb_hda_status {
	int readable;			/* config space answers (not all-ones) */
	int reg_ok;			/* 0x488 could be read (the rest is valid without) */
	uint32_t reg;			/* dword at 0x488 */
	int bit;			/* bit 25 of it */
	int multifunction;		/* header type bit 7 */
	char fn1[VB_BDF_LEN];		/* the HDA function's address */
	int fn1_present;		/* listed in sysfs */
	struct vb_pciids fn1_id;
	char fn1_driver[64];
};

/* Read the state of gpu's HDA (reads only; reading config space wakes a
 * runtime-suspended device). -EIO when 0x488 cannot be read (256-byte
 * config space, not root): st is filled but for reg and bit. */
int vb_hda_status(struct vb_pci *p, const char *gpu, struct vb_hda_status *st);
/* 1 if the kernel's quirk sets the bit again on rescan and resume: kernel
 * release >= 5.3 (or 4.19.129) and device id >= 0x08a0. */
int vb_hda_quirk(const char *release, unsigned device);

enum vb_hda_step {
	VB_HDA_OK = 0,
	VB_HDA_WAKE,		/* power/control=on, or the GPU does not answer */
	VB_HDA_BIT,		/* writing 0x488 failed or did not stick */
	VB_HDA_REMOVE,		/* removing the GPU (on) or function 1 (off) */
	VB_HDA_RESCAN,		/* writing the rescan attribute */
	VB_HDA_BACK,		/* the GPU did not come back after the rescan */
	VB_HDA_NOFN1,		/* the GPU came back without function 1 */
	VB_HDA_BIND,		/* putting the GPU back on its driver */
};

struct vb_hda_op {
	/* in */
	char gpu[VB_BDF_LEN];
	int on;
	long wait_ms;			/* for the GPU and function 1 (0: 5000) */
	/* out */
	struct vb_hda_status before, after;
	int changed;			/* anything was changed */
	int reenumerated;		/* the GPU was removed and found again */
	enum vb_hda_step step;		/* where it failed */
	int undo_failed;		/* the undo failed too: state left as *left */
	const char *left;		/* words for the state left (undo_failed) */
	struct vb_rebind_keep binding;	/* what held the GPU before */
	char took[VB_DRV_LEN];		/* the driver that bound the GPU when it came back */
	/* Putting it back (through the rebind transaction). */
	char bound[VB_DRV_LEN];		/* the driver it is on afterwards */
	char bind_step[40];		/* the step that failed ("" none) */
	char bind_detail[VB_TEXT_LEN];	/* what went wrong, or the state left */
	int multifunction_after;	/* header type bit 7 after the rescan */
};

/* Turn the HDA function on or off (op->on) for op->gpu, waking the GPU and
 * its parent bridge first (power/control=on) and putting power/control back
 * afterwards. Returns 0 (op->changed says whether anything had to be done),
 * or -errno with op->step; on failure everything done is undone when it can
 * be (op->undo_failed and op->left say otherwise). */
int vb_hda_set(const struct vb_act *a, struct vb_pci *p, struct vb_hda_op *op);

#endif
