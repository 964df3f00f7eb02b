/* doctor: read-only checks of what GPU passthrough needs, one line each with
 * ok/warn/fail and, where something is wrong, what to do.
 *
 * Reads: /sys/kernel/iommu_groups, /sys/class/iommu/{dmar*,ivhd*} (Intel's
 * ecap bit 3 = interrupt remapping), /sys/module/vfio_iommu_type1/parameters,
 * /proc/cmdline, /proc/sys/kernel/osrelease, /lib/modules/RELEASE/modules.{dep,
 * builtin}, /sys/bus/pci/devices (class, boot_vga, driver, iommu_group),
 * /etc/vfiobox.conf, each GPU function's reset facts (lib/pci/reset: reset_method,
 * config space through libpci, the parent bridge, /sys/module/vendor_reset).
 * vfio's viability rule (drivers/vfio/group.c): every
 * endpoint in a group must be on a vfio driver, pci-stub, or no driver;
 * bridges (a bridge header, or pcieport) may keep their driver; a
 * bridge-class endpoint such as an LPC function is an endpoint
 * (vb_pcidev_dma_ok). Where a GPU's vBIOS can come from: its rom attribute
 * (a ROM BAR), its VFCT entry, the _ROM of its firmware_node/path in the
 * ACPI tables (lib/fw/tables), /proc/acpi/call for calling it. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>

#include "applet.h"
#include "base/json.h"
#include "pci/holders.h"
#include "pci/iommu.h"
#include "pci/rebind.h"
#include "pci/select.h"
#include "base/conf.h"
#include "pci/ids.h"
#include "pci/fb.h"
#include "pci/kmod.h"
#include "pci/vfio.h"
#include "pci/pcidev.h"
#include "pci/isolation.h"
#include "pci/pciconf.h"
#include "pci/pciops.h"
#include "pci/record.h"
#include "pci/reset.h"
#include "fw/acpicall.h"
#include "fw/tables.h"
#include "base/sysfs.h"
#include "base/util.h"

const char doctor_usage[] =
	"usage: doctor [-q | -j] [--timeout=SEC]\n"
	"\n"
	"Check, without changing anything, what VFIO GPU passthrough needs: the\n"
	"IOMMU and interrupt remapping, each GPU's IOMMU group (which devices\n"
	"would have to go to vfio-pci with it), which GPU is the boot console,\n"
	"which driver holds each GPU, whether each of its functions survives a\n"
	"VM reboot (reset_method, FLR, NoSoftRst, bus reset, vendor-reset), the\n"
	"vfio modules of the running kernel, the selectors vfio-claim would use,\n"
	"where each other GPU's vBIOS can come from (ROM BAR, ACPI _ROM) with the\n"
	"command that gets it, and kernel command line hints.\n"
	"Each line starts with ok, warn or fail; a '->' line says what to do.\n"
	"Exit 0 when nothing failed, 1 otherwise.\n"
	"\n"
	"  -q, --quiet   print only warnings and failures\n"
	"  -j, --json    one JSON object with every check, its level and advice\n"
	"                (format in docs/json.md)\n"
	"      --timeout=SEC  wait at most SEC (default 10) for a driver_override the\n"
	"                kernel holds under the device lock; past it the device\n"
	"                is a failure, the others are checked\n"
	"  -h, --help    this text\n";

struct doctor {
	int quiet, json;
	int n_ok, n_warn, n_fail;
	char *cmdline;		/* /proc/cmdline, "" when it cannot be read */
	int n_json;		/* checks printed as JSON */
	char release[128];
	int groups;		/* number of IOMMU groups */
	struct vb_select sel;	/* what vfio-claim without operands would select */
	int have_conf;		/* selectors found */
	struct vb_pci *pc;	/* config space, NULL when libpci cannot open */
};

enum { OK, WARN, FAIL };

/* One check as a JSON object (docs/json.md): the topic is the text's first
 * word ("iommu", "gpu", "group", "reset"...), the device the address that
 * follows it, if any. */
static void json_check(struct doctor *d, int level, const char *text, const char *fix)
{
	static const char *const lv[] = { "ok", "warn", "fail" };
	static const struct { const char *word, *topic; } topics[] = {
		{ "interrupt", "interrupt_remapping" }, { "vfio", "vfio_modules" },
		{ "vfio_iommu_type1.allow_unsafe_interrupts", "interrupt_remapping" },
	};
	char topic[64], dev[VB_BDF_LEN] = "", tok[VB_BDF_LEN + 8];
	size_t n = strcspn(text, " :"), i;
	const char *rest;

	snprintf(topic, sizeof(topic), "%.*s", (int)(n < sizeof(topic) ? n : sizeof(topic) - 1),
		 text);
	for (i = 0; i < VB_ARRAY_SIZE(topics); i++)
		if (!strcmp(topic, topics[i].word))
			vb_strlcpy(topic, topics[i].topic, sizeof(topic));
	rest = text + n + strspn(text + n, " :");
	if (!strncmp(rest, "why ", 4))
		rest += 4;
	n = strcspn(rest, " '");
	if (n && rest[n - 1] == ':')
		n--;
	if (n < sizeof(tok)) {
		snprintf(tok, sizeof(tok), "%.*s", (int)n, rest);
		if (vb_bdf_canon(tok, dev) < 0)
			dev[0] = 0;
	}
	printf("%s\n    {\"level\":\"%s\",\"check\":", d->n_json++ ? "," : "", lv[level]);
	vb_json_str(stdout, topic, 0);
	printf(",\"device\":");
	vb_json_str(stdout, dev, 1);
	printf(",\"text\":");
	vb_json_str(stdout, text, 0);
	printf(",\"advice\":");
	vb_json_str(stdout, fix, 1);
	putchar('}');
}

