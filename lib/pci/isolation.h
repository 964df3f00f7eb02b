/* isolation: why an IOMMU group holds more than a device's own card: the
 * bridges on its path to the root bus and their ACS, as the kernel judges
 * them when it forms groups (drivers/iommu/iommu.c pci_device_group: a
 * device joins the group of the first upstream bridge whose path to the
 * root does not have ACS isolation, pci_acs_path_enabled with
 * REQ_ACS_FLAGS; vb_pciconf_acs_isolates is that test for one port).
 * For doctor's "why is the group shared"; list --tree shows the same ACS
 * state per bridge. */
#ifndef VB_ISOLATION_H
#define VB_ISOLATION_H

#include <stddef.h>
#include <stdint.h>

#include "pci/pcidev.h"

struct vb_pci;

enum vb_acs_state {
	VB_ACS_ISOLATES,	/* ACS present with every control isolation needs */
	VB_ACS_PARTIAL,		/* present, some of those controls off */
	VB_ACS_ABSENT,		/* no ACS capability */
	VB_ACS_UNKNOWN,		/* config space unreadable (not root, powered off) */
};

struct vb_acs_hop {
	char addr[VB_BDF_LEN];	/* a bridge above the device, nearest first */
	enum vb_acs_state state;
	uint16_t cap, ctl;	/* the ACS registers when present */
	unsigned missing;	/* vb_pciconf_acs_missing(cap, ctl) */
};

#define VB_ISOLATION_MAX 16

/* The bridges from addr's parent up to the root bus (at most
 * VB_ISOLATION_MAX), each with its ACS state. p may be NULL (every state
 * VB_ACS_UNKNOWN). Returns how many, or -errno. */
int vb_isolation_path(struct vb_pci *p, const char *addr, struct vb_acs_hop *hops, size_t max);
/* 1 if bridge (canonical) is on addr's path (an ancestor), 0 if not. */
int vb_isolation_below(const char *bridge, const char *addr);

#endif
