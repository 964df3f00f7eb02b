/* vfio-claim: hand PCI devices (a GPU and the rest of its IOMMU group) to
 * vfio-pci, before their host driver loads (early boot) or away from it.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/{driver_override,driver,iommu_group,
 * boot_vga,config,modalias}, /sys/bus/pci/drivers/NAME/{unbind,bind},
 * /sys/bus/pci/drivers_probe, /sys/kernel/iommu_groups/N/devices, /dev/vfio/N,
 * /sys/module/vfio_pci (else `modprobe vfio-pci`, by execve), /proc/cmdline
 * (vfiobox.ids=, vfiobox.claim=, vfiobox.hda=), /etc/vfiobox.conf, the claim
 * records /run/vfiobox/ADDR and the lock /run/vfiobox.lock. The steps and
 * their undo are in lib/pci/rebind.c. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/act.h"
#include "base/sig.h"
#include "applet.h"
#include "pci/fb.h"
#include "pci/holders.h"
#include "pci/iommu.h"
#include "pci/rebind.h"
#include "pci/select.h"
#include "pci/kmod.h"
#include "pci/pcidev.h"
#include "pci/record.h"
#include "pci/vfio.h"
#include "base/sysfs.h"
#include "base/util.h"

const char vfio_claim_usage[] =
	"usage: vfio-claim [-n] [--no-group] [--hda=vfio|none|host] [--force]\n"
	"                  [--timeout=SEC] [--obey-off] [--driver=NAME] [ids=LIST] [BDF...]\n"
	"\n"
	"Hand PCI devices to vfio-pci: load the IOMMU backend a VM needs\n"
	"(vfio_iommu_type1, else iommufd), write driver_override, unbind the\n"
	"current driver, load vfio-pci if needed (modprobe), write the address to\n"
	"drivers_probe, then verify that vfio-pci holds the device and\n"
	"/dev/vfio/GROUP exists, and open the group as QEMU does (up to\n"
	"VFIO_SET_IOMMU; a group a VM holds is said to be in use). The other\n"
	"endpoints of the selected devices'\n"
	"IOMMU groups are claimed too; bridges never. A failure undoes the whole\n"
	"group. A device already on vfio-pci with driver_override set is left as is.\n"
	"A firmware framebuffer (efifb, simpledrm, ...) in the BARs of a 3D\n"
	"controller or of the boot GPU taken with --force, which vfio-pci does not\n"
	"free: its platform device and the vtconsoles on fbcon are unbound first\n"
	"(vfio-release binds them again); where nothing can free it, a warning\n"
	"names the kernel parameter that does.\n"
	"\n"
	"Selectors: ids=VENDOR:DEVICE[:SUBVENDOR:SUBDEVICE[:CLASS[:MASK]]],...\n"
	"(vfio-pci's ids= syntax, hex; every matching device) and addresses\n"
	"(0000:01:00.0 or 01:00.0; just that device). Without any: vfiobox.ids=,\n"
	"vfiobox.claim= and vfiobox.hda= on the kernel command line, else\n"
	"/etc/vfiobox.conf (ids=, claim=, hda= lines). Nothing selected: exit 0.\n"
	"vfiobox.claim=off on the kernel command line: without selectors (every\n"
	"early-boot hook) nothing is claimed this boot, exit 0.\n"
	"\n"
	"  -n, --dry-run      print every write as a shell line, change nothing\n"
	"      --no-group     claim only the selected devices, not their groups\n"
	"      --hda=MODE     a GPU's HDA audio function: vfio (default) claims it,\n"
	"                     none parks it (driver_override none, no driver),\n"
	"                     host leaves it on its driver\n"
	"      --force        claim even the boot VGA device, a bridge, a device\n"
	"                     processes hold open (its /dev/dri, /dev/nvidia*,\n"
	"                     /dev/snd or /dev/fb nodes: refused otherwise), or a\n"
	"                     storage controller the group pulls in\n"
	"      --timeout=SEC  wait at most SEC (default 10) for the lock, for\n"
	"                     each unbind (a driver in use can block it), each\n"
	"                     driver_override read and modprobe\n"
	"      --driver=NAME  vfio-pci: no variant driver; a variant (a module with\n"
	"                     vfio_pci: lines in modules.alias): the devices it\n"
	"                     matches. Default: each device's best-matching variant\n"
	"                     of the running kernel, else vfio-pci\n"
	"      --obey-off     with selectors too, claim nothing when\n"
	"                     vfiobox.claim=off is on the kernel command line\n"
	"                     (the libvirt hook passes it)\n"
	"  -h, --help         this text\n"
	"\n"
	"Each claim is recorded in /run/vfiobox/ADDR. Exit: 0 done (or nothing\n"
	"selected), 1 failed and restored (or nothing could be done), 2 usage\n"
	"error or refusal (nothing touched), 3 failed and the undo failed too\n"
	"(the message says what state is left).\n";

struct claim_opts {
	int dry_run, no_group, force, obey_off;
	const char *hda;
	const char *driver;	/* --driver: NULL picks a variant from modules.alias */
	long timeout_ms;
};

