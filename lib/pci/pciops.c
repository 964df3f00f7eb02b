/* pciops: topology, remove/rescan, power/control, config save/restore and
 * the secondary bus reset. See pciops.h for the kernel ABI. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/act.h"
#include "pci/pciconf.h"
#include "pci/pciops.h"
#include "base/sysfs.h"
#include "base/util.h"

/* PCI Express capability registers (offsets from the capability). */
#define EXP_FLAGS	0x02
#define EXP_DEVCTL	0x08
#define EXP_LNKCAP	0x0c
#define EXP_LNKCTL	0x10
#define EXP_LNKSTA	0x12
#define EXP_SLTCTL	0x18
#define EXP_SLTSTA	0x1a
#define EXP_RTCTL	0x1c
#define EXP_DEVCTL2	0x28
#define EXP_LNKCTL2	0x30
#define EXP_SLTCTL2	0x38
#define EXP_FLAGS_SLOT	0x0100
#define SLTCTL_PDCE	0x0008		/* presence detect changed enable */
#define SLTCTL_DLLSCE	0x1000		/* data link layer state changed enable */
#define SLTSTA_PDC	0x0008
#define SLTSTA_DLLSC	0x0100
#define LNKCAP_DLLLARC	0x00100000	/* data link layer link active reporting */
#define LNKSTA_DLLLA	0x2000		/* data link layer link active */
#define CAP_MSI		0x05
#define CAP_MSIX	0x11
#define ECAP_REBAR	0x0015		/* resizable BAR */
#define REBAR_CTRL	0x08		/* first control register; one per 8 bytes */

void vb_pciops_addr_add(char ***v, size_t *n, const char *addr)
{
	if (vb_pciops_addr_has(*v, *n, addr))
		return;
	*v = vb_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = vb_xstrdup(addr);
}

int vb_pciops_addr_has(char **v, size_t n, const char *addr)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i], addr))
			return 1;
	return 0;
}

static int cmp_addr(const void *a, const void *b)
{
	return vb_bdf_cmp(*(char *const *)a, *(char *const *)b);
}

static int is_bridge_class(unsigned class)
{
	unsigned c = class >> 8;

	return c == 0x0604 || c == 0x0609 || c == 0x0607;
}

/* The secondary bus of a bridge: the attribute, else config byte 0x19.
 * -ENOENT when addr is not a bridge. */
static int secondary_bus(const char *addr, unsigned *bus)
{
	char p[VB_PATH_MAX];
	unsigned long v;
	struct vb_pciids id;
	uint8_t b;
	size_t got;
	int r;

	if ((r = vb_pcidev_path(p, sizeof(p), addr, "secondary_bus_number")) < 0)
		return r;
	if (vb_sysfs_read_ulong(p, 10, &v) == 0 && v <= 0xff) {
		*bus = (unsigned)v;
		return 0;
	}
	if (vb_pcidev_ids(addr, &id) < 0 || !is_bridge_class(id.class))
		return -ENOENT;
	if ((r = vb_pcidev_path(p, sizeof(p), addr, "config")) < 0)
		return r;
	if ((r = vb_sysfs_pread(p, &b, 1, 0x19, &got)) < 0)
		return r;
	if (got != 1)
		return -EIO;
	*bus = b;
	return 0;
}

int vb_pciops_bus_bridge(unsigned domain, unsigned bus, char *out)
{
	char **all;
	size_t n, i;
	int r;

	out[0] = 0;
	if ((r = vb_pcidev_list(&all, &n)) < 0)
		return r;
	for (i = 0; i < n; i++) {
		struct vb_bdf b;
		unsigned sec;

		if (vb_bdf_parse(all[i], &b) < 0 || b.domain != domain)
			continue;
		if (secondary_bus(all[i], &sec) == 0 && sec == bus && sec != b.bus) {
			vb_strlcpy(out, all[i], VB_BDF_LEN);
			break;
		}
	}
	vb_sysfs_list_free(all, n);
	return 0;
}

