/* domxml_plan: deciding the edits (see domxml_plan.h). Patches are byte
 * ranges of the input to replace or insert at; a batch groups the
 * insertions into one parent by where they go. One plan_* per part of the
 * document (<domain>, <features>, <hyperv>, <devices>, the hostdevs, the
 * root ports, <sysinfo>, qemu:commandline and qemu:override). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "xml/domxml_gen.h"
#include "xml/domxml_plan.h"
#include "xml/domxml_qopt.h"

static int patch(struct sc *c, uint64_t off, uint64_t del, struct gen *g)
{
	struct vb_dx_plan *p = c->p;
	struct vb_dx_patch *pt;

	if (p->npatches == VB_DX_MAX_PATCHES) {
		free(g->b);
		g->b = NULL;
		return dx_fail(c, VB_DX_ELIMIT, 0, 0, "more than %d changes in one run", VB_DX_MAX_PATCHES);
	}
	if (!(p->npatches & 15))
		p->patches = vb_xrealloc(p->patches, (p->npatches + 16) * sizeof(*p->patches));
	pt = &p->patches[p->npatches++];
	pt->off = off;
	pt->del = del;
	pt->ins = g->b;
	pt->ins_len = g->len;
	pt->seq = c->seq++;
	g->b = NULL;
	g->len = g->cap = 0;
	return 0;
}

static int del_node(struct sc *c, const struct node *n)
{
	struct gen g = { 0 };
	uint64_t from = n->sep.ok && n->sep.nl ? n->sep.nl_off : n->start;

	return patch(c, from, n->end - from, &g);
}

static int replace_node(struct sc *c, const struct node *n, struct gen *g)
{
	return patch(c, n->start, n->end - n->start, g);
}

/* Make attribute name of element n say val. */
static int set_attr(struct sc *c, const struct node *n, const struct aval *a, const char *name, const char *val)
{
	struct gen g = { 0 };
	char esc[VAL_MAX * 6 + 64];

	if (dx_aval_is(a, val))
		return 0;
	if (a->present) {
		if (vb_xml_escape(val, esc, sizeof(esc)) < 0)
			return dx_fail(c, VB_DX_EDOC, n->line, n->col, "cannot write %s", name);
		g_str(&g, esc);
		return patch(c, a->off, a->len, &g);
	}
	g_attr(c, &g, n->quote ? n->quote : g_quote(c), name, val);
	return patch(c, n->attr_end, 0, &g);
}

/* Insertions into one parent, grouped by where they go. */
struct batch {
	struct sc *c;
	const struct node *n;
	struct lay L;
	int have;
	uint64_t off;
	struct gen g;
	int rc;
};

static void b_begin(struct batch *B, struct sc *c, const struct node *n)
{
	memset(B, 0, sizeof(*B));
	B->c = c;
	B->n = n;
	lay_child(c, n, &B->L);
}

static int b_flush(struct batch *B)
{
	struct sc *c = B->c;
	const struct node *n = B->n;
	struct gen out = { 0 };
	struct lay PL;
	const char *s;
	size_t len;
	int r;

	if (!B->have)
		return 0;
	B->have = 0;
	if (dx_node_ind(n, &s, &len))
		lay_set(&PL, B->L.flat, s, len, c, 0);
	else
		lay_set(&PL, B->L.flat, "", 0, c, 0);
	if (PL.flat)
		PL.ind[0] = 0;
	if (n->empty && B->off == n->end - 2) {
		if (!n->qname[0]) {
			free(B->g.b);
			return dx_fail(c, VB_DX_ELIMIT, n->line, n->col, "element name too long to add children to");
		}
		g_str(&out, ">");
		g_put(&out, B->g.b, B->g.len);
		g_line(c, &out, &PL, 0);
		g_fmt(&out, "</%s>", n->qname);
		free(B->g.b);
		B->g.b = NULL;
		B->g.len = B->g.cap = 0;
		return patch(c, B->off, 2, &out);
	}
	if (!n->has_child && B->off == n->stag_end && !n->esep.nl && !B->L.flat)
		g_line(c, &B->g, &PL, 0);
	r = patch(c, B->off, 0, &B->g);
	return r;
}

