/* domxml_gen: the text of new elements and attributes (see domxml_gen.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "xml/domxml_gen.h"

void g_put(struct gen *g, const char *s, size_t n)
{
	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2 + 64;
		g->b = vb_xrealloc(g->b, g->cap);
	}
	memcpy(g->b + g->len, s, n);
	g->len += n;
	g->b[g->len] = 0;
}

void g_str(struct gen *g, const char *s)
{
	g_put(g, s, strlen(s));
}

void g_fmt(struct gen *g, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	g_put(g, buf, n < 0 ? 0 : (size_t)n >= sizeof(buf) ? sizeof(buf) - 1 : (size_t)n);
}

char g_quote(const struct sc *c)
{
	return c->quote ? c->quote : '\'';
}

/* The start of a line at level k below the siblings. */
void g_line(const struct sc *c, struct gen *g, const struct lay *L, int k)
{
	int i;

	if (L->flat) {
		if (k == 0)
			g_str(g, L->ind);
		return;
	}
	g_str(g, c->nl[0] ? c->nl : "\n");
	g_str(g, L->ind);
	for (i = 0; i < k; i++)
		g_put(g, c->unit, (size_t)c->unit_len);
}

/* " name='value'" with the value escaped (vb_dx_check_edits refused values
 * that cannot be written: control characters, invalid UTF-8). */
void g_attr(const struct sc *c, struct gen *g, char q, const char *name, const char *val)
{
	char esc[VAL_MAX * 6 + 64];

	(void)c;
	if (vb_xml_escape(val, esc, sizeof(esc)) < 0)
		esc[0] = 0;
	g_fmt(g, " %s=%c", name, q);
	g_str(g, esc);
	g_put(g, &q, 1);
}

/* <name attr='val'/>, or <name attr='val'> when open */
void g_el(const struct sc *c, struct gen *g, const char *name, const char *attr, const char *val, int open)
{
	g_fmt(g, "<%s", name);
	g_attr(c, g, g_quote(c), attr, val);
	g_str(g, open ? ">" : "/>");
}

void lay_set(struct lay *L, int flat, const char *ind, size_t len, const struct sc *c, int plus)
{
	size_t n = len < IND_MAX ? len : IND_MAX;

	L->flat = flat;
	memcpy(L->ind, ind, n);
	if (plus && !flat) {
		memcpy(L->ind + n, c->unit, (size_t)c->unit_len);
		n += (size_t)c->unit_len;
	}
	L->ind[n] = 0;
}

/* Layout for the children of n. */
void lay_child(const struct sc *c, const struct node *n, struct lay *L)
{
	const char *s;
	size_t len;

	if (n->has_child && n->csep.ok)
		lay_set(L, !n->csep.nl, n->csep.s, n->csep.len, c, 0);
	else if (!c->nl[0])
		lay_set(L, 1, "", 0, c, 0);
	else if (dx_node_ind(n, &s, &len))
		lay_set(L, 0, s, len, c, 1);
	else
		lay_set(L, 0, "", 0, c, 1);
}

/* Layout of n among its siblings (for replacing n). */
void lay_self(const struct sc *c, const struct node *n, const struct node *parent, struct lay *L)
{
	if (n->sep.ok && n->sep.nl)
		lay_set(L, 0, n->sep.s, n->sep.len, c, 0);
	else if (!c->nl[0] || (n->sep.ok && !n->sep.nl && n->col != 1))
		lay_set(L, 1, "", 0, c, 0);
	else
		lay_child(c, parent, L);
}

/* The seed guide's enlightenments, in order. */
static const int hv_hide[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11 };

/* prefix:name, or name when the prefix is "". */
void g_qn(char *out, size_t n, const char *prefix, const char *name)
{
	snprintf(out, n, "%s%s%s", prefix, *prefix ? ":" : "", name);
}

void g_hvchild(struct sc *c, struct gen *g, int i)
{
	const struct vb_dx_edits *e = c->e;
	char q = g_quote(c);

	g_fmt(g, "<%s", dx_hv_rank[i]);
	g_attr(c, g, q, "state", "on");
	if (i == HV_SPINLOCKS)
		g_attr(c, g, q, "retries", "8191");
	if (i == HV_VENDOR)
		g_attr(c, g, q, "value", e->vendor_id ? e->vendor_id : "GenuineIntel");
	g_str(g, "/>");
}

/* The hyperv children the edits want, in order; count returned. */
size_t g_hv_wanted(const struct vb_dx_edits *e, int *out)
{
	size_t n = 0, i;

	if (e->hide_vm)
		for (i = 0; i < VB_ARRAY_SIZE(hv_hide); i++)
			out[n++] = hv_hide[i];
	else if (e->vendor_id)
		out[n++] = HV_VENDOR;
	return n;
}