static void line(struct doctor *d, int level, const char *fix, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void line(struct doctor *d, int level, const char *fix, const char *fmt, ...)
{
	static const char *const tag[] = { "ok  ", "warn", "fail" };
	va_list ap;

	if (level == OK)
		d->n_ok++;
	else if (level == WARN)
		d->n_warn++;
	else
		d->n_fail++;
	if (d->quiet && level == OK)
		return;
	if (d->json) {
		char *text;
		int len;

		va_start(ap, fmt);
		len = vsnprintf(NULL, 0, fmt, ap);
		va_end(ap);
		text = vb_xmalloc(len > 0 ? (size_t)len + 1 : 1);
		text[0] = 0;
		va_start(ap, fmt);
		if (len > 0)
			vsnprintf(text, (size_t)len + 1, fmt, ap);
		va_end(ap);
		json_check(d, level, text, fix);
		free(text);
		return;
	}
	printf("%s  ", tag[level]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (fix)
		printf("      -> %s\n", fix);
}

static int count_dir(const char *fmt_path, const char *prefix, char *first, size_t n)
{
	char p[VB_PATH_MAX], **v;
	size_t nv, i;
	int count = 0;

	if (vb_sysfs_path(p, sizeof(p), "%s", fmt_path) < 0 || vb_sysfs_list(p, &v, &nv) < 0)
		return 0;
	for (i = 0; i < nv; i++) {
		if (prefix && strncmp(v[i], prefix, strlen(prefix)))
			continue;
		if (!count && first)
			vb_strlcpy(first, v[i], n);
		count++;
	}
	vb_sysfs_list_free(v, nv);
	return count;
}

static int cpu_vendor(void)
{
	char p[VB_PATH_MAX], buf[2048];

	if (vb_sysfs_path(p, sizeof(p), "/proc/cpuinfo") < 0)
		return 0;
	{
		FILE *f = fopen(p, "re");
		size_t n;
		if (!f)
			return 0;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = 0;
	}
	if (strstr(buf, "GenuineIntel"))
		return 1;
	if (strstr(buf, "AuthenticAMD"))
		return 2;
	return 0;
}

/* Does key=... on the command line have word among its comma-separated
 * options ("intel_iommu=on,igfx_off" has "on", not "off")? */
static int cmdline_opt(const struct doctor *d, const char *key, const char *word)
{
	char v[256], *save = NULL, *w;

	if (vb_cmdline_get(d->cmdline, key, v, sizeof(v)) <= 0)
		return 0;
	for (w = strtok_r(v, ",", &save); w; w = strtok_r(NULL, ",", &save))
		if (!strcmp(w, word))
			return 1;
	return 0;
}

static void check_iommu(struct doctor *d)
{
	char dmar[64] = "", ivhd[64] = "", p[VB_PATH_MAX], v[64];
	int ndmar = count_dir("/sys/class/iommu", "dmar", dmar, sizeof(dmar));
	int nivhd = count_dir("/sys/class/iommu", "ivhd", ivhd, sizeof(ivhd));
	int intel_off = cmdline_opt(d, "intel_iommu", "off");
	int amd_off = cmdline_opt(d, "amd_iommu", "off");
	int all_off = cmdline_opt(d, "iommu", "off");

	d->groups = count_dir("/sys/kernel/iommu_groups", NULL, NULL, 0);
	if (d->groups > 0) {
		if (ndmar)
			line(d, OK, NULL, "iommu: on (Intel VT-d, %s), %d groups", dmar, d->groups);
		else if (nivhd)
			line(d, OK, NULL, "iommu: on (AMD-Vi, %s), %d groups", ivhd, d->groups);
		else
			line(d, OK, NULL, "iommu: on, %d groups", d->groups);
	} else {
		int cpu = ndmar ? 1 : nivhd ? 2 : cpu_vendor();
		const char *fix;
		if (intel_off)
			fix = "remove intel_iommu=off from the kernel command line";
		else if (amd_off)
			fix = "remove amd_iommu=off from the kernel command line";
		else if (all_off)
			fix = "remove iommu=off from the kernel command line";
		else if (cpu == 1)
			fix = "enable VT-d in the firmware setup and boot with intel_iommu=on";
		else if (cpu == 2)
			fix = "enable AMD-Vi/IOMMU (often \"SVM\" and \"IOMMU\") in the firmware setup";
		else
			fix = "enable the IOMMU in the firmware setup; on Intel also boot with intel_iommu=on";
		line(d, FAIL, fix, "iommu: off (no IOMMU groups in /sys/kernel/iommu_groups): "
		     "vfio-pci cannot be used");
	}

	/* Interrupt remapping: vfio's type1 backend refuses a container without
	 * it (EPERM) unless allow_unsafe_interrupts is set. */
	{
		int unsafe = 0, ir = -1;	/* -1 not visible, 0 off, 1 on */
		const char *why = NULL;

		if (vb_sysfs_path(p, sizeof(p), "/sys/module/vfio_iommu_type1/parameters/"
				  "allow_unsafe_interrupts") == 0 &&
		    vb_sysfs_read(p, v, sizeof(v)) > 0 && (v[0] == 'Y' || v[0] == '1'))
			unsafe = 1;
		if (vb_cmdline_get(d->cmdline, "vfio_iommu_type1.allow_unsafe_interrupts", v,
				   sizeof(v)) > 0 && (v[0] == '1' || v[0] == 'Y' || v[0] == 'y'))
			unsafe = 1;
		if (ndmar) {
			unsigned long ecap;
			if (vb_sysfs_path(p, sizeof(p), "/sys/class/iommu/%s/intel-iommu/ecap", dmar) == 0 &&
			    vb_sysfs_read_ulong(p, 16, &ecap) == 0) {
				ir = (ecap & 0x8) != 0;
				if (!ir)
					why = "not supported by the IOMMU";
			}
		} else if (nivhd) {
			ir = 1;
		}
		/* drivers/iommu/irq_remapping.c: intremap=off, for VT-d and AMD-Vi */
		if (ir == 1 && cmdline_opt(d, "intremap", "off")) {
			ir = 0;
			why = "supported but turned off (intremap=off)";
		}
		if (ir == 1 && ndmar)
			line(d, OK, NULL, "interrupt remapping: supported by %s", dmar);
		else if (ir == 1)
			line(d, OK, NULL, "interrupt remapping: part of AMD-Vi (%s)", ivhd);
		else if (ir == 0 && unsafe)
			line(d, WARN, NULL, "interrupt remapping: %s; vfio runs only because "
			     "allow_unsafe_interrupts is on (less isolation)", why);
		else if (ir == 0)
			line(d, FAIL, strstr(why, "intremap=off") ?
			     "remove intremap=off from the kernel command line" :
			     "boot with vfio_iommu_type1.allow_unsafe_interrupts=1 (less isolation)",
			     "interrupt remapping: %s: vfio refuses to use the IOMMU", why);
		if (unsafe && ir != 0)
			line(d, WARN, NULL, "vfio_iommu_type1.allow_unsafe_interrupts is on: "
			     "devices are not isolated from interrupt injection");
	}
}

static void kernel_version(const char *rel, int *maj, int *min)
{
	*maj = *min = 0;
	if (sscanf(rel, "%d.%d", maj, min) < 2)
		*maj = *min = 0;
}

static void check_modules(struct doctor *d)
{
	static const char *const need[] = { "vfio", "vfio_iommu_type1", "vfio_pci_core", "vfio_pci" };
	char have[256] = "", miss[256] = "";
	int maj, min;
	size_t i;

	if (!d->release[0]) {
		line(d, WARN, NULL, "vfio modules: cannot read the kernel release "
		     "(/proc/sys/kernel/osrelease)");
		return;
	}
	kernel_version(d->release, &maj, &min);
	for (i = 0; i < VB_ARRAY_SIZE(need); i++) {
		int st = vb_kmod_state(need[i]);
		char *dst;
		size_t len;

		/* vfio_pci_core is a module of its own only since 5.15. */
		if (!strcmp(need[i], "vfio_pci_core") && st == VB_KMOD_MISSING &&
		    maj && (maj < 5 || (maj == 5 && min < 15)))
			continue;
		/* A kernel without vfio_iommu_type1 but with iommufd: that is
		 * the backend vfio-claim loads (lib/pci/vfio). */
		if (!strcmp(need[i], "vfio_iommu_type1") && st == VB_KMOD_MISSING) {
			const char *b;
			if (vb_vfio_backend(&b) == 0 && strcmp(b, need[i])) {
				len = strlen(have);
				snprintf(have + len, 256 - len, "%siommufd (%s, the IOMMU backend: no "
					 "vfio_iommu_type1)", len ? ", " : "",
					 vb_kmod_state_name(vb_kmod_state(b)));
				continue;
			}
		}
		dst = st > VB_KMOD_MISSING ? have : miss;
		len = strlen(dst);
		if (st < 0)
			snprintf(dst + len, 256 - len, "%s%s (unreadable)", len ? ", " : "", need[i]);
		else if (st == VB_KMOD_MISSING)
			snprintf(dst + len, 256 - len, "%s%s", len ? ", " : "", need[i]);
		else
			snprintf(dst + len, 256 - len, "%s%s (%s)", len ? ", " : "", need[i],
				 vb_kmod_state_name(st));
	}
	if (miss[0]) {
		char p[VB_PATH_MAX], why[200] = "";
		/* No module tree at all: the running kernel's modules are not
		 * installed (a kernel update not yet booted, a container). */
		char pb[VB_PATH_MAX];
		int nodep = vb_sysfs_path(p, sizeof(p), "/lib/modules/%s/modules.dep", d->release) == 0 &&
			    !vb_sysfs_exists(p) &&
			    vb_sysfs_path(pb, sizeof(pb), "/lib/modules/%s/modules.dep.bin", d->release) == 0 &&
			    !vb_sysfs_exists(pb);
		if (nodep)
			snprintf(why, sizeof(why), " (no %s)", vb_sysfs_unroot(p));
		line(d, FAIL, nodep ? "install the running kernel's modules, or boot the kernel "
		     "whose modules are installed" : "install the kernel's vfio modules "
		     "(CONFIG_VFIO_PCI) or a kernel that has them", "vfio modules for %s: missing "
		     "%s%s%s%s", d->release, miss, have[0] ? "; present " : "", have, why);
	} else {
		line(d, OK, NULL, "vfio modules for %s: %s", d->release, have);
	}
}

/* Which vfio interface the kernel offers (lib/pci/vfio: the nodes once vfio
 * is loaded, else the kernel's config), and what libvirt needs for the
 * device cdev: libvirt's NEWS.rst, v12.2.0, "qemu: Add support to configure
 * IOMMUFD backend for whole VM" (in addition to per-device, whose crash fix
 * is in the same release), <driver iommufd='yes'/> on the hostdev; also
 * FACTS.md. */
static void check_interfaces(struct doctor *d)
{
	int f = vb_vfio_interfaces();
	const char *from = f & VB_VFIO_IF_FROM_CONFIG ? " (from the kernel's config)" : "";
	char what[VB_TEXT_LEN] = "";

	if (!(f & (VB_VFIO_IF_GROUP | VB_VFIO_IF_CDEV)))
		return;	/* vfio not loaded and no config: nothing to tell from */
	if (f & VB_VFIO_IF_GROUP)
		vb_appendf(what, sizeof(what), "groups (/dev/vfio/vfio, /dev/vfio/GROUP: every QEMU "
			   "and libvirt)");
	if (f & VB_VFIO_IF_CDEV)
		vb_appendf(what, sizeof(what), "%sdevice cdev (/dev/vfio/devices/vfioN%s: libvirt "
			   "12.2 or later with <driver iommufd='yes'/> on the hostdev)",
			   what[0] ? ", " : "", f & VB_VFIO_IF_IOMMUFD ? " with /dev/iommu" :
			   (f & VB_VFIO_IF_FROM_CONFIG) ? "" : ", but no /dev/iommu: load iommufd");
	if (f & VB_VFIO_IF_GROUP)
		line(d, OK, NULL, "vfio interfaces%s: %s", from, what);
	else
		line(d, WARN, "use libvirt 12.2 or later with <driver iommufd='yes'/> on each "
		     "hostdev (QEMU with iommufd), or a kernel with CONFIG_VFIO_GROUP=y",
		     "vfio interfaces%s: no group interface (CONFIG_VFIO_GROUP=n), only %s", from,
		     what);
}

static int selected(const struct doctor *d, const char *addr, const struct vb_pciids *id)
{
	return vb_select_has_addr(&d->sel, addr) || vb_select_match_ids(&d->sel, id);
}

static int same_slot(const char *a, const char *b)
{
	return !strncmp(a, b, strlen(a) - 1);	/* DDDD:BB:DD. prefix */
}

/* One bridge's ACS in words, into buf. */
static void acs_words(const struct vb_acs_hop *h, char *buf, size_t n)
{
	char flags[128];

	switch (h->state) {
	case VB_ACS_ABSENT:
		snprintf(buf, n, "%s has no ACS", h->addr);
		break;
	case VB_ACS_PARTIAL:
		vb_pciconf_acs_flags(h->missing, flags, sizeof(flags));
		snprintf(buf, n, "%s has ACS with %s", h->addr, flags);
		break;
	case VB_ACS_UNKNOWN:
		snprintf(buf, n, "%s's ACS is unknown (config space unreadable: not root?)",
			 h->addr);
		break;
	case VB_ACS_ISOLATES:
		snprintf(buf, n, "%s has ACS on", h->addr);
		break;
	}
}

/* 1 if addr is one of the n hops. */
static int on_path(const struct vb_acs_hop *h, int n, const char *addr)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(h[i].addr, addr))
			return 1;
	return 0;
}

