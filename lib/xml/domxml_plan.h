/* domxml_plan: from the facts of the first pass (domxml_scan.h) to the
 * sorted list of patches of struct vb_dx_plan: what each edit finds in
 * place, what it updates (an attribute value, an element replaced) and
 * what it inserts where libvirt's formatter would put it (the text itself
 * is domxml_gen's). The checks that need the whole document (a --subsys
 * without its hostdev, a guest address in use) come first, so a refused
 * document gets no patch. Internal to lib/xml/domxml*.c. */
#ifndef VB_DOMXML_PLAN_H
#define VB_DOMXML_PLAN_H

#include "xml/domxml_scan.h"

/* The patches of the edits, from the facts of a complete first pass,
 * sorted by offset into c->p. 0 or a VB_DX_E* error with c->p->msg. */
int dx_plan_edits(struct sc *c);

#endif
