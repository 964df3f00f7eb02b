/* pcidev: the PCI device model as sysfs shows it.
 *
 * Addresses are validated strictly (vb_bdf_parse) before any path is built:
 * hex digits only, no '/', no "..". Everything is read fresh from sysfs on
 * each call: IOMMU group numbers and drivers change across rescans. */
#ifndef VB_PCIDEV_H
#define VB_PCIDEV_H

#include <stddef.h>

#define VB_BDF_LEN 20		/* "ffffffff:ff:1f.7" + NUL, rounded up */
#define VB_ANY 0xffffffffu	/* PCI_ANY_ID */
#define VB_DRV_LEN 64		/* a driver name + NUL */
#define VB_TEXT_LEN 512		/* a state or a failure said in words */

struct vb_bdf {
	unsigned domain, bus, dev, fn;
};

/* Parse "DDDD:BB:DD.F" (domain 4 to 8 hex digits) or the short "BB:DD.F"
 * (domain 0). Returns 0 or -EINVAL. */
int vb_bdf_parse(const char *s, struct vb_bdf *b);
/* Canonical "%04x:%02x:%02x.%x" into out (VB_BDF_LEN bytes). */
void vb_bdf_format(const struct vb_bdf *b, char *out);
/* Parse and write the canonical form; -EINVAL for a bad address. */
int vb_bdf_canon(const char *s, char *out);
/* Order of two canonical addresses, numerically. */
int vb_bdf_cmp(const char *a, const char *b);

struct vb_pciids {
	unsigned vendor, device, subvendor, subdevice;
	unsigned class;		/* 24 bits: base, sub, prog-if */
};

struct vb_pcidev {
	char addr[VB_BDF_LEN];
	struct vb_pciids id;
	int revision;			/* -1 unknown */
	char driver[64];		/* "" when unbound */
	char override[64];		/* driver_override, "" when unset */
	int group;			/* IOMMU group, -1 without one */
	int boot_vga;			/* -1: no boot_vga attribute */
	char power_state[16];		/* D0, D3hot, D3cold...; "" unknown */
	char power_control[8];		/* "on" or "auto"; "" unknown */
	char runtime_status[16];	/* "" unknown */
	int d3cold_allowed;		/* -1: absent */
	int has_reset;			/* the reset attribute exists */
	int has_reset_method;		/* the reset_method attribute exists (5.15+) */
	char reset_methods[128];	/* enabled methods in order, "" none */
	char link_speed[32];		/* current_link_speed, "" absent */
	int link_width;			/* current_link_width, 0 absent */
	char max_link_speed[32];
	int max_link_width;
	char parent[VB_BDF_LEN];	/* upstream bridge, "" on a root bus */
	int is_vf;			/* SR-IOV virtual function */
};

/* Absolute path of attribute attr of device addr (canonical or short form);
 * -EINVAL for a bad address or an attribute name with '/' or "..". */
int vb_pcidev_path(char *buf, size_t n, const char *addr, const char *attr);
/* 1 if /sys/bus/pci/devices/ADDR exists. */
int vb_pcidev_exists(const char *addr);
/* Ids from modalias (one read), else the vendor/device/... files. */
int vb_pcidev_ids(const char *addr, struct vb_pciids *id);
/* The ids in a modalias ("pci:v000010DEd0000249Dsv...sd...bc03sc00i00",
 * a newline after it allowed); -EINVAL for anything else. */
int vb_pcidev_parse_modalias(const char *m, struct vb_pciids *id);
/* Everything above, read fresh. -ENODEV if the device is not there. */
int vb_pcidev_load(const char *addr, struct vb_pcidev *d);
/* What selection needs, and nothing else: address, ids (id, when the caller
 * has just read them, else read), driver, driver_override, IOMMU group,
 * boot_vga of a display device. -ENODEV if the device is not there. */
int vb_pcidev_load_basic(const char *addr, const struct vb_pciids *id, struct vb_pcidev *d);
/* driver_override into buf: "" when unset (the kernel reads "(null)") or
 * when the kernel has no such attribute; -ENODEV when the device is not
 * there; -ETIMEDOUT when the kernel holds the device lock for longer than
 * vb_sysfs_wait() (vb_sysfs_read_locked). The one reader of the attribute. */
