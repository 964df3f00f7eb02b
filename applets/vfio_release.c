/* vfio-release: give devices held by vfio-pci (or parked with
 * driver_override none) back to their host drivers.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/{driver_override,driver,iommu_group},
 * /sys/bus/pci/drivers/vfio-pci/unbind, /sys/bus/pci/drivers_probe,
 * /sys/kernel/iommu_groups/N/devices, /proc/PID/fd (who holds /dev/vfio/N
 * when the unbind blocks), /proc/cmdline and /etc/vfiobox.conf for the
 * selectors, the claim records /run/vfiobox/ADDR and the lock
 * /run/vfiobox.lock. The steps and their undo are in lib/pci/rebind.c. */
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
#include "pci/pcidev.h"
#include "pci/record.h"
#include "base/sysfs.h"
#include "base/util.h"

const char vfio_release_usage[] =
	"usage: vfio-release [-n] [--no-group] [--force] [--timeout=SEC] [ids=LIST]\n"
	"                    [BDF...]\n"
	"\n"
	"Give devices back to their host drivers: clear driver_override, unbind\n"
	"from vfio-pci, write the address to drivers_probe, then report which\n"
	"driver holds each device now (or that no loaded driver takes it). The\n"
	"other members of the selected devices' IOMMU groups that vfio-pci holds\n"
	"(or that vfio-claim --hda=none parked) are released too. A failure\n"
	"undoes the whole group. A device not held by vfio-pci is left as is.\n"
	"Processes that hold a device open (a VM with /dev/vfio/GROUP or\n"
	"/dev/vfio/devices/vfioN): refused before the first write, exit 1, with\n"
	"their pids and names.\n"
	"\n"
	"Selectors as for vfio-claim: ids=LIST and addresses; without any, the\n"
	"kernel command line (vfiobox.ids=, vfiobox.claim=), else\n"
	"/etc/vfiobox.conf. Nothing selected: exit 0.\n"
	"\n"
	"  -n, --dry-run      print every write as a shell line, change nothing\n"
	"      --no-group     release only the selected devices\n"
	"      --force        release although processes hold a device open (the\n"
	"                     unbind then waits for them at most --timeout)\n"
	"      --timeout=SEC  wait at most SEC (default 10) for the lock, for\n"
	"                     each unbind (a running VM blocks it), each driver_override\n"
	"                     read and modprobe\n"
	"  -h, --help         this text\n"
	"\n"
	"A firmware framebuffer the claim released (its record says) is bound to\n"
	"its platform driver again, fbcon to its vtconsoles.\n"
	"The claim records in /run/vfiobox/ are removed. Exit: 0 done (or nothing\n"
	"selected), 1 failed and restored, 2 usage error (nothing touched), 3\n"
	"failed and the undo failed too (the message says what state is left).\n";

struct release_opts {
	int dry_run, no_group, force;
	long timeout_ms;
};

struct item {
	struct vb_seldev *dev;
	struct vb_rebind rb;
	int work;
	char came_from[VB_DRV_LEN];	/* the record's host driver, read before the
					 * transaction removes the record */
	struct vb_record rec;		/* the record itself, likewise (its
					 * framebuffer fields); rec.addr "" none */
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

static int has_record(const char *addr)
{
	struct vb_record rec;

	return vb_record_read(addr, &rec) != -ENOENT;
}

/* Held: on vfio-pci, waiting for it, parked by --hda=none, or recorded. */
static int held(const struct vb_seldev *e)
{
	return vb_driver_is_vfio(e->d.driver) || vb_driver_is_vfio(e->d.override) ||
	       !strcmp(e->d.override, VB_TARGET_NONE) || has_record(e->d.addr);
}

static int plan_all(struct item *it, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct vb_record rec;
		int r = vb_rebind_plan(&it[i].rb, it[i].dev->d.addr, VB_TARGET_BACK);

		if (vb_record_read(it[i].dev->d.addr, &rec) == 0) {
			vb_strlcpy(it[i].came_from, rec.driver, sizeof(it[i].came_from));
			it[i].rec = rec;
		}
		if (r < 0) {
			vb_err("%s: %s", it[i].dev->d.addr,
			       r == -ENODEV ? "gone from the bus" : vb_sysfs_strerror(r, NULL));
			return r;
		}
		it[i].work = r;
	}
	return 0;
}

static void report(const struct item *x)
{
	const struct vb_rebind *v = &x->rb;
	const char *was = v->old_driver[0] ? v->old_driver :
			  v->old_override[0] ? "no driver, driver_override " : "no driver";
	const char *ov = !v->old_driver[0] && v->old_override[0] ? v->old_override : "";
	const char *from = x->came_from;
	char p[VB_PATH_MAX];

	if (v->driver[0]) {
		result("%s: %s (was %s%s)", v->addr, v->driver, was, ov);
		return;
	}
	if (from[0] && !vb_driver_is_vfio(from) &&
	    vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/drivers/%s", from) == 0 &&
	    !vb_sysfs_exists(p))
		result("%s: no driver (was %s%s): it came from %s, which is not loaded", v->addr,
		       was, ov, from);
	else
		result("%s: no driver (was %s%s): no loaded driver takes %04x:%04x", v->addr, was,
		       ov, x->dev->d.id.vendor, x->dev->d.id.device);
}

