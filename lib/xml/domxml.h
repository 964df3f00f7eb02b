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
 * everything in place and plans no patch: the output is byte-identical.
 *
 * The parts, one job each: domxml_edits (the edits a caller asks for and
 * their checks), domxml_scan (the first pass and its facts), domxml_qopt
 * (QEMU option values), domxml_plan (deciding the patches), domxml_gen (the
 * text of new elements), domxml_emit (the second pass: the output); this
 * file is the API that runs the first pass and the planner. */
#ifndef VB_DOMXML_H
#define VB_DOMXML_H

#include <stddef.h>
#include <stdint.h>

#include "pci/pcidev.h"
#include "xml/domxml_edits.h"
#include "xml/xml.h"

#define VB_DX_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

#define VB_DX_MAX_PATCHES 1024
#define VB_DX_MAX_WARN 16

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

/* First pass: read the whole document from x (its root must be <domain>)
 * and plan the patches. 0, or a VB_DX_E* error with p->msg (and p->line,
 * p->col when it points into the document). */
int vb_dx_plan(const struct vb_dx_edits *e, struct vb_xml *x, struct vb_dx_plan *p);
void vb_dx_plan_free(struct vb_dx_plan *p);

/* Read-only: call fn (if not NULL) for the source address of each <hostdev
 * mode='subsystem' type='pci'> under <devices>, in document order, while
 * the document is being checked: a caller that must print nothing for a
 * malformed document keeps them until this returns 0 (or reads twice).
 * Returns 0 or VB_DX_EXML with p->msg. */
int vb_dx_list(struct vb_xml *x, void (*fn)(void *ctx, const struct vb_bdf *b), void *ctx,
	       struct vb_dx_plan *p);

#include "xml/domxml_emit.h"

#endif
