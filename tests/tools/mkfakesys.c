/* mkfakesys DESC ROOT: build a fake sysfs/procfs tree from a description,
 * for the demo and the applet tests (VFIOBOX_SYSROOT=ROOT). DESC "-" is stdin.
 *
 * The tree has the kernel's layout: device directories nested under their
 * upstream bridge in /sys/devices/pciDDDD:BB/, relative symlinks from
 * /sys/bus/pci/devices, driver and iommu_group links, and the attribute files
 * vfiobox and libpci read (vendor, device, class, irq, resource, config, ...).
 * Config space is realistic: header, capability list (PM, PCI Express), an
 * extended capability chain when the space is 4096 bytes, and for NVIDIA
 * GPUs the dword at 0x488 whose bit 25 exposes the HDA function.
 *
 * Description, one statement per line, '#' comments:
 *   kernel RELEASE              /proc/sys/kernel/osrelease (default 6.1.0-test)
 *   cmdline TEXT...             /proc/cmdline
 *   iommu intel|amd|none        /sys/class/iommu/{dmar0,ivhd0}; Intel's ecap has
 *                               interrupt remapping; none: groups are not written
 *   module NAME STATE           STATE: loaded, builtin, available (modules.dep
 *                               of the kernel above, /sys/module/NAME)
 *   alias PATTERN MODULE        a line "alias PATTERN MODULE" in modules.alias of
 *                               the kernel above (a vfio-pci variant driver:
 *                               alias vfio_pci:v000010DEd00002342sv*sd*bc*sc*i* M)
 *   driver NAME                 /sys/bus/pci/drivers/NAME (made by dev driver= too)
 *   file PATH TEXT...           a file with TEXT ("\n" and "\t" escapes) at ROOT/PATH
 *   vfio group|cdev|both        the kernel's vfio interfaces, as its config
 *                               /boot/config-RELEASE says them (CONFIG_VFIO_GROUP,
 *                               CONFIG_VFIO_DEVICE_CDEV, CONFIG_IOMMUFD; fakekernel
 *                               reads it): cdev alone is a kernel built with
 *                               CONFIG_VFIO_GROUP=n. Default: no config, groups
 *   platform NAME [DRIVER]      a platform device (the sysfb framebuffer:
 *                               efi-framebuffer.0, simple-framebuffer.0, ...)
 *                               in /sys/devices/platform/NAME, linked from
 *                               /sys/bus/platform/devices, bound to DRIVER
 *                               (/sys/bus/platform/drivers/DRIVER/{bind,unbind});
 *                               its ranges are lines of /proc/iomem (file)
 *   vtcon N BIND NAME...        /sys/class/vtconsole/vtconN: name NAME
 *                               ("(M) frame buffer device"), bind 0|1
 *   dev ADDR KEY=VAL...         a PCI function; keys:
 *     id=VVVV:DDDD (required)   sub=VVVV:DDDD   class=CCCCCC (required)   rev=RR
 *     parent=ADDR    the upstream bridge, declared earlier (default: root bus)
 *     bus=BB         for a bridge: its secondary (and subordinate) bus
 *     group=N        IOMMU group          driver=NAME        override=NAME
 *     boot_vga=0|1   (VGA class only; default 0 there)
 *     power=D0       power_state          control=on|auto    runtime=active|...
 *     d3cold=0|1     reset=flr,bus|none   (reset_method; default none)
 *     flr=0|1        PCIe DevCap FLR bit (default: 1 when reset= has flr)
 *     nosoftrst=0|1  PM control/status NoSoftRst (default 1: D3hot->D0 does
 *                    not reset, as on most GPUs)
 *     resetsub       a bridge's reset_subordinate (mainline 6.13, stable 6.12.5, 6.1.120, 5.15.174, 5.10.231, 5.4.287)
 *     rebar=N:MASK:CUR  a resizable BAR N (1-5): resourceN_resize reads MASK
 *                    (hex, bit n = 2^(n+20) bytes) and the BAR's current size
 *                    is 2^(CUR+20) bytes, 64-bit prefetchable memory
 *     link=8.0,16    current link GT/s and width   maxlink=16.0,16
 *     mf             multifunction bit in the header type
 *     cfg=256|4096   config space size (default 4096 with pcie, else 256)
 *     caps=pm,pcie,acs   capabilities (default pm,pcie); acs is the extended
 *                    capability at 0x100 (needs pcie: libpci and the kernel look
 *                    for extended capabilities only on PCI Express devices)
 *     acs=CAP:CTL    ACS capability and control registers, hex (implies acs in
 *                    caps; default 1f:1d, what Linux enables on a root port:
 *                    SrcValid ReqRedir CmpltRedir UpstreamFwd; 5f:0 is a port
 *                    whose ACS is off)
 *     porttype=N     PCIe device/port type (default 0 endpoint, 4 for bridges)
 *     hda=0|1        NVIDIA: bit 25 of config 0x488
 *     off            powered off: config reads all-ones, power_state D3cold
 *     rom=FILE       the device's option ROM (copied; path relative to DESC)
 *     vfio           a device vfio-pci already holds: /dev/vfio/GROUP (and
 *                    /dev/vfio/vfio) with the group interface; with the cdev
 *                    ADDR/vfio-dev/vfioN/dev, /sys/class/vfio-dev/vfioN,
 *                    /dev/vfio/devices/vfioN and /dev/iommu
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAXDEV 4096

struct dev {
	char addr[32];
	unsigned dom, bus, slot, fn;
	unsigned vendor, device, svid, sdid, class, rev;
	char parent[32];
	char relpath[1024];	/* under ROOT/sys: devices/pci0000:00/.../ADDR */
	int bus_sec;		/* bridges: secondary bus, -1 */
	int group;
	char driver[64], override[64], power[16], control[16], runtime[16];
	int boot_vga, d3cold, mf, cfgsize, caps_pm, caps_pcie, caps_acs, porttype;
	int hda, off, vfio;
	int flrcap, nosoftrst, resetsub;	/* flrcap -1: from reset= */
	int rebar, rebar_cur;			/* rebar: BAR index, 0 none */
	unsigned long long rebar_mask;
	unsigned acs_cap, acs_ctl;
	char reset[128];
	char link[32], maxlink[32];
	char rom[1024];
};