int vb_pciops_parent(const char *addr, char *out)
{
	struct vb_bdf b;

	out[0] = 0;
	if (vb_bdf_parse(addr, &b) < 0)
		return -EINVAL;
	if (vb_pcidev_exists(addr))
		return vb_pcidev_parent(addr, out);
	return vb_pciops_bus_bridge(b.domain, b.bus, out);
}

static int below_walk(const char *bridge, char ***v, size_t *n, int depth)
{
	char **kids;
	size_t nk, i;
	int r;

	if (depth > 32)
		return -ELOOP;
	if ((r = vb_pcidev_children(bridge, &kids, &nk)) < 0)
		return r;
	for (i = 0; i < nk && r == 0; i++) {
		vb_pciops_addr_add(v, n, kids[i]);
		r = below_walk(kids[i], v, n, depth + 1);
	}
	vb_sysfs_list_free(kids, nk);
	return r;
}

int vb_pciops_below(const char *bridge, char ***addrs, size_t *n)
{
	int r;

	*addrs = NULL;
	*n = 0;
	r = below_walk(bridge, addrs, n, 0);
	if (r < 0) {
		vb_sysfs_list_free(*addrs, *n);
		*addrs = NULL;
		*n = 0;
		return r;
	}
	if (*n)
		qsort(*addrs, *n, sizeof(**addrs), cmp_addr);
	return 0;
}

int vb_pciops_bus_peers(const char *addr, char ***addrs, size_t *n)
{
	char parent[VB_BDF_LEN], canon[VB_BDF_LEN], **v;
	struct vb_bdf me;
	size_t nv, i, k = 0;
	int r;

	*addrs = NULL;
	*n = 0;
	if (vb_bdf_canon(addr, canon) < 0 || vb_bdf_parse(canon, &me) < 0)
		return -EINVAL;
	if ((r = vb_pciops_parent(canon, parent)) < 0)
		return r;
	r = parent[0] ? vb_pcidev_children(parent, &v, &nv) : vb_pcidev_list(&v, &nv);
	if (r < 0)
		return r;
	for (i = 0; i < nv; i++) {
		struct vb_bdf b;

		if (strcmp(v[i], canon) && vb_bdf_parse(v[i], &b) == 0 &&
		    b.domain == me.domain && b.bus == me.bus)
			v[k++] = v[i];
		else
			free(v[i]);
	}
	*addrs = v;
	*n = k;
	return 0;
}

int vb_pciops_rescan_attr(const char *addr, char *path, size_t n)
{
	char parent[VB_BDF_LEN];
	struct vb_bdf b;
	int r;

	if (vb_bdf_parse(addr, &b) < 0)
		return -EINVAL;
	if ((r = vb_pciops_parent(addr, parent)) < 0)
		return r;
	if (parent[0]) {
		if ((r = vb_pcidev_path(path, n, parent, "rescan")) < 0)
			return r;
		if (vb_sysfs_exists(path))
			return 0;
	}
	if ((r = vb_sysfs_path(path, n, "/sys/class/pci_bus/%04x:%02x/rescan", b.domain, b.bus)) < 0)
		return r;
	if (vb_sysfs_exists(path))
		return 0;
	return vb_sysfs_path(path, n, "/sys/bus/pci/rescan");
}

int vb_pciops_rescan(const struct vb_act *a, const char *path)
{
	return vb_act_write(a, path, "1");
}

int vb_pciops_remove(const struct vb_act *a, const char *addr, long timeout_ms)
{
	long long end;
	int r;

	if ((r = vb_act_dev_write(a, addr, "remove", "1")) < 0)
		return r;
	if (a && a->dry_run)
		return 0;
	end = vb_now_ms() + timeout_ms;
	while (vb_pcidev_exists(addr)) {
		if (vb_now_ms() >= end)
			return -EEXIST;
		vb_sleep_ms(10);
	}
	return 0;
}

int vb_pciops_answers(struct vb_pci *p, const char *addr, unsigned vendor, unsigned device)
{
	uint32_t id;
	unsigned v, d;

	if (!vb_pcidev_exists(addr))
		return 0;
	if (vb_pciconf_read32(p, addr, VB_CFG_VENDOR, &id) < 0)
		return 0;
	v = id & 0xffff;
	d = id >> 16;
	/* all-ones: gone or off; 0x0001: "configuration request retry" */
	if (v == 0xffff || v == 0 || v == 0x0001)
		return 0;
	if (vendor != VB_ANY && v != vendor)
		return 0;
	if (device != VB_ANY && d != device)
		return 0;
	return 1;
}

