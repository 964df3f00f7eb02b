/* xml: strict pull tokenizer (see xml.h for the contract and the limits).
 *
 * Every scanner works on [s, e), the unread bytes in the buffer. A scanner
 * that runs out of bytes before it can decide returns MORE: tags and
 * declarations are then scanned again from their first byte once the buffer
 * has been refilled (the line counters are put back first), chunked tokens
 * hand out what they have and go on from there. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xml/xml.h"

#define MORE 1000
#define AGAIN 1001
#define ATEOF 1002	/* name(): the input ended inside the name */
#define U(p) ((const unsigned char *)(p))

/* The binary is built -Oz; the few functions every byte goes through are
 * built -O2 (HOT) with the small scanners forced inline (INLINE): 40% more
 * throughput in bench/domxml for 3.7 KiB of code, where -O2 for the whole
 * file costs 8.5 KiB. */
#define INLINE static inline __attribute__((always_inline))
#if defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((optimize("O2")))
#else
#define HOT
#endif

enum { ST_START, ST_DECL, ST_PROLOG, ST_CONTENT, ST_EPILOG, ST_DONE };

/* Byte classes. GEN: bytes every scanner must look at (line ends, control
 * characters that XML forbids, the first byte of a multibyte sequence). */
enum {
	C_NS = 1,	/* ASCII name start */
	C_NC = 2,	/* ASCII name character */
	C_WS = 4,	/* S: space, tab, CR, LF */
	C_GEN = 8,
	C_LT = 16,	/* < */
	C_AMP = 32,	/* & */
	C_RB = 64,	/* ] */
	C_DASH = 128,	/* - */
	C_QM = 256,	/* ? */
	C_SQ = 512,	/* ' */
	C_DQ = 1024,	/* " */
	C_GT = 2048,	/* > */
};

static uint16_t cls[256];

static void cls_init(void)
{
	int c;

	if (cls['a'])
		return;
	for (c = 0; c < 256; c++) {
		uint16_t f = 0;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':')
			f |= C_NS | C_NC;
		if ((c >= '0' && c <= '9') || c == '-' || c == '.')
			f |= C_NC;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			f |= C_WS;
		if ((c < 0x20 && c != '\t') || c >= 0x80)
			f |= C_GEN;
		if (c == '<')
			f |= C_LT;
		if (c == '&')
			f |= C_AMP;
		if (c == ']')
			f |= C_RB;
		if (c == '-')
			f |= C_DASH;
		if (c == '?')
			f |= C_QM;
		if (c == '\'')
			f |= C_SQ;
		if (c == '"')
			f |= C_DQ;
		if (c == '>')
			f |= C_GT;
		cls[c] = f;
	}
}

/* ---- errors and positions -------------------------------------------- */

static uint64_t offp(const struct vb_xml *x, const unsigned char *p)
{
	return x->base + (uint64_t)((const char *)p - x->buf);
}

static int fail_at(struct vb_xml *x, int code, unsigned long line, unsigned long col,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int fail_at(struct vb_xml *x, int code, unsigned long line, unsigned long col,
		   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(x->errmsg, sizeof(x->errmsg), fmt, ap);
	va_end(ap);
	x->err = code;
	x->err_line = line;
	x->err_col = col;
	return code;
}

/* Fail at p, which is on the current line (at or after the last line end
 * the scanners have counted). */
#define fail(x, code, p, ...) \
	fail_at((x), (code), (x)->line, (unsigned long)(offp((x), (p)) - (x)->line_start + 1), __VA_ARGS__)

/* Count the line end at p (CR, LF, or the LF of CR LF). */
INLINE void newline(struct vb_xml *x, const unsigned char *p)
{
	uint64_t o = offp(x, p);

	if (*p == '\r') {
		x->line++;
		x->cr_next = o + 1;
	} else if (x->cr_next != o) {
		x->line++;
	}
	x->line_start = o + 1;
}

/* Printable form of a byte for messages. */
static const char *show(unsigned c, char *buf)
{
	if (c >= 0x21 && c < 0x7f)
		snprintf(buf, 8, "'%c'", c);
	else
		snprintf(buf, 8, "0x%02x", c);
	return buf;
}

/* Equal byte strings of length n (inline: names are short). */
static inline int same(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	while (n && *x == *y)
		x++, y++, n--;
	return n == 0;
}

/* ---- UTF-8 and characters -------------------------------------------- */

/* Decode one UTF-8 sequence at p (p < e, *p >= 0x80). Returns its length,
 * 0 if it runs past e, -1 if it is not valid UTF-8 or not an XML Char. */
static int u8(const unsigned char *p, const unsigned char *e, uint32_t *cp)
{
	unsigned c = p[0], n, i;
	uint32_t v;

	if (c < 0xc2)
		return -1;
	if (c < 0xe0) {
		n = 2;
		v = c & 0x1f;
	} else if (c < 0xf0) {
		n = 3;
		v = c & 0x0f;
	} else if (c < 0xf5) {
		n = 4;
		v = c & 0x07;
	} else {
		return -1;
	}
	for (i = 1; i < n; i++) {
		if (p + i >= e)
			return 0;
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		v = (v << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10ffff)))
		return -1;
	if ((v >= 0xd800 && v <= 0xdfff) || v == 0xfffe || v == 0xffff)
		return -1;
	*cp = v;
	return (int)n;
}

static int is_char(uint32_t v)
{
	return v == 0x9 || v == 0xa || v == 0xd || (v >= 0x20 && v <= 0xd7ff) ||
	       (v >= 0xe000 && v <= 0xfffd) || (v >= 0x10000 && v <= 0x10ffff);
}

static int name_start_cp(uint32_t v)
{
	return (v >= 0xc0 && v <= 0xd6) || (v >= 0xd8 && v <= 0xf6) ||
	       (v >= 0xf8 && v <= 0x2ff) || (v >= 0x370 && v <= 0x37d) ||
	       (v >= 0x37f && v <= 0x1fff) || (v >= 0x200c && v <= 0x200d) ||
	       (v >= 0x2070 && v <= 0x218f) || (v >= 0x2c00 && v <= 0x2fef) ||
	       (v >= 0x3001 && v <= 0xd7ff) || (v >= 0xf900 && v <= 0xfdcf) ||
	       (v >= 0xfdf0 && v <= 0xfffd) || (v >= 0x10000 && v <= 0xeffff);
}

static int name_cp(uint32_t v)
{
	return name_start_cp(v) || v == 0xb7 || (v >= 0x300 && v <= 0x36f) ||
	       (v >= 0x203f && v <= 0x2040);
}

/* A GEN byte inside character data of any kind: count a line end, accept a
 * valid multibyte character, refuse the rest. Returns the bytes consumed,
 * 0 for MORE (sequence cut by e), or an error. */