/* One device to move, and where. */
struct item {
	struct vb_seldev *dev;
	const char *target;	/* "vfio-pci", a variant driver (drv) or VB_TARGET_NONE */
	char drv[VB_DRV_LEN];
	struct vb_rebind rb;
	int work;		/* 1: writes needed, 0: already there */
	struct vb_fb_rel fb;	/* its firmware framebuffer (lib/pci/fb) */
};

/* A result line: stdout, or in early boot stderr and /dev/kmsg. */
static void result(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void result(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (vb_msg_kmsg())
		vb_info("%s", line);
	else
		printf("%s\n", line);
}

static const char *drv_or_none(const char *d)
{
	return *d ? d : "no driver";
}

static void describe_dev(const struct vb_seldev *e, char *buf, size_t n)
{
	snprintf(buf, n, "%s, %04x:%04x, %s", vb_class_name(e->d.id.class), e->d.id.vendor,
		 e->d.id.device, drv_or_none(e->d.driver));
}

/* Refusals: said for every device before anything is written. */
static int refusals(struct item *it, size_t n, const struct claim_opts *o)
{
	size_t i;
	int refused = 0;

	for (i = 0; i < n; i++) {
		const struct vb_seldev *e = it[i].dev;
		char why[256] = "";

		if (e->d.boot_vga == 1 && e->why == VB_WHY_GROUP)
			snprintf(why, sizeof(why), "is the boot VGA device (the firmware console) and "
				 "IOMMU group %d pulls it in with %s: claiming it blanks the host "
				 "console", e->d.group, e->via);
		else if (e->d.boot_vga == 1)
			snprintf(why, sizeof(why), "is the boot VGA device (the firmware console): "
				 "claiming it blanks the host console");
		else if (e->bridge)
			snprintf(why, sizeof(why), "is not an endpoint (%s): vfio-pci drives no "
				 "bridges, and the devices behind it would lose their path",
				 vb_class_name(e->d.id.class));
		else if (e->why == VB_WHY_GROUP && (e->d.id.class >> 16) == 0x01)
			snprintf(why, sizeof(why), "is a storage controller (%s, on %s) that IOMMU "
				 "group %d pulls in with %s: it may hold the root filesystem",
				 vb_class_name(e->d.id.class), drv_or_none(e->d.driver), e->d.group,
				 e->via);
		if (!why[0])
			continue;
		if (o->force) {
			vb_warn("%s %s; claiming it anyway (--force)", e->d.addr, why);
		} else {
			vb_err("%s %s; refused (--force claims it anyway)", e->d.addr, why);
			refused |= e->why == VB_WHY_IDS ? 2 : 1;
		}
	}
	/* Two identical GPUs, one the console: ids= takes both, an address one. */
	if (refused & 2) {
		char others[256] = "";
		for (i = 0; i < n; i++) {
			size_t l = strlen(others);
			if (it[i].dev->why == VB_WHY_IDS && it[i].dev->d.boot_vga != 1 &&
			    !it[i].dev->bridge)
				snprintf(others + l, sizeof(others) - l, " %s", it[i].dev->d.addr);
		}
		if (others[0])
			vb_info("ids= matches the refused device too: name the others by address "
				"(vfio-claim%s) to leave it alone", others);
	}
	return refused;
}

/* Firmware framebuffers in the BARs of the devices going to vfio-pci
 * (lib/pci/fb): vfio-pci removes them only for VGA-class devices; for any
 * other (a 3D controller) and for the boot GPU taken with --force, the
 * framebuffer's platform device (and the vtconsoles on fbcon) is released
 * before the claim (run_group). Where no unbind can free the range, the
 * kernel parameter that does is said, and the claim goes on (vfio-pci
 * reserves the BAR only when a VM maps it). Run after plan_all. */
static void fb_check(struct item *it, size_t n, const struct vb_act *a)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct vb_pcidev *d = &it[i].dev->d;
		struct vb_fb_rel *f = &it[i].fb;
		int k;

		if (!strcmp(it[i].target, VB_TARGET_NONE) || vb_fb_plan(f, d->addr, d->id.class,
									 d->boot_vga) < 0) {
			f->mode = VB_FB_NONE;
			continue;
		}
		if (f->mode == VB_FB_RELEASE && !it[i].work) {
			vb_warn("%s: %s is bound to %s over this device's BAR %d although the device "
				"is on %s already: vfio-claim releases it only when it moves the "
				"device (vfio-release, then vfio-claim), or boot with %s", d->addr,
				f->pdev, f->driver, f->fb[0].bar, it[i].target,
				vb_fb_param(f->fb[0].name));
			f->mode = VB_FB_NONE;
			continue;
		}
		for (k = 0; k < f->nfb; k++) {
			const struct vb_fb *b = &f->fb[k];
			char why[200] = "";

			if (f->mode == VB_FB_VFIO) {
				vb_act_note(a, "%s: %s (%#llx-%#llx) is in BAR %d: vfio-pci removes it "
					    "when it takes the device (VGA class)", d->addr, b->name,
					    b->start, b->end, b->bar);
				continue;
			}
			if (f->mode == VB_FB_RELEASE) {
				vb_act_note(a, "%s: %s (%#llx-%#llx) is in BAR %d of this %s%s: released "
					    "first (vfio-release puts it back)", d->addr, b->name,
					    b->start, b->end, b->bar, vb_class_name(d->id.class),
					    d->boot_vga == 1 ? ", the boot GPU" : ", which vfio-pci does "
					    "not free");
				continue;
			}
			if (f->mode == VB_FB_STAYS && k != f->stays)
				continue;	/* inside the BOOTFB range, said with it */
			if (f->mode == VB_FB_STAYS)
				snprintf(why, sizeof(why), " (BOOTFB is sysfb's own range, which goes only "
					 "with its platform device%s%s%s: no unbind frees it)",
					 f->pdev[0] ? " " : "", f->pdev, f->pdev[0] ? ", kept by the kernel" : "");
			else
				snprintf(why, sizeof(why), " (no sysfb platform device on a driver here "
					 "that vfio-claim could release)");
			vb_warn("%s: %s (%#llx-%#llx) is in BAR %d of this %s: vfio-pci removes "
				"firmware framebuffers only for VGA-class devices, so a VM cannot "
				"map that BAR (\"BAR %d: can't reserve\"); boot with %s%s",
				d->addr, b->name, b->start, b->end, b->bar,
				vb_class_name(d->id.class), b->bar, vb_fb_param(b->name), why);
		}
	}
}