static const char *root;
static char descdir[1024];
static char kernel[128] = "6.1.0-test";
static int iommu = 1;		/* 0 none, 1 intel, 2 amd */
static int vfio_if;		/* 0 not said (groups), 1 group, 2 cdev, 3 both */
static int ncdev;		/* vfio-dev/vfioN handed out */
static struct dev *devs;
static int ndev;
static int lineno;

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkfakesys: line %d: ", lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void mkdirs(const char *path)
{
	char p[4096];
	char *s;

	snprintf(p, sizeof(p), "%s", path);
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %s", p, strerror(errno));
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %s", p, strerror(errno));
}

static void rootpath(char *out, size_t n, const char *fmt, va_list ap)
{
	char rel[3072];

	vsnprintf(rel, sizeof(rel), fmt, ap);
	snprintf(out, n, "%s/%s", root, rel);
}

/* Open ROOT/REL (REL from fmt) with mode, making its directories. */
static FILE *open_under(const char *mode, const char *fmt, va_list ap)
{
	char p[4096], d[4096];
	FILE *f;

	rootpath(p, sizeof(p), fmt, ap);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = 0;
	mkdirs(d);
	f = fopen(p, mode);
	if (!f)
		die("%s: %s", p, strerror(errno));
	return f;
}

static void putfile_bin(const void *data, size_t len, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	f = open_under("w", fmt, ap);
	va_end(ap);
	if (len && fwrite(data, 1, len, f) != len)
		die("write failed");
	fclose(f);
}

static void putfile(const char *text, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	f = open_under("w", fmt, ap);
	va_end(ap);
	fputs(text, f);
	fclose(f);
}

static void appendfile(const char *text, const char *fmt, ...)
{
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	f = open_under("a", fmt, ap);
	va_end(ap);
	fputs(text, f);
	fclose(f);
}

/* A relative symlink at ROOT/sys/FROM pointing to ROOT/sys/TO. */
static void syslink(const char *from, const char *to)
{
	char p[4096], d[4096], target[4096] = "";
	const char *s;

	snprintf(p, sizeof(p), "%s/sys/%s", root, from);
	snprintf(d, sizeof(d), "%s", p);
	*strrchr(d, '/') = 0;
	mkdirs(d);
	for (s = strchr(from, '/'); s; s = strchr(s + 1, '/'))
		strcat(target, "../");
	strcat(target, to);
	unlink(p);
	if (symlink(target, p) < 0)
		die("symlink %s: %s", p, strerror(errno));
}

static struct dev *find(const char *addr)
{
	int i;

	for (i = 0; i < ndev; i++)
		if (!strcmp(devs[i].addr, addr))
			return &devs[i];
	return NULL;
}