/* Why the GPU's group holds devices of other slots: the bridges between
 * them (below their common upstream bridge) that lack ACS isolation, by the
 * kernel's rule (lib/pci/isolation). */
static void check_isolation(struct doctor *d, const struct vb_pcidev *g, int level,
			    char **foreign, size_t nf)
{
	struct vb_acs_hop gp[VB_ISOLATION_MAX], mp[VB_ISOLATION_MAX];
	char why[VB_TEXT_LEN] = "", names[VB_TEXT_LEN] = "", w[256], seen[VB_TEXT_LEN] = "";
	int ng, nmp, i, unknown = 0;
	size_t k;

	if ((ng = vb_isolation_path(d->pc, g->addr, gp, VB_ISOLATION_MAX)) < 0)
		return;
	for (k = 0; k < nf; k++) {
		vb_appendf(names, sizeof(names), "%s%s", k ? ", " : "", foreign[k]);
		if ((nmp = vb_isolation_path(d->pc, foreign[k], mp, VB_ISOLATION_MAX)) < 0)
			continue;
		/* the bridges on one path and not the other: between them */
		for (i = 0; i < ng + nmp; i++) {
			const struct vb_acs_hop *h = i < ng ? &gp[i] : &mp[i - ng];
			int other = i < ng ? on_path(mp, nmp, h->addr) : on_path(gp, ng, h->addr);

			if (other || h->state == VB_ACS_ISOLATES || !strcmp(h->addr, foreign[k]) ||
			    strstr(seen, h->addr))
				continue;
			vb_appendf(seen, sizeof(seen), "%s ", h->addr);
			unknown += h->state == VB_ACS_UNKNOWN;
			acs_words(h, w, sizeof(w));
			vb_appendf(why, sizeof(why), "%s%s", why[0] ? "; " : "", w);
		}
	}
	if (!why[0])
		snprintf(why, sizeof(why), "no bridge between them lacks ACS: the kernel groups "
			 "them for the devices themselves (functions of one slot, or a root "
			 "complex, without ACS, or a quirk)");
	line(d, level, unknown ? "run doctor as root to read ACS from config space" :
	     "a slot below a port with ACS on (list --tree shows ACS per bridge) gives it a "
	     "group of its own; pcie_acs_override= (a kernel with the ACS override patch, "
	     "not mainline) splits the group by pretending ACS, which gives up isolation: "
	     "the devices can then reach each other by peer-to-peer DMA the IOMMU does not see",
	     "group: why %s shares IOMMU group %d with %s: %s", g->addr, g->group, names, why);
}