static int gen(struct vb_xml *x, const unsigned char *p, const unsigned char *e, const char *where)
{
	uint32_t v;
	int n;
	char b[8];

	if (*p == '\n' || *p == '\r') {
		newline(x, p);
		return 1;
	}
	if (*p < 0x80)
		return fail(x, VB_XML_ESYNTAX, p, "control character %s is not allowed in %s",
			    show(*p, b), where);
	n = u8(p, e, &v);
	if (n == 0)
		return x->eof ? fail(x, VB_XML_ESYNTAX, p, "invalid UTF-8 (truncated sequence) in %s", where) : 0;
	if (n < 0)
		return fail(x, VB_XML_ESYNTAX, p, "invalid UTF-8 or a character XML forbids in %s", where);
	return n;
}

/* Many bytes at a time: skip to the first byte of [p, e) that is c1, c2 or
 * c3, below 0x20, or 0x80 and up; the byte loops that follow every call
 * finish the job and decide. SSE2 on x86-64 (16 bytes), else eight bytes in
 * a word on little-endian machines (the haszero trick can set bits above a
 * real match, never below one, so the lowest is exact), else nothing. */
#if defined(__SSE2__)
#include <emmintrin.h>
INLINE const unsigned char *skip8(const unsigned char *p, const unsigned char *e,
					 unsigned c1, unsigned c2, unsigned c3)
{
	const __m128i v1 = _mm_set1_epi8((char)c1), v2 = _mm_set1_epi8((char)c2), v3 = _mm_set1_epi8((char)c3);
	const __m128i sp = _mm_set1_epi8(0x20);

	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* signed: 0x80..0xff are negative, so below 0x20 too */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, v1), _mm_cmpeq_epi8(v, v2)),
					 _mm_or_si128(_mm_cmpeq_epi8(v, v3), _mm_cmplt_epi8(v, sp)));
		int bits = _mm_movemask_epi8(m);

		if (bits)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
	return p;
}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL
static inline uint64_t eqm(uint64_t v, unsigned c)
{
	uint64_t t = v ^ (ONES * c);

	return (t - ONES) & ~t & HIGHS;
}