/* Release the framebuffers of the group's devices before their claim (one
 * line each in a real run). A failure puts back what was released: the
 * exit code, or 0. */
static int fb_release(const struct vb_act *act, struct item *it, size_t n)
{
	size_t i, j;
	int rc;

	for (i = 0; i < n; i++) {
		struct vb_fb_rel *f = &it[i].fb;
		char vt[64];

		if (f->mode != VB_FB_RELEASE)
			continue;
		if (vb_fb_release(act, f) < 0) {
			vb_err("%s: %s: %s", f->addr, f->fail_step, f->fail_detail);
			rc = VB_EXIT_FAIL;
			if (f->done_unbind || f->done_vtcon)
				rc = VB_EXIT_STUCK;
			for (j = 0; j < i; j++)
				if (it[j].fb.mode == VB_FB_RELEASE && vb_fb_restore(act, &it[j].fb) < 0)
					rc = VB_EXIT_STUCK;
			if (rc == VB_EXIT_STUCK) {
				for (j = 0; j <= i; j++)
					if (it[j].fb.done_unbind || it[j].fb.done_vtcon)
						vb_err("%s: undo failed, state left: %s%s%s%s", it[j].fb.addr,
						       it[j].fb.done_unbind ? it[j].fb.pdev : "",
						       it[j].fb.done_unbind ? " unbound from " : "",
						       it[j].fb.done_unbind ? it[j].fb.driver : "",
						       it[j].fb.done_vtcon ? " (vtconsoles off fbcon)" : "");
			} else {
				vb_err("%s: nothing claimed, the framebuffers are back as they were",
				       f->addr);
			}
			return rc;
		}
		vb_fb_vtcons_text(f, vt, sizeof(vt));
		if (!act->dry_run)
			vb_info("%s: %s released for the claim: unbound from %s%s%s%s (vfio-release "
				"binds it again)", f->addr, f->pdev, f->driver, vt[0] ? ", vtcon " : "",
				vt, vt[0] ? " off the framebuffer console" : "");
	}
	return 0;
}

/* Put back what fb_release released, after a failed claim: 0, or
 * VB_EXIT_STUCK after saying what is left. *any: something was released. */
static int fb_undo(const struct vb_act *act, struct item *it, size_t n, int *any)
{
	size_t i;
	int rc = 0;

	*any = 0;
	for (i = 0; i < n; i++) {
		struct vb_fb_rel *f = &it[i].fb;

		if (f->mode != VB_FB_RELEASE || (!f->done_unbind && !f->done_vtcon))
			continue;
		*any = 1;
		if (vb_fb_restore(act, f) == 0) {
			vb_err("%s: undone: %s on %s again%s", f->addr, f->pdev, f->driver,
			       f->nvtcon ? ", fbcon on its vtconsoles again" : "");
			continue;
		}
		rc = VB_EXIT_STUCK;
		if (f->gone)
			vb_err("%s: undo failed, state left: %s is gone (the kernel removed it): the "
			       "firmware console comes back at the next boot", f->addr, f->pdev);
		else
			vb_err("%s: undo failed, state left: %s: %s", f->addr, f->fail_step,
			       f->fail_detail);
	}
	return rc;
}

/* After the claim: a framebuffer still in a released device's BAR is one
 * the kernel keeps (said with the parameter); the record keeps what to put
 * back. */
