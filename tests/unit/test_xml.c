/* Unit tests for lib/xml/xml.c: tokens, positions, chunking, every refusal. */
#include "unit.h"

#include "xml/xml.h"

/* A reader over memory handing out at most `step` bytes per call. */
struct mr {
	const char *d;
	size_t len, pos, step;
	int fail_at;		/* fail (EIO) once pos reaches this, -1 never */
};

static ssize_t mr_read(void *ctx, void *buf, size_t n)
{
	struct mr *m = ctx;

	if (m->fail_at >= 0 && m->pos >= (size_t)m->fail_at) {
		errno = EIO;
		return -1;
	}
	if (n > m->step)
		n = m->step;
	if (n > m->len - m->pos)
		n = m->len - m->pos;
	memcpy(buf, m->d + m->pos, n);
	m->pos += n;
	return (ssize_t)n;
}

/* Tokenize s through a cap-byte buffer; return the last code (0 EOF or an
 * error); append every token's bytes to cat (if not NULL). */
static int run(struct vb_xml *x, const char *s, size_t cap, size_t step, char *cat, size_t *ntok)
{
	static char buf[1 << 16];
	struct mr m = { s, strlen(s), 0, step, -1 };
	struct vb_xml_tok t;
	size_t off = 0, n = 0;
	int r;

	vb_xml_init(x, buf, cap, mr_read, &m, "domain");
	while ((r = vb_xml_next(x, &t)) > 0) {
		if (cat) {
			memcpy(cat + off, t.p, t.len);
			off += t.len;
			cat[off] = 0;
		}
		n++;
	}
	if (ntok)
		*ntok = n;
	return r;
}

static struct vb_xml *newx(void)
{
	struct vb_xml *x = calloc(1, sizeof(*x));

	assert_non_null(x);
	return x;
}

static void test_tokens(void **state)
{
	const char doc[] = "<?xml version='1.0'?>\n<!-- c -->\n<domain type='kvm' id=\"1\">\n"
			   "  <name>a&amp;b</name>\n  <x/><![CDATA[<raw>]]><?pi data?>\n</domain>\n";
	static const int want[] = {
		VB_XML_DECL, VB_XML_TEXT, VB_XML_COMMENT, VB_XML_TEXT, VB_XML_START, VB_XML_TEXT,
		VB_XML_START, VB_XML_TEXT, VB_XML_END, VB_XML_TEXT, VB_XML_EMPTY, VB_XML_CDATA,
		VB_XML_PI, VB_XML_TEXT, VB_XML_END, VB_XML_TEXT, VB_XML_EOF,
	};
	struct vb_xml *x = newx();
	struct vb_xml_tok t;
	size_t i;

	(void)state;
	vb_xml_init_mem(x, doc, strlen(doc), "domain");
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(vb_xml_next(x, &t), want[i]);
		if (i == 4) {
			assert_true(vb_xml_name_is(&t, "domain"));
			assert_int_equal(t.line, 3);
			assert_int_equal(t.col, 1);
			assert_int_equal(t.depth, 1);
			assert_int_equal(t.nattrs, 2);
			assert_int_equal(t.attrs[0].quote, '\'');
			assert_int_equal(t.attrs[1].quote, '"');
			assert_non_null(vb_xml_attr(&t, "id"));
			assert_null(vb_xml_attr(&t, "i"));
			assert_memory_equal(vb_xml_attr(&t, "type")->val, "kvm", 3);
			assert_int_equal(t.off, 33);
		}
		if (i == 7) {
			assert_memory_equal(t.p, "a&amp;b", 7);
			assert_int_equal(t.ws, 0);
			assert_int_equal(t.line, 4);
			assert_int_equal(t.col, 9);
		}
		if (i == 5)
			assert_int_equal(t.ws, 1);
		if (i == 10) {
			assert_true(vb_xml_name_is(&t, "x"));
			assert_int_equal(t.depth, 2);
		}
		if (i == 12)
			assert_memory_equal(t.name, "pi", 2);
	}
	assert_int_equal(vb_xml_next(x, &t), VB_XML_EOF);	/* stays at the end */
	free(x);
}

