/* pcidev: PCI devices as /sys/bus/pci/devices shows them.
 *
 * Kernel ABI (drivers/pci/pci-sysfs.c, Documentation/ABI/testing/sysfs-bus-pci):
 * vendor, device, subsystem_vendor, subsystem_device, class, revision, modalias
 * ("pci:vVVVVVVVVdDDDDDDDDsvSSSSSSSSsdSSSSSSSSbcBBscSSiII"), driver and
 * iommu_group links, driver_override ("(null)" when unset), boot_vga (VGA
 * class only), power_state (5.11+), power/control, power/runtime_status,
 * d3cold_allowed, reset and reset_method (5.15+), current_link_speed/width.
 * /sys/bus/pci/devices/ADDR links to the device's directory, which sits
 * inside its upstream bridge's directory. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pci/kmod.h"
#include "pci/pcidev.h"
#include "base/sysfs.h"
#include "base/util.h"

/* Exactly min..max hex digits up to the terminator t. */
static int hexfield(const char **sp, int min, int max, char t, unsigned *out)
{
	const char *s = *sp;
	unsigned v = 0;
	int n = 0, h;

	while ((h = vb_hexval((unsigned char)*s)) >= 0) {
		if (++n > max)
			return -EINVAL;
		v = v * 16 + (unsigned)h;
		s++;
	}
	if (n < min || *s != t)
		return -EINVAL;
	*out = v;
	*sp = t ? s + 1 : s;
	return 0;
}

int vb_bdf_parse(const char *s, struct vb_bdf *b)
{
	const char *p = s;
	unsigned f[4];
	int colons = 0;

	if (!s)
		return -EINVAL;
	for (p = s; *p; p++)
		colons += *p == ':';
	p = s;
	if (colons == 2) {
		if (hexfield(&p, 4, 8, ':', &f[0]) < 0)
			return -EINVAL;
	} else if (colons == 1) {
		f[0] = 0;
	} else {
		return -EINVAL;
	}
	if (hexfield(&p, 2, 2, ':', &f[1]) < 0 || hexfield(&p, 2, 2, '.', &f[2]) < 0 ||
	    hexfield(&p, 1, 1, 0, &f[3]) < 0)
		return -EINVAL;
	if (f[2] > 0x1f || f[3] > 7)
		return -EINVAL;
	b->domain = f[0];
	b->bus = f[1];
	b->dev = f[2];
	b->fn = f[3];
	return 0;
}

void vb_bdf_format(const struct vb_bdf *b, char *out)
{
	snprintf(out, VB_BDF_LEN, "%04x:%02x:%02x.%x", b->domain, b->bus, b->dev, b->fn);
}

int vb_bdf_canon(const char *s, char *out)
{
	struct vb_bdf b;

	if (vb_bdf_parse(s, &b) < 0)
		return -EINVAL;
	vb_bdf_format(&b, out);
	return 0;
}

int vb_bdf_cmp(const char *a, const char *b)
{
	struct vb_bdf x, y;
	unsigned long long kx, ky;

	if (vb_bdf_parse(a, &x) < 0 || vb_bdf_parse(b, &y) < 0)
		return strcmp(a, b);
	kx = (unsigned long long)x.domain << 16 | x.bus << 8 | x.dev << 3 | x.fn;
	ky = (unsigned long long)y.domain << 16 | y.bus << 8 | y.dev << 3 | y.fn;
	return kx < ky ? -1 : kx > ky;
}

int vb_pcidev_path(char *buf, size_t n, const char *addr, const char *attr)
{
	char canon[VB_BDF_LEN];

	if (vb_bdf_canon(addr, canon) < 0)
		return -EINVAL;
	if (!attr || !*attr)
		return vb_sysfs_path(buf, n, "/sys/bus/pci/devices/%s", canon);
	if (attr[0] == '/' || strstr(attr, ".."))
		return -EINVAL;
	return vb_sysfs_path(buf, n, "/sys/bus/pci/devices/%s/%s", canon, attr);
}

int vb_pcidev_exists(const char *addr)
{
	char p[VB_PATH_MAX];

	return vb_pcidev_path(p, sizeof(p), addr, NULL) == 0 && vb_sysfs_exists(p);
}