static void fb_after(const struct vb_act *act, struct item *x)
{
	struct vb_fb_rel *f = &x->fb;
	struct vb_fb left[VB_FB_MAX];
	char vt[64];
	int k, m, r;

	if (f->mode != VB_FB_RELEASE || act->dry_run)
		return;
	vb_fb_vtcons_text(f, vt, sizeof(vt));
	if ((r = vb_record_set_fb(act, f->addr, f->done_unbind ? f->pdev : "",
				  f->done_unbind ? f->driver : "", vt)) < 0)
		vb_warn("%s: claim record /run/vfiobox/%s: the released framebuffer not recorded "
			"(%s): vfio-release cannot put it back", f->addr, f->addr, strerror(-r));
	m = vb_fb_find(f->addr, left, VB_FB_MAX);
	for (k = 0; k < m; k++)
		vb_warn("%s: %s (%#llx-%#llx) is still in BAR %d after the release: the kernel "
			"keeps that range, so a VM cannot map the BAR; boot with %s", f->addr,
			left[k].name, left[k].start, left[k].end, left[k].bar,
			vb_fb_param(left[k].name));
}

/* Devices without an IOMMU group: fine only in no-IOMMU mode. */
static int iommu_check(struct item *it, size_t n)
{
	size_t i;
	int said = 0;

	for (i = 0; i < n; i++) {
		const char *a = it[i].dev->d.addr;

		if (it[i].dev->d.group >= 0)
			continue;
		if (vb_iommu_noiommu()) {
			if (!said++)
				vb_warn("no-IOMMU mode: %s gets no isolation (the kernel is tainted); "
					"fine for a trusted userspace driver, not for a VM", a);
			continue;
		}
		if (!vb_iommu_on())
			vb_err("%s: no IOMMU: vfio needs one (turn on VT-d/AMD-Vi in the firmware; "
			       "Intel may also need intel_iommu=on, AMD needs no option), or no-IOMMU mode "
			       "(vfio.enable_unsafe_noiommu_mode=1: no isolation, not for VMs); "
			       "nothing claimed", a);
		else
			vb_err("%s has no IOMMU group although an IOMMU is on: vfio cannot use it; "
			       "nothing claimed", a);
		return -ENXIO;
	}
	return 0;
}

/* Are the vfio drivers (vfio-pci, a variant) and the IOMMU backend there or
 * loadable? Said before the first write; a dry run says it too and still
 * shows the plan. *loaded: vfio-pci is there already (loaded or built in),
 * so the run need not look again. */
static int module_check(struct item *it, size_t n, int dry_run, int *loaded)
{
	char rel[128] = "?", mp[VB_PATH_MAX], why[400] = "";
	size_t i, j;
	int st, vm = 0, bad = 0;

	for (i = 0; i < n; i++)
		if (strcmp(it[i].target, VB_TARGET_NONE) && it[i].dev->d.group >= 0)
			vm = 1;
	/* The IOMMU backend a VM needs (the claim loads it before any write):
	 * asked as a silent dry run, which fails only when there is none. */
	if (vm) {
		struct vb_act quiet = { 1, 0, NULL };
		struct vb_rebind_ctx pc;

		vb_rebind_ctx_init(&pc, &quiet);
		if (vb_rebind_backend(&pc, it[0].dev->d.addr) < 0) {
			if (!dry_run) {
				vb_err("%s; nothing claimed", pc.fail_detail);
				return -ENOPKG;
			}
			vb_warn("%s; a real run stops here", pc.fail_detail);
		}
	}
	vb_kmod_release(rel, sizeof(rel));
	for (i = 0; i < n; i++) {
		const char *t = it[i].target;

		if (!it[i].work || !it[i].rb.probe || !strcmp(t, VB_TARGET_NONE))
			continue;
		for (j = 0; j < i && !(it[j].work && it[j].rb.probe && !strcmp(it[j].target, t)); j++)
			;
		if (j < i)
			continue;	/* said for an earlier device */
		st = vb_kmod_state(t);
		if (st == VB_KMOD_LOADED || st == VB_KMOD_BUILTIN) {
			*loaded |= !strcmp(t, "vfio-pci");
			continue;
		}
		if (st < 0 || st == VB_KMOD_MISSING)
			snprintf(why, sizeof(why), "%s is not available for kernel %s: not loaded, "
				 "not built in, not in /lib/modules/%s/modules.dep(.bin)", t, rel, rel);
		else if (vb_kmod_modprobe(mp, sizeof(mp)) < 0)
			snprintf(why, sizeof(why), "%s is not loaded and there is no modprobe to "
				 "load it (looked in /sbin, /usr/sbin, /usr/bin, /bin and "
				 "/proc/sys/kernel/modprobe)", t);
		else
			continue;
		if (dry_run) {
			vb_warn("%s; a real run stops here", why);
			continue;
		}
		vb_err("%s; nothing claimed", why);
		bad = 1;
	}
	return bad ? -ENOPKG : 0;
}

static int is_vfio_pci(const char *d)
{
	return !strcmp(d, "vfio-pci") || !strcmp(d, "vfio_pci");
}