INLINE const unsigned char *skip8(const unsigned char *p, const unsigned char *e,
					 unsigned c1, unsigned c2, unsigned c3)
{
	while (e - p >= 8) {
		uint64_t v, m;

		memcpy(&v, p, 8);
		m = eqm(v, c1) | eqm(v, c2) | eqm(v, c3) | ((v - ONES * 0x20) & ~v & HIGHS) | (v & HIGHS);
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
	return p;
}
#else
INLINE const unsigned char *skip8(const unsigned char *p, const unsigned char *e,
					 unsigned c1, unsigned c2, unsigned c3)
{
	(void)e;
	(void)c1;
	(void)c2;
	(void)c3;
	return p;
}
#endif

/* ---- names, references --------------------------------------------------- */

/* Scan a Name at p. Returns the end pointer; NULL with *st = MORE or an
 * error code. */
static const unsigned char *name_slow(struct vb_xml *x, const unsigned char *p, const unsigned char *e,
				      int *st, const char *what)
{
	const unsigned char *s = p;
	char b[8];

	if (cls[*p] & C_NS)
		p++;
	for (;;) {
		if (p > s)
			while (cls[*p] & C_NC)	/* the sentinel NUL at e stops this */
				p++;
		if (p == e) {
			*st = x->eof ? ATEOF : MORE;
			return NULL;
		}
		if (*p >= 0x80) {
			uint32_t v;
			int n = u8(p, e, &v);

			if (n == 0) {
				*st = x->eof ? fail(x, VB_XML_ESYNTAX, p, "invalid UTF-8 in %s", what) : MORE;
				return NULL;
			}
			if (n < 0 || !(p == s ? name_start_cp(v) : name_cp(v)))
				goto bad;
			p += n;
			continue;
		}
		break;
	}
	if (p == s)
		goto bad;
	if (p - s > VB_XML_MAX_NAME) {
		*st = fail(x, VB_XML_ELIMIT, s, "name longer than %d bytes", VB_XML_MAX_NAME);
		return NULL;
	}
	return p;
bad:
	*st = fail(x, VB_XML_ESYNTAX, p, "%s %s in %s", p == s ? "a name cannot start with" : "invalid character",
		   show(*p, b), what);
	return NULL;
}

/* The common case inline: an ASCII name followed by an ASCII byte. */
INLINE const unsigned char *name(struct vb_xml *x, const unsigned char *s, const unsigned char *e,
					int *st, const char *what)
{
	const unsigned char *p = s;

	if (cls[*p] & C_NS) {
		p++;
		while (cls[*p] & C_NC)
			p++;
		if (*p < 0x80 && p != e && p - s <= VB_XML_MAX_NAME)
			return p;
	}
	return name_slow(x, s, e, st, what);
}

/* A reference at p ('&'). Returns its length, 0 for MORE, or an error. */
static int ref(struct vb_xml *x, const unsigned char *p, const unsigned char *e, const char *where)
{
	const unsigned char *q = p + 1;
	static const char *const pre[] = { "lt", "gt", "amp", "apos", "quot" };
	size_t i;

	if (q < e && *q == '#') {
		uint32_t v = 0;
		int hex = 0, digits = 0;

		q++;
		if (q < e && *q == 'x') {
			hex = 1;
			q++;
		}
		for (; q < e; q++) {
			unsigned d;

			if (*q >= '0' && *q <= '9')
				d = *q - '0';
			else if (hex && *q >= 'a' && *q <= 'f')
				d = *q - 'a' + 10;
			else if (hex && *q >= 'A' && *q <= 'F')
				d = *q - 'A' + 10;
			else
				break;
			digits++;
			if (v <= 0x10ffff)
				v = v * (hex ? 16 : 10) + d;
		}
		if (q == e)
			return x->eof ? fail(x, VB_XML_ESYNTAX, p, "unterminated character reference in %s", where) : 0;
		if (*q != ';' || !digits)
			return fail(x, VB_XML_ESYNTAX, p, "malformed character reference in %s", where);
		if (!is_char(v))
			return fail(x, VB_XML_ESYNTAX, p, "character reference to a character XML forbids in %s", where);
		return (int)(q - p + 1);
	}
	while (q < e && (cls[*q] & C_NC))
		q++;
	if (q == e)
		return x->eof ? fail(x, VB_XML_ESYNTAX, p, "unterminated entity reference in %s", where) : 0;
	if (q < e && *q == ';') {
		for (i = 0; i < sizeof(pre) / sizeof(pre[0]); i++)
			if ((size_t)(q - p - 1) == strlen(pre[i]) && !memcmp(p + 1, pre[i], strlen(pre[i])))
				return (int)(q - p + 1);
		if (q - p > 1 && (cls[p[1]] & C_NS))
			return fail(x, VB_XML_ESYNTAX, p, "undefined entity &%.*s; in %s (only &lt; &gt; &amp; &apos; &quot; and character references)",
				    (int)(q - p - 1 > 40 ? 40 : q - p - 1), (const char *)p + 1, where);
	}
	return fail(x, VB_XML_ESYNTAX, p, "'&' must start a reference (write &amp;) in %s", where);
}

/* ---- the buffer ------------------------------------------------------------ */

void vb_xml_init(struct vb_xml *x, char *buf, size_t cap, vb_xml_read_fn fn, void *ctx, const char *root)
{
	cls_init();
	memset(x, 0, offsetof(struct vb_xml, names));
	x->read = fn;
	x->rctx = ctx;
	x->buf = buf;
	x->cap = cap;
	x->line = 1;
	x->cr_next = (uint64_t)-1;
	x->root = root;
	x->err = x->err_errno = 0;
	x->err_line = x->err_col = 0;
	x->errmsg[0] = 0;
	if (cap)
		buf[0] = 0;
}

void vb_xml_init_mem(struct vb_xml *x, const char *data, size_t len, const char *root)
{
	vb_xml_init(x, NULL, 0, NULL, NULL, root);
	x->buf = (char *)data;
	x->cap = len + 1;
	x->hi = len;
	x->eof = 1;
	x->mem = 1;
}

ssize_t vb_xml_fd_read(void *ctx, void *buf, size_t n)
{
	ssize_t r;

	do
		r = read(*(int *)ctx, buf, n);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Drop the bytes before keep, read more. 0 when something was read or the
 * end was reached, else an error. */
static int fill(struct vb_xml *x, size_t keep)
{
	ssize_t r;

	if (x->eof)
		return 0;
	if (keep) {
		memmove(x->buf, x->buf + keep, x->hi - keep);
		x->hi -= keep;
		x->pos -= keep;
		x->base += keep;
	}
	if (x->hi == x->cap - 1)
		return fail_at(x, VB_XML_ELIMIT, x->line, (unsigned long)(x->base + x->pos - x->line_start + 1),
			       "a tag or declaration longer than the %zu-byte buffer", x->cap - 1);
	r = x->read(x->rctx, x->buf + x->hi, x->cap - 1 - x->hi);
	if (r < 0) {
		x->err_errno = errno;
		return fail_at(x, VB_XML_EIO, x->line, 0, "read error: %s", strerror(errno));
	}
	if (r == 0)
		x->eof = 1;
	x->hi += (size_t)r;
	x->buf[x->hi] = 0;	/* the sentinel that stops every fast loop */
	return 0;
}

/* ---- tokens ------------------------------------------------------------------ */

static void tok(struct vb_xml *x, struct vb_xml_tok *t, int type, const unsigned char *s,
		const unsigned char *p, unsigned long line, unsigned long col)
{
	t->type = type;
	t->p = (const char *)s;
	t->len = (size_t)(p - s);
	t->off = offp(x, s);
	t->line = line;
	t->col = col;
	t->first = t->last = 1;
	t->ws = 0;
	t->name = NULL;
	t->name_len = 0;
	t->attrs = NULL;
	t->nattrs = 0;
	t->depth = x->depth;
	x->pos = (size_t)((const char *)p - x->buf);
}

static const char *open_name(const struct vb_xml *x, int *len)
{
	*len = x->name_len[x->depth - 1];
	return x->names + x->name_off[x->depth - 1];
}

static int unexpected_eof(struct vb_xml *x, const unsigned char *p)
{
	int n;
	const char *nm;

	if (x->state == ST_CONTENT) {
		nm = open_name(x, &n);
		return fail(x, VB_XML_ESYNTAX, p, "unexpected end of input: <%.*s> (line %lu) is not closed",
			    n > 60 ? 60 : n, nm, (unsigned long)x->name_line[x->depth - 1]);
	}
	return fail(x, VB_XML_ESYNTAX, p, "no root element");
}

/* Text: character data up to '<' (or the end, outside the root). */
static int scan_text(struct vb_xml *x, struct vb_xml_tok *t, const unsigned char *s, const unsigned char *e)
{
	const unsigned char *p = s, *q;
	unsigned long line = x->line, col = (unsigned long)(offp(x, s) - x->line_start + 1);
	int first = x->chunk != VB_XML_TEXT, last = 0, n, ws = 1;
	char b[8];

	/* Indentation between tags: whitespace up to '<'. */
	while (cls[*p] & C_WS) {
		if (*p == '\n' || *p == '\r')
			newline(x, p);
		p++;
	}
	if (*p == '<' && p != s) {
		tok(x, t, VB_XML_TEXT, s, p, line, col);
		t->first = first;
		t->ws = 1;
		x->chunk = 0;
		return VB_XML_TEXT;
	}
	if (x->state != ST_CONTENT && p != e && *p != '<')
		return fail(x, VB_XML_ESYNTAX, p, x->state == ST_EPILOG ? "text %s after the root element" :
			    "text %s before the root element", show(*p, b));
	for (;;) {
		p = skip8(p, e, '<', '&', ']');
		while (!(cls[*p] & (C_GEN | C_LT | C_AMP | C_RB)))
			p++;
		if (*p == '\n' && p < e) {
			newline(x, p++);
			continue;
		}
		if (p == e) {
			if (x->eof) {
				if (x->state == ST_CONTENT)
					return unexpected_eof(x, p);
				last = 1;
			}
			break;
		}
		if (*p == '<') {
			last = 1;
			break;
		}
		if (*p == '&') {
			n = ref(x, p, e, "text");
			if (n < 0)
				return n;
			if (n == 0)
				break;
			p += n;
			continue;
		}
		if (*p == ']') {
			if (p + 2 >= e && !x->eof)
				break;
			if (p + 2 < e && p[1] == ']' && p[2] == '>')
				return fail(x, VB_XML_ESYNTAX, p, "']]>' is not allowed in text");
			p++;
			continue;
		}
		n = gen(x, p, e, "text");
		if (n < 0)
			return n;
		if (n == 0)
			break;
		p += n;
	}
	if (!last && !x->eof && !((const char *)s == x->buf && x->hi == x->cap - 1))
		return MORE;		/* scan it again whole after the refill */
	if (p == s && !last)
		return MORE;
	for (q = s; q < p; q++)
		if (!(cls[*q] & C_WS)) {
			ws = 0;
			break;
		}
	tok(x, t, VB_XML_TEXT, s, p, line, col);
	t->first = first;
	t->last = last;
	t->ws = ws;
	x->chunk = last ? 0 : VB_XML_TEXT;
	return VB_XML_TEXT;
}

/* Comment, CDATA section or PI body from p (after the opening delimiter)
 * up to and including the closing one: "-->", "]]>" or "?>". */
static int scan_body(struct vb_xml *x, struct vb_xml_tok *t, int type, const unsigned char *s,
		     const unsigned char *p, const unsigned char *e, unsigned long line, unsigned long col,
		     int first)
{
	uint16_t stop = type == VB_XML_COMMENT ? C_DASH : type == VB_XML_CDATA ? C_RB : C_QM;
	const char *where = type == VB_XML_COMMENT ? "a comment" : type == VB_XML_CDATA ?
		"a CDATA section" : "a processing instruction";
	int n, last = 0;

	for (;;) {
		p = skip8(p, e, type == VB_XML_COMMENT ? '-' : type == VB_XML_CDATA ? ']' : '?', 0x80, 0x80);
		while (!(cls[*p] & (C_GEN | stop)))
			p++;
		if (p == e)
			break;
		if (cls[*p] & stop) {
			if (type == VB_XML_COMMENT) {
				if (p + 1 >= e)
					break;
				if (p[1] != '-') {
					p++;
					continue;
				}
				if (p + 2 >= e)
					break;
				if (p[2] != '>')
					return fail(x, VB_XML_ESYNTAX, p, "'--' is not allowed inside a comment");
				p += 3;
				last = 1;
				break;
			}
			if (type == VB_XML_CDATA) {
				if (p + 2 >= e)
					break;
				if (p[1] == ']' && p[2] == '>') {
					p += 3;
					last = 1;
					break;
				}
				p++;
				continue;
			}
			if (p + 1 >= e)
				break;
			if (p[1] == '>') {
				p += 2;
				last = 1;
				break;
			}
			p++;
			continue;
		}
		n = gen(x, p, e, where);
		if (n < 0)
			return n;
		if (n == 0)
			break;
		p += n;
	}
	if (!last && x->eof)
		return fail_at(x, VB_XML_ESYNTAX, first ? line : x->chunk_line, first ? col : x->chunk_col,
			       "%s is not closed before the end of input",
			       type == VB_XML_COMMENT ? "comment" : type == VB_XML_CDATA ?
			       "CDATA section" : "processing instruction");
	if (!last && !((const char *)s == x->buf && x->hi == x->cap - 1))
		return MORE;		/* scan it again whole after the refill */
	if (p == s)
		return MORE;
	tok(x, t, type, s, p, line, col);
	t->first = first;
	t->last = last;
	x->chunk = last ? 0 : type;
	if (first && !last) {
		x->chunk_line = line;
		x->chunk_col = col;
	}
	return type;
}

/* Optional whitespace; returns the end (counts lines). */
INLINE const unsigned char *skip_ws(struct vb_xml *x, const unsigned char *p, const unsigned char *e)
{
	(void)e;
	while (*p == ' ')
		p++;
	while (cls[*p] & C_WS) {
		if (*p == '\n' || *p == '\r')
			newline(x, p);
		p++;
	}
	return p;
}

/* A quoted literal (attribute value of the declaration, DOCTYPE ids). */
static const unsigned char *literal(struct vb_xml *x, const unsigned char *p, const unsigned char *e, int *st,
				    const char *what, int pubid)
{
	unsigned char q;
	const unsigned char *s = p;
	char b[8];

	if (p == e) {
		*st = x->eof ? fail(x, VB_XML_ESYNTAX, p, "unexpected end of input in %s", what) : MORE;
		return NULL;
	}
	if (*p != '"' && *p != '\'') {
		*st = fail(x, VB_XML_ESYNTAX, p, "expected a quoted value in %s, found %s", what, show(*p, b));
		return NULL;
	}
	q = *p++;
	while (p < e && *p != q) {
		if (pubid && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			       strchr(" \r\n-'()+,./:=?;!*#@$_%", *p))) {
			*st = fail(x, VB_XML_ESYNTAX, p, "character %s not allowed in a public id", show(*p, b));
			return NULL;
		}
		if (cls[*p] & C_GEN) {
			int n = gen(x, p, e, what);

			if (n <= 0) {
				*st = n ? n : MORE;
				return NULL;
			}
			p += n;
			continue;
		}
		p++;
	}
	if (p == e) {
		*st = x->eof ? fail(x, VB_XML_ESYNTAX, s, "unterminated quoted value in %s", what) : MORE;
		return NULL;
	}
	return p + 1;
}

static int ieq(const unsigned char *p, size_t n, const char *s)
{
	size_t i;

	if (n != strlen(s))
		return 0;
	for (i = 0; i < n; i++) {
		unsigned c = p[i];

		if (c >= 'A' && c <= 'Z')
			c += 32;
		if (c != (unsigned char)s[i])
			return 0;
	}
	return 1;
}

/* <?xml version="1.x" encoding="UTF-8" standalone="yes"?> at the start. */
static int scan_decl(struct vb_xml *x, struct vb_xml_tok *t, const unsigned char *s, const unsigned char *e)
{
	static const char *const key[] = { "version", "encoding", "standalone" };
	const unsigned char *p = s + 5, *k, *v;
	unsigned long line = x->line, col = (unsigned long)(offp(x, s) - x->line_start + 1);
	int st = 0, next = 0;
	char b[8];

	for (;;) {
		const unsigned char *w = p;
		int i;

		p = skip_ws(x, p, e);
		if (p == e)
			return x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "XML declaration is not closed") : MORE;
		if (*p == '?') {
			if (p + 1 == e)
				return x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "XML declaration is not closed") : MORE;
			if (p[1] != '>')
				return fail(x, VB_XML_ESYNTAX, p, "expected '?>' to close the XML declaration");
			if (next == 0)
				return fail(x, VB_XML_ESYNTAX, p, "the XML declaration needs a version");
			p += 2;
			break;
		}
		if (w == p)
			return fail(x, VB_XML_ESYNTAX, p, "expected whitespace in the XML declaration, found %s", show(*p, b));
		k = p;
		while (p < e && *p >= 'a' && *p <= 'z')
			p++;
		if (p == e)
			return x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "XML declaration is not closed") : MORE;
		for (i = next; i < 3; i++)
			if ((size_t)(p - k) == strlen(key[i]) && !memcmp(k, key[i], (size_t)(p - k)))
				break;
		if (i == 3 || (next == 0 && i != 0))
			return fail(x, VB_XML_ESYNTAX, k, next == 0 ? "the XML declaration must start with version" :
				    "unexpected '%.*s' in the XML declaration", (int)(p - k > 20 ? 20 : p - k), (const char *)k);
		p = skip_ws(x, p, e);
		if (p == e)
			return x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "XML declaration is not closed") : MORE;
		if (*p != '=')
			return fail(x, VB_XML_ESYNTAX, p, "expected '=' after %s in the XML declaration", key[i]);
		p = skip_ws(x, p + 1, e);
		v = p;
		if (!(p = literal(x, p, e, &st, "the XML declaration", 0)))
			return st;
		v++;
		if (i == 0) {
			const unsigned char *d = v + 2;

			if (p - 1 - v < 3 || v[0] != '1' || v[1] != '.')
				return fail(x, VB_XML_ESYNTAX, v, "unsupported XML version (1.x only)");
			for (; d < p - 1; d++)
				if (*d < '0' || *d > '9')
					return fail(x, VB_XML_ESYNTAX, v, "malformed XML version");
		} else if (i == 1) {
			size_t n = (size_t)(p - 1 - v);

			if (!(ieq(v, n, "utf-8") || ieq(v, n, "utf8") || ieq(v, n, "us-ascii") || ieq(v, n, "ascii")))
				return fail(x, VB_XML_EUNSUP, v, "encoding '%.*s' is not supported (UTF-8 only)",
					    (int)(n > 30 ? 30 : n), (const char *)v);
		} else {
			size_t n = (size_t)(p - 1 - v);

			if (!((n == 3 && !memcmp(v, "yes", 3)) || (n == 2 && !memcmp(v, "no", 2))))
				return fail(x, VB_XML_ESYNTAX, v, "standalone must be 'yes' or 'no'");
		}
		next = i + 1;
	}
	tok(x, t, VB_XML_DECL, s, p, line, col);
	x->state = ST_PROLOG;
	return VB_XML_DECL;
}

