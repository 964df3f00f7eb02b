/* aml: a walk of an AML table (DSDT, SSDT) that decodes every term (ACPI
 * 6.5, chapter 20) and records what it met: each definition of a named
 * object with its absolute path, each use of a name in code, each string,
 * and each term it could not decode. The name search of ssdt find and the
 * listing of ssdt names are built on it.
 *
 * What the walk follows (20.2):
 * - namespace modifiers and named objects: Alias, Name, Scope, Method,
 *   External, Device, Processor, PowerResource, ThermalZone, Mutex, Event,
 *   OperationRegion, DataRegion, Field/IndexField/BankField units,
 *   CreateXField and CreateField, with their PkgLengths;
 * - the full expression and statement opcode set with its operand counts
 *   (Type1 and Type2 opcodes), Buffer and Package with their PkgLength and
 *   their elements, If/Else/While bodies (what they define is marked
 *   "inside If", "inside Else", "inside While"), Method bodies (what they
 *   define is part of the method's own scope, as iasl lists it); an
 *   External is a declaration and never "inside" anything (iasl writes
 *   them in If (Zero));
 * - method invocations: a name in a TermArg is a call with as many
 *   arguments as the Method or External (MethodObj) of that name says; the
 *   walk runs again until the arities it uses are the ones the table
 *   defines (a call may come before the definition);
 * - `\` and `^` prefixes resolve against the current scope; a single-
 *   segment name used in code resolves by the ACPI search rule (the scope,
 *   then its parents) among the table's own definitions;
 * - a term it cannot decode is recorded with its offset and what was
 *   skipped: the term's own package when it has a PkgLength, else the rest
 *   of the enclosing list. A package that runs past the end of the table
 *   (a truncated table) is walked as far as the bytes go. */
#ifndef VB_AML_H
#define VB_AML_H

#include <stddef.h>

#include "fw/acpi.h"

enum { VB_AML_DEF = 1, VB_AML_REF, VB_AML_STR };

/* One thing the walk met, in table order; items never overlap. */
struct vb_aml_item {
	int type;		/* VB_AML_DEF, VB_AML_REF, VB_AML_STR */
	size_t start;		/* first byte (prefix chars of a NameString,
				 * the first character of a string) */
	size_t first;		/* NameString: its first NameSeg */
	size_t end;		/* the byte after it (a string: its NUL) */
	const char *kind;	/* DEF: "Device", "Method", "Name", ...;
				 * REF: "reference"; STR: "string" */
	char *path;		/* DEF: absolute ("\_SB.PCI0.PEGP._ROM");
				 * REF: absolute where it resolves, else the
				 * NameString as written; STR: NULL */
	int argc;		/* Method, External MethodObj: its arguments;
				 * -1 otherwise */
	size_t body_end;	/* Method: where its body ends; else 0 */
	const char *cond;	/* "If", "Else", "While": the innermost
				 * conditional this item is inside, else NULL */
	size_t method;		/* index + 1 of the Method item whose code holds
				 * this item, 0 if none */
};

/* A term the walk could not decode. */
struct vb_aml_bad {
	size_t off;		/* where the term starts */
	size_t at;		/* where decoding failed (>= off) */
	size_t to;		/* where the walk went on */
	const char *why;	/* "unknown opcode", "runs past the end of the
				 * table", ... */
	const char *skipped;	/* "its package", "the rest of Scope
				 * \_SB.PCI0", ... (static or in the scope
				 * text) */
	char *scope;		/* absolute path of the scope it is in */
};

struct vb_aml {
	const unsigned char *tbl;
	size_t len;
	struct vb_aml_item *items;
	size_t nitems;
	struct vb_aml_bad *bads;
	size_t nbads;
	size_t truncated;	/* bytes missing at the end: the largest
				 * package end past the table, 0 if none */
	int passes;		/* walks it took for the arities to settle */
};

/* Walk the AML table tbl (len bytes, header included; tbl must outlive a).
 * Never fails (allocation failure exits). */
void vb_aml_walk(struct vb_aml *a, const unsigned char *tbl, size_t len);
void vb_aml_free(struct vb_aml *a);

/* One place in the table where a name occurs. */
struct vb_aml_hit {
	size_t off;		/* table offset of the first matched NameSeg */
	const char *kind;	/* a definition's kind when the match is (part
				 * of) the name of an object defined there, or
				 * its path's end; "reference" for a use in
				 * code; "string" inside a string; "bytes"
				 * anywhere else (integers, buffer data) */
	const char *path;	/* the item's path (a def or reference), else
				 * the name searched for (points into a or nm
				 * text) */
	const char *in;		/* the absolute path of the Method whose code
				 * holds it, else NULL */
	const char *cond;	/* "If", "Else", "While" or NULL */
};
/* Find the next occurrence of nm in the AML body of a at or after table
 * offset *pos: nm's segments written next to each other, or a definition
 * or a resolved reference whose absolute path ends with nm (Device PEGP in
 * Device PEG0 for "PEG0.PEGP"; the hit is at its last NameSeg). Returns 1
 * and fills hit (valid while a lives), moving *pos past it, or 0. nmtext
 * is nm as vb_acpi_name_format prints it (the hit's path for bytes). */
int vb_aml_find(const struct vb_aml *a, const struct vb_acpi_name *nm, const char *nmtext,
		size_t *pos, struct vb_aml_hit *hit);

/* The next definition (any kind, External included) whose absolute path is
 * path ("\_SB.PCI0.PEG0.PEGP._ROM", padding '_' dropped), in table order
 * from item *idx (0 first; moved past it). Returns the item or NULL. */
const struct vb_aml_item *vb_aml_find_def(const struct vb_aml *a, const char *path, size_t *idx);

#endif
