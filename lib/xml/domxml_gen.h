/* domxml_gen: writing the text the planner inserts: a growing buffer
 * (struct gen), the layout of a run of siblings (struct lay: inline or one
 * per line, their indentation, the document's line end and quote), and one
 * g_* function per element the edits add (<hyperv>, <hostdev>, <shmem>,
 * qemu:arg pairs, qemu:device overrides...), written as libvirt's own
 * formatter would. What to insert where is domxml_plan's; this file only
 * writes it. Internal to lib/xml/domxml*.c. */
#ifndef VB_DOMXML_GEN_H
#define VB_DOMXML_GEN_H

#include <stddef.h>

#include "xml/domxml_scan.h"

struct gen {
	char *b;
	size_t len, cap;
};

/* Layout of a run of sibling lines. */
struct lay {
	int flat;			/* no line ends: siblings are written inline */
	char ind[IND_MAX * 2 + 1];	/* indentation of the siblings */
};

void g_put(struct gen *g, const char *s, size_t n);

void g_str(struct gen *g, const char *s);

void g_fmt(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

char g_quote(const struct sc *c);

/* The start of a line at level k below the siblings. */
void g_line(const struct sc *c, struct gen *g, const struct lay *L, int k);

/* " name='value'" with the value escaped (vb_dx_check_edits refused values
 * that cannot be written: control characters, invalid UTF-8). */
void g_attr(const struct sc *c, struct gen *g, char q, const char *name, const char *val);

/* <name attr='val'/>, or <name attr='val'> when open */
void g_el(const struct sc *c, struct gen *g, const char *name, const char *attr, const char *val, int open);

void lay_set(struct lay *L, int flat, const char *ind, size_t len, const struct sc *c, int plus);

/* Layout for the children of n. */
void lay_child(const struct sc *c, const struct node *n, struct lay *L);

/* Layout of n among its siblings (for replacing n). */
void lay_self(const struct sc *c, const struct node *n, const struct node *parent, struct lay *L);

/* prefix:name, or name when the prefix is "". */
void g_qn(char *out, size_t n, const char *prefix, const char *name);

void g_hvchild(struct sc *c, struct gen *g, int i);

/* The hyperv children the edits want, in order; count returned. */
size_t g_hv_wanted(const struct vb_dx_edits *e, int *out);

void g_hyperv(struct sc *c, struct gen *g, const struct lay *L, int lvl);

/* <outer><inner attr='val'/></outer> */
void g_wrap(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *outer,
	    const char *inner, const char *attr, const char *val);

void g_pciaddr(struct sc *c, struct gen *g, const struct vb_bdf *b, int guest, int mf);

void g_rom(struct sc *c, struct gen *g, const struct vb_dx_hostdev *h);

void g_alias(struct sc *c, struct gen *g, const char *alias);

/* mf wanted on the guest address of --hostdev i */
int g_want_mf(const struct sc *c, size_t i);

void g_hostdev(struct sc *c, struct gen *g, const struct lay *L, int lvl, const struct target *tg);

void g_shmodel(struct sc *c, struct gen *g);

void g_shsize(struct sc *c, struct gen *g);

void g_shmem(struct sc *c, struct gen *g, const struct lay *L, int lvl);

void g_memballoon(struct sc *c, struct gen *g);

void g_video(struct sc *c, struct gen *g, const struct lay *L, int lvl);

void g_fwentry(struct sc *c, struct gen *g, const struct vb_dx_fwcfg *f);

void g_kvmfr_object(const struct sc *c, char *out, size_t n);

/* The qemu:arg pairs the edits still need, at level lvl. */
void g_args(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx);

int g_args_needed(const struct sc *c);

void g_prop(struct sc *c, struct gen *g, const char *pfx, const char *name, unsigned v);

void g_frontend(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx,
		const struct vb_dx_subsys *s);

/* Subsys targets whose qemu:device is missing. */
int g_qdevs_needed(struct sc *c);

void g_qdevices(struct sc *c, struct gen *g, const struct lay *L, int lvl, const char *pfx);

#endif