/* <?target ...?> */
static int scan_pi(struct vb_xml *x, struct vb_xml_tok *t, const unsigned char *s, const unsigned char *e)
{
	const unsigned char *p, *n;
	unsigned long line = x->line, col = (unsigned long)(offp(x, s) - x->line_start + 1);
	int st = 0;
	char b[8];

	if (!(n = name(x, s + 2, e, &st, "a processing instruction")))
		return st == ATEOF ? fail_at(x, VB_XML_ESYNTAX, line, col,
					     "processing instruction is not closed before the end of input") : st;
	if (ieq(s + 2, (size_t)(n - s - 2), "xml")) {
		if (n - s - 2 == 3 && !memcmp(s + 2, "xml", 3))
			return fail(x, VB_XML_ESYNTAX, s, "XML declaration is only allowed at the very start");
		return fail(x, VB_XML_ESYNTAX, s, "processing instruction target '%.3s' is reserved", (const char *)s + 2);
	}
	if ((size_t)(e - n) < 2)
		return x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "processing instruction is not closed before the end of input") : MORE;
	if (!(cls[*n] & C_WS) && !(n[0] == '?' && n[1] == '>'))
		return fail(x, VB_XML_ESYNTAX, n, "invalid character %s in a processing instruction target", show(*n, b));
	p = n;
	st = scan_body(x, t, VB_XML_PI, s, p, e, line, col, 1);
	if (st == VB_XML_PI) {
		t->name = (const char *)s + 2;
		t->name_len = (size_t)(n - s - 2);
	}
	return st;
}

