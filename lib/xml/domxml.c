/* domxml: plan and apply the edits of `vfiobox domxml` (see domxml.h).
 *
 * The first pass keeps, for the few elements the edits own, a `struct node`:
 * where the element starts and ends, the whitespace before it, before its
 * first child and before its end tag, the quote its attributes use, and for
 * each rank of child (libvirt's formatting order) where the last such child
 * ends. Everything else in the document is only checked and counted. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/domxml.h"
#include "base/util.h"

#define NRANK 48
#define IND_MAX 64
#define QNAME_MAX 64
#define VAL_MAX 160
#define MAX_QDEV 64
#define MAX_PAIRS 8
#define MAX_NS 64
#define NO_RANK 255

/* ---- what the first pass keeps --------------------------------------------- */

/* Whitespace between the last markup and a tag. */
struct sep {
	unsigned char ok;	/* only whitespace, and the indentation fit */
	unsigned char nl;	/* it holds a line end */
	unsigned char len;
	char s[IND_MAX];	/* the whitespace after its last line end */
	uint64_t nl_off;	/* where that last line end starts */
};

struct node {
	int present, empty;
	uint64_t start, stag_end, end, attr_end;
	unsigned long line, col;
	char quote;		/* of its first attribute, 0 without one */
	char qname[QNAME_MAX];	/* as written, prefix included ("" if too long) */
	struct sep sep, csep, esep;
	int has_child;
	uint64_t after[NRANK];	/* end of the last child of each rank, 0 none */
	uint64_t before[NRANK];	/* where the first child of each rank's whitespace starts */
	uint64_t last_end;	/* end of the last child of any kind */
};

/* An attribute: where its raw value is and what it decodes to. */
struct aval {
	int present, fits;
	uint64_t off;
	size_t len;
	char v[VAL_MAX];
};

struct hostdev {
	struct node n;
	int pci, subsys, src_ok;
	struct vb_bdf src;
	struct node rom, addr, alias;
	struct aval rom_bar, rom_file, addr_type, addr_mf, alias_name;
	int addr_ok;
	struct vb_bdf guest;
	unsigned nth;		/* hostdevs before it that libvirt names hostdevN */
};

/* A host device some edit names (--hostdev, --subsys), and what the
 * document has for it. */
struct target {
	struct vb_bdf bdf;
	int hd, ss;		/* index in e->hostdev / e->subsys, or -1 */
	int found;
	struct hostdev h;
	char alias[VAL_MAX];	/* decided when planning */
};

struct ctrl {
	int seen;
	struct node n, target;
	struct aval model, hotplug;
};

struct argn {
	int present;
	struct node n;
	struct aval val;	/* raw range only when the value is long */
	int opt;		/* A_* when the value is one of those options */
	unsigned acpi;		/* bit i: the value is file=e->acpitable[i] */
	int lgdev, lgobj, obj_ok;
};

struct qprop {
	struct node n;
	struct aval type, value;
};

struct qdev {
	struct node n, front;
	struct aval alias;
	struct qprop prop[2];	/* x-pci-sub-vendor-id, x-pci-sub-device-id */
};

struct fwentry {
	struct node n;
	struct aval file;
	int content;
};

struct nsdecl {
	unsigned depth;
	unsigned char qemu;
	unsigned char len;
	char prefix[QNAME_MAX];
};

/* Element kinds on the paths the edits care about. */
enum {
	K_OTHER, K_DOMAIN, K_FEATURES, K_HYPERV, K_HVCHILD, K_KVM, K_HIDDEN, K_VMPORT,
	K_DEVICES, K_DEVICE, K_DEVADDR, K_HOSTDEV, K_HDSOURCE, K_HDSRCADDR, K_HDROM,
	K_HDALIAS, K_SHMEM, K_SHMODEL, K_SHSIZE, K_MEMBALLOON, K_VIDEO, K_VIDMODEL,
	K_CTRL, K_CTRLTARGET, K_SYSINFO, K_FWENTRY, K_QCMD, K_QARG, K_QOVR, K_QDEV,
	K_QFRONT, K_QPROP,
};

/* Arg kinds in qemu:commandline (the first of a pair). */
enum { A_OTHER, A_ACPI, A_DEVICE, A_OBJECT };

struct sc {
	const struct vb_dx_edits *e;
	struct vb_dx_plan *p;
	void (*list)(void *, const struct vb_bdf *);
	void *lctx;
	int listing;

	/* layout of the document */
	char nl[3];		/* first line end seen: "\n", "\r\n" or "\r"; "" none */
	char quote;		/* first attribute quote seen */
	char unit[IND_MAX];	/* one level of indentation */
	int unit_len, unit_known;

	/* per depth */
	unsigned char kind[VB_XML_MAX_DEPTH + 2];
	unsigned char rank[VB_XML_MAX_DEPTH + 2];
	struct node *nodep[VB_XML_MAX_DEPTH + 2];
	struct sep run;		/* whitespace since the last markup */
	int run_mixed, run_cr;
	uint64_t run_start;	/* where it starts: the end of that markup */

	struct nsdecl ns[MAX_NS];
	size_t nns;

	/* facts */
	struct node domain;
	char qprefix[QNAME_MAX];	/* a prefix bound to the qemu URI on <domain> */
	int qprefix_found;
	int qemu_prefix_taken;		/* xmlns:qemu on <domain> names another URI */

	struct node features, hyperv, kvm, hidden, vmport;
	struct aval hv_mode, hidden_state, vmport_state;
	struct node hv[16];
	struct aval hv_state[16], hv_extra[16];

	struct node devices;
	struct hostdev hd;		/* the <hostdev> being read */
	struct target tg[VB_DX_MAX_HOSTDEV + VB_DX_MAX_SUBSYS];
	size_t ntg;
	unsigned char hd_bus[256];	/* buses of all PCI hostdevs (guest side) */
	unsigned hd_named, if_hostdev;	/* hostdevs without a ua- alias; <interface type='hostdev'> */
	int hd_noaddr;			/* some PCI hostdev has no guest address */

	/* the current device at depth 3 (any kind): its <address> */
	char dev_name[32];
	unsigned long dev_line;
	int dev_addr_ok;
	struct vb_bdf dev_addr;
	struct aval tmp_type, tmp_name;

	/* guest address checks, one per --hostdev with @GUEST */
	int mf_need[VB_DX_MAX_HOSTDEV];
	int clash[VB_DX_MAX_HOSTDEV];
	char clash_name[VB_DX_MAX_HOSTDEV][32];
	unsigned long clash_line[VB_DX_MAX_HOSTDEV];

	struct node shmem, shmodel, shsize;
	struct aval shmodel_type, shsize_unit;
	char shsize_text[32];
	int shsize_len, shsize_bad;

	struct node memballoon;
	struct aval mb_model;

	struct node video;		/* the first <video> */
	struct node vidmodel;
	struct aval vid_type;
	int video_cur;
	struct node *video_extra;	/* the others, to delete */
	size_t nvideo_extra;

	struct ctrl ctrl[256];
	int ctrl_cur;			/* index of the <controller> being read, -1 */
	struct aval ctrl_type, ctrl_index;

	struct node sysinfo;		/* the first <sysinfo type='fwcfg'> */
	struct fwentry fw[VB_DX_MAX_FWCFG];
	int fw_found[VB_DX_MAX_FWCFG];
	int fw_cur;

	struct node qcmd;
	int prev_arg;			/* A_* of the previous qemu:arg */
	struct argn prev;		/* the previous qemu:arg */
	struct argn cur_arg;
	int acpi_found[VB_DX_MAX_ACPI];
	struct argn kdev[MAX_PAIRS][2], kobj[MAX_PAIRS][2];
	size_t nkdev, nkobj;
	int kobj_ok[MAX_PAIRS];

	struct node qovr;
	struct qdev *qdev;		/* MAX_QDEV of them */
	size_t nqdev;

	uint64_t shmem_mib;		/* --shmem, unless shmem_soft met kvmfr */
	int any_acpi;			/* some -acpitable pair is there */
	int qcmd_dangling;		/* qemu:commandline ends with an option (A_*) */
	int want_addr, want_ctrl, want_hd, want_video, want_mb, want_sh, want_fw, want_qcmd, want_qovr;

	/* plan */
	unsigned seq;
	char *scratch;			/* VAL_MAX * 32: decoded long values */
};

/* ---- small helpers ---------------------------------------------------------- */

static int sfail(struct sc *c, int code, unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int sfail(struct sc *c, int code, unsigned long line, unsigned long col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->p->msg, sizeof(c->p->msg), fmt, ap);
	va_end(ap);
	c->p->line = line;
	c->p->col = col;
	return code;
}