void g_hyperv(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	int want[16];
	size_t n = g_hv_wanted(c->e, want), i;

	g_el(c, g, "hyperv", "mode", "custom", 1);
	for (i = 0; i < n; i++) {
		g_line(c, g, L, lvl + 1);
		g_hvchild(c, g, want[i]);
	}
	g_line(c, g, L, lvl);
	g_str(g, "</hyperv>");
}

/* <outer><inner attr='val'/></outer> */
void g_wrap(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *outer,
	    const char *inner, const char *attr, const char *val)
{
	g_fmt(g, "<%s>", outer);
	g_line(c, g, L, lvl + 1);
	g_el(c, g, inner, attr, val, 0);
	g_line(c, g, L, lvl);
	g_fmt(g, "</%s>", outer);
}

static void hex_attr(const struct sc *c, struct gen *g, const char *name, const char *fmt, unsigned v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), fmt, v);
	g_attr(c, g, g_quote(c), name, buf);
}

void g_pciaddr(struct sc *c, struct gen *g, const struct vb_bdf *b, int guest, int mf)
{
	g_str(g, "<address");
	if (guest)
		g_attr(c, g, g_quote(c), "type", "pci");
	hex_attr(c, g, "domain", "0x%04x", b->domain);
	hex_attr(c, g, "bus", "0x%02x", b->bus);
	hex_attr(c, g, "slot", "0x%02x", b->dev);
	hex_attr(c, g, "function", "0x%x", b->fn);
	if (mf)
		g_attr(c, g, g_quote(c), "multifunction", "on");
	g_str(g, "/>");
}

void g_rom(struct sc *c, struct gen *g, const struct vb_dx_hostdev *h)
{
	int off = h->rom == VB_DX_ROM_OFF;

	g_el(c, g, "rom", off ? "bar" : "file", off ? "off" : h->rom_file, 0);
}

void g_alias(struct sc *c, struct gen *g, const char *alias)
{
	g_el(c, g, "alias", "name", alias, 0);
}

/* mf wanted on the guest address of --hostdev i */
int g_want_mf(const struct sc *c, size_t i)
{
	return c->e->hostdev[i].has_guest && c->mf_need[i];
}

void g_hostdev(struct sc *c, struct gen *g, const struct lay *L, int lvl, const struct target *tg)
{
	const struct vb_dx_hostdev *h = tg->hd >= 0 ? &c->e->hostdev[tg->hd] : NULL;
	char q = g_quote(c);

	g_str(g, "<hostdev");
	g_attr(c, g, q, "mode", "subsystem");
	g_attr(c, g, q, "type", "pci");
	g_attr(c, g, q, "managed", "yes");
	g_str(g, ">");
	g_line(c, g, L, lvl + 1);
	g_str(g, "<source>");
	g_line(c, g, L, lvl + 2);
	g_pciaddr(c, g, &tg->bdf, 0, 0);
	g_line(c, g, L, lvl + 1);
	g_str(g, "</source>");
	if (tg->ss >= 0) {
		g_line(c, g, L, lvl + 1);
		g_alias(c, g, tg->alias);
	}
	if (h && h->rom != VB_DX_ROM_KEEP) {
		g_line(c, g, L, lvl + 1);
		g_rom(c, g, h);
	}
	if (h && h->has_guest) {
		g_line(c, g, L, lvl + 1);
		g_pciaddr(c, g, &h->guest, 1, g_want_mf(c, (size_t)tg->hd));
	}
	g_line(c, g, L, lvl);
	g_str(g, "</hostdev>");
}

void g_shmodel(struct sc *c, struct gen *g)
{
	g_el(c, g, "model", "type", "ivshmem-plain", 0);
}

void g_shsize(struct sc *c, struct gen *g)
{
	g_el(c, g, "size", "unit", "M", 1);
	g_fmt(g, "%llu</size>", (unsigned long long)c->shmem_mib);
}

void g_shmem(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	g_el(c, g, "shmem", "name", "looking-glass", 1);
	g_line(c, g, L, lvl + 1);
	g_shmodel(c, g);
	g_line(c, g, L, lvl + 1);
	g_shsize(c, g);
	g_line(c, g, L, lvl);
	g_str(g, "</shmem>");
}

void g_memballoon(struct sc *c, struct gen *g)
{
	g_el(c, g, "memballoon", "model", "none", 0);
}

void g_video(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	g_wrap(c, g, L, lvl, "video", "model", "type", "none");
}

void g_fwentry(struct sc *c, struct gen *g, const struct vb_dx_fwcfg *f)
{
	g_str(g, "<entry");
	g_attr(c, g, g_quote(c), "name", f->name);
	g_attr(c, g, g_quote(c), "file", f->file);
	g_str(g, "/>");
}

/* One qemu:arg. */
static void g_arg(struct sc *c, struct gen *g, const char *pfx, const char *val)
{
	char name[QNAME_MAX + 8];

	g_qn(name, sizeof(name), pfx, "arg");
	g_el(c, g, name, "value", val, 0);
}

