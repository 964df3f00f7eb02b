/* acpi: table header, checksum, length checks, AML name search. See acpi.h.
 *
 * AML encoding used by the name search (ACPI spec 20.2): a NameString is an
 * optional RootChar '\' or PrefixPath '^'..., then a NameSeg (4 bytes), or
 * DualNamePrefix 0x2E and two NameSegs, or MultiNamePrefix 0x2F, a count and
 * that many NameSegs. A NameSeg is [A-Z_] then three [A-Z0-9_]. Named objects
 * put their NameString right after the opcode (Name 0x08, Alias 0x06,
 * External 0x15, OperationRegion 0x5B 0x80) or after the opcode and a
 * PkgLength (Scope 0x10, Method 0x14, Device 0x5B 0x82, Processor 0x5B 0x83,
 * PowerResource 0x5B 0x84, ThermalZone 0x5B 0x85). A PkgLength's lead byte
 * holds the count of bytes that follow in bits 7-6; with a count, bits 5-4
 * are zero.
 *
 * The walk reads the namespace structure (see struct vb_acpi_aml) so that a
 * match can be told apart: the name of an object defined there, with its
 * absolute path, or a use of a name somewhere in code. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw/acpi.h"
#include "base/util.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint8_t vb_acpi_sum(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	unsigned s = 0;

	while (n--)
		s += *p++;
	return (uint8_t)s;
}

static int name_char(int c, int lead)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (!lead && c >= '0' && c <= '9');
}

int vb_acpi_sig_valid(const char *sig)
{
	int i;

	/* ACPICA's AcpiUtValidNameChar: [A-Z0-9_], and '!' as the last one */
	for (i = 0; i < 4; i++)
		if (!name_char((unsigned char)sig[i], 0) && !(i == 3 && sig[i] == '!'))
			return 0;
	return 1;
}

int vb_acpi_is_aml(const char *sig)
{
	return !strncmp(sig, "DSDT", 4) || !strncmp(sig, "SSDT", 4) ||
	       !strncmp(sig, "PSDT", 4) || !strncmp(sig, "OSDT", 4);
}

/* An OEM text field: up to the first NUL, trailing blanks dropped,
 * anything unprintable shown as '?'. */
static void text(char *out, const unsigned char *p, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n && p[i]; i++)
		out[len++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	while (len && out[len - 1] == ' ')
		len--;
	out[len] = 0;
}

int vb_acpi_check(const void *buf, size_t n, struct vb_acpi_hdr *h)
{
	const unsigned char *p = buf;
	uint8_t sum;

	memset(h, 0, sizeof(*h));
	if (n < 8)
		return VB_ACPI_NOHDR;
	memcpy(h->sig, p, 4);
	if (!vb_acpi_sig_valid(h->sig)) {
		text(h->sig, p, 4);
		return VB_ACPI_NOHDR;
	}
	h->length = le32(p + 4);
	if (!strcmp(h->sig, "FACS")) {
		/* Signature, Length, HardwareSignature, ... Version at 32 */
		if (h->length < 8)
			return VB_ACPI_BADLEN;
		if (h->length > 32 && n > 32)
			h->revision = p[32];
		return n < h->length ? VB_ACPI_SHORT : n > h->length ? VB_ACPI_LONG : VB_ACPI_OK;
	}
	h->has_checksum = 1;
	if (n < VB_ACPI_HDR_LEN)
		return VB_ACPI_NOHDR;
	h->revision = p[8];
	h->checksum = p[9];
	text(h->oem_id, p + 10, 6);
	text(h->oem_table_id, p + 16, 8);
	h->oem_revision = le32(p + 24);
	text(h->creator_id, p + 28, 4);
	h->creator_revision = le32(p + 32);
	if (h->length < VB_ACPI_HDR_LEN)
		return VB_ACPI_BADLEN;
	if (n < h->length)
		return VB_ACPI_SHORT;
	sum = vb_acpi_sum(p, h->length);
	h->want_checksum = (uint8_t)(h->checksum - sum);
	if (n > h->length)
		return VB_ACPI_LONG;
	return sum ? VB_ACPI_BADSUM : VB_ACPI_OK;
}