/* Which vfio driver each device goes to: the vfio-pci variant driver of the
 * running kernel whose modules.alias entry matches it best, as libvirt 10
 * picks one (lib/pci/pcidev: vb_pcidev_vfio_driver), else vfio-pci;
 * --driver=vfio-pci takes vfio-pci for all, --driver=VARIANT that variant
 * for the devices it matches. Without --driver a device already on a vfio
 * driver with driver_override naming it stays there. A variant is said, in a
 * dry run as part of the plan. Returns 0, or an exit code. */
static int choose_drivers(struct item *it, size_t n, const struct claim_opts *o,
			  const struct vb_act *a)
{
	char rel[128] = "?";
	size_t i;
	int matched = 0;

	vb_kmod_release(rel, sizeof(rel));
	for (i = 0; i < n; i++) {
		struct item *x = &it[i];
		const struct vb_pcidev *d = &x->dev->d;
		char pat[160];
		int r;

		if (!strcmp(x->target, VB_TARGET_NONE))
			continue;
		if (o->driver && is_vfio_pci(o->driver))
			continue;	/* "vfio-pci" already */
		if (!o->driver && d->driver[0] && vb_driver_is_vfio(d->driver) &&
		    !strcmp(d->override, d->driver)) {
			vb_strlcpy(x->drv, d->driver, sizeof(x->drv));
			x->target = x->drv;
			continue;
		}
		r = vb_pcidev_vfio_driver(d->addr, o->driver, x->drv, sizeof(x->drv), pat, sizeof(pat));
		if (r < 0) {
			vb_err("%s: %s; nothing claimed", d->addr, r == -ENODEV ? "gone from the bus" :
			       vb_sysfs_strerror(r, "modules.alias"));
			return VB_EXIT_FAIL;
		}
		x->target = x->drv;
		if (r == 1) {
			char say[VB_TEXT_LEN];

			matched++;
			snprintf(say, sizeof(say), "%s: %s, a vfio-pci variant driver of kernel %s, "
				 "matches it (%s in modules.alias)%s", d->addr, x->drv, rel, pat,
				 o->driver ? ": --driver" : "; --driver=vfio-pci takes vfio-pci");
			if (a->dry_run)
				vb_act_note(a, "%s", say);	/* part of the plan */
			else
				vb_info("%s", say);
		} else if (o->driver) {
			vb_info("%s: --driver=%s does not drive it (none of its modules.alias entries "
				"matches %04x:%04x): vfio-pci", d->addr, o->driver, d->id.vendor,
				d->id.device);
		}
	}
	if (o->driver && !is_vfio_pci(o->driver) && !matched) {
		vb_err("--driver=%s: none of its modules.alias entries matches the devices; nothing "
		       "claimed", o->driver);
		return VB_EXIT_USAGE;
	}
	return 0;
}

/* Plan every device from the state the selection read (under the lock in a
 * real run); returns -ENODEV if one has gone. */
static int plan_all(struct item *it, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct vb_pcidev *d = &it[i].dev->d;
		int r = vb_rebind_plan_known(&it[i].rb, d->addr, it[i].target, d->driver,
					     d->override);
		if (r < 0) {
			vb_err("%s: %s", it[i].dev->d.addr,
			       r == -ENODEV ? "gone from the bus" : vb_sysfs_strerror(r, NULL));
			return r;
		}
		it[i].work = r;
	}
	return 0;
}

static void report_done(const struct item *x, int already)
{
	const struct vb_rebind *v = &x->rb;

	if (!strcmp(x->target, VB_TARGET_NONE)) {
		if (already)
			result("%s: parked already (driver_override none, no driver)", v->addr);
		else
			result("%s: parked: driver_override none, no driver (was %s)", v->addr,
			       drv_or_none(v->old_driver));
		return;
	}
	if (already)
		result("%s: %s already%s%s", v->addr, x->target, v->node[0] ? ", " : "", v->node);
	else
		result("%s: %s (was %s)%s%s", v->addr, x->target, drv_or_none(v->old_driver),
		       v->node[0] ? ", " : "", v->node);
}

/* The record the transaction wrote (lib/pci/rebind: c->record "claim"). */
static void record(const struct item *x)
{
	if (x->rb.record_err < 0)
		vb_warn("%s: claim record /run/vfiobox/%s not written: %s", x->rb.addr,
			x->rb.addr, strerror(-x->rb.record_err));
}

/* The kernel has no group interface, as far as can be told before vfio is
 * loaded (lib/pci/vfio: the nodes, else the kernel's config): the claim is
 * verified through the device cdevs. */
static int cdev_only(void)
{
	int f = vb_vfio_interfaces();

	return (f & VB_VFIO_IF_CDEV) && !(f & VB_VFIO_IF_GROUP);
}

/* How the group opened as a VM opens it (lib/pci/rebind: vb_rebind_group_open). */
static void report_open(int group, int opened, const char *iommu)
{
	char words[VB_TEXT_LEN];

	if (vb_opened_words(group, opened, iommu, words, sizeof(words)))
		result("%s", words);
}