static void warn(struct sc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct sc *c, const char *fmt, ...)
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

static int aval_is(const struct aval *a, const char *v)
{
	return a->present && a->fits && !strcmp(a->v, v);
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

static int bdf_eq(const struct vb_bdf *a, const struct vb_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev && a->fn == b->fn;
}

static int slot_eq(const struct vb_bdf *a, const struct vb_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
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
				return sfail(c, VB_DX_EDOC, t->line, t->col, "<domain> makes the qemu namespace the "
					     "default one: libvirt reads its own elements only in no namespace");
			if (!q && plen == 4 && !memcmp(pfx, "qemu", 4))
				c->qemu_prefix_taken = 1;
		}
		if (c->nns == MAX_NS || plen >= QNAME_MAX)
			return sfail(c, VB_DX_ELIMIT, t->line, t->col, "more namespace declarations than vfiobox keeps (%d)", MAX_NS);
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

/* ---- QEMU option values: flat JSON objects and key=value lists ---------- */

/* Copy a JSON string at *sp (after the opening quote) into out; advance past
 * the closing quote. 0 or -1. */
static int json_str(const char **sp, char *out, size_t n)
{
	const char *s = *sp;
	size_t o = 0;

	while (*s && *s != '"') {
		char ch = *s++;

		if (ch == '\\') {
			ch = *s++;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case 'b': ch = '\b'; break;
			case 'f': ch = '\f'; break;
			case 'u':
				/* Only what a path or id would use: keep the
				 * escape undecoded, so it compares unequal. */
				ch = '?';
				if (strlen(s) < 4)
					return -1;
				s += 4;
				break;
			case '"': case '\\': case '/':
				break;
			default:
				return -1;
			}
		}
		if (o + 1 < n)
			out[o++] = ch;
	}
	if (*s != '"')
		return -1;
	out[o] = 0;
	*sp = s + 1;
	return 0;
}

static const char *jws(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	return s;
}

/* The value of key in a flat JSON object: strings unquoted, other scalars
 * as written. 1 found, 0 not (or not JSON). */
static int json_get(const char *s, const char *key, char *out, size_t n)
{
	char k[64];

	s = jws(s);
	if (*s++ != '{')
		return 0;
	for (;;) {
		int match;

		s = jws(s);
		if (*s == '}')
			return 0;
		if (*s++ != '"' || json_str(&s, k, sizeof(k)) < 0)
			return 0;
		match = !strcmp(k, key);
		s = jws(s);
		if (*s++ != ':')
			return 0;
		s = jws(s);
		if (*s == '"') {
			s++;
			if (json_str(&s, out, n) < 0)
				return 0;
			if (match)
				return 1;
		} else if (*s == '{' || *s == '[') {
			int depth = 0;

			do {
				if (*s == '"') {
					s++;
					if (json_str(&s, k, sizeof(k)) < 0)
						return 0;
					continue;
				}
				if (*s == '{' || *s == '[')
					depth++;
				else if (*s == '}' || *s == ']')
					depth--;
				else if (!*s)
					return 0;
				s++;
			} while (depth);
			if (match)
				return 0;
		} else {
			size_t o = 0;

			while (*s && *s != ',' && *s != '}' && *s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') {
				if (o + 1 < n)
					out[o++] = *s;
				s++;
			}
			out[o] = 0;
			if (match)
				return 1;
		}
		s = jws(s);
		if (*s == ',')
			s++;
		else if (*s != '}')
			return 0;
	}
}

/* The value of key in a QEMU option list "a,k=v,k2=v,,with comma" (the
 * first item without '=' is implied's value). 1 found, 0 not. */
static int kv_get(const char *s, const char *implied, const char *key, char *out, size_t n)
{
	int first = 1;

	while (*s) {
		char item[VAL_MAX * 4];
		size_t o = 0;
		char *eq;

		while (*s) {
			if (*s == ',') {
				if (s[1] != ',')
					break;
				s++;
			}
			if (o + 1 < sizeof(item))
				item[o++] = *s;
			s++;
		}
		item[o] = 0;
		if (*s == ',')
			s++;
		eq = strchr(item, '=');
		if (!eq) {
			if (first && implied && !strcmp(implied, key)) {
				vb_strlcpy(out, item, n);
				return 1;
			}
		} else {
			*eq = 0;
			if (!strcmp(item, key)) {
				vb_strlcpy(out, eq + 1, n);
				return 1;
			}
		}
		first = 0;
	}
	return 0;
}

/* JSON if it looks like JSON, else key=value. */
static int opt_get(const char *s, const char *implied, const char *key, char *out, size_t n)
{
	if (*jws(s) == '{')
		return json_get(s, key, out, n);
	return kv_get(s, implied, key, out, n);
}

/* A QEMU size ("67108864", "64M", "64MiB"... in key=value lists). */
static int qsize(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	case 'T': shift = 40; end++; break;
	case 'b': case 'B': end++; break;
	default: return -1;
	}
	if (*end == 'i' && end[1] == 'B')
		end += 2;
	else if (*end == 'B' && shift)
		end++;
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* A libvirt scaled integer (<size unit='M'>64</size>) in bytes. */
static int scaled(const char *num, const char *unit, uint64_t *out)
{
	static const struct { const char *u; uint64_t m; } tab[] = {
		{ "", 1 }, { "b", 1 }, { "bytes", 1 },
		{ "KB", 1000ULL }, { "k", 1024ULL }, { "K", 1024ULL }, { "KiB", 1024ULL },
		{ "MB", 1000000ULL }, { "m", 1ULL << 20 }, { "M", 1ULL << 20 }, { "MiB", 1ULL << 20 },
		{ "GB", 1000000000ULL }, { "g", 1ULL << 30 }, { "G", 1ULL << 30 }, { "GiB", 1ULL << 30 },
		{ "TB", 1000000000000ULL }, { "t", 1ULL << 40 }, { "T", 1ULL << 40 }, { "TiB", 1ULL << 40 },
	};
	unsigned long long v;
	char *end;
	size_t i;

	while (*num == ' ' || *num == '\t' || *num == '\n' || *num == '\r')
		num++;
	if (*num < '0' || *num > '9')
		return -1;
	errno = 0;
	v = strtoull(num, &end, 10);
	while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
		end++;
	if (errno || *end)
		return -1;
	for (i = 0; i < VB_ARRAY_SIZE(tab); i++)
		if (!strcmp(unit, tab[i].u)) {
			if (v > ~0ULL / tab[i].m)
				return -1;
			*out = v * tab[i].m;
			return 0;
		}
	return -1;
}