const char *vb_acpi_status_str(int status)
{
	switch (status) {
	case VB_ACPI_OK:
		return "ok";
	case VB_ACPI_NOHDR:
		return "no table header";
	case VB_ACPI_BADLEN:
		return "header length smaller than the header";
	case VB_ACPI_SHORT:
		return "truncated";
	case VB_ACPI_LONG:
		return "longer than its header says";
	case VB_ACPI_BADSUM:
		return "bad checksum";
	}
	return "unknown";
}

int vb_acpi_name_parse(const char *s, struct vb_acpi_name *nm)
{
	memset(nm, 0, sizeof(*nm));
	if (*s == '\\')
		s++;
	else
		while (*s == '^')
			s++;
	for (;;) {
		size_t i = 0;

		if (nm->nseg == VB_ACPI_MAX_SEGS)
			return -EINVAL;
		while (*s && *s != '.') {
			int c = toupper((unsigned char)*s);
			if (i == 4 || !name_char(c, i == 0))
				return -EINVAL;
			nm->seg[nm->nseg][i++] = (char)c;
			s++;
		}
		if (!i)
			return -EINVAL;
		while (i < 4)
			nm->seg[nm->nseg][i++] = '_';
		nm->nseg++;
		if (!*s)
			return 0;
		s++;		/* the '.' */
	}
}

/* Append one NameSeg, padding '_' dropped (at least one character kept). */
static void put_seg(char *out, size_t n, size_t *len, const char *seg)
{
	size_t k = 4;

	while (k > 1 && seg[k - 1] == '_')
		k--;
	if (*len + k + 1 < n) {
		memcpy(out + *len, seg, k);
		*len += k;
	}
	out[*len] = 0;
}

static void put_char(char *out, size_t n, size_t *len, char c)
{
	if (*len + 2 < n)
		out[(*len)++] = c;
	out[*len] = 0;
}

void vb_acpi_name_format(const struct vb_acpi_name *nm, char *out, size_t n)
{
	size_t i, len = 0;

	if (!n)
		return;
	out[0] = 0;
	for (i = 0; i < nm->nseg; i++) {
		if (i)
			put_char(out, n, &len, '.');
		put_seg(out, n, &len, nm->seg[i]);
	}
}

static int seg_ok(const unsigned char *p)
{
	return name_char(p[0], 1) && name_char(p[1], 0) && name_char(p[2], 0) && name_char(p[3], 0);
}

/* Segments [first, first + count) all valid and inside the table. */
static int segs_ok(const unsigned char *tbl, size_t len, size_t first, size_t count)
{
	size_t i;

	if (first + 4 * count > len)
		return 0;
	for (i = 0; i < count; i++)
		if (!seg_ok(tbl + first + 4 * i))
			return 0;
	return 1;
}

/* Where the NameString holding the k segments matched at h begins (*start,
 * prefix chars included), its first segment and its segment count. 0 when
 * the match is not a whole run of segments of a NameString. */
static int name_bounds(const unsigned char *tbl, size_t len, size_t h, size_t k,
		       size_t *start, size_t *first, size_t *count)
{
	size_t i, s;

	/* MultiNamePrefix, count, segments: h is segment i */
	for (i = 0; i < 255 && h >= VB_ACPI_HDR_LEN + 2 + 4 * i; i++) {
		size_t p = h - 2 - 4 * i;
		if (i && !seg_ok(tbl + h - 4 * i))
			break;		/* no longer inside a run of segments */
		if (tbl[p] == 0x2f && tbl[p + 1] >= i + k && segs_ok(tbl, len, p + 2, tbl[p + 1])) {
			s = p;
			*first = p + 2;
			*count = tbl[p + 1];
			goto prefix;
		}
	}
	/* DualNamePrefix and two segments */
	if (k <= 2 && h >= VB_ACPI_HDR_LEN + 1 && tbl[h - 1] == 0x2e && segs_ok(tbl, len, h, 2)) {
		s = h - 1;
		*first = h;
		*count = 2;
		goto prefix;
	}
	if (k == 1 && h >= VB_ACPI_HDR_LEN + 5 && tbl[h - 5] == 0x2e && segs_ok(tbl, len, h - 4, 2)) {
		s = h - 5;
		*first = h - 4;
		*count = 2;
		goto prefix;
	}
	if (k > 1)
		return 0;
	s = h;
	*first = h;
	*count = 1;
prefix:
	if (s > VB_ACPI_HDR_LEN && tbl[s - 1] == '\\')
		s--;
	else
		while (s > VB_ACPI_HDR_LEN && tbl[s - 1] == '^')
			s--;
	*start = s;
	return 1;
}