/* <!DOCTYPE name [SYSTEM "..." | PUBLIC "..." "..."] [ [...] ]> */
static int scan_doctype(struct vb_xml *x, struct vb_xml_tok *t, const unsigned char *s, const unsigned char *e)
{
	const unsigned char *p = s + 9, *w;
	unsigned long line = x->line, col = (unsigned long)(offp(x, s) - x->line_start + 1);
	int st = 0;
	char b[8];

#define DT_EOF() (x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "DOCTYPE is not closed before the end of input") : MORE)
	if (x->state != ST_PROLOG || x->doctype)
		return fail(x, VB_XML_ESYNTAX, s, x->state == ST_CONTENT ? "DOCTYPE inside an element" :
			    x->doctype ? "a second DOCTYPE" : "DOCTYPE after the root element");
	w = p;
	p = skip_ws(x, p, e);
	if (p == e)
		return DT_EOF();
	if (p == w)
		return fail(x, VB_XML_ESYNTAX, p, "expected whitespace after <!DOCTYPE");
	if (!(p = name(x, p, e, &st, "the DOCTYPE")))
		return st == ATEOF ? DT_EOF() : st;
	w = p;
	p = skip_ws(x, p, e);
	if (p == e)
		return DT_EOF();
	if (p > w && (*p == 'S' || *p == 'P')) {
		int pub = *p == 'P';
		const char *kw = pub ? "PUBLIC" : "SYSTEM";

		if ((size_t)(e - p) < 6)
			return DT_EOF();
		if (memcmp(p, kw, 6))
			return fail(x, VB_XML_ESYNTAX, p, "expected SYSTEM or PUBLIC in the DOCTYPE");
		w = p + 6;
		p = skip_ws(x, w, e);
		if (p == w && p < e)
			return fail(x, VB_XML_ESYNTAX, p, "expected whitespace after %s", kw);
		if (!(p = literal(x, p, e, &st, "the DOCTYPE", pub)))
			return st;
		if (pub) {
			w = p;
			p = skip_ws(x, p, e);
			if (p == w && p < e)
				return fail(x, VB_XML_ESYNTAX, p, "expected whitespace before the system id");
			if (!(p = literal(x, p, e, &st, "the DOCTYPE", 0)))
				return st;
		}
		p = skip_ws(x, p, e);
		if (p == e)
			return DT_EOF();
	}
	if (*p == '[') {
		p++;
		for (;;) {
			p = skip_ws(x, p, e);
			if (p == e)
				return DT_EOF();
			if (*p == ']')
				break;
			if (*p == '%')
				return fail(x, VB_XML_EUNSUP, p, "parameter entity references in the DOCTYPE are not supported");
			if (*p != '<')
				return fail(x, VB_XML_ESYNTAX, p, "unexpected %s in the DOCTYPE's internal subset", show(*p, b));
			if ((size_t)(e - p) < 10 && !x->eof)
				return MORE;
			if ((size_t)(e - p) >= 4 && !memcmp(p, "<!--", 4)) {
				p += 4;
				for (;;) {
					if ((size_t)(e - p) < 3)
						return DT_EOF();
					if (p[0] == '-' && p[1] == '-') {
						if (p[2] != '>')
							return fail(x, VB_XML_ESYNTAX, p, "'--' is not allowed inside a comment");
						p += 3;
						break;
					}
					if (cls[*p] & C_GEN) {
						int n = gen(x, p, e, "a comment");

						if (n <= 0)
							return n ? n : DT_EOF();
						p += n;
					} else {
						p++;
					}
				}
				continue;
			}
			if ((size_t)(e - p) >= 8 && !memcmp(p, "<!ENTITY", 8))
				return fail(x, VB_XML_EUNSUP, p, "DOCTYPE declares entities: not supported (vfiobox expands none)");
			if ((size_t)(e - p) >= 9 && !memcmp(p, "<!ATTLIST", 9))
				return fail(x, VB_XML_EUNSUP, p, "DOCTYPE declares attribute defaults (ATTLIST): not supported");
			if ((size_t)(e - p) >= 2 && !memcmp(p, "<?", 2)) {
				const unsigned char *n = name(x, p + 2, e, &st, "a processing instruction");

				if (!n)
					return st == MORE || st == ATEOF ? DT_EOF() : st;
				if (ieq(p + 2, (size_t)(n - p - 2), "xml"))
					return fail(x, VB_XML_ESYNTAX, p, "processing instruction target 'xml' is reserved");
				for (p = n;; p++) {
					if ((size_t)(e - p) < 2)
						return DT_EOF();
					if (p[0] == '?' && p[1] == '>')
						break;
					if (*p == '\n' || *p == '\r')
						newline(x, p);
				}
				p += 2;
				continue;
			}
			if (((size_t)(e - p) >= 9 && !memcmp(p, "<!ELEMENT", 9)) ||
			    ((size_t)(e - p) >= 10 && !memcmp(p, "<!NOTATION", 10))) {
				unsigned char q = 0;

				for (p += 9; p < e; p++) {
					if (*p == '\n' || *p == '\r')
						newline(x, p);
					if (q) {
						if (*p == q)
							q = 0;
					} else if (*p == '"' || *p == '\'') {
						q = *p;
					} else if (*p == '>') {
						break;
					} else if (*p == '<' || *p == '%') {
						return fail(x, VB_XML_EUNSUP, p, "unsupported markup in the DOCTYPE's internal subset");
					}
				}
				if (p == e)
					return DT_EOF();
				p++;
				continue;
			}
			return fail(x, VB_XML_ESYNTAX, p, "unsupported markup in the DOCTYPE's internal subset");
		}
		p = skip_ws(x, p + 1, e);
		if (p == e)
			return DT_EOF();
	}
	if (*p != '>')
		return fail(x, VB_XML_ESYNTAX, p, "expected '>' to close the DOCTYPE, found %s", show(*p, b));
	p++;
	tok(x, t, VB_XML_DOCTYPE, s, p, line, col);
	x->doctype = 1;
	return VB_XML_DOCTYPE;
#undef DT_EOF
}

