/* claim: the engine behind vfio-claim and vfio-release, and the "move this
 * device to driver X and verify" step that recover reuses.
 *
 * Selection: selectors (a vfio-pci ids= list, addresses) from the arguments,
 * else the kernel command line, else /etc/vfiobox.conf; then every other
 * member of the selected devices' IOMMU groups, each with the reason it is in.
 *
 * Rebinding: a set of devices (normally one IOMMU group) is moved in one
 * transaction. Every driver_override is written first (from then on no other
 * driver can take the device), then every unbind (in a child process, with a
 * bounded wait: a driver in use can block an unbind for ever), then vfio-pci
 * is loaded if a device needs it, then every drivers_probe, then the driver
 * links are verified (drivers_probe reports success even when nothing bound)
 * together with /dev/vfio/GROUP. A failure undoes the whole set in reverse:
 * the old driver_override back, unbind from whatever took the device, bind
 * the old driver. What cannot be undone is described exactly.
 *
 * Kernel ABI (Documentation/ABI/testing/sysfs-bus-pci, drivers/pci/pci-sysfs.c,
 * drivers/pci/pci-driver.c, drivers/vfio/): driver_override (cut at the first
 * newline, "\n" clears it, reads "(null)" when unset), drivers/NAME/bind and
 * unbind, /sys/bus/pci/drivers_probe, iommu_group, /sys/kernel/iommu_groups,
 * /dev/vfio/N (noiommu-N in no-IOMMU mode),
 * /sys/module/vfio/parameters/enable_unsafe_noiommu_mode, /proc/PID/fd.
 *
 * Like every lib file: returns 0 or -errno, never prints; texts meant for the
 * user are handed back in buffers. */
#ifndef VB_CLAIM_H
#define VB_CLAIM_H

#include <stddef.h>
#include <sys/types.h>

#include "base/conf.h"
#include "pci/ids.h"
#include "pci/pcidev.h"

struct vb_act;

#define VB_DRV_LEN 64
#define VB_CLAIM_TEXT 512

/* ---- selectors ------------------------------------------------------- */

/* --timeout=SEC: "10", "0.5" (at most three decimals), more than 0, at most a
 * day; into milliseconds. 0 or -EINVAL. */
int vb_claim_parse_seconds(const char *s, long *ms);


struct vb_claim_sel {
	struct vb_idlist ids;		/* ids= entries, all sources joined */
	char ids_text[VB_CONF_VAL];	/* the same, as given ("" none) */
	char **addrs;			/* canonical, no duplicates, in order given */
	size_t naddrs;
	char hda[16];			/* vfiobox.hda= / hda= of the source, "" unset */
	const char *source;		/* "arguments", "kernel command line", "/etc/vfiobox.conf" */
};

/* Take the operands (ids=LIST or addresses) and, when there are none, the
 * kernel command line or /etc/vfiobox.conf (vb_conf_load). Returns 1 when
 * something is selected, 0 when nothing is, -EINVAL for a bad operand or a bad
 * value in the configuration (err says which and why), other -errno when the
 * configuration cannot be read (err says which file). Free with
 * vb_claim_sel_free() whatever the result. */
int vb_claim_sel_load(struct vb_claim_sel *s, char *const *operands, int n,
		      char *err, size_t errlen);
void vb_claim_sel_free(struct vb_claim_sel *s);

/* ---- the selected devices ---------------------------------------------- */

enum vb_claim_why {
	VB_WHY_ADDR = 1,	/* named by its address */
	VB_WHY_IDS,		/* matched the ids= list */
	VB_WHY_GROUP,		/* shares an IOMMU group with a selected device */
};

struct vb_claim_dev {
	struct vb_pcidev d;		/* the state when selected: addr, id, driver,
					 * override, group, boot_vga (the rest unread) */
	int why;
	char via[VB_BDF_LEN];		/* VB_WHY_GROUP: the selected device that pulled it in */
	int bridge;			/* not an endpoint: bridge class or bridge header */
	int hda;			/* an audio function in a slot with a display function */
};

struct vb_claim_set {
	struct vb_claim_dev *v;
	size_t n;
};

/* The devices the selectors name, sorted by address; unless no_group, also
 * every other member of their IOMMU groups (bridges included and marked, so
 * the caller can say why they stay). Returns 0 (the set may be empty when an
 * ids= list matches nothing), -ENODEV with bad set to an address that is not
 * on the bus, or -errno from sysfs. */
int vb_claim_select(const struct vb_claim_sel *s, int no_group, struct vb_claim_set *set,
		    char bad[VB_BDF_LEN]);
void vb_claim_set_free(struct vb_claim_set *set);