/* --- the structural walk ------------------------------------------------ */

#define MAX_DEPTH 32		/* NameSegs in an absolute path */

struct npath {
	size_t n;
	char seg[MAX_DEPTH][4];
};

struct nstr {			/* a NameString in the table */
	int root;
	size_t carets, nseg;
	size_t first, end;	/* first segment; the byte after the string */
};

/* Parse the NameString at p (before end). 0 or -1. */
static int nstr_parse(const unsigned char *t, size_t p, size_t end, struct nstr *ns)
{
	memset(ns, 0, sizeof(*ns));
	if (p < end && t[p] == '\\') {
		ns->root = 1;
		p++;
	} else {
		while (p < end && t[p] == '^') {
			ns->carets++;
			p++;
		}
	}
	if (p >= end)
		return -1;
	if (t[p] == 0x00) {		/* NullName */
		ns->first = ns->end = p + 1;
		return 0;
	}
	if (t[p] == 0x2e) {
		ns->nseg = 2;
		p++;
	} else if (t[p] == 0x2f) {
		if (p + 1 >= end || !t[p + 1])
			return -1;
		ns->nseg = t[p + 1];
		p += 2;
	} else {
		ns->nseg = 1;
	}
	if (!segs_ok(t, end, p, ns->nseg))
		return -1;
	ns->first = p;
	ns->end = p + 4 * ns->nseg;
	return 0;
}

/* ns as an absolute path, relative to scope. 0 or -1 (too deep, or above
 * the root). */
static int resolve(const unsigned char *t, const struct npath *scope, const struct nstr *ns,
		   struct npath *out)
{
	size_t i;

	if (ns->root) {
		out->n = 0;
	} else {
		*out = *scope;
		if (ns->carets > out->n)
			return -1;
		out->n -= ns->carets;
	}
	if (out->n + ns->nseg > MAX_DEPTH)
		return -1;		/* no segments: the scope itself, Scope (\) */
	for (i = 0; i < ns->nseg; i++)
		memcpy(out->seg[out->n++], t + ns->first + 4 * i, 4);
	return 0;
}

static void add_def(struct vb_acpi_aml *a, const struct nstr *ns, const char *kind,
		    const struct npath *path)
{
	struct vb_acpi_def *d;
	size_t i, len = 0;

	if (a->ndefs == a->defs_cap) {
		a->defs_cap = a->defs_cap ? a->defs_cap * 2 : 32;
		a->defs = vb_xrealloc(a->defs, a->defs_cap * sizeof(*a->defs));
	}
	d = &a->defs[a->ndefs++];
	d->first = ns->first;
	d->end = ns->end;
	d->body_end = 0;
	d->kind = kind;
	d->path[0] = 0;
	put_char(d->path, sizeof(d->path), &len, '\\');
	for (i = 0; i < path->n; i++) {
		if (i)
			put_char(d->path, sizeof(d->path), &len, '.');
		put_seg(d->path, sizeof(d->path), &len, path->seg[i]);
	}
}

/* A PkgLength at p: the package ends at *pkg_end, its contents start at
 * *after. 0 or -1. */
static int pkg(const unsigned char *t, size_t p, size_t end, size_t *pkg_end, size_t *after)
{
	size_t n, len, j;
	unsigned lead;

	if (p >= end)
		return -1;
	lead = t[p];
	n = lead >> 6;
	if ((n && (lead & 0x30)) || p + 1 + n > end)
		return -1;
	len = n ? (lead & 0x0f) : (lead & 0x3f);
	for (j = 0; j < n; j++)
		len |= (size_t)t[p + 1 + j] << (4 + 8 * j);
	if (len < 1 + n || p + len > end)
		return -1;
	*pkg_end = p + len;
	*after = p + 1 + n;
	return 0;
}

