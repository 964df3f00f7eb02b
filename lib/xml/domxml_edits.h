/* domxml_edits: the edits of `vfiobox domxml` as a caller asks for them
 * (struct vb_dx_edits, filled from the command line by applets/domxml.c),
 * their fixed limits, and vb_dx_check_edits, which says what is wrong with
 * edits before any document is read. */
#ifndef VB_DOMXML_EDITS_H
#define VB_DOMXML_EDITS_H

#include <stddef.h>
#include <stdint.h>

#include "pci/pcidev.h"

#define VB_DX_MAX_HOSTDEV 16
#define VB_DX_MAX_ACPI 8
#define VB_DX_MAX_SUBSYS 16
#define VB_DX_MAX_FWCFG 8
#define VB_DX_MAX_BUS 16

enum { VB_DX_ROM_KEEP, VB_DX_ROM_OFF, VB_DX_ROM_FILE };

struct vb_dx_hostdev {
	struct vb_bdf src;
	int has_guest;
	struct vb_bdf guest;
	int rom;			/* VB_DX_ROM_* */
	const char *rom_file;
};

struct vb_dx_subsys {
	struct vb_bdf bdf;
	unsigned svid, sdid;
};

struct vb_dx_fwcfg {
	const char *name, *file;
};

/* The edits, validated by the caller (vb_dx_check_edits says what is wrong
 * with one that is not). */
struct vb_dx_edits {
	int hide_vm;
	const char *vendor_id;		/* NULL: keep; GenuineIntel when --hide-vm adds one */
	struct vb_dx_hostdev hostdev[VB_DX_MAX_HOSTDEV];
	size_t nhostdev;
	uint64_t shmem_mib;		/* 0: no --shmem */
	int shmem_soft;			/* ...unless the domain has the kvmfr one */
	uint64_t kvmfr_mib;		/* 0: no --kvmfr */
	const char *kvmfr_path;		/* NULL: /dev/kvmfr0 */
	const char *acpitable[VB_DX_MAX_ACPI];
	size_t nacpi;
	int acpi_soft;			/* ...unless the domain has an -acpitable */
	int no_memballoon, video_none;
	struct vb_dx_subsys subsys[VB_DX_MAX_SUBSYS];
	size_t nsubsys;
	struct vb_dx_fwcfg fwcfg[VB_DX_MAX_FWCFG];
	size_t nfwcfg;
	int hotplug_off;		/* --hotplug-off: the hostdevs' root ports */
	unsigned hotplug_bus[VB_DX_MAX_BUS];	/* --hotplug-off=BUS */
	size_t nhotplug_bus;
};

/* What is wrong with edits, or NULL: lengths, characters, paths, sizes. */
const char *vb_dx_check_edits(const struct vb_dx_edits *e);

#endif
