/* reset: the reset facts of a device and its verdict. See reset.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/sysfs.h"
#include "base/util.h"
#include "pci/kmod.h"
#include "pci/pciconf.h"
#include "pci/pciops.h"
#include "pci/pcidev.h"
#include "pci/reset.h"

#define PCI_EXP_DEVCAP		0x04
#define PCI_EXP_DEVCAP_FLR	0x10000000u	/* bit 28 */
#define PM_CTRL			0x04		/* PMCSR */
#define PM_CTRL_NO_SOFT_RESET	0x0008
#define CAP_AF			0x13		/* Advanced Features */
#define AF_CAP			0x03
#define AF_CAP_TP		0x01
#define AF_CAP_FLR		0x02

/* vendor-reset's device list: the AMD families whose own reset (no FLR, and
 * a bus reset that leaves them unable to initialise again) breaks on a VM
 * reboot, and which vendor-reset's device_specific reset brings back. */
#define VR "https://github.com/gnif/vendor-reset/blob/" \
	   "ca6a270487f32e07b439ffeb397c21905b69a519/src/device-db.h"
#define E(dev, fam) { 0x1002, dev, fam, VR }
static const struct vb_reset_quirk quirks[] = {
	E(0x67c0, "AMD Polaris 10"), E(0x67c1, "AMD Polaris 10"), E(0x67c2, "AMD Polaris 10"),
	E(0x67c4, "AMD Polaris 10"), E(0x67c7, "AMD Polaris 10"), E(0x67c8, "AMD Polaris 10"),
	E(0x67c9, "AMD Polaris 10"), E(0x67ca, "AMD Polaris 10"), E(0x67cc, "AMD Polaris 10"),
	E(0x67cf, "AMD Polaris 10"), E(0x67d0, "AMD Polaris 10"), E(0x67df, "AMD Polaris 10"),
	E(0x6fdf, "AMD Polaris 10"),
	E(0x67e0, "AMD Polaris 11"), E(0x67e1, "AMD Polaris 11"), E(0x67e3, "AMD Polaris 11"),
	E(0x67e7, "AMD Polaris 11"), E(0x67e8, "AMD Polaris 11"), E(0x67e9, "AMD Polaris 11"),
	E(0x67eb, "AMD Polaris 11"), E(0x67ef, "AMD Polaris 11"), E(0x67ff, "AMD Polaris 11"),
	E(0x6980, "AMD Polaris 12"), E(0x6981, "AMD Polaris 12"), E(0x6985, "AMD Polaris 12"),
	E(0x6986, "AMD Polaris 12"), E(0x6987, "AMD Polaris 12"), E(0x6995, "AMD Polaris 12"),
	E(0x6997, "AMD Polaris 12"), E(0x699f, "AMD Polaris 12"),
	E(0x6860, "AMD Vega 10"), E(0x6861, "AMD Vega 10"), E(0x6862, "AMD Vega 10"),
	E(0x6863, "AMD Vega 10"), E(0x6864, "AMD Vega 10"), E(0x6867, "AMD Vega 10"),
	E(0x6868, "AMD Vega 10"), E(0x6869, "AMD Vega 10"), E(0x686a, "AMD Vega 10"),
	E(0x686b, "AMD Vega 10"), E(0x686c, "AMD Vega 10"), E(0x686d, "AMD Vega 10"),
	E(0x686e, "AMD Vega 10"), E(0x686f, "AMD Vega 10"), E(0x687f, "AMD Vega 10"),
	E(0x66a0, "AMD Vega 20"), E(0x66a1, "AMD Vega 20"), E(0x66a2, "AMD Vega 20"),
	E(0x66a3, "AMD Vega 20"), E(0x66a4, "AMD Vega 20"), E(0x66a7, "AMD Vega 20"),
	E(0x66af, "AMD Vega 20"), E(0x738c, "AMD Arcturus (Instinct MI100)"),
	E(0x7310, "AMD Navi 10"), E(0x7312, "AMD Navi 10"), E(0x7318, "AMD Navi 10"),
	E(0x7319, "AMD Navi 10"), E(0x731a, "AMD Navi 10"), E(0x731b, "AMD Navi 10"),
	E(0x731e, "AMD Navi 10"), E(0x731f, "AMD Navi 10"), E(0x1681, "AMD Navi 10 (Rembrandt)"),
	E(0x7340, "AMD Navi 14"), E(0x7341, "AMD Navi 14"), E(0x7347, "AMD Navi 14"),
	E(0x734f, "AMD Navi 14"),
	E(0x7360, "AMD Navi 12"), E(0x7362, "AMD Navi 12"),
};
#undef E
#undef VR