/* The size of a PkgLength encoding only (field lists count bits with it). */
static int pkg_skip(const unsigned char *t, size_t p, size_t end, size_t *after)
{
	size_t n;

	if (p >= end)
		return -1;
	n = t[p] >> 6;
	if ((n && (t[p] & 0x30)) || p + 1 + n > end)
		return -1;
	*after = p + 1 + n;
	return 0;
}

/* Skip a data object or a simple argument at p: constants, String, Buffer,
 * Package, LocalN, ArgN, or a name (taken to have no arguments). */
static int skip_data(const unsigned char *t, size_t p, size_t end, size_t *next)
{
	static const unsigned char fixed[][2] = {
		{ 0x00, 1 }, { 0x01, 1 }, { 0xff, 1 }, { 0x0a, 2 }, { 0x0b, 3 }, { 0x0c, 5 }, { 0x0e, 9 },
	};
	struct nstr ns;
	size_t i, pe, af;
	const unsigned char *z;

	if (p >= end)
		return -1;
	for (i = 0; i < VB_ARRAY_SIZE(fixed); i++) {
		if (t[p] == fixed[i][0]) {
			*next = p + fixed[i][1];
			return *next <= end ? 0 : -1;
		}
	}
	if (t[p] >= 0x60 && t[p] <= 0x6e) {	/* Local0-7, Arg0-6 */
		*next = p + 1;
		return 0;
	}
	switch (t[p]) {
	case 0x0d:				/* String: bytes up to a NUL */
		z = memchr(t + p + 1, 0, end - p - 1);
		if (!z)
			return -1;
		*next = (size_t)(z - t) + 1;
		return 0;
	case 0x11:				/* Buffer, Package, VarPackage */
	case 0x12:
	case 0x13:
		if (pkg(t, p + 1, end, &pe, &af))
			return -1;
		*next = pe;
		return 0;
	case 0x5b:				/* Revision */
		if (p + 1 < end && t[p + 1] == 0x30) {
			*next = p + 2;
			return 0;
		}
		return -1;
	}
	if (nstr_parse(t, p, end, &ns) || !ns.nseg)
		return -1;
	*next = ns.end;
	return 0;
}

/* Named fields of a FieldList between q and end. */
static void field_list(struct vb_acpi_aml *a, size_t q, size_t end, const struct npath *scope)
{
	const unsigned char *t = a->tbl;

	while (q < end) {
		if (t[q] == 0x00) {			/* ReservedField */
			if (pkg_skip(t, q + 1, end, &q))
				return;
		} else if (t[q] == 0x01) {		/* AccessField */
			q += 3;
		} else if (t[q] == 0x03) {		/* ExtendedAccessField */
			q += 4;
		} else if (t[q] == 0x02) {		/* ConnectField: a name or a buffer */
			if (skip_data(t, q + 1, end, &q))
				return;
		} else if (q + 4 <= end && seg_ok(t + q)) {	/* NamedField */
			struct nstr ns = { 0, 0, 1, q, q + 4 };
			struct npath path;

			if (!resolve(t, scope, &ns, &path))
				add_def(a, &ns, "Field", &path);
			if (pkg_skip(t, q + 4, end, &q))
				return;
		} else {
			return;				/* junk */
		}
	}
}

static void walk(struct vb_acpi_aml *a, size_t p, size_t end, const struct npath *scope,
		 int depth);

/* 1 for a Scope, Method, Device, Processor, PowerResource or ThermalZone at p
 * whose package fits before end and starts with a NameString. */
static int named_pkg(const unsigned char *t, size_t p, size_t end)
{
	size_t k = t[p] == 0x5b ? 2 : 1, pe, af;
	struct nstr ns;

	if (!(t[p] == 0x10 || t[p] == 0x14 || (t[p] == 0x5b && p + 1 < end && t[p + 1] >= 0x82 &&
						t[p + 1] <= 0x85)))
		return 0;
	return !pkg(t, p + k, end, &pe, &af) && !nstr_parse(t, af, pe, &ns) && ns.nseg;
}