/* 1 if the device ids match the selectors' ids= list. */
int vb_claim_sel_match(const struct vb_claim_sel *s, const struct vb_pciids *id);
/* 1 if the audio function addr (class given) shares its slot with a display
 * function: a GPU's HDA controller. */
int vb_claim_is_hda(const char *addr, unsigned class);
/* 1 if the device is not an endpoint (bridge class, or a type 1/2 header). */
int vb_claim_is_bridge(const char *addr, unsigned class);
/* 1 if the device, bound to driver ("" none), leaves its IOMMU group viable:
 * unbound, on vfio, pci-stub or pcieport, or a bridge header (vfio before
 * 5.19 let those keep any driver). A bridge-class endpoint (header type 0)
 * on a host driver is not. */
int vb_claim_dma_ok(const char *addr, unsigned class, const char *driver);

/* 1 when an IOMMU is active (/sys/kernel/iommu_groups or /sys/class/iommu has
 * an entry), 0 when not. */
int vb_claim_iommu_on(void);
/* 1 when vfio's no-IOMMU mode is on (the vfio module parameter reads Y, or the
 * kernel command line asks for vfio.enable_unsafe_noiommu_mode=1). */
int vb_claim_noiommu(void);

/* Can IOMMU group g go to a VM: every member unbound, on a vfio driver, on
 * pci-stub, or a bridge (vb_claim_dma_ok)? Returns 1 viable, 0 not
 * (why gets "ADDR on DRIVER, ..."), or -errno. */
int vb_claim_group_viable(int g, char *why, size_t n);

/* Who keeps driver busy with device addr, as far as /proc shows: processes
 * with one of its device nodes open (/dev/nvidia* for nvidia, the device's
 * /dev/dri and /dev/snd nodes, /dev/vfio/GROUP for vfio-pci), e.g.
 * "Xorg (pid 812: /dev/nvidia0, /dev/nvidiactl)", and the module's use count.
 * Returns the number of processes found; buf is "" when nothing is visible. */
int vb_claim_holders(const char *addr, const char *driver, char *buf, size_t n);

/* Write addr to /sys/bus/pci/drivers/DRIVER/unbind from a child process and
 * wait at most timeout_ms. Returns 0, the write's -errno, or -ETIMEDOUT with
 * *pending set to the child, which stays blocked in the kernel and finishes
 * the unbind when the driver lets go. In a dry run the write is printed only. */
int vb_claim_unbind(const struct vb_act *a, const char *addr, const char *driver,
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
	char old_driver[VB_DRV_LEN];	/* the state before */
	char old_override[VB_DRV_LEN];
	/* The outcome (vb_rebind_run). */
	int done_override, done_unbind, done_probe;
	pid_t pending;			/* an unbind still blocked in the kernel, 0 none */
	char driver[VB_DRV_LEN];	/* driver afterwards ("" none) */
	int group;			/* IOMMU group afterwards, -1 none */
	char node[32];			/* "/dev/vfio/N" or "/dev/vfio/noiommu-N", "" */
	int gone;			/* left the bus during the run */
	int stuck;			/* failed and the undo failed: see state */
	char state[VB_CLAIM_TEXT];	/* the state left, when stuck */
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

struct vb_rebind_ctx {
	const struct vb_act *act;
	long unbind_timeout_ms;		/* bounded wait on each unbind */
	long probe_wait_ms;		/* poll of the driver links after drivers_probe */
	int module_ready;		/* vfio-pci known loaded (checked once per context) */
	/* The failure, when vb_rebind_run fails. */
	char fail_addr[VB_BDF_LEN];
	char fail_step[40];		/* "driver_override", "unbind", "modprobe vfio-pci", ... */
	int fail_err;			/* -errno */
	char fail_detail[VB_CLAIM_TEXT];	/* what went wrong, in words */
	int stuck;			/* devices whose undo failed */
};

void vb_rebind_ctx_init(struct vb_rebind_ctx *c, const struct vb_act *a);
/* Carry out the plans of v[0..n) as one transaction (see the top). Returns 0
 * when every device is where it should be, or the failure's -errno after the
 * undo: c->stuck == 0 means everything was restored, otherwise v[i].stuck and
 * v[i].state say what is left. In a dry run the writes are printed and
 * nothing is verified. */
int vb_rebind_run(struct vb_rebind_ctx *c, struct vb_rebind *v, size_t n);

/* The device's state in words: "driver_override vfio-pci, bound to nvidia",
 * "no driver_override, no driver", "gone from the bus". */
void vb_rebind_describe(const char *addr, char *buf, size_t n);

#endif