/* What the claim released of a firmware framebuffer in the device's BARs
 * (its record's fbdev=, fbdrv=, vtcon=; lib/pci/fb): bound again, where the
 * kernel still has the platform device. A dry run shows the writes. A
 * failure here is a warning: the device itself is released. */
static void fb_back(const struct vb_act *act, const struct item *it)
{
	const struct vb_record *rec = &it->rec;
	const char *addr = it->rb.addr;
	struct vb_fb_rel f;
	char vt[64], what[200];
	int r;

	if (!rec->addr[0] || (!rec->fbdev[0] && !rec->vtcon[0]))
		return;
	if (vb_fb_from_record(&f, addr, rec->fbdev, rec->fbdrv, rec->vtcon) < 0) {
		vb_warn("%s: claim record /run/vfiobox/%s: damaged framebuffer fields (fbdev=%s "
			"fbdrv=%s vtcon=%s): the framebuffer is not put back", addr, addr, rec->fbdev,
			rec->fbdrv, rec->vtcon);
		return;
	}
	vb_fb_vtcons_text(&f, vt, sizeof(vt));
	snprintf(what, sizeof(what), "%s%s%s%s%s%s", f.pdev, f.pdev[0] ? " on " : "", f.driver,
		 vt[0] && f.pdev[0] ? ", " : "", vt[0] ? "fbcon on vtcon " : "", vt);
	vb_act_note(act, "%s: put back what the claim released: %s", addr, what);
	r = vb_fb_restore(act, &f);
	if (act->dry_run)
		return;
	if (r == 0)
		result("%s: %s again", addr, what);
	else if (f.gone)
		vb_warn("%s: %s is gone (the kernel removed it when a driver took the GPU, as "
			"vfio-pci does for a VGA device and a GPU driver does for its own): the "
			"firmware console comes back at the next boot%s", addr, f.pdev,
			vt[0] ? "; the vtconsoles are bound to fbcon again" : "");
	else
		vb_warn("%s: %s: %s; the framebuffer is not put back", addr, f.fail_step,
			f.fail_detail);
}