/* The text to insert a child of this rank: the caller appends to it,
 * starting with g_line(L, 0). */
static struct gen *b_at(struct batch *B, int rank)
{
	const struct node *n = B->n;
	uint64_t pos = 0, off = 0;
	int k;

	/* After the last child libvirt writes earlier, else before the first
	 * it writes later, else after the last child of any kind. */
	for (k = 0; k <= rank && k < NRANK; k++)
		if (n->after[k] > pos)
			pos = n->after[k];
	for (k = rank + 1; !pos && k < NRANK; k++)
		if (n->before[k] && (!off || n->before[k] < off))
			off = n->before[k];
	if (!pos)
		pos = off ? off : n->last_end;
	off = pos ? pos : n->empty ? n->end - 2 : n->stag_end;
	if (B->have && off != B->off && B->rc == 0)
		B->rc = b_flush(B);
	B->off = off;
	B->have = 1;
	return &B->g;
}

static int b_end(struct batch *B)
{
	int r = b_flush(B);

	free(B->g.b);
	B->g.b = NULL;
	return B->rc ? B->rc : r;
}

static void prefix_of(const struct node *n, char *out, size_t len)
{
	const char *colon = strchr(n->qname, ':');
	size_t k = colon ? (size_t)(colon - n->qname) : 0;

	if (k >= len)
		k = 0;
	memcpy(out, n->qname, k);
	out[k] = 0;
}

static void fmt_bdf(const struct vb_bdf *b, char *out)
{
	vb_bdf_format(b, out);
}

static int is_port(const struct ctrl *ct)
{
	return dx_aval_is(&ct->model, "pcie-root-port") || dx_aval_is(&ct->model, "pcie-switch-downstream-port");
}

static void g_features(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	const struct vb_dx_edits *e = c->e;

	g_str(g, "<features>");
	if (e->hide_vm || e->vendor_id) {
		g_line(c, g, L, lvl + 1);
		g_hyperv(c, g, L, lvl + 1);
	}
	if (e->hide_vm) {
		g_line(c, g, L, lvl + 1);
		g_wrap(c, g, L, lvl + 1, "kvm", "hidden", "state", "on");
		g_line(c, g, L, lvl + 1);
		g_el(c, g, "vmport", "state", "off", 0);
	}
	g_line(c, g, L, lvl);
	g_str(g, "</features>");
}

/* New children of <devices>, in libvirt's order; 1 if any. */
static int g_devchildren(struct sc *c, struct gen *g, const struct lay *L, int lvl, struct batch *B)
{
	const struct vb_dx_edits *e = c->e;
	size_t i;
	int any = 0;

#define AT(rank) do { if (B) g = b_at(B, rank); g_line(c, g, L, lvl); any = 1; } while (0)
	if (e->video_none && !c->video.present) {
		AT(R_VIDEO);
		g_video(c, g, L, lvl);
	}
	for (i = 0; i < c->ntg; i++)
		if (c->tg[i].hd >= 0 && !c->tg[i].found) {
			AT(R_HOSTDEV);
			g_hostdev(c, g, L, lvl, &c->tg[i]);
		}
	if (e->no_memballoon && !c->memballoon.present) {
		AT(R_MEMBALLOON);
		g_memballoon(c, g);
	}
	if (c->shmem_mib && !c->shmem.present) {
		AT(R_SHMEM);
		g_shmem(c, g, L, lvl);
	}
#undef AT
	return any;
}