const struct vb_reset_quirk *vb_reset_quirk(unsigned vendor, unsigned device)
{
	size_t i;

	for (i = 0; i < VB_ARRAY_SIZE(quirks); i++)
		if (quirks[i].vendor == vendor && quirks[i].device == device)
			return &quirks[i];
	return NULL;
}

const char *vb_reset_verdict_name(enum vb_reset_verdict v)
{
	switch (v) {
	case VB_RESET_SURVIVES: return "survives a VM reboot";
	case VB_RESET_VENDOR: return "only with vendor-reset";
	case VB_RESET_BUS_WITH: return "only by a bus reset with its group";
	case VB_RESET_NONE: break;
	}
	return "will not survive a VM reboot";
}

const char *vb_reset_verdict_key(enum vb_reset_verdict v)
{
	static const char *const k[] = { "survives", "vendor_reset", "bus_with_group", "none" };

	return (unsigned)v < VB_ARRAY_SIZE(k) ? k[v] : "none";
}

const char *vb_reset_bus_key(enum vb_reset_bus b)
{
	static const char *const k[] = { "root", "alone", "group", "shared", "refused" };

	return (unsigned)b < VB_ARRAY_SIZE(k) ? k[b] : "root";
}

int vb_reset_has_method(const char *methods, const char *word)
{
	size_t n = strlen(word);
	const char *s = methods;

	while ((s = strstr(s, word))) {
		if ((s == methods || s[-1] == ' ') && (s[n] == 0 || s[n] == ' '))
			return 1;
		s += n;
	}
	return 0;
}

/* DevCap FLR, AF FLR, NoSoftRst from config space. */
static void read_caps(struct vb_pci *p, const char *addr, struct vb_reset_info *r)
{
	uint32_t devcap;
	uint16_t pmcsr;
	uint8_t af;
	int pos;

	if (!p || vb_pciconf_present(p, addr) != 1)
		return;
	r->cfg = 1;
	pos = vb_pciconf_find_cap(p, addr, VB_CAP_EXP, 0);
	if (pos == -ENOENT)
		r->flr = 0;
	else if (pos >= 0 && vb_pciconf_read32(p, addr, pos + PCI_EXP_DEVCAP, &devcap) == 0)
		r->flr = (devcap & PCI_EXP_DEVCAP_FLR) != 0;
	else
		r->cfg = 0;
	pos = vb_pciconf_find_cap(p, addr, CAP_AF, 0);
	if (pos == -ENOENT)
		r->af_flr = 0;
	else if (pos >= 0 && vb_pciconf_read8(p, addr, pos + AF_CAP, &af) == 0)
		r->af_flr = (af & (AF_CAP_TP | AF_CAP_FLR)) == (AF_CAP_TP | AF_CAP_FLR);
	else
		r->cfg = 0;
	pos = vb_pciconf_find_cap(p, addr, VB_CAP_PM, 0);
	if (pos >= 0 && vb_pciconf_read16(p, addr, pos + PM_CTRL, &pmcsr) == 0)
		r->nosoftrst = (pmcsr & PM_CTRL_NO_SOFT_RESET) != 0;
	else if (pos != -ENOENT)
		r->cfg = 0;
}