/* Firmware framebuffers in the GPU's BARs (lib/pci/fb): vfio-pci removes
 * them only for a VGA-class device. */
static void check_fb(struct doctor *d, const struct vb_pcidev *g, int sel)
{
	struct vb_fb fb[4];
	int i, n = vb_fb_find(g->addr, fb, 4);

	if (n == -EACCES && sel)
		line(d, WARN, "run doctor as root", "framebuffer: /proc/iomem hides its addresses: "
		     "cannot tell whether a firmware framebuffer sits in %s's BARs", g->addr);
	for (i = 0; i < n; i++) {
		char fix[128];

		snprintf(fix, sizeof(fix), "boot with %s (initcall_blacklist=sysfb_init stops "
			 "every sysfb framebuffer)", vb_fb_param(fb[i].name));
		if (vb_fb_vfio_removes(g->id.class))
			line(d, OK, NULL, "framebuffer: %s (%#llx-%#llx) is in BAR %d of %s; vfio-pci "
			     "removes it when it takes the device (VGA class)", fb[i].name,
			     fb[i].start, fb[i].end, fb[i].bar, g->addr);
		else
			line(d, sel ? WARN : OK, sel ? fix : NULL,
			     "framebuffer: %s (%#llx-%#llx) is in BAR %d of %s, a %s: vfio-pci removes "
			     "firmware framebuffers only for VGA-class devices, so it cannot reserve "
			     "that BAR (\"BAR %d: can't reserve\")%s", fb[i].name, fb[i].start,
			     fb[i].end, fb[i].bar, g->addr, vb_class_name(g->id.class), fb[i].bar,
			     "");
	}
}