static int plan_hyperv(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	int want[16], r = 0, rr;
	size_t n = g_hv_wanted(e, want), i;
	struct batch B;

	if (c->hv_mode.present && !dx_aval_is(&c->hv_mode, "custom") &&
	    (r = set_attr(c, &c->hyperv, &c->hv_mode, "mode", "custom")) < 0)
		return r;
	b_begin(&B, c, &c->hyperv);
	for (i = 0; i < n && r == 0; i++) {
		int k = want[i];
		const struct node *h = &c->hv[k];

		if (!h->present) {
			struct gen *g = b_at(&B, k);

			g_line(c, g, &B.L, 0);
			g_hvchild(c, g, k);
			continue;
		}
		r = set_attr(c, h, &c->hv_state[k], "state", "on");
		if (r == 0 && k == HV_SPINLOCKS && !c->hv_extra[k].present)
			r = set_attr(c, h, &c->hv_extra[k], "retries", "8191");
		if (r == 0 && k == HV_VENDOR) {
			if (e->vendor_id)
				r = set_attr(c, h, &c->hv_extra[k], "value", e->vendor_id);
			else if (!c->hv_extra[k].present)
				r = set_attr(c, h, &c->hv_extra[k], "value", "GenuineIntel");
		}
	}
	rr = b_end(&B);
	return r ? r : rr;
}

static int plan_features(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	struct batch B;
	struct gen *g;
	int r;

	if (!(e->hide_vm || e->vendor_id) || !c->features.present)
		return 0;
	b_begin(&B, c, &c->features);
	if (!c->hyperv.present) {
		g = b_at(&B, R_HYPERV);
		g_line(c, g, &B.L, 0);
		g_hyperv(c, g, &B.L, 0);
	}
	if (e->hide_vm && !c->kvm.present) {
		g = b_at(&B, R_KVM);
		g_line(c, g, &B.L, 0);
		g_wrap(c, g, &B.L, 0, "kvm", "hidden", "state", "on");
	}
	if (e->hide_vm && !c->vmport.present) {
		g = b_at(&B, R_VMPORT);
		g_line(c, g, &B.L, 0);
		g_el(c, g, "vmport", "state", "off", 0);
	}
	if ((r = b_end(&B)) < 0)
		return r;
	if (c->hyperv.present && (r = plan_hyperv(c)) < 0)
		return r;
	if (e->hide_vm && c->kvm.present) {
		if (c->hidden.present) {
			r = set_attr(c, &c->hidden, &c->hidden_state, "state", "on");
		} else {
			b_begin(&B, c, &c->kvm);
			g = b_at(&B, 0);
			g_line(c, g, &B.L, 0);
			g_el(c, g, "hidden", "state", "on", 0);
			r = b_end(&B);
		}
		if (r < 0)
			return r;
	}
	if (e->hide_vm && c->vmport.present)
		return set_attr(c, &c->vmport, &c->vmport_state, "state", "off");
	return 0;
}

static int plan_target(struct sc *c, struct target *tg)
{
	const struct vb_dx_hostdev *h = tg->hd >= 0 ? &c->e->hostdev[tg->hd] : NULL;
	struct hostdev *d = &tg->h;
	struct batch B;
	struct gen *g, rg = { 0 };
	int r = 0;

	b_begin(&B, c, &d->n);
	if (tg->ss >= 0) {
		if (d->alias.present) {
			if (strncmp(d->alias_name.v, "ua-", 3) || !d->alias_name.fits)
				r = set_attr(c, &d->alias, &d->alias_name, "name", tg->alias);
		} else {
			g = b_at(&B, R_HD_ALIAS);
			g_line(c, g, &B.L, 0);
			g_alias(c, g, tg->alias);
		}
	}
	if (r == 0 && h && h->rom != VB_DX_ROM_KEEP) {
		int ok = d->rom.present && (h->rom == VB_DX_ROM_OFF ? dx_aval_is(&d->rom_bar, "off") :
					    dx_aval_is(&d->rom_file, h->rom_file) && !dx_aval_is(&d->rom_bar, "off"));

		if (!ok && d->rom.present) {
			g_rom(c, &rg, h);
			r = replace_node(c, &d->rom, &rg);
		} else if (!ok) {
			g = b_at(&B, R_HD_ROM);
			g_line(c, g, &B.L, 0);
			g_rom(c, g, h);
		}
	}
	if (r == 0 && h && h->has_guest) {
		int mf = g_want_mf(c, (size_t)tg->hd);
		int ok = d->addr_ok && dx_bdf_eq(&d->guest, &h->guest) && (!mf || dx_aval_is(&d->addr_mf, "on"));

		if (!ok && d->addr.present) {
			g_pciaddr(c, &rg, &h->guest, 1, mf);
			r = replace_node(c, &d->addr, &rg);
		} else if (!ok) {
			g = b_at(&B, R_HD_ADDR);
			g_line(c, g, &B.L, 0);
			g_pciaddr(c, g, &h->guest, 1, mf);
		}
	}
	free(rg.b);
	if (r < 0) {
		b_end(&B);
		return r;
	}
	return b_end(&B);
}

