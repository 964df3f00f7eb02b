/* ids: device id lists in vfio-pci's ids= syntax and matching.
 *
 * Entry: vendor:device[:subvendor[:subdevice[:class[:class_mask]]]], hex,
 * comma-separated. Missing ids match any (PCI_ANY_ID); class/mask default to
 * 0 (any class). ffffffff in any id field also means any, as in the kernel. */
#ifndef VB_IDS_H
#define VB_IDS_H

#include <stddef.h>

#include "pci/pcidev.h"

struct vb_id {
	unsigned vendor, device, subvendor, subdevice, class, class_mask;
};

struct vb_idlist {
	struct vb_id *v;
	size_t n;
};

/* Parse a list. On error returns -EINVAL, sets *errpos (when not NULL) to the
 * byte offset of the bad entry, and leaves l empty. An empty string is an
 * empty list. */
int vb_ids_parse(const char *s, struct vb_idlist *l, size_t *errpos);
void vb_ids_free(struct vb_idlist *l);
/* 1 if the device ids match entry e (pci_match_one_device rules). */
int vb_id_match(const struct vb_id *e, const struct vb_pciids *d);
/* 1 if any entry matches. */
int vb_ids_match(const struct vb_idlist *l, const struct vb_pciids *d);
/* Canonical text of one entry, as short as it can be (buf >= 64 bytes). */
void vb_id_format(const struct vb_id *e, char *buf, size_t n);

#endif