/* <name attr="value" ...> or <name .../> */
static HOT int scan_stag(struct vb_xml *x, struct vb_xml_tok *t, const unsigned char *s, const unsigned char *e)
{
	const unsigned char *p, *n;
	unsigned long line = x->line, col = (unsigned long)(offp(x, s) - x->line_start + 1);
	size_t na = 0, i, nlen;
	int st = 0, type, r;
	char b[8];

#define TAG_EOF() (x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "start tag <%.*s> is not closed before the end of input", \
				    (int)(nlen > 60 ? 60 : nlen), (const char *)s + 1) : MORE)
	if (!(n = name(x, s + 1, e, &st, "a start tag")))
		return st == ATEOF ? fail_at(x, VB_XML_ESYNTAX, line, col,
					     "start tag is not closed before the end of input") : st;
	nlen = (size_t)(n - s - 1);
	p = n;
	for (;;) {
		const unsigned char *w = p, *an, *ae, *v;
		unsigned char q;
		uint16_t stop;

		p = skip_ws(x, p, e);
		if (p == e)
			return TAG_EOF();
		if (*p == '>') {
			p++;
			type = VB_XML_START;
			break;
		}
		if (*p == '/') {
			if (p + 1 == e)
				return TAG_EOF();
			if (p[1] != '>')
				return fail(x, VB_XML_ESYNTAX, p + 1, "expected '>' after '/' in a tag");
			p += 2;
			type = VB_XML_EMPTY;
			break;
		}
		if (p == w)
			return fail(x, VB_XML_ESYNTAX, p, "%s %s in a start tag", cls[*p] & (C_NC | C_GEN) ?
				    "expected whitespace before an attribute, found" : "unexpected", show(*p, b));
		an = p;
		if (!(ae = name(x, p, e, &st, "an attribute name")))
			return st == MORE || st == ATEOF ? TAG_EOF() : st;
		p = skip_ws(x, ae, e);
		if (p == e)
			return TAG_EOF();
		if (*p != '=')
			return fail(x, VB_XML_ESYNTAX, p, "expected '=' after attribute %.*s", (int)(ae - an > 40 ? 40 : ae - an),
				    (const char *)an);
		p = skip_ws(x, p + 1, e);
		if (p == e)
			return TAG_EOF();
		if (*p != '"' && *p != '\'')
			return fail(x, VB_XML_ESYNTAX, p, "the value of attribute %.*s must be quoted",
				    (int)(ae - an > 40 ? 40 : ae - an), (const char *)an);
		q = *p++;
		v = p;
		stop = C_GEN | C_LT | C_AMP | (q == '"' ? C_DQ : C_SQ);
		for (;;) {
			p = skip8(p, e, q, '<', '&');
			while (!(cls[*p] & stop))
				p++;
			if (p == e)
				return TAG_EOF();
			if (*p == q)
				break;
			if (*p == '<')
				return fail(x, VB_XML_ESYNTAX, p, "'<' is not allowed in an attribute value (write &lt;)");
			r = *p == '&' ? ref(x, p, e, "an attribute value") : gen(x, p, e, "an attribute value");
			if (r < 0)
				return r;
			if (r == 0)
				return TAG_EOF();
			p += r;
		}
		for (i = 0; i < na; i++)
			if (x->attrs[i].name_len == (size_t)(ae - an) && same(x->attrs[i].name, an, (size_t)(ae - an)))
				return fail(x, VB_XML_ESYNTAX, an, "duplicate attribute %.*s",
					    (int)(ae - an > 40 ? 40 : ae - an), (const char *)an);
		if (na == VB_XML_MAX_ATTRS)
			return fail(x, VB_XML_ELIMIT, an, "more than %d attributes on one element", VB_XML_MAX_ATTRS);
		x->attrs[na].name = (const char *)an;
		x->attrs[na].name_len = (size_t)(ae - an);
		x->attrs[na].val = (const char *)v;
		x->attrs[na].val_len = (size_t)(p - v);
		x->attrs[na].quote = (char)q;
		na++;
		p++;
	}
#undef TAG_EOF
	if (x->state == ST_EPILOG)
		return fail_at(x, VB_XML_ESYNTAX, line, col, "element <%.*s> after the root element",
			       (int)(nlen > 60 ? 60 : nlen), (const char *)s + 1);
	if (x->state == ST_PROLOG && x->root &&
	    (nlen != strlen(x->root) || memcmp(s + 1, x->root, nlen)))
		return fail_at(x, VB_XML_EROOT, line, col, "the root element is <%.*s>, expected <%s>",
			       (int)(nlen > 60 ? 60 : nlen), (const char *)s + 1, x->root);
	if (type == VB_XML_START) {
		if (x->depth == VB_XML_MAX_DEPTH)
			return fail_at(x, VB_XML_ELIMIT, line, col, "elements nested more than %d deep", VB_XML_MAX_DEPTH);
		if (x->names_used + nlen > VB_XML_STACK)
			return fail_at(x, VB_XML_ELIMIT, line, col, "names of the open elements longer than %d bytes together",
				       VB_XML_STACK);
	}
	tok(x, t, type, s, p, line, col);
	t->name = (const char *)s + 1;
	t->name_len = nlen;
	t->attrs = x->attrs;
	t->nattrs = na;
	if (type == VB_XML_START) {
		char *d = x->names + x->names_used;

		for (i = 0; i < nlen; i++)
			d[i] = (char)s[1 + i];
		x->name_off[x->depth] = (uint32_t)x->names_used;
		x->name_len[x->depth] = (uint16_t)nlen;
		x->name_line[x->depth] = (uint32_t)line;
		x->names_used += nlen;
		x->depth++;
		x->state = ST_CONTENT;
	} else if (x->state == ST_PROLOG) {
		x->state = ST_EPILOG;
	}
	t->depth = x->depth + (type == VB_XML_EMPTY);
	return type;
}

