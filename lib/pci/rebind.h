/* rebind: the one code that moves a device between drivers, as a
 * transaction over a set of devices (normally one IOMMU group), used by
 * vfio-claim, vfio-release, recover and hda.
 *
 * Every driver_override is written first (from then on no other driver can
 * take the device), then every unbind (in a child process, with a bounded
 * wait: a driver in use can block an unbind for ever), then vfio-pci is
 * loaded if a device needs it, then every drivers_probe, then the driver
 * links are verified (drivers_probe reports success even when nothing bound)
 * together with /dev/vfio/GROUP, and each group whose devices went to vfio is
 * opened as QEMU opens it (lib/pci/vfio). Before any write, the IOMMU backend
 * a VM needs is loaded (step 0: a failure there changes nothing). A failure undoes the whole set in reverse:
 * the old driver_override back, unbind from whatever took the device, bind
 * the old driver. What cannot be undone is described exactly. A dry run
 * prints every write through lib/base/act and changes nothing.
 *
 * The journal (lib/pci/record, /run/vfiobox/journal): before the first write
 * each device's driver and driver_override, its target and the records to
 * write once done, durably; again after each step; removed when the
 * transaction is over (done, or undone). A journal that is left (kill -9,
 * power loss, an undo that failed) is settled by the next applet that takes
 * the lock (vb_rebind_settle): finished when it says done, else undone.
 *
 * Signals (lib/base/sig): SIGINT, SIGTERM, SIGHUP caught (vb_sig_catch)
 * are looked for between the steps: until the unbinds are over the
 * transaction stops and is undone (fail_step "signal", c->signal); from
 * then on (modprobe vfio-pci and drivers_probe bind devices) it is finished.
 * The unbind child blocks them: it ends the unbind it is in.
 *
 * Kernel ABI (Documentation/ABI/testing/sysfs-bus-pci, drivers/pci/pci-sysfs.c,
 * drivers/pci/pci-driver.c): driver_override (cut at the first newline, "\n"
 * clears it), drivers/NAME/bind and unbind, /sys/bus/pci/drivers_probe, the
 * driver link, /dev/vfio/N (noiommu-N in no-IOMMU mode).
 *
 * Like every lib file: returns 0 or -errno, never prints; texts meant for the
 * user are handed back in buffers. */
#ifndef VB_REBIND_H
#define VB_REBIND_H

#include <stddef.h>
#include <sys/types.h>

#include "pci/pcidev.h"

struct vb_act;

/* ---- bounded unbind ---------------------------------------------------- */

/* Write addr to /sys/bus/pci/drivers/DRIVER/unbind from a child process and
 * wait at most timeout_ms. Returns 0, the write's -errno, or -ETIMEDOUT with
 * *pending set to the child, which stays blocked in the kernel and finishes
 * the unbind when the driver lets go. In a dry run the write is printed only. */
int vb_unbind(const struct vb_act *a, const char *addr, const char *driver,
		    long timeout_ms, pid_t *pending);

/* ---- rebinding ----------------------------------------------------------- */

#define VB_TARGET_NONE "none"	/* driver_override no driver has: stays unbound */
#define VB_TARGET_BACK ""	/* give back: clear the override, off vfio-pci, reprobe */

struct vb_rebind {
	char addr[VB_BDF_LEN];
	/* The plan (vb_rebind_plan). */
	char target[VB_DRV_LEN];	/* a driver name, VB_TARGET_NONE or VB_TARGET_BACK */
	int set_override;		/* write driver_override (target, or "\n" to clear) */
	char unbind[VB_DRV_LEN];	/* unbind from this driver first ("" no unbind) */
	int probe;			/* write the address to drivers_probe */
	char want[VB_DRV_LEN];		/* VB_TARGET_BACK: the host driver that must
					 * end up bound ("" any but a vfio driver) */
	char old_driver[VB_DRV_LEN];	/* the state before */
	char old_override[VB_DRV_LEN];
	/* The outcome (vb_rebind_run). */
	int done_override, done_unbind, done_probe;
	pid_t pending;			/* an unbind still blocked in the kernel, 0 none */
	char driver[VB_DRV_LEN];	/* driver afterwards ("" none) */
	int group;			/* IOMMU group afterwards, -1 none */
	char node[48];			/* "/dev/vfio/N", "/dev/vfio/noiommu-N", without the
					 * group interface "/dev/vfio/devices/vfioN"; "" */
	int gone;			/* left the bus during the run */
	int stuck;			/* failed and the undo failed: see state */
	int opened;			/* the group opened as a VM does: VB_OPENED_* */
	char iommu[16];			/* VB_OPENED_OK: "type1v2" or "type1" */
	char state[VB_TEXT_LEN];	/* the state left, when stuck */
	struct vb_pciids id;		/* read by vb_rebind_run when not set */
	int record_err;			/* the record (c->record) not written/removed: -errno */
};

