/* aml: the AML term walk and the name search on it. See aml.h.
 *
 * Encoding (ACPI 6.5, 20.2): a NameString is an optional RootChar '\' or
 * PrefixPath '^'..., then NullName 0x00, a NameSeg (4 bytes: [A-Z_] then
 * three [A-Z0-9_]), DualNamePrefix 0x2E and two NameSegs, or
 * MultiNamePrefix 0x2F, a count and that many NameSegs. A PkgLength's lead
 * byte holds the count of bytes that follow in bits 7-6; with a count,
 * bits 5-4 are zero and bits 3-0 are the low nibble of the length, which
 * counts from the lead byte to the end of the package.
 *
 * Operands of each opcode are written as a signature, one letter each:
 *   p  PkgLength: the rest lies inside the package
 *   N  NameString of the object being defined
 *   n  NameString used as a name (never a call)
 *   t  TermArg: data, a local or argument, an expression, a name or a call
 *   s  SuperName: a name (never a call), or a term (Local, DerefOf, Debug)
 *   T  Target: NullName, or a SuperName
 *   d  DataRefObject / PackageElement: a name (never a call) or a term
 *   b w k q  ByteData, WordData, DWordData, QWordData
 *   L  TermList to the package end (a Device or Scope body)
 *   M  a Method body (TermList, in the method's scope)
 *   C  a conditional body (If, Else, While)
 *   F  FieldList to the package end
 *   B  ByteList to the package end (Buffer data)
 *   E  PackageElementList to the package end */
#include <stdlib.h>
#include <string.h>

#include "fw/aml.h"
#include "base/util.h"

#define MAX_SEGS 255		/* segments in an absolute path */
#define MAX_NEST 256		/* terms inside terms */

struct op {
	unsigned char code;
	const char *kind;	/* defined kind for ops with N, else NULL */
	const char *args;
};

static const struct op ops1[] = {
	{ 0x00, NULL, "" },			/* Zero */
	{ 0x01, NULL, "" },			/* One */
	{ 0x06, "Alias", "nN" },
	{ 0x08, "Name", "Nd" },
	{ 0x0a, NULL, "b" },
	{ 0x0b, NULL, "w" },
	{ 0x0c, NULL, "k" },
	{ 0x0e, NULL, "q" },
	{ 0x10, "Scope", "pNL" },
	{ 0x11, NULL, "ptB" },			/* Buffer */
	{ 0x12, NULL, "pbE" },			/* Package */
	{ 0x13, NULL, "ptE" },			/* VarPackage */
	{ 0x14, "Method", "pNbM" },
	{ 0x15, "External", "Nbb" },
	{ 0x70, NULL, "ts" },			/* Store */
	{ 0x71, NULL, "s" },			/* RefOf */
	{ 0x72, NULL, "ttT" },			/* Add */
	{ 0x73, NULL, "ttT" },			/* Concatenate */
	{ 0x74, NULL, "ttT" },			/* Subtract */
	{ 0x75, NULL, "s" },			/* Increment */
	{ 0x76, NULL, "s" },			/* Decrement */
	{ 0x77, NULL, "ttT" },			/* Multiply */
	{ 0x78, NULL, "ttTT" },			/* Divide */
	{ 0x79, NULL, "ttT" },			/* ShiftLeft */
	{ 0x7a, NULL, "ttT" },			/* ShiftRight */
	{ 0x7b, NULL, "ttT" },			/* And */
	{ 0x7c, NULL, "ttT" },			/* NAnd */
	{ 0x7d, NULL, "ttT" },			/* Or */
	{ 0x7e, NULL, "ttT" },			/* NOr */
	{ 0x7f, NULL, "ttT" },			/* XOr */
	{ 0x80, NULL, "tT" },			/* Not */
	{ 0x81, NULL, "tT" },			/* FindSetLeftBit */
	{ 0x82, NULL, "tT" },			/* FindSetRightBit */
	{ 0x83, NULL, "t" },			/* DerefOf */
	{ 0x84, NULL, "ttT" },			/* ConcatenateResTemplate */
	{ 0x85, NULL, "ttT" },			/* Mod */
	{ 0x86, NULL, "st" },			/* Notify */
	{ 0x87, NULL, "s" },			/* SizeOf */
	{ 0x88, NULL, "ttT" },			/* Index */
	{ 0x89, NULL, "tbtbtt" },		/* Match */
	{ 0x8a, "BufferField", "ttN" },		/* CreateDWordField */
	{ 0x8b, "BufferField", "ttN" },		/* CreateWordField */
	{ 0x8c, "BufferField", "ttN" },		/* CreateByteField */
	{ 0x8d, "BufferField", "ttN" },		/* CreateBitField */
	{ 0x8e, NULL, "s" },			/* ObjectType */
	{ 0x8f, "BufferField", "ttN" },		/* CreateQWordField */
	{ 0x90, NULL, "tt" },			/* LAnd */
	{ 0x91, NULL, "tt" },			/* LOr */
	{ 0x92, NULL, "t" },			/* LNot (LNotEqual: LNot LEqual) */
	{ 0x93, NULL, "tt" },			/* LEqual */
	{ 0x94, NULL, "tt" },			/* LGreater */
	{ 0x95, NULL, "tt" },			/* LLess */
	{ 0x96, NULL, "tT" },			/* ToBuffer */
	{ 0x97, NULL, "tT" },			/* ToDecimalString */
	{ 0x98, NULL, "tT" },			/* ToHexString */
	{ 0x99, NULL, "tT" },			/* ToInteger */
	{ 0x9c, NULL, "ttT" },			/* ToString */
	{ 0x9d, NULL, "ts" },			/* CopyObject */
	{ 0x9e, NULL, "tttT" },			/* Mid */
	{ 0x9f, NULL, "" },			/* Continue */
	{ 0xa0, "If", "ptC" },
	{ 0xa1, "Else", "pC" },
	{ 0xa2, "While", "ptC" },
	{ 0xa3, NULL, "" },			/* Noop */
	{ 0xa4, NULL, "t" },			/* Return */
	{ 0xa5, NULL, "" },			/* Break */
	{ 0xcc, NULL, "" },			/* BreakPoint */
	{ 0xff, NULL, "" },			/* Ones */
};