/* What a bus reset of the parent bridge hits besides addr. */
static int read_bus(const char *addr, int group, struct vb_reset_info *r)
{
	char **v, p[VB_PATH_MAX];
	size_t n, i;
	int rc;

	if ((rc = vb_pcidev_parent(addr, r->bridge)) < 0)
		return rc;
	if (!r->bridge[0]) {
		r->bus = VB_BUS_ROOT;
		return 0;
	}
	if (vb_pcidev_path(p, sizeof(p), r->bridge, "reset_subordinate") == 0)
		r->reset_subordinate = vb_sysfs_exists(p);
	if ((rc = vb_pciops_below(r->bridge, &v, &n)) < 0)
		return rc;
	r->bus = VB_BUS_ALONE;
	for (i = 0; i < n; i++) {
		int g;

		if (!strcmp(v[i], addr))
			continue;
		vb_appendf(r->below, sizeof(r->below), "%s%s", r->below[0] ? ", " : "", v[i]);
		g = vb_pcidev_group(v[i]);
		if (group >= 0 && g == group) {
			if (r->bus == VB_BUS_ALONE)
				r->bus = VB_BUS_GROUP;
			continue;
		}
		r->bus = VB_BUS_SHARED;
		vb_appendf(r->outside, sizeof(r->outside), "%s%s", r->outside[0] ? ", " : "", v[i]);
	}
	vb_sysfs_list_free(v, n);
	return 0;
}

/* The function reset QEMU's VFIO_DEVICE_RESET would get: the first one in
 * reset_method's order (the methods the kernel probed, as the user may have
 * reordered them); without that attribute, what the capabilities let the
 * kernel probe, in its default order. */
static const char *function_reset(const struct vb_reset_info *r)
{
	static const char *const fnr[] = { "device_specific", "acpi", "flr", "af_flr", "pm" };
	const char *s = r->methods;
	size_t i, n;

	if (r->methods_known) {
		for (; *s; s += n + (s[n] == ' ')) {
			n = strcspn(s, " ");
			for (i = 0; i < VB_ARRAY_SIZE(fnr); i++)
				if (strlen(fnr[i]) == n && !strncmp(s, fnr[i], n))
					return fnr[i];
		}
		return NULL;
	}
	if (r->flr == 1)
		return "flr";
	if (r->af_flr == 1)
		return "af_flr";
	if (r->nosoftrst == 0)
		return "pm";
	return NULL;
}

/* reset_method exists since Linux 5.15 (osrelease "MAJOR.MINOR..."). */
static int since_5_15(void)
{
	char rel[128];
	int maj = 0, min = 0;

	if (vb_kmod_release(rel, sizeof(rel)) < 0 || sscanf(rel, "%d.%d", &maj, &min) != 2)
		return 0;
	return maj > 5 || (maj == 5 && min >= 15);
}

int vb_reset_assess(struct vb_pci *p, const char *addr, struct vb_reset_info *r)
{
	char canon[VB_BDF_LEN], path[VB_PATH_MAX];
	struct vb_pciids id;
	const char *fn;
	int rc, st;

	memset(r, 0, sizeof(*r));
	r->flr = r->af_flr = r->nosoftrst = -1;
	if (vb_bdf_canon(addr, canon) < 0)
		return -EINVAL;
	if (!vb_pcidev_exists(canon))
		return -ENODEV;
	if ((rc = vb_pcidev_ids(canon, &id)) < 0)
		return rc;
	if ((rc = vb_pcidev_path(path, sizeof(path), canon, "reset_method")) < 0)
		return rc;
	if (vb_sysfs_exists(path)) {
		r->methods_known = 1;
		if (vb_sysfs_read(path, r->methods, sizeof(r->methods)) < 0)
			r->methods[0] = 0;
	} else {
		r->methods_known = since_5_15();
	}
	read_caps(p, canon, r);
	if ((rc = read_bus(canon, vb_pcidev_group(canon), r)) < 0)
		return rc;
	if (r->bus == VB_BUS_ALONE && r->methods_known && !vb_reset_has_method(r->methods, "bus"))
		r->bus = VB_BUS_REFUSED;
	st = vb_kmod_state("vendor_reset");
	r->vendor_reset = st == VB_KMOD_LOADED || st == VB_KMOD_BUILTIN;
	r->quirk = vb_reset_quirk(id.vendor, id.device);

	if (r->quirk) {
		/* The kernel's own methods leave it unable to start again. */
		r->verdict = VB_RESET_VENDOR;
		if (r->vendor_reset && vb_reset_has_method(r->methods, "device_specific"))
			vb_strlcpy(r->by, "device_specific", sizeof(r->by));
		return 0;
	}
	if ((fn = function_reset(r))) {
		vb_strlcpy(r->by, fn, sizeof(r->by));
		r->verdict = VB_RESET_SURVIVES;
		return 0;
	}
	switch (r->bus) {
	case VB_BUS_ALONE:
		vb_strlcpy(r->by, "bus", sizeof(r->by));
		r->verdict = VB_RESET_SURVIVES;
		break;
	case VB_BUS_GROUP:
		vb_strlcpy(r->by, "bus", sizeof(r->by));
		r->verdict = VB_RESET_BUS_WITH;
		break;
	default:
		r->verdict = VB_RESET_NONE;
	}
	return 0;
}