static void hexpair(const char *v, unsigned *a, unsigned *b, const char *key)
{
	if (sscanf(v, "%x:%x", a, b) != 2)
		die("%s=%s: want VVVV:DDDD", key, v);
}

static void parse_dev(char *args)
{
	struct dev *d;
	char *tok, *save = NULL;
	int have_id = 0, have_class = 0, have_cfg = 0, have_caps = 0, have_pt = 0, have_acs = 0;

	if (ndev == MAXDEV)
		die("too many devices");
	d = &devs[ndev];
	memset(d, 0, sizeof(*d));
	d->bus_sec = -1;
	d->group = -1;
	d->boot_vga = -1;
	d->d3cold = 1;
	d->caps_pm = d->caps_pcie = 1;
	d->flrcap = -1;
	d->nosoftrst = 1;
	strcpy(d->power, "D0");
	strcpy(d->control, "on");
	strcpy(d->runtime, "active");
	tok = strtok_r(args, " \t", &save);
	if (!tok || sscanf(tok, "%x:%x:%x.%x", &d->dom, &d->bus, &d->slot, &d->fn) != 4)
		die("dev: want DDDD:BB:DD.F first");
	snprintf(d->addr, sizeof(d->addr), "%04x:%02x:%02x.%x", d->dom, d->bus, d->slot, d->fn);
	if (find(d->addr))
		die("dev %s given twice", d->addr);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		char *v = strchr(tok, '=');
		if (v)
			*v++ = 0;
		if (!strcmp(tok, "id")) { hexpair(v, &d->vendor, &d->device, tok); have_id = 1; }
		else if (!strcmp(tok, "sub")) hexpair(v, &d->svid, &d->sdid, tok);
		else if (!strcmp(tok, "class")) { d->class = (unsigned)strtoul(v, NULL, 16); have_class = 1; }
		else if (!strcmp(tok, "rev")) d->rev = (unsigned)strtoul(v, NULL, 16);
		else if (!strcmp(tok, "parent")) snprintf(d->parent, sizeof(d->parent), "%s", v);
		else if (!strcmp(tok, "bus")) d->bus_sec = (int)strtol(v, NULL, 16);
		else if (!strcmp(tok, "group")) d->group = atoi(v);
		else if (!strcmp(tok, "driver")) snprintf(d->driver, sizeof(d->driver), "%s", v);
		else if (!strcmp(tok, "override")) snprintf(d->override, sizeof(d->override), "%s", v);
		else if (!strcmp(tok, "boot_vga")) d->boot_vga = atoi(v);
		else if (!strcmp(tok, "power")) snprintf(d->power, sizeof(d->power), "%s", v);
		else if (!strcmp(tok, "control")) snprintf(d->control, sizeof(d->control), "%s", v);
		else if (!strcmp(tok, "runtime")) snprintf(d->runtime, sizeof(d->runtime), "%s", v);
		else if (!strcmp(tok, "d3cold")) d->d3cold = atoi(v);
		else if (!strcmp(tok, "reset")) {
			char *c;
			snprintf(d->reset, sizeof(d->reset), "%s", strcmp(v, "none") ? v : "");
			for (c = d->reset; *c; c++)
				if (*c == ',')
					*c = ' ';
		}
		else if (!strcmp(tok, "link")) snprintf(d->link, sizeof(d->link), "%s", v);
		else if (!strcmp(tok, "maxlink")) snprintf(d->maxlink, sizeof(d->maxlink), "%s", v);
		else if (!strcmp(tok, "mf")) d->mf = 1;
		else if (!strcmp(tok, "cfg")) { d->cfgsize = atoi(v); have_cfg = 1; }
		else if (!strcmp(tok, "caps")) {
			have_caps = 1;
			d->caps_pm = strstr(v, "pm") != NULL;
			d->caps_pcie = strstr(v, "pcie") != NULL;
			d->caps_acs = strstr(v, "acs") != NULL;
		}
		else if (!strcmp(tok, "acs")) {
			char *e;
			d->acs_cap = (unsigned)strtoul(v, &e, 16);
			if (*e != ':' || d->acs_cap > 0xffff)
				die("dev %s: acs=CAP:CTL (hex)", d->addr);
			d->acs_ctl = (unsigned)strtoul(e + 1, &e, 16);
			if (*e || d->acs_ctl > 0xffff)
				die("dev %s: acs=CAP:CTL (hex)", d->addr);
			have_acs = 1;
		}
		else if (!strcmp(tok, "porttype")) { d->porttype = atoi(v); have_pt = 1; }
		else if (!strcmp(tok, "hda")) d->hda = atoi(v);
		else if (!strcmp(tok, "off")) { d->off = 1; strcpy(d->power, "D3cold"); strcpy(d->runtime, "suspended"); }
		else if (!strcmp(tok, "rom")) {
			if (v[0] == '/')
				snprintf(d->rom, sizeof(d->rom), "%s", v);
			else
				snprintf(d->rom, sizeof(d->rom), "%s/%s", descdir, v);
		}
		else if (!strcmp(tok, "vfio")) d->vfio = 1;
		else if (!strcmp(tok, "flr")) d->flrcap = atoi(v);
		else if (!strcmp(tok, "nosoftrst")) d->nosoftrst = atoi(v);
		else if (!strcmp(tok, "resetsub")) d->resetsub = 1;
		else if (!strcmp(tok, "rebar")) {
			if (!v || sscanf(v, "%d:%llx:%d", &d->rebar, &d->rebar_mask, &d->rebar_cur) != 3 ||
			    d->rebar < 1 || d->rebar > 5 || d->rebar_cur < 0 || d->rebar_cur > 43)
				die("dev %s: rebar=N:MASK:CUR (N 1-5, MASK hex, CUR 0-43)", d->addr);
		}
		else die("dev %s: unknown key '%s'", d->addr, tok);
	}
	(void)have_caps;
	if (have_acs)
		d->caps_acs = 1;
	else if (d->caps_acs) {
		d->acs_cap = 0x1f;
		d->acs_ctl = 0x1d;
	}
	if (!have_id || !have_class)
		die("dev %s: id= and class= are required", d->addr);
	if (!have_cfg)
		d->cfgsize = d->caps_pcie ? 4096 : 256;
	if (d->cfgsize != 256 && d->cfgsize != 4096)
		die("dev %s: cfg must be 256 or 4096", d->addr);
	if (!have_pt)
		d->porttype = (d->class >> 8) == 0x0604 ? 4 : 0;
	if ((d->class >> 8) == 0x0300 && d->boot_vga < 0)
		d->boot_vga = 0;
	if (d->parent[0]) {
		struct dev *p = find(d->parent);
		if (!p)
			die("dev %s: parent %s not declared before", d->addr, d->parent);
		if (p->bus_sec < 0)
			die("dev %s: parent %s has no bus=", d->addr, d->parent);
		if ((unsigned)p->bus_sec != d->bus)
			die("dev %s: parent %s's secondary bus is %02x", d->addr, d->parent, p->bus_sec);
		snprintf(d->relpath, sizeof(d->relpath), "%s/%s", p->relpath, d->addr);
	} else {
		snprintf(d->relpath, sizeof(d->relpath), "devices/pci%04x:%02x/%s", d->dom, d->bus, d->addr);
	}
	if (d->hda && d->cfgsize != 4096)
		die("dev %s: hda= needs the 4096-byte config space", d->addr);
	ndev++;
}