/* Tokens cover the input exactly, whatever the buffer size and read sizes. */
static void test_cover(void **state)
{
	const char *doc = "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\" standalone='no'?>\r\n"
			  "<!DOCTYPE domain SYSTEM \"x.dtd\" [\n <!ELEMENT a (b)>\n <!-- x --> <?p?> ]>\n"
			  "<domain>\r\n  <a b='1' c=\"&#x41;&#66;\">text with ]] and > and \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80</a>\r\n"
			  "  <!-- a long comment - with dashes - - and more text to cross the buffer -->\r\n"
			  "  <![CDATA[ ]] ]> <not a tag> ]]>\r\n  <?target some ? data?>\r"
			  "  <e/>  <f\n g\n =\n 'h'\n />\n</domain>\r\n<!-- after -->\n";
	char *cat = malloc(strlen(doc) + 1);
	size_t cap, step, n;

	(void)state;
	for (cap = 120; cap <= 4096; cap = cap * 3 / 2) {
		for (step = 1; step < 300; step = step * 2 + 1) {
			struct vb_xml *x = newx();

			assert_int_equal(run(x, doc, cap, step, cat, &n), VB_XML_EOF);
			assert_string_equal(cat, doc + 3);	/* all but the BOM */
			free(x);
		}
	}
	free(cat);
}

static void test_chunks(void **state)
{
	char doc[600];
	struct vb_xml *x = newx();
	struct mr m;
	struct vb_xml_tok t;
	char buf[128];
	int r, texts = 0, firsts = 0, lasts = 0;

	(void)state;
	strcpy(doc, "<domain>");
	memset(doc + 8, 'y', 500);
	strcpy(doc + 508, "</domain>");
	m = (struct mr){ doc, strlen(doc), 0, 1000, -1 };
	vb_xml_init(x, buf, sizeof(buf), mr_read, &m, NULL);
	while ((r = vb_xml_next(x, &t)) > 0)
		if (r == VB_XML_TEXT) {
			texts++;
			firsts += t.first;
			lasts += t.last;
		}
	assert_int_equal(r, VB_XML_EOF);
	assert_true(texts > 3);
	assert_int_equal(firsts, 1);
	assert_int_equal(lasts, 1);
	free(x);
}

static void test_positions(void **state)
{
	struct vb_xml *x = newx();
	struct vb_xml_tok t;
	const char *doc = "\xef\xbb\xbf<domain>\r\n\r<a/>\n\r\n  <b/></domain>";

	(void)state;
	vb_xml_init_mem(x, doc, strlen(doc), NULL);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_START);
	assert_int_equal(t.line, 1);
	assert_int_equal(t.col, 1);	/* the BOM is not a column */
	assert_int_equal(vb_xml_next(x, &t), VB_XML_TEXT);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_EMPTY);
	assert_int_equal(t.line, 3);	/* CR LF, then a lone CR */
	assert_int_equal(t.col, 1);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_TEXT);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_EMPTY);
	assert_int_equal(t.line, 5);
	assert_int_equal(t.col, 3);
	free(x);
}

struct bad {
	const char *doc;
	int code;
	unsigned long line, col;
	const char *msg;
};

