/* domxml: the API of the rewriter (see domxml.h): make the facts of the
 * first pass, run it (domxml_scan) and the planner (domxml_plan), free
 * what they made. */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "xml/domxml.h"
#include "xml/domxml_plan.h"
#include "xml/domxml_scan.h"

static struct sc *sc_new(const struct vb_dx_edits *e, struct vb_dx_plan *p)
{
	struct sc *c = vb_xcalloc(1, sizeof(*c));
	size_t i, j;

	memset(p, 0, sizeof(*p));
	c->e = e;
	c->p = p;
	c->qdev = vb_xcalloc(MAX_QDEV, sizeof(*c->qdev));
	c->scratch = vb_xmalloc(VAL_MAX * 32);
	c->ctrl_cur = -1;
	c->fw_cur = -1;
	for (i = 0; i < e->nhostdev; i++) {
		c->tg[c->ntg].bdf = e->hostdev[i].src;
		c->tg[c->ntg].hd = (int)i;
		c->tg[c->ntg++].ss = -1;
	}
	for (i = 0; i < e->nsubsys; i++) {
		for (j = 0; j < c->ntg; j++)
			if (dx_bdf_eq(&c->tg[j].bdf, &e->subsys[i].bdf))
				break;
		if (j == c->ntg) {
			c->tg[j].bdf = e->subsys[i].bdf;
			c->tg[j].hd = -1;
			c->ntg++;
		}
		c->tg[j].ss = (int)i;
	}
	for (i = 0; i < e->nhostdev; i++)
		if (e->hostdev[i].has_guest)
			c->want_addr = 1;
	c->want_ctrl = e->hotplug_off || e->nhotplug_bus;
	c->want_hd = c->ntg || e->hotplug_off;
	c->want_video = e->video_none;
	c->want_mb = e->no_memballoon;
	c->want_sh = e->shmem_mib || e->kvmfr_mib;
	c->want_fw = e->nfwcfg > 0;
	c->want_qcmd = e->nacpi || e->kvmfr_mib || e->shmem_mib;
	c->want_qovr = e->nsubsys > 0;
	return c;
}

static void sc_free(struct sc *c)
{
	free(c->qdev);
	free(c->scratch);
	free(c->video_extra);
	free(c);
}

int vb_dx_plan(const struct vb_dx_edits *e, struct vb_xml *x, struct vb_dx_plan *p)
{
	struct sc *c = sc_new(e, p);
	int r;

	r = dx_scan(c, x);
	if (r == 0)
		r = dx_plan_edits(c);
	sc_free(c);
	if (r < 0) {
		vb_dx_plan_free(p);
		return r;
	}
	return 0;
}

void vb_dx_plan_free(struct vb_dx_plan *p)
{
	size_t i;

	for (i = 0; i < p->npatches; i++)
		free(p->patches[i].ins);
	free(p->patches);
	p->patches = NULL;
	p->npatches = 0;
}


int vb_dx_list(struct vb_xml *x, void (*fn)(void *ctx, const struct vb_bdf *b), void *ctx,
	       struct vb_dx_plan *p)
{
	static const struct vb_dx_edits none;
	struct sc *c = sc_new(&none, p);
	int r;

	c->want_hd = 1;
	c->list_strict = 1;
	c->list = fn;
	c->lctx = ctx;
	r = dx_scan(c, x);
	sc_free(c);
	return r;
}