static void put16(uint8_t *c, int off, unsigned v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *c, int off, uint32_t v)
{
	put16(c, off, v & 0xffff);
	put16(c, off + 2, v >> 16);
}

static unsigned speed_code(const char *gts)
{
	double s = atof(gts);

	if (s >= 64) return 6;
	if (s >= 32) return 5;
	if (s >= 16) return 4;
	if (s >= 8) return 3;
	if (s >= 5) return 2;
	return 1;
}

static void make_config(const struct dev *d, uint8_t *c)
{
	int bridge = (d->class >> 8) == 0x0604;
	int cap = 0x40, prev = -1;

	memset(c, 0, 4096);
	if (d->off) {
		memset(c, 0xff, 4096);
		return;
	}
	put16(c, 0x00, d->vendor);
	put16(c, 0x02, d->device);
	put16(c, 0x04, d->driver[0] ? 0x0407 : 0x0000);
	put16(c, 0x06, (d->caps_pm || d->caps_pcie) ? 0x0010 : 0x0000);
	c[0x08] = (uint8_t)d->rev;
	c[0x09] = (uint8_t)d->class;
	c[0x0a] = (uint8_t)(d->class >> 8);
	c[0x0b] = (uint8_t)(d->class >> 16);
	c[0x0c] = 0x10;
	c[0x0e] = (uint8_t)((bridge ? 1 : 0) | (d->mf ? 0x80 : 0));
	if (bridge) {
		c[0x18] = (uint8_t)d->bus;
		c[0x19] = (uint8_t)d->bus_sec;
		c[0x1a] = (uint8_t)d->bus_sec;
		put16(c, 0x3e, 0x0010);
	} else {
		put32(c, 0x10, 0xa2000000);		/* BAR0, 32-bit memory */
		put16(c, 0x2c, d->svid);
		put16(c, 0x2e, d->sdid);
		if ((d->class >> 8) == 0x0300 || (d->class >> 8) == 0x0302)
			put32(c, 0x30, 0xa3000000);	/* expansion ROM BAR, disabled */
	}
	c[0x3c] = 0x10;
	c[0x3d] = 0x01;
	if (d->caps_pm) {
		c[0x34] = (uint8_t)cap;
		c[cap] = 0x01;			/* PM */
		put16(c, cap + 2, 0x0003);	/* version 3 */
		put16(c, cap + 4, d->nosoftrst ? 0x0008 : 0x0000);	/* PMCSR: NoSoftRst, D0 */
		prev = cap;
		cap += 0x08;
	}
	if (d->caps_pcie) {
		unsigned sp = speed_code(d->link[0] ? d->link : "2.5");
		unsigned msp = speed_code(d->maxlink[0] ? d->maxlink : (d->link[0] ? d->link : "2.5"));
		const char *w = strchr(d->link, ',');
		const char *mw = strchr(d->maxlink, ',');
		unsigned wid = w ? (unsigned)atoi(w + 1) : 1, mwid = mw ? (unsigned)atoi(mw + 1) : wid;
		int flr = d->flrcap >= 0 ? d->flrcap : strstr(d->reset, "flr") != NULL;

		if (prev < 0)
			c[0x34] = (uint8_t)cap;
		else
			c[prev + 1] = (uint8_t)cap;
		c[cap] = 0x10;
		put16(c, cap + 2, (unsigned)(0x2 | d->porttype << 4 | (bridge ? 0x100 : 0)));
		put32(c, cap + 4, flr ? 0x10008000 : 0x00008000);	/* DevCap (FLR bit 28) */
		put32(c, cap + 0x0c, msp | mwid << 4);			/* LinkCap */
		put16(c, cap + 0x12, sp | wid << 4);			/* LinkSta */
		if (bridge)
			put32(c, cap + 0x14, 0x00040060);		/* SltCap: hot-plug capable */
	}
	if (d->cfgsize == 4096) {
		if (d->caps_acs)
		{
			put32(c, 0x100, 0x0000000d | 1u << 16);	/* ACS v1, last */
			put16(c, 0x104, d->acs_cap);
			put16(c, 0x106, d->acs_ctl);
		}
		if (d->vendor == 0x10de && d->hda)
			put32(c, 0x488, 0x02000000);
	}
}