/* Run one IOMMU group's items (those with work) as a transaction. */
static int run_group(struct vb_rebind_ctx *ctx, struct item *it, size_t n, int group)
{
	struct vb_rebind *v = vb_xcalloc(n, sizeof(*v));
	char plan[VB_TEXT_LEN] = "";
	size_t i, k = 0;
	int r, rc = VB_EXIT_OK, fbrc, fbany;

	for (i = 0; i < n; i++) {
		size_t l = strlen(plan);
		snprintf(plan + l, sizeof(plan) - l, "%s%s %s -> %s", k ? ", " : "", it[i].rb.addr,
			 drv_or_none(it[i].rb.old_driver),
			 strcmp(it[i].target, VB_TARGET_NONE) ? it[i].target : "driver_override none");
		v[k++] = it[i].rb;
	}
	if (group >= 0)
		vb_act_note(ctx->act, "IOMMU group %d: %s", group, plan);
	else
		vb_act_note(ctx->act, "no IOMMU group: %s", plan);
	if ((rc = fb_release(ctx->act, it, n)) != 0) {
		free(v);
		return rc;
	}
	r = vb_rebind_run(ctx, v, k);
	for (i = 0; i < n; i++)
		it[i].rb = v[i];
	if (r == 0) {
		if (ctx->act->dry_run) {
			vb_act_note(ctx->act, "then: verify the driver links%s, record in /run/vfiobox/",
				    group < 0 ? "" : cdev_only() ? " and each /dev/vfio/devices/vfioN "
				    "(no group interface), open the cdevs (no bind) and /dev/iommu "
				    "(an IO address space) and close them" : " and /dev/vfio/GROUP, open "
				    "the group as QEMU does (up to VFIO_SET_IOMMU) and close it");
		} else {
			for (i = 0; i < n; i++) {
				record(&it[i]);
				report_done(&it[i], 0);
				fb_after(ctx->act, &it[i]);
			}
			report_open(group, it[0].rb.opened, it[0].rb.iommu);
		}
		free(v);
		return VB_EXIT_OK;
	}
	vb_err("%s: %s: %s", ctx->fail_addr, ctx->fail_step, ctx->fail_detail);
	fbrc = fb_undo(ctx->act, it, n, &fbany);
	if (!vb_rebind_touched(v, k) && !ctx->stuck && !fbany) {
		vb_err("%s: nothing was changed (%s)", group >= 0 ? "IOMMU group" : "device", plan);
		rc = VB_EXIT_FAIL;
	} else if (!ctx->stuck && !fbrc) {
		vb_err("%s: undone, every device is back as it was (%s)",
		       group >= 0 ? "IOMMU group" : "device", plan);
		rc = VB_EXIT_FAIL;
	} else {
		for (i = 0; i < n; i++) {
			if (it[i].rb.stuck)
				vb_err("%s: undo failed, state left: %s", it[i].rb.addr, it[i].rb.state);
			else if (it[i].rb.done_override || it[i].rb.done_unbind)
				vb_err("%s: undone, back as it was", it[i].rb.addr);
		}
		rc = VB_EXIT_STUCK;
	}
	free(v);
	return rc;
}

/* The groups whose selected devices were all there already: the IOMMU
 * backend, and the group opened as a VM opens it (a claim that changed
 * nothing still ends in a state a VM can open). it[] is sorted by group. */
static int already_open(struct vb_rebind_ctx *ctx, struct item *it, size_t n)
{
	size_t i, j;
	int rc = VB_EXIT_OK;

	for (i = 0; i < n; i = j) {
		int g = it[i].dev->d.group, work = 0, vfio = 0, opened;
		char iommu[16], why[VB_TEXT_LEN];

		for (j = i; j < n && (j == i || (g >= 0 && it[j].dev->d.group == g)); j++) {
			work |= it[j].work;
			vfio |= strcmp(it[j].target, VB_TARGET_NONE) != 0;
		}
		if (work || !vfio || g < 0)
			continue;
		if (vb_rebind_backend(ctx, it[i].rb.addr) < 0 && !ctx->act->dry_run) {
			vb_err("%s: %s: %s; nothing was changed", ctx->fail_addr, ctx->fail_step,
			       ctx->fail_detail);
			rc = vb_worst(rc, VB_EXIT_FAIL);
			continue;
		}
		if (ctx->act->dry_run) {
			vb_act_note(ctx->act, cdev_only() ? "then: open the device cdevs of IOMMU "
				    "group %d (no bind) and /dev/iommu and close them" : "then: open IOMMU "
				    "group %d as QEMU does and close it", g);
			continue;
		}
		if (vb_iommu_group_viable(g, why, sizeof(why)) == 0)
			continue;	/* said below, with why */
		if (vb_rebind_group_open(ctx, g, it[i].rb.addr, &opened, iommu, sizeof(iommu)) < 0) {
			vb_err("%s: %s: %s", ctx->fail_addr, ctx->fail_step, ctx->fail_detail);
			rc = vb_worst(rc, VB_EXIT_FAIL);
			continue;
		}
		report_open(g, opened, iommu);
	}
	return rc;
}