int vb_pciops_power_get(const char *addr, struct vb_power_save *s)
{
	char p[VB_PATH_MAX];
	int r;

	memset(s, 0, sizeof(*s));
	if (vb_bdf_canon(addr, s->addr) < 0)
		return -EINVAL;
	if ((r = vb_pcidev_path(p, sizeof(p), s->addr, "power/control")) < 0)
		return r;
	r = vb_sysfs_read(p, s->control, sizeof(s->control));
	if (r < 0)
		s->control[0] = 0;
	return r == -ENOENT ? 0 : r < 0 ? r : 0;
}

int vb_pciops_power_on(const struct vb_act *a, const char *addr, struct vb_power_save *s)
{
	char p[VB_PATH_MAX];
	int r;

	memset(s, 0, sizeof(*s));
	if (vb_bdf_canon(addr, s->addr) < 0)
		return -EINVAL;
	if ((r = vb_pcidev_path(p, sizeof(p), s->addr, "power/control")) < 0)
		return r;
	r = vb_sysfs_read(p, s->control, sizeof(s->control));
	if (r == -ENOENT && !vb_pcidev_exists(s->addr))
		return -ENODEV;
	if (r == -ENOENT) {
		s->control[0] = 0;	/* no runtime PM here: nothing to do */
		return 0;
	}
	if (r < 0)
		return r;
	if (!strcmp(s->control, "on"))
		return 0;
	if ((r = vb_act_write(a, p, "on")) < 0)
		return r;
	s->changed = 1;
	return 0;
}

int vb_pciops_power_restore(const struct vb_act *a, struct vb_power_save *s)
{
	char p[VB_PATH_MAX], cur[8];
	int r;

	if (!s->changed || !s->control[0])
		return 0;
	if (!vb_pcidev_exists(s->addr)) {
		s->changed = 0;
		return 0;
	}
	if ((r = vb_pcidev_path(p, sizeof(p), s->addr, "power/control")) < 0)
		return r;
	if (!(a && a->dry_run) && vb_sysfs_read(p, cur, sizeof(cur)) >= 0 &&
	    !strcmp(cur, s->control)) {
		s->changed = 0;
		return 0;
	}
	if ((r = vb_act_write(a, p, s->control)) < 0)
		return r;
	s->changed = 0;
	return 0;
}

int vb_pciops_bbswitch(const char *addr)
{
	char p[VB_PATH_MAX], buf[64], canon[VB_BDF_LEN];
	size_t n;

	if (vb_bdf_canon(addr, canon) < 0 || vb_sysfs_path(p, sizeof(p), "/proc/acpi/bbswitch") < 0 ||
	    vb_sysfs_read(p, buf, sizeof(buf)) < 0)
		return -ENOENT;
	n = strlen(canon);
	if (strncmp(buf, canon, n) || buf[n] != ' ')
		return -ENOENT;
	return !strcmp(buf + n + 1, "OFF");
}

/* --- config space save / restore -------------------------------------------- */

static unsigned get16(const uint8_t *c, int off)
{
	return (unsigned)c[off] | (unsigned)c[off + 1] << 8;
}

static uint32_t get32(const uint8_t *c, int off)
{
	return (uint32_t)get16(c, off) | (uint32_t)get16(c, off + 2) << 16;
}

/* A standard capability in a saved config space; 0 if absent. */
static int saved_cap(const struct vb_cfgsave *s, int id)
{
	int pos, guard;

	if (!(get16(s->data, VB_CFG_STATUS) & 0x10))
		return 0;
	pos = s->data[VB_CFG_CAP_PTR];
	for (guard = 0; pos >= 0x40 && pos < 0xff && guard < 48; guard++) {
		pos &= 0xfc;
		if (s->data[pos] == id)
			return pos;
		pos = s->data[pos + 1];
	}
	return 0;
}