/* QEMU's option syntax doubles commas inside a value. */
static void qemu_escape(const char *s, char *out, size_t n)
{
	size_t o = 0;

	for (; *s && o + 2 < n; s++) {
		out[o++] = *s;
		if (*s == ',')
			out[o++] = ',';
	}
	out[o] = 0;
}

/* A JSON string body (no quotes). */
static void json_escape(const char *s, char *out, size_t n)
{
	size_t o = 0;

	for (; *s && o + 7 < n; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)snprintf(out + o, n - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = 0;
}

void g_kvmfr_object(const struct sc *c, char *out, size_t n)
{
	char path[VAL_MAX * 6];

	json_escape(dx_kvmfr_path(c->e), path, sizeof(path));
	snprintf(out, n, "{\"qom-type\":\"memory-backend-file\",\"id\":\"looking-glass\",\"mem-path\":\"%s\","
		 "\"size\":%llu,\"share\":true}", path, (unsigned long long)(c->e->kvmfr_mib << 20));
}

static const char kvmfr_device[] = "{\"driver\":\"ivshmem-plain\",\"id\":\"shmem0\",\"memdev\":\"looking-glass\"}";

/* The qemu:arg pairs the edits still need, at level lvl. */
void g_args(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx)
{
	const struct vb_dx_edits *e = c->e;
	char buf[VAL_MAX * 8];
	size_t i;

	if (e->kvmfr_mib && !c->nkdev) {
		g_line(c, g, L, lvl);
		g_arg(c, g, pfx, "-device");
		g_line(c, g, L, lvl);
		g_arg(c, g, pfx, kvmfr_device);
	}
	if (e->kvmfr_mib && !c->nkobj) {
		g_kvmfr_object(c, buf, sizeof(buf));
		g_line(c, g, L, lvl);
		g_arg(c, g, pfx, "-object");
		g_line(c, g, L, lvl);
		g_arg(c, g, pfx, buf);
	}
	for (i = 0; i < e->nacpi; i++) {
		char esc[VAL_MAX * 4];

		if (c->acpi_found[i])
			continue;
		qemu_escape(e->acpitable[i], esc, sizeof(esc));
		snprintf(buf, sizeof(buf), "file=%s", esc);
		g_line(c, g, L, lvl);
		g_arg(c, g, pfx, "-acpitable");
		g_line(c, g, L, lvl);
		g_arg(c, g, pfx, buf);
	}
}

int g_args_needed(const struct sc *c)
{
	size_t i;

	if (c->e->kvmfr_mib && (!c->nkdev || !c->nkobj))
		return 1;
	for (i = 0; i < c->e->nacpi; i++)
		if (!c->acpi_found[i])
			return 1;
	return 0;
}

void g_prop(struct sc *c, struct gen *g, const char *pfx, const char *name, unsigned v)
{
	char el[QNAME_MAX + 16], num[16];

	g_qn(el, sizeof(el), pfx, "property");
	snprintf(num, sizeof(num), "%u", v);
	g_fmt(g, "<%s", el);
	g_attr(c, g, g_quote(c), "name", name);
	g_attr(c, g, g_quote(c), "type", "unsigned");
	g_attr(c, g, g_quote(c), "value", num);
	g_str(g, "/>");
}

void g_frontend(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx,
		const struct vb_dx_subsys *s)
{
	char el[QNAME_MAX + 16];

	g_qn(el, sizeof(el), pfx, "frontend");
	g_fmt(g, "<%s>", el);
	g_line(c, g, L, lvl + 1);
	g_prop(c, g, pfx, DX_SUB_VENDOR, s->svid);
	g_line(c, g, L, lvl + 1);
	g_prop(c, g, pfx, DX_SUB_DEVICE, s->sdid);
	g_line(c, g, L, lvl);
	g_fmt(g, "</%s>", el);
}

static void g_qdevice(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx,
		      const struct target *tg)
{
	char el[QNAME_MAX + 16];

	g_qn(el, sizeof(el), pfx, "device");
	g_el(c, g, el, "alias", tg->alias, 1);
	g_line(c, g, L, lvl + 1);
	g_frontend(c, g, L, lvl + 1, pfx, &c->e->subsys[tg->ss]);
	g_line(c, g, L, lvl);
	g_fmt(g, "</%s>", el);
}

/* Subsys targets whose qemu:device is missing. */
int g_qdevs_needed(struct sc *c)
{
	size_t i;

	for (i = 0; i < c->ntg; i++)
		if (c->tg[i].ss >= 0 && !dx_qdev_find(c, c->tg[i].alias))
			return 1;
	return 0;
}

void g_qdevices(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx)
{
	size_t i;

	for (i = 0; i < c->ntg; i++)
		if (c->tg[i].ss >= 0 && !dx_qdev_find(c, c->tg[i].alias)) {
			g_line(c, g, L, lvl);
			g_qdevice(c, g, L, lvl, pfx, &c->tg[i]);
		}
}