static int cmp_group(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->dev->d.group != y->dev->d.group)
		return x->dev->d.group < y->dev->d.group ? -1 : 1;
	return vb_bdf_cmp(x->dev->d.addr, y->dev->d.addr);
}

static int claim(const struct claim_opts *o, struct vb_select *sel)
{
	struct vb_act act = { o->dry_run, 0, stdout };
	struct vb_rebind_ctx ctx;
	struct vb_devset set;
	struct item *it;
	char bad[VB_BDF_LEN];
	const char *hda = o->hda ? o->hda : sel->hda[0] ? sel->hda : "vfio";
	size_t i, j, n = 0;
	int r, rc = VB_EXIT_OK, lock = -1, any_sel = 0, loaded = 0;

	/* The lock first: the groups' members and their drivers are read
	 * under it (a release of the same group may be under way). */
	if (!o->dry_run && (lock = vb_lock_rebind(o->timeout_ms, "nothing claimed")) < 0)
		return VB_EXIT_FAIL;
	r = vb_select_devices(sel, o->no_group, &set, bad);
	if (r < 0) {
		vb_select_err(r, bad, "nothing claimed");
		vb_record_unlock(lock);
		return VB_EXIT_FAIL;
	}
	for (i = 0; i < sel->ids.n; i++) {
		int hit = 0;
		for (j = 0; j < set.n; j++)
			hit |= set.v[j].why != VB_WHY_GROUP && vb_id_match(&sel->ids.v[i], &set.v[j].d.id);
		if (!hit) {
			char t[64];
			vb_id_format(&sel->ids.v[i], t, sizeof(t));
			vb_warn("ids= entry %s matches no device", t);
		}
	}
	for (j = 0; j < set.n; j++)
		any_sel |= set.v[j].why != VB_WHY_GROUP;
	if (!any_sel) {
		vb_err("no device matches ids=%s; nothing claimed", sel->ids_text);
		vb_devset_free(&set);
		vb_record_unlock(lock);
		return VB_EXIT_FAIL;
	}

	/* What happens to each device, and why the extra ones are in. */
	it = vb_xcalloc(set.n, sizeof(*it));
	for (j = 0; j < set.n; j++) {
		struct vb_seldev *e = &set.v[j];
		char d[160];

		describe_dev(e, d, sizeof(d));
		if (e->hda && !strcmp(hda, "host") && e->why != VB_WHY_GROUP) {
			rc = vb_usage_err("%s (%s) is selected, but --hda=host leaves a GPU's HDA "
					  "function on its driver", e->d.addr, d);
			goto out;
		}
		if (e->bridge && e->why == VB_WHY_GROUP) {
			vb_info("%s (%s) stays: in IOMMU group %d with %s, but bridges are never "
				"claimed", e->d.addr, d, e->d.group, e->via);
			continue;
		}
		if (e->hda && !strcmp(hda, "host")) {
			vb_info("%s (%s) stays on its driver: --hda=host", e->d.addr, d);
			continue;
		}
		if (e->why == VB_WHY_GROUP)
			vb_info("%s (%s) joins: same IOMMU group %d as %s", e->d.addr, d,
				e->d.group, e->via);
		it[n].dev = e;
		it[n].target = e->hda && !strcmp(hda, "none") ? VB_TARGET_NONE : "vfio-pci";
		n++;
	}
	if (o->hda && strcmp(o->hda, "vfio")) {
		for (i = 0; i < set.n && !set.v[i].hda; i++)
			;
		if (i == set.n)
			vb_warn("--hda=%s: no HDA function among the devices%s", o->hda,
				o->no_group ? " (--no-group)" : "");
	}
	if (refusals(it, n, o)) {
		rc = VB_EXIT_USAGE;
		goto out;
	}
	{
		struct vb_act show = { o->dry_run, 0, stdout };
		if ((rc = choose_drivers(it, n, o, &show)) != 0)
			goto out;
	}
	if (iommu_check(it, n) < 0 || plan_all(it, n) < 0 || module_check(it, n, o->dry_run, &loaded) < 0) {
		rc = VB_EXIT_FAIL;
		goto out;
	}
	{
		struct vb_act show = { o->dry_run, 0, stdout };
		fb_check(it, n, &show);
	}

	/* Already there: no writes, but the backend and the group open as for
	 * a claim. Then one transaction per IOMMU group. */
	qsort(it, n, sizeof(*it), cmp_group);
	vb_rebind_ctx_init(&ctx, &act);
	ctx.unbind_timeout_ms = o->timeout_ms;
	ctx.module_ready = loaded;
	ctx.holders = 1;	/* who holds a device: refused before any write */
	ctx.force = o->force;
	ctx.record = "claim";	/* each device's record, written once the group is done */
	ctx.hda = hda;
	ctx.forced = vb_rebind_forced_say;	/* and say so, per device */
	for (i = 0; i < n; i++) {
		if (it[i].work)
			continue;
		if (o->dry_run) {
			int none = !strcmp(it[i].target, VB_TARGET_NONE);
			vb_act_note(&act, "%s: already %s%s%s, nothing to do", it[i].rb.addr,
				    none ? "parked (driver_override none, no driver)" : "on ",
				    none ? "" : it[i].target,
				    none ? "" : " with driver_override set");
		} else {
			struct vb_rebind *v = &it[i].rb;
			if (v->group >= 0 || (v->group = vb_pcidev_group(v->addr)) >= 0)
				vb_vfio_node(v->addr, v->node, sizeof(v->node));
			report_done(&it[i], 1);
		}
	}
	rc = vb_worst(rc, already_open(&ctx, it, n));
	for (i = 0; i < n; i = j) {
		int g = it[i].dev->d.group;
		struct item *grp;
		size_t k = 0, m;

		/* A device without a group (no-IOMMU mode) is a unit of its own. */
		if (vb_sig_caught())
			break;	/* the groups after it: not started */
		for (j = i + 1; g >= 0 && j < n && it[j].dev->d.group == g; j++)
			;
		grp = vb_xcalloc(j - i, sizeof(*grp));
		for (m = i; m < j; m++)
			if (it[m].work)
				grp[k++] = it[m];
		if (k) {
			rc = vb_worst(rc, run_group(&ctx, grp, k, g));
			for (m = i, k = 0; m < j; m++)
				if (it[m].work)
					it[m] = grp[k++];
		}
		free(grp);
	}
	/* Say when a group cannot go to a VM as it stands. */
	if (!o->dry_run && rc == VB_EXIT_OK) {
		int last = -1;
		for (i = 0; i < n; i++) {
			char why[VB_TEXT_LEN];
			int g = it[i].dev->d.group;
			if (g < 0 || g == last)
				continue;
			last = g;
			if (vb_iommu_group_viable(g, why, sizeof(why)) == 0)
				vb_warn("IOMMU group %d is not viable for a VM: %s%s", g, why,
					o->no_group ? " (--no-group left it there)" :
					!strcmp(hda, "host") ? " (--hda=host left it there)" : "");
		}
	}
out:
	vb_record_unlock(lock);
	free(it);
	vb_devset_free(&set);
	return rc;
}