/* Walk the TermList between p and end in scope, up to the first term it
 * cannot size; returns where it stopped (end when it did not). */
static size_t walk_terms(struct vb_acpi_aml *a, size_t p, size_t end, const struct npath *scope,
			 int depth)
{
	const unsigned char *t = a->tbl;

	while (p < end) {
		unsigned op = t[p], ext = p + 1 < end ? t[p + 1] : 0x100;
		struct nstr ns, ns2;
		struct npath path;
		size_t pe, af, q, fixed = 0;
		const char *kind = NULL;
		int body = 1;

		if (op == 0x10 || op == 0x14 || (op == 0x5b && ext >= 0x82 && ext <= 0x85)) {
			switch (op == 0x5b ? ext : op) {
			case 0x10: kind = "Scope"; break;
			case 0x14: kind = "Method"; body = 0; break;
			case 0x82: kind = "Device"; break;
			case 0x83: kind = "Processor"; fixed = 6; break;
			case 0x84: kind = "PowerResource"; fixed = 3; break;
			default: kind = "ThermalZone"; break;
			}
			if (pkg(t, op == 0x5b ? p + 2 : p + 1, end, &pe, &af) ||
			    nstr_parse(t, af, pe, &ns) || resolve(t, scope, &ns, &path))
				break;
			add_def(a, &ns, kind, &path);
			if (!body)
				a->defs[a->ndefs - 1].body_end = pe;
			q = ns.end + fixed;
			if (body && depth < 64 && q <= pe)
				walk(a, q, pe, &path, depth + 1);
			p = pe;
			continue;
		}
		if (op == 0xa0 || op == 0xa1 || op == 0xa2) {	/* If, Else, While */
			if (pkg(t, p + 1, end, &pe, &af))
				break;
			/* iasl puts External in If (Zero); go into bodies
			 * whose predicate is that simple */
			if (op == 0xa1 || !skip_data(t, af, pe, &af))
				walk(a, af, pe, scope, depth + 1);
			p = pe;
			continue;
		}
		if (op == 0x08) {				/* Name */
			if (nstr_parse(t, p + 1, end, &ns) || resolve(t, scope, &ns, &path) ||
			    skip_data(t, ns.end, end, &q))
				break;
			add_def(a, &ns, "Name", &path);
			p = q;
			continue;
		}
		if (op == 0x15) {				/* External */
			if (nstr_parse(t, p + 1, end, &ns) || resolve(t, scope, &ns, &path) ||
			    ns.end + 2 > end)
				break;
			add_def(a, &ns, "External", &path);
			p = ns.end + 2;
			continue;
		}
		if (op == 0x06) {				/* Alias source name */
			if (nstr_parse(t, p + 1, end, &ns) || nstr_parse(t, ns.end, end, &ns2) ||
			    resolve(t, scope, &ns2, &path))
				break;
			add_def(a, &ns2, "Alias", &path);
			p = ns2.end;
			continue;
		}
		if ((op >= 0x8a && op <= 0x8f && op != 0x8e) || (op == 0x5b && ext == 0x13)) {
			/* CreateXField: buffer, index, name; CreateField:
			 * buffer, bit index, bit count, name */
			q = p + 1 + (op == 0x5b);
			if (skip_data(t, q, end, &q) || skip_data(t, q, end, &q) ||
			    (op == 0x5b && skip_data(t, q, end, &q)) ||
			    nstr_parse(t, q, end, &ns) || resolve(t, scope, &ns, &path))
				break;
			add_def(a, &ns, "BufferField", &path);
			p = ns.end;
			continue;
		}
		if (op != 0x5b)
			break;
		if (ext == 0x81 || ext == 0x86 || ext == 0x87) {	/* Field, IndexField, BankField */
			if (pkg(t, p + 2, end, &pe, &af))
				break;
			if (!nstr_parse(t, af, pe, &ns)) {
				q = ns.end;
				if (ext != 0x81)	/* the data register or bank */
					q = nstr_parse(t, q, pe, &ns2) ? pe : ns2.end;
				if (ext == 0x87 && q < pe && skip_data(t, q, pe, &q))
					q = pe;
				if (q < pe)
					field_list(a, q + 1, pe, scope);
			}
			p = pe;
			continue;
		}
		if (nstr_parse(t, p + 2, end, &ns) || resolve(t, scope, &ns, &path))
			break;
		q = ns.end;
		switch (ext) {
		case 0x80:					/* OperationRegion */
			kind = "OperationRegion";
			if (q + 1 > end || skip_data(t, q + 1, end, &q) || skip_data(t, q, end, &q))
				kind = NULL;
			break;
		case 0x01:					/* Mutex */
			kind = "Mutex";
			q++;
			break;
		case 0x02:					/* Event */
			kind = "Event";
			break;
		case 0x88:					/* DataRegion */
			kind = "DataRegion";
			if (skip_data(t, q, end, &q) || skip_data(t, q, end, &q) || skip_data(t, q, end, &q))
				kind = NULL;
			break;
		}
		if (!kind || q > end)
			break;
		add_def(a, &ns, kind, &path);
		p = q;
	}
	return p < end ? p : end;
}

