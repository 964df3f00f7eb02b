/* pciops: PCI topology and hot-plug steps shared by pci-remove, pci-rescan,
 * pci-reset, hda, power and recover.
 *
 * Kernel ABI (Documentation/ABI/testing/sysfs-bus-pci, drivers/pci/pci-sysfs.c):
 * per-device `remove` hot-removes the device and everything below it (its
 * driver is detached first; the write returns when it is gone); per-device
 * `rescan` rescans the bus the device sits on and, through every bridge on
 * it, the buses below; /sys/class/pci_bus/DDDD:BB/rescan rescans that bus;
 * /sys/bus/pci/rescan rescans everything. A bridge's `secondary_bus_number`
 * (decimal, 4.13+) is config byte 0x19. power/control is "on" or "auto";
 * writing "on" runtime-resumes the device (and its parents) before returning.
 *
 * A device that has left the bus can still be placed: its bus number says
 * which bridge it sits behind (the one whose secondary bus that is), and
 * that bridge's `rescan` finds it again. */
#ifndef VB_PCIOPS_H
#define VB_PCIOPS_H

#include <stddef.h>
#include <stdint.h>

#include "pci/pcidev.h"

struct vb_act;
struct vb_pci;

/* The bridge whose secondary bus is domain:bus, from each bridge's
 * secondary_bus_number (config byte 0x19 where the attribute is missing).
 * out = "" when no bridge leads there (a root bus). 0 or -errno. */
int vb_pciops_bus_bridge(unsigned domain, unsigned bus, char *out);
/* The upstream bridge of addr whether or not addr is present: from the
 * device's sysfs path when it is there, else from its bus number. */
int vb_pciops_parent(const char *addr, char *out);
/* Every present device below bridge: its secondary bus and, through the
 * bridges there, the buses further down. Sorted by address. */
int vb_pciops_below(const char *bridge, char ***addrs, size_t *n);
/* The other present devices on addr's bus (what makes the kernel refuse a
 * bus reset of addr). */
int vb_pciops_bus_peers(const char *addr, char ***addrs, size_t *n);

/* The attribute to write to find addr again (present or not): the parent
 * bridge's `rescan`; for a root bus /sys/class/pci_bus/DDDD:BB/rescan, or
 * /sys/bus/pci/rescan when the kernel has no such file. */
int vb_pciops_rescan_attr(const char *addr, char *path, size_t n);
/* Write 1 to a rescan attribute (shown as `echo 1 > PATH`). */
int vb_pciops_rescan(const struct vb_act *a, const char *path);
/* Write 1 to addr's `remove` and check it is gone (poll up to timeout_ms).
 * Returns 0, -errno from the write, or -EEXIST when the write was taken but
 * the device is still listed. A dry run shows the write and returns 0. */
int vb_pciops_remove(const struct vb_act *a, const char *addr, long timeout_ms);

/* 1 if addr is present and the vendor and device ids in its config space
 * read as vendor:device (VB_ANY: any real id), 0 if not (absent, all-ones,
 * other ids), negative on errors opening config space. */
int vb_pciops_answers(struct vb_pci *p, const char *addr, unsigned vendor, unsigned device);

/* power/control, remembered so it can be put back. */
struct vb_power_save {
	char addr[VB_BDF_LEN];
	char control[8];	/* the value before; "" when unknown */
	int changed;		/* we wrote "on" */
};

/* Remember power/control without writing anything ("" when absent). */
int vb_pciops_power_get(const char *addr, struct vb_power_save *s);
/* Write power/control=on unless it already reads "on". */
int vb_pciops_power_on(const struct vb_act *a, const char *addr, struct vb_power_save *s);
/* Put back what vb_pciops_power_on changed (nothing when it changed
 * nothing, or when the device is gone: a re-enumerated device starts over). */
int vb_pciops_power_restore(const struct vb_act *a, struct vb_power_save *s);

/* Config space saved before a secondary bus reset. */
struct vb_cfgsave {
	char addr[VB_BDF_LEN];
	int size;		/* 256 or 4096 */
	uint8_t data[4096];
};

/* Read the whole config space (size from the sysfs config file). -EIO when
 * it reads all-ones (powered off, gone). */
int vb_pciops_cfg_save(struct vb_pci *p, const char *addr, struct vb_cfgsave *s);
/* Write back what a reset clears, in the kernel's order
 * (pci_restore_state): PCI Express control registers, resizable BAR sizes,
 * MSI/MSI-X control, then the header from the top down with COMMAND last
 * (and first, on an NVIDIA GPU, 0x488 bit 25 if it was set, so its HDA
 * function answers again, as quirk_nvidia_hda does); only registers that
 * differ are written. Then compare COMMAND and the BARs with the saved
 * values: -EIO if they differ (*bad gets the offset). Returns how many
 * registers had to be written (0: the device had kept its config). */
int vb_pciops_cfg_restore(struct vb_pci *p, const struct vb_cfgsave *s, int *bad);

/* Secondary bus reset of bridge through its bridge control register
 * (0x3E bit 0x40): asserted for 2 ms, then 100 ms of quiet (on a link
 * faster than 5 GT/s whose bridge reports link state: 100 ms from the
 * link coming up again, as the PCIe spec asks), then each
 * device below is polled (every 10 ms, up to wait_ms) until its vendor and
 * device ids read back, and its config space is restored. Hot-plug events
 * of the bridge's slot (presence and link changes) are masked meanwhile, as
 * the kernel's pciehp does for its own resets. The bridge and every device
 * below are kept at power/control=on for the duration. */
enum vb_sbr_step {
	VB_SBR_OK = 0,
	VB_SBR_SAVE,		/* saving config (nothing changed) */
	VB_SBR_ASSERT,		/* setting the bit failed (nothing changed) */
	VB_SBR_DEASSERT,	/* clearing the bit failed: bus held in reset */
	VB_SBR_WAIT,		/* a device did not answer after the reset */
	VB_SBR_RESTORE,		/* restoring a device's config failed */
};

struct vb_sbr {
	/* in */
	char bridge[VB_BDF_LEN];
	long wait_ms;			/* poll limit per reset (0: 1000) */
	char **skip;			/* devices below to leave out (a dry run of a */
	size_t nskip;			/* plan that removes them first) */
	int bridge_awake;		/* the caller holds the bridge at power/control=on */
	/* out */
	size_t n;			/* devices below, saved and restored */
	char (*devs)[VB_BDF_LEN];
	int restored;			/* registers written back, all devices */
	enum vb_sbr_step step;		/* where it failed */
	char failed[VB_BDF_LEN];	/* the device concerned */
	int bad_offset;			/* VB_SBR_RESTORE: the register that differs */
	long back_ms;			/* from deassert until every device answered */
};

/* 0 when done, else -errno with s->step and s->failed saying where. Free
 * s->devs with vb_pciops_sbr_free(). */
int vb_pciops_sbr(const struct vb_act *a, struct vb_pci *p, struct vb_sbr *s);
void vb_pciops_sbr_free(struct vb_sbr *s);

/* bbswitch, the out-of-tree module the guides power the GPU with:
 * /proc/acpi/bbswitch reads "0000:01:00.0 ON" or "... OFF". 1 if it names
 * addr OFF, 0 if ON, -ENOENT if it is not loaded or names another device. */
int vb_pciops_bbswitch(const char *addr);

/* A list of addresses with set semantics (no duplicates). */
void vb_pciops_addr_add(char ***v, size_t *n, const char *addr);
int vb_pciops_addr_has(char **v, size_t n, const char *addr);

#endif
