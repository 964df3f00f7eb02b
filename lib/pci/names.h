/* names: vendor, device, subsystem and class names from a pci.ids file,
 * through libpci's pci_lookup_name (the library lspci uses; built here with
 * HWDB=no and DNS=no, so the file is the only source).
 *
 * Which file: the one given, or else the first that exists of libpci's own
 * default (PCI_PATH_IDS_DIR/pci.ids of the build), /usr/share/hwdata/pci.ids
 * (Fedora, Arch) and /usr/share/misc/pci.ids (Debian), each under the root
 * prefix (VFIOBOX_SYSROOT) like every other system path. An initramfs has
 * none: callers then show ids only, as they did before names existed. */
#ifndef VB_NAMES_H
#define VB_NAMES_H

#include <stddef.h>

#include "pci/pcidev.h"

struct vb_names;

/* Load file (a path taken as given, not under the root), or with file NULL
 * the first default that exists. 0 with *nm set; -ENOENT when file is NULL
 * and no default exists; -errno when the file cannot be opened; -EINVAL when
 * it does not parse (err gets libpci's "Parse error at FILE, line N"). */
int vb_names_open(struct vb_names **nm, const char *file, char *err, size_t errn);
void vb_names_close(struct vb_names *nm);
/* The file loaded, as the user knows it (root prefix stripped). */
const char *vb_names_file(const struct vb_names *nm);

/* Each returns buf, or NULL when nm is NULL or the file has no such entry. */
/* "NVIDIA Corporation" */
const char *vb_names_vendor(struct vb_names *nm, unsigned vendor, char *buf, size_t n);
/* "GA104M [GeForce RTX 3070 Mobile / Max-Q]" (the device line alone) */
const char *vb_names_devname(struct vb_names *nm, unsigned vendor, unsigned device,
			     char *buf, size_t n);
/* "NVIDIA Corporation GA104M [GeForce RTX 3070 Mobile / Max-Q]", or "NVIDIA
 * Corporation Device 2fff" when only the vendor is known; NULL when the vendor
 * is unknown. */
const char *vb_names_vendev(struct vb_names *nm, unsigned vendor, unsigned device,
			    char *buf, size_t n);
/* lspci -v's "Subsystem:" text: "Hewlett-Packard Company Device 88d1";
 * NULL when the subsystem vendor is unknown or there are no subsystem ids. */
const char *vb_names_subsys(struct vb_names *nm, const struct vb_pciids *id,
			    char *buf, size_t n);

/* Never NULL. The class as lspci prints it: the file's subclass name, or its
 * base class name, or with nm NULL vb_class_name(). Without the " [0300]". */
const char *vb_names_class(struct vb_names *nm, unsigned class, char *buf, size_t n);
/* Never NULL: lspci -nn's device text, "NVIDIA Corporation GA104M [GeForce
 * RTX 3070 Mobile / Max-Q] [10de:249d]", "Device [10de:249d]" unknown. */
const char *vb_names_mixed(struct vb_names *nm, unsigned vendor, unsigned device,
			   char *buf, size_t n);

/* The one call for applets that show a device in passing (doctor, vfio-claim
 * -n): "NVIDIA Corporation GA104M [GeForce RTX 3070 Mobile / Max-Q]" for the
 * ids into buf. Loads the default file once per process and keeps it.
 * 0, or -ENOENT (no pci.ids, or the vendor is not in it; buf is ""). */
int vb_names_device(const struct vb_pciids *id, char *buf, size_t n);
/* Drop what vb_names_device() loaded (tests that change the root). */
void vb_names_device_reset(void);

#endif