static int read_attr(const char *addr, const char *attr, char *buf, size_t n)
{
	char p[VB_PATH_MAX];
	int r = vb_pcidev_path(p, sizeof(p), addr, attr);

	if (r < 0)
		return r;
	return vb_sysfs_read(p, buf, n);
}

static int read_hex(const char *addr, const char *attr, unsigned *v)
{
	char buf[32];
	unsigned long x;
	int r = read_attr(addr, attr, buf, sizeof(buf));

	if (r < 0)
		return r;
	r = vb_parse_ulong(buf, 16, 0xffffffffUL, &x);
	if (r < 0)
		return r;
	*v = (unsigned)x;
	return 0;
}

/* "pci:v000010DEd0000249Dsv0000103Csd000088D1bc03sc00i00" */
int vb_pcidev_parse_modalias(const char *m, struct vb_pciids *id)
{
	static const struct { const char *tag; int digits; } f[] = {
		{ "pci:v", 8 }, { "d", 8 }, { "sv", 8 }, { "sd", 8 },
		{ "bc", 2 }, { "sc", 2 }, { "i", 2 },
	};
	unsigned long v[7];
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(f); i++) {
		size_t tl = strlen(f[i].tag);
		if (strncmp(m, f[i].tag, tl) || vb_hexn(m + tl, f[i].digits, &v[i]) < 0)
			return -EINVAL;
		m += tl + (size_t)f[i].digits;
	}
	if (*m == '\n')
		m++;
	if (*m)
		return -EINVAL;
	id->vendor = (unsigned)v[0];
	id->device = (unsigned)v[1];
	id->subvendor = (unsigned)v[2];
	id->subdevice = (unsigned)v[3];
	id->class = (unsigned)(v[4] << 16 | v[5] << 8 | v[6]);
	return 0;
}

int vb_pcidev_ids(const char *addr, struct vb_pciids *id)
{
	char buf[128];
	int r = read_attr(addr, "modalias", buf, sizeof(buf));

	if (r >= 0 && vb_pcidev_parse_modalias(buf, id) == 0)
		return 0;
	if (r == -EINVAL)
		return r;
	if ((r = read_hex(addr, "vendor", &id->vendor)) < 0 ||
	    (r = read_hex(addr, "device", &id->device)) < 0 ||
	    (r = read_hex(addr, "class", &id->class)) < 0)
		return r == -ENOENT ? -ENODEV : r;
	if (read_hex(addr, "subsystem_vendor", &id->subvendor) < 0)
		id->subvendor = 0;
	if (read_hex(addr, "subsystem_device", &id->subdevice) < 0)
		id->subdevice = 0;
	return 0;
}

int vb_pcidev_driver(const char *addr, char *buf, size_t n)
{
	char p[VB_PATH_MAX];
	int r = vb_pcidev_path(p, sizeof(p), addr, "driver");

	buf[0] = 0;
	if (r < 0)
		return r;
	r = vb_sysfs_link_name(p, buf, n);
	if (r == -ENOENT) {
		buf[0] = 0;
		return 0;
	}
	return r;
}

int vb_pcidev_group(const char *addr)
{
	char p[VB_PATH_MAX], name[32];
	unsigned long g;
	int r = vb_pcidev_path(p, sizeof(p), addr, "iommu_group");

	if (r < 0)
		return r;
	if ((r = vb_sysfs_link_name(p, name, sizeof(name))) < 0)
		return r;
	if (vb_parse_ulong(name, 10, 0x7fffffff, &g) < 0)
		return -EINVAL;
	return (int)g;
}

int vb_pcidev_parent(const char *addr, char *out)
{
	char p[VB_PATH_MAX], t[VB_PATH_MAX], *last, *prev;
	ssize_t r;

	out[0] = 0;
	if (vb_pcidev_path(p, sizeof(p), addr, NULL) < 0)
		return -EINVAL;
	r = readlink(p, t, sizeof(t) - 1);
	if (r < 0)
		return errno == EINVAL ? 0 : -errno;
	t[r] = 0;
	last = strrchr(t, '/');
	if (!last)
		return 0;
	*last = 0;
	prev = strrchr(t, '/');
	prev = prev ? prev + 1 : t;
	if (vb_bdf_canon(prev, out) < 0)
		out[0] = 0;	/* pciDDDD:BB: a root bus */
	return 0;
}