/* Plan moving addr to target: read its driver and driver_override and decide
 * which writes are needed. Returns 1 when there is work, 0 when the device is
 * already there (bound to target with the override set; for VB_TARGET_NONE
 * unbound with override none; for VB_TARGET_BACK no override and bound to a
 * driver other than vfio-pci), -ENODEV when the device is not on the bus, -EINVAL for a bad
 * address or target. */
int vb_rebind_plan(struct vb_rebind *v, const char *addr, const char *target);
/* The same from a driver and driver_override the caller has just read (""
 * for none), without reading them again. */
int vb_rebind_plan_known(struct vb_rebind *v, const char *addr, const char *target,
			 const char *driver, const char *override);

/* ---- putting a device back after the kernel created it again ----------- */

/* What held a device, read before it leaves the bus (remove and rescan, a
 * reset by removal, the HDA toggle): the kernel forgets driver_override with
 * the old device, and a host driver may take the new one at once. */
struct vb_rebind_keep {
	char driver[VB_DRV_LEN];	/* "" unbound */
	char override[VB_DRV_LEN];	/* driver_override, "" unset */
};

/* Read what holds addr now (0, or -ENODEV when it is not on the bus). */
int vb_rebind_keep_get(const char *addr, struct vb_rebind_keep *k);
/* Plan putting addr where k says: with an override, onto the driver it names
 * with that override written again ("none": unbound); without one, back on
 * the host driver k->driver (VB_TARGET_BACK with want: off any other driver,
 * probed, verified to be that one). k with neither: nothing to do (0).
 * guess NULL reads the device as it is; otherwise the plan is made from the
 * state the kernel gives a device it creates (no driver_override, bound to
 * guess, "" when unknown), for a dry run before the device is back. Returns
 * as vb_rebind_plan. */
int vb_rebind_plan_keep(struct vb_rebind *v, const char *addr, const struct vb_rebind_keep *k,
			const char *guess);

/* The driver k ends on: the one its override names ("" for none), else its
 * host driver. */
const char *vb_rebind_keep_driver(const struct vb_rebind_keep *k);

/* The group open after a claim (lib/pci/vfio), per device of the group. */
enum {
	VB_OPENED_NA = 0,	/* not a vfio target, no group, or a dry run */
	VB_OPENED_OK,		/* opened as QEMU does and closed */
	VB_OPENED_BUSY,		/* open already (a running VM): in use, not a failure */
	VB_OPENED_UNCHECKED,	/* a fake tree's node, not a character device: not opened */
	VB_OPENED_PARTIAL,	/* a member outside the transaction keeps the group from
				 * being viable: not opened (the caller's choice) */
	VB_OPENED_NOIOMMU,	/* /dev/vfio/noiommu-N: no IOMMU, not for a VM */
	VB_OPENED_CDEV,		/* no group interface: every vfio member's cdev opened
				 * (not bound) and /dev/iommu gave an IOAS (lib/pci/vfio) */
	VB_OPENED_CDEV_UNCHECKED,	/* the same on a fake tree: the nodes are there */
};