static const char *kvmfr_path(const struct vb_dx_edits *e)
{
	return e->kvmfr_path ? e->kvmfr_path : "/dev/kvmfr0";
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
	if (kv_get(v, NULL, "file", b1, sizeof(b1)))
		for (i = 0; i < e->nacpi && i < 32; i++)
			if (!strcmp(b1, e->acpitable[i]))
				a->acpi |= 1u << i;
	if (opt_get(v, "driver", "driver", b1, sizeof(b1)) && !strcmp(b1, "ivshmem-plain") &&
	    opt_get(v, "driver", "memdev", b2, sizeof(b2)) && !strcmp(b2, "looking-glass"))
		a->lgdev = 1;
	if (opt_get(v, "qom-type", "qom-type", b1, sizeof(b1)) && !strcmp(b1, "memory-backend-file") &&
	    opt_get(v, "qom-type", "id", b2, sizeof(b2)) && !strcmp(b2, "looking-glass")) {
		uint64_t size;

		a->lgobj = 1;
		a->obj_ok = e->kvmfr_mib &&
			opt_get(v, "qom-type", "mem-path", b1, sizeof(b1)) && !strcmp(b1, kvmfr_path(e)) &&
			opt_get(v, "qom-type", "size", b1, sizeof(b1)) && qsize(b1, &size) == 0 &&
			size == e->kvmfr_mib << 20 &&
			opt_get(v, "qom-type", "share", b2, sizeof(b2)) &&
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
enum { R_SYSINFO = 20, R_FEATURES = 25, R_DEVICES = 34, R_QEMU = 38, R_QCMD = 38, R_QOVR = 41 };

static const char *const feat_rank[] = {
	"acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock",
	"capabilities", "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm",
	"nested-hv", "msrs", "ccf-assist", "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown", NULL
};
enum { R_HYPERV = 6, R_KVM = 7, R_VMPORT = 11 };

static const char *const hv_rank[] = {
	"relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset",
	"vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic", NULL
};
enum { HV_SPINLOCKS = 2, HV_VENDOR = 8 };
/* The seed guide's enlightenments, in order. */
static const int hv_hide[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11 };

static const char *const kvm_rank[] = { "hidden", "hint-dedicated", "poll-control", "pv-ipi", "dirty-ring", NULL };

static const char *const dev_rank[] = {
	"emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial",
	"parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video",
	"hostdev", "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng", "panic",
	"shmem", "memory", "iommu", "vsock", "crypto", NULL
};
enum { R_CONTROLLER = 2, R_INTERFACE = 5, R_VIDEO = 16, R_HOSTDEV = 17, R_MEMBALLOON = 22, R_SHMEM = 25 };

static const char *const hd_rank[] = {
	"driver", "source", "boot", "alias", "acpi", "rom", "address", "readonly", "shareable", NULL
};
enum { R_HD_ALIAS = 3, R_HD_ROM = 5, R_HD_ADDR = 6 };

static const char *const sh_rank[] = { "model", "size", "server", "msi", "alias", "acpi", "address", NULL };
static const char *const ctrl_rank[] = { "driver", "model", "target", "alias", "acpi", "address", NULL };
enum { R_CTRL_TARGET = 2 };

static const char *const sub_vendor = "x-pci-sub-vendor-id";
static const char *const sub_device = "x-pci-sub-device-id";

static int is_device_kind(int k)
{
	return k == K_DEVICE || k == K_HOSTDEV || k == K_SHMEM || k == K_MEMBALLOON ||
	       k == K_VIDEO || k == K_CTRL;
}

/* Indentation of n itself, if known. */
static int node_ind(const struct node *n, const char **s, size_t *len)
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

	if (c->unit_known || !c->run.ok || !c->run.nl || !node_ind(parent, &pi, &pl))
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

static int on_start(struct sc *c, const struct vb_xml_tok *t, int empty)
{
	const struct vb_dx_edits *e = c->e;
	unsigned d = t->depth;
	int pk = d > 1 ? c->kind[d - 1] : -1, k = K_OTHER, r = -1, q, core, rc;
	struct node *pn = d > 1 ? c->nodep[d - 1] : NULL, *n = NULL;
	const char *ln;
	size_t ll, i;

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
	qname(c, t, &ln, &ll, &q, &core);
	if (!q && !core && !ns_bound(c, t->name, (size_t)(ln - 1 - t->name)))
		/* Declaring it later (xmlns:qemu) would change what it is. */
		return sfail(c, VB_DX_EDOC, t->line, t->col, "the prefix of <%.*s> is not declared (no xmlns:%.*s): "
			     "libvirt would refuse the document", (int)(t->name_len > 60 ? 60 : t->name_len), t->name,
			     (int)(ln - 1 - t->name > 40 ? 40 : ln - 1 - t->name), t->name);

	switch (pk) {
	case -1:
		k = K_DOMAIN;
		n = &c->domain;
		break;
	case K_DOMAIN:
		if (core) {
			r = lookup(dom_rank, ln, ll);
			if (r == R_FEATURES && !c->features.present) {
				k = K_FEATURES;
				n = &c->features;
			} else if (r == R_DEVICES && !c->devices.present) {
				k = K_DEVICES;
				n = &c->devices;
			} else if (r == R_SYSINFO && c->want_fw && !c->sysinfo.present) {
				aval_get(&c->tmp_type, t, "type");
				if (aval_is(&c->tmp_type, "fwcfg")) {
					k = K_SYSINFO;
					n = &c->sysinfo;
				}
			}
		} else if (q) {
			r = lookup(dom_qemu_rank, ln, ll);
			if (r >= 0)
				r += R_QEMU;
			if (r == R_QCMD && c->want_qcmd && !c->qcmd.present) {
				k = K_QCMD;
				n = &c->qcmd;
				c->prev_arg = A_OTHER;
				c->prev.present = 0;
			} else if (r == R_QOVR && c->want_qovr && !c->qovr.present) {
				k = K_QOVR;
				n = &c->qovr;
			}
		}
		break;
	case K_FEATURES:
		if (!core)
			break;
		r = lookup(feat_rank, ln, ll);
		if (r == R_HYPERV && !c->hyperv.present) {
			k = K_HYPERV;
			n = &c->hyperv;
			aval_get(&c->hv_mode, t, "mode");
		} else if (r == R_KVM && !c->kvm.present) {
			k = K_KVM;
			n = &c->kvm;
		} else if (r == R_VMPORT && !c->vmport.present) {
			k = K_VMPORT;
			n = &c->vmport;
			aval_get(&c->vmport_state, t, "state");
		}
		break;
	case K_HYPERV:
		if (!core)
			break;
		r = lookup(hv_rank, ln, ll);
		if (r >= 0 && !c->hv[r].present) {
			k = K_HVCHILD;
			n = &c->hv[r];
			aval_get(&c->hv_state[r], t, "state");
			c->hv_extra[r].present = 0;
			if (r == HV_SPINLOCKS)
				aval_get(&c->hv_extra[r], t, "retries");
			else if (r == HV_VENDOR)
				aval_get(&c->hv_extra[r], t, "value");
		}
		break;
	case K_KVM:
		if (!core)
			break;
		r = lookup(kvm_rank, ln, ll);
		if (r == 0 && !c->hidden.present) {
			k = K_HIDDEN;
			n = &c->hidden;
			aval_get(&c->hidden_state, t, "state");
		}
		break;
	case K_DEVICES:
		if (!core)
			break;
		r = lookup(dev_rank, ln, ll);
		c->dev_addr_ok = 0;
		if (r == R_INTERFACE && c->want_qovr) {
			/* raw: decoding every NIC's type costs 5% of the run */
			const struct vb_xml_attr *a = vb_xml_attr(t, "type");

			c->if_hostdev += a && a->val_len == 7 && !memcmp(a->val, "hostdev", 7);
		}
		k = c->want_addr ? K_DEVICE : K_OTHER;
		if (c->want_addr) {
			snprintf(c->dev_name, sizeof(c->dev_name), "%.*s", (int)(ll > 30 ? 30 : ll), ln);
			c->dev_line = t->line;
		}
		if (r == R_HOSTDEV && c->want_hd) {
			k = K_HOSTDEV;
			n = &c->hd.n;
			hostdev_reset(&c->hd);
			aval_get(&c->tmp_type, t, "type");
			c->hd.pci = aval_is(&c->tmp_type, "pci");
			aval_get(&c->tmp_type, t, "mode");
			c->hd.subsys = !c->tmp_type.present || aval_is(&c->tmp_type, "subsystem");
		} else if (r == R_SHMEM && c->want_sh) {
			aval_get(&c->tmp_name, t, "name");
			if (aval_is(&c->tmp_name, "looking-glass") && !c->shmem.present) {
				k = K_SHMEM;
				n = &c->shmem;
			}
		} else if (r == R_MEMBALLOON && c->want_mb && !c->memballoon.present) {
			k = K_MEMBALLOON;
			n = &c->memballoon;
			aval_get(&c->mb_model, t, "model");
		} else if (r == R_VIDEO && c->want_video) {
			k = K_VIDEO;
			if (!c->video.present) {
				n = &c->video;
			} else {
				if (c->nvideo_extra == VB_DX_MAX_PATCHES)
					return sfail(c, VB_DX_ELIMIT, t->line, t->col, "more than %d <video> elements",
						     VB_DX_MAX_PATCHES);
				c->video_extra = vb_xrealloc(c->video_extra, (c->nvideo_extra + 1) * sizeof(*c->video_extra));
				n = &c->video_extra[c->nvideo_extra++];
			}
			c->video_cur = n == &c->video;
		} else if (r == R_CONTROLLER && c->want_ctrl) {
			unsigned long idx;

			aval_get(&c->tmp_type, t, "type");
			aval_get(&c->ctrl_index, t, "index");
			c->ctrl_cur = -1;
			if (aval_is(&c->tmp_type, "pci") && c->ctrl_index.fits && c->ctrl_index.v[0] >= '0' &&
			    c->ctrl_index.v[0] <= '9' && vb_parse_ulong(c->ctrl_index.v, 10, 255, &idx) == 0 &&
			    !c->ctrl[idx].seen) {
				k = K_CTRL;
				c->ctrl_cur = (int)idx;
				c->ctrl[idx].seen = 1;
				n = &c->ctrl[idx].n;
				aval_get(&c->ctrl[idx].model, t, "model");
				c->ctrl[idx].target.present = 0;
				c->ctrl[idx].hotplug.present = 0;
			}
		}
		break;
	case K_DEVICE:
	case K_HOSTDEV:
	case K_SHMEM:
	case K_MEMBALLOON:
	case K_VIDEO:
	case K_CTRL:
		if (!core)
			break;
		if (lname_is(ln, ll, "address") && !c->dev_addr_ok && c->want_addr) {
			aval_get(&c->tmp_type, t, "type");
			if (aval_is(&c->tmp_type, "pci") && pci_addr(t, &c->dev_addr, NULL) == 0)
				c->dev_addr_ok = 1;
		}
		if (pk == K_HOSTDEV) {
			r = lookup(hd_rank, ln, ll);
			if (r == 1) {
				k = K_HDSOURCE;
			} else if (r == R_HD_ROM && !c->hd.rom.present) {
				k = K_HDROM;
				n = &c->hd.rom;
				aval_get(&c->hd.rom_bar, t, "bar");
				aval_get(&c->hd.rom_file, t, "file");
			} else if (r == R_HD_ALIAS && !c->hd.alias.present) {
				k = K_HDALIAS;
				n = &c->hd.alias;
				aval_get(&c->hd.alias_name, t, "name");
			} else if (r == R_HD_ADDR && !c->hd.addr.present) {
				k = K_DEVADDR;
				n = &c->hd.addr;
				aval_get(&c->hd.addr_type, t, "type");
				aval_get(&c->hd.addr_mf, t, "multifunction");
				c->hd.addr_ok = aval_is(&c->hd.addr_type, "pci") && pci_addr(t, &c->hd.guest, NULL) == 0;
			}
		} else if (pk == K_SHMEM) {
			r = lookup(sh_rank, ln, ll);
			if (r == 0 && !c->shmodel.present) {
				k = K_SHMODEL;
				n = &c->shmodel;
				aval_get(&c->shmodel_type, t, "type");
			} else if (r == 1 && !c->shsize.present) {
				k = K_SHSIZE;
				n = &c->shsize;
				aval_get(&c->shsize_unit, t, "unit");
				c->shsize_len = 0;
				c->shsize_bad = empty;
			}
		} else if (pk == K_VIDEO) {
			if (lname_is(ln, ll, "model") && c->video_cur && !c->vidmodel.present) {
				k = K_VIDMODEL;
				n = &c->vidmodel;
				aval_get(&c->vid_type, t, "type");
			}
		} else if (pk == K_CTRL) {
			struct ctrl *ct = &c->ctrl[c->ctrl_cur];

			r = lookup(ctrl_rank, ln, ll);
			if (r == R_CTRL_TARGET && !ct->target.present) {
				k = K_CTRLTARGET;
				n = &ct->target;
				aval_get(&ct->hotplug, t, "hotplug");
			}
		}
		break;
	case K_HDSOURCE:
		if (core && lname_is(ln, ll, "address") && !c->hd.src_ok)
			c->hd.src_ok = pci_addr(t, &c->hd.src, NULL) == 0;
		break;
	case K_SYSINFO:
		if (!core || !lname_is(ln, ll, "entry"))
			break;
		r = 0;
		aval_get(&c->tmp_name, t, "name");
		c->fw_cur = -1;
		for (i = 0; i < e->nfwcfg; i++)
			if (!c->fw_found[i] && aval_is(&c->tmp_name, e->fwcfg[i].name)) {
				k = K_FWENTRY;
				c->fw_cur = (int)i;
				c->fw_found[i] = 1;
				n = &c->fw[i].n;
				aval_get(&c->fw[i].file, t, "file");
				c->fw[i].content = 0;
				break;
			}
		break;
	case K_QCMD:
		if (!q)
			break;
		if (lname_is(ln, ll, "arg")) {
			const struct vb_xml_attr *a = vb_xml_attr(t, "value");
			char *v = c->scratch;

			r = 0;
			k = K_QARG;
			n = &c->cur_arg.n;
			c->cur_arg.present = 1;
			aval_get(&c->cur_arg.val, t, "value");
			if (a && vb_xml_attr_decode(a->val, a->val_len, v, VAL_MAX * 32) >= 0)
				arg_classify(c, &c->cur_arg, v);
			else
				arg_classify(c, &c->cur_arg, "");
		} else if (lname_is(ln, ll, "env")) {
			r = 1;
		}
		break;
	case K_QOVR:
		if (q && lname_is(ln, ll, "device")) {
			struct qdev *qd;

			r = 0;
			if (c->nqdev == MAX_QDEV)
				return sfail(c, VB_DX_ELIMIT, t->line, t->col, "more than %d qemu:device overrides", MAX_QDEV);
			qd = &c->qdev[c->nqdev];
			aval_get(&qd->alias, t, "alias");
			qd->front.present = 0;
			qd->prop[0].n.present = qd->prop[1].n.present = 0;
			k = K_QDEV;
			n = &qd->n;
		}
		break;
	case K_QDEV:
		if (q && lname_is(ln, ll, "frontend") && !c->qdev[c->nqdev].front.present) {
			r = 0;
			k = K_QFRONT;
			n = &c->qdev[c->nqdev].front;
		}
		break;
	case K_QFRONT:
		if (q && lname_is(ln, ll, "property")) {
			struct qdev *qd = &c->qdev[c->nqdev];
			int w;

			r = 0;
			aval_get(&c->tmp_name, t, "name");
			w = aval_is(&c->tmp_name, sub_vendor) ? 0 : aval_is(&c->tmp_name, sub_device) ? 1 : -1;
			if (w >= 0 && !qd->prop[w].n.present) {
				k = K_QPROP;
				n = &qd->prop[w].n;
				aval_get(&qd->prop[w].type, t, "type");
				aval_get(&qd->prop[w].value, t, "value");
			}
		}
		break;
	default:
		break;
	}

	if (pn) {
		if (!pn->has_child) {
			pn->has_child = 1;
			pn->csep = c->run;
			learn_unit(c, pn);
		}
		if (r >= 0 && r < NRANK && !pn->before[r])
			pn->before[r] = c->run_start;
	}
	c->kind[d] = (unsigned char)k;
	c->rank[d] = (unsigned char)(r >= 0 && r < NRANK ? r : NO_RANK);
	c->nodep[d] = n;
	if (n)
		node_start(c, n, t, empty);
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
			if (e->hostdev[j].has_guest && bdf_eq(&c->hd.src, &e->hostdev[j].src))
				return;		/* it moves to the address asked for */
	for (i = 0; i < e->nhostdev; i++) {
		const struct vb_dx_hostdev *h = &e->hostdev[i];

		if (!h->has_guest)
			continue;
		if (kind == K_HOSTDEV && c->hd.src_ok && bdf_eq(&c->hd.src, &h->src))
			continue;
		if (bdf_eq(&c->dev_addr, &h->guest) && !c->clash[i]) {
			c->clash[i] = 1;
			snprintf(c->clash_name[i], sizeof(c->clash_name[i]), "%s", c->dev_name);
			c->clash_line[i] = c->dev_line;
		}
		if (slot_eq(&c->dev_addr, &h->guest) && c->dev_addr.fn && !h->guest.fn)
			c->mf_need[i] = 1;
	}
}

static void hostdev_end(struct sc *c)
{
	struct hostdev *h = &c->hd;
	size_t i;

	/* libvirt names the hostdevs without a user alias hostdev0, 1...
	 * in document order, after the <interface type='hostdev'> ones. */
	h->nth = c->hd_named;
	if (!(h->alias.present && !strncmp(h->alias_name.v, "ua-", 3)))
		c->hd_named++;
	if (!h->pci || !h->subsys || !h->src_ok)
		return;
	if (c->list)
		c->list(c->lctx, &h->src);
	if (h->addr_ok)
		c->hd_bus[h->guest.bus] = 1;
	else
		c->hd_noaddr = 1;
	for (i = 0; i < c->ntg; i++)
		if (!c->tg[i].found && bdf_eq(&c->tg[i].bdf, &h->src)) {
			c->tg[i].found = 1;
			c->tg[i].h = *h;
			break;
		}
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
	int k = c->kind[d];
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
		hostdev_end(c);
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
	return sfail(c, VB_DX_EXML, x->err_line, x->err_col, "%s", vb_xml_error(x));
}

/* Read the whole document. */
static int scan(struct sc *c, struct vb_xml *x)
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

/* ---- generating text ---------------------------------------------------------- */

struct gen {
	char *b;
	size_t len, cap;
};

static void gput(struct gen *g, const char *s, size_t n)
{
	if (g->len + n + 1 > g->cap) {
		g->cap = (g->len + n + 1) * 2 + 64;
		g->b = vb_xrealloc(g->b, g->cap);
	}
	memcpy(g->b + g->len, s, n);
	g->len += n;
	g->b[g->len] = 0;
}

static void gs(struct gen *g, const char *s)
{
	gput(g, s, strlen(s));
}

static void gf(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gf(struct gen *g, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gput(g, buf, n < 0 ? 0 : (size_t)n >= sizeof(buf) ? sizeof(buf) - 1 : (size_t)n);
}

/* Layout of a run of sibling lines. */
struct lay {
	int flat;			/* no line ends: siblings are written inline */
	char ind[IND_MAX * 2 + 1];	/* indentation of the siblings */
};

static char doc_quote(const struct sc *c)
{
	return c->quote ? c->quote : '\'';
}

/* The start of a line at level k below the siblings. */
static void lp(const struct sc *c, struct gen *g, const struct lay *L, int k)
{
	int i;

	if (L->flat) {
		if (k == 0)
			gs(g, L->ind);
		return;
	}
	gs(g, c->nl[0] ? c->nl : "\n");
	gs(g, L->ind);
	for (i = 0; i < k; i++)
		gput(g, c->unit, (size_t)c->unit_len);
}

/* " name='value'" with the value escaped (vb_dx_check_edits refused values
 * that cannot be written: control characters, invalid UTF-8). */
static void gattr(const struct sc *c, struct gen *g, char q, const char *name, const char *val)
{
	char esc[VAL_MAX * 6 + 64];

	(void)c;
	if (vb_xml_escape(val, esc, sizeof(esc)) < 0)
		esc[0] = 0;
	gf(g, " %s=%c", name, q);
	gs(g, esc);
	gput(g, &q, 1);
}

/* <name attr='val'/>, or <name attr='val'> when open */
static void g_el(const struct sc *c, struct gen *g, const char *name, const char *attr, const char *val, int open)
{
	gf(g, "<%s", name);
	gattr(c, g, doc_quote(c), attr, val);
	gs(g, open ? ">" : "/>");
}

static void lay_set(struct lay *L, int flat, const char *ind, size_t len, const struct sc *c, int plus)
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
static void child_lay(const struct sc *c, const struct node *n, struct lay *L)
{
	const char *s;
	size_t len;

	if (n->has_child && n->csep.ok)
		lay_set(L, !n->csep.nl, n->csep.s, n->csep.len, c, 0);
	else if (!c->nl[0])
		lay_set(L, 1, "", 0, c, 0);
	else if (node_ind(n, &s, &len))
		lay_set(L, 0, s, len, c, 1);
	else
		lay_set(L, 0, "", 0, c, 1);
}

/* Layout of n among its siblings (for replacing n). */
static void self_lay(const struct sc *c, const struct node *n, const struct node *parent, struct lay *L)
{
	if (n->sep.ok && n->sep.nl)
		lay_set(L, 0, n->sep.s, n->sep.len, c, 0);
	else if (!c->nl[0] || (n->sep.ok && !n->sep.nl && n->col != 1))
		lay_set(L, 1, "", 0, c, 0);
	else
		child_lay(c, parent, L);
}

/* ---- patches ------------------------------------------------------------------ */

static int patch(struct sc *c, uint64_t off, uint64_t del, struct gen *g)
{
	struct vb_dx_plan *p = c->p;
	struct vb_dx_patch *pt;

	if (p->npatches == VB_DX_MAX_PATCHES) {
		free(g->b);
		g->b = NULL;
		return sfail(c, VB_DX_ELIMIT, 0, 0, "more than %d changes in one run", VB_DX_MAX_PATCHES);
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

	if (aval_is(a, val))
		return 0;
	if (a->present) {
		if (vb_xml_escape(val, esc, sizeof(esc)) < 0)
			return sfail(c, VB_DX_EDOC, n->line, n->col, "cannot write %s", name);
		gs(&g, esc);
		return patch(c, a->off, a->len, &g);
	}
	gattr(c, &g, n->quote ? n->quote : doc_quote(c), name, val);
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
	child_lay(c, n, &B->L);
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
	if (node_ind(n, &s, &len))
		lay_set(&PL, B->L.flat, s, len, c, 0);
	else
		lay_set(&PL, B->L.flat, "", 0, c, 0);
	if (PL.flat)
		PL.ind[0] = 0;
	if (n->empty && B->off == n->end - 2) {
		if (!n->qname[0]) {
			free(B->g.b);
			return sfail(c, VB_DX_ELIMIT, n->line, n->col, "element name too long to add children to");
		}
		gs(&out, ">");
		gput(&out, B->g.b, B->g.len);
		lp(c, &out, &PL, 0);
		gf(&out, "</%s>", n->qname);
		free(B->g.b);
		B->g.b = NULL;
		B->g.len = B->g.cap = 0;
		return patch(c, B->off, 2, &out);
	}
	if (!n->has_child && B->off == n->stag_end && !n->esep.nl && !B->L.flat)
		lp(c, &B->g, &PL, 0);
	r = patch(c, B->off, 0, &B->g);
	return r;
}

/* The text to insert a child of this rank: the caller appends to it,
 * starting with lp(L, 0). */
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

/* ---- the elements ------------------------------------------------------------- */

/* prefix:name, or name when the prefix is "". */
static void qn(char *out, size_t n, const char *prefix, const char *name)
{
	snprintf(out, n, "%s%s%s", prefix, *prefix ? ":" : "", name);
}

static void g_hvchild(struct sc *c, struct gen *g, int i)
{
	const struct vb_dx_edits *e = c->e;
	char q = doc_quote(c);

	gf(g, "<%s", hv_rank[i]);
	gattr(c, g, q, "state", "on");
	if (i == HV_SPINLOCKS)
		gattr(c, g, q, "retries", "8191");
	if (i == HV_VENDOR)
		gattr(c, g, q, "value", e->vendor_id ? e->vendor_id : "GenuineIntel");
	gs(g, "/>");
}

/* The hyperv children the edits want, in order; count returned. */
static size_t hv_wanted(const struct vb_dx_edits *e, int *out)
{
	size_t n = 0, i;

	if (e->hide_vm)
		for (i = 0; i < VB_ARRAY_SIZE(hv_hide); i++)
			out[n++] = hv_hide[i];
	else if (e->vendor_id)
		out[n++] = HV_VENDOR;
	return n;
}

static void g_hyperv(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	int want[16];
	size_t n = hv_wanted(c->e, want), i;

	g_el(c, g, "hyperv", "mode", "custom", 1);
	for (i = 0; i < n; i++) {
		lp(c, g, L, lvl + 1);
		g_hvchild(c, g, want[i]);
	}
	lp(c, g, L, lvl);
	gs(g, "</hyperv>");
}

/* <outer><inner attr='val'/></outer> */
static void g_wrap(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *outer,
		   const char *inner, const char *attr, const char *val)
{
	gf(g, "<%s>", outer);
	lp(c, g, L, lvl + 1);
	g_el(c, g, inner, attr, val, 0);
	lp(c, g, L, lvl);
	gf(g, "</%s>", outer);
}

static void hex_attr(const struct sc *c, struct gen *g, const char *name, const char *fmt, unsigned v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), fmt, v);
	gattr(c, g, doc_quote(c), name, buf);
}

static void g_pciaddr(struct sc *c, struct gen *g, const struct vb_bdf *b, int guest, int mf)
{
	gs(g, "<address");
	if (guest)
		gattr(c, g, doc_quote(c), "type", "pci");
	hex_attr(c, g, "domain", "0x%04x", b->domain);
	hex_attr(c, g, "bus", "0x%02x", b->bus);
	hex_attr(c, g, "slot", "0x%02x", b->dev);
	hex_attr(c, g, "function", "0x%x", b->fn);
	if (mf)
		gattr(c, g, doc_quote(c), "multifunction", "on");
	gs(g, "/>");
}

static void g_rom(struct sc *c, struct gen *g, const struct vb_dx_hostdev *h)
{
	int off = h->rom == VB_DX_ROM_OFF;

	g_el(c, g, "rom", off ? "bar" : "file", off ? "off" : h->rom_file, 0);
}

static void g_alias(struct sc *c, struct gen *g, const char *alias)
{
	g_el(c, g, "alias", "name", alias, 0);
}

/* mf wanted on the guest address of --hostdev i */
static int want_mf(const struct sc *c, size_t i)
{
	return c->e->hostdev[i].has_guest && c->mf_need[i];
}

static void g_hostdev(struct sc *c, struct gen *g, const struct lay *L, int lvl, const struct target *tg)
{
	const struct vb_dx_hostdev *h = tg->hd >= 0 ? &c->e->hostdev[tg->hd] : NULL;
	char q = doc_quote(c);

	gs(g, "<hostdev");
	gattr(c, g, q, "mode", "subsystem");
	gattr(c, g, q, "type", "pci");
	gattr(c, g, q, "managed", "yes");
	gs(g, ">");
	lp(c, g, L, lvl + 1);
	gs(g, "<source>");
	lp(c, g, L, lvl + 2);
	g_pciaddr(c, g, &tg->bdf, 0, 0);
	lp(c, g, L, lvl + 1);
	gs(g, "</source>");
	if (tg->ss >= 0) {
		lp(c, g, L, lvl + 1);
		g_alias(c, g, tg->alias);
	}
	if (h && h->rom != VB_DX_ROM_KEEP) {
		lp(c, g, L, lvl + 1);
		g_rom(c, g, h);
	}
	if (h && h->has_guest) {
		lp(c, g, L, lvl + 1);
		g_pciaddr(c, g, &h->guest, 1, want_mf(c, (size_t)tg->hd));
	}
	lp(c, g, L, lvl);
	gs(g, "</hostdev>");
}

static void g_shmodel(struct sc *c, struct gen *g)
{
	g_el(c, g, "model", "type", "ivshmem-plain", 0);
}

static void g_shsize(struct sc *c, struct gen *g)
{
	g_el(c, g, "size", "unit", "M", 1);
	gf(g, "%llu</size>", (unsigned long long)c->shmem_mib);
}

static void g_shmem(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	g_el(c, g, "shmem", "name", "looking-glass", 1);
	lp(c, g, L, lvl + 1);
	g_shmodel(c, g);
	lp(c, g, L, lvl + 1);
	g_shsize(c, g);
	lp(c, g, L, lvl);
	gs(g, "</shmem>");
}

static void g_memballoon(struct sc *c, struct gen *g)
{
	g_el(c, g, "memballoon", "model", "none", 0);
}

static void g_video(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	g_wrap(c, g, L, lvl, "video", "model", "type", "none");
}

static void g_fwentry(struct sc *c, struct gen *g, const struct vb_dx_fwcfg *f)
{
	gs(g, "<entry");
	gattr(c, g, doc_quote(c), "name", f->name);
	gattr(c, g, doc_quote(c), "file", f->file);
	gs(g, "/>");
}

/* One qemu:arg. */
static void g_arg(struct sc *c, struct gen *g, const char *pfx, const char *val)
{
	char name[QNAME_MAX + 8];

	qn(name, sizeof(name), pfx, "arg");
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

static void kvmfr_object(const struct sc *c, char *out, size_t n)
{
	char path[VAL_MAX * 6];

	json_escape(kvmfr_path(c->e), path, sizeof(path));
	snprintf(out, n, "{\"qom-type\":\"memory-backend-file\",\"id\":\"looking-glass\",\"mem-path\":\"%s\","
		 "\"size\":%llu,\"share\":true}", path, (unsigned long long)(c->e->kvmfr_mib << 20));
}

static const char kvmfr_device[] = "{\"driver\":\"ivshmem-plain\",\"id\":\"shmem0\",\"memdev\":\"looking-glass\"}";

/* The qemu:arg pairs the edits still need, at level lvl. */
static void g_args(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx)
{
	const struct vb_dx_edits *e = c->e;
	char buf[VAL_MAX * 8];
	size_t i;

	if (e->kvmfr_mib && !c->nkdev) {
		lp(c, g, L, lvl);
		g_arg(c, g, pfx, "-device");
		lp(c, g, L, lvl);
		g_arg(c, g, pfx, kvmfr_device);
	}
	if (e->kvmfr_mib && !c->nkobj) {
		kvmfr_object(c, buf, sizeof(buf));
		lp(c, g, L, lvl);
		g_arg(c, g, pfx, "-object");
		lp(c, g, L, lvl);
		g_arg(c, g, pfx, buf);
	}
	for (i = 0; i < e->nacpi; i++) {
		char esc[VAL_MAX * 4];

		if (c->acpi_found[i])
			continue;
		qemu_escape(e->acpitable[i], esc, sizeof(esc));
		snprintf(buf, sizeof(buf), "file=%s", esc);
		lp(c, g, L, lvl);
		g_arg(c, g, pfx, "-acpitable");
		lp(c, g, L, lvl);
		g_arg(c, g, pfx, buf);
	}
}

static int args_needed(const struct sc *c)
{
	size_t i;

	if (c->e->kvmfr_mib && (!c->nkdev || !c->nkobj))
		return 1;
	for (i = 0; i < c->e->nacpi; i++)
		if (!c->acpi_found[i])
			return 1;
	return 0;
}

static void g_prop(struct sc *c, struct gen *g, const char *pfx, const char *name, unsigned v)
{
	char el[QNAME_MAX + 16], num[16];

	qn(el, sizeof(el), pfx, "property");
	snprintf(num, sizeof(num), "%u", v);
	gf(g, "<%s", el);
	gattr(c, g, doc_quote(c), "name", name);
	gattr(c, g, doc_quote(c), "type", "unsigned");
	gattr(c, g, doc_quote(c), "value", num);
	gs(g, "/>");
}

static void g_frontend(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx,
		       const struct vb_dx_subsys *s)
{
	char el[QNAME_MAX + 16];

	qn(el, sizeof(el), pfx, "frontend");
	gf(g, "<%s>", el);
	lp(c, g, L, lvl + 1);
	g_prop(c, g, pfx, sub_vendor, s->svid);
	lp(c, g, L, lvl + 1);
	g_prop(c, g, pfx, sub_device, s->sdid);
	lp(c, g, L, lvl);
	gf(g, "</%s>", el);
}

static void g_qdevice(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx,
		      const struct target *tg)
{
	char el[QNAME_MAX + 16];

	qn(el, sizeof(el), pfx, "device");
	g_el(c, g, el, "alias", tg->alias, 1);
	lp(c, g, L, lvl + 1);
	g_frontend(c, g, L, lvl + 1, pfx, &c->e->subsys[tg->ss]);
	lp(c, g, L, lvl);
	gf(g, "</%s>", el);
}

static struct qdev *qdev_find(struct sc *c, const char *alias)
{
	size_t i;

	for (i = 0; i < c->nqdev; i++)
		if (aval_is(&c->qdev[i].alias, alias))
			return &c->qdev[i];
	return NULL;
}

/* Subsys targets whose qemu:device is missing. */
static int qdevs_needed(struct sc *c)
{
	size_t i;

	for (i = 0; i < c->ntg; i++)
		if (c->tg[i].ss >= 0 && !qdev_find(c, c->tg[i].alias))
			return 1;
	return 0;
}

static void g_qdevices(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx)
{
	size_t i;

	for (i = 0; i < c->ntg; i++)
		if (c->tg[i].ss >= 0 && !qdev_find(c, c->tg[i].alias)) {
			lp(c, g, L, lvl);
			g_qdevice(c, g, L, lvl, pfx, &c->tg[i]);
		}
}

/* ---- planning ------------------------------------------------------------------ */

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
	return aval_is(&ct->model, "pcie-root-port") || aval_is(&ct->model, "pcie-switch-downstream-port");
}

static void g_features(struct sc *c, struct gen *g, const struct lay *L, int lvl)
{
	const struct vb_dx_edits *e = c->e;

	gs(g, "<features>");
	if (e->hide_vm || e->vendor_id) {
		lp(c, g, L, lvl + 1);
		g_hyperv(c, g, L, lvl + 1);
	}
	if (e->hide_vm) {
		lp(c, g, L, lvl + 1);
		g_wrap(c, g, L, lvl + 1, "kvm", "hidden", "state", "on");
		lp(c, g, L, lvl + 1);
		g_el(c, g, "vmport", "state", "off", 0);
	}
	lp(c, g, L, lvl);
	gs(g, "</features>");
}

/* New children of <devices>, in libvirt's order; 1 if any. */
static int g_devchildren(struct sc *c, struct gen *g, const struct lay *L, int lvl, struct batch *B)
{
	const struct vb_dx_edits *e = c->e;
	size_t i;
	int any = 0;

#define AT(rank) do { if (B) g = b_at(B, rank); lp(c, g, L, lvl); any = 1; } while (0)
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
	size_t n = hv_wanted(e, want), i;
	struct batch B;

	if (c->hv_mode.present && !aval_is(&c->hv_mode, "custom") &&
	    (r = set_attr(c, &c->hyperv, &c->hv_mode, "mode", "custom")) < 0)
		return r;
	b_begin(&B, c, &c->hyperv);
	for (i = 0; i < n && r == 0; i++) {
		int k = want[i];
		const struct node *h = &c->hv[k];

		if (!h->present) {
			struct gen *g = b_at(&B, k);

			lp(c, g, &B.L, 0);
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
		lp(c, g, &B.L, 0);
		g_hyperv(c, g, &B.L, 0);
	}
	if (e->hide_vm && !c->kvm.present) {
		g = b_at(&B, R_KVM);
		lp(c, g, &B.L, 0);
		g_wrap(c, g, &B.L, 0, "kvm", "hidden", "state", "on");
	}
	if (e->hide_vm && !c->vmport.present) {
		g = b_at(&B, R_VMPORT);
		lp(c, g, &B.L, 0);
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
			lp(c, g, &B.L, 0);
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
			lp(c, g, &B.L, 0);
			g_alias(c, g, tg->alias);
		}
	}
	if (r == 0 && h && h->rom != VB_DX_ROM_KEEP) {
		int ok = d->rom.present && (h->rom == VB_DX_ROM_OFF ? aval_is(&d->rom_bar, "off") :
					    aval_is(&d->rom_file, h->rom_file) && !aval_is(&d->rom_bar, "off"));

		if (!ok && d->rom.present) {
			g_rom(c, &rg, h);
			r = replace_node(c, &d->rom, &rg);
		} else if (!ok) {
			g = b_at(&B, R_HD_ROM);
			lp(c, g, &B.L, 0);
			g_rom(c, g, h);
		}
	}
	if (r == 0 && h && h->has_guest) {
		int mf = want_mf(c, (size_t)tg->hd);
		int ok = d->addr_ok && bdf_eq(&d->guest, &h->guest) && (!mf || aval_is(&d->addr_mf, "on"));

		if (!ok && d->addr.present) {
			g_pciaddr(c, &rg, &h->guest, 1, mf);
			r = replace_node(c, &d->addr, &rg);
		} else if (!ok) {
			g = b_at(&B, R_HD_ADDR);
			lp(c, g, &B.L, 0);
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

			lp(c, gg, &B.L, 0);
			g_shmodel(c, gg);
		} else if (!aval_is(&c->shmodel_type, "ivshmem-plain")) {
			g_shmodel(c, &g);
			if ((r = replace_node(c, &c->shmodel, &g)) < 0)
				return b_end(&B), r;
		}
		ok = c->shsize.present && !c->shsize_bad &&
		     scaled(c->shsize_text, c->shsize_unit.present ? (c->shsize_unit.fits ? c->shsize_unit.v : "?") : "",
			    &have) == 0 && have == c->shmem_mib << 20;
		if (!ok) {
			struct gen *gg = c->shsize.present ? &g : b_at(&B, 1);

			if (!c->shsize.present)
				lp(c, gg, &B.L, 0);
			g_shsize(c, gg);
			if (c->shsize.present && (r = replace_node(c, &c->shsize, &g)) < 0)
				return b_end(&B), r;
		}
		if ((r = b_end(&B)) < 0)
			return r;
	}
	if (e->kvmfr_mib && c->shmem.present && (r = del_node(c, &c->shmem)) < 0)
		return r;
	if (e->no_memballoon && c->memballoon.present && !aval_is(&c->mb_model, "none")) {
		g_memballoon(c, &g);
		if ((r = replace_node(c, &c->memballoon, &g)) < 0)
			return r;
	}
	if (e->video_none && c->video.present) {
		if (!(c->vidmodel.present && aval_is(&c->vid_type, "none"))) {
			self_lay(c, &c->video, &c->devices, &L);
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
			return sfail(c, VB_DX_EDOC, 0, 0, "--hotplug-off=%u: no <controller type='pci' index='%u'> "
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
					warn(c, "--hotplug-off: the hostdev for %s has no guest address yet (libvirt "
					     "assigns one at define time): run again after defining the domain, or "
					     "give --hostdev=%s@GUEST_BDF", a, a);
				}
			}
		} else {
			memcpy(implicit, c->hd_bus, sizeof(implicit));
			if (c->hd_noaddr)
				warn(c, "--hotplug-off: a PCI hostdev has no guest address yet (libvirt assigns "
				     "one at define time): run again after defining the domain");
		}
		for (b = 0; b < 256; b++) {
			if (!implicit[b])
				continue;
			if (b == 0)
				warn(c, "--hotplug-off: a hostdev sits on the root bus (0): it is not hot-pluggable anyway");
			else if (!c->ctrl[b].seen)
				warn(c, "--hotplug-off: no <controller type='pci' index='%u'> in the XML yet (libvirt "
				     "adds it at define time): run again after defining the domain", b);
			else if (!is_port(&c->ctrl[b]))
				warn(c, "--hotplug-off: controller %u is a %s, not a pcie-root-port: left alone", b,
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
			lp(c, g, &B.L, 0);
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
			if (!aval_is(&c->fw[i].file, e->fwcfg[i].file) || c->fw[i].content) {
				struct gen g = { 0 };

				g_fwentry(c, &g, &e->fwcfg[i]);
				r = replace_node(c, &c->fw[i].n, &g);
			}
		} else {
			struct gen *g = b_at(&B, 0);

			lp(c, g, &B.L, 0);
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
		kvmfr_object(c, buf, sizeof(buf));
		if ((r = set_attr(c, &c->kobj[0][1].n, &c->kobj[0][1].val, "value", buf)) < 0)
			return r;
	}
	if (c->qcmd.present && args_needed(c)) {
		if (c->qcmd_dangling)
			return sfail(c, VB_DX_EDOC, c->qcmd.line, c->qcmd.col, "qemu:commandline ends with %s and "
				     "no value for it: QEMU would not start; fix that first",
				     c->qcmd_dangling == A_ACPI ? "-acpitable" : c->qcmd_dangling == A_DEVICE ?
				     "-device" : "-object");
		prefix_of(&c->qcmd, pfx, sizeof(pfx));
		b_begin(&B, c, &c->qcmd);
		g_args(c, b_at(&B, 0), &B.L, 0, pfx);
		if ((r = b_end(&B)) < 0)
			return r;
	}
	if (c->qovr.present && qdevs_needed(c)) {
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

		if (tg->ss < 0 || !(qd = qdev_find(c, tg->alias)))
			continue;
		s = &e->subsys[tg->ss];
		prefix_of(&qd->n, pfx, sizeof(pfx));
		if (!qd->front.present) {
			b_begin(&B, c, &qd->n);
			{
				struct gen *g = b_at(&B, 0);

				lp(c, g, &B.L, 0);
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
				if (!(aval_is(&pr->type, "unsigned") && pr->value.fits &&
				      vb_parse_ulong(pr->value.v, 10, 0xffffffffUL, &have) == 0 && have == want &&
				      pr->value.v[0] >= '0' && pr->value.v[0] <= '9')) {
					struct gen g = { 0 };
					int rr;

					g_prop(c, &g, pfx, r ? sub_device : sub_vendor, want);
					if ((rr = replace_node(c, &pr->n, &g)) < 0)
						return b_end(&B), rr;
				}
			} else {
				struct gen *g = b_at(&B, 0);

				lp(c, g, &B.L, 0);
				g_prop(c, g, pfx, r ? sub_device : sub_vendor, want);
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
		lp(c, g, &B.L, 0);
		g_el(c, g, "sysinfo", "type", "fwcfg", 1);
		for (i = 0; i < e->nfwcfg; i++) {
			lp(c, g, &B.L, 1);
			g_fwentry(c, g, &e->fwcfg[i]);
		}
		lp(c, g, &B.L, 0);
		gs(g, "</sysinfo>");
	}
	if ((e->hide_vm || e->vendor_id) && !c->features.present) {
		g = b_at(&B, R_FEATURES);
		lp(c, g, &B.L, 0);
		g_features(c, g, &B.L, 0);
	}
	if (!c->devices.present) {
		lay_set(&L, B.L.flat, B.L.ind, strlen(B.L.ind), c, 1);
		if (g_devchildren(c, &tmp, &L, 0, NULL)) {
			g = b_at(&B, R_DEVICES);
			lp(c, g, &B.L, 0);
			gs(g, "<devices>");
			gput(g, tmp.b, tmp.len);
			lp(c, g, &B.L, 0);
			gs(g, "</devices>");
		}
		free(tmp.b);
	}
	if (!c->qcmd.present && args_needed(c)) {
		g = b_at(&B, R_QCMD);
		lp(c, g, &B.L, 0);
		qn(el, sizeof(el), pfx, "commandline");
		gf(g, "<%s>", el);
		lay_set(&L, B.L.flat, B.L.ind, strlen(B.L.ind), c, 1);
		g_args(c, g, &L, 0, pfx);
		lp(c, g, &B.L, 0);
		gf(g, "</%s>", el);
		newq = 1;
	}
	if (!c->qovr.present && qdevs_needed(c)) {
		g = b_at(&B, R_QOVR);
		lp(c, g, &B.L, 0);
		qn(el, sizeof(el), pfx, "override");
		gf(g, "<%s>", el);
		lay_set(&L, B.L.flat, B.L.ind, strlen(B.L.ind), c, 1);
		g_qdevices(c, g, &L, 0, pfx);
		lp(c, g, &B.L, 0);
		gf(g, "</%s>", el);
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
				if (!qdev_find(c, tg->alias))
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
			return sfail(c, VB_DX_EDOC, 0, 0, "--subsys=%s: the domain has no <hostdev> for %s "
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
			return sfail(c, VB_DX_EDOC, c->clash_line[i], 0, "--hostdev=%s@%s: guest address %s is "
				     "already used by the <%s> at line %lu (remove its <address> to let libvirt "
				     "place it elsewhere)", a, g, g, c->clash_name[i], c->clash_line[i]);
		for (j = 0; j < e->nhostdev; j++)
			if (j != i && e->hostdev[j].has_guest && slot_eq(&e->hostdev[j].guest, &h->guest) &&
			    e->hostdev[j].guest.fn && !h->guest.fn)
				c->mf_need[i] = 1;
	}
	return 0;
}

/* ---- the API ---------------------------------------------------------------------- */

static int valid_text(const char *s)
{
	char buf[4096];

	return strlen(s) < 1024 && vb_xml_escape(s, buf, sizeof(buf)) >= 0 && !strpbrk(s, "\t\n\r");
}

static const char *check_path(const char *what, const char *p, char *msg, size_t n)
{
	if (!p || p[0] != '/') {
		snprintf(msg, n, "%s: '%s' is not an absolute path (QEMU runs in another directory)", what, p ? p : "");
		return msg;
	}
	if (!valid_text(p)) {
		snprintf(msg, n, "%s: the path has control characters or invalid UTF-8", what);
		return msg;
	}
	return NULL;
}

const char *vb_dx_check_edits(const struct vb_dx_edits *e)
{
	static char msg[256];
	char a[VB_BDF_LEN], b[VB_BDF_LEN];
	const char *m;
	size_t i, j;

	if (e->vendor_id) {
		size_t n = strlen(e->vendor_id);

		if (!n || n > 12)
			return "--vendor-id: 1 to 12 characters";
		for (i = 0; i < n; i++)
			if (e->vendor_id[i] < 0x20 || e->vendor_id[i] > 0x7e || e->vendor_id[i] == ',')
				return "--vendor-id: printable ASCII without a comma";
	}
	if (e->nhostdev > VB_DX_MAX_HOSTDEV || e->nacpi > VB_DX_MAX_ACPI || e->nsubsys > VB_DX_MAX_SUBSYS ||
	    e->nfwcfg > VB_DX_MAX_FWCFG || e->nhotplug_bus > VB_DX_MAX_BUS)
		return "too many repeated options";
	for (i = 0; i < e->nhostdev; i++) {
		const struct vb_dx_hostdev *h = &e->hostdev[i];

		vb_bdf_format(&h->src, a);
		if (h->rom == VB_DX_ROM_FILE && (m = check_path("--rom", h->rom_file, msg, sizeof(msg))))
			return m;
		if (h->has_guest && (h->guest.bus > 255 || h->guest.dev > 31 || h->guest.fn > 7)) {
			snprintf(msg, sizeof(msg), "--hostdev=%s@...: bad guest address", a);
			return msg;
		}
		for (j = 0; j < i; j++) {
			if (bdf_eq(&e->hostdev[j].src, &h->src)) {
				snprintf(msg, sizeof(msg), "--hostdev=%s given twice", a);
				return msg;
			}
			if (h->has_guest && e->hostdev[j].has_guest && bdf_eq(&e->hostdev[j].guest, &h->guest)) {
				vb_bdf_format(&h->guest, b);
				snprintf(msg, sizeof(msg), "two --hostdev options want guest address %s", b);
				return msg;
			}
		}
	}
	if (e->shmem_mib && e->kvmfr_mib)
		return "--shmem and --kvmfr exclude each other (kvmfr replaces the <shmem> device)";
	for (i = 0; i < 2; i++) {
		uint64_t v = i ? e->kvmfr_mib : e->shmem_mib;

		if (v && (v & (v - 1) || v > (1u << 20))) {
			snprintf(msg, sizeof(msg), "%s: %llu MiB is not a power of two up to 1 TiB (a PCI BAR is "
				 "a power of two)", i ? "--kvmfr" : "--shmem", (unsigned long long)v);
			return msg;
		}
	}
	if (e->kvmfr_path && (m = check_path("--kvmfr path", e->kvmfr_path, msg, sizeof(msg))))
		return m;
	for (i = 0; i < e->nacpi; i++) {
		if ((m = check_path("--acpitable", e->acpitable[i], msg, sizeof(msg))))
			return m;
		if (strchr(e->acpitable[i], ':'))
			return "--acpitable: QEMU reads ':' in file= as a list separator: rename the file";
	}
	for (i = 0; i < e->nsubsys; i++) {
		vb_bdf_format(&e->subsys[i].bdf, a);
		if (e->subsys[i].svid > 0xffff || e->subsys[i].sdid > 0xffff) {
			snprintf(msg, sizeof(msg), "--subsys=%s: ids are 16-bit", a);
			return msg;
		}
		for (j = 0; j < i; j++)
			if (bdf_eq(&e->subsys[j].bdf, &e->subsys[i].bdf)) {
				snprintf(msg, sizeof(msg), "--subsys=%s given twice", a);
				return msg;
			}
	}
	for (i = 0; i < e->nfwcfg; i++) {
		const char *n = e->fwcfg[i].name;

		if (strncmp(n, "opt/", 4) || strlen(n) > 55 || strlen(n) < 5 ||
		    strspn(n, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/") != strlen(n))
			return "--rom-fwcfg: NAME must start with opt/, be at most 55 characters, and use "
			       "only letters, digits and . _ - /";
		if ((m = check_path("--rom-fwcfg", e->fwcfg[i].file, msg, sizeof(msg))))
			return m;
		for (j = 0; j < i; j++)
			if (!strcmp(e->fwcfg[j].name, n))
				return "--rom-fwcfg: the same NAME twice";
	}
	for (i = 0; i < e->nhotplug_bus; i++)
		if (e->hotplug_bus[i] > 255)
			return "--hotplug-off: BUS is 0 to 255";
	return NULL;
}

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
			if (bdf_eq(&c->tg[j].bdf, &e->subsys[i].bdf))
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
	size_t i;
	int r;

	r = scan(c, x);
	if (r == 0) {
		if (!c->unit_known) {
			memcpy(c->unit, "  ", 2);
			c->unit_len = 2;
		}
		c->shmem_mib = e->shmem_soft && c->nkobj ? 0 : e->shmem_mib;
		p->acpi_kept = e->acpi_soft && c->any_acpi;
		if (p->acpi_kept)
			for (i = 0; i < e->nacpi; i++)
				c->acpi_found[i] = 1;	/* keep the table the domain has */
		if ((r = preflight(c)) == 0 && (r = plan_domain(c)) == 0 && (r = plan_features(c)) == 0 &&
		    (r = plan_devices(c)) == 0 && (r = plan_hotplug(c)) == 0 && (r = plan_sysinfo(c)) == 0)
			r = plan_qemu(c);
	}
	if (r == 0 && p->npatches) {
		qsort(p->patches, p->npatches, sizeof(*p->patches), cmp_patch);
		for (i = 1; i < p->npatches; i++)
			if (p->patches[i].off < p->patches[i - 1].off + p->patches[i - 1].del)
				r = sfail(c, VB_DX_EDOC, 0, 0, "internal error: two changes overlap at byte %llu",
					  (unsigned long long)p->patches[i].off);
	}
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

int vb_dx_apply_mem(const struct vb_dx_plan *p, const char *in, size_t len,
		    int (*out)(void *ctx, const void *buf, size_t n), void *ctx)
{
	uint64_t cur = 0;
	size_t i;
	int r;

	for (i = 0; i < p->npatches; i++) {
		const struct vb_dx_patch *pt = &p->patches[i];

		if (pt->off + pt->del > len || pt->off < cur)
			return -EINVAL;
		if (pt->off > cur && (r = out(ctx, in + cur, (size_t)(pt->off - cur))) < 0)
			return r;
		if (pt->ins_len && (r = out(ctx, pt->ins, pt->ins_len)) < 0)
			return r;
		cur = pt->off + pt->del;
	}
	if (cur < len && (r = out(ctx, in + cur, (size_t)(len - cur))) < 0)
		return r;
	return 0;
}

int vb_dx_list(struct vb_xml *x, void (*fn)(void *ctx, const struct vb_bdf *b), void *ctx,
	       struct vb_dx_plan *p)
{
	static const struct vb_dx_edits none;
	struct sc *c = sc_new(&none, p);
	int r;

	c->want_hd = 1;
	c->list = fn;
	c->lctx = ctx;
	r = scan(c, x);
	sc_free(c);
	return r;
}