static int cmp_bdf(const void *a, const void *b)
{
	return vb_bdf_cmp(*(char *const *)a, *(char *const *)b);
}

/* Keep the entries that are valid addresses, canonicalised, sorted. */
static void keep_bdfs(char **v, size_t *n)
{
	size_t i, k = 0;

	for (i = 0; i < *n; i++) {
		char c[VB_BDF_LEN];
		if (vb_bdf_canon(v[i], c) == 0 && !strcmp(c, v[i]))
			v[k++] = v[i];
		else
			free(v[i]);
	}
	*n = k;
	if (k)
		qsort(v, k, sizeof(*v), cmp_bdf);
}

int vb_pcidev_list(char ***addrs, size_t *n)
{
	char p[VB_PATH_MAX];
	int r = vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices");

	if (r < 0)
		return r;
	if ((r = vb_sysfs_list(p, addrs, n)) < 0)
		return r;
	keep_bdfs(*addrs, n);
	return 0;
}

int vb_pcidev_group_members(int g, char ***addrs, size_t *n)
{
	char p[VB_PATH_MAX];
	int r;

	*addrs = NULL;
	*n = 0;
	if (g < 0)
		return -EINVAL;
	if ((r = vb_sysfs_path(p, sizeof(p), "/sys/kernel/iommu_groups/%d/devices", g)) < 0)
		return r;
	if ((r = vb_sysfs_list(p, addrs, n)) < 0)
		return r;
	keep_bdfs(*addrs, n);
	return 0;
}

int vb_pcidev_slot(const char *addr, char ***addrs, size_t *n)
{
	struct vb_bdf b;
	char **v = NULL;
	size_t k = 0;
	unsigned fn;

	*addrs = NULL;
	*n = 0;
	if (vb_bdf_parse(addr, &b) < 0)
		return -EINVAL;
	v = vb_xcalloc(8, sizeof(*v));
	for (fn = 0; fn < 8; fn++) {
		char a[VB_BDF_LEN];
		b.fn = fn;
		vb_bdf_format(&b, a);
		if (vb_pcidev_exists(a))
			v[k++] = vb_xstrdup(a);
	}
	*addrs = v;
	*n = k;
	return 0;
}

int vb_pcidev_children(const char *bridge, char ***addrs, size_t *n)
{
	char p[VB_PATH_MAX];
	int r;

	*addrs = NULL;
	*n = 0;
	if ((r = vb_pcidev_path(p, sizeof(p), bridge, NULL)) < 0)
		return r;
	/* The device directory of a bridge holds its children's directories. */
	if ((r = vb_sysfs_list(p, addrs, n)) < 0)
		return r == -ENOENT ? -ENODEV : r;
	keep_bdfs(*addrs, n);
	return 0;
}

static int read_int(const char *addr, const char *attr, int dflt)
{
	char buf[32];
	unsigned long v;

	if (read_attr(addr, attr, buf, sizeof(buf)) < 0 ||
	    vb_parse_ulong(buf, 0, 0x7fffffff, &v) < 0)
		return dflt;
	return (int)v;
}

static void read_str(const char *addr, const char *attr, char *buf, size_t n)
{
	if (read_attr(addr, attr, buf, n) < 0)
		buf[0] = 0;
}

int vb_pcidev_load(const char *addr, struct vb_pcidev *d)
{
	char p[VB_PATH_MAX];
	int r;

	if (vb_bdf_canon(addr, p) < 0)
		return -EINVAL;
	if (!vb_pcidev_exists(p))
		return -ENODEV;
	if ((r = vb_pcidev_load_basic(p, NULL, d)) < 0)
		return r;
	d->revision = read_int(d->addr, "revision", -1);
	d->boot_vga = read_int(d->addr, "boot_vga", -1);
	read_str(d->addr, "power_state", d->power_state, sizeof(d->power_state));
	read_str(d->addr, "power/control", d->power_control, sizeof(d->power_control));
	read_str(d->addr, "power/runtime_status", d->runtime_status, sizeof(d->runtime_status));
	d->d3cold_allowed = read_int(d->addr, "d3cold_allowed", -1);
	vb_pcidev_path(p, sizeof(p), d->addr, "reset");
	d->has_reset = vb_sysfs_exists(p);
	vb_pcidev_path(p, sizeof(p), d->addr, "reset_method");
	d->has_reset_method = vb_sysfs_exists(p);
	read_str(d->addr, "reset_method", d->reset_methods, sizeof(d->reset_methods));
	read_str(d->addr, "current_link_speed", d->link_speed, sizeof(d->link_speed));
	d->link_width = read_int(d->addr, "current_link_width", 0);
	read_str(d->addr, "max_link_speed", d->max_link_speed, sizeof(d->max_link_speed));
	d->max_link_width = read_int(d->addr, "max_link_width", 0);
	/* "Unknown" speed is what the kernel prints for a link that is down. */
	if ((r = vb_pcidev_parent(d->addr, d->parent)) < 0)
		d->parent[0] = 0;
	vb_pcidev_path(p, sizeof(p), d->addr, "physfn");
	d->is_vf = vb_sysfs_exists(p);
	return 0;
}