static const struct bad bad[] = {
	{ "", VB_XML_ESYNTAX, 1, 1, "no root element" },
	{ "  \n ", VB_XML_ESYNTAX, 2, 2, "no root element" },
	{ "<domain>", VB_XML_ESYNTAX, 1, 9, "<domain> (line 1) is not closed" },
	{ "<domain>\n <devices>\n  <a>\n</domain>", VB_XML_ESYNTAX, 4, 1,
	  "mismatched end tag </domain>: expected </a> (opened at line 3)" },
	{ "<domain></domainx>", VB_XML_ESYNTAX, 1, 9, "mismatched end tag" },
	{ "<domain></domain></domain>", VB_XML_ESYNTAX, 1, 18, "end tag </domain> without a start tag" },
	{ "<domain a='1", VB_XML_ESYNTAX, 1, 1, "start tag <domain> is not closed" },
	{ "<domain><!-- x", VB_XML_ESYNTAX, 1, 9, "comment is not closed" },
	{ "<domain><![CDATA[ x", VB_XML_ESYNTAX, 1, 9, "CDATA section is not closed" },
	{ "<domain><?p x", VB_XML_ESYNTAX, 1, 9, "processing instruction is not closed" },
	{ "<domain></dom", VB_XML_ESYNTAX, 1, 9, "end tag is not closed" },
	{ "<domain><dom", VB_XML_ESYNTAX, 1, 9, "start tag is not closed" },
	{ "<domain><?pi", VB_XML_ESYNTAX, 1, 9, "processing instruction is not closed" },
	{ "<domain", VB_XML_ESYNTAX, 1, 1, "start tag is not closed" },
	{ "<domain><", VB_XML_ESYNTAX, 1, 9, "unexpected end of input in markup" },
	{ "<domain><!-", VB_XML_ESYNTAX, 1, 9, "unexpected end of input in markup" },
	{ "<domain>&foo;</domain>", VB_XML_ESYNTAX, 1, 9, "undefined entity &foo;" },
	{ "<domain>&#0;</domain>", VB_XML_ESYNTAX, 1, 9, "character XML forbids" },
	{ "<domain>&#xD800;</domain>", VB_XML_ESYNTAX, 1, 9, "character XML forbids" },
	{ "<domain>&#x110000;</domain>", VB_XML_ESYNTAX, 1, 9, "character XML forbids" },
	{ "<domain>&#x;</domain>", VB_XML_ESYNTAX, 1, 9, "malformed character reference" },
	{ "<domain>&#12a;</domain>", VB_XML_ESYNTAX, 1, 9, "malformed character reference" },
	{ "<domain>a & b</domain>", VB_XML_ESYNTAX, 1, 11, "'&' must start a reference" },
	{ "<domain a='&lt'/>", VB_XML_ESYNTAX, 1, 12, "'&' must start a reference" },
	{ "<domain a='&nbsp;'/>", VB_XML_ESYNTAX, 1, 12, "undefined entity &nbsp;" },
	{ "<domain a='<'/>", VB_XML_ESYNTAX, 1, 12, "'<' is not allowed in an attribute value" },
	{ "<domain a=1/>", VB_XML_ESYNTAX, 1, 11, "must be quoted" },
	{ "<domain a/>", VB_XML_ESYNTAX, 1, 10, "expected '=' after attribute a" },
	{ "<domain a='1'b='2'/>", VB_XML_ESYNTAX, 1, 14, "expected whitespace before an attribute" },
	{ "<domain a='1' a='2'/>", VB_XML_ESYNTAX, 1, 15, "duplicate attribute a" },
	{ "<domain><1a/></domain>", VB_XML_ESYNTAX, 1, 10, "'1' after '<'" },
	{ "<domain><a -b='1'/></domain>", VB_XML_ESYNTAX, 1, 12, "a name cannot start with '-'" },
	{ "<domain><a\xc3\x97/></domain>", VB_XML_ESYNTAX, 1, 11, "invalid character" },
	{ "<domain></a b></domain>", VB_XML_ESYNTAX, 1, 13, "expected '>' in end tag </a>" },
	{ "<domain>< a/></domain>", VB_XML_ESYNTAX, 1, 10, "0x20 after '<'" },
	{ "<domain/ >", VB_XML_ESYNTAX, 1, 9, "expected '>' after '/'" },
	{ "x<domain/>", VB_XML_ESYNTAX, 1, 1, "text 'x' before the root element" },
	{ "\n <domain/>\n\n  y", VB_XML_ESYNTAX, 4, 3, "text 'y' after the root element" },
	{ "<domain/><domain/>", VB_XML_ESYNTAX, 1, 10, "element <domain> after the root element" },
	{ "<domain/><![CDATA[x]]>", VB_XML_ESYNTAX, 1, 10, "CDATA section outside the root element" },
	{ "<!DOCTYPE domain [<!ENTITY x 'y'>]><domain/>", VB_XML_EUNSUP, 1, 19, "DOCTYPE declares entities" },
	{ "<!DOCTYPE domain [<!ATTLIST domain a CDATA 'y'>]><domain/>", VB_XML_EUNSUP, 1, 19, "ATTLIST" },
	{ "<!DOCTYPE domain [%pe;]><domain/>", VB_XML_EUNSUP, 1, 19, "parameter entity" },
	{ "<!DOCTYPE domain [<!FOO>]><domain/>", VB_XML_ESYNTAX, 1, 19, "unsupported markup" },
	{ "<!DOCTYPE domain><!DOCTYPE domain><domain/>", VB_XML_ESYNTAX, 1, 18, "a second DOCTYPE" },
	{ "<domain><!DOCTYPE domain></domain>", VB_XML_ESYNTAX, 1, 9, "DOCTYPE inside an element" },
	{ "<domain/><!DOCTYPE domain>", VB_XML_ESYNTAX, 1, 10, "DOCTYPE after the root element" },
	{ "<!DOCTYPE domain PUBLIC \"a{b\" \"c\"><domain/>", VB_XML_ESYNTAX, 1, 27, "not allowed in a public id" },
	{ "<!DOCTYPE domain", VB_XML_ESYNTAX, 1, 1, "DOCTYPE is not closed" },
	{ "<foo/>", VB_XML_EROOT, 1, 1, "the root element is <foo>, expected <domain>" },
	{ "<domain><?xml version='1.0'?></domain>", VB_XML_ESYNTAX, 1, 9, "only allowed at the very start" },
	{ " <?xml version='1.0'?><domain/>", VB_XML_ESYNTAX, 1, 2, "only allowed at the very start" },
	{ "<domain><?XmL a?></domain>", VB_XML_ESYNTAX, 1, 9, "target 'XmL' is reserved" },
	{ "<?xml version='2.0'?><domain/>", VB_XML_ESYNTAX, 1, 16, "unsupported XML version" },
	{ "<?xml encoding='utf-8'?><domain/>", VB_XML_ESYNTAX, 1, 7, "must start with version" },
	{ "<?xml version='1.0' encoding='ISO-8859-1'?><domain/>", VB_XML_EUNSUP, 1, 31,
	  "encoding 'ISO-8859-1' is not supported" },
	{ "<?xml version='1.0' standalone='maybe'?><domain/>", VB_XML_ESYNTAX, 1, 33, "standalone must be" },
	{ "<?xml version='1.0'><domain/>", VB_XML_ESYNTAX, 1, 20, "expected whitespace" },
	{ "<?xml?><domain/>", VB_XML_ESYNTAX, 1, 1, "needs a version" },
	{ "\xff\xfe<\0d\0", VB_XML_EUNSUP, 1, 1, "UTF-16" },
	{ "<domain>\xc3</domain>", VB_XML_ESYNTAX, 1, 9, "invalid UTF-8" },
	{ "<domain>\xed\xa0\x80</domain>", VB_XML_ESYNTAX, 1, 9, "invalid UTF-8" },
	{ "<domain>\xef\xbf\xbe</domain>", VB_XML_ESYNTAX, 1, 9, "XML forbids" },
	{ "<domain>\xe0\x80\xaf</domain>", VB_XML_ESYNTAX, 1, 9, "invalid UTF-8" },
	{ "<domain>\x01</domain>", VB_XML_ESYNTAX, 1, 9, "control character 0x01" },
	{ "<domain a='\x1f'/>", VB_XML_ESYNTAX, 1, 12, "control character 0x1f" },
	{ "<domain>a]]>b</domain>", VB_XML_ESYNTAX, 1, 10, "']]>' is not allowed in text" },
	{ "<domain><!-- a -- b --></domain>", VB_XML_ESYNTAX, 1, 16, "'--' is not allowed inside a comment" },
	{ "<domain><!-- a ---></domain>", VB_XML_ESYNTAX, 1, 16, "'--' is not allowed" },
	{ "<domain><!- x --></domain>", VB_XML_ESYNTAX, 1, 9, "malformed comment" },
	{ "<domain><!FOO></domain>", VB_XML_ESYNTAX, 1, 9, "unexpected markup" },
};