/* An extended capability in a saved 4096-byte config space; 0 if absent. */
static int saved_ecap(const struct vb_cfgsave *s, int id)
{
	int pos = 0x100, guard;

	for (guard = 0; s->size == 4096 && pos >= 0x100 && pos <= 4092 && guard < 960; guard++) {
		uint32_t h = get32(s->data, pos);
		if (h == 0 || h == 0xffffffffu)
			return 0;
		if ((int)(h & 0xffff) == id)
			return pos;
		pos = (int)(h >> 20) & 0xffc;
	}
	return 0;
}

int vb_pciops_cfg_save(struct vb_pci *p, const char *addr, struct vb_cfgsave *s)
{
	char path[VB_PATH_MAX];
	struct stat st;
	int r;

	memset(s, 0, sizeof(*s));
	if (vb_bdf_canon(addr, s->addr) < 0)
		return -EINVAL;
	if ((r = vb_pcidev_path(path, sizeof(path), s->addr, "config")) < 0)
		return r;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? -ENODEV : -errno;
	s->size = st.st_size >= 4096 ? 4096 : 256;
	if ((r = vb_pciconf_read(p, s->addr, 0, s->data, s->size)) < 0)
		return r;
	if (get16(s->data, VB_CFG_VENDOR) == 0xffff || get16(s->data, VB_CFG_VENDOR) == 0)
		return -EIO;
	return 0;
}

/* Write a saved word back when the device holds something else: 1 if it
 * was written, 0 if not needed. */
static int put16_if(struct vb_pci *p, const struct vb_cfgsave *s, int off)
{
	uint16_t cur;
	int r;

	if ((r = vb_pciconf_read16(p, s->addr, off, &cur)) < 0)
		return r;
	if (cur == get16(s->data, off))
		return 0;
	r = vb_pciconf_write16(p, s->addr, off, (uint16_t)get16(s->data, off));
	return r < 0 ? r : 1;
}

static int put32_if(struct vb_pci *p, const struct vb_cfgsave *s, int off, int retries)
{
	uint32_t cur, want = get32(s->data, off);
	int r, i, wrote = 0;

	for (i = 0; i <= retries; i++) {
		if ((r = vb_pciconf_read32(p, s->addr, off, &cur)) < 0)
			return r;
		if (cur == want)
			return wrote;
		if ((r = vb_pciconf_write32(p, s->addr, off, want)) < 0)
			return r;
		wrote = 1;
		if (i < retries)
			vb_sleep_ms(1);
	}
	return wrote;
}

/* Count what a put wrote; stop at an error. */
#define PUT(expr) do { int put_r_ = (expr); if (put_r_ < 0) return put_r_; n += put_r_; } while (0)

static int restore_exp(struct vb_pci *p, const struct vb_cfgsave *s)
{
	int c = saved_cap(s, VB_CAP_EXP), n = 0;
	unsigned flags, type;

	if (!c)
		return 0;
	flags = get16(s->data, c + EXP_FLAGS);
	type = (flags >> 4) & 0xf;
	PUT(put16_if(p, s, c + EXP_DEVCTL));
	PUT(put16_if(p, s, c + EXP_LNKCTL));
	if (flags & EXP_FLAGS_SLOT)
		PUT(put16_if(p, s, c + EXP_SLTCTL));
	if (type == 4 || type == 10)
		PUT(put16_if(p, s, c + EXP_RTCTL));
	if ((flags & 0xf) >= 2 && c + EXP_SLTCTL2 + 2 <= 0x100) {
		PUT(put16_if(p, s, c + EXP_DEVCTL2));
		PUT(put16_if(p, s, c + EXP_LNKCTL2));
		if (flags & EXP_FLAGS_SLOT)
			PUT(put16_if(p, s, c + EXP_SLTCTL2));
	}
	return n;
}