/* </name> */
static int scan_etag(struct vb_xml *x, struct vb_xml_tok *t, const unsigned char *s, const unsigned char *e)
{
	const unsigned char *p, *n;
	unsigned long line = x->line, col = (unsigned long)(offp(x, s) - x->line_start + 1);
	int st = 0, olen;
	size_t nlen;
	const char *open;
	char b[8];

	if (!(n = name(x, s + 2, e, &st, "an end tag")))
		return st == ATEOF ? fail_at(x, VB_XML_ESYNTAX, line, col,
					     "end tag is not closed before the end of input") : st;
	nlen = (size_t)(n - s - 2);
	p = skip_ws(x, n, e);
	if (p == e)
		return x->eof ? fail_at(x, VB_XML_ESYNTAX, line, col, "end tag </%.*s> is not closed before the end of input",
					(int)(nlen > 60 ? 60 : nlen), (const char *)s + 2) : MORE;
	if (*p != '>')
		return fail(x, VB_XML_ESYNTAX, p, "expected '>' in end tag </%.*s>, found %s",
			    (int)(nlen > 60 ? 60 : nlen), (const char *)s + 2, show(*p, b));
	p++;
	if (x->state != ST_CONTENT)
		return fail_at(x, VB_XML_ESYNTAX, line, col, "end tag </%.*s> without a start tag",
			       (int)(nlen > 60 ? 60 : nlen), (const char *)s + 2);
	open = open_name(x, &olen);
	if ((size_t)olen != nlen || !same(open, s + 2, nlen))
		return fail_at(x, VB_XML_ESYNTAX, line, col, "mismatched end tag </%.*s>: expected </%.*s> (opened at line %lu)",
			       (int)(nlen > 60 ? 60 : nlen), (const char *)s + 2, olen > 60 ? 60 : olen, open,
			       (unsigned long)x->name_line[x->depth - 1]);
	tok(x, t, VB_XML_END, s, p, line, col);
	t->name = (const char *)s + 2;
	t->name_len = nlen;
	x->depth--;
	x->names_used = x->name_off[x->depth];
	if (!x->depth)
		x->state = ST_EPILOG;
	return VB_XML_END;
}

/* Enough bytes to look at n of them from s? 1 yes, 0 MORE, or an error. */
static int have(struct vb_xml *x, const unsigned char *s, const unsigned char *e, size_t n, const char *what)
{
	if ((size_t)(e - s) >= n)
		return 1;
	if (!x->eof)
		return 0;
	return fail(x, VB_XML_ESYNTAX, s, "unexpected end of input in %s", what);
}

static HOT int scan(struct vb_xml *x, struct vb_xml_tok *t)
{
	const unsigned char *s = U(x->buf) + x->pos, *e = U(x->buf) + x->hi;
	unsigned long col;
	int r;
	char b[8];

	if (x->chunk == VB_XML_TEXT)
		return scan_text(x, t, s, e);
	if (x->chunk)
		return scan_body(x, t, x->chunk, s, s, e, x->line,
				 (unsigned long)(offp(x, s) - x->line_start + 1), 0);
	if (x->state == ST_START) {
		if ((size_t)(e - s) < 4 && !x->eof)
			return MORE;
		if (e - s >= 3 && s[0] == 0xef && s[1] == 0xbb && s[2] == 0xbf) {
			x->pos += 3;
			x->line_start = 3;
			x->state = ST_DECL;
			return AGAIN;
		} else if (e - s >= 2 && ((s[0] == 0xfe && s[1] == 0xff) || (s[0] == 0xff && s[1] == 0xfe) ||
					  (s[0] == 0 && s[1] == '<') || (s[0] == '<' && s[1] == 0) ||
					  (s[0] == 0 && s[1] == 0))) {
			return fail(x, VB_XML_EUNSUP, s, "UTF-16 or UTF-32 input is not supported (UTF-8 only)");
		}
		x->state = ST_DECL;
	}
	if (x->state == ST_DECL) {
		if ((size_t)(e - s) < 6 && !x->eof)
			return MORE;
		x->state = ST_PROLOG;
		if (e - s >= 6 && !memcmp(s, "<?xml", 5)) {
			if (cls[s[5]] & C_WS) {
				x->state = ST_DECL;
				r = scan_decl(x, t, s, e);
				return r;
			}
			if (s[5] == '?')
				return fail(x, VB_XML_ESYNTAX, s, "the XML declaration needs a version");
		}
	}
	if (s == e) {
		if (!x->eof)
			return MORE;
		if (x->state == ST_CONTENT || x->state == ST_PROLOG)
			return unexpected_eof(x, s);
		col = (unsigned long)(offp(x, s) - x->line_start + 1);
		tok(x, t, VB_XML_EOF, s, s, x->line, col);
		x->state = ST_DONE;
		return VB_XML_EOF;
	}
	if (*s != '<') {
		/* The common case inline: a line end and indentation
		 * between two tags. */
		if (x->state == ST_CONTENT && !x->chunk) {
			const unsigned char *p = s;

			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '\n') {
				unsigned long line = x->line;
				uint64_t ls = x->line_start;
				unsigned long c0 = (unsigned long)(offp(x, s) - ls + 1);

				newline(x, p++);
				while (*p == ' ' || *p == '\t')
					p++;
				if (*p == '<') {
					tok(x, t, VB_XML_TEXT, s, p, line, c0);
					t->ws = 1;
					return VB_XML_TEXT;
				}
				x->line = line;		/* scan_text counts it again */
				x->line_start = ls;
			}
		}
		return scan_text(x, t, s, e);
	}
	if ((r = have(x, s, e, 2, "markup")) <= 0)
		return r ? r : MORE;
	switch (s[1]) {
	case '/':
		return scan_etag(x, t, s, e);
	case '?':
		return scan_pi(x, t, s, e);
	case '!':
		if ((r = have(x, s, e, 4, "markup")) <= 0)
			return r ? r : MORE;
		if (s[2] == '-') {
			if (s[3] != '-')
				return fail(x, VB_XML_ESYNTAX, s, "malformed comment (comments start with '<!--')");
			return scan_body(x, t, VB_XML_COMMENT, s, s + 4, e, x->line,
					 (unsigned long)(offp(x, s) - x->line_start + 1), 1);
		}
		if ((r = have(x, s, e, 9, "markup")) <= 0)
			return r ? r : MORE;
		if (!memcmp(s, "<![CDATA[", 9)) {
			if (x->state != ST_CONTENT)
				return fail(x, VB_XML_ESYNTAX, s, "CDATA section outside the root element");
			return scan_body(x, t, VB_XML_CDATA, s, s + 9, e, x->line,
					 (unsigned long)(offp(x, s) - x->line_start + 1), 1);
		}
		if (!memcmp(s, "<!DOCTYPE", 9))
			return scan_doctype(x, t, s, e);
		return fail(x, VB_XML_ESYNTAX, s, "unexpected markup '<!%.7s'", (const char *)s + 2);
	default:
		if (!(cls[s[1]] & C_NS) && s[1] < 0x80)
			return fail(x, VB_XML_ESYNTAX, s + 1, "%s after '<' (write &lt; for a literal '<')", show(s[1], b));
		return scan_stag(x, t, s, e);
	}
}

