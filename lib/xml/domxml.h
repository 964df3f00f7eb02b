/* domxml: the libvirt domain XML rewriter behind `vfiobox domxml`.
 *
 * Two passes and no tree. vb_dx_plan() reads the document once through the
 * tokenizer (lib/xml/xml.h), checks it is well-formed, collects what the edits
 * need to know (which elements exist, where they start and end, their
 * indentation, the attribute values the edits compare) and turns the edits
 * into a short sorted list of patches: byte ranges to replace, delete or
 * insert at. Memory is fixed: the facts live in one struct whatever the
 * document size; the patch list grows only with the command line (and with
 * extra <video> elements, at most VB_DX_MAX_PATCHES in all). The second pass
 * copies the input with the patches applied; every byte outside them is the
 * input's own.
 *
 * Placement follows libvirt's schema (domaincommon.rng): <domain>,
 * <features>, <hyperv> and <devices> children are interleaves, so any order
 * validates; new elements go where libvirt's own formatter would put them
 * (after the last sibling that libvirt writes earlier), with the siblings'
 * indentation and line ends. Running the same edits on the output finds
 * everything in place and plans no patch: the output is byte-identical. */
#ifndef VB_DOMXML_H
#define VB_DOMXML_H

#include <stddef.h>
#include <stdint.h>

#include "pci/pcidev.h"
#include "xml/xml.h"

#define VB_DX_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

#define VB_DX_MAX_HOSTDEV 16
#define VB_DX_MAX_ACPI 8
#define VB_DX_MAX_SUBSYS 16
#define VB_DX_MAX_FWCFG 8
#define VB_DX_MAX_BUS 16
#define VB_DX_MAX_PATCHES 1024
#define VB_DX_MAX_WARN 16

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

struct vb_dx_patch {
	uint64_t off, del;		/* replace input [off, off+del) ... */
	char *ins;			/* ... with ins[0..ins_len) */
	size_t ins_len;
	unsigned seq;			/* order among patches at one offset */
};

/* Errors of vb_dx_plan / vb_dx_list. */
enum {
	VB_DX_EXML = -1,	/* the input is not well-formed (or I/O failed) */
	VB_DX_EDOC = -2,	/* the document cannot take an edit */
	VB_DX_ELIMIT = -3,	/* past a fixed limit */
};

struct vb_dx_plan {
	struct vb_dx_patch *patches;
	size_t npatches;
	uint64_t size;			/* input bytes read by the first pass */
	int err_io;			/* the XML error was a read error (errno) */
	unsigned long line, col;	/* where the error is (0: nowhere) */
	char msg[256];
	char warn[VB_DX_MAX_WARN][192];
	size_t nwarn;
	int acpi_kept;			/* acpi_soft: the domain has an -acpitable */
};

/* What is wrong with edits, or NULL: lengths, characters, paths, sizes. */
const char *vb_dx_check_edits(const struct vb_dx_edits *e);

/* First pass: read the whole document from x (its root must be <domain>)
 * and plan the patches. 0, or a VB_DX_E* error with p->msg (and p->line,
 * p->col when it points into the document). */
int vb_dx_plan(const struct vb_dx_edits *e, struct vb_xml *x, struct vb_dx_plan *p);
void vb_dx_plan_free(struct vb_dx_plan *p);

/* Second pass over memory: out(ctx, bytes, n) receives the output in order;
 * a negative return from out stops with that value. */
int vb_dx_apply_mem(const struct vb_dx_plan *p, const char *in, size_t len,
		    int (*out)(void *ctx, const void *buf, size_t n), void *ctx);

/* Read-only: call fn (if not NULL) for the source address of each <hostdev
 * mode='subsystem' type='pci'> under <devices>, in document order, while
 * the document is being checked: a caller that must print nothing for a
 * malformed document keeps them until this returns 0 (or reads twice).
 * Returns 0 or VB_DX_EXML with p->msg. */
int vb_dx_list(struct vb_xml *x, void (*fn)(void *ctx, const struct vb_bdf *b), void *ctx,
	       struct vb_dx_plan *p);

#endif
