/* xml: a strict pull tokenizer for XML 1.0 (UTF-8) over a fixed-size buffer.
 *
 * No XML library and no tree: vb_xml_next() hands out one token at a time as
 * a byte range of the input (start tag with its attributes, end tag,
 * empty-element tag, text, comment, processing instruction, CDATA section,
 * XML declaration, DOCTYPE), with its absolute offset and line:column. A
 * rewriter copies the ranges it does not change, byte for byte.
 *
 * Well-formedness is checked strictly: one root element (optionally of a
 * required name), matching end tags, unique attributes, quoted attribute
 * values without '<', only the five predefined entities and character
 * references that name a legal character, valid UTF-8 and XML characters,
 * names by the XML 1.0 (5th edition) productions, no "--" in comments, no
 * "]]>" in text, no text outside the root, the XML declaration only at the
 * very start, truncated input. A DOCTYPE is accepted only without entity or
 * attribute-list declarations (they would change what the document means,
 * and vfiobox expands no entities).
 *
 * Memory does not depend on the input: the caller gives the buffer. Limits
 * (each one refusing the document with a message, never truncating it):
 *   - a tag (start, end, empty-element), the XML declaration and a DOCTYPE
 *     must fit in the buffer (the domxml applet uses 256 KiB);
 *   - text, comments, CDATA sections and processing instructions longer
 *     than the buffer are handed out in chunks (tok.first / tok.last; the
 *     last chunk of a text may be empty); shorter ones come whole;
 *   - at most VB_XML_MAX_DEPTH open elements, whose names together take at
 *     most VB_XML_STACK bytes; a name is at most VB_XML_MAX_NAME bytes;
 *   - at most VB_XML_MAX_ATTRS attributes on one element.
 *
 * Columns are 1-based byte offsets within the line. Lines end at LF, CR LF
 * or a lone CR, as XML's end-of-line handling counts them. A UTF-8 byte
 * order mark is allowed (it is part of no token's range; the first token
 * starts after it). UTF-16 input and encodings other than UTF-8 / US-ASCII
 * are refused. */
#ifndef VB_XML_H
#define VB_XML_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define VB_XML_MAX_DEPTH 256
#define VB_XML_MAX_NAME 1024
#define VB_XML_MAX_ATTRS 64
#define VB_XML_STACK 32768
#define VB_XML_MIN_BUF 64

enum vb_xml_type {
	VB_XML_EOF = 0,		/* end of a well-formed document */
	VB_XML_DECL,		/* <?xml version=... ?> */
	VB_XML_DOCTYPE,		/* <!DOCTYPE ...> */
	VB_XML_PI,		/* <?target ...?> (chunked) */
	VB_XML_COMMENT,		/* <!-- ... --> (chunked) */
	VB_XML_CDATA,		/* <![CDATA[ ... ]]> (chunked) */
	VB_XML_TEXT,		/* character data and references (chunked) */
	VB_XML_START,		/* <name attr='v'> */
	VB_XML_EMPTY,		/* <name attr='v'/> */
	VB_XML_END,		/* </name> */
};

/* Errors (negative returns of vb_xml_next). The message, with the position,
 * is in vb_xml_error(). */
enum {
	VB_XML_EIO = -1,	/* the reader failed (errno in x->err_errno) */
	VB_XML_ESYNTAX = -2,	/* not well-formed */
	VB_XML_ELIMIT = -3,	/* well-formed maybe, but past a limit above */
	VB_XML_EUNSUP = -4,	/* DOCTYPE entities, UTF-16, other encodings */
	VB_XML_EROOT = -5,	/* the root element has the wrong name */
};

struct vb_xml_attr {
	const char *name;	/* in the buffer, not terminated */
	size_t name_len;
	const char *val;	/* raw value between the quotes */
	size_t val_len;
	char quote;		/* ' or " */
};

