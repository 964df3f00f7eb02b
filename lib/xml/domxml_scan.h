/* domxml_scan: the first pass of domxml, and the facts it keeps.
 *
 * dx_scan() reads the whole document once through the tokenizer
 * (lib/xml/xml.h) into a struct sc: for the few elements the edits own, a
 * `struct node` (where the element starts and ends, the whitespace before
 * it, before its first child and before its end tag, the quote its
 * attributes use, and for each rank of child, libvirt's formatting order,
 * where the last such child ends) and the attribute values the edits
 * compare. Everything else in the document is only checked and counted.
 *
 * This header is internal to lib/xml/domxml*.c: the planner
 * (domxml_plan.h) and the text of new elements (domxml_gen.h) read the
 * facts; the API (domxml.h) makes and frees the struct. */
#ifndef VB_DOMXML_SCAN_H
#define VB_DOMXML_SCAN_H

#include <stdint.h>
#include <string.h>

#include "xml/domxml.h"

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
	int list_strict;	/* vb_dx_list: a PCI hostdev without a readable source fails */
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


/* Ranks (indexes in libvirt's formatting order of a parent's children) the
 * planner inserts at: <domain>, its qemu: children (after R_QEMU), <features>,
 * <hyperv>, <devices>, <hostdev>, <controller>. */
enum { R_SYSINFO = 20, R_FEATURES = 25, R_DEVICES = 34, R_QEMU = 38, R_QCMD = 38, R_QOVR = 41 };
enum { R_HYPERV = 6, R_KVM = 7, R_VMPORT = 11 };
enum { HV_SPINLOCKS = 2, HV_VENDOR = 8 };
enum { R_CONTROLLER = 2, R_INTERFACE = 5, R_VIDEO = 16, R_HOSTDEV = 17, R_MEMBALLOON = 22, R_SHMEM = 25 };
enum { R_HD_ALIAS = 3, R_HD_ROM = 5, R_HD_ADDR = 6 };
enum { R_CTRL_TARGET = 2 };

/* The names of <hyperv>'s children, in libvirt's order (NULL-terminated). */
extern const char *const dx_hv_rank[];

/* The qemu:property names --subsys sets. */
#define DX_SUB_VENDOR "x-pci-sub-vendor-id"
#define DX_SUB_DEVICE "x-pci-sub-device-id"

static inline int dx_aval_is(const struct aval *a, const char *v)
{
	return a->present && a->fits && !strcmp(a->v, v);
}

static inline int dx_bdf_eq(const struct vb_bdf *a, const struct vb_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev && a->fn == b->fn;
}

static inline int dx_slot_eq(const struct vb_bdf *a, const struct vb_bdf *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}

static inline const char *dx_kvmfr_path(const struct vb_dx_edits *e)
{
	return e->kvmfr_path ? e->kvmfr_path : "/dev/kvmfr0";
}

/* Set p->msg (and where in the document) and return code. */
int dx_fail(struct sc *c, int code, unsigned long line, unsigned long col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Add a warning to the plan (at most VB_DX_MAX_WARN are kept). */
void dx_warn(struct sc *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Indentation of n itself, if known: 1 and *s, *len; else 0. */
int dx_node_ind(const struct node *n, const char **s, size_t *len);
/* The qemu:device override of alias, or NULL. */
struct qdev *dx_qdev_find(struct sc *c, const char *alias);
/* Read the whole document from x: 0, or a VB_DX_E* error with c->p->msg. */
int dx_scan(struct sc *c, struct vb_xml *x);

#endif