static int restore_msi(struct vb_pci *p, const struct vb_cfgsave *s)
{
	int c = saved_cap(s, CAP_MSI), n = 0;
	unsigned ctl;

	if (c && c + 0x18 <= 0x100) {
		ctl = get16(s->data, c + 2);
		PUT(put32_if(p, s, c + 4, 0));
		if (ctl & 0x80) {	/* 64-bit address */
			PUT(put32_if(p, s, c + 8, 0));
			PUT(put16_if(p, s, c + 0x0c));
			if (ctl & 0x100)
				PUT(put32_if(p, s, c + 0x10, 0));
		} else {
			PUT(put16_if(p, s, c + 8));
			if (ctl & 0x100)
				PUT(put32_if(p, s, c + 0x0c, 0));
		}
		PUT(put16_if(p, s, c + 2));
	}
	c = saved_cap(s, CAP_MSIX);
	if (c)
		PUT(put16_if(p, s, c + 2));
	return n;
}

/* Resizable BAR sizes, before the BARs (pci_restore_rebar_state): a reset
 * puts each BAR back to its default size. */
static int restore_rebar(struct vb_pci *p, const struct vb_cfgsave *s)
{
	int c = saved_ecap(s, ECAP_REBAR), n = 0, i, nbars;

	if (!c)
		return 0;
	nbars = (int)(get32(s->data, c + REBAR_CTRL) >> 5) & 7;
	for (i = 0; i < nbars && c + REBAR_CTRL + 8 * i <= 4092; i++)
		PUT(put32_if(p, s, c + REBAR_CTRL + 8 * i, 0));
	return n;
}

/* An NVIDIA GPU's HDA function (0x488 bit 25) is hidden again by a reset
 * on machines whose firmware hides it: set the bit again if it was set, as
 * the kernel's quirk_nvidia_hda does on resume, so function 1 answers. */
static int restore_nv_hda(struct vb_pci *p, const struct vb_cfgsave *s)
{
	uint32_t cur;
	int r;

	if (s->size != 4096 || get16(s->data, VB_CFG_VENDOR) != 0x10de || s->data[0x0b] != 0x03 ||
	    !(get32(s->data, VB_NV_HDA_REG) & VB_NV_HDA_BIT))
		return 0;
	if ((r = vb_pciconf_read32(p, s->addr, VB_NV_HDA_REG, &cur)) < 0)
		return r;
	if (cur & VB_NV_HDA_BIT)
		return 0;
	r = vb_pciconf_write32(p, s->addr, VB_NV_HDA_REG, cur | VB_NV_HDA_BIT);
	return r < 0 ? r : 1;
}

int vb_pciops_cfg_restore(struct vb_pci *p, const struct vb_cfgsave *s, int *bad)
{
	int bridge = (s->data[VB_CFG_HEADER_TYPE] & 0x7f) == 1;
	int nbars = bridge ? 2 : 6;
	int r, i, n = 0;
	uint16_t cmd;
	uint32_t v;

	*bad = -1;
	PUT(restore_nv_hda(p, s));
	PUT(restore_exp(p, s));
	PUT(restore_rebar(p, s));
	PUT(restore_msi(p, s));
	/* The header from the top down, as pci_restore_config_space does:
	 * for a normal device 0x28-0x3c, then the BARs (retried), then
	 * 0x00-0x0c, so COMMAND enables decoding only once the BARs are set. */
	if (bridge) {
		for (i = 15; i >= 0; i--)
			PUT(put32_if(p, s, i * 4, 0));
	} else {
		for (i = 15; i >= 10; i--)
			PUT(put32_if(p, s, i * 4, 0));
		for (i = 9; i >= 4; i--)
			PUT(put32_if(p, s, i * 4, 10));
		for (i = 3; i >= 0; i--)
			PUT(put32_if(p, s, i * 4, 0));
	}
	if ((r = vb_pciconf_read16(p, s->addr, VB_CFG_COMMAND, &cmd)) < 0)
		return r;
	if (cmd != get16(s->data, VB_CFG_COMMAND)) {
		*bad = VB_CFG_COMMAND;
		return -EIO;
	}
	for (i = 0; i < nbars; i++) {
		if ((r = vb_pciconf_read32(p, s->addr, 0x10 + 4 * i, &v)) < 0)
			return r;
		if (v != get32(s->data, 0x10 + 4 * i)) {
			*bad = 0x10 + 4 * i;
			return -EIO;
		}
	}
	return n;
}