static void test_bad(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad *b = &bad[i];
		size_t len = b->doc[0] == '\xff' ? 6 : strlen(b->doc);
		char *copy = malloc(len + 1);
		struct vb_xml *x = newx();
		struct vb_xml_tok t;
		int r;

		memcpy(copy, b->doc, len);
		copy[len] = 0;
		vb_xml_init_mem(x, copy, len, "domain");
		while ((r = vb_xml_next(x, &t)) > 0)
			;
		if (r != b->code || x->err_line != b->line || x->err_col != b->col ||
		    !strstr(vb_xml_error(x), b->msg))
			fail_msg("case %zu '%s': got %d at %lu:%lu '%s', want %d at %lu:%lu '%s'", i, b->doc, r,
				 x->err_line, x->err_col, vb_xml_error(x), b->code, b->line, b->col, b->msg);
		assert_int_equal(vb_xml_next(x, &t), r);	/* errors stick */
		/* The same through a tiny buffer and one-byte reads. */
		if (b->code != VB_XML_EUNSUP || b->doc[0] != '\xff') {
			struct vb_xml *y = newx();
			static char buf[256];
			struct mr m = { copy, len, 0, 1, -1 };

			vb_xml_init(y, buf, sizeof(buf), mr_read, &m, "domain");
			while ((r = vb_xml_next(y, &t)) > 0)
				;
			if (r != b->code || y->err_line != b->line || y->err_col != b->col)
				fail_msg("case %zu (streamed): got %d at %lu:%lu '%s'", i, r, y->err_line, y->err_col,
					 vb_xml_error(y));
			free(y);
		}
		free(x);
		free(copy);
	}
}