int vb_pcidev_load_basic(const char *addr, const struct vb_pciids *id, struct vb_pcidev *d)
{
	int r;

	memset(d, 0, sizeof(*d));
	d->revision = -1;
	d->d3cold_allowed = -1;
	d->boot_vga = -1;
	if (vb_bdf_canon(addr, d->addr) < 0)
		return -EINVAL;
	if (id)
		d->id = *id;
	else if ((r = vb_pcidev_ids(d->addr, &d->id)) < 0)
		return r == -ENOENT ? -ENODEV : r;
	if ((r = vb_pcidev_driver(d->addr, d->driver, sizeof(d->driver))) < 0)
		return r;
	if ((r = vb_pcidev_override(d->addr, d->override, sizeof(d->override))) < 0)
		return r;
	d->group = vb_pcidev_group(d->addr);
	if (d->group < 0)
		d->group = -1;
	if (vb_class_is_display(d->id.class))
		d->boot_vga = read_int(d->addr, "boot_vga", -1);
	return 0;
}

int vb_pcidev_override(const char *addr, char *buf, size_t n)
{
	char p[VB_PATH_MAX];
	int r = vb_pcidev_path(p, sizeof(p), addr, "driver_override");

	/* The kernel reads it under the device lock: bounded. */
	if (r == 0)
		r = vb_sysfs_read_locked(p, buf, n);

	if (r == -ENOENT) {
		buf[0] = 0;
		return vb_pcidev_exists(addr) ? 0 : -ENODEV;
	}
	if (r < 0) {
		buf[0] = 0;
		return r;
	}
	if (!strcmp(buf, "(null)"))
		buf[0] = 0;
	return 0;
}

int vb_pcidev_header_layout(const char *addr)
{
	char p[VB_PATH_MAX];
	unsigned char hdr = 0;
	size_t got = 0;

	if (vb_pcidev_path(p, sizeof(p), addr, "config") == 0 &&
	    vb_sysfs_pread(p, &hdr, 1, 0x0e, &got) == 0 && got == 1 && hdr != 0xff)
		return hdr & 0x7f;
	return -1;
}

int vb_pcidev_is_bridge(const char *addr, unsigned class)
{
	return vb_class_is_bridge(class) || vb_pcidev_header_layout(addr) > 0;
}

int vb_pcidev_is_hda(const char *addr, unsigned class)
{
	char **slot;
	size_t n, i;
	int hda = 0;

	if (!vb_class_is_audio(class) || vb_pcidev_slot(addr, &slot, &n) < 0)
		return 0;
	for (i = 0; i < n && !hda; i++) {
		struct vb_pciids id;
		if (strcmp(slot[i], addr) && vb_pcidev_ids(slot[i], &id) == 0 &&
		    vb_class_is_display(id.class))
			hda = 1;
	}
	vb_sysfs_list_free(slot, n);
	return hda;
}

int vb_driver_is_vfio(const char *driver)
{
	return !strncmp(driver, "vfio", 4) || strstr(driver, "-vfio-pci") ||
	       strstr(driver, "_vfio_pci") || vb_kmod_is_vfio_variant(driver);
}