static const struct op ops2[] = {		/* after ExtOpPrefix 0x5B */
	{ 0x01, "Mutex", "Nb" },
	{ 0x02, "Event", "N" },
	{ 0x12, NULL, "sT" },			/* CondRefOf */
	{ 0x13, "BufferField", "tttN" },	/* CreateField */
	{ 0x1f, NULL, "tttttt" },		/* LoadTable */
	{ 0x20, NULL, "ns" },			/* Load */
	{ 0x21, NULL, "t" },			/* Stall */
	{ 0x22, NULL, "t" },			/* Sleep */
	{ 0x23, NULL, "sw" },			/* Acquire */
	{ 0x24, NULL, "s" },			/* Signal */
	{ 0x25, NULL, "st" },			/* Wait */
	{ 0x26, NULL, "s" },			/* Reset */
	{ 0x27, NULL, "s" },			/* Release */
	{ 0x28, NULL, "tT" },			/* FromBCD */
	{ 0x29, NULL, "tT" },			/* ToBCD */
	{ 0x2a, NULL, "s" },			/* Unload */
	{ 0x30, NULL, "" },			/* Revision */
	{ 0x31, NULL, "" },			/* Debug */
	{ 0x32, NULL, "bkt" },			/* Fatal */
	{ 0x33, NULL, "" },			/* Timer */
	{ 0x80, "OperationRegion", "Nbtt" },
	{ 0x81, NULL, "pnbF" },			/* Field */
	{ 0x82, "Device", "pNL" },
	{ 0x83, "Processor", "pNbkbL" },
	{ 0x84, "PowerResource", "pNbwL" },
	{ 0x85, "ThermalZone", "pNL" },
	{ 0x86, NULL, "pnnbF" },		/* IndexField */
	{ 0x87, NULL, "pnntbF" },		/* BankField */
	{ 0x88, "DataRegion", "Nttt" },
};

static const struct op *op_find(const struct op *v, size_t n, unsigned code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].code == code)
			return &v[i];
	return NULL;
}

/* --- names ---------------------------------------------------------------- */

static int name_char(int c, int lead)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (!lead && c >= '0' && c <= '9');
}

static int seg_ok(const unsigned char *p)
{
	return name_char(p[0], 1) && name_char(p[1], 0) && name_char(p[2], 0) && name_char(p[3], 0);
}