INLINE int next(struct vb_xml *x, struct vb_xml_tok *t)
{
	for (;;) {
		unsigned long line = x->line;
		uint64_t ls = x->line_start, cr = x->cr_next;
		int r;

		if (x->err)
			return x->err;
		if (x->state == ST_DONE) {
			const unsigned char *s = U(x->buf) + x->pos;

			tok(x, t, VB_XML_EOF, s, s, x->line, (unsigned long)(offp(x, s) - x->line_start + 1));
			return VB_XML_EOF;
		}
		r = scan(x, t);
		if (r == AGAIN)
			continue;
		if (r != MORE)
			return r;
		x->line = line;
		x->line_start = ls;
		x->cr_next = cr;
		if (x->eof || x->mem)
			return fail_at(x, VB_XML_ESYNTAX, line, 0, "internal error: input ended inside a token");
		if ((r = fill(x, x->pos)) < 0)
			return r;
	}
}

int vb_xml_next(struct vb_xml *x, struct vb_xml_tok *t)
{
	return next(x, t);
}

HOT int vb_xml_skip(struct vb_xml *x, struct vb_xml_tok *t)
{
	unsigned d = x->depth;
	int r;

	if (!d)
		return VB_XML_EOF;
	while ((r = next(x, t)) > 0)
		if (r == VB_XML_END && t->depth == d)
			break;
	return r;
}

const char *vb_xml_error(const struct vb_xml *x)
{
	return x->err ? x->errmsg : "no error";
}

/* ---- values ------------------------------------------------------------------ */

static size_t put_utf8(char *o, uint32_t v)
{
	if (v < 0x80) {
		o[0] = (char)v;
		return 1;
	}
	if (v < 0x800) {
		o[0] = (char)(0xc0 | (v >> 6));
		o[1] = (char)(0x80 | (v & 0x3f));
		return 2;
	}
	if (v < 0x10000) {
		o[0] = (char)(0xe0 | (v >> 12));
		o[1] = (char)(0x80 | ((v >> 6) & 0x3f));
		o[2] = (char)(0x80 | (v & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (v >> 18));
	o[1] = (char)(0x80 | ((v >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((v >> 6) & 0x3f));
	o[3] = (char)(0x80 | (v & 0x3f));
	return 4;
}

int vb_xml_attr_decode(const char *raw, size_t n, char *out, size_t cap)
{
	size_t i = 0, o = 0;

	while (i < n) {
		char tmp[4];
		size_t tl = 1;
		unsigned char c = (unsigned char)raw[i];

		if (c == '&') {
			size_t j = i + 1;

			if (j < n && raw[j] == '#') {
				uint32_t v = 0;
				int hex = ++j < n && raw[j] == 'x';

				j += hex;
				for (; j < n && raw[j] != ';'; j++) {
					unsigned d = (unsigned char)raw[j];

					d = d <= '9' ? d - '0' : (d | 32) - 'a' + 10;
					if (v <= 0x10ffff)
						v = v * (hex ? 16 : 10) + d;
				}
				tl = put_utf8(tmp, v);
			} else {
				size_t k = j;

				while (j < n && raw[j] != ';')
					j++;
				tmp[0] = j - k == 2 && raw[k] == 'l' ? '<' : j - k == 2 ? '>' :
					 j - k == 3 ? '&' : raw[k] == 'a' ? '\'' : '"';
			}
			i = j + 1;
		} else if (c == '\r') {
			tmp[0] = ' ';
			i += i + 1 < n && raw[i + 1] == '\n' ? 2 : 1;
		} else {
			tmp[0] = c == '\n' || c == '\t' ? ' ' : (char)c;
			i++;
		}
		if (o + tl >= cap)
			return -ENOSPC;
		memcpy(out + o, tmp, tl);
		o += tl;
	}
	if (o >= cap)
		return -ENOSPC;
	out[o] = 0;
	return (int)o;
}

int vb_xml_escape(const char *s, char *out, size_t cap)
{
	const unsigned char *p = U(s);
	size_t o = 0;

	cls_init();
	while (*p) {
		const char *r = NULL;
		char num[8];
		size_t rl;
		int n = 1;

		switch (*p) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '"': r = "&quot;"; break;
		case '\'': r = "&apos;"; break;
		case '\t': r = "&#9;"; break;
		case '\n': r = "&#10;"; break;
		case '\r': r = "&#13;"; break;
		default:
			if (*p < 0x20)
				return -EINVAL;
			if (*p >= 0x80) {
				uint32_t v;

				n = u8(p, p + strlen((const char *)p), &v);
				if (n <= 0)
					return -EINVAL;
			}
		}
		if (r) {
			rl = strlen(r);
		} else {
			memcpy(num, p, (size_t)n);
			r = num;
			rl = (size_t)n;
		}
		if (o + rl >= cap)
			return -ENOSPC;
		memcpy(out + o, r, rl);
		o += rl;
		p += n;
	}
	if (o >= cap)
		return -ENOSPC;
	out[o] = 0;
	return (int)o;
}

const struct vb_xml_attr *vb_xml_attr(const struct vb_xml_tok *t, const char *nm)
{
	size_t i, n = strlen(nm);

	for (i = 0; i < t->nattrs; i++)
		if (t->attrs[i].name_len == n && !memcmp(t->attrs[i].name, nm, n))
			return &t->attrs[i];
	return NULL;
}

int vb_xml_name_is(const struct vb_xml_tok *t, const char *nm)
{
	size_t n = strlen(nm);

	return t->name_len == n && !memcmp(t->name, nm, n);
}