int vb_reset_pick_recover(const char *bridge, unsigned vendor, unsigned device, char **mine,
			  size_t nmine, char *others, size_t n)
{
	char **v;
	size_t nv, i;
	int r;

	if (n)
		others[0] = 0;
	if (!bridge || !bridge[0])
		return VB_PICK_ROOT;
	if ((r = vb_pciops_below(bridge, &v, &nv)) < 0)
		return r;
	for (i = 0; i < nv; i++)
		if (!vb_pciops_addr_has(mine, nmine, v[i]))
			vb_appendf(others, n, "%s%s", others[0] ? ", " : "", v[i]);
	vb_sysfs_list_free(v, nv);
	if (others[0])
		return VB_PICK_OTHERS;
	if (vendor != VB_ANY && vb_reset_quirk(vendor, device))
		return VB_PICK_QUIRK;
	return VB_PICK_SBR;
}

static const char *tri(int v, const char *yes, const char *no, const char *unknown)
{
	return v > 0 ? yes : v == 0 ? no : unknown;
}

void vb_reset_describe(const struct vb_reset_info *r, char *buf, size_t n)
{
	if (!n)
		return;
	buf[0] = 0;
	if (r->quirk)
		vb_appendf(buf, n, "%s (vendor-reset's list), vendor-reset %s, ", r->quirk->family,
			   r->vendor_reset ? "loaded" : "not loaded");
	if (!r->methods_known)
		vb_appendf(buf, n, "no reset_method (kernel before 5.15)");
	else
		vb_appendf(buf, n, "reset_method %s", r->methods[0] ? r->methods : "none");
	vb_appendf(buf, n, ", %s, %s", tri(r->flr, "FLR", "no FLR", "FLR unknown"),
		   tri(r->nosoftrst, "NoSoftRst set", "NoSoftRst clear",
		       r->cfg ? "no PM capability" : "NoSoftRst unknown"));
	if (r->af_flr > 0)
		vb_appendf(buf, n, ", AF FLR");
	if (!r->cfg)
		vb_appendf(buf, n, " (config space unreadable: powered off, or not root)");
	switch (r->bus) {
	case VB_BUS_ROOT:
		vb_appendf(buf, n, ", on a root bus (no bus reset)");
		break;
	case VB_BUS_ALONE:
		vb_appendf(buf, n, ", alone below %s", r->bridge);
		break;
	case VB_BUS_REFUSED:
		vb_appendf(buf, n, ", alone below %s but the kernel offers no bus reset", r->bridge);
		break;
	case VB_BUS_GROUP:
		vb_appendf(buf, n, ", a bus reset of %s also resets %s (same IOMMU group)", r->bridge,
			   r->below);
		break;
	case VB_BUS_SHARED:
		vb_appendf(buf, n, ", a bus reset of %s also resets %s", r->bridge, r->below);
		if (strcmp(r->below, r->outside))
			vb_appendf(buf, n, " (%s outside its IOMMU group)", r->outside);
		else
			vb_appendf(buf, n, " (outside its IOMMU group)");
		break;
	}
	if (r->reset_subordinate)
		vb_appendf(buf, n, ", %s has reset_subordinate", r->bridge);
}