static int plan_devices(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	struct batch B;
	struct gen g = { 0 };
	struct lay L;
	size_t i;
	int r;

	if (c->devices.present) {
		b_begin(&B, c, &c->devices);
		g_devchildren(c, NULL, &B.L, 0, &B);
		if ((r = b_end(&B)) < 0)
			return r;
	}
	for (i = 0; i < c->ntg; i++)
		if (c->tg[i].found && (r = plan_target(c, &c->tg[i])) < 0)
			return r;
	if (c->shmem_mib && c->shmem.present) {
		uint64_t have;
		int ok;

		b_begin(&B, c, &c->shmem);
		if (!c->shmodel.present) {
			struct gen *gg = b_at(&B, 0);

			g_line(c, gg, &B.L, 0);
			g_shmodel(c, gg);
		} else if (!dx_aval_is(&c->shmodel_type, "ivshmem-plain")) {
			g_shmodel(c, &g);
			if ((r = replace_node(c, &c->shmodel, &g)) < 0)
				return b_end(&B), r;
		}
		ok = c->shsize.present && !c->shsize_bad &&
		     dx_scaled(c->shsize_text, c->shsize_unit.present ? (c->shsize_unit.fits ? c->shsize_unit.v : "?") : "",
			    &have) == 0 && have == c->shmem_mib << 20;
		if (!ok) {
			struct gen *gg = c->shsize.present ? &g : b_at(&B, 1);

			if (!c->shsize.present)
				g_line(c, gg, &B.L, 0);
			g_shsize(c, gg);
			if (c->shsize.present && (r = replace_node(c, &c->shsize, &g)) < 0)
				return b_end(&B), r;
		}
		if ((r = b_end(&B)) < 0)
			return r;
	}
	if (e->kvmfr_mib && c->shmem.present && (r = del_node(c, &c->shmem)) < 0)
		return r;
	if (e->no_memballoon && c->memballoon.present && !dx_aval_is(&c->mb_model, "none")) {
		g_memballoon(c, &g);
		if ((r = replace_node(c, &c->memballoon, &g)) < 0)
			return r;
	}
	if (e->video_none && c->video.present) {
		if (!(c->vidmodel.present && dx_aval_is(&c->vid_type, "none"))) {
			lay_self(c, &c->video, &c->devices, &L);
			g_video(c, &g, &L, 0);
			if ((r = replace_node(c, &c->video, &g)) < 0)
				return r;
		}
		for (i = 0; i < c->nvideo_extra; i++)
			if ((r = del_node(c, &c->video_extra[i])) < 0)
				return r;
	}
	return 0;
}