/* --- secondary bus reset ------------------------------------------------------- */

void vb_pciops_sbr_free(struct vb_sbr *s)
{
	free(s->devs);
	s->devs = NULL;
	s->n = 0;
}

static void power_back(const struct vb_act *a, struct vb_power_save *pw, size_t n)
{
	while (n--)
		vb_pciops_power_restore(a, &pw[n]);
}

int vb_pciops_sbr(const struct vb_act *a, struct vb_pci *p, struct vb_sbr *s)
{
	struct vb_cfgsave *save = NULL;
	struct vb_power_save *pw = NULL;
	size_t npw = 0, i, nbelow = 0;
	char **below = NULL;
	uint16_t sltctl = 0, mask = 0, stat = 0;
	uint32_t lnkcap = 0;
	int exp = -1, r, first_err = 0, bad, fast = 0;
	long long t0, t1;
	long wait = s->wait_ms > 0 ? s->wait_ms : 1000;

	s->n = 0;
	s->devs = NULL;
	s->restored = 0;
	s->step = VB_SBR_SAVE;
	s->failed[0] = 0;
	s->bad_offset = -1;
	s->back_ms = 0;
	if ((r = vb_pciops_below(s->bridge, &below, &nbelow)) < 0)
		return r;
	s->devs = vb_xcalloc(nbelow ? nbelow : 1, sizeof(*s->devs));
	for (i = 0; i < nbelow; i++)
		if (!vb_pciops_addr_has(s->skip, s->nskip, below[i]))
			vb_strlcpy(s->devs[s->n++], below[i], VB_BDF_LEN);
	vb_sysfs_list_free(below, nbelow);
	save = vb_xcalloc(s->n ? s->n : 1, sizeof(*save));
	pw = vb_xcalloc(s->n + 1, sizeof(*pw));

	/* Awake for the duration: the bridge first, then what is below. */
	if (!s->bridge_awake) {
		if ((r = vb_pciops_power_on(a, s->bridge, &pw[npw])) < 0) {
			vb_strlcpy(s->failed, s->bridge, sizeof(s->failed));
			goto out;
		}
		npw++;
	}
	for (i = 0; i < s->n; i++) {
		if ((r = vb_pciops_power_on(a, s->devs[i], &pw[npw])) < 0) {
			vb_strlcpy(s->failed, s->devs[i], sizeof(s->failed));
			goto out;
		}
		npw++;
	}
	for (i = 0; i < s->n; i++) {
		if ((r = vb_pciops_cfg_save(p, s->devs[i], &save[i])) < 0) {
			vb_strlcpy(s->failed, s->devs[i], sizeof(s->failed));
			goto out;
		}
		vb_act_note(a, "save the config space of %s (%d bytes)", s->devs[i], save[i].size);
	}

	/* Keep pciehp from taking the link going down for a surprise removal. */
	exp = vb_pciconf_find_cap(p, s->bridge, VB_CAP_EXP, 0);
	/* Above 5 GT/s the devices get 100 ms from the link coming up, not
	 * from the reset (PCIe base spec 6.6.1; pci_bridge_wait_for_secondary_bus):
	 * where the bridge reports link state, wait for it first. */
	if (exp > 0 && vb_pciconf_read32(p, s->bridge, exp + EXP_LNKCAP, &lnkcap) == 0 &&
	    (lnkcap & 0xf) > 2 && (lnkcap & LNKCAP_DLLLARC)) {
		uint16_t ls = 0;
		/* only a bridge that shows the link up now is believed later */
		fast = vb_pciconf_read16(p, s->bridge, exp + EXP_LNKSTA, &ls) == 0 &&
		       (ls & LNKSTA_DLLLA);
	}
	if (exp > 0) {
		uint16_t flags;
		if (vb_pciconf_read16(p, s->bridge, exp + EXP_FLAGS, &flags) == 0 &&
		    (flags & EXP_FLAGS_SLOT) &&
		    vb_pciconf_read16(p, s->bridge, exp + EXP_SLTCTL, &sltctl) == 0) {
			mask = sltctl & (SLTCTL_PDCE | SLTCTL_DLLSCE);
			stat = (uint16_t)(((mask & SLTCTL_PDCE) ? SLTSTA_PDC : 0) |
					  ((mask & SLTCTL_DLLSCE) ? SLTSTA_DLLSC : 0));
		}
	}
	s->step = VB_SBR_ASSERT;
	vb_strlcpy(s->failed, s->bridge, sizeof(s->failed));
	if (mask) {
		vb_act_note(a, "mask the slot's presence/link change events while the link is down");
		if ((r = vb_act_cfg16(a, p, s->bridge, exp + EXP_SLTCTL, 0, mask)) < 0)
			goto out;
	}
	if ((r = vb_act_cfg16(a, p, s->bridge, VB_CFG_BRIDGE_CONTROL, VB_BRIDGE_CTL_BUS_RESET,
			      VB_BRIDGE_CTL_BUS_RESET)) < 0)
		goto unmask;
	vb_act_sleep(a, 2);
	s->step = VB_SBR_DEASSERT;
	if ((r = vb_act_cfg16(a, p, s->bridge, VB_CFG_BRIDGE_CONTROL, 0, VB_BRIDGE_CTL_BUS_RESET)) < 0) {
		vb_sleep_ms(10);
		if ((r = vb_act_cfg16(a, p, s->bridge, VB_CFG_BRIDGE_CONTROL, 0,
				      VB_BRIDGE_CTL_BUS_RESET)) < 0)
			goto out;	/* the bus stays in reset: nothing more to do */
	}
	t0 = t1 = vb_now_ms();
	if (fast) {
		uint16_t ls = 0;
		vb_act_note(a, "a link faster than 5 GT/s: wait up to %ld ms for %s to report it up "
			    "(link status bit 13), then 100 ms", wait, s->bridge);
		while (!(a && a->dry_run) && vb_now_ms() - t0 < wait &&
		       vb_pciconf_read16(p, s->bridge, exp + EXP_LNKSTA, &ls) == 0 &&
		       !(ls & LNKSTA_DLLLA))
			vb_sleep_ms(10);
		t1 = vb_now_ms();
	}
	vb_act_sleep(a, 100);
	if (a && a->dry_run) {
		if (s->n)
			vb_act_note(a, "poll every 10 ms, up to %ld ms, until each device below "
				    "answers with its ids; then restore its config space", wait);
		s->step = VB_SBR_OK;
		s->failed[0] = 0;
		goto unmask;
	}
	for (i = 0; i < s->n; i++) {
		unsigned ven = get16(save[i].data, 0), dev = get16(save[i].data, 2);
		while (vb_pciops_answers(p, s->devs[i], ven, dev) != 1) {
			if (vb_now_ms() - t1 > 100 + wait)
				break;
			vb_sleep_ms(10);
		}
		if (vb_pciops_answers(p, s->devs[i], ven, dev) != 1) {
			if (!first_err) {
				first_err = -ETIMEDOUT;
				s->step = VB_SBR_WAIT;
				vb_strlcpy(s->failed, s->devs[i], sizeof(s->failed));
			}
			continue;
		}
		s->back_ms = (long)(vb_now_ms() - t0);
		r = vb_pciops_cfg_restore(p, &save[i], &bad);
		if (r >= 0) {
			s->restored += r;
		} else if (!first_err) {
			first_err = r;
			s->step = VB_SBR_RESTORE;
			s->bad_offset = bad;
			vb_strlcpy(s->failed, s->devs[i], sizeof(s->failed));
		}
	}
	r = first_err;
	if (!r) {
		s->step = VB_SBR_OK;
		s->failed[0] = 0;
	}
unmask:
	if (mask) {
		vb_act_cfg16(a, p, s->bridge, exp + EXP_SLTSTA, stat, 0xffff);
		vb_act_cfg16(a, p, s->bridge, exp + EXP_SLTCTL, mask, mask);
	}
out:
	power_back(a, pw, npw);
	free(pw);
	free(save);
	return r;
}