static void check_gpu(struct doctor *d, const struct vb_pcidev *g)
{
	char **m = NULL, buf[768] = "", fixbuf[256], **foreign = NULL;
	size_t nm = 0, i, len, nforeign = 0;
	int sel = selected(d, g->addr, &g->id), others = 0, blocking = 0, busy = 0, kept = 0;

	/* Which driver holds it. */
	if (!g->driver[0])
		line(d, OK, NULL, "gpu %s (%04x:%04x): no driver bound", g->addr, g->id.vendor,
		     g->id.device);
	else if (vb_driver_is_vfio(g->driver))
		line(d, OK, NULL, "gpu %s (%04x:%04x): held by %s%s%s", g->addr, g->id.vendor,
		     g->id.device, g->driver, strcmp(g->driver, "vfio-pci") ?
		     ", a vfio-pci variant driver" : "", g->override[0] ? " (driver_override set)" : "");
	else if (sel)
		line(d, WARN, "claim it before that driver loads: the vfiobox initramfs hook "
		     "(README \"Early boot\") runs vfio-claim", "gpu %s (%04x:%04x): selected for "
		     "passthrough but held by %s", g->addr, g->id.vendor, g->id.device, g->driver);
	else
		line(d, OK, NULL, "gpu %s (%04x:%04x): held by %s", g->addr, g->id.vendor,
		     g->id.device, g->driver);

	/* The boot console. */
	if (g->boot_vga == 1) {
		if (sel)
			line(d, FAIL, "select the other GPU; vfio-claim refuses this one without --force",
			     "console: %s is the boot console (boot_vga=1) and is selected for "
			     "passthrough: claiming it blanks the host console", g->addr);
		else
			line(d, OK, NULL, "console: %s is the boot console (boot_vga=1): the host "
			     "keeps it, do not pass it through", g->addr);
	}

	/* The IOMMU group. */
	check_fb(d, g, sel);
	if (g->group < 0) {
		if (d->groups > 0)
			line(d, WARN, NULL, "group: %s has no IOMMU group", g->addr);
		return;
	}
	if (vb_pcidev_group_members(g->group, &m, &nm) < 0) {
		line(d, WARN, NULL, "group: %s: cannot read IOMMU group %d", g->addr, g->group);
		return;
	}
	for (i = 0; i < nm; i++) {
		struct vb_pciids id;
		char drv[64];
		const char *role;

		if (!strcmp(m[i], g->addr))
			continue;
		if (vb_pcidev_ids(m[i], &id) < 0)
			continue;
		if (!same_slot(g->addr, m[i]) && !vb_isolation_below(m[i], g->addr))
			vb_pciops_addr_add(&foreign, &nforeign, m[i]);
		vb_pcidev_driver(m[i], drv, sizeof(drv));
		if (vb_class_is_bridge(id.class) && vb_pcidev_dma_ok(m[i], id.class, drv)) {
			role = "bridge, stays";
		} else if (vb_class_is_bridge(id.class)) {
			/* an ISA/LPC function: an endpoint on a host driver, and
			 * vfio-claim never takes a bridge-class device */
			role = "bridge-class endpoint on a host driver: blocks the group";
			kept++;
		} else if (vb_driver_passive(drv, VB_PASSIVE_VFIO)) {
			role = "goes with it";
		} else {
			role = same_slot(g->addr, m[i]) ? "same card, goes with it" : "must go with it";
			busy++;
			if (!same_slot(g->addr, m[i]))
				blocking++;
		}
		len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, "%s%s %s%s%s (%s)", others++ ? ", " : "",
			 m[i], vb_class_name(id.class), drv[0] ? " on " : "", drv, role);
	}
	vb_sysfs_list_free(m, nm);
	if (!others) {
		line(d, OK, NULL, "group: %s is alone in IOMMU group %d: viable", g->addr, g->group);
	} else if (kept) {
		line(d, WARN, "vfio-claim never takes a bridge-class device, so this group cannot "
		     "go to a VM as it is: try another slot", "group: %s's IOMMU group %d is not "
		     "viable: %s", g->addr, g->group, buf);
	} else if (vb_driver_passive(g->driver, VB_PASSIVE_VFIO) && busy) {
		/* The GPU is claimed but the rest of its group is not: vfio
		 * refuses to open the group until every endpoint is. */
		snprintf(fixbuf, sizeof(fixbuf), "vfiobox vfio-claim %s (it takes the whole group)",
			 g->addr);
		line(d, WARN, fixbuf, "group: %s's IOMMU group %d is not viable now: %s", g->addr,
		     g->group, buf);
	} else if (!blocking) {
		line(d, OK, NULL, "group: %s's IOMMU group %d is viable: %s", g->addr, g->group, buf);
	} else {
		snprintf(fixbuf, sizeof(fixbuf), "vfio-claim takes the whole group to vfio-pci; "
			 "if those devices are needed by the host, try another slot");
		line(d, WARN, fixbuf, "group: %s's IOMMU group %d also holds devices in use by the "
		     "host: %s", g->addr, g->group, buf);
	}
	if (nforeign)
		check_isolation(d, g, kept || blocking ? WARN : OK, foreign, nforeign);
	vb_sysfs_list_free(foreign, nforeign);
}

