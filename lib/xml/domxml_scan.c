/* domxml_scan: the first pass, reading the document through the tokenizer
 * into the facts of struct sc (see domxml_scan.h): whitespace runs and the
 * nodes of tracked elements, namespaces, what a qemu:arg means, and one
 * handler per tracked parent for the start tags under it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "xml/domxml_qopt.h"
#include "xml/domxml_scan.h"

/* ---- small helpers ---------------------------------------------------------- */

int dx_fail(struct sc *c, int code, unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->p->msg, sizeof(c->p->msg), fmt, ap);
	va_end(ap);
	c->p->line = line;
	c->p->col = col;
	return code;
}

void dx_warn(struct sc *c, const char *fmt, ...)
{
	va_list ap;

	if (c->p->nwarn == VB_DX_MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(c->p->warn[c->p->nwarn++], sizeof(c->p->warn[0]), fmt, ap);
	va_end(ap);
}

static int lname_is(const char *n, size_t len, const char *s)
{
	return strlen(s) == len && !memcmp(n, s, len);
}

/* Index of name in a NULL-terminated table, or -1. */
static int lookup(const char *const *tab, const char *n, size_t len)
{
	int i;

	for (i = 0; tab[i]; i++)
		if (tab[i][0] == n[0] && lname_is(n, len, tab[i]))
			return i;
	return -1;
}

static void aval_get(struct aval *a, const struct vb_xml_tok *t, const char *name)
{
	const struct vb_xml_attr *at = vb_xml_attr(t, name);

	a->present = at != NULL;
	a->fits = 0;
	a->v[0] = 0;
	if (!at)
		return;
	a->off = t->off + (uint64_t)(at->val - t->p);
	a->len = at->val_len;
	a->fits = vb_xml_attr_decode(at->val, at->val_len, a->v, sizeof(a->v)) >= 0;
	if (!a->fits)
		a->v[0] = 0;
}

/* Parse a number the way libvirt does for PCI addresses (strtoul base 0:
 * 0x hex, leading 0 octal, else decimal). */
static int num0(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

/* <address domain= bus= slot= function=/> from a token; missing = 0. */
static int pci_addr(const struct vb_xml_tok *t, struct vb_bdf *b, int *mf)
{
	static const char *const key[] = { "domain", "bus", "slot", "function" };
	static const unsigned long max[] = { 0xffffffffUL, 0xff, 0x1f, 7 };
	unsigned long v[4];
	char buf[64];
	int i;

	for (i = 0; i < 4; i++) {
		const struct vb_xml_attr *a = vb_xml_attr(t, key[i]);

		v[i] = 0;
		if (!a)
			continue;
		if (vb_xml_attr_decode(a->val, a->val_len, buf, sizeof(buf)) < 0 || num0(buf, max[i], &v[i]) < 0)
			return -1;
	}
	b->domain = (unsigned)v[0];
	b->bus = (unsigned)v[1];
	b->dev = (unsigned)v[2];
	b->fn = (unsigned)v[3];
	if (mf) {
		const struct vb_xml_attr *a = vb_xml_attr(t, "multifunction");

		*mf = a && vb_xml_attr_decode(a->val, a->val_len, buf, sizeof(buf)) >= 0 && !strcmp(buf, "on");
	}
	return 0;
}

/* ---- whitespace runs and nodes ------------------------------------------- */

static void run_reset(struct sc *c, uint64_t off)
{
	c->run_start = off;
	if (!c->nl[0] && c->run_cr)
		c->nl[0] = '\r';
	c->run.ok = 1;
	c->run.nl = 0;
	c->run.len = 0;
	c->run_mixed = 0;
	c->run_cr = 0;
}

static void run_text(struct sc *c, const struct vb_xml_tok *t)
{
	size_t i;

	if (!t->ws) {
		c->run.ok = 0;
		c->run_mixed = 1;
		c->run_cr = 0;
		return;
	}
	for (i = 0; i < t->len; i++) {
		char ch = t->p[i];

		if (ch == '\n' || ch == '\r') {
			if (!(ch == '\n' && c->run_cr))
				c->run.nl_off = t->off + i;
			if (!c->nl[0] && c->run_cr)
				strcpy(c->nl, ch == '\n' ? "\r\n" : "\r");
			else if (!c->nl[0] && ch == '\n')
				c->nl[0] = '\n';
			c->run_cr = ch == '\r';
			c->run.nl = 1;
			c->run.len = 0;
			if (!c->run_mixed)
				c->run.ok = 1;
			continue;
		}
		if (!c->nl[0] && c->run_cr)
			c->nl[0] = '\r';
		c->run_cr = 0;
		if (c->run.len == IND_MAX)
			c->run.ok = 0;
		else
			c->run.s[c->run.len++] = ch;
	}
}

static void node_start(struct sc *c, struct node *n, const struct vb_xml_tok *t, int empty)
{
	n->present = 1;
	n->empty = empty;
	n->start = t->off;
	n->stag_end = n->end = t->off + t->len;
	n->line = t->line;
	n->col = t->col;
	n->sep = c->run;
	n->has_child = 0;
	n->esep.ok = 0;
	n->esep.nl = 0;
	n->esep.len = 0;
	memset(n->after, 0, sizeof(n->after));
	memset(n->before, 0, sizeof(n->before));
	n->last_end = 0;
	if (t->nattrs) {
		const struct vb_xml_attr *a = &t->attrs[t->nattrs - 1];

		n->attr_end = t->off + (uint64_t)(a->val - t->p) + a->val_len + 1;
		n->quote = t->attrs[0].quote;
	} else {
		n->attr_end = t->off + 1 + t->name_len;
		n->quote = 0;
	}
	if (t->name_len < QNAME_MAX) {
		memcpy(n->qname, t->name, t->name_len);
		n->qname[t->name_len] = 0;
	} else {
		n->qname[0] = 0;
	}
}

/* ---- namespaces -------------------------------------------------------------- */

static void ns_pop(struct sc *c, unsigned depth)
{
	while (c->nns && c->ns[c->nns - 1].depth >= depth)
		c->nns--;
}

/* 1 if prefix (len 0: the default namespace) is bound to the qemu URI. */
static int ns_qemu(const struct sc *c, const char *prefix, size_t len)
{
	size_t i = c->nns;

	while (i--)
		if (c->ns[i].len == len && !memcmp(c->ns[i].prefix, prefix, len))
			return c->ns[i].qemu;
	return 0;
}

/* 1 if prefix is declared (or is xml). */
static int ns_bound(const struct sc *c, const char *prefix, size_t len)
{
	size_t i = c->nns;

	if (len == 3 && !memcmp(prefix, "xml", 3))
		return 1;
	while (i--)
		if (c->ns[i].len == len && !memcmp(c->ns[i].prefix, prefix, len))
			return 1;
	return 0;
}

/* A prefix we can write element names with (ASCII NCName). */
static int ncname(const char *s, size_t n)
{
	size_t i;

	if (!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_' || s[i] == '-' || s[i] == '.'))
			return 0;
	return 1;
}

/* Note the declarations of an element on a tracked path. */
static int ns_push(struct sc *c, const struct vb_xml_tok *t)
{
	size_t i;

	for (i = 0; i < t->nattrs; i++) {
		const struct vb_xml_attr *a = &t->attrs[i];
		const char *pfx;
		size_t plen;
		int q;

		if (a->name_len == 5 && !memcmp(a->name, "xmlns", 5)) {
			pfx = "";
			plen = 0;
		} else if (a->name_len > 6 && !memcmp(a->name, "xmlns:", 6)) {
			pfx = a->name + 6;
			plen = a->name_len - 6;
		} else {
			continue;
		}
		q = a->val_len == strlen(VB_DX_QEMU_NS) && !memcmp(a->val, VB_DX_QEMU_NS, a->val_len);
		if (!q) {
			char v[sizeof(VB_DX_QEMU_NS) + 1];

			q = vb_xml_attr_decode(a->val, a->val_len, v, sizeof(v)) >= 0 && !strcmp(v, VB_DX_QEMU_NS);
		}
		if (t->depth == 1) {
			if (q && plen && !c->qprefix_found && plen < QNAME_MAX && ncname(pfx, plen)) {
				memcpy(c->qprefix, pfx, plen);
				c->qprefix[plen] = 0;
				c->qprefix_found = 1;
			}
			if (q && !plen)
				return dx_fail(c, VB_DX_EDOC, t->line, t->col, "<domain> makes the qemu namespace the "
					     "default one: libvirt reads its own elements only in no namespace");
			if (!q && plen == 4 && !memcmp(pfx, "qemu", 4))
				c->qemu_prefix_taken = 1;
		}
		if (c->nns == MAX_NS || plen >= QNAME_MAX)
			return dx_fail(c, VB_DX_ELIMIT, t->line, t->col, "more namespace declarations than vfiobox keeps (%d)", MAX_NS);
		c->ns[c->nns].depth = t->depth;
		c->ns[c->nns].qemu = (unsigned char)q;
		c->ns[c->nns].len = (unsigned char)plen;
		memcpy(c->ns[c->nns].prefix, pfx, plen);
		c->nns++;
	}
	return 0;
}

/* Split a tag name: *local and *qemu (bound to the qemu URI) or *core (no
 * prefix, default namespace not qemu). */
static void qname(const struct sc *c, const struct vb_xml_tok *t, const char **local, size_t *llen,
		  int *qemu, int *core)
{
	const char *colon = memchr(t->name, ':', t->name_len);

	if (colon) {
		*local = colon + 1;
		*llen = t->name_len - (size_t)(colon + 1 - t->name);
		*qemu = ns_qemu(c, t->name, (size_t)(colon - t->name));
		*core = 0;
	} else {
		*local = t->name;
		*llen = t->name_len;
		*qemu = ns_qemu(c, "", 0);
		*core = !*qemu;
	}
}

/* What a qemu:arg value means to the edits. */
static void arg_classify(struct sc *c, struct argn *a, const char *v)
{
	const struct vb_dx_edits *e = c->e;
	char b1[VAL_MAX * 2], b2[VAL_MAX * 2];
	size_t i;

	a->opt = A_OTHER;
	a->acpi = 0;
	a->lgdev = a->lgobj = a->obj_ok = 0;
	if (!strcmp(v, "-acpitable") || !strcmp(v, "--acpitable"))
		a->opt = A_ACPI;
	else if (!strcmp(v, "-device") || !strcmp(v, "--device"))
		a->opt = A_DEVICE;
	else if (!strcmp(v, "-object") || !strcmp(v, "--object"))
		a->opt = A_OBJECT;
	if (a->opt)
		return;
	if (dx_kv_get(v, NULL, "file", b1, sizeof(b1)))
		for (i = 0; i < e->nacpi && i < 32; i++)
			if (!strcmp(b1, e->acpitable[i]))
				a->acpi |= 1u << i;
	if (dx_opt_get(v, "driver", "driver", b1, sizeof(b1)) && !strcmp(b1, "ivshmem-plain") &&
	    dx_opt_get(v, "driver", "memdev", b2, sizeof(b2)) && !strcmp(b2, "looking-glass"))
		a->lgdev = 1;
	if (dx_opt_get(v, "qom-type", "qom-type", b1, sizeof(b1)) && !strcmp(b1, "memory-backend-file") &&
	    dx_opt_get(v, "qom-type", "id", b2, sizeof(b2)) && !strcmp(b2, "looking-glass")) {
		uint64_t size;

		a->lgobj = 1;
		a->obj_ok = e->kvmfr_mib &&
			dx_opt_get(v, "qom-type", "mem-path", b1, sizeof(b1)) && !strcmp(b1, dx_kvmfr_path(e)) &&
			dx_opt_get(v, "qom-type", "size", b1, sizeof(b1)) && dx_qsize(b1, &size) == 0 &&
			size == e->kvmfr_mib << 20 &&
			dx_opt_get(v, "qom-type", "share", b2, sizeof(b2)) &&
			(!strcmp(b2, "true") || !strcmp(b2, "on") || !strcmp(b2, "yes"));
	}
}

/* ---- the first pass ----------------------------------------------------------- */

/* libvirt's formatting order of the children the edits insert among. */
static const char *const dom_rank[] = {
	"name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory",
	"currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
	"iothreadids", "defaultiothread", "cputune", "numatune", "resource", "sysinfo",
	"bootloader", "bootloader_args", "os", "idmap", "features", "cpu", "clock", "on_poweroff",
	"on_reboot", "on_crash", "on_lockfailure", "pm", "perf", "devices", "seclabel", "keywrap",
	"launchSecurity", NULL
};
static const char *const dom_qemu_rank[] = { "commandline", "capabilities", "deprecation", "override", NULL };

static const char *const feat_rank[] = {
	"acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
	"capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm",
	"nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown", NULL
};

const char *const dx_hv_rank[] = {
	"relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset",
	"vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic", NULL
};

static const char *const kvm_rank[] = { "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring", NULL };

static const char *const dev_rank[] = {
	"emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial",
	"parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video",
	"hostdev", "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng", "panic",
	"shmem", "memory", "iommu", "vsock", "crypto", NULL
};

static const char *const hd_rank[] = {
	"driver", "source", "boot", "alias", "acpi", "rom", "address", "readonly", "shareable", NULL
};

static const char *const sh_rank[] = { "model", "size", "server", "msi", "alias", "acpi", "address", NULL };
static const char *const ctrl_rank[] = { "driver", "model", "target", "alias", "acpi", "address", NULL };

static int is_device_kind(int k)
{
	return k == K_DEVICE || k == K_HOSTDEV || k == K_SHMEM || k == K_MEMBALLOON ||
	       k == K_VIDEO || k == K_CTRL;
}

/* Indentation of n itself, if known. */
int dx_node_ind(const struct node *n, const char **s, size_t *len)
{
	if (n->sep.ok && n->sep.nl) {
		*s = n->sep.s;
		*len = n->sep.len;
		return 1;
	}
	if (n->col == 1) {
		*s = "";
		*len = 0;
		return 1;
	}
	return 0;
}

/* The first child of a parent with known indentation tells one level. */
static void learn_unit(struct sc *c, const struct node *parent)
{
	const char *pi;
	size_t pl;

	if (c->unit_known || !c->run.ok || !c->run.nl || !dx_node_ind(parent, &pi, &pl))
		return;
	if (c->run.len >= pl && !memcmp(c->run.s, pi, pl)) {
		c->unit_len = (int)(c->run.len - pl);
		memcpy(c->unit, c->run.s + pl, (size_t)c->unit_len);
		c->unit_known = 1;
	}
}

static void hostdev_reset(struct hostdev *h)
{
	h->pci = h->subsys = h->src_ok = h->addr_ok = 0;
	h->rom.present = h->addr.present = h->alias.present = 0;
	h->rom_bar.present = h->rom_file.present = h->addr_type.present = 0;
	h->addr_mf.present = h->alias_name.present = 0;
}

/* A start tag under a tracked parent, as the handlers below see it, and
 * what they decide about it. */
struct start {
	const struct vb_xml_tok *t;
	const char *ln;		/* the local name, ll bytes */
	size_t ll;
	int q, core;		/* in the qemu namespace; in libvirt's own */
	int empty;		/* <x/> */
	int pk;			/* the parent's kind */
	int k, r;		/* its kind (K_*) and rank (-1: none) */
	struct node *n;		/* where to keep it, or NULL */
};

/* <domain>'s children: <features>, <devices>, <sysinfo type='fwcfg'>,
 * qemu:commandline, qemu:override. */
static int under_domain(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (s->core) {
		s->r = lookup(dom_rank, s->ln, s->ll);
		if (s->r == R_FEATURES && !c->features.present) {
			s->k = K_FEATURES;
			s->n = &c->features;
		} else if (s->r == R_DEVICES && !c->devices.present) {
			s->k = K_DEVICES;
			s->n = &c->devices;
		} else if (s->r == R_SYSINFO && c->want_fw && !c->sysinfo.present) {
			aval_get(&c->tmp_type, t, "type");
			if (dx_aval_is(&c->tmp_type, "fwcfg")) {
				s->k = K_SYSINFO;
				s->n = &c->sysinfo;
			}
		}
	} else if (s->q) {
		s->r = lookup(dom_qemu_rank, s->ln, s->ll);
		if (s->r >= 0)
			s->r += R_QEMU;
		if (s->r == R_QCMD && c->want_qcmd && !c->qcmd.present) {
			s->k = K_QCMD;
			s->n = &c->qcmd;
			c->prev_arg = A_OTHER;
			c->prev.present = 0;
		} else if (s->r == R_QOVR && c->want_qovr && !c->qovr.present) {
			s->k = K_QOVR;
			s->n = &c->qovr;
		}
	}
	return 0;
}

/* <features>' children: <hyperv>, <kvm>, <vmport>. */
static int under_features(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (!s->core)
		return 0;
	s->r = lookup(feat_rank, s->ln, s->ll);
	if (s->r == R_HYPERV && !c->hyperv.present) {
		s->k = K_HYPERV;
		s->n = &c->hyperv;
		aval_get(&c->hv_mode, t, "mode");
	} else if (s->r == R_KVM && !c->kvm.present) {
		s->k = K_KVM;
		s->n = &c->kvm;
	} else if (s->r == R_VMPORT && !c->vmport.present) {
		s->k = K_VMPORT;
		s->n = &c->vmport;
		aval_get(&c->vmport_state, t, "state");
	}
	return 0;
}

/* <hyperv>'s children: the enlightenments (and their retries= and value=). */
static int under_hyperv(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (!s->core)
		return 0;
	s->r = lookup(dx_hv_rank, s->ln, s->ll);
	if (s->r >= 0 && !c->hv[s->r].present) {
		s->k = K_HVCHILD;
		s->n = &c->hv[s->r];
		aval_get(&c->hv_state[s->r], t, "state");
		c->hv_extra[s->r].present = 0;
		if (s->r == HV_SPINLOCKS)
			aval_get(&c->hv_extra[s->r], t, "retries");
		else if (s->r == HV_VENDOR)
			aval_get(&c->hv_extra[s->r], t, "value");
	}
	return 0;
}

/* <kvm>'s children: <hidden>. */
static int under_kvm(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (!s->core)
		return 0;
	s->r = lookup(kvm_rank, s->ln, s->ll);
	if (s->r == 0 && !c->hidden.present) {
		s->k = K_HIDDEN;
		s->n = &c->hidden;
		aval_get(&c->hidden_state, t, "state");
	}
	return 0;
}

/* <devices>' children: any device (for --hostdev=...@GUEST's clash check),
 * <hostdev>, the looking-glass <shmem>, <memballoon>, <video>, the pci
 * <controller>s. */
static int under_devices(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (!s->core)
		return 0;
	s->r = lookup(dev_rank, s->ln, s->ll);
	c->dev_addr_ok = 0;
	if (s->r == R_INTERFACE && c->want_qovr) {
		/* raw: decoding every NIC's type costs 5% of the run */
		const struct vb_xml_attr *a = vb_xml_attr(t, "type");

		c->if_hostdev += a && a->val_len == 7 && !memcmp(a->val, "hostdev", 7);
	}
	s->k = c->want_addr ? K_DEVICE : K_OTHER;
	if (c->want_addr) {
		snprintf(c->dev_name, sizeof(c->dev_name), "%.*s", (int)(s->ll > 30 ? 30 : s->ll), s->ln);
		c->dev_line = t->line;
	}
	if (s->r == R_HOSTDEV && c->want_hd) {
		s->k = K_HOSTDEV;
		s->n = &c->hd.n;
		hostdev_reset(&c->hd);
		aval_get(&c->tmp_type, t, "type");
		c->hd.pci = dx_aval_is(&c->tmp_type, "pci");
		aval_get(&c->tmp_type, t, "mode");
		c->hd.subsys = !c->tmp_type.present || dx_aval_is(&c->tmp_type, "subsystem");
	} else if (s->r == R_SHMEM && c->want_sh) {
		aval_get(&c->tmp_name, t, "name");
		if (dx_aval_is(&c->tmp_name, "looking-glass") && !c->shmem.present) {
			s->k = K_SHMEM;
			s->n = &c->shmem;
		}
	} else if (s->r == R_MEMBALLOON && c->want_mb && !c->memballoon.present) {
		s->k = K_MEMBALLOON;
		s->n = &c->memballoon;
		aval_get(&c->mb_model, t, "model");
	} else if (s->r == R_VIDEO && c->want_video) {
		s->k = K_VIDEO;
		if (!c->video.present) {
			s->n = &c->video;
		} else {
			if (c->nvideo_extra == VB_DX_MAX_PATCHES)
				return dx_fail(c, VB_DX_ELIMIT, t->line, t->col, "more than %d <video> elements",
					     VB_DX_MAX_PATCHES);
			c->video_extra = vb_xrealloc(c->video_extra, (c->nvideo_extra + 1) * sizeof(*c->video_extra));
			s->n = &c->video_extra[c->nvideo_extra++];
		}
		c->video_cur = s->n == &c->video;
	} else if (s->r == R_CONTROLLER && c->want_ctrl) {
		unsigned long idx;

		aval_get(&c->tmp_type, t, "type");
		aval_get(&c->ctrl_index, t, "index");
		c->ctrl_cur = -1;
		if (dx_aval_is(&c->tmp_type, "pci") && c->ctrl_index.fits && c->ctrl_index.v[0] >= '0' &&
		    c->ctrl_index.v[0] <= '9' && vb_parse_ulong(c->ctrl_index.v, 10, 255, &idx) == 0 &&
		    !c->ctrl[idx].seen) {
			s->k = K_CTRL;
			c->ctrl_cur = (int)idx;
			c->ctrl[idx].seen = 1;
			s->n = &c->ctrl[idx].n;
			aval_get(&c->ctrl[idx].model, t, "model");
			c->ctrl[idx].target.present = 0;
			c->ctrl[idx].hotplug.present = 0;
		}
	}
	return 0;
}

/* A device's children: its <address>; <hostdev>'s <source>, <rom>,
 * <alias>, <address>; <shmem>'s <model>, <size>; <video>'s <model>;
 * <controller>'s <target>. */
static int under_device(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (!s->core)
		return 0;
	if (lname_is(s->ln, s->ll, "address") && !c->dev_addr_ok && c->want_addr) {
		aval_get(&c->tmp_type, t, "type");
		if (dx_aval_is(&c->tmp_type, "pci") && pci_addr(t, &c->dev_addr, NULL) == 0)
			c->dev_addr_ok = 1;
	}
	if (s->pk == K_HOSTDEV) {
		s->r = lookup(hd_rank, s->ln, s->ll);
		if (s->r == 1) {
			s->k = K_HDSOURCE;
		} else if (s->r == R_HD_ROM && !c->hd.rom.present) {
			s->k = K_HDROM;
			s->n = &c->hd.rom;
			aval_get(&c->hd.rom_bar, t, "bar");
			aval_get(&c->hd.rom_file, t, "file");
		} else if (s->r == R_HD_ALIAS && !c->hd.alias.present) {
			s->k = K_HDALIAS;
			s->n = &c->hd.alias;
			aval_get(&c->hd.alias_name, t, "name");
		} else if (s->r == R_HD_ADDR && !c->hd.addr.present) {
			s->k = K_DEVADDR;
			s->n = &c->hd.addr;
			aval_get(&c->hd.addr_type, t, "type");
			aval_get(&c->hd.addr_mf, t, "multifunction");
			c->hd.addr_ok = dx_aval_is(&c->hd.addr_type, "pci") && pci_addr(t, &c->hd.guest, NULL) == 0;
		}
	} else if (s->pk == K_SHMEM) {
		s->r = lookup(sh_rank, s->ln, s->ll);
		if (s->r == 0 && !c->shmodel.present) {
			s->k = K_SHMODEL;
			s->n = &c->shmodel;
			aval_get(&c->shmodel_type, t, "type");
		} else if (s->r == 1 && !c->shsize.present) {
			s->k = K_SHSIZE;
			s->n = &c->shsize;
			aval_get(&c->shsize_unit, t, "unit");
			c->shsize_len = 0;
			c->shsize_bad = s->empty;
		}
	} else if (s->pk == K_VIDEO) {
		if (lname_is(s->ln, s->ll, "model") && c->video_cur && !c->vidmodel.present) {
			s->k = K_VIDMODEL;
			s->n = &c->vidmodel;
			aval_get(&c->vid_type, t, "type");
		}
	} else if (s->pk == K_CTRL) {
		struct ctrl *ct = &c->ctrl[c->ctrl_cur];

		s->r = lookup(ctrl_rank, s->ln, s->ll);
		if (s->r == R_CTRL_TARGET && !ct->target.present) {
			s->k = K_CTRLTARGET;
			s->n = &ct->target;
			aval_get(&ct->hotplug, t, "hotplug");
		}
	}
	return 0;
}

/* <hostdev><source>'s <address>. */
static int under_hdsource(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (s->core && lname_is(s->ln, s->ll, "address") && !c->hd.src_ok)
		c->hd.src_ok = pci_addr(t, &c->hd.src, NULL) == 0;
	return 0;
}

/* <sysinfo type='fwcfg'>'s <entry>s named by --rom-fwcfg. */
static int under_sysinfo(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;
	const struct vb_dx_edits *e = c->e;
	size_t i;

	if (!s->core || !lname_is(s->ln, s->ll, "entry"))
		return 0;
	s->r = 0;
	aval_get(&c->tmp_name, t, "name");
	c->fw_cur = -1;
	for (i = 0; i < e->nfwcfg; i++)
		if (!c->fw_found[i] && dx_aval_is(&c->tmp_name, e->fwcfg[i].name)) {
			s->k = K_FWENTRY;
			c->fw_cur = (int)i;
			c->fw_found[i] = 1;
			s->n = &c->fw[i].n;
			aval_get(&c->fw[i].file, t, "file");
			c->fw[i].content = 0;
			break;
		}
	return 0;
}

/* qemu:commandline's qemu:arg (classified) and qemu:env. */
static int under_qcmd(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (!s->q)
		return 0;
	if (lname_is(s->ln, s->ll, "arg")) {
		const struct vb_xml_attr *a = vb_xml_attr(t, "value");
		char *v = c->scratch;

		s->r = 0;
		s->k = K_QARG;
		s->n = &c->cur_arg.n;
		c->cur_arg.present = 1;
		aval_get(&c->cur_arg.val, t, "value");
		if (a && vb_xml_attr_decode(a->val, a->val_len, v, VAL_MAX * 32) >= 0)
			arg_classify(c, &c->cur_arg, v);
		else
			arg_classify(c, &c->cur_arg, "");
	} else if (lname_is(s->ln, s->ll, "env")) {
		s->r = 1;
	}
	return 0;
}

/* qemu:override's qemu:device. */
static int under_qovr(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (s->q && lname_is(s->ln, s->ll, "device")) {
		struct qdev *qd;

		s->r = 0;
		if (c->nqdev == MAX_QDEV)
			return dx_fail(c, VB_DX_ELIMIT, t->line, t->col, "more than %d qemu:device overrides", MAX_QDEV);
		qd = &c->qdev[c->nqdev];
		aval_get(&qd->alias, t, "alias");
		qd->front.present = 0;
		qd->prop[0].n.present = qd->prop[1].n.present = 0;
		s->k = K_QDEV;
		s->n = &qd->n;
	}
	return 0;
}

/* qemu:device's qemu:frontend. */
static int under_qdev(struct sc *c, struct start *s)
{
	if (s->q && lname_is(s->ln, s->ll, "frontend") && !c->qdev[c->nqdev].front.present) {
		s->r = 0;
		s->k = K_QFRONT;
		s->n = &c->qdev[c->nqdev].front;
	}
	return 0;
}

/* qemu:frontend's qemu:property (the two --subsys sets). */
static int under_qfront(struct sc *c, struct start *s)
{
	const struct vb_xml_tok *t = s->t;

	if (s->q && lname_is(s->ln, s->ll, "property")) {
		struct qdev *qd = &c->qdev[c->nqdev];
		int w;

		s->r = 0;
		aval_get(&c->tmp_name, t, "name");
		w = dx_aval_is(&c->tmp_name, DX_SUB_VENDOR) ? 0 : dx_aval_is(&c->tmp_name, DX_SUB_DEVICE) ? 1 : -1;
		if (w >= 0 && !qd->prop[w].n.present) {
			s->k = K_QPROP;
			s->n = &qd->prop[w].n;
			aval_get(&qd->prop[w].type, t, "type");
			aval_get(&qd->prop[w].value, t, "value");
		}
	}
	return 0;
}

static int on_start(struct sc *c, const struct vb_xml_tok *t, int empty)
{
	unsigned d = t->depth;
	int pk = d > 1 ? c->kind[d - 1] : -1, rc;
	struct node *pn = d > 1 ? c->nodep[d - 1] : NULL;
	struct start s = { .t = t, .empty = empty, .pk = pk, .k = K_OTHER, .r = -1 };

	if (pk == K_OTHER) {
		c->kind[d] = K_OTHER;
		c->nodep[d] = NULL;
		c->rank[d] = NO_RANK;
		return 0;
	}
	if (!c->quote && t->nattrs)
		c->quote = t->attrs[0].quote;
	if ((rc = ns_push(c, t)) < 0)
		return rc;
	qname(c, t, &s.ln, &s.ll, &s.q, &s.core);
	if (!s.q && !s.core && !ns_bound(c, t->name, (size_t)(s.ln - 1 - t->name)))
		/* Declaring it later (xmlns:qemu) would change what it is. */
		return dx_fail(c, VB_DX_EDOC, t->line, t->col, "the prefix of <%.*s> is not declared (no xmlns:%.*s): "
			     "libvirt would refuse the document", (int)(t->name_len > 60 ? 60 : t->name_len), t->name,
			     (int)(s.ln - 1 - t->name > 40 ? 40 : s.ln - 1 - t->name), t->name);

	switch (pk) {
	case -1:
		s.k = K_DOMAIN;
		s.n = &c->domain;
		break;
	case K_DOMAIN:
		rc = under_domain(c, &s);
		break;
	case K_FEATURES:
		rc = under_features(c, &s);
		break;
	case K_HYPERV:
		rc = under_hyperv(c, &s);
		break;
	case K_KVM:
		rc = under_kvm(c, &s);
		break;
	case K_DEVICES:
		rc = under_devices(c, &s);
		break;
	case K_DEVICE:
	case K_HOSTDEV:
	case K_SHMEM:
	case K_MEMBALLOON:
	case K_VIDEO:
	case K_CTRL:
		rc = under_device(c, &s);
		break;
	case K_HDSOURCE:
		rc = under_hdsource(c, &s);
		break;
	case K_SYSINFO:
		rc = under_sysinfo(c, &s);
		break;
	case K_QCMD:
		rc = under_qcmd(c, &s);
		break;
	case K_QOVR:
		rc = under_qovr(c, &s);
		break;
	case K_QDEV:
		rc = under_qdev(c, &s);
		break;
	case K_QFRONT:
		rc = under_qfront(c, &s);
		break;
	default:
		rc = 0;
		break;
	}
	if (rc < 0)
		return rc;
	if (pn) {
		if (!pn->has_child) {
			pn->has_child = 1;
			pn->csep = c->run;
			learn_unit(c, pn);
		}
		if (s.r >= 0 && s.r < NRANK && !pn->before[s.r])
			pn->before[s.r] = c->run_start;
	}
	c->kind[d] = (unsigned char)s.k;
	c->rank[d] = (unsigned char)(s.r >= 0 && s.r < NRANK ? s.r : NO_RANK);
	c->nodep[d] = s.n;
	if (s.n)
		node_start(c, s.n, t, empty);
	run_reset(c, t->off + t->len);
	return 0;
}

/* A device element (child of <devices>) ends: does its guest address clash
 * with one the edits want, or share a slot with one? */
static void device_end(struct sc *c, int kind)
{
	const struct vb_dx_edits *e = c->e;
	size_t i, j;

	if (!c->dev_addr_ok)
		return;
	if (kind == K_HOSTDEV && c->hd.src_ok)
		for (j = 0; j < e->nhostdev; j++)
			if (e->hostdev[j].has_guest && dx_bdf_eq(&c->hd.src, &e->hostdev[j].src))
				return;		/* it moves to the address asked for */
	for (i = 0; i < e->nhostdev; i++) {
		const struct vb_dx_hostdev *h = &e->hostdev[i];

		if (!h->has_guest)
			continue;
		if (kind == K_HOSTDEV && c->hd.src_ok && dx_bdf_eq(&c->hd.src, &h->src))
			continue;
		if (dx_bdf_eq(&c->dev_addr, &h->guest) && !c->clash[i]) {
			c->clash[i] = 1;
			snprintf(c->clash_name[i], sizeof(c->clash_name[i]), "%s", c->dev_name);
			c->clash_line[i] = c->dev_line;
		}
		if (dx_slot_eq(&c->dev_addr, &h->guest) && c->dev_addr.fn && !h->guest.fn)
			c->mf_need[i] = 1;
	}
}

static int hostdev_end(struct sc *c)
{
	struct hostdev *h = &c->hd;
	size_t i;

	/* libvirt names the hostdevs without a user alias hostdev0, 1...
	 * in document order, after the <interface type='hostdev'> ones. */
	h->nth = c->hd_named;
	if (!(h->alias.present && !strncmp(h->alias_name.v, "ua-", 3)))
		c->hd_named++;
	if (h->pci && h->subsys && !h->src_ok && c->list_strict)
		return dx_fail(c, VB_DX_EXML, h->n.line, h->n.col, "<hostdev mode='subsystem' "
			       "type='pci'> without a PCI address in its <source> (want <address "
			       "domain= bus= slot= function=/>)");
	if (!h->pci || !h->subsys || !h->src_ok)
		return 0;
	if (c->list)
		c->list(c->lctx, &h->src);
	if (h->addr_ok)
		c->hd_bus[h->guest.bus] = 1;
	else
		c->hd_noaddr = 1;
	for (i = 0; i < c->ntg; i++)
		if (!c->tg[i].found && dx_bdf_eq(&c->tg[i].bdf, &h->src)) {
			c->tg[i].found = 1;
			c->tg[i].h = *h;
			break;
		}
	return 0;
}

static void arg_end(struct sc *c)
{
	struct argn *a = &c->cur_arg;
	size_t i;

	if (c->prev.present && c->prev_arg != A_OTHER) {
		switch (c->prev_arg) {
		case A_ACPI:
			c->any_acpi = 1;
			for (i = 0; i < c->e->nacpi && i < 32; i++)
				if (a->acpi & (1u << i))
					c->acpi_found[i] = 1;
			break;
		case A_DEVICE:
			if (a->lgdev && c->nkdev < MAX_PAIRS) {
				c->kdev[c->nkdev][0] = c->prev;
				c->kdev[c->nkdev++][1] = *a;
			}
			break;
		case A_OBJECT:
			if (a->lgobj && c->nkobj < MAX_PAIRS) {
				c->kobj_ok[c->nkobj] = a->obj_ok;
				c->kobj[c->nkobj][0] = c->prev;
				c->kobj[c->nkobj++][1] = *a;
			}
			break;
		}
		c->prev_arg = A_OTHER;
	} else {
		c->prev_arg = a->opt;
	}
	c->prev = *a;
}

static int on_end(struct sc *c, const struct vb_xml_tok *t, int empty)
{
	unsigned d = t->depth;
	int k = c->kind[d], r;
	struct node *n = c->nodep[d], *pn;

	if (k == K_OTHER && d > 1 && c->kind[d - 1] == K_OTHER)
		return 0;
	if (n) {
		n->end = t->off + t->len;
		if (!empty) {
			n->esep = c->run;
			if (c->run_mixed)
				n->esep.ok = 0;
		}
	}
	pn = d > 1 ? c->nodep[d - 1] : NULL;
	if (pn && c->rank[d] != NO_RANK && t->off + t->len > pn->after[c->rank[d]])
		pn->after[c->rank[d]] = t->off + t->len;
	if (pn)
		pn->last_end = t->off + t->len;
	switch (k) {
	case K_HOSTDEV:
		if ((r = hostdev_end(c)) < 0)
			return r;
		break;
	case K_QARG:
		arg_end(c);
		break;
	case K_QDEV:
		c->nqdev++;
		break;
	case K_QCMD:
		c->qcmd_dangling = c->prev_arg;
		break;
	case K_SHSIZE:
		if (empty)
			c->shsize_bad = 1;
		break;
	default:
		break;
	}
	if (d == 3 && c->want_addr && is_device_kind(k) && c->kind[2] == K_DEVICES)
		device_end(c, k);
	ns_pop(c, d);
	run_reset(c, t->off + t->len);
	return 0;
}

static void on_text(struct sc *c, const struct vb_xml_tok *t)
{
	int k = c->kind[t->depth];

	if (k == K_OTHER && t->depth)
		return;
	if (k == K_SHSIZE) {
		if (c->shsize_len + t->len >= sizeof(c->shsize_text)) {
			c->shsize_bad = 1;
		} else {
			memcpy(c->shsize_text + c->shsize_len, t->p, t->len);
			c->shsize_len += (int)t->len;
			c->shsize_text[c->shsize_len] = 0;
			if (memchr(t->p, '&', t->len))
				c->shsize_bad = 1;
		}
	} else if (k == K_FWENTRY && !t->ws && c->fw_cur >= 0) {
		c->fw[c->fw_cur].content = 1;
	}
	run_text(c, t);
}

static int xml_fail(struct sc *c, struct vb_xml *x)
{
	c->p->err_io = x->err == VB_XML_EIO ? x->err_errno : 0;
	return dx_fail(c, VB_DX_EXML, x->err_line, x->err_col, "%s", vb_xml_error(x));
}

/* Read the whole document. */
int dx_scan(struct sc *c, struct vb_xml *x)
{
	struct vb_xml_tok t;
	int r;

	run_reset(c, 0);
	for (;;) {
		r = vb_xml_next(x, &t);
		if (r < 0)
			return xml_fail(c, x);
		switch (r) {
		case VB_XML_EOF:
			c->p->size = t.off;
			return 0;
		case VB_XML_TEXT:
			on_text(c, &t);
			break;
		case VB_XML_START:
			if ((r = on_start(c, &t, 0)) < 0)
				return r;
			if (c->kind[t.depth] == K_OTHER) {
				/* Nothing in it concerns the edits: check it
				 * without looking at the tokens. */
				if (vb_xml_skip(x, &t) < 0)
					return xml_fail(c, x);
				if ((r = on_end(c, &t, 0)) < 0)
					return r;
			}
			break;
		case VB_XML_EMPTY:
			if ((r = on_start(c, &t, 1)) < 0 || (r = on_end(c, &t, 1)) < 0)
				return r;
			break;
		case VB_XML_END:
			if ((r = on_end(c, &t, 0)) < 0)
				return r;
			break;
		case VB_XML_CDATA:
			if (c->kind[t.depth] == K_SHSIZE)
				c->shsize_bad = 1;
			else if (c->kind[t.depth] == K_FWENTRY && c->fw_cur >= 0)
				c->fw[c->fw_cur].content = 1;
			c->run_mixed = 1;
			c->run.ok = 0;
			break;
		default:	/* comments, PIs, declarations: markup */
			if (c->kind[t.depth] == K_SHSIZE)
				c->shsize_bad = 1;
			if (t.last)
				run_reset(c, t.off + t.len);
			break;
		}
	}
}

struct qdev *dx_qdev_find(struct sc *c, const char *alias)
{
	size_t i;

	for (i = 0; i < c->nqdev; i++)
		if (dx_aval_is(&c->qdev[i].alias, alias))
			return &c->qdev[i];
	return NULL;
}
