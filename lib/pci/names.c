/* names: pci.ids through libpci. See pciutils lib/names.c (pci_lookup_name,
 * format_name, format_name_pair) and lib/names-parse.c (pci_load_name_list,
 * which reports a parse error through the error hook, which must not return:
 * ours jumps back, as lib/pci/pciconf.c does). pci_init() is never called:
 * name lookups need no access method. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pci/pci.h>

#include "pci/names.h"
#include "base/sysfs.h"
#include "base/util.h"

struct vb_names {
	struct pci_access *a;
	jmp_buf jb;
	char msg[256];
	char path[VB_PATH_MAX];
};

/* libpci's callbacks have no user pointer; one lookup runs at a time. */
static struct vb_names *cur;

static void on_error(char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void on_error(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur->msg, sizeof(cur->msg), fmt, ap);
	va_end(ap);
	vb_chomp(cur->msg);
	longjmp(cur->jb, 1);
}

static void on_quiet(char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void on_quiet(char *fmt, ...)
{
	(void)fmt;
}

static void drop(struct vb_names *nm)
{
	struct pci_access *a = nm->a;

	nm->a = NULL;
	cur = nm;
	if (a && !setjmp(nm->jb))
		pci_cleanup(a);
	cur = NULL;
	free(nm);
}

int vb_names_open(struct vb_names **out, const char *file, char *err, size_t errn)
{
	struct vb_names *nm = vb_xcalloc(1, sizeof(*nm));
	volatile int loaded = 0;

	*out = NULL;
	if (err && errn)
		err[0] = 0;
	cur = nm;
	if (setjmp(nm->jb)) {
		if (err)
			vb_strlcpy(err, nm->msg, errn);
		drop(nm);
		return -EINVAL;
	}
	nm->a = pci_alloc();
	nm->a->error = on_error;
	nm->a->warning = on_quiet;
	nm->a->debug = on_quiet;
	nm->a->id_lookup_mode = PCI_LOOKUP_NO_HWDB;
	if (file) {
		if (vb_strlcpy(nm->path, file, sizeof(nm->path)) < 0) {
			drop(nm);
			return -ENAMETOOLONG;
		}
		if (access(nm->path, R_OK) < 0) {
			int e = -errno;
			drop(nm);
			return e;
		}
	} else {
		/* libpci's own default first, as pci_alloc() set it. */
		const char *dflt[] = { nm->a->id_file_name, "/usr/share/hwdata/pci.ids",
				       "/usr/share/misc/pci.ids" };
		size_t i;

		for (i = 0; i < VB_ARRAY_SIZE(dflt); i++) {
			if (!dflt[i] || dflt[i][0] != '/' ||
			    vb_sysfs_path(nm->path, sizeof(nm->path), "%s", dflt[i]) < 0)
				continue;
			if (access(nm->path, R_OK) == 0)
				break;
		}
		if (i == VB_ARRAY_SIZE(dflt)) {
			drop(nm);
			return -ENOENT;
		}
	}
	pci_set_name_list_path(nm->a, nm->path, 0);
	loaded = pci_load_name_list(nm->a);
	cur = NULL;
	if (!loaded) {
		drop(nm);
		return -EACCES;	/* readable a moment ago: it went away or changed mode */
	}
	*out = nm;
	return 0;
}

void vb_names_close(struct vb_names *nm)
{
	if (nm)
		drop(nm);
}

const char *vb_names_file(const struct vb_names *nm)
{
	return nm ? vb_sysfs_unroot(nm->path) : "";
}

/* pci_lookup_name with the error hook armed; NULL on an error. Extra
 * arguments past the ones a request reads are ignored by the callee. */
static char *lookup(struct vb_names *nm, char *buf, size_t n, int flags,
		    unsigned a1, unsigned a2, unsigned a3, unsigned a4)
{
	char *volatile r = NULL;

	cur = nm;
	if (!setjmp(nm->jb))
		r = pci_lookup_name(nm->a, buf, (int)n, flags, (int)a1, (int)a2, (int)a3, (int)a4);
	cur = NULL;
	return r;
}

const char *vb_names_vendor(struct vb_names *nm, unsigned vendor, char *buf, size_t n)
{
	if (!nm || n < 2)
		return NULL;
	return lookup(nm, buf, n, PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS, vendor, 0, 0, 0);
}

const char *vb_names_devname(struct vb_names *nm, unsigned vendor, unsigned device,
			     char *buf, size_t n)
{
	if (!nm || n < 2)
		return NULL;
	return lookup(nm, buf, n, PCI_LOOKUP_DEVICE | PCI_LOOKUP_NO_NUMBERS,
		      vendor, device, 0, 0);
}

const char *vb_names_vendev(struct vb_names *nm, unsigned vendor, unsigned device,
			    char *buf, size_t n)
{
	if (!vb_names_vendor(nm, vendor, buf, n))
		return NULL;
	return lookup(nm, buf, n, PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
		      vendor, device, 0, 0);
}

const char *vb_names_subsys(struct vb_names *nm, const struct vb_pciids *id,
			    char *buf, size_t n)
{
	/* lspci -v prints the line when the subsystem vendor is not 0 or ffff. */
	if (!id->subvendor || id->subvendor == 0xffff)
		return NULL;
	if (!nm || n < 2 ||
	    !lookup(nm, buf, n, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_NO_NUMBERS,
		    id->subvendor, 0, 0, 0))
		return NULL;
	return lookup(nm, buf, n, PCI_LOOKUP_SUBSYSTEM | PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE,
		      id->vendor, id->device, id->subvendor, id->subdevice);
}

const char *vb_names_class(struct vb_names *nm, unsigned class, char *buf, size_t n)
{
	const char *r = NULL;
	int c = (int)(class >> 8 & 0xffff);

	if (nm && n >= 2) {
		/* The subclass, else the base class name (lspci then adds the
		 * number, which callers print anyway). */
		r = lookup(nm, buf, n, PCI_LOOKUP_CLASS | PCI_LOOKUP_NO_NUMBERS, (unsigned)c, 0, 0, 0);
		if (r) {
			char num[12];
			size_t l = strlen(buf), k;

			/* A base-class-only name comes back as "Bridge [0680]". */
			k = (size_t)snprintf(num, sizeof(num), " [%04x]", (unsigned)c);
			if (l > k && !strcmp(buf + l - k, num))
				buf[l - k] = 0;
		}
	}
	if (!r) {
		vb_strlcpy(buf, vb_class_name(class), n);
		r = buf;
	}
	return r;
}

const char *vb_names_mixed(struct vb_names *nm, unsigned vendor, unsigned device,
			   char *buf, size_t n)
{
	const char *r = NULL;

	if (nm && n >= 2)
		r = lookup(nm, buf, n, PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_MIXED,
			   vendor, device, 0, 0);
	if (!r) {
		snprintf(buf, n, "Device [%04x:%04x]", vendor, device);
		r = buf;
	}
	return r;
}

static struct vb_names *dev_nm;
static int dev_state;	/* 0 not tried, 1 loaded, -1 no file */

int vb_names_device(const struct vb_pciids *id, char *buf, size_t n)
{
	if (n)
		buf[0] = 0;
	if (!dev_state)
		dev_state = vb_names_open(&dev_nm, NULL, NULL, 0) == 0 ? 1 : -1;
	if (dev_state < 0 || !vb_names_vendev(dev_nm, id->vendor, id->device, buf, n)) {
		if (n)
			buf[0] = 0;
		return -ENOENT;
	}
	return 0;
}

void vb_names_device_reset(void)
{
	vb_names_close(dev_nm);
	dev_nm = NULL;
	dev_state = 0;
}