int vb_vfio_driver_for(const struct vb_pciids *id, const char *only, char *drv, size_t n,
		       char *why, size_t wn)
{
	char m[96];
	int r;

	/* The modalias as drivers/pci/pci-sysfs.c writes it. */
	snprintf(m, sizeof(m), "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", id->vendor,
		 id->device, id->subvendor, id->subdevice, (id->class >> 16) & 0xff,
		 (id->class >> 8) & 0xff, id->class & 0xff);
	if (why && wn)
		why[0] = 0;
	if ((r = vb_kmod_vfio_variant(m, only, drv, n, why, wn)) != 0)
		return r;
	vb_strlcpy(drv, "vfio-pci", n);
	return 0;
}

int vb_pcidev_vfio_driver(const char *addr, const char *only, char *drv, size_t n, char *why,
			  size_t wn)
{
	struct vb_pciids id;
	int r = vb_pcidev_ids(addr, &id);

	if (r < 0)
		return vb_pcidev_exists(addr) ? r : -ENODEV;
	return vb_vfio_driver_for(&id, only, drv, n, why, wn);
}

int vb_driver_passive(const char *driver, enum vb_passive policy)
{
	if (!*driver || vb_driver_is_vfio(driver) || !strcmp(driver, "pci-stub"))
		return 1;
	return policy == VB_PASSIVE_GROUP && !strcmp(driver, "pcieport");
}

int vb_pcidev_dma_ok(const char *addr, unsigned class, const char *driver)
{
	int h;

	if (vb_driver_passive(driver, VB_PASSIVE_GROUP))
		return 1;
	/* A bridge header may keep its driver; a bridge-class endpoint (an
	 * ISA/LPC function, header type 0) on a host driver may not. */
	h = vb_pcidev_header_layout(addr);
	return h >= 0 ? h != 0 : vb_class_is_bridge(class);
}

int vb_class_is_display(unsigned class)
{
	return (class >> 16) == 0x03;
}

int vb_class_is_bridge(unsigned class)
{
	return (class >> 16) == 0x06;
}

int vb_class_is_audio(unsigned class)
{
	return (class >> 8) == 0x0403;
}

/* Names as pciutils' pci.ids has them; a subclass not listed here takes its
 * base class's name, as lspci prints it ("Unassigned class [ff00]"). */
const char *vb_class_name(unsigned class)
{
	static const struct { unsigned short cls; const char *name; } t[] = {
		{ 0x0000, "Non-VGA unclassified device" },
		{ 0x0100, "SCSI storage controller" },
		{ 0x0101, "IDE interface" },
		{ 0x0104, "RAID bus controller" },
		{ 0x0106, "SATA controller" },
		{ 0x0107, "Serial Attached SCSI controller" },
		{ 0x0108, "Non-Volatile memory controller" },
		{ 0x0200, "Ethernet controller" },
		{ 0x0300, "VGA compatible controller" },
		{ 0x0301, "XGA compatible controller" },
		{ 0x0302, "3D controller" },
		{ 0x0400, "Multimedia video controller" },
		{ 0x0401, "Multimedia audio controller" },
		{ 0x0403, "Audio device" },
		{ 0x0500, "RAM memory" },
		{ 0x0600, "Host bridge" },
		{ 0x0601, "ISA bridge" },
		{ 0x0604, "PCI bridge" },
		{ 0x0607, "CardBus bridge" },
		{ 0x0609, "Semi-transparent PCI-to-PCI bridge" },
		{ 0x0700, "Serial controller" },
		{ 0x0805, "SD Host controller" },
		{ 0x0806, "IOMMU" },
		{ 0x0880, "System peripheral" },
		{ 0x0c03, "USB controller" },
		{ 0x0c05, "SMBus" },
	};
	/* Base classes 0x00..0x13 */
	static const char *const base[] = {
		"Unclassified device", "Mass storage controller", "Network controller",
		"Display controller", "Multimedia controller", "Memory controller", "Bridge",
		"Communication controller", "Generic system peripheral",
		"Input device controller", "Docking station", "Processor",
		"Serial bus controller", "Wireless controller", "Intelligent controller",
		"Satellite communications controller", "Encryption controller",
		"Signal processing controller", "Processing accelerators",
		"Non-Essential Instrumentation",
	};
	unsigned b = class >> 16 & 0xff;
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(t); i++)
		if (t[i].cls == (class >> 8 & 0xffff))
			return t[i].name;
	if (b < VB_ARRAY_SIZE(base))
		return base[b];
	return b == 0x40 ? "Coprocessor" : b == 0xff ? "Unassigned class" : "Device";
}