static void speed_text(const char *spec, char *out, size_t n, int *width)
{
	char s[32];
	const char *w = strchr(spec, ',');

	snprintf(s, sizeof(s), "%.*s", w ? (int)(w - spec) : (int)strlen(spec), spec);
	snprintf(out, n, "%s GT/s PCIe\n", s);
	*width = w ? atoi(w + 1) : 1;
}

static void write_dev(const struct dev *d)
{
	uint8_t cfg[4096];
	char buf[512], link[1100], base[1100];
	const char *rp = d->relpath;
	int i;

	snprintf(base, sizeof(base), "sys/%s", rp);
#define ATTR(name, ...) do { snprintf(buf, sizeof(buf), __VA_ARGS__); putfile(buf, "%s/" name, base); } while (0)
	ATTR("vendor", "0x%04x\n", d->vendor);
	ATTR("device", "0x%04x\n", d->device);
	ATTR("subsystem_vendor", "0x%04x\n", d->svid);
	ATTR("subsystem_device", "0x%04x\n", d->sdid);
	ATTR("class", "0x%06x\n", d->class);
	ATTR("revision", "0x%02x\n", d->rev);
	ATTR("irq", "%d\n", 16 + (int)d->fn);
	ATTR("modalias", "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n", d->vendor, d->device,
	     d->svid, d->sdid, d->class >> 16, (d->class >> 8) & 0xff, d->class & 0xff);
	ATTR("driver_override", "%s\n", d->override[0] ? d->override : "(null)");
	ATTR("enable", "%d\n", d->driver[0] ? 1 : 0);
	ATTR("numa_node", "-1\n");
	ATTR("local_cpulist", "0-15\n");
	ATTR("uevent", "PCI_SLOT_NAME=%s\n", d->addr);
	ATTR("remove", "%s", "");
	ATTR("rescan", "%s", "");
	ATTR("power/control", "%s\n", d->control);
	ATTR("power/runtime_status", "%s\n", d->runtime);
	ATTR("power_state", "%s\n", d->power);
	ATTR("d3cold_allowed", "%d\n", d->d3cold);
	{
		char res[1024] = "";
		for (i = 0; i < 13; i++) {
			if (i == 0 && (d->class >> 8) != 0x0604)
				strcat(res, "0x00000000a2000000 0x00000000a2ffffff 0x0000000000040200\n");
			else if (d->rebar && i == d->rebar) {
				char l[128];
				unsigned long long sz = 1ull << (d->rebar_cur + 20), st = 0x4000000000ull;
				snprintf(l, sizeof(l), "0x%016llx 0x%016llx 0x000000000014220c\n", st,
					 st + sz - 1);
				strcat(res, l);
			} else
				strcat(res, "0x0000000000000000 0x0000000000000000 0x0000000000000000\n");
		}
		putfile(res, "%s/resource", base);
	}
	make_config(d, cfg);
	putfile_bin(cfg, (size_t)d->cfgsize, "%s/config", base);
	if (d->reset[0]) {
		ATTR("reset_method", "%s\n", d->reset);
		ATTR("reset", "%s", "");
	}
	if (d->boot_vga >= 0)
		ATTR("boot_vga", "%d\n", d->boot_vga);
	if (d->resetsub)
		ATTR("reset_subordinate", "%s", "");
	if (d->rebar) {
		snprintf(buf, sizeof(buf), "%016llx\n", d->rebar_mask);
		{
			char name[64];
			snprintf(name, sizeof(name), "%%s/resource%d_resize", d->rebar);
			putfile(buf, name, base);
		}
	}
	if (d->caps_pcie && d->link[0]) {
		int w;
		speed_text(d->link, buf, sizeof(buf), &w);
		putfile(buf, "%s/current_link_speed", base);
		ATTR("current_link_width", "%d\n", w);
		speed_text(d->maxlink[0] ? d->maxlink : d->link, buf, sizeof(buf), &w);
		putfile(buf, "%s/max_link_speed", base);
		ATTR("max_link_width", "%d\n", w);
	}
	if (d->bus_sec >= 0) {
		ATTR("secondary_bus_number", "%d\n", d->bus_sec);
		ATTR("subordinate_bus_number", "%d\n", d->bus_sec);
	}
	if (d->rom[0]) {
		FILE *f = fopen(d->rom, "rb");
		static uint8_t rom[1 << 20];
		size_t n;
		if (!f)
			die("dev %s: rom %s: %s", d->addr, d->rom, strerror(errno));
		n = fread(rom, 1, sizeof(rom), f);
		fclose(f);
		putfile_bin(rom, n, "%s/rom", base);
	}
#undef ATTR
	snprintf(link, sizeof(link), "bus/pci/devices/%s", d->addr);
	syslink(link, rp);
	snprintf(link, sizeof(link), "%s/subsystem", rp);
	syslink(link, "bus/pci");
	if (d->driver[0]) {
		char to[1100];
		snprintf(link, sizeof(link), "bus/pci/drivers/%s/%s", d->driver, d->addr);
		syslink(link, rp);
		snprintf(link, sizeof(link), "%s/driver", rp);
		snprintf(to, sizeof(to), "bus/pci/drivers/%s", d->driver);
		syslink(link, to);
	}
	if (d->group >= 0 && iommu) {
		char to[1100];
		snprintf(link, sizeof(link), "kernel/iommu_groups/%d/devices/%s", d->group, d->addr);
		syslink(link, rp);
		snprintf(link, sizeof(link), "%s/iommu_group", rp);
		snprintf(to, sizeof(to), "kernel/iommu_groups/%d", d->group);
		syslink(link, to);
		putfile("DMA\n", "sys/kernel/iommu_groups/%d/type", d->group);
		if (d->vfio && vfio_if != 2) {
			putfile("", "dev/vfio/vfio");
			putfile("", "dev/vfio/%d", d->group);
		}
	}
	if (d->vfio && (vfio_if & 2)) {
		char v[32], to[1100];
		snprintf(v, sizeof(v), "511:%d\n", ncdev);
		putfile(v, "%s/vfio-dev/vfio%d/dev", base, ncdev);
		snprintf(link, sizeof(link), "class/vfio-dev/vfio%d", ncdev);
		snprintf(to, sizeof(to), "%s/vfio-dev/vfio%d", rp, ncdev);
		syslink(link, to);
		putfile("", "dev/vfio/devices/vfio%d", ncdev++);
		putfile("", "dev/iommu");
	}
}