/* Will it come back after a VM reboot: each function of the GPU's slot
 * (lib/pci/reset has the facts and the verdict). */
static void check_reset(struct doctor *d, const char *gpu)
{
	char **slot, facts[VB_TEXT_LEN], fix[VB_TEXT_LEN], with[300];
	size_t ns, i;

	if (vb_pcidev_slot(gpu, &slot, &ns) < 0)
		return;
	for (i = 0; i < ns; i++) {
		struct vb_reset_info r;
		const char *name;
		int level = OK;

		if (vb_reset_assess(d->pc, slot[i], &r) < 0)
			continue;
		vb_reset_describe(&r, facts, sizeof(facts));
		name = vb_reset_verdict_name(r.verdict);
		fix[0] = with[0] = 0;
		switch (r.verdict) {
		case VB_RESET_SURVIVES:
			snprintf(with, sizeof(with), " (%s)", r.by);
			break;
		case VB_RESET_BUS_WITH:
			snprintf(with, sizeof(with), " (the VM must get %s too)", r.below);
			break;
		case VB_RESET_VENDOR:
			if (!r.vendor_reset) {
				level = WARN;
				snprintf(fix, sizeof(fix), "install vendor-reset (%s) and load it "
					 "before the GPU's driver; its udev rule sets reset_method to "
					 "device_specific", "https://github.com/gnif/vendor-reset");
			} else if (!r.by[0]) {
				level = WARN;
				snprintf(fix, sizeof(fix), "echo device_specific > "
					 "/sys/bus/pci/devices/%s/reset_method (vendor-reset's udev "
					 "rule does this)", slot[i]);
			}
			break;
		case VB_RESET_NONE:
			level = WARN;
			if (r.bus == VB_BUS_SHARED)
				snprintf(fix, sizeof(fix), "a slot alone below its bridge lets a bus "
					 "reset reach it%s%s%s", r.reset_subordinate ?
					 "; between VM runs, echo 1 > /sys/bus/pci/devices/" : "",
					 r.reset_subordinate ? r.bridge : "", r.reset_subordinate ?
					 "/reset_subordinate resets everything below the bridge" : "");
			else
				snprintf(fix, sizeof(fix), "after the VM stops, expect to reboot the "
					 "host to use it again");
			break;
		}
		line(d, level, fix[0] ? fix : NULL, "reset: %s %s%s: %s", slot[i], name, with, facts);
	}
	vb_sysfs_list_free(slot, ns);
}

/* Where the vBIOS of a GPU that is not the boot GPU can come from (ROM BAR,
 * VFCT entry, ACPI _ROM), and the command that gets it. Read-only: the ROM BAR is not read (that takes a
 * write to its rom attribute), only seen. */