struct vb_xml_tok {
	int type;			/* enum vb_xml_type */
	const char *p;			/* the token's bytes (this chunk) */
	size_t len;
	uint64_t off;			/* absolute offset of p[0] in the input */
	unsigned long line, col;	/* of p[0] */
	int first, last;		/* chunk flags; both 1 for unchunked tokens */
	int ws;				/* TEXT: this chunk is only whitespace */
	const char *name;		/* START, EMPTY, END: element name; PI: target */
	size_t name_len;
	const struct vb_xml_attr *attrs;	/* START, EMPTY */
	size_t nattrs;
	unsigned depth;			/* START/EMPTY/END: 1 for the root */
};

/* Fill buf with up to n bytes; return the count, 0 at the end, -1 with errno
 * set on failure. */
typedef ssize_t (*vb_xml_read_fn)(void *ctx, void *buf, size_t n);

struct vb_xml {
	vb_xml_read_fn read;
	void *rctx;
	char *buf;
	size_t cap, pos, hi;
	uint64_t base;			/* absolute offset of buf[0] */
	int eof, mem;
	unsigned long line;
	uint64_t line_start;		/* absolute offset of the line's first byte */
	uint64_t cr_next;		/* offset just after the last CR, or 0 */
	int state;
	int chunk;			/* type of an unfinished chunked token, or 0 */
	unsigned long chunk_line, chunk_col;	/* where it started */
	int doctype;			/* a DOCTYPE was seen */
	const char *root;
	unsigned depth;
	uint32_t name_off[VB_XML_MAX_DEPTH];
	uint16_t name_len[VB_XML_MAX_DEPTH];
	uint32_t name_line[VB_XML_MAX_DEPTH];
	size_t names_used;
	char names[VB_XML_STACK];
	struct vb_xml_attr attrs[VB_XML_MAX_ATTRS];
	int err, err_errno;
	unsigned long err_line, err_col;
	char errmsg[192];
};

/* Read through fn(ctx, ...) into buf (cap >= VB_XML_MIN_BUF bytes; one byte
 * is kept for a NUL sentinel after the data). root, if not NULL, is the name
 * the root element must have. */
void vb_xml_init(struct vb_xml *x, char *buf, size_t cap, vb_xml_read_fn fn,
		 void *ctx, const char *root);
/* Tokenize data[0..len) in place (no copy, no reader). data[len] must be
 * readable and NUL: it is the sentinel. */
void vb_xml_init_mem(struct vb_xml *x, const char *data, size_t len, const char *root);
/* A reader for a file descriptor (ctx points to the int fd). */
ssize_t vb_xml_fd_read(void *ctx, void *buf, size_t n);

/* Next token: its type (VB_XML_EOF once, at the end of a well-formed
 * document) or a negative error, after which every call returns the same
 * error. The token's bytes stay valid until the next call. */
int vb_xml_next(struct vb_xml *x, struct vb_xml_tok *t);

/* Skip to the end of the element the last START opened: everything in it is
 * checked as vb_xml_next would, nothing handed out; t gets its END token.
 * Returns VB_XML_END or an error (VB_XML_EOF if no element is open). */
int vb_xml_skip(struct vb_xml *x, struct vb_xml_tok *t);

/* "what is wrong" for the last error; x->err_line/err_col say where. */
const char *vb_xml_error(const struct vb_xml *x);

/* Decode a raw attribute value (references expanded, whitespace normalized
 * as XML does for CDATA attributes) into out, NUL-terminated. Returns the
 * length, or -ENOSPC when out (cap bytes) is too small. raw must come from a
 * token (already checked). */
int vb_xml_attr_decode(const char *raw, size_t n, char *out, size_t cap);
/* Escape s for an attribute value or text: & < > " ' become references.
 * Returns the length written (NUL-terminated), or -ENOSPC. */
int vb_xml_escape(const char *s, char *out, size_t cap);

/* Convenience: the attribute named name (exact bytes) of a START/EMPTY
 * token, or NULL. */
const struct vb_xml_attr *vb_xml_attr(const struct vb_xml_tok *t, const char *name);
/* 1 if the token's element name equals name. */
int vb_xml_name_is(const struct vb_xml_tok *t, const char *name);

#endif