int vfio_claim_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-group", no_argument, NULL, 'G' },
		{ "hda", required_argument, NULL, 'H' },
		{ "force", no_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "obey-off", no_argument, NULL, 'O' },
		{ "driver", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct claim_opts o = { 0, 0, 0, 0, NULL, NULL, 10000 };
	struct vb_select sel;
	int c, r, rc;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":nh", lo, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.dry_run = 1;
			break;
		case 'G':
			o.no_group = 1;
			break;
		case 'H':
			if (strcmp(optarg, "vfio") && strcmp(optarg, "none") && strcmp(optarg, "host"))
				return vb_usage_err("--hda=%s: want vfio, none or host", optarg);
			if (o.hda && strcmp(o.hda, optarg))
				return vb_usage_err("--hda=%s conflicts with --hda=%s", optarg, o.hda);
			o.hda = optarg;
			break;
		case 'F':
			o.force = 1;
			break;
		case 'T':
			if ((r = vb_opt_timeout(optarg, &o.timeout_ms)) != 0)
				return r;
			break;
		case 'O':
			o.obey_off = 1;
			break;
		case 'D':
			if (!is_vfio_pci(optarg) && !vb_kmod_is_vfio_variant(optarg)) {
				char rel[128] = "?";
				vb_kmod_release(rel, sizeof(rel));
				return vb_usage_err("--driver=%s: not vfio-pci and not a vfio-pci variant "
						    "driver of kernel %s (no vfio_pci: alias of it in "
						    "/lib/modules/%s/modules.alias)", optarg, rel, rel);
			}
			if (o.driver && strcmp(o.driver, optarg))
				return vb_usage_err("--driver=%s conflicts with --driver=%s", optarg,
						    o.driver);
			o.driver = optarg;
			break;
		case 'h':
			vb_print_usage(vfio_claim_usage);
			return VB_EXIT_OK;
		case ':':
			return vb_usage_err("option '%s' needs a value", argv[optind - 1]);
		default:
			return vb_usage_err("unknown option '%s'", argv[optind - 1]);
		}
	}
	/* The one-boot off switch: before the selectors are even read, so a
	 * broken /etc/vfiobox.conf cannot stand in the way back. */
	if ((optind == argc || o.obey_off) && vb_select_off()) {
		vb_info("vfiobox.claim=off on the kernel command line: nothing claimed this boot "
			"(the off switch; boot without it to claim again)");
		return VB_EXIT_OK;
	}
	vb_sysfs_set_wait(o.timeout_ms);
	r = vb_select_load_act(&sel, argv + optind, argc - optind, "claimed");
	if (r <= 0)
		return -r;
	rc = claim(&o, &sel);
	vb_select_free(&sel);
	return rc;
}