struct vb_rebind_ctx {
	const struct vb_act *act;
	long unbind_timeout_ms;		/* bounded wait on each unbind */
	long probe_wait_ms;		/* poll of the driver links after drivers_probe */
	int module_ready;		/* vfio-pci known loaded (checked once per context) */
	int holders;			/* before any write, refuse (-EBUSY, fail_step
					 * "holders") when processes hold a device
					 * to unbind (lib/pci/holders); a dry run
					 * notes them and goes on */
	int force;			/* with holders: note them and go on */
	/* With force, in a real run: called once per device found held, before
	 * any write, with who holds it (as vb_holders_check says them), so that
	 * the applet can say it goes on and the unbind may wait up to
	 * unbind_timeout_ms. NULL: nothing is said. */
	void (*forced)(const struct vb_rebind_ctx *c, const struct vb_rebind *v, const char *who);
	int backend_ready;		/* the IOMMU backend known loaded (same) */
	/* The failure, when vb_rebind_run fails. */
	char fail_addr[VB_BDF_LEN];
	char fail_step[40];		/* "driver_override", "unbind", "modprobe vfio-pci", ... */
	int fail_err;			/* -errno */
	char fail_detail[VB_TEXT_LEN];	/* what went wrong, in words */
	int stuck;			/* devices whose undo failed */
	/* The journal (on by default; never in a dry run). */
	int journal;			/* 0: none (vb_rebind_settle's own run) */
	const char *op;			/* who: the applet (default vb_msg_applet()) */
	const char *record;		/* once done: "claim" writes each device's record
					 * (vb_record_claimed, mode hda), "remove" removes
					 * them, NULL none */
	const char *hda;
	int signal;			/* the signal that stopped the run, 0 none */
};

void vb_rebind_ctx_init(struct vb_rebind_ctx *c, const struct vb_act *a);
/* Carry out the plans of v[0..n) as one transaction (see the top). Returns 0
 * when every device is where it should be, or the failure's -errno after the
 * undo: c->stuck == 0 means everything was restored, otherwise v[i].stuck and
 * v[i].state say what is left. In a dry run the writes are printed and
 * nothing is verified. */
int vb_rebind_run(struct vb_rebind_ctx *c, struct vb_rebind *v, size_t n);
/* After vb_rebind_run: 1 when it wrote anything to one of v[0..n) (an
 * override, an unbind, a probe), 0 when it failed before its first write. */
int vb_rebind_touched(const struct vb_rebind *v, size_t n);

struct vb_journal;
/* Settle the journal j of a transaction that did not end: phase done,
 * finish it (the records j asks for); else undo it, every device put back on
 * the driver and driver_override it had before, as one transaction (not
 * journaled again: j stays until the undo is over, so an undo interrupted
 * in turn is started over). v[0..j->n) gets each device's plan and outcome
 * (v[i].gone: not on the bus: left, and j with it). Returns 0 (*finished 1
 * finished, 0 undone), or the failure's -errno as vb_rebind_run. */
int vb_rebind_settle(struct vb_rebind_ctx *c, const struct vb_journal *j, struct vb_rebind *v,
		     int *finished);

/* Make sure the IOMMU backend a VM needs is loaded (vb_vfio_backend_ready),
 * once per context; a dry run shows the modprobe or says it is there. 0, or
 * -errno with c->fail_* (addr names the device it is for). */
int vb_rebind_backend(struct vb_rebind_ctx *c, const char *addr);
/* Open IOMMU group g as QEMU does (vb_vfio_group_open) and close it: 0 with
 * *opened VB_OPENED_OK or _UNCHECKED (iommu gets the type), VB_OPENED_BUSY
 * with 0 too (in use by a VM); else -errno with c->fail_* saying the step,
 * the group and the reason, naming a member that keeps it from being
 * viable. addr names the device for the failure. On a kernel without the
 * group interface (no /dev/vfio/vfio) whose vfio gave addr a cdev: the
 * group viable by the sysfs rule (the kernel checks it only when a VM binds
 * the cdev), then each member on a vfio driver through vb_vfio_cdev_open:
 * *opened VB_OPENED_CDEV or _CDEV_UNCHECKED, iommu "iommufd". */
int vb_rebind_group_open(struct vb_rebind_ctx *c, int g, const char *addr, int *opened,
			 char *iommu, size_t iommu_n);

/* A dry run of putting addr back where k says once the kernel has created it
 * again: what will happen in words, the writes (vb_rebind_run in c's dry
 * run) for a new device bound to guess ("" unknown), the check. Returns the
 * plan's -errno, else 0. */
int vb_rebind_keep_show(struct vb_rebind_ctx *c, const char *addr, const struct vb_rebind_keep *k,
			const char *guess);

/* The device's state in words: "driver_override vfio-pci, bound to nvidia",
 * "no driver_override, no driver", "gone from the bus". */
void vb_rebind_describe(const char *addr, char *buf, size_t n);

#endif