/* Walk the TermList between p and end; past a term it cannot size (the
 * first is recorded in a->walked_to), go on at the next term that
 * named_pkg() recognizes. */
static void walk(struct vb_acpi_aml *a, size_t p, size_t end, const struct npath *scope, int depth)
{
	while ((p = walk_terms(a, p, end, scope, depth)) < end) {
		if (p < a->walked_to)
			a->walked_to = p;
		while (++p < end && !named_pkg(a->tbl, p, end))
			;
	}
}

void vb_acpi_aml_walk(struct vb_acpi_aml *a, const unsigned char *tbl, size_t len)
{
	struct npath root = { 0, { { 0 } } };

	memset(a, 0, sizeof(*a));
	a->tbl = tbl;
	a->len = len;
	a->walked_to = len;
	if (len > VB_ACPI_HDR_LEN)
		walk(a, VB_ACPI_HDR_LEN, len, &root, 0);
}

void vb_acpi_aml_free(struct vb_acpi_aml *a)
{
	free(a->defs);
	a->defs = NULL;
	a->ndefs = a->defs_cap = 0;
}

/* 1 when d's absolute path ends with the name nmf (formatted) at a segment
 * boundary and its NameString does not hold all of nm (a byte match). */
static int path_ends(const struct vb_acpi_aml *a, const struct vb_acpi_def *d,
		     const struct vb_acpi_name *nm, const char *nmf)
{
	size_t pl = strlen(d->path), fl = strlen(nmf), need = 4 * nm->nseg;

	return pl > fl && !strcmp(d->path + pl - fl, nmf) &&
	       (d->path[pl - fl - 1] == '.' || d->path[pl - fl - 1] == '\\') &&
	       (d->end < d->first + need || memcmp(a->tbl + d->end - need, nm->seg, need));
}

int vb_acpi_find(const struct vb_acpi_aml *a, const struct vb_acpi_name *nm, size_t *pos,
		 struct vb_acpi_hit *hit)
{
	const unsigned char *tbl = a->tbl;
	size_t need = 4 * nm->nseg, len = a->len, h, lo = 0, hi = a->ndefs;
	char nmf[128];

