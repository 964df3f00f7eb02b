/* topo: the PCI topology as a forest, one tree per root bus, built from the
 * device model (vb_pcidev_list, vb_pcidev_parent): every device, its
 * upstream bridge, its children in address order. Read fresh on each build:
 * a rescan can change everything. */
#ifndef VB_TOPO_H
#define VB_TOPO_H

#include <stddef.h>

#include "pci/pcidev.h"

struct vb_topo_node {
	char addr[VB_BDF_LEN];
	char root[VB_BDF_LEN];	/* root bus of its tree, "DDDD:BB" */
	int parent;		/* index of the upstream bridge, -1 on a root bus */
	int child, next;	/* first child, next sibling; -1 none */
	int depth;		/* 0 on a root bus */
};

struct vb_topo {
	struct vb_topo_node *v;	/* sorted by address */
	size_t n;
	int *roots;		/* first device of each root bus, in bus order... */
	size_t nroots;		/* ...one entry per root bus */
};

/* Build the forest. 0 or -errno (the device list cannot be read). A device
 * whose parent is not a listed device counts as on a root bus. */
int vb_topo_build(struct vb_topo *t);
void vb_topo_free(struct vb_topo *t);
/* Index of addr (canonical), -1 if absent. */
int vb_topo_find(const struct vb_topo *t, const char *addr);

#endif