/* A byte that can start a NameString. */
static int name_lead(unsigned c)
{
	return c == '\\' || c == '^' || c == 0x2e || c == 0x2f || name_char((int)c, 1);
}

struct npath {
	size_t n;
	char seg[MAX_SEGS][4];
};

struct nstr {
	int root;
	size_t carets, nseg;
	size_t start, first, end;
};

/* 0, or a reason it is not a NameString */
static const char *nstr_parse(const unsigned char *t, size_t p, size_t end, struct nstr *ns,
			      int null_ok)
{
	size_t i;

	memset(ns, 0, sizeof(*ns));
	ns->start = p;
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
		return "a name runs past the end";
	if (t[p] == 0x00) {
		if (!null_ok && !ns->root && !ns->carets)
			return "a name expected, NullName found";
		ns->first = ns->end = p + 1;
		return NULL;
	}
	if (t[p] == 0x2e) {
		ns->nseg = 2;
		p++;
	} else if (t[p] == 0x2f) {
		if (p + 1 >= end)
			return "a name runs past the end";
		ns->nseg = t[p + 1];
		p += 2;
	} else {
		ns->nseg = 1;
	}
	if (p + 4 * ns->nseg > end)
		return "a name runs past the end";
	for (i = 0; i < ns->nseg; i++)
		if (!seg_ok(t + p + 4 * i))
			return "not a name segment";
	ns->first = p;
	ns->end = p + 4 * ns->nseg;
	return NULL;
}

/* ns against scope into out; NULL or why not. */
static const char *resolve(const unsigned char *t, const struct npath *scope, const struct nstr *ns,
			   struct npath *out)
{
	size_t i;

	if (ns->root) {
		out->n = 0;
	} else {
		if (ns->carets > scope->n)
			return "a ^ prefix goes above the root";
		out->n = scope->n - ns->carets;
		memcpy(out->seg, scope->seg, out->n * 4);
	}
	if (out->n + ns->nseg > MAX_SEGS)
		return "a path deeper than 255 segments";
	for (i = 0; i < ns->nseg; i++)
		memcpy(out->seg[out->n++], t + ns->first + 4 * i, 4);
	return NULL;
}

/* "\_SB.PCI0.PEGP", padding '_' dropped (one character kept) */
static char *path_str(const struct npath *np)
{
	char *s = vb_xmalloc(2 + np->n * 5), *o = s;
	size_t i;

	*o++ = '\\';
	for (i = 0; i < np->n; i++) {
		size_t k = 4;

		while (k > 1 && np->seg[i][k - 1] == '_')
			k--;
		if (i)
			*o++ = '.';
		memcpy(o, np->seg[i], k);
		o += k;
	}
	*o = 0;
	return s;
}

/* The NameString as written: "^PEGP.DGPS", "\_SB.PCI0" */
static char *nstr_str(const unsigned char *t, const struct nstr *ns)
{
	char *s = vb_xmalloc(2 + ns->carets + ns->nseg * 5), *o = s;
	size_t i;

	if (ns->root)
		*o++ = '\\';
	for (i = 0; i < ns->carets; i++)
		*o++ = '^';
	for (i = 0; i < ns->nseg; i++) {
		size_t k = 4;

		while (k > 1 && t[ns->first + 4 * i + k - 1] == '_')
			k--;
		if (i)
			*o++ = '.';
		memcpy(o, t + ns->first + 4 * i, k);
		o += k;
	}
	*o = 0;
	return s;
}

/* --- the namespace a pass builds: absolute path -> method arity ----------- */

struct ns_ent {
	char *path;
	int argc;		/* -1: not a method */
};

struct nspace {
	struct ns_ent *v;
	size_t cap, n;
};

static size_t hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct ns_ent *ns_get(const struct nspace *h, const char *path)
{
	size_t i;

	if (!h->cap)
		return NULL;
	for (i = hash(path) & (h->cap - 1); h->v[i].path; i = (i + 1) & (h->cap - 1))
		if (!strcmp(h->v[i].path, path))
			return &h->v[i];
	return NULL;
}

