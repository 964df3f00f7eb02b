/* libFuzzer target for lib/xml (tokenizer) and lib/xml/domxml* (rewriter).
 *
 * Input: two control bytes, then the document. Byte 0 picks the buffer
 * size and read size of a second, streamed tokenization; byte 1 picks the
 * edits. Checked, besides the sanitizers:
 *   - the tokens of a well-formed document cover it exactly (BOM aside);
 *   - streaming through a small buffer gives the same bytes and the same
 *     verdict (error, line, column) as tokenizing it in memory;
 *   - edits on a well-formed <domain> give a well-formed document, and the
 *     same edits on that output plan no change (idempotence). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml/domxml.h"
#include "xml/xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct mr {
	const char *d;
	size_t len, pos, step;
};

static ssize_t mr_read(void *ctx, void *buf, size_t n)
{
	struct mr *m = ctx;

	if (n > m->step)
		n = m->step;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(buf, m->d + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

struct sink {
	char *b;
	size_t len;
};

static int sink_out(void *ctx, const void *buf, size_t n)
{
	struct sink *s = ctx;

	s->b = realloc(s->b, s->len + n + 1);
	if (!s->b)
		abort();
	memcpy(s->b + s->len, buf, n);
	s->len += n;
	s->b[s->len] = 0;
	return 0;
}

/* Tokenize; concatenate the token bytes into cat (if given). */
static int tokenize(struct vb_xml *x, struct sink *cat)
{
	struct vb_xml_tok t;
	int r;

	while ((r = vb_xml_next(x, &t)) > 0)
		if (cat && t.len)
			sink_out(cat, t.p, t.len);
	return r;
}

static void pick_edits(struct vb_dx_edits *e, unsigned sel)
{
	memset(e, 0, sizeof(*e));
	e->hide_vm = sel & 1;
	if (sel & 2)
		e->vendor_id = "AB&'\"<x";
	if (sel & 4) {
		vb_bdf_parse("01:00.0", &e->hostdev[0].src);
		vb_bdf_parse("06:00.0", &e->hostdev[0].guest);
		e->hostdev[0].has_guest = (sel & 0x40) != 0;
		e->hostdev[0].rom = VB_DX_ROM_OFF;
		vb_bdf_parse("01:00.1", &e->hostdev[1].src);
		vb_bdf_parse("06:00.1", &e->hostdev[1].guest);
		e->hostdev[1].has_guest = 1;
		e->hostdev[1].rom = VB_DX_ROM_FILE;
		e->hostdev[1].rom_file = "/a&b.rom";
		e->nhostdev = 2;
	}
	if (sel & 8)
		e->shmem_mib = 64;
	else if (sel & 0x80)
		e->kvmfr_mib = 32;
	if (sel & 0x10) {
		e->acpitable[0] = "/ssdt1.dat";
		e->acpitable[1] = "/a,b.aml";
		e->nacpi = 2;
		e->no_memballoon = 1;
		e->video_none = 1;
	}
	if (sel & 0x20) {
		vb_bdf_parse("01:00.0", &e->subsys[0].bdf);
		e->subsys[0].svid = 0x1025;
		e->subsys[0].sdid = 0x118b;
		e->nsubsys = (sel & 4) ? 1 : 0;
		e->fwcfg[0].name = "opt/com.lion328/nvidia-rom";
		e->fwcfg[0].file = "/rom.bin";
		e->nfwcfg = 1;
		e->hotplug_off = 1;
		e->hotplug_bus[0] = 1;
		e->nhotplug_bus = (sel & 0x40) ? 1 : 0;
	}
}

static char *apply(const struct vb_dx_edits *e, const char *doc, size_t len, size_t *outlen, size_t *npatches, int *rc)
{
	struct vb_xml *x = malloc(sizeof(*x));
	struct vb_dx_plan p;
	struct sink s = { NULL, 0 };

	if (!x)
		abort();
	vb_xml_init_mem(x, doc, len, "domain");
	*rc = vb_dx_plan(e, x, &p);
	free(x);
	if (*rc < 0)
		return NULL;
	*npatches = p.npatches;
	sink_out(&s, "", 0);
	if (vb_dx_apply_mem(&p, doc, len, sink_out, &s) < 0)
		abort();
	vb_dx_plan_free(&p);
	*outlen = s.len;
	return s.b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[8192];
	struct vb_xml *x, *y;
	struct sink a = { NULL, 0 }, b = { NULL, 0 };
	struct vb_dx_edits e;
	struct mr m;
	char *doc, *out, *again;
	size_t len, olen, alen, np, skip;
	int r1, r2, rc;

	if (size < 2)
		return 0;
	len = size - 2;
	doc = malloc(len + 1);
	x = malloc(sizeof(*x));
	y = malloc(sizeof(*y));
	if (!doc || !x || !y)
		abort();
	memcpy(doc, data + 2, len);
	doc[len] = 0;

	vb_xml_init_mem(x, doc, len, "domain");
	r1 = tokenize(x, &a);
	m = (struct mr){ doc, len, 0, 1 + (data[0] & 15) * 37 };
	vb_xml_init(y, buf, 128 + (size_t)(data[0] >> 4) * 500, mr_read, &m, "domain");
	r2 = tokenize(y, &b);
	if (r2 != VB_XML_ELIMIT) {
		if (r1 != r2 || x->err_line != y->err_line || x->err_col != y->err_col)
			abort();
		/* The bytes handed out agree up to the error (or all of them). */
		if (r1 == 0 && (a.len != b.len || (a.len && memcmp(a.b, b.b, a.len))))
			abort();
	}
	skip = len >= 3 && !memcmp(doc, "\xef\xbb\xbf", 3) ? 3 : 0;
	if (r1 == 0 && (a.len != len - skip || (a.len && memcmp(a.b, doc + skip, a.len))))
		abort();

	if (r1 == 0) {
		pick_edits(&e, data[1]);
		out = apply(&e, doc, len, &olen, &np, &rc);
		if (out) {
			vb_xml_init_mem(x, out, olen, "domain");
			if (tokenize(x, NULL) != 0) {
				fprintf(stderr, "fuzz: output not well-formed: %s at %lu:%lu\n%s\n", vb_xml_error(x),
					x->err_line, x->err_col, out);
				abort();
			}
			again = apply(&e, out, olen, &alen, &np, &rc);
			if (!again || np || alen != olen || memcmp(again, out, olen)) {
				fprintf(stderr, "fuzz: not idempotent (rc %d, %zu patches)\n--- first\n%s\n--- second\n%s\n",
					rc, np, out, again ? again : "(failed)");
				abort();
			}
			free(again);
			free(out);
		}
	}
	free(a.b);
	free(b.b);
	free(doc);
	free(x);
	free(y);
	return 0;
}