static void check_vbios(struct doctor *d, const struct vb_pcidev *g)
{
	char p[VB_PATH_MAX], node[512], meth[600], want[600], fix[900], call[VB_PATH_MAX];
	struct vb_fwtables t;
	struct vb_fwdef def;
	int r = 0;

	if (g->boot_vga == 1)
		return;
	if (vb_pcidev_path(p, sizeof(p), g->addr, "rom") == 0 && vb_sysfs_exists(p)) {
		snprintf(fix, sizeof(fix), "vfiobox rom -o vbios.rom %s (domxml --rom=FILE)", g->addr);
		line(d, OK, fix, "gpu %s: vBIOS: the ROM BAR (rom attribute)", g->addr);
		return;
	}
	{
		struct vb_vfct_image img;
		struct vb_bdf b;
		unsigned char *vt;
		size_t vn, count;
		int bad;

		if (vb_bdf_parse(g->addr, &b) == 0 &&
		    vb_vfct_find(b.bus, b.dev, b.fn, g->id.vendor, g->id.device, &vt, &vn, &img,
				 &count, &bad) == 1) {
			free(vt);
			snprintf(fix, sizeof(fix), "vfiobox rom --vfct -o vbios.rom %s (domxml "
				 "--rom=FILE)", g->addr);
			line(d, OK, fix, "gpu %s: vBIOS: no ROM BAR; the VFCT table's entry (%zu "
			     "bytes)", g->addr, img.len);
			return;
		}
	}
	if (vb_pcidev_path(p, sizeof(p), g->addr, "firmware_node/path") < 0 ||
	    vb_sysfs_read(p, node, sizeof(node)) <= 0 ||
	    vb_fmt(meth, sizeof(meth), "%s._ROM", node) < 0 ||
	    vb_fwtables_path_norm(meth, want, sizeof(want)) < 0) {
		line(d, WARN, "take the ROM from the card's vendor or a dump made elsewhere "
		     "(domxml --rom=FILE)", "gpu %s: vBIOS: no ROM BAR and no ACPI node", g->addr);
		return;
	}
	if (vb_fwtables_scan(&t) == 0) {
		r = vb_fwtables_find_def(&t, meth, &def);
		vb_fwtables_free(&t);
	}
	if (r <= 0) {
		line(d, WARN, def.unreadable ? "run doctor as root to read the ACPI tables" :
		     "take the ROM from the card's vendor or a dump made elsewhere (domxml "
		     "--rom=FILE)", "gpu %s: vBIOS: no ROM BAR, and no ACPI table %s %s",
		     g->addr, def.unreadable ? "could be read for" : "defines", want);
		return;
	}
	if (vb_sysfs_path(call, sizeof(call), VB_ACPICALL_PATH) == 0 && vb_sysfs_exists(call))
		snprintf(fix, sizeof(fix), "vfiobox rom --acpi -o vbios.rom %s, then ssdt rom "
			 "-o rom.aml for the guest", g->addr);
	else
		snprintf(fix, sizeof(fix), "modprobe acpi_call (Debian: apt install acpi-call-dkms), "
			 "then vfiobox rom --acpi -o vbios.rom %s and ssdt rom -o rom.aml", g->addr);
	line(d, OK, fix, "gpu %s: vBIOS: no ROM BAR; ACPI %s in %s%s%s", g->addr, want, def.table,
	     def.cond ? ", inside " : "", def.cond ? def.cond : "");
}

static void check_gpus(struct doctor *d)
{
	char **all;
	size_t n, i;
	int gpus = 0, matched = 0;

	if (vb_pcidev_list(&all, &n) < 0) {
		line(d, FAIL, NULL, "pci: cannot read /sys/bus/pci/devices");
		return;
	}
	for (i = 0; i < n; i++) {
		struct vb_pcidev dev;

		char words[VB_TEXT_LEN];
		int r = vb_pcidev_load(all[i], &dev);

		if (r == -ENODEV)
			continue;	/* left the bus a moment ago */
		if (r < 0) {
			line(d, FAIL, r == -ETIMEDOUT ? "see what holds it (an unbind waiting on a "
			     "driver in use), or give it longer with --timeout" : NULL,
			     "pci: %s: %s: not checked", all[i],
			     vb_dev_read_words(r, words, sizeof(words)));
			continue;
		}
		if (d->have_conf && selected(d, dev.addr, &dev.id))
			matched++;
		if (!vb_class_is_display(dev.id.class))
			continue;
		gpus++;
		check_gpu(d, &dev);
		check_reset(d, dev.addr);
		check_vbios(d, &dev);
	}
	vb_sysfs_list_free(all, n);
	if (!gpus)
		line(d, WARN, NULL, "gpu: no display devices found");
	if (d->have_conf && !matched)
		line(d, WARN, "check the ids (list -a shows every device's vendor:device)",
		     "selectors: nothing on this machine matches the selectors from %s",
		     d->sel.source);
}

/* The same reading as vfio-claim's (lib/pci/select): what it would select,
 * or the error it would stop on. */
static void check_selectors(struct doctor *d)
{
	char err[VB_TEXT_LEN], list[VB_TEXT_LEN] = "";
	int r = vb_select_load(&d->sel, NULL, 0, err, sizeof(err));

	if (vb_select_off())
		line(d, WARN, "boot without it to claim again",
		     "selectors: vfiobox.claim=off on the kernel command line: the off switch, the "
		     "hooks and vfio-claim without selectors claim nothing this boot");
	if (r < 0) {
		line(d, FAIL, "fix it: vfio-claim stops on it too (exit 2, nothing claimed)",
		     "selectors: %s", err);
		return;
	}
	if (r == 0) {
		line(d, OK, NULL, "selectors: none (no vfiobox.ids=/vfiobox.claim= on the kernel "
		     "command line, no /etc/vfiobox.conf): vfio-claim needs ids= or addresses");
		return;
	}
	d->have_conf = 1;
	vb_select_describe(&d->sel, list, sizeof(list));
	line(d, OK, NULL, "selectors from %s: %s", d->sel.source, list);
}

/* A rebind transaction's journal (lib/pci/record): there only while one is
 * under way, or when one did not finish (kill -9, power loss, an undo that
 * failed). No line when there is none. */