	if (!nm->nseg || len < VB_ACPI_HDR_LEN + need)
		return 0;
	vb_acpi_name_format(nm, nmf, sizeof(nmf));
	h = *pos < VB_ACPI_HDR_LEN ? VB_ACPI_HDR_LEN : *pos;
	while (lo < hi) {		/* lo: the defs that start at or before h */
		size_t mid = (lo + hi) / 2;
		if (a->defs[mid].first <= h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; h + 4 <= len; h++) {
		/* the walk's defs are in table order and do not overlap: the
		 * last one that starts at or before h holds h in its
		 * NameString, or in its body if it is a Method, or neither */
		const struct vb_acpi_def *d;
		size_t start, first, count, i, plen = 0;
		int bytes = h + need <= len && !memcmp(tbl + h, nm->seg, need);

		while (lo < a->ndefs && a->defs[lo].first <= h)
			lo++;
		d = lo ? &a->defs[lo - 1] : NULL;
		if (!bytes && !(d && d->end >= d->first + 4 && h == d->end - 4))
			continue;
		memset(hit, 0, sizeof(*hit));
		hit->off = h;
		*pos = h + 1;
		if (d && ((bytes && h + need <= d->end && (h - d->first) % 4 == 0) ||
			  (h + 4 == d->end && path_ends(a, d, nm, nmf)))) {
			hit->kind = d->kind;	/* (part of) its name, or its path's end */
			vb_strlcpy(hit->path, d->path, sizeof(hit->path));
			return 1;
		}
		if (!bytes)
			continue;
		if (d && d->body_end && d->end <= h && h < d->body_end)
			hit->in = d->path;		/* in this Method's code */
		if (tbl[h - 1] == 0x0d) {		/* StringPrefix */
			hit->kind = "string";
			vb_strlcpy(hit->path, nmf, sizeof(hit->path));
			return 1;
		}
		if (!name_bounds(tbl, len, h, nm->nseg, &start, &first, &count)) {
			hit->kind = "bytes";
			vb_strlcpy(hit->path, nmf, sizeof(hit->path));
			return 1;
		}
		for (i = start; i < first; i++)
			if (tbl[i] == '\\' || tbl[i] == '^')
				put_char(hit->path, sizeof(hit->path), &plen, (char)tbl[i]);
		for (i = 0; i < count; i++) {
			if (i)
				put_char(hit->path, sizeof(hit->path), &plen, '.');
			put_seg(hit->path, sizeof(hit->path), &plen, (const char *)tbl + first + 4 * i);
		}
		hit->kind = "reference";
		return 1;
	}
	*pos = len;
	return 0;
}

const unsigned char vb_acpi_battery[] = {
	0x53, 0x53, 0x44, 0x54, 0xa1, 0x00, 0x00, 0x00, 0x01, 0xf4, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x00, 0x42, 0x58, 0x50, 0x43, 0x53, 0x53, 0x44, 0x54,
	0x01, 0x00, 0x00, 0x00, 0x49, 0x4e, 0x54, 0x4c, 0x18, 0x10, 0x19, 0x20,
	0xa0, 0x0f, 0x00, 0x15, 0x5c, 0x2e, 0x5f, 0x53, 0x42, 0x5f, 0x50, 0x43,
	0x49, 0x30, 0x06, 0x00, 0x10, 0x4c, 0x06, 0x2e, 0x5f, 0x53, 0x42, 0x5f,
	0x50, 0x43, 0x49, 0x30, 0x5b, 0x82, 0x4f, 0x05, 0x42, 0x41, 0x54, 0x30,
	0x08, 0x5f, 0x48, 0x49, 0x44, 0x0c, 0x41, 0xd0, 0x0c, 0x0a, 0x08, 0x5f,
	0x55, 0x49, 0x44, 0x00, 0x14, 0x09, 0x5f, 0x53, 0x54, 0x41, 0x00, 0xa4,
	0x0a, 0x1f, 0x14, 0x2b, 0x5f, 0x42, 0x49, 0x46, 0x00, 0xa4, 0x12, 0x23,
	0x0d, 0x01, 0x0b, 0x70, 0x17, 0x0b, 0x70, 0x17, 0x01, 0x0b, 0xd0, 0x39,
	0x0b, 0x58, 0x02, 0x0b, 0x2c, 0x01, 0x0a, 0x3c, 0x0a, 0x3c, 0x0d, 0x00,
	0x0d, 0x00, 0x0d, 0x4c, 0x49, 0x4f, 0x4e, 0x00, 0x0d, 0x00, 0x14, 0x12,
	0x5f, 0x42, 0x53, 0x54, 0x00, 0xa4, 0x12, 0x0a, 0x04, 0x00, 0x00, 0x0b,
	0x70, 0x17, 0x0b, 0xd0, 0x39,
};
const size_t vb_acpi_battery_len = sizeof(vb_acpi_battery);