static void test_limits(void **state)
{
	struct vb_xml *x = newx();
	size_t n = VB_XML_MAX_DEPTH + 1, i;
	char *d = malloc(n * 8 + 64), *p = d;
	struct vb_xml_tok t;
	int r;

	(void)state;
	p += sprintf(p, "<domain>");
	for (i = 1; i < n; i++)
		p += sprintf(p, "<a>");
	vb_xml_init_mem(x, d, strlen(d), "domain");
	while ((r = vb_xml_next(x, &t)) > 0)
		;
	assert_int_equal(r, VB_XML_ELIMIT);
	assert_non_null(strstr(vb_xml_error(x), "nested more than 256"));

	p = d + sprintf(d, "<domain");
	for (i = 0; i <= VB_XML_MAX_ATTRS; i++)
		p += sprintf(p, " a%zu='1'", i);
	strcpy(p, "/>");
	vb_xml_init_mem(x, d, strlen(d), "domain");
	assert_int_equal(vb_xml_next(x, &t), VB_XML_ELIMIT);
	assert_non_null(strstr(vb_xml_error(x), "more than 64 attributes"));
	free(d);

	d = malloc(VB_XML_MAX_NAME + 64);
	strcpy(d, "<domain><");
	memset(d + 9, 'n', VB_XML_MAX_NAME + 1);
	strcpy(d + 9 + VB_XML_MAX_NAME + 1, "/></domain>");
	vb_xml_init_mem(x, d, strlen(d), "domain");
	assert_int_equal(vb_xml_next(x, &t), VB_XML_START);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_ELIMIT);
	assert_non_null(strstr(vb_xml_error(x), "name longer than 1024"));
	free(d);

	/* A tag longer than the buffer. */
	d = malloc(400);
	strcpy(d, "<domain a='");
	memset(d + 11, 'v', 300);
	strcpy(d + 311, "'/>");
	assert_int_equal(run(x, d, 128, 1000, NULL, NULL), VB_XML_ELIMIT);
	assert_non_null(strstr(vb_xml_error(x), "longer than the 127-byte buffer"));
	free(d);
	free(x);
}

static void test_read_error(void **state)
{
	struct vb_xml *x = newx();
	struct mr m = { "<domain><a/></domain>", 21, 0, 4, 8 };
	struct vb_xml_tok t;
	char buf[128];
	int r;

	(void)state;
	vb_xml_init(x, buf, sizeof(buf), mr_read, &m, "domain");
	while ((r = vb_xml_next(x, &t)) > 0)
		;
	assert_int_equal(r, VB_XML_EIO);
	assert_int_equal(x->err_errno, EIO);
	free(x);
}