static void make_driver(const char *name)
{
	char b[256];

	snprintf(b, sizeof(b), "sys/bus/pci/drivers/%s", name);
	putfile("", "%s/bind", b);
	putfile("", "%s/unbind", b);
	putfile("", "%s/new_id", b);
	putfile("", "%s/remove_id", b);
	putfile("", "%s/uevent", b);
}

static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1] == 'n') { *o++ = '\n'; s++; }
		else if (*s == '\\' && s[1] == 't') { *o++ = '\t'; s++; }
		else *o++ = *s;
	}
	*o = 0;
}

static void module(const char *name, const char *state)
{
	char file[256], norm[128];
	size_t i;

	snprintf(norm, sizeof(norm), "%s", name);
	for (i = 0; norm[i]; i++)
		if (norm[i] == '-')
			norm[i] = '_';
	snprintf(file, sizeof(file), "kernel/drivers/misc/%s.ko", name);
	if (!strcmp(state, "builtin")) {
		char l[300];
		snprintf(l, sizeof(l), "%s\n", file);
		appendfile(l, "lib/modules/%s/modules.builtin", kernel);
		return;
	}
	if (strcmp(state, "loaded") && strcmp(state, "available"))
		die("module %s: state must be loaded, builtin or available", name);
	{
		char l[300];
		snprintf(l, sizeof(l), "%s.xz:\n", file);
		appendfile(l, "lib/modules/%s/modules.dep", kernel);
	}
	if (!strcmp(state, "loaded"))
		putfile("live\n", "sys/module/%s/initstate", norm);
}