int vb_pcidev_override(const char *addr, char *buf, size_t n);
/* Current driver name into buf ("" when unbound); 0 or -errno. */
int vb_pcidev_driver(const char *addr, char *buf, size_t n);
/* IOMMU group number, -ENOENT when the device has none. */
int vb_pcidev_group(const char *addr);
/* The upstream bridge's address, "" for a device on a root bus. */
int vb_pcidev_parent(const char *addr, char *out);

/* Sorted canonical addresses of every PCI device; names that are not valid
 * addresses are skipped. Free with vb_sysfs_list_free(). */
int vb_pcidev_list(char ***addrs, size_t *n);
/* Members of IOMMU group g, sorted. */
int vb_pcidev_group_members(int g, char ***addrs, size_t *n);
/* All present functions of addr's slot (same domain:bus:dev), sorted,
 * including addr itself. */
int vb_pcidev_slot(const char *addr, char ***addrs, size_t *n);
/* Devices directly below bridge addr (its secondary bus), sorted. */
int vb_pcidev_children(const char *bridge, char ***addrs, size_t *n);

/* ---- what a device is ---------------------------------------------------
 * The one place that answers "is it a bridge, an HDA function, on a passive
 * driver". */

/* The header layout (type byte at 0x0e without the multifunction bit):
 * 0 an endpoint, 1 a bridge, 2 CardBus; -1 unreadable. */
int vb_pcidev_header_layout(const char *addr);
/* 1 if not an endpoint: bridge class, or a type 1/2 header. */
int vb_pcidev_is_bridge(const char *addr, unsigned class);
/* 1 if an audio function (class given) shares its slot with a display
 * function: a GPU's HDA controller. */
int vb_pcidev_is_hda(const char *addr, unsigned class);

/* 1 for vfio-pci and its variant drivers: the name rule (vfio*, *-vfio-pci,
 * *_vfio_pci) or a vfio_pci: alias of that module in the running kernel's
 * modules.alias (lib/pci/kmod). The one answer to "is it a vfio driver". */
int vb_driver_is_vfio(const char *driver);
/* The vfio driver a claim of addr uses: the variant driver whose modules.alias
 * entry matches its modalias best (vb_kmod_vfio_variant; only: that variant
 * or none), else vfio-pci. Returns 1 for a variant (why gets its alias,
 * "vfio_pci:v..."), 0 for vfio-pci (why ""), -ENODEV when the device is not
 * there, other -errno. */
int vb_pcidev_vfio_driver(const char *addr, const char *only, char *drv, size_t n, char *why,
			  size_t wn);
/* The same for a device known by its ids (one not on the bus now). */
int vb_vfio_driver_for(const struct vb_pciids *id, const char *only, char *drv, size_t n,
		       char *why, size_t wn);
/* Which drivers count as passive: a caller says what it asks.
 * VB_PASSIVE_VFIO: nothing of the host runs the device (no driver, a vfio
 *   driver, pci-stub): what a VM may take, what a reset may disturb.
 * VB_PASSIVE_GROUP: also pcieport, a bridge's port service driver, which
 *   leaves an IOMMU group viable. */
enum vb_passive { VB_PASSIVE_VFIO, VB_PASSIVE_GROUP };
int vb_driver_passive(const char *driver, enum vb_passive policy);
/* 1 if the device, bound to driver ("" none), leaves its IOMMU group viable
 * (vfio's DMA ownership rule, 5.19+): a VB_PASSIVE_GROUP driver, or any
 * driver on a bridge header; a bridge-class endpoint (ISA/LPC, header type
 * 0) on a host driver is not. */
int vb_pcidev_dma_ok(const char *addr, unsigned class, const char *driver);

/* Class helpers. */
int vb_class_is_display(unsigned class);	/* base class 0x03 */
int vb_class_is_bridge(unsigned class);		/* base class 0x06 */
int vb_class_is_audio(unsigned class);		/* 0x0403xx HDA */
const char *vb_class_name(unsigned class);

#endif