static void test_accepts(void **state)
{
	static const char *const ok[] = {
		"<domain/>",
		"<domain></domain >",
		"<!DOCTYPE domain><domain/>",
		"<!DOCTYPE domain PUBLIC '-//x//y' 'z.dtd'><domain/>",
		"<!DOCTYPE domain [ <!NOTATION n SYSTEM 'x>y'> ]><domain/>",
		"<?xml version='1.1' encoding='US-ASCII'?><domain/>",
		"<domain>&#x10FFFF;&#60;&#x3c;&apos;</domain>",
		"<domain a='&quot;\"' b=\"'&gt;\"/>",
		"<domain><!----></domain>",
		"<domain><!-- - --></domain>",
		"<domain><?p?></domain>",
		"<domain xmlns:q='u'><q:a/><_b.c-d:e/></domain>",
		"<domain><\xc3\xa9l\xc2\xb7/></domain>",
		"<domain>]]</domain>",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct vb_xml *x = newx();

		if (run(x, ok[i], 4096, 3, NULL, NULL) != VB_XML_EOF)
			fail_msg("'%s': %s at %lu:%lu", ok[i], vb_xml_error(x), x->err_line, x->err_col);
		free(x);
	}
}

static void test_skip(void **state)
{
	const char doc[] = "<domain><a x='1'><b>t<!--c--></b><c/></a><d/></domain>";
	const char broken[] = "<domain><a><b>&bad;</b></a></domain>";
	struct vb_xml *x = newx();
	struct vb_xml_tok t;

	(void)state;
	vb_xml_init_mem(x, doc, strlen(doc), "domain");
	assert_int_equal(vb_xml_skip(x, &t), VB_XML_EOF);	/* nothing open yet */
	assert_int_equal(vb_xml_next(x, &t), VB_XML_START);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_START);	/* <a> */
	assert_int_equal(vb_xml_skip(x, &t), VB_XML_END);
	assert_true(vb_xml_name_is(&t, "a"));
	assert_int_equal(t.depth, 2);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_EMPTY);
	assert_true(vb_xml_name_is(&t, "d"));
	assert_int_equal(vb_xml_skip(x, &t), VB_XML_END);	/* the rest of <domain> */
	assert_int_equal(t.depth, 1);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_EOF);
	/* What is skipped is still checked. */
	vb_xml_init_mem(x, broken, strlen(broken), "domain");
	assert_int_equal(vb_xml_next(x, &t), VB_XML_START);
	assert_int_equal(vb_xml_next(x, &t), VB_XML_START);
	assert_int_equal(vb_xml_skip(x, &t), VB_XML_ESYNTAX);
	assert_int_equal(x->err_col, 15);
	assert_non_null(strstr(vb_xml_error(x), "undefined entity &bad;"));
	free(x);
}

static void test_values(void **state)
{
	char out[64];
	const char raw[] = "a&lt;b&amp;&#x41;&#66;\r\n\tc&apos;&quot;&gt;&#x20AC;";

	(void)state;
	assert_int_equal(vb_xml_attr_decode(raw, strlen(raw), out, sizeof(out)), 15);
	assert_string_equal(out, "a<b&AB  c'\">\xe2\x82\xac");
	assert_int_equal(vb_xml_attr_decode(raw, strlen(raw), out, 4), -ENOSPC);
	assert_int_equal(vb_xml_escape("a<b>&'\"\n", out, sizeof(out)), 32);
	assert_string_equal(out, "a&lt;b&gt;&amp;&apos;&quot;&#10;");
	assert_int_equal(vb_xml_escape("\x01", out, sizeof(out)), -EINVAL);
	assert_int_equal(vb_xml_escape("\xc3", out, sizeof(out)), -EINVAL);
	assert_int_equal(vb_xml_escape("abcdef", out, 4), -ENOSPC);
	assert_int_equal(vb_xml_escape("\xc3\xa9", out, sizeof(out)), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_cover),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_positions),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_values),
	};

	return cmocka_run_group_tests_name("xml", tests, NULL, NULL);
}