static int plan_hotplug(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	unsigned char bus[256] = { 0 };
	char a[VB_BDF_LEN];
	size_t i;
	unsigned b;
	int r;

	for (i = 0; i < e->nhotplug_bus; i++) {
		b = e->hotplug_bus[i];
		if (b > 255 || !c->ctrl[b].seen || !is_port(&c->ctrl[b]))
			return dx_fail(c, VB_DX_EDOC, 0, 0, "--hotplug-off=%u: no <controller type='pci' index='%u'> "
				     "that is a pcie-root-port or pcie-switch-downstream-port", b, b);
		bus[b] = 1;
	}
	if (e->hotplug_off) {
		unsigned char implicit[256] = { 0 };

		if (e->nhostdev) {
			for (i = 0; i < c->ntg; i++) {
				const struct target *tg = &c->tg[i];
				const struct vb_dx_hostdev *h = tg->hd >= 0 ? &e->hostdev[tg->hd] : NULL;

				if (!h)
					continue;
				if (h->has_guest) {
					implicit[h->guest.bus] = 1;
				} else if (tg->found && tg->h.addr_ok) {
					implicit[tg->h.guest.bus] = 1;
				} else {
					fmt_bdf(&tg->bdf, a);
					dx_warn(c, "--hotplug-off: the hostdev for %s has no guest address yet (libvirt "
					     "assigns one at define time): run again after defining the domain, or "
					     "give --hostdev=%s@GUEST_BDF", a, a);
				}
			}
		} else {
			memcpy(implicit, c->hd_bus, sizeof(implicit));
			if (c->hd_noaddr)
				dx_warn(c, "--hotplug-off: a PCI hostdev has no guest address yet (libvirt assigns "
				     "one at define time): run again after defining the domain");
		}
		for (b = 0; b < 256; b++) {
			if (!implicit[b])
				continue;
			if (b == 0)
				dx_warn(c, "--hotplug-off: a hostdev sits on the root bus (0): it is not hot-pluggable anyway");
			else if (!c->ctrl[b].seen)
				dx_warn(c, "--hotplug-off: no <controller type='pci' index='%u'> in the XML yet (libvirt "
				     "adds it at define time): run again after defining the domain", b);
			else if (!is_port(&c->ctrl[b]))
				dx_warn(c, "--hotplug-off: controller %u is a %s, not a pcie-root-port: left alone", b,
				     c->ctrl[b].model.fits ? c->ctrl[b].model.v : "?");
			else
				bus[b] = 1;
		}
	}
	for (b = 0; b < 256; b++) {
		struct ctrl *ct = &c->ctrl[b];

		if (!bus[b])
			continue;
		if (ct->target.present) {
			r = set_attr(c, &ct->target, &ct->hotplug, "hotplug", "off");
		} else {
			struct batch B;
			struct gen *g;

			b_begin(&B, c, &ct->n);
			g = b_at(&B, R_CTRL_TARGET);
			g_line(c, g, &B.L, 0);
			g_el(c, g, "target", "hotplug", "off", 0);
			r = b_end(&B);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int plan_sysinfo(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	struct batch B;
	size_t i;
	int r = 0, rr;

	if (!e->nfwcfg || !c->sysinfo.present)
		return 0;
	b_begin(&B, c, &c->sysinfo);
	for (i = 0; i < e->nfwcfg && r == 0; i++) {
		if (c->fw_found[i]) {
			if (!dx_aval_is(&c->fw[i].file, e->fwcfg[i].file) || c->fw[i].content) {
				struct gen g = { 0 };

				g_fwentry(c, &g, &e->fwcfg[i]);
				r = replace_node(c, &c->fw[i].n, &g);
			}
		} else {
			struct gen *g = b_at(&B, 0);

			g_line(c, g, &B.L, 0);
			g_fwentry(c, g, &e->fwcfg[i]);
		}
	}
	rr = b_end(&B);
	return r ? r : rr;
}

static int plan_qemu(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	char pfx[QNAME_MAX], buf[VAL_MAX * 8];
	struct batch B;
	size_t i;
	int r;

	if (c->shmem_mib) {
		for (i = 0; i < c->nkdev; i++)
			if ((r = del_node(c, &c->kdev[i][0].n)) < 0 || (r = del_node(c, &c->kdev[i][1].n)) < 0)
				return r;
		for (i = 0; i < c->nkobj; i++)
			if ((r = del_node(c, &c->kobj[i][0].n)) < 0 || (r = del_node(c, &c->kobj[i][1].n)) < 0)
				return r;
	}
	if (e->kvmfr_mib && c->nkobj && !c->kobj_ok[0]) {
		g_kvmfr_object(c, buf, sizeof(buf));
		if ((r = set_attr(c, &c->kobj[0][1].n, &c->kobj[0][1].val, "value", buf)) < 0)
			return r;
	}
	if (c->qcmd.present && g_args_needed(c)) {
		if (c->qcmd_dangling)
			return dx_fail(c, VB_DX_EDOC, c->qcmd.line, c->qcmd.col, "qemu:commandline ends with %s and "
				     "no value for it: QEMU would not start; fix that first",
				     c->qcmd_dangling == A_ACPI ? "-acpitable" : c->qcmd_dangling == A_DEVICE ?
				     "-device" : "-object");
		prefix_of(&c->qcmd, pfx, sizeof(pfx));
		b_begin(&B, c, &c->qcmd);
		g_args(c, b_at(&B, 0), &B.L, 0, pfx);
		if ((r = b_end(&B)) < 0)
			return r;
	}
	if (c->qovr.present && g_qdevs_needed(c)) {
		prefix_of(&c->qovr, pfx, sizeof(pfx));
		b_begin(&B, c, &c->qovr);
		g_qdevices(c, b_at(&B, 0), &B.L, 0, pfx);
		if ((r = b_end(&B)) < 0)
			return r;
	}
	for (i = 0; i < c->ntg; i++) {
		const struct target *tg = &c->tg[i];
		const struct vb_dx_subsys *s;
		struct qdev *qd;

		if (tg->ss < 0 || !(qd = dx_qdev_find(c, tg->alias)))
			continue;
		s = &e->subsys[tg->ss];
		prefix_of(&qd->n, pfx, sizeof(pfx));
		if (!qd->front.present) {
			b_begin(&B, c, &qd->n);
			{
				struct gen *g = b_at(&B, 0);

				g_line(c, g, &B.L, 0);
				g_frontend(c, g, &B.L, 0, pfx, s);
			}
			if ((r = b_end(&B)) < 0)
				return r;
			continue;
		}
		b_begin(&B, c, &qd->front);
		for (r = 0; r < 2; r++) {
			struct qprop *pr = &qd->prop[r];
			unsigned want = r ? s->sdid : s->svid;
			unsigned long have;

			if (pr->n.present) {
				if (!(dx_aval_is(&pr->type, "unsigned") && pr->value.fits &&
				      vb_parse_ulong(pr->value.v, 10, 0xffffffffUL, &have) == 0 && have == want &&
				      pr->value.v[0] >= '0' && pr->value.v[0] <= '9')) {
					struct gen g = { 0 };
					int rr;

					g_prop(c, &g, pfx, r ? DX_SUB_DEVICE : DX_SUB_VENDOR, want);
					if ((rr = replace_node(c, &pr->n, &g)) < 0)
						return b_end(&B), rr;
				}
			} else {
				struct gen *g = b_at(&B, 0);

				g_line(c, g, &B.L, 0);
				g_prop(c, g, pfx, r ? DX_SUB_DEVICE : DX_SUB_VENDOR, want);
			}
		}
		if ((r = b_end(&B)) < 0)
			return r;
	}
	return 0;
}

/* The new top-level elements, in libvirt's order, then xmlns:qemu. */
static int plan_domain(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	struct batch B;
	struct gen *g, tmp = { 0 };
	struct lay L;
	char pfx[QNAME_MAX], el[QNAME_MAX + 16];
	int r, newq = 0;
	size_t i;

	if (c->qprefix_found)
		snprintf(pfx, sizeof(pfx), "%s", c->qprefix);
	else
		snprintf(pfx, sizeof(pfx), "%s", c->qemu_prefix_taken ? "vfioboxqemu" : "qemu");

	b_begin(&B, c, &c->domain);
	if (e->nfwcfg && !c->sysinfo.present) {
		g = b_at(&B, R_SYSINFO);
		g_line(c, g, &B.L, 0);
		g_el(c, g, "sysinfo", "type", "fwcfg", 1);
		for (i = 0; i < e->nfwcfg; i++) {
			g_line(c, g, &B.L, 1);
			g_fwentry(c, g, &e->fwcfg[i]);
		}
		g_line(c, g, &B.L, 0);
		g_str(g, "</sysinfo>");
	}
	if ((e->hide_vm || e->vendor_id) && !c->features.present) {
		g = b_at(&B, R_FEATURES);
		g_line(c, g, &B.L, 0);
		g_features(c, g, &B.L, 0);
	}
	if (!c->devices.present) {
		lay_set(&L, B.L.flat, B.L.ind, strlen(B.L.ind), c, 1);
		if (g_devchildren(c, &tmp, &L, 0, NULL)) {
			g = b_at(&B, R_DEVICES);
			g_line(c, g, &B.L, 0);
			g_str(g, "<devices>");
			g_put(g, tmp.b, tmp.len);
			g_line(c, g, &B.L, 0);
			g_str(g, "</devices>");
		}
		free(tmp.b);
	}
	if (!c->qcmd.present && g_args_needed(c)) {
		g = b_at(&B, R_QCMD);
		g_line(c, g, &B.L, 0);
		g_qn(el, sizeof(el), pfx, "commandline");
		g_fmt(g, "<%s>", el);
		lay_set(&L, B.L.flat, B.L.ind, strlen(B.L.ind), c, 1);
		g_args(c, g, &L, 0, pfx);
		g_line(c, g, &B.L, 0);
		g_fmt(g, "</%s>", el);
		newq = 1;
	}
	if (!c->qovr.present && g_qdevs_needed(c)) {
		g = b_at(&B, R_QOVR);
		g_line(c, g, &B.L, 0);
		g_qn(el, sizeof(el), pfx, "override");
		g_fmt(g, "<%s>", el);
		lay_set(&L, B.L.flat, B.L.ind, strlen(B.L.ind), c, 1);
		g_qdevices(c, g, &L, 0, pfx);
		g_line(c, g, &B.L, 0);
		g_fmt(g, "</%s>", el);
		newq = 1;
	}
	if ((r = b_end(&B)) < 0)
		return r;
	if (newq && !c->qprefix_found) {
		struct aval none = { 0 };
		char an[QNAME_MAX + 8];

		snprintf(an, sizeof(an), "xmlns:%s", pfx);
		return set_attr(c, &c->domain, &none, an, VB_DX_QEMU_NS);
	}
	return 0;
}

static int cmp_patch(const void *a, const void *b)
{
	const struct vb_dx_patch *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	if ((x->del > 0) != (y->del > 0))
		return x->del > 0 ? 1 : -1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A --subsys hostdev that gets its ua- alias now. */
static int renamed(const struct target *tg)
{
	return tg->ss >= 0 && tg->found && !(tg->h.alias.present && !strncmp(tg->h.alias_name.v, "ua-", 3));
}

/* libvirt names the hostdevs without a ua- alias hostdev0, 1... in
 * document order, after the <interface type='hostdev'> ones. Those that
 * get one leave that count: a <qemu:device> for the name one has now (the
 * guide's hand-written alias='hostdev0', or its live alias) follows it to
 * the new alias, with whatever else it sets, and one for a later hostdev
 * follows that one's new number; left alone, either would land on another
 * device. */
static int renumber(struct sc *c)
{
	size_t i, k;
	int r;

	for (k = 0; k < c->nqdev; k++) {
		struct qdev *qd = &c->qdev[k];
		const char *to = NULL;
		char v[VAL_MAX], num[24];
		unsigned long m;
		unsigned shift = 0;

		snprintf(v, sizeof(v), "%s", qd->alias.v);
		if (!qd->alias.fits || strncmp(v, "hostdev", 7) || vb_parse_ulong(v + 7, 10, 65535, &m) < 0 ||
		    m < c->if_hostdev)
			continue;
		snprintf(num, sizeof(num), "hostdev%lu", m);
		if (strcmp(num, v))
			continue;		/* hostdev01: libvirt makes no such name */
		for (i = 0; i < c->ntg; i++) {
			const struct target *tg = &c->tg[i];

			if (!renamed(tg))
				continue;
			if (tg->h.alias.present ? !strcmp(tg->h.alias_name.v, v) : tg->h.nth + c->if_hostdev == m) {
				if (!dx_qdev_find(c, tg->alias))
					to = tg->alias;
			} else if (tg->h.nth + c->if_hostdev < m) {
				shift++;
			}
		}
		if (!to && !shift)
			continue;
		if (!to) {
			snprintf(num, sizeof(num), "hostdev%lu", m - shift);
			to = num;
		}
		if ((r = set_attr(c, &qd->n, &qd->alias, "alias", to)) < 0)
			return r;
		snprintf(qd->alias.v, sizeof(qd->alias.v), "%s", to);
	}
	return 0;
}

/* Checks that need the whole document, before any patch. */
static int preflight(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	char a[VB_BDF_LEN], g[VB_BDF_LEN];
	size_t i, j;
	int r;

	for (i = 0; i < c->ntg; i++) {
		struct target *tg = &c->tg[i];

		fmt_bdf(&tg->bdf, a);
		if (tg->hd < 0 && !tg->found)
			return dx_fail(c, VB_DX_EDOC, 0, 0, "--subsys=%s: the domain has no <hostdev> for %s "
				     "(add one with --hostdev=%s)", a, a, a);
		if (tg->found && tg->h.alias.present && tg->h.alias_name.fits &&
		    !strncmp(tg->h.alias_name.v, "ua-", 3))
			snprintf(tg->alias, sizeof(tg->alias), "%s", tg->h.alias_name.v);
		else
			snprintf(tg->alias, sizeof(tg->alias), "ua-hostdev-%04x-%02x-%02x-%x",
				 tg->bdf.domain, tg->bdf.bus, tg->bdf.dev, tg->bdf.fn);
	}
	if ((r = renumber(c)) < 0)
		return r;
	for (i = 0; i < e->nhostdev; i++) {
		const struct vb_dx_hostdev *h = &e->hostdev[i];

		if (!h->has_guest)
			continue;
		fmt_bdf(&h->src, a);
		fmt_bdf(&h->guest, g);
		if (c->clash[i])
			return dx_fail(c, VB_DX_EDOC, c->clash_line[i], 0, "--hostdev=%s@%s: guest address %s is "
				     "already used by the <%s> at line %lu (remove its <address> to let libvirt "
				     "place it elsewhere)", a, g, g, c->clash_name[i], c->clash_line[i]);
		for (j = 0; j < e->nhostdev; j++)
			if (j != i && e->hostdev[j].has_guest && dx_slot_eq(&e->hostdev[j].guest, &h->guest) &&
			    e->hostdev[j].guest.fn && !h->guest.fn)
				c->mf_need[i] = 1;
	}
	return 0;
}

/* The patches of the edits, from the facts of a complete first pass,
 * sorted by offset. 0 or a VB_DX_E* error with c->p->msg. */
int dx_plan_edits(struct sc *c)
{
	const struct vb_dx_edits *e = c->e;
	struct vb_dx_plan *p = c->p;
	size_t i;
	int r;

	if (!c->unit_known) {
		memcpy(c->unit, "  ", 2);
		c->unit_len = 2;
	}
	c->shmem_mib = e->shmem_soft && c->nkobj ? 0 : e->shmem_mib;
	p->acpi_kept = e->acpi_soft && c->any_acpi;
	if (p->acpi_kept)
		for (i = 0; i < e->nacpi; i++)
			c->acpi_found[i] = 1;	/* keep the table the domain has */
	if ((r = preflight(c)) || (r = plan_domain(c)) || (r = plan_features(c)) || (r = plan_devices(c)) ||
	    (r = plan_hotplug(c)) || (r = plan_sysinfo(c)) || (r = plan_qemu(c)))
		return r;
	if (!p->npatches)
		return 0;
	qsort(p->patches, p->npatches, sizeof(*p->patches), cmp_patch);
	for (i = 1; i < p->npatches; i++)
		if (p->patches[i].off < p->patches[i - 1].off + p->patches[i - 1].del)
			r = dx_fail(c, VB_DX_EDOC, 0, 0, "internal error: two changes overlap at byte %llu",
				    (unsigned long long)p->patches[i].off);
	return r;
}