static void ns_put(struct nspace *h, const char *path, int argc)
{
	struct ns_ent *e = ns_get(h, path);
	size_t i;

	if (e) {
		if (argc >= 0)		/* a Method or an External MethodObj wins */
			e->argc = argc;
		return;
	}
	if (2 * (h->n + 1) > h->cap) {
		struct nspace g = { NULL, h->cap ? 2 * h->cap : 64, 0 };

		g.v = vb_xcalloc(g.cap, sizeof(*g.v));
		for (i = 0; i < h->cap; i++) {
			if (h->v[i].path) {
				size_t j = hash(h->v[i].path) & (g.cap - 1);

				while (g.v[j].path)
					j = (j + 1) & (g.cap - 1);
				g.v[j] = h->v[i];
				g.n++;
			}
		}
		free(h->v);
		*h = g;
	}
	for (i = hash(path) & (h->cap - 1); h->v[i].path; i = (i + 1) & (h->cap - 1))
		;
	h->v[i].path = vb_xstrdup(path);
	h->v[i].argc = argc;
	h->n++;
}

static void ns_free(struct nspace *h)
{
	size_t i;

	for (i = 0; i < h->cap; i++)
		free(h->v[i].path);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* 1 when both hold the same paths with the same arities */
static int ns_same(const struct nspace *x, const struct nspace *y)
{
	size_t i;

	if (x->n != y->n)
		return 0;
	for (i = 0; i < x->cap; i++) {
		const struct ns_ent *e;

		if (x->v[i].path && (!(e = ns_get(y, x->v[i].path)) || e->argc != x->v[i].argc))
			return 0;
	}
	return 1;
}

/* --- the walk ------------------------------------------------------------- */

struct walk {
	struct vb_aml *a;
	const unsigned char *t;
	size_t len;
	const struct nspace *known;	/* from the pass before */
	struct nspace seen;		/* this pass */
	size_t items_cap, bads_cap;
	const char *cond;
	size_t method;
	int nest;
	const char *why;		/* the first failure in the current term */
	size_t why_at;
};

static int fail(struct walk *w, size_t at, const char *why)
{
	if (!w->why) {
		w->why = why;
		w->why_at = at;
	}
	return -1;
}

static struct vb_aml_item *add_item(struct walk *w, int type, size_t start, size_t first,
				    size_t end)
{
	struct vb_aml *a = w->a;
	struct vb_aml_item *it;

	if (a->nitems == w->items_cap) {
		w->items_cap = w->items_cap ? 2 * w->items_cap : 64;
		a->items = vb_xrealloc(a->items, w->items_cap * sizeof(*a->items));
	}
	it = &a->items[a->nitems++];
	memset(it, 0, sizeof(*it));
	it->type = type;
	it->start = start;
	it->first = first;
	it->end = end;
	it->argc = -1;
	it->cond = w->cond;
	it->method = w->method;
	return it;
}

/* The arity of a call to ns in scope, -1 when it names no method known. */
static int arity(struct walk *w, const struct npath *scope, const struct nstr *ns, char **resolved)
{
	struct npath np;
	const struct ns_ent *e;
	char *s;

	*resolved = NULL;
	if (!ns->nseg || resolve(w->t, scope, ns, &np))
		return -1;
	if (ns->root || ns->carets || ns->nseg > 1) {
		s = path_str(&np);
		e = ns_get(&w->seen, s);
		if (!e)
			e = ns_get(w->known, s);
		*resolved = s;
		return e ? e->argc : -1;
	}
	/* a single NameSeg: the scope, then each parent (ACPI 5.3) */
	for (;;) {
		s = path_str(&np);
		if ((e = ns_get(&w->seen, s)) || (e = ns_get(w->known, s))) {
			*resolved = s;
			return e->argc;
		}
		free(s);
		if (np.n == 1)
			return -1;
		memcpy(np.seg[np.n - 2], np.seg[np.n - 1], 4);
		np.n--;
	}
}

static int pkg(struct walk *w, size_t p, size_t end, size_t *pkg_end, size_t *after)
{
	const unsigned char *t = w->t;
	size_t n, len, j;

	if (p >= end)
		return fail(w, p, "a package length runs past the end");
	n = t[p] >> 6;
	if (n && (t[p] & 0x30))
		return fail(w, p, "a package length with bits 5-4 set");
	if (p + 1 + n > end)
		return fail(w, p, "a package length runs past the end");
	len = n ? (t[p] & 0x0f) : (t[p] & 0x3f);
	for (j = 0; j < n; j++)
		len |= (size_t)t[p + 1 + j] << (4 + 8 * j);
	if (len < 1 + n)
		return fail(w, p, "a package shorter than its length");
	*after = p + 1 + n;
	*pkg_end = p + len;
	if (*pkg_end > end) {
		/* walk what there is: a truncated table keeps its scopes */
		if (end == w->len && *pkg_end - end > w->a->truncated)
			w->a->truncated = *pkg_end - end;
		if (end != w->len)
			return fail(w, p, "a package runs past the end of the one it is in");
		*pkg_end = end;
	}
	return 0;
}

static int term(struct walk *w, size_t p, size_t end, const struct npath *scope, size_t *next,
		int call_ok);
static void term_list(struct walk *w, size_t p, size_t end, const struct npath *scope,
		      const char *what);

static void add_bad(struct walk *w, size_t off, size_t to, const char *skipped,
		    const struct npath *scope)
{
	struct vb_aml *a = w->a;
	struct vb_aml_bad *b;

	if (a->nbads == w->bads_cap) {
		w->bads_cap = w->bads_cap ? 2 * w->bads_cap : 16;
		a->bads = vb_xrealloc(a->bads, w->bads_cap * sizeof(*a->bads));
	}
	b = &a->bads[a->nbads++];
	b->off = off;
	b->at = w->why_at;
	b->why = w->why;
	b->to = to;
	b->skipped = skipped;
	b->scope = path_str(scope);
}

/* A name that cannot be placed: the term is still sized and walked past. */
static void note(struct walk *w, size_t off, size_t at, const char *why, const char *skipped,
		 const struct npath *scope)
{
	const char *saved = w->why;
	size_t sat = w->why_at;

	w->why = why;
	w->why_at = at;
	add_bad(w, off, off, skipped, scope);
	w->why = saved;
	w->why_at = sat;
}

/* A name used at p (n, s, d, or t without a call): a REF item. */
static int name_use(struct walk *w, size_t p, size_t end, const struct npath *scope, size_t *next,
		    int null_ok, int call_ok)
{
	struct nstr ns;
	struct vb_aml_item *it;
	const char *why = nstr_parse(w->t, p, end, &ns, null_ok);
	char *res;
	int n, i;

	if (why)
		return fail(w, p, why);
	*next = ns.end;
	if (!ns.nseg)
		return 0;
	n = arity(w, scope, &ns, &res);
	it = add_item(w, VB_AML_REF, ns.start, ns.first, ns.end);
	it->kind = "reference";
	it->path = res ? res : nstr_str(w->t, &ns);
	if (!call_ok)
		return 0;
	for (i = 0; i < n; i++)
		if (term(w, *next, end, scope, next, 1))
			return -1;
	return 0;
}

/* SuperName or Target at p */
static int super_name(struct walk *w, size_t p, size_t end, const struct npath *scope, size_t *next,
		      int target)
{
	if (p >= end)
		return fail(w, p, "an operand runs past the end");
	if (name_lead(w->t[p]) || (target && w->t[p] == 0x00))
		return name_use(w, p, end, scope, next, target, 0);
	return term(w, p, end, scope, next, 0);
}

/* A field's bit count: a PkgLength's encoding, not a package. */
static int bits(struct walk *w, size_t p, size_t end, size_t *after)
{
	size_t n;

	if (p >= end)
		return fail(w, p, "a field length runs past the end");
	n = w->t[p] >> 6;
	if (n && (w->t[p] & 0x30))
		return fail(w, p, "a field length with bits 5-4 set");
	if (p + 1 + n > end)
		return fail(w, p, "a field length runs past the end");
	*after = p + 1 + n;
	return 0;
}

static void field_list(struct walk *w, size_t q, size_t end, const struct npath *scope)
{
	const unsigned char *t = w->t;
	size_t e = q;

	for (; q < end; e = q) {
		if (t[q] == 0x00) {			/* ReservedField */
			if (bits(w, q + 1, end, &q))
				break;
		} else if (t[q] == 0x01) {		/* AccessField */
			q += 3;
		} else if (t[q] == 0x03) {		/* ExtendedAccessField */
			q += 4;
		} else if (t[q] == 0x02) {		/* ConnectField */
			if (q + 1 < end && t[q + 1] == 0x11) {
				if (term(w, q + 1, end, scope, &q, 0))
					break;
			} else if (name_use(w, q + 1, end, scope, &q, 0, 0)) {
				break;
			}
		} else if (q + 4 <= end && seg_ok(t + q)) {	/* NamedField */
			struct nstr ns = { 0, 0, 1, q, q, q + 4 };
			struct npath np;
			struct vb_aml_item *it;

			if (resolve(t, scope, &ns, &np)) {
				fail(w, q, "a path deeper than 255 segments");
				break;
			}
			it = add_item(w, VB_AML_DEF, q, q, q + 4);
			it->kind = "Field";
			it->path = path_str(&np);
			ns_put(&w->seen, it->path, -1);
			if (bits(w, q + 4, end, &q))
				break;
		} else {
			fail(w, q, "not a field list element");
			break;
		}
	}
	if (q > end)
		fail(w, e, "a field list element runs past the end");
	if (w->why) {
		add_bad(w, e, end, "the rest of the field list", scope);
		w->why = NULL;
	}
}

/* The operands of op at q (the byte after the opcode), up to *next. */
static int operands(struct walk *w, const struct op *op, size_t opoff, size_t q, size_t end,
		    const struct npath *scope, size_t *next)
{
	const unsigned char *t = w->t;
	const char *a;
	size_t lim = end, pe = 0;
	struct npath *np = NULL;
	struct vb_aml_item *def = NULL;
	int rc = 0;

	for (a = op->args; *a && !rc; a++) {
		switch (*a) {
		case 'p': {
			size_t af;

			if (pkg(w, q, end, &pe, &af))
				return -1;
			q = af;
			lim = pe;
			break;
		}
		case 'N': {
			struct nstr ns;
			const char *why = nstr_parse(t, q, lim, &ns, 0);

			if (why)
				return fail(w, q, why);
			np = vb_xmalloc(sizeof(*np));
			if ((why = resolve(t, scope, &ns, np))) {
				/* the term's size is known: note it, go on */
				free(np);
				np = NULL;
				if (strchr(a, 'L') || strchr(a, 'M')) {
					note(w, opoff, ns.start, why, "its package", scope);
					q = lim;
					a = op->args + strlen(op->args) - 1;
				} else {
					note(w, opoff, ns.start, why, "the definition", scope);
					q = ns.end;
				}
				break;
			}
			def = add_item(w, VB_AML_DEF, ns.start, ns.first, ns.end);
			def->kind = op->kind;
			def->path = path_str(np);
			if (op->code == 0x15)	/* a declaration: iasl wraps them in If (Zero) */
				def->cond = NULL;
			if (op->code == 0x14 && ns.end < lim)		/* Method flags */
				def->argc = t[ns.end] & 7;
			if (op->code == 0x15 && ns.end + 1 < lim && t[ns.end] == 8)
				def->argc = t[ns.end + 1] & 7;		/* External MethodObj */
			ns_put(&w->seen, def->path, def->argc);
			q = ns.end;
			break;
		}
		case 'n':
			rc = name_use(w, q, lim, scope, &q, 0, 0);
			break;
		case 't':
			rc = term(w, q, lim, scope, &q, 1);
			break;
		case 's':
		case 'T':
			rc = super_name(w, q, lim, scope, &q, *a == 'T');
			break;
		case 'd':
			if (q < lim && name_lead(t[q]))
				rc = name_use(w, q, lim, scope, &q, 0, 0);
			else
				rc = term(w, q, lim, scope, &q, 0);
			break;
		case 'b':
		case 'w':
		case 'k':
		case 'q': {
			size_t k = *a == 'b' ? 1 : *a == 'w' ? 2 : *a == 'k' ? 4 : 8;

			if (q + k > lim)
				rc = fail(w, q, "an operand runs past the end");
			q += k;
			break;
		}
		case 'L':
		case 'M':
			if (*a == 'M') {
				size_t saved = w->method;
				const char *cond = w->cond;

				if (!def)
					break;
				def->body_end = lim;
				w->method = (size_t)(def - w->a->items) + 1;
				w->cond = NULL;
				term_list(w, q, lim, np, NULL);
				w->method = saved;
				w->cond = cond;
			} else if (np) {
				term_list(w, q, lim, np, NULL);
			}
			q = lim;
			break;
		case 'C': {
			const char *cond = w->cond;

			w->cond = op->kind;
			term_list(w, q, lim, scope, op->kind);
			w->cond = cond;
			q = lim;
			break;
		}
		case 'F':
			field_list(w, q, lim, scope);
			q = lim;
			break;
		case 'B':
			q = lim;
			break;
		case 'E':
			while (q < lim) {
				size_t e = q;

				if (name_lead(t[q]) ? name_use(w, q, lim, scope, &q, 0, 0) :
						      term(w, q, lim, scope, &q, 0)) {
					add_bad(w, e, lim, "the rest of the package", scope);
					w->why = NULL;
					q = lim;
				}
			}
			break;
		}
	}
	free(np);
	if (rc)
		return rc;
	*next = pe ? pe : q;
	return 0;
}

/* One term at p: data, a local, an opcode with its operands, or a name (a
 * call with its arguments when call_ok and the name is a method). */
static int term(struct walk *w, size_t p, size_t end, const struct npath *scope, size_t *next,
		int call_ok)
{
	const unsigned char *t = w->t;
	const struct op *op;
	size_t q;
	int rc;

	if (p >= end)
		return fail(w, p, "an operand runs past the end");
	if (w->nest >= MAX_NEST)
		return fail(w, p, "terms nested too deep");
	if (t[p] >= 0x60 && t[p] <= 0x6e) {		/* Local0-7, Arg0-6 */
		*next = p + 1;
		return 0;
	}
	if (t[p] == 0x0d) {				/* String */
		const unsigned char *z = memchr(t + p + 1, 0, end - p - 1);
		struct vb_aml_item *it;

		if (!z)
			return fail(w, p, "a string without its NUL");
		it = add_item(w, VB_AML_STR, p + 1, p + 1, (size_t)(z - t));
		it->kind = "string";
		*next = (size_t)(z - t) + 1;
		return 0;
	}
	if (name_lead(t[p]))
		return name_use(w, p, end, scope, next, 0, call_ok);
	if (t[p] == 0x5b) {
		if (p + 1 >= end)
			return fail(w, p, "an opcode runs past the end");
		op = op_find(ops2, VB_ARRAY_SIZE(ops2), t[p + 1]);
		q = p + 2;
	} else {
		op = op_find(ops1, VB_ARRAY_SIZE(ops1), t[p]);
		q = p + 1;
	}
	if (!op)
		return fail(w, p, "unknown opcode");
	w->nest++;
	rc = operands(w, op, p, q, end, scope, next);
	w->nest--;
	return rc;
}

/* 1 for an opcode at p that has a PkgLength right after it */
static int has_pkg(const unsigned char *t, size_t p, size_t end, size_t *lenat)
{
	static const unsigned char one[] = { 0x10, 0x11, 0x12, 0x13, 0x14, 0xa0, 0xa1, 0xa2 };

	if (memchr(one, t[p], sizeof(one))) {
		*lenat = p + 1;
		return 1;
	}
	if (t[p] == 0x5b && p + 1 < end && ((t[p + 1] >= 0x81 && t[p + 1] <= 0x87))) {
		*lenat = p + 2;
		return 1;
	}
	return 0;
}

/* The TermList between p and end in scope. A term that fails is recorded
 * and skipped: its own package if it has one, else the rest of the list. */
static void term_list(struct walk *w, size_t p, size_t end, const struct npath *scope,
		      const char *what)
{
	while (p < end) {
		size_t next, lenat, pe, af;
		const char *why = w->why;

		w->why = NULL;
		if (!term(w, p, end, scope, &next, 1) && next > p) {
			w->why = why;
			p = next;
			continue;
		}
		if (!w->why)
			fail(w, p, "a term of no length");
		if (has_pkg(w->t, p, end, &lenat)) {
			const char *saved = w->why;
			size_t at = w->why_at;

			w->why = NULL;
			if (!pkg(w, lenat, end, &pe, &af) && pe > p) {
				w->why = saved;
				w->why_at = at;
				add_bad(w, p, pe, "its package", scope);
				p = pe;
				w->why = why;
				continue;
			}
			w->why = saved;
			w->why_at = at;
		}
		add_bad(w, p, end, what ? what : "the rest of the scope", scope);
		w->why = why;
		return;
	}
}

static void items_free(struct vb_aml *a)
{
	size_t i;

	for (i = 0; i < a->nitems; i++)
		free(a->items[i].path);
	for (i = 0; i < a->nbads; i++)
		free(a->bads[i].scope);
	free(a->items);
	free(a->bads);
	a->items = NULL;
	a->bads = NULL;
	a->nitems = a->nbads = 0;
	a->truncated = 0;
}

void vb_aml_walk(struct vb_aml *a, const unsigned char *tbl, size_t len)
{
	struct nspace known = { NULL, 0, 0 };
	static struct npath root;	/* n = 0 */

	memset(a, 0, sizeof(*a));
	a->tbl = tbl;
	a->len = len;
	if (len <= VB_ACPI_HDR_LEN)
		return;
	for (;;) {
		struct walk w;

		memset(&w, 0, sizeof(w));
		w.a = a;
		w.t = tbl;
		w.len = len;
		w.known = &known;
		items_free(a);
		a->passes++;
		term_list(&w, VB_ACPI_HDR_LEN, len, &root, "the rest of the table");
		/* a name used before its Method was seen decodes right once
		 * the pass before has seen the Method; stop when nothing new
		 * was learnt (the arities only grow: at most a few passes) */
		if (ns_same(&w.seen, &known) || a->passes == 8) {
			ns_free(&w.seen);
			break;
		}
		ns_free(&known);
		known = w.seen;
	}
	ns_free(&known);
}

void vb_aml_free(struct vb_aml *a)
{
	items_free(a);
}

/* --- the search ------------------------------------------------------------ */

/* 1 when path ends with the formatted name nmf at a segment boundary */
static int path_ends(const char *path, const char *nmf)
{
	size_t pl = strlen(path), fl = strlen(nmf);

	return pl > fl && !strcmp(path + pl - fl, nmf) &&
	       (path[pl - fl - 1] == '.' || path[pl - fl - 1] == '\\');
}

/* The item holding table offset h, or NULL. */
static const struct vb_aml_item *item_at(const struct vb_aml *a, size_t h)
{
	size_t lo = 0, hi = a->nitems;

	while (lo < hi) {		/* the first item that starts after h */
		size_t mid = (lo + hi) / 2;

		if (a->items[mid].start <= h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && h < a->items[lo - 1].end)
		return &a->items[lo - 1];
	return NULL;
}

int vb_aml_find(const struct vb_aml *a, const struct vb_acpi_name *nm, const char *nmtext,
		size_t *pos, struct vb_aml_hit *hit)
{
	const unsigned char *t = a->tbl;
	size_t need = 4 * nm->nseg, h;

	if (!nm->nseg)
		return 0;
	for (h = *pos < VB_ACPI_HDR_LEN ? VB_ACPI_HDR_LEN : *pos; h + 4 <= a->len; h++) {
		const struct vb_aml_item *it = item_at(a, h);
		int bytes = h + need <= a->len && !memcmp(t + h, nm->seg, need);
		int named = it && it->type != VB_AML_STR && h >= it->first &&
			    (h - it->first) % 4 == 0;

		/* the end of a path the NameString does not spell in full */
		int tail = named && h + 4 == it->end && path_ends(it->path, nmtext) &&
			   !(it->end >= it->first + need && !memcmp(t + it->end - need, nm->seg, need));

		if (!bytes && !tail)
			continue;
		memset(hit, 0, sizeof(*hit));
		hit->off = h;
		*pos = h + 1;
		if (it) {
			hit->in = it->method ? a->items[it->method - 1].path : NULL;
			hit->cond = it->cond;
		}
		if (named && (h + need <= it->end || tail)) {
			hit->kind = it->kind;
			hit->path = it->path;
		} else if (it && it->type == VB_AML_STR) {
			hit->kind = "string";
			hit->path = nmtext;
		} else {
			if (named)
				continue;	/* part of a name, not the whole path */
			hit->kind = "bytes";
			hit->path = nmtext;
		}
		return 1;
	}
	*pos = a->len;
	return 0;
}

const struct vb_aml_item *vb_aml_find_def(const struct vb_aml *a, const char *path, size_t *idx)
{
	for (; *idx < a->nitems; (*idx)++) {
		const struct vb_aml_item *it = &a->items[*idx];

		if (it->type == VB_AML_DEF && !strcmp(it->path, path)) {
			(*idx)++;
			return it;
		}
	}
	return NULL;
}