static int run_group(struct vb_rebind_ctx *ctx, struct item *it, size_t n, int group)
{
	struct vb_rebind *v = vb_xcalloc(n, sizeof(*v));
	char plan[VB_TEXT_LEN] = "";
	size_t i;
	int r, rc, touched;

	for (i = 0; i < n; i++) {
		size_t l = strlen(plan);
		snprintf(plan + l, sizeof(plan) - l, "%s%s %s", i ? ", " : "", it[i].rb.addr,
			 it[i].rb.old_driver[0] ? it[i].rb.old_driver : "no driver");
		v[i] = it[i].rb;
	}
	if (group >= 0)
		vb_act_note(ctx->act, "IOMMU group %d: %s -> host driver", group, plan);
	else
		vb_act_note(ctx->act, "no IOMMU group: %s -> host driver", plan);
	r = vb_rebind_run(ctx, v, n);
	for (i = 0; i < n; i++)
		it[i].rb = v[i];
	touched = vb_rebind_touched(v, n);
	free(v);
	if (r == 0) {
		if (ctx->act->dry_run) {
			vb_act_note(ctx->act, "then: see which driver took each, remove the records "
				    "in /run/vfiobox/");
			for (i = 0; i < n; i++)
				fb_back(ctx->act, &it[i]);
			return VB_EXIT_OK;
		}
		for (i = 0; i < n; i++) {
			report(&it[i]);
			fb_back(ctx->act, &it[i]);
			/* removed by the transaction (c->record "remove") */
			if (it[i].rb.record_err < 0)
				vb_warn("%s: claim record /run/vfiobox/%s not removed: %s",
					it[i].rb.addr, it[i].rb.addr, strerror(-it[i].rb.record_err));
		}
		return VB_EXIT_OK;
	}
	vb_err("%s: %s: %s", ctx->fail_addr, ctx->fail_step, ctx->fail_detail);
	if (!ctx->stuck && !touched) {
		vb_err("%s: nothing was changed (%s)", group >= 0 ? "IOMMU group" : "device", plan);
		return VB_EXIT_FAIL;
	}
	if (!ctx->stuck) {
		vb_err("%s: undone, every device is back as it was (%s)",
		       group >= 0 ? "IOMMU group" : "device", plan);
		return VB_EXIT_FAIL;
	}
	rc = VB_EXIT_STUCK;
	for (i = 0; i < n; i++) {
		if (it[i].rb.stuck)
			vb_err("%s: undo failed, state left: %s", it[i].rb.addr, it[i].rb.state);
		else if (it[i].rb.done_override || it[i].rb.done_unbind)
			vb_err("%s: undone, back as it was", it[i].rb.addr);
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

static int release(const struct release_opts *o, struct vb_select *sel)
{
	struct vb_act act = { o->dry_run, 0, stdout };
	struct vb_rebind_ctx ctx;
	struct vb_devset set;
	struct item *it;
	char bad[VB_BDF_LEN];
	size_t i, j, n = 0;
	int r, rc = VB_EXIT_OK, lock = -1, any_sel = 0;

	/* The lock first: the group's members, their drivers and the records
	 * are read under it (a claim of the same group may be under way). */
	if (!o->dry_run && (lock = vb_lock_rebind(o->timeout_ms, "nothing released")) < 0)
		return VB_EXIT_FAIL;
	r = vb_select_devices(sel, o->no_group, &set, bad);
	if (r < 0) {
		vb_select_err(r, bad, "nothing released");
		vb_record_unlock(lock);
		return VB_EXIT_FAIL;
	}
	for (j = 0; j < set.n; j++)
		any_sel |= set.v[j].why != VB_WHY_GROUP;
	if (!any_sel) {
		vb_err("no device matches ids=%s; nothing released", sel->ids_text);
		vb_devset_free(&set);
		vb_record_unlock(lock);
		return VB_EXIT_FAIL;
	}
	it = vb_xcalloc(set.n, sizeof(*it));
	for (j = 0; j < set.n; j++) {
		struct vb_seldev *e = &set.v[j];

		if (e->bridge) {
			if (e->why != VB_WHY_GROUP)
				vb_info("%s is a bridge (%s): vfio-claim never takes one, nothing to "
					"release", e->d.addr, vb_class_name(e->d.id.class));
			continue;
		}
		if (!held(e)) {
			if (e->why != VB_WHY_GROUP)
				vb_info("%s: not held by vfio-pci (%s%s, no driver_override): nothing "
					"to release", e->d.addr, e->d.driver[0] ? "on " : "no driver",
					e->d.driver);
			continue;
		}
		if (e->why == VB_WHY_GROUP)
			vb_info("%s (%s, %s) joins: same IOMMU group %d as %s", e->d.addr,
				vb_class_name(e->d.id.class), e->d.driver[0] ? e->d.driver : "no driver",
				e->d.group, e->via);
		it[n++].dev = e;
	}
	if (plan_all(it, n) < 0) {
		rc = VB_EXIT_FAIL;
		goto out;
	}
	qsort(it, n, sizeof(*it), cmp_group);
	for (i = 0; i < n; i++) {
		if (it[i].work)
			continue;
		if (o->dry_run)
			vb_act_note(&act, "%s: already released (%s), nothing to do", it[i].rb.addr,
				    it[i].rb.old_driver[0] ? it[i].rb.old_driver : "no driver");
		else {
			/* On its host driver, no override: a record left behind
			 * (someone released it by hand) would send recover the
			 * wrong way. */
			result("%s: released already (%s%s)", it[i].rb.addr,
			       it[i].rb.old_driver[0] ? "on " : "no driver", it[i].rb.old_driver);
			if ((r = vb_record_remove(&act, it[i].rb.addr)) < 0)
				vb_warn("%s: claim record /run/vfiobox/%s not removed: %s",
					it[i].rb.addr, it[i].rb.addr, strerror(-r));
		}
	}
	vb_rebind_ctx_init(&ctx, &act);
	ctx.unbind_timeout_ms = o->timeout_ms;
	ctx.record = "remove";	/* the records go once the group is back */
	ctx.holders = 1;	/* who holds a device: refused before any write */
	ctx.force = o->force;
	ctx.forced = vb_rebind_forced_say;	/* and say so, per device */
	for (i = 0; i < n; i = j) {
		int g = it[i].dev->d.group;
		struct item *grp;
		size_t k = 0, m;

		if (vb_sig_caught())
			break;	/* the groups after it: not started */
		for (j = i + 1; g >= 0 && j < n && it[j].dev->d.group == g; j++)
			;
		grp = vb_xcalloc(j - i, sizeof(*grp));
		for (m = i; m < j; m++)
			if (it[m].work)
				grp[k++] = it[m];
		if (k)
			rc = vb_worst(rc, run_group(&ctx, grp, k, g));
		free(grp);
	}
out:
	vb_record_unlock(lock);
	free(it);
	vb_devset_free(&set);
	return rc;
}

int vfio_release_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-group", no_argument, NULL, 'G' },
		{ "force", no_argument, NULL, 'F' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct release_opts o = { 0, 0, 0, 10000 };
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
		case 'F':
			o.force = 1;
			break;
		case 'T':
			if ((r = vb_opt_timeout(optarg, &o.timeout_ms)) != 0)
				return r;
			break;
		case 'h':
			vb_print_usage(vfio_release_usage);
			return VB_EXIT_OK;
		case ':':
			return vb_usage_err("option '%s' needs a value", argv[optind - 1]);
		default:
			return vb_usage_err("unknown option '%s'", argv[optind - 1]);
		}
	}
	vb_sysfs_set_wait(o.timeout_ms);
	r = vb_select_load_act(&sel, argv + optind, argc - optind, "released");
	if (r <= 0)
		return -r;
	rc = release(&o, &sel);
	vb_select_free(&sel);
	return rc;
}
