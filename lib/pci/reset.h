/* reset: will a device come back after a VM reboot? The facts a reset needs
 * and a verdict from them, for doctor, list and recover.
 *
 * What QEMU does when the VM reboots: VFIO_DEVICE_RESET, which runs the
 * kernel's reset methods in reset_method order (a function reset: flr,
 * af_flr, pm, device_specific, acpi), and when the device has none of them,
 * a hot reset of the bus below the parent bridge, which vfio allows only
 * when the VM owns every device that bus reset hits (their IOMMU groups).
 *
 * Facts, each from where the kernel takes it:
 * - reset_method (5.15+): the methods the kernel probed, in order; the
 *   attribute (and `reset`) is hidden when there is none. A
 *   function's "bus" entry is probed at enumeration, before its slot's
 *   other functions exist: a GPU's .0 lists "bus" although its HDA .1 makes
 *   the kernel refuse it later (ENOTTY). So the bus is judged from the
 *   topology, not from that entry.
 * - PCIe Device Capabilities bit 28 (FLR), the Advanced Features capability
 *   (TP and FLR), PM control/status bit 3 (NoSoftRst: D3hot->D0 does not
 *   reset): config space through libpci. A non-root reader sees 64 bytes of
 *   config space: then these read as unknown and reset_method decides.
 * - the devices below the parent bridge (lib/pci/pciops) and their IOMMU
 *   groups; the bridge's reset_subordinate file (the host can reset the
 *   whole bus itself, between VM runs): mainline 6.13, backported to
 *   6.12.5, 6.1.120, 5.15.174, 5.10.231 and 5.4.287, so its presence is
 *   read, never guessed from the kernel version.
 * - /sys/module/vendor_reset, and a table of families whose reset is known
 *   to be broken, each with its source. */
#ifndef VB_RESET_H
#define VB_RESET_H

#include "pci/pcidev.h"

struct vb_pci;

enum vb_reset_verdict {
	VB_RESET_SURVIVES,	/* a function reset, or a bus reset of it alone */
	VB_RESET_VENDOR,	/* a known-broken family: only with vendor-reset */
	VB_RESET_BUS_WITH,	/* only a bus reset that also resets the devices
				 * in its IOMMU group (its HDA function): the
				 * VM must get them too */
	VB_RESET_NONE,		/* no reset reaches it without hitting the host */
};

/* Where a bus reset of the parent bridge stands. */
enum vb_reset_bus {
	VB_BUS_ROOT,		/* on a root bus: no bridge to reset */
	VB_BUS_ALONE,		/* nothing else below its bridge */
	VB_BUS_GROUP,		/* others below, all in its IOMMU group */
	VB_BUS_SHARED,		/* others below outside its group */
	VB_BUS_REFUSED,		/* alone, but the kernel's reset_method lacks bus */
};

/* A family whose reset is known not to work, with where that is written. */
struct vb_reset_quirk {
	unsigned vendor, device;
	const char *family;
	const char *source;
};

struct vb_reset_info {
	int methods_known;		/* reset_method read; or absent on 5.15+,
					 * where the kernel hides it from a device
					 * with no method at all */
	char methods[128];		/* reset_method, "" none */
	int cfg;			/* 1 config space read, 0 not (all-ones,
					 * short: not root) */
	int flr;			/* DevCap FLR 1/0, -1 unknown or no PCIe cap */
	int af_flr;			/* AF capability with TP+FLR 1/0, -1 unknown */
	int nosoftrst;			/* PMCSR NoSoftRst 1/0, -1 unknown or no PM */
	enum vb_reset_bus bus;
	char bridge[VB_BDF_LEN];	/* parent bridge, "" on a root bus */
	char below[256];		/* others a bus reset hits, ", "-separated */
	char outside[256];		/* ...those outside its IOMMU group */
	int reset_subordinate;		/* the bridge has reset_subordinate */
	int vendor_reset;		/* vendor_reset module loaded or built in */
	const struct vb_reset_quirk *quirk;	/* NULL: no known bug */
	char by[20];			/* the reset that brings it back: "flr",
					 * "af_flr", "pm", "device_specific",
					 * "acpi", "bus"; "" none */
	enum vb_reset_verdict verdict;
};

/* Everything above for present device addr (p may be NULL: config space
 * facts are then unknown). 0, -ENODEV when addr is not there, -errno. */
int vb_reset_assess(struct vb_pci *p, const char *addr, struct vb_reset_info *r);
/* The verdict in words: "survives a VM reboot", "only with vendor-reset",
 * "only by a bus reset with its group", "will not survive a VM reboot". */
const char *vb_reset_verdict_name(enum vb_reset_verdict v);
/* Stable one-word names for JSON: "survives", "vendor_reset",
 * "bus_with_group", "none"; the bus: "root", "alone", "group", "shared",
 * "refused". */
const char *vb_reset_verdict_key(enum vb_reset_verdict v);
const char *vb_reset_bus_key(enum vb_reset_bus b);
/* The known-bug entry of vendor:device, NULL if none. */
const struct vb_reset_quirk *vb_reset_quirk(unsigned vendor, unsigned device);
/* The facts behind the verdict, one clause each, for doctor and list:
 * "reset_method bus, no FLR, NoSoftRst set, a bus reset of 0000:00:01.0
 * also resets 0000:01:00.1 (same IOMMU group), reset_subordinate". */
void vb_reset_describe(const struct vb_reset_info *r, char *buf, size_t n);
/* recover's default reset, from the same facts: once a device's functions
 * (mine) are removed, a secondary bus reset of their bridge reaches nothing
 * else when nothing else is below it, and brings the device back as a VM
 * reboot's bus reset would, unless it is of a family a bus reset breaks
 * (the vendor-reset list; vendor:device VB_ANY: unknown). */
enum vb_reset_pick {
	VB_PICK_SBR,		/* reset the bridge's secondary bus */
	VB_PICK_ROOT,		/* no bridge: on a root bus */
	VB_PICK_OTHERS,		/* others below the bridge (named in others) */
	VB_PICK_QUIRK,		/* a family a bus reset leaves unable to start */
};
/* Returns a vb_reset_pick, or -errno when the bridge's devices cannot be
 * listed. others gets the devices below the bridge that are not in mine
 * (", "-separated). */
int vb_reset_pick_recover(const char *bridge, unsigned vendor, unsigned device, char **mine,
			  size_t nmine, char *others, size_t n);
/* 1 if word is one of the space-separated methods. */
int vb_reset_has_method(const char *methods, const char *word);

#endif
