/* pciconf: libpci wrapper. See pciutils lib/pci.h: pci_alloc, pci_set_param
 * ("sysfs.path"), pci_init, pci_get_dev, pci_read_block, pci_write_block,
 * pci_cleanup. Each entry point arms a jump buffer for the error hook,
 * because libpci's error callback must not return. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>

#include "pci/pciconf.h"
#include "pci/pcidev.h"
#include "base/sysfs.h"
#include "base/util.h"

struct vb_pci {
	struct pci_access *a;
	jmp_buf jb;
	char msg[256];
};

/* libpci's callbacks have no user pointer; one handle is active at a time. */
static struct vb_pci *cur;

static void on_error(char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void on_error(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur->msg, sizeof(cur->msg), fmt, ap);
	va_end(ap);
	longjmp(cur->jb, 1);
}

static void on_warning(char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void on_warning(char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cur->msg, sizeof(cur->msg), fmt, ap);
	va_end(ap);
}

static void on_debug(char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void on_debug(char *fmt, ...)
{
	(void)fmt;
}

int vb_pciconf_open(struct vb_pci **pp, int writeable, char *err, size_t errn)
{
	struct vb_pci *p = vb_xcalloc(1, sizeof(*p));
	char path[VB_PATH_MAX];

	*pp = NULL;
	if (vb_sysfs_path(path, sizeof(path), "/sys/bus/pci") < 0) {
		free(p);
		return -ENAMETOOLONG;
	}
	cur = p;
	if (setjmp(p->jb)) {
		if (err)
			vb_strlcpy(err, p->msg, errn);
		struct pci_access *a = p->a;
		p->a = NULL;
		if (a && !setjmp(p->jb))
			pci_cleanup(a);
		free(p);
		cur = NULL;
		return -EIO;
	}
	p->a = pci_alloc();
	p->a->error = on_error;
	p->a->warning = on_warning;
	p->a->debug = on_debug;
	p->a->method = PCI_ACCESS_SYS_BUS_PCI;
	p->a->writeable = writeable;
	if (pci_set_param(p->a, "sysfs.path", path) < 0) {
		vb_strlcpy(p->msg, "libpci has no sysfs.path parameter", sizeof(p->msg));
		longjmp(p->jb, 1);
	}
	pci_init(p->a);
	*pp = p;
	return 0;
}

void vb_pciconf_close(struct vb_pci *p)
{
	if (!p)
		return;
	cur = p;
	if (!setjmp(p->jb))
		pci_cleanup(p->a);
	cur = NULL;
	free(p);
}

const char *vb_pciconf_last_error(struct vb_pci *p)
{
	return p ? p->msg : "";
}

static int xfer(struct vb_pci *p, const char *addr, int pos, void *buf, int len, int wr)
{
	struct vb_bdf b;
	struct pci_dev *volatile d = NULL;
	volatile int ok = 0;

	if (vb_bdf_parse(addr, &b) < 0 || pos < 0 || len <= 0 || pos + len > 4096)
		return -EINVAL;
	cur = p;
	p->msg[0] = 0;
	if (setjmp(p->jb)) {
		if (d)
			pci_free_dev(d);
		return -EIO;
	}
	d = pci_get_dev(p->a, (int)b.domain, (int)b.bus, (int)b.dev, (int)b.fn);
	if (wr)
		ok = pci_write_block(d, pos, buf, len);
	else
		ok = pci_read_block(d, pos, buf, len);
	pci_free_dev(d);
	return ok ? 0 : -EIO;
}

int vb_pciconf_read(struct vb_pci *p, const char *addr, int pos, void *buf, int len)
{
	return xfer(p, addr, pos, buf, len, 0);
}

int vb_pciconf_write(struct vb_pci *p, const char *addr, int pos, const void *buf, int len)
{
	return xfer(p, addr, pos, (void *)buf, len, 1);
}

int vb_pciconf_read8(struct vb_pci *p, const char *addr, int pos, uint8_t *v)
{
	return xfer(p, addr, pos, v, 1, 0);
}

int vb_pciconf_read16(struct vb_pci *p, const char *addr, int pos, uint16_t *v)
{
	uint8_t b[2];
	int r = xfer(p, addr, pos, b, 2, 0);

	if (!r)
		*v = (uint16_t)(b[0] | b[1] << 8);
	return r;
}

int vb_pciconf_read32(struct vb_pci *p, const char *addr, int pos, uint32_t *v)
{
	uint8_t b[4];
	int r = xfer(p, addr, pos, b, 4, 0);

	if (!r)
		*v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
		     (uint32_t)b[3] << 24;
	return r;
}

int vb_pciconf_write16(struct vb_pci *p, const char *addr, int pos, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return xfer(p, addr, pos, b, 2, 1);
}

int vb_pciconf_write32(struct vb_pci *p, const char *addr, int pos, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	return xfer(p, addr, pos, b, 4, 1);
}

int vb_pciconf_present(struct vb_pci *p, const char *addr)
{
	uint16_t v;
	int r = vb_pciconf_read16(p, addr, VB_CFG_VENDOR, &v);

	if (r < 0)
		return r;
	return v != 0xffff && v != 0x0000;
}

int vb_pciconf_find_cap(struct vb_pci *p, const char *addr, int id, int extended)
{
	int r, guard;

	if (!extended) {
		uint16_t status;
		uint8_t pos, hdr[2];

		if ((r = vb_pciconf_read16(p, addr, VB_CFG_STATUS, &status)) < 0)
			return r;
		if (status == 0xffff || !(status & 0x10))
			return -ENOENT;
		if ((r = vb_pciconf_read8(p, addr, VB_CFG_CAP_PTR, &pos)) < 0)
			return r;
		for (guard = 0; pos >= 0x40 && guard < 48; guard++) {
			pos &= 0xfc;
			if ((r = vb_pciconf_read(p, addr, pos, hdr, 2)) < 0)
				return r;
			if (hdr[0] == 0xff)
				return -ENOENT;
			if (hdr[0] == id)
				return pos;
			pos = hdr[1];
		}
		return -ENOENT;
	} else {
		uint32_t h;
		int pos = 0x100;

		for (guard = 0; pos >= 0x100 && pos < 4096 && guard < 960; guard++) {
			if ((r = vb_pciconf_read32(p, addr, pos, &h)) < 0)
				return r;
			if (h == 0 || h == 0xffffffffu)
				return -ENOENT;
			if ((int)(h & 0xffff) == id)
				return pos;
			pos = (int)(h >> 20) & 0xffc;
		}
		return -ENOENT;
	}
}

int vb_pciconf_acs(struct vb_pci *p, const char *addr, uint16_t *cap, uint16_t *ctl)
{
	struct vb_bdf b;
	struct pci_dev *volatile d = NULL;
	struct pci_cap *c;
	volatile int r = 0;

	*cap = *ctl = 0;
	if (vb_bdf_parse(addr, &b) < 0)
		return -EINVAL;
	if ((r = vb_pciconf_present(p, addr)) <= 0)
		return r < 0 ? r : -ENODEV;
	cur = p;
	p->msg[0] = 0;
	if (setjmp(p->jb)) {
		if (d)
			pci_free_dev(d);
		return -EIO;
	}
	d = pci_get_dev(p->a, (int)b.domain, (int)b.bus, (int)b.dev, (int)b.fn);
	pci_fill_info(d, PCI_FILL_EXT_CAPS);
	c = pci_find_cap(d, PCI_EXT_CAP_ID_ACS, PCI_CAP_EXTENDED);
	r = 0;
	if (c) {
		*cap = pci_read_word(d, (int)c->addr + PCI_ACS_CAP);
		*ctl = pci_read_word(d, (int)c->addr + PCI_ACS_CTRL);
		r = 1;
	}
	pci_free_dev(d);
	return r;
}

/* The kernel's REQ_ACS_FLAGS. */
#define ACS_REQ (PCI_ACS_CTRL_VALID | PCI_ACS_CTRL_REQ_RED | PCI_ACS_CTRL_CMPLT_RED | \
		 PCI_ACS_CTRL_FORWARD)

unsigned vb_pciconf_acs_missing(uint16_t cap, uint16_t ctl)
{
	/* Except for egress control, a feature missing from the capability
	 * register is hard-wired enabled (pci_acs_flags_enabled). */
	unsigned need = ACS_REQ & (cap | PCI_ACS_CTRL_EGRESS);

	return need & ~(unsigned)ctl;
}

int vb_pciconf_acs_isolates(uint16_t cap, uint16_t ctl)
{
	return vb_pciconf_acs_missing(cap, ctl) == 0;
}

void vb_pciconf_acs_flags(unsigned miss, char *buf, size_t n)
{
	static const char *const flag[] = { "SrcValid", "TransBlk", "ReqRedir", "CmpltRedir",
					    "UpstreamFwd", "EgressCtrl", "DirectTrans" };
	size_t i;

	if (!n)
		return;
	buf[0] = 0;
	for (i = 0; i < VB_ARRAY_SIZE(flag); i++)
		if (miss & 1u << i)
			vb_appendf(buf, n, "%s%s-", buf[0] ? " " : "", flag[i]);
}