int main(int argc, char **argv)
{
	FILE *in;
	char line[8192];
	char *mods[256], *aliases[256];
	int nmods = 0, naliases = 0, i;

	if (argc != 3) {
		fprintf(stderr, "usage: mkfakesys DESC ROOT\n");
		return 2;
	}
	root = argv[2];
	snprintf(descdir, sizeof(descdir), "%s", argv[1]);
	if (strrchr(descdir, '/'))
		*strrchr(descdir, '/') = 0;
	else
		strcpy(descdir, ".");
	in = strcmp(argv[1], "-") ? fopen(argv[1], "r") : stdin;
	if (!in) {
		fprintf(stderr, "mkfakesys: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	devs = calloc(MAXDEV, sizeof(*devs));
	mkdirs(root);
	putfile("", "sys/bus/pci/rescan");
	putfile("", "sys/bus/pci/drivers_probe");
	putfile("1\n", "sys/bus/pci/drivers_autoprobe");
	putfile("BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro\n", "proc/cmdline");
	mkdirs(root);
	while (fgets(line, sizeof(line), in)) {
		char *s = line, *kw, *rest;
		lineno++;
		s[strcspn(s, "\n")] = 0;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		kw = s;
		rest = s + strcspn(s, " \t");
		if (*rest)
			*rest++ = 0;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (!strcmp(kw, "kernel")) {
			snprintf(kernel, sizeof(kernel), "%s", rest);
		} else if (!strcmp(kw, "cmdline")) {
			char b[8200];
			snprintf(b, sizeof(b), "%s\n", rest);
			putfile(b, "proc/cmdline");
		} else if (!strcmp(kw, "iommu")) {
			iommu = !strcmp(rest, "none") ? 0 : !strcmp(rest, "amd") ? 2 : 1;
		} else if (!strcmp(kw, "module")) {
			char *st = rest + strcspn(rest, " \t");
			if (!*st)
				die("module NAME STATE");
			*st++ = 0;
			if (nmods == 256)
				die("too many modules");
			mods[nmods] = malloc(strlen(rest) + strlen(st) + 2);
			sprintf(mods[nmods++], "%s %s", rest, st);
		} else if (!strcmp(kw, "alias")) {
			if (!strchr(rest, ' ') && !strchr(rest, '\t'))
				die("alias PATTERN MODULE");
			if (naliases == 256)
				die("too many aliases");
			aliases[naliases] = malloc(strlen(rest) + 16);
			sprintf(aliases[naliases++], "alias %s\n", rest);
		} else if (!strcmp(kw, "driver")) {
			make_driver(rest);
		} else if (!strcmp(kw, "file")) {
			char *text = rest + strcspn(rest, " \t");
			if (*text)
				*text++ = 0;
			unescape(text);
			putfile(text, "%s", rest[0] == '/' ? rest + 1 : rest);
		} else if (!strcmp(kw, "platform")) {
			char *drv = rest + strcspn(rest, " \t"), t[600];
			if (*drv)
				*drv++ = 0;
			if (!*rest || strchr(rest, '/') || strchr(drv, '/'))
				die("platform NAME [DRIVER]");
			snprintf(t, sizeof(t), "DRIVER=%s\nOF_NAME=\n", drv);
			putfile(*drv ? t : "", "sys/devices/platform/%s/uevent", rest);
			putfile("(null)\n", "sys/devices/platform/%s/driver_override", rest);
			snprintf(t, sizeof(t), "bus/platform/devices/%s", rest);
			{
				char to[300];
				snprintf(to, sizeof(to), "devices/platform/%s", rest);
				syslink(t, to);
				if (*drv) {
					putfile("", "sys/bus/platform/drivers/%s/bind", drv);
					putfile("", "sys/bus/platform/drivers/%s/unbind", drv);
					snprintf(t, sizeof(t), "devices/platform/%s/driver", rest);
					snprintf(to, sizeof(to), "bus/platform/drivers/%s", drv);
					syslink(t, to);
					snprintf(t, sizeof(t), "bus/platform/drivers/%s/%s", drv, rest);
					snprintf(to, sizeof(to), "devices/platform/%s", rest);
					syslink(t, to);
				}
			}
		} else if (!strcmp(kw, "vtcon")) {
			unsigned num;
			int bind, off = 0;
			char t[300];
			if (sscanf(rest, "%u %d %n", &num, &bind, &off) != 2 || !off || (bind != 0 && bind != 1))
				die("vtcon N 0|1 NAME...");
			snprintf(t, sizeof(t), "%s\n", rest + off);
			putfile(t, "sys/class/vtconsole/vtcon%u/name", num);
			/* No newline: the form a write leaves, so that a state put
			 * back by writes compares equal (the kernel shows "1\n"). */
			putfile(bind ? "1" : "0", "sys/class/vtconsole/vtcon%u/bind", num);
		} else if (!strcmp(kw, "vfio")) {
			vfio_if = !strcmp(rest, "group") ? 1 : !strcmp(rest, "cdev") ? 2 :
				  !strcmp(rest, "both") ? 3 : -1;
			if (vfio_if < 0)
				die("vfio group|cdev|both");
		} else if (!strcmp(kw, "dev")) {
			parse_dev(rest);
		} else {
			die("unknown statement '%s'", kw);
		}
	}
	if (in != stdin)
		fclose(in);
	lineno = 0;
	{
		char b[160];
		snprintf(b, sizeof(b), "%s\n", kernel);
		putfile(b, "proc/sys/kernel/osrelease");
		putfile("", "lib/modules/%s/modules.dep", kernel);
		putfile("", "lib/modules/%s/modules.builtin", kernel);
		if (vfio_if)
			putfile(vfio_if & 1 ? "CONFIG_VFIO_GROUP=y\nCONFIG_VFIO_CONTAINER=y\n"
				"CONFIG_VFIO_IOMMU_TYPE1=m\n" : "# CONFIG_VFIO_GROUP is not set\n",
				"boot/config-%s", kernel);
		if (vfio_if)
			appendfile(vfio_if & 2 ? "CONFIG_IOMMUFD=m\nCONFIG_VFIO_DEVICE_CDEV=y\n" :
				   "# CONFIG_IOMMUFD is not set\n", "boot/config-%s", kernel);
	}
	for (i = 0; i < naliases; i++) {
		appendfile(aliases[i], "lib/modules/%s/modules.alias", kernel);
		free(aliases[i]);
	}
	for (i = 0; i < nmods; i++) {
		char *sp = strchr(mods[i], ' ');
		*sp = 0;
		module(mods[i], sp + 1);
		free(mods[i]);
	}
	if (iommu) {
		char p[4096];
		snprintf(p, sizeof(p), "%s/sys/kernel/iommu_groups", root);
		mkdirs(p);
	}
	if (iommu == 1) {
		putfile("0x0000000000f050da\n", "sys/class/iommu/dmar0/intel-iommu/ecap");
		putfile("0x00d2008c40660462\n", "sys/class/iommu/dmar0/intel-iommu/cap");
	} else if (iommu == 2) {
		putfile("0x0000000000000000\n", "sys/class/iommu/ivhd0/amd-iommu/features");
	}
	for (i = 0; i < ndev; i++) {
		if (devs[i].driver[0])
			make_driver(devs[i].driver);
		write_dev(&devs[i]);
	}
	free(devs);
	return 0;
}