static void check_journal(struct doctor *d)
{
	struct vb_journal *j = vb_xcalloc(1, sizeof(*j));
	char why[VB_TEXT_LEN], devs[VB_TEXT_LEN] = "";
	size_t i;
	int r = vb_journal_read(j, why, sizeof(why));

	if (r == -ENOENT)
		goto out;
	if (r < 0) {
		line(d, FAIL, "see where the devices are (vfiobox list), put them back by hand if "
		     "need be, then remove it", "journal: " VB_JOURNAL_PATH " is damaged (%s): "
		     "vfiobox does not act on it", r == -EBADMSG ? why : strerror(-r));
		goto out;
	}
	for (i = 0; i < j->n; i++) {
		const struct vb_journal_dev *x = &j->dev[i];
		vb_appendf(devs, sizeof(devs), ", %s %s -> %s", x->addr,
			   x->driver[0] ? x->driver : "no driver",
			   !x->target[0] ? (x->want[0] ? x->want : "its host driver") :
			   !strcmp(x->target, "none") ? "driver_override none" : x->target);
	}
	if (!strcmp(j->phase, "stuck"))
		line(d, WARN, "see where the devices are (vfiobox list); the next vfio-claim, "
		     "vfio-release or recover says so and drops the journal",
		     "journal: %s (pid %ld) could not undo a failure and said what it left%s",
		     j->op, j->pid, devs);
	else if (j->pid > 0 && j->pid != (long)getpid() && kill((pid_t)j->pid, 0) == 0)
		line(d, OK, NULL, "journal: %s (pid %ld) is under way: at %s%s", j->op, j->pid,
		     j->phase, devs);
	else
		line(d, FAIL, "vfio-release or recover finishes or undoes it (either takes "
		     "/run/vfiobox.lock and settles the journal first)",
		     "journal: %s (pid %ld) did not finish: at %s%s", j->op, j->pid, j->phase, devs);
out:
	free(j);
}

static void check_cmdline(struct doctor *d)
{
	char v[1024], *long_v;

	if (vb_cmdline_has(d->cmdline, "pcie_acs_override"))
		line(d, WARN, NULL, "cmdline: pcie_acs_override is set: IOMMU groups are split "
		     "without hardware isolation");
	if (vb_cmdline_get(d->cmdline, "vfio.enable_unsafe_noiommu_mode", v, sizeof(v)) > 0 &&
	    (v[0] == '1' || v[0] == 'Y' || v[0] == 'y'))
		line(d, WARN, NULL, "cmdline: vfio no-IOMMU mode is on: no DMA isolation, the "
		     "kernel is tainted");
	if ((long_v = vb_cmdline_dup(d->cmdline, "vfio-pci.ids")) ||
	    (long_v = vb_cmdline_dup(d->cmdline, "vfio_pci.ids")))
		line(d, OK, NULL, "cmdline: vfio-pci.ids=%s also set: vfio-pci binds those ids "
		     "when it loads", long_v);
	free(long_v);
	if (cmdline_opt(d, "amd_iommu", "on"))
		line(d, OK, NULL, "cmdline: amd_iommu=on is not a kernel option (the kernel "
		     "ignores it): AMD-Vi is on whenever the firmware enables it");
	if (cmdline_opt(d, "iommu", "pt"))
		line(d, OK, NULL, "cmdline: iommu=pt (host devices bypass translation; "
		     "passthrough unaffected)");
	if ((long_v = vb_cmdline_dup(d->cmdline, "modprobe.blacklist")))
		line(d, OK, NULL, "cmdline: modprobe.blacklist=%s", long_v);
	free(long_v);
}

int doctor_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct doctor d;
	long timeout_ms = 10000;
	int c, r;

	memset(&d, 0, sizeof(d));
	while ((c = getopt_long(argc, argv, "qjh", lo, NULL)) != -1) {
		switch (c) {
		case 'q': d.quiet = 1; break;
		case 'j': d.json = 1; break;
		case 'T':
			if ((r = vb_opt_timeout(optarg, &timeout_ms)) != 0)
				return r;
			break;
		case 'h': vb_print_usage(doctor_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (optind < argc)
		return vb_usage_err("'%s': doctor takes no operands", argv[optind]);
	if (d.quiet && d.json)
		return vb_usage_err("-q and --json do not go together (the JSON has every check)");
	vb_sysfs_set_wait(timeout_ms);	/* driver_override: read under the device lock */
	/* A command line that cannot be read is a failure of the selectors'
	 * check (vb_select_load reads it again and says why). */
	if (vb_cmdline_read(&d.cmdline, NULL) < 0) {
		free(d.cmdline);
		d.cmdline = vb_xstrdup("");
	}
	if (vb_kmod_release(d.release, sizeof(d.release)) < 0)
		d.release[0] = 0;

	{
		char err[VB_TEXT_LEN];
		if (vb_pciconf_open(&d.pc, 0, err, sizeof(err)) < 0)
			d.pc = NULL;	/* the reset facts say what is unknown */
	}
	if (d.json)
		printf("{\"version\":1,\"checks\":[");
	check_iommu(&d);
	check_modules(&d);
	check_interfaces(&d);
	check_selectors(&d);
	check_gpus(&d);
	check_cmdline(&d);
	check_journal(&d);
	if (d.json)
		printf("%s],\"ok\":%d,\"warn\":%d,\"fail\":%d}\n", d.n_json ? "\n  " : "",
		       d.n_ok, d.n_warn, d.n_fail);
	else
		printf("doctor: %d ok, %d warn, %d fail\n", d.n_ok, d.n_warn, d.n_fail);

	vb_select_free(&d.sel);
	free(d.cmdline);
	if (d.pc)
		vb_pciconf_close(d.pc);
	return d.n_fail ? VB_EXIT_FAIL : VB_EXIT_OK;
}
