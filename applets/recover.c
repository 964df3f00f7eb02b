/* recover: bring back a GPU that fell off the bus, and leave it on the
 * driver it should have (the seed guide's twelve-step reset procedure as
 * one command).
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/remove, the parent bridge's rescan
 * (or /sys/class/pci_bus/DDDD:BB/rescan, /sys/bus/pci/rescan), config space
 * through libpci (vendor/device ids; bridge control 0x3E bit 0x40 for
 * --sbr; 0x488 bit 25 for the NVIDIA HDA function), power/control of the
 * parent bridge, driver_override + drivers_probe + the driver link for the
 * binding, claim records under /run/vfiobox. The kernel drops
 * driver_override when it creates a device again and the host driver binds
 * at once; re-enumerated devices can come back in another IOMMU group. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/act.h"
#include "applet.h"
#include "base/conf.h"
#include "pci/select.h"
#include "pci/hda.h"
#include "pci/holders.h"
#include "pci/ids.h"
#include "pci/pciconf.h"
#include "pci/pcidev.h"
#include "pci/pciops.h"
#include "pci/rebind.h"
#include "pci/record.h"
#include "pci/reset.h"
#include "base/sysfs.h"
#include "base/util.h"

const char recover_usage[] =
	"usage: recover [-n] [--sbr | --no-reset] [--power-cycle] [--bridge] [--force]\n"
	"               [--timeout=SEC] [BDF | ids=LIST]\n"
	"\n"
	"Bring back a GPU that fell off the bus (gone from lspci, or its config space\n"
	"reads all-ones) and leave it on the driver it should have. Each step is\n"
	"printed with the time elapsed.\n"
	"  1. the GPU: BDF, or the devices ids=LIST matches (present, or known from\n"
	"     their claim records); with neither, the kernel command line or\n"
	"     /etc/vfiobox.conf selectors, else every NVIDIA display function; of\n"
	"     those, the ones that are missing or read all-ones. The other functions\n"
	"     of its slot (the HDA) go with it.\n"
	"  2. the driver each function should end on: its claim record\n"
	"     (/run/vfiobox/BDF), else vfio-pci (or the variant driver vfio-claim\n"
	"     picks) when the command line or conf file\n"
	"     selects it, else the driver it has now.\n"
	"  3. wake the parent bridge (power/control=on); remove the functions, HDA\n"
	"     first; with --sbr reset the bridge's secondary bus (without --sbr,\n"
	"     --power-cycle, --bridge or --no-reset too, when nothing else is below\n"
	"     the bridge and the GPU is not on vendor-reset's list: the bus reset a\n"
	"     VM reboot relies on, as doctor's reset check says); with\n"
	"     --power-cycle let the bridge power down to D3cold and up again; with\n"
	"     --bridge remove the bridge too (the bridge above it is kept awake then).\n"
	"  4. rescan, and wait until every function is back and its ids read right\n"
	"     from config space, rescanning again every second.\n"
	"  5. NVIDIA: turn the HDA function back on if it was there and is not back.\n"
	"     A function nobody knew of that came back with the GPU follows the\n"
	"     selectors (hda=), else keeps what took it.\n"
	"  6. put each function on its driver: the kernel forgets driver_override\n"
	"     when it creates a device again, and the host driver takes it at once;\n"
	"     say so, move it, verify the driver link.\n"
	"A GPU that is already gone is the normal case: it is found again behind the\n"
	"bridge whose secondary bus its address names. Refused while bbswitch holds\n"
	"the GPU OFF (/proc/acpi/bbswitch).\n"
	"\n"
	"      --sbr          secondary bus reset of the parent bridge after removing\n"
	"      --no-reset     no secondary bus reset by default\n"
	"      --power-cycle  after removing, let the parent bridge (nothing below it\n"
	"                     now) runtime-suspend to D3cold, which cuts the GPU's\n"
	"                     power as bbswitch OFF did, then power it up again\n"
	"      --bridge       remove the parent bridge too, and rescan above it\n"
	"  -f, --force        go on although processes hold a function open (its\n"
	"                     /dev/dri, /dev/nvidia*, /dev/snd, /dev/fb or /dev/vfio\n"
	"                     nodes: refused otherwise, before the first write; the\n"
	"                     removal then waits in the kernel until the driver lets\n"
	"                     go), and --sbr/--bridge although other devices below\n"
	"                     the bridge are bound to drivers other than vfio-pci or\n"
	"                     pci-stub\n"
	"  -t, --timeout=SEC  how long to wait for it to come back (default 10)\n"
	"  -n, --dry-run      print the plan, change nothing\n"
	"  -h, --help         this text\n"
	"\n"
	"Exit: 0 every function back and on its driver; 1 failed, nothing left worse\n"
	"than before (refused; gone and still gone; a removal failed and was undone;\n"
	"--sbr could not reset or --power-cycle did not cut the power, the rest\n"
	"done); 3 failed after changing things (the message says what is left).\n";

/* One function of the slot being recovered. */
struct fn {
	char addr[VB_BDF_LEN];
	struct vb_pciids id;
	int have_id;
	int present, answers;			/* at the start */
	struct vb_rebind_keep start;		/* what held it at the start */
	struct vb_rebind_keep want;		/* where it should end: driver "" +
						 * override "" means any */
	int any;				/* no intention: whatever binds */
	char why[160];				/* where the intention comes from */
	char host_guess[64];			/* which host driver will likely take it */
	struct vb_power_save pw;		/* its power/control, for the new device */
	int removed, back;
	char took[64];				/* the driver that took it when it came back */
	int bound_ok;
	char final[64];				/* the driver it ended on */
};

struct unit {
	char name[VB_BDF_LEN];			/* the selected function */
	char bridge[VB_BDF_LEN];		/* parent bridge, "" root bus / unknown */
	char rescan[VB_PATH_MAX];		/* where to rescan */
	struct fn f[8];
	size_t nf;
	struct vb_power_save above_pw;		/* --bridge: the bridge above the bridge */
	int nvidia;				/* function 0 is an NVIDIA display device */
	int sbr;				/* reset the bridge's bus: --sbr, or the
						 * default (default_reset) */
	int hda;				/* index of function 1, -1 if none known */
};

struct ctx {
	struct vb_act act;
	int sbr, bridge, cycle, force, no_reset;
	long timeout_ms;
	struct vb_pci *p;
	struct vb_select conf;		/* the kernel command line or /etc/vfiobox.conf */
	int have_conf;
	long long t0;
	struct vb_rebind_ctx *rb;	/* one for the run: vfio-pci is loaded once */
};

/* A step: a note in the plan, a timed line otherwise. */
static void step(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void step(const struct ctx *c, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c->act.dry_run)
		vb_act_note(&c->act, "%s", line);
	else
		printf("[%7.3f] %s\n", (double)(vb_now_ms() - c->t0) / 1000.0, line);
	fflush(stdout);
}

/* A step done: a timed line; nothing in a plan (the write shows it). */
static void did(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void did(const struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->act.dry_run)
		return;
	printf("[%7.3f] ", (double)(vb_now_ms() - c->t0) / 1000.0);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* Plain information: a note in a plan, an untimed line otherwise. */
static void say(const struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct ctx *c, const char *fmt, ...)
{
	char line[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (c->act.dry_run)
		vb_act_note(&c->act, "%s", line);
	else
		printf("%s\n", line);
}

static int conf_selects(const struct ctx *c, const struct fn *f)
{
	if (!c->have_conf)
		return 0;
	if (vb_select_has_addr(&c->conf, f->addr))
		return 1;
	return f->have_id && vb_select_match_ids(&c->conf, &f->id);
}

static void bdf_with_fn(const char *addr, unsigned fnum, char *out)
{
	struct vb_bdf b;

	vb_bdf_parse(addr, &b);
	b.fn = fnum;
	vb_bdf_format(&b, out);
}

static struct fn *fn0(struct unit *u)
{
	size_t i;

	for (i = 0; i < u->nf; i++) {
		struct vb_bdf b;
		vb_bdf_parse(u->f[i].addr, &b);
		if (!b.fn)
			return &u->f[i];
	}
	return NULL;
}

/* What a function is and should become. */
static void fill_fn(const struct ctx *c, struct unit *u, struct fn *f)
{
	struct vb_record rec;
	int has_rec = vb_record_read(f->addr, &rec) == 0;

	f->present = vb_pcidev_exists(f->addr);
	if (f->present && vb_pcidev_ids(f->addr, &f->id) == 0)
		f->have_id = 1;
	else if (has_rec) {
		f->id = rec.id;
		f->have_id = 1;
	}
	if (f->present) {
		f->answers = vb_pciops_answers(c->p, f->addr, VB_ANY, VB_ANY) == 1;
		vb_rebind_keep_get(f->addr, &f->start);
		vb_pciops_power_get(f->addr, &f->pw);
	}
	if (has_rec) {
		vb_strlcpy(f->want.override, rec.target, sizeof(f->want.override));
		vb_strlcpy(f->want.driver, strcmp(rec.target, "none") ? rec.target : "",
			   sizeof(f->want.driver));
		vb_strlcpy(f->host_guess, rec.driver, sizeof(f->host_guess));
		snprintf(f->why, sizeof(f->why), "claim record /run/vfiobox/%s", f->addr);
		return;
	}
	if (f->present && f->start.driver[0] && !vb_driver_is_vfio(f->start.driver))
		vb_strlcpy(f->host_guess, f->start.driver, sizeof(f->host_guess));
	if (conf_selects(c, f)) {
		/* vfio-pci or the variant driver vfio-claim would pick. */
		char v[VB_DRV_LEN] = "vfio-pci";
		if (f->have_id)
			vb_vfio_driver_for(&f->id, NULL, v, sizeof(v), NULL, 0);
		vb_strlcpy(f->want.override, v, sizeof(f->want.override));
		vb_strlcpy(f->want.driver, v, sizeof(f->want.driver));
		snprintf(f->why, sizeof(f->why), "selected by %s", c->conf.source);
		return;
	}
	/* The audio function of a GPU the selectors name follows hda=. */
	if (c->have_conf && fn0(u) && f != fn0(u) && f->have_id && vb_class_is_audio(f->id.class) &&
	    conf_selects(c, fn0(u))) {
		const char *mode = c->conf.hda[0] ? c->conf.hda : "vfio";
		if (!strcmp(mode, "vfio") || !strcmp(mode, "none")) {
			char v[VB_DRV_LEN] = "vfio-pci";
			const char *t = !strcmp(mode, "vfio") ? v : "none";
			if (!strcmp(mode, "vfio") && f->have_id)
				vb_vfio_driver_for(&f->id, NULL, v, sizeof(v), NULL, 0);
			vb_strlcpy(f->want.override, t, sizeof(f->want.override));
			vb_strlcpy(f->want.driver, strcmp(t, "none") ? t : "", sizeof(f->want.driver));
			snprintf(f->why, sizeof(f->why), "its GPU is selected by %s, hda=%s",
				 c->conf.source, mode);
			return;
		}
	}
	if (f->present && (f->start.driver[0] || f->start.override[0])) {
		f->want = f->start;
		snprintf(f->why, sizeof(f->why), "the driver it has now");
		return;
	}
	f->any = 1;
	snprintf(f->why, sizeof(f->why), f->present ? "unbound now, no record" :
		 "no record: whatever the kernel binds");
}

static int cmp_fn_desc(const void *a, const void *b)
{
	return -vb_bdf_cmp(((const struct fn *)a)->addr, ((const struct fn *)b)->addr);
}

/* The functions of name's slot: present ones and recorded ones. */
static void build_unit(const struct ctx *c, const char *name, struct unit *u)
{
	char **v = NULL, **recs = NULL;
	size_t nv = 0, nr = 0, i;
	struct vb_bdf me;

	memset(u, 0, sizeof(*u));
	u->hda = -1;
	vb_strlcpy(u->name, name, sizeof(u->name));
	vb_bdf_parse(name, &me);
	vb_pciops_addr_add(&v, &nv, name);
	if (vb_pcidev_exists(name)) {
		char **s;
		size_t ns;
		if (vb_pcidev_slot(name, &s, &ns) == 0) {
			for (i = 0; i < ns; i++)
				vb_pciops_addr_add(&v, &nv, s[i]);
			vb_sysfs_list_free(s, ns);
		}
	}
	if (vb_record_list(&recs, &nr) == 0) {
		for (i = 0; i < nr; i++) {
			struct vb_bdf b;
			if (vb_bdf_parse(recs[i], &b) == 0 && b.domain == me.domain &&
			    b.bus == me.bus && b.dev == me.dev)
				vb_pciops_addr_add(&v, &nv, recs[i]);
		}
		vb_sysfs_list_free(recs, nr);
	}
	/* Function 0 first for fill_fn's hda= rule, then highest first. */
	for (i = 0; i < nv && u->nf < VB_ARRAY_SIZE(u->f); i++)
		vb_strlcpy(u->f[u->nf++].addr, v[i], VB_BDF_LEN);
	vb_sysfs_list_free(v, nv);
	qsort(u->f, u->nf, sizeof(u->f[0]), cmp_fn_desc);
	for (i = 0; i < u->nf; i++) {
		struct vb_bdf b;
		vb_bdf_parse(u->f[i].addr, &b);
		if (b.fn == 0 && i) {
			struct fn t = u->f[0];
			u->f[0] = u->f[i];
			u->f[i] = t;
		}
	}
	for (i = 0; i < u->nf; i++)
		fill_fn(c, u, &u->f[i]);
	/* Back to highest function first (removal order; HDA first). */
	qsort(u->f, u->nf, sizeof(u->f[0]), cmp_fn_desc);
	for (i = 0; i < u->nf; i++) {
		struct vb_bdf b;
		vb_bdf_parse(u->f[i].addr, &b);
		if (b.fn == 0 && u->f[i].have_id && u->f[i].id.vendor == 0x10de &&
		    vb_class_is_display(u->f[i].id.class))
			u->nvidia = 1;
		if (b.fn == 1)
			u->hda = (int)i;
	}
	vb_pciops_parent(name, u->bridge);
}

static void describe(const struct ctx *c, const struct unit *u)
{
	size_t i;

	if (u->bridge[0])
		say(c, "recover %s, behind bridge %s", u->name, u->bridge);
	else
		say(c, "recover %s, on a root bus (or its bridge is gone too)", u->name);
	for (i = 0; i < u->nf; i++) {
		const struct fn *f = &u->f[i];
		char ids[16] = "ids unknown", state[96];
		if (f->have_id)
			snprintf(ids, sizeof(ids), "%04x:%04x", f->id.vendor, f->id.device);
		if (!f->present)
			snprintf(state, sizeof(state), "gone");
		else
			snprintf(state, sizeof(state), "%s, %s%s", f->answers ? "answers" :
				 "reads all-ones", f->start.driver[0] ? "on " : "no driver",
				 f->start.driver);
		say(c, "  %s %s: %s; should end on %s (%s)", f->addr, ids, state,
		     f->any ? "any driver" : f->want.driver[0] ? f->want.driver : "no driver", f->why);
	}
}

/* Listed, and the ids in config space are the ones it had. */
static int is_back(const struct ctx *c, const struct fn *f)
{
	return vb_pciops_answers(c->p, f->addr, f->have_id ? f->id.vendor : VB_ANY,
				 f->have_id ? f->id.device : VB_ANY) == 1;
}

/* Rescan there; if the kernel refuses, everything. */
static int do_rescan(const struct ctx *c, const char *path)
{
	char all[VB_PATH_MAX];
	int r = vb_pciops_rescan(&c->act, path);

	if (r < 0 && vb_sysfs_path(all, sizeof(all), "/sys/bus/pci/rescan") == 0 && strcmp(all, path)) {
		vb_warn("%s: %s; rescanning every bus", vb_sysfs_unroot(path),
			vb_sysfs_strerror(r, "rescan"));
		r = vb_pciops_rescan(&c->act, all);
	}
	return r;
}

/* Wait until every function that must come back is back, rescanning
 * every second. Returns how many are still missing. */
static size_t wait_back(const struct ctx *c, struct unit *u, const char *path, long ms, int *rescans)
{
	long long end = vb_now_ms() + ms, next = vb_now_ms() + 1000;
	size_t i, missing;

	for (;;) {
		missing = 0;
		for (i = 0; i < u->nf; i++) {
			struct fn *f = &u->f[i];
			if (f->back)
				continue;
			if (is_back(c, f)) {
				f->back = 1;
				vb_pcidev_driver(f->addr, f->took, sizeof(f->took));
				if (vb_pcidev_ids(f->addr, &f->id) == 0)
					f->have_id = 1;
				step(c, "%s back (%04x:%04x), %s%s", f->addr, f->id.vendor, f->id.device,
				     f->took[0] ? "taken by " : "no driver", f->took);
			} else if (!(u->nvidia && (int)i == u->hda)) {
				missing++;	/* NVIDIA's HDA may need hda on */
			}
		}
		if (!missing || vb_now_ms() >= end)
			return missing;
		if (vb_now_ms() >= next) {
			do_rescan(c, path);
			(*rescans)++;
			next += 1000;
		}
		vb_sleep_ms(50);
	}
}

static const char *drv(const char *d)
{
	return d[0] ? d : "no driver";
}

/* Put f where `to` says, through the rebind transaction (a failure is
 * undone; what cannot be is said), saying if the host driver took it when it
 * came back. A dry run shows the writes for the state the kernel gives a
 * device it creates: no driver_override, and the host driver it will likely
 * have bound (f->host_guess). */
static int bind_fn(const struct ctx *c, struct fn *f, const struct vb_rebind_keep *to, const char *why)
{
	const char *want = vb_rebind_keep_driver(to);
	struct vb_rebind_ctx *rc = c->rb;
	struct vb_rebind v;
	char words[VB_TEXT_LEN];
	int r, tries;

	if (c->act.dry_run) {
		if ((r = vb_rebind_keep_show(rc, f->addr, to, f->host_guess)) < 0) {
			vb_err("%s: %s %s: %s", f->addr, why, drv(want), strerror(-r));
			return VB_EXIT_FAIL;
		}
		return VB_EXIT_OK;
	}
	if (f->took[0] && strcmp(f->took, want))
		step(c, "%s: %s took it when it came back (the kernel forgot driver_override); "
		     "moving it to %s", f->addr, f->took, drv(want));
	for (tries = 0;; tries++) {
		r = vb_rebind_plan_keep(&v, f->addr, to, NULL);
		if (r < 0) {
			vb_err("%s: %s %s: %s", f->addr, why, drv(want),
			       r == -ENODEV ? "gone from the bus" : strerror(-r));
			return VB_EXIT_STUCK;
		}
		if (r == 0) {
			vb_strlcpy(v.driver, v.old_driver, sizeof(v.driver));
			break;
		}
		if ((r = vb_rebind_run(rc, &v, 1)) == 0)
			break;
		/* Planned before the host driver's probe had finished (a hot-plug
		 * adds the device from another thread): it bound after all, and
		 * the undo took it off again. Once more, now that it is settled. */
		if (!tries && r == -EBUSY && !rc->stuck && !strcmp(rc->fail_step, "verify")) {
			step(c, "%s: %s (its probe was still running); once more", f->addr,
			     rc->fail_detail);
			continue;
		}
		if (rc->stuck)
			vb_err("%s: %s %s: %s: %s; undo failed, state left: %s", f->addr, why,
			       drv(want), rc->fail_step, rc->fail_detail, v.state);
		else
			vb_err("%s: %s %s: %s: %s; it is on %s", f->addr, why, drv(want),
			       rc->fail_step, rc->fail_detail, drv(v.driver));
		return VB_EXIT_STUCK;
	}
	f->bound_ok = 1;
	vb_strlcpy(f->final, v.driver, sizeof(f->final));
	step(c, "%s: on %s (verified)", f->addr, drv(v.driver));
	if (vb_opened_words(v.group, v.opened, v.iommu, words, sizeof(words)))
		step(c, "%s", words);
	/* Claimed for a VM again: the record vfio-claim writes, so that
	 * vfio-release and the next recover know its host driver. */
	if (to->override[0] && (vb_driver_is_vfio(to->override) ||
				!strcmp(to->override, VB_TARGET_NONE)) && f->have_id) {
		struct vb_record old;
		const char *hda = vb_record_read(f->addr, &old) == 0 && old.hda[0] ? old.hda :
				  c->conf.hda[0] ? c->conf.hda : "vfio";
		/* The host driver: the one it had, or the one that took it back. */
		const char *host = f->host_guess[0] ? f->host_guess :
				   !vb_driver_is_vfio(f->took) ? f->took : "";
		if ((r = vb_record_claimed(&c->act, f->addr, &f->id, host, to->override,
					   hda)) < 0)
			vb_warn("%s: claim record /run/vfiobox/%s not written: %s", f->addr,
				f->addr, strerror(-r));
	}
	return VB_EXIT_OK;
}

/* Put power/control back: the bridge's, and each function's on its new
 * device (a device the kernel creates starts at "on"). */
static void power_back(const struct ctx *c, struct unit *u, struct vb_power_save *bridge_pw)
{
	size_t i;

	struct vb_power_save *br[2] = { bridge_pw, &u->above_pw };

	for (i = 0; i < 2; i++) {
		char was[8];
		if (!br[i]->changed)
			continue;
		vb_strlcpy(was, br[i]->control, sizeof(was));
		if (vb_pciops_power_restore(&c->act, br[i]) == 0)
			did(c, "%s: power/control back to %s", br[i]->addr, was);
	}
	for (i = 0; i < u->nf; i++) {
		struct fn *f = &u->f[i];
		if ((!f->back && !c->act.dry_run) || !f->pw.control[0] ||
		    !strcmp(f->pw.control, "on"))
			continue;
		f->pw.changed = 1;
		if (vb_pciops_power_restore(&c->act, &f->pw) == 0)
			did(c, "%s: power/control back to %s", f->addr, f->pw.control);
	}
}

/* A removal failed: bring back what was removed, on the driver it had. */
static int undo(struct ctx *c, struct unit *u, struct vb_power_save *bridge_pw)
{
	size_t i, lost;
	int rescans = 0, rc = VB_EXIT_FAIL;

	for (i = 0; i < u->nf; i++)
		u->f[i].back = !u->f[i].removed;	/* only the removed ones are awaited */
	for (i = 0; i < u->nf; i++)
		if (u->f[i].removed)
			break;
	if (i < u->nf) {
		step(c, "stopping: rescan to bring back what was removed");
		do_rescan(c, u->rescan);
		rescans++;
		lost = c->act.dry_run ? 0 : wait_back(c, u, u->rescan, c->timeout_ms, &rescans);
		for (i = 0; i < u->nf; i++) {
			struct fn *f = &u->f[i];
			if (!f->removed)
				continue;
			if (!f->back) {
				vb_err("%s: undo: not back after the rescan", f->addr);
				rc = VB_EXIT_STUCK;
			} else if (f->start.driver[0] || f->start.override[0]) {
				rc = vb_worst(rc, bind_fn(c, f, &f->start, "undo: back to"));
			}
		}
		(void)lost;
	} else {
		step(c, "stopping: nothing was removed");
	}
	power_back(c, u, bridge_pw);
	return rc;
}

static int in_unit(const struct unit *u, const char *addr)
{
	size_t i;

	for (i = 0; i < u->nf; i++)
		if (!strcmp(u->f[i].addr, addr))
			return 1;
	return 0;
}

/* --sbr, --power-cycle and --bridge hit every device below the bridge. */
static int check_others(const struct ctx *c, const struct unit *u)
{
	char **below, busy[1024] = "", **others = NULL, list[1024];
	size_t nb, i, no = 0, used = 0;
	int r;

	if ((r = vb_pciops_below(u->bridge, &below, &nb)) < 0) {
		vb_err("%s: cannot list the devices below it: %s", u->bridge, vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	for (i = 0; i < nb; i++) {
		char d[64];
		if (in_unit(u, below[i]))
			continue;
		vb_pciops_addr_add(&others, &no, below[i]);
		if (vb_pcidev_driver(below[i], d, sizeof(d)) < 0 || vb_driver_passive(d, VB_PASSIVE_VFIO))
			continue;
		int w = snprintf(busy + used, sizeof(busy) - used, "%s%s (%s)", used ? ", " : "",
				 below[i], d);
		if (w > 0 && (size_t)w < sizeof(busy) - used)
			used += (size_t)w;
	}
	vb_sysfs_list_free(below, nb);
	vb_join_words(others, no, list, sizeof(list));
	vb_sysfs_list_free(others, no);
	if (c->cycle && list[0]) {
		vb_err("%s: --power-cycle: %s below %s keep%s it powered; the bridge can power "
		       "down only with nothing else below it", u->name, list, u->bridge,
		       no > 1 ? "" : "s");
		return VB_EXIT_FAIL;
	}
	if (!u->sbr && !c->bridge)
		return VB_EXIT_OK;
	if (busy[0] && !c->force) {
		vb_err("%s: %s would also hit %s below %s, bound to a driver that is not told; "
		       "unbind first, or --force", u->name, u->sbr ? "--sbr" : "--bridge", busy,
		       u->bridge);
		return VB_EXIT_FAIL;
	}
	if (list[0])
		step(c, "%s also %s %s, below the same bridge%s%s%s", u->sbr ? "--sbr" : "--bridge",
		     u->sbr ? "resets" : "removes", list, busy[0] ? "; --force: " : "", busy,
		     busy[0] ? " not told" : "");
	return VB_EXIT_OK;
}

static void sbr_report(const struct vb_sbr *s, int r, struct vb_pci *p)
{
	switch (s->step) {
	case VB_SBR_SAVE:
		vb_err("%s: --sbr: save config: %s (no reset done)", s->failed, vb_sysfs_strerror(r, "config"));
		break;
	case VB_SBR_ASSERT:
		vb_err("%s: --sbr: set bridge control bit 0x40: %s (no reset done)", s->bridge,
		       vb_pciconf_last_error(p)[0] ? vb_pciconf_last_error(p) : vb_sysfs_strerror(r, "config"));
		break;
	case VB_SBR_DEASSERT:
		vb_err("%s: --sbr: clear bridge control bit 0x40: %s: the bus below is held in reset "
		       "(setpci -s %s 0x3e.W=0:0x40 releases it)", s->bridge, vb_pciconf_last_error(p),
		       s->bridge);
		break;
	case VB_SBR_WAIT:
		vb_err("%s: --sbr: does not answer after the bus reset", s->failed);
		break;
	case VB_SBR_RESTORE:
		vb_err("%s: --sbr: restore config: register 0x%02x differs from what was saved",
		       s->failed, s->bad_offset);
		break;
	case VB_SBR_OK:
		vb_err("%s: --sbr: %s", s->bridge, vb_sysfs_strerror(r, NULL));
		break;
	}
}

/* --power-cycle: with nothing below it now, the bridge may runtime-suspend;
 * on a laptop it goes to D3cold, which cuts the GPU's power through ACPI
 * (_PR3), as bbswitch OFF did. Then power/control=on powers it up again. */
static int power_cycle(const struct ctx *c, const struct unit *u)
{
	char st[32] = "", rt[32] = "", ps[VB_PATH_MAX];
	long long end;
	int r, dry = c->act.dry_run;

	step(c, "power cycle: let %s power down to D3cold (that cuts the power below it, as "
	     "bbswitch OFF did), then up again", u->bridge);
	if (vb_pcidev_path(ps, sizeof(ps), u->bridge, "power_state") < 0 || !vb_sysfs_exists(ps)) {
		vb_err("%s: --power-cycle: this kernel has no power_state attribute (5.11+): it cannot "
		       "be told when the power is cut; not done", u->bridge);
		return VB_EXIT_FAIL;
	}
	if ((r = vb_act_dev_write(&c->act, u->bridge, "power/control", "auto")) < 0) {
		vb_err("%s: --power-cycle: power/control auto: %s", u->bridge,
		       vb_sysfs_strerror(r, "power/control"));
		return VB_EXIT_FAIL;
	}
	if (dry) {
		vb_act_note(&c->act, "wait up to 5 s for %s's power_state to read D3cold", u->bridge);
	} else {
		end = vb_now_ms() + 5000;
		while (vb_sysfs_read(ps, st, sizeof(st)) >= 0 && strcmp(st, "D3cold") &&
		       vb_now_ms() < end)
			vb_sleep_ms(50);
	}
	if ((r = vb_act_dev_write(&c->act, u->bridge, "power/control", "on")) < 0) {
		vb_err("%s: --power-cycle: power/control on: %s; it stays at auto", u->bridge,
		       vb_sysfs_strerror(r, "power/control"));
		return VB_EXIT_STUCK;
	}
	if (dry)
		return VB_EXIT_OK;
	{	/* the write resumes it before returning; the status says so */
		char p[VB_PATH_MAX];
		end = vb_now_ms() + 1000;
		vb_pcidev_path(p, sizeof(p), u->bridge, "power/runtime_status");
		while (vb_sysfs_read(p, rt, sizeof(rt)) >= 0 && strcmp(rt, "active") &&
		       vb_now_ms() < end)
			vb_sleep_ms(20);
	}
	if (strcmp(st, "D3cold")) {
		vb_err("%s: --power-cycle: the bridge did not reach D3cold in 5 s (power_state %s): "
		       "the power was not cut (d3cold_allowed 0, no ACPI power resource for it, or "
		       "runtime PM not allowed for the port)", u->bridge, st[0] ? st : "unknown");
		return VB_EXIT_FAIL;
	}
	did(c, "%s: was in D3cold; powered up again (runtime %s)", u->bridge, rt);
	return VB_EXIT_OK;
}

/* Without --sbr, --power-cycle, --bridge or --no-reset: the reset a VM
 * reboot would rely on, where it can reach nothing else (lib/pci/reset). */
static void default_reset(const struct ctx *c, struct unit *u)
{
	char **mine = NULL, others[512];
	size_t nmine = 0, i;
	const struct fn *g = NULL;
	int r;

	for (i = 0; i < u->nf; i++) {
		vb_pciops_addr_add(&mine, &nmine, u->f[i].addr);
		if (!g && u->f[i].have_id)
			g = &u->f[i];
	}
	r = vb_reset_pick_recover(u->bridge, g ? g->id.vendor : VB_ANY, g ? g->id.device : VB_ANY,
				  mine, nmine, others, sizeof(others));
	vb_sysfs_list_free(mine, nmine);
	switch (r) {
	case VB_PICK_SBR:
		u->sbr = 1;
		step(c, "reset: a secondary bus reset of %s after the removal (nothing else is "
		     "below it; --no-reset leaves it out)", u->bridge);
		break;
	case VB_PICK_OTHERS:
		step(c, "reset: none (a bus reset of %s would also reset %s; --sbr does it "
		     "anyway)", u->bridge, others);
		break;
	case VB_PICK_QUIRK:
		step(c, "reset: none (%04x:%04x is on vendor-reset's list: a bus reset leaves it "
		     "unable to start; --sbr does it anyway)", g->id.vendor, g->id.device);
		break;
	case VB_PICK_ROOT:
		break;	/* describe() said it is on a root bus */
	default:
		step(c, "reset: none (%s: cannot list the devices below it: %s)", u->bridge,
		     vb_sysfs_strerror(r, NULL));
	}
}

/* The functions still there are removed, which unbinds their drivers: who
 * holds them, before the first write (lib/pci/holders). */
static int holders(const struct ctx *c, const struct unit *u)
{
	char who[VB_TEXT_LEN / 2];
	size_t i;
	int r;

	for (i = 0; i < u->nf; i++) {
		const struct fn *f = &u->f[i];
		if (!f->present || !f->start.driver[0])
			continue;
		r = vb_holders_check(&c->act, f->addr, f->start.driver, c->force, who, sizeof(who));
		if (r < 0) {
			vb_err("%s: held by %s: stop them first, or --force (removing it unbinds %s, "
			       "which may then wait until they let go); nothing changed", f->addr, who,
			       f->start.driver);
			return VB_EXIT_FAIL;
		}
		if (r > 0 && !c->act.dry_run)
			vb_warn("%s: held by %s; removing it anyway (--force)", f->addr, who);
	}
	return VB_EXIT_OK;
}

static int recover_unit(struct ctx *c, struct unit *u)
{
	struct vb_power_save bridge_pw;
	char above[VB_PATH_MAX] = "", path[VB_PATH_MAX];
	const char *where;
	size_t i, missing = 0;
	int r, rc = VB_EXIT_OK, rescans = 0, bridge_gone = 0, lost = 0;
	struct fn *g = fn0(u);

	memset(&bridge_pw, 0, sizeof(bridge_pw));
	c->t0 = vb_now_ms();
	describe(c, u);
	if ((r = vb_pciops_rescan_attr(u->name, u->rescan, sizeof(u->rescan))) < 0) {
		vb_err("%s: where to rescan: %s", u->name, vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	u->sbr = c->sbr;
	if (!c->sbr && !c->bridge && !c->cycle && !c->no_reset)
		default_reset(c, u);
	if ((c->sbr || c->bridge || c->cycle) && !u->bridge[0]) {
		vb_err("%s: --sbr, --power-cycle and --bridge need its parent bridge, and there is "
		       "none (a root bus, or the bridge is gone too)", u->name);
		return VB_EXIT_FAIL;
	}
	if ((c->sbr || c->bridge || c->cycle) && check_others(c, u) != VB_EXIT_OK)
		return VB_EXIT_FAIL;
	if (c->bridge && (r = vb_pciops_rescan_attr(u->bridge, above, sizeof(above))) < 0) {
		vb_err("%s: where to rescan above it: %s", u->bridge, vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}

	if (holders(c, u) != VB_EXIT_OK)
		return VB_EXIT_FAIL;
	/* bbswitch holding the GPU off defeats every rescan; and the guides
	 * warn that removing the GPU with bbswitch loaded leaves it unusable. */
	if (g && (r = vb_pciops_bbswitch(g->addr)) >= 0) {
		if (r == 1) {
			vb_err("%s: bbswitch holds it OFF (/proc/acpi/bbswitch): no rescan finds it; "
			       "echo ON > /proc/acpi/bbswitch, then rmmod bbswitch, then recover",
			       g->addr);
			return VB_EXIT_FAIL;
		}
		vb_warn("%s: bbswitch is loaded; the guides warn that a GPU removed under it "
			"may not come back: rmmod bbswitch first if this fails", g->addr);
	}
	/* Wake the path: a bridge in D3cold hides what is below it. */
	if (u->bridge[0]) {
		if ((r = vb_pciops_power_on(&c->act, u->bridge, &bridge_pw)) < 0) {
			vb_err("%s: power/control: %s", u->bridge, vb_sysfs_strerror(r, "power/control"));
			return VB_EXIT_FAIL;
		}
		if (bridge_pw.changed)
			did(c, "%s: power/control on (was %s)", u->bridge, bridge_pw.control);
	}
	/* --bridge rescans through the bridge above it: keep that one awake
	 * too, or the rescans see nothing below it once it suspends. */
	if (c->bridge) {
		char up[VB_BDF_LEN];
		if (vb_pciops_parent(u->bridge, up) == 0 && up[0]) {
			if ((r = vb_pciops_power_on(&c->act, up, &u->above_pw)) < 0) {
				vb_err("%s: power/control: %s", up, vb_sysfs_strerror(r, "power/control"));
				power_back(c, u, &bridge_pw);
				return VB_EXIT_FAIL;
			}
			if (u->above_pw.changed)
				did(c, "%s: power/control on (was %s)", up, u->above_pw.control);
		}
	}
	/* Remove the functions, highest first: the HDA before the GPU. */
	for (i = 0; i < u->nf; i++) {
		struct fn *f = &u->f[i];
		if (!vb_pcidev_exists(f->addr))
			continue;
		r = vb_pciops_remove(&c->act, f->addr, 500);
		if (r < 0) {
			vb_err("%s: remove: %s", f->addr, r == -EEXIST ?
			       "the kernel took the write but the device is still listed" :
			       vb_sysfs_strerror(r, "remove"));
			return undo(c, u, &bridge_pw);
		}
		f->removed = 1;
		did(c, "removed %s%s%s%s", f->addr, f->start.driver[0] ? " (was on " : "",
		     f->start.driver, f->start.driver[0] ? ")" : "");
	}
	if (u->sbr) {
		struct vb_sbr s;
		char **gone = NULL;
		size_t ngone = 0;
		memset(&s, 0, sizeof(s));
		vb_strlcpy(s.bridge, u->bridge, sizeof(s.bridge));
		s.wait_ms = 1000;
		for (i = 0; i < u->nf; i++)	/* removed already (or, in a plan, by then) */
			vb_pciops_addr_add(&gone, &ngone, u->f[i].addr);
		s.skip = gone;
		s.nskip = ngone;
		s.bridge_awake = 1;	/* woken above, put back at the end */
		step(c, "secondary bus reset of %s", u->bridge);
		r = vb_pciops_sbr(&c->act, c->p, &s);
		if (r < 0) {
			sbr_report(&s, r, c->p);
			/* no reset done: go on with the rescan; devices below
			 * left unrestored: that state stays */
			rc = s.step == VB_SBR_SAVE || s.step == VB_SBR_ASSERT ? VB_EXIT_FAIL :
			     VB_EXIT_STUCK;
			if (s.step == VB_SBR_DEASSERT) {
				vb_pciops_sbr_free(&s);
				vb_sysfs_list_free(gone, ngone);
				vb_err("%s: state left: its functions removed, the bus below %s held in "
				       "reset", u->name, u->bridge);
				return VB_EXIT_STUCK;
			}
		} else if (!c->act.dry_run) {
			did(c, "secondary bus reset of %s done", u->bridge);
		}
		vb_pciops_sbr_free(&s);
		vb_sysfs_list_free(gone, ngone);
	}
	if (c->cycle) {
		r = power_cycle(c, u);
		rc = vb_worst(rc, r);
		if (r == VB_EXIT_STUCK) {
			vb_err("%s: state left: its functions removed, %s at power/control auto",
			       u->name, u->bridge);
			return VB_EXIT_STUCK;
		}
	}
	if (c->bridge) {
		r = vb_pciops_remove(&c->act, u->bridge, 500);
		if (r < 0) {
			vb_err("%s: remove: %s; rescanning below it instead", u->bridge, r == -EEXIST ?
			       "the kernel took the write but the bridge is still listed" :
			       vb_sysfs_strerror(r, "remove"));
			rc = vb_worst(rc, VB_EXIT_FAIL);	/* --bridge not done */
		} else {
			bridge_gone = 1;
			bridge_pw.changed = 0;	/* the bridge comes back as a new device */
			did(c, "removed %s (the bridge)", u->bridge);
		}
	}
	where = bridge_gone ? above : u->rescan;
	vb_strlcpy(path, where, sizeof(path));
	if ((r = do_rescan(c, path)) < 0)
		vb_err("rescan: %s: %s; waiting anyway (a hot-plug may bring it back)",
		       vb_sysfs_unroot(path), vb_sysfs_strerror(r, "rescan"));
	else
		did(c, "rescan %s", vb_sysfs_unroot(path));
	rescans++;

	if (c->act.dry_run) {
		char list[512] = "";
		size_t used = 0;
		for (i = 0; i < u->nf; i++) {
			int w = snprintf(list + used, sizeof(list) - used, "%s%s", used ? " " : "",
					 u->f[i].addr);
			if (w > 0 && (size_t)w < sizeof(list) - used)
				used += (size_t)w;
		}
		step(c, "wait up to %.1f s for %s to come back with their ids in config space; "
		     "rescan again every second", (double)c->timeout_ms / 1000.0, list);
		if (u->nvidia && u->hda >= 0 && g)
			step(c, "if %s does not come back with the GPU: hda on %s", u->f[u->hda].addr,
			     g->addr);
	} else {
		missing = wait_back(c, u, path, c->timeout_ms, &rescans);
	}

	/* The NVIDIA HDA function: the bit may be clear after a power loss. */
	if (!c->act.dry_run && u->nvidia && u->hda >= 0 && g && g->back && !u->f[u->hda].back) {
		struct fn *h = &u->f[u->hda];
		struct vb_hda_op op;
		long long end = vb_now_ms() + 1000;

		while (!is_back(c, h) && vb_now_ms() < end)
			vb_sleep_ms(50);
		if (is_back(c, h)) {
			h->back = 1;
			vb_pcidev_driver(h->addr, h->took, sizeof(h->took));
			step(c, "%s back, %s%s", h->addr, h->took[0] ? "taken by " : "no driver", h->took);
		} else {
			step(c, "%s did not come back with the GPU: hda on %s", h->addr, g->addr);
			memset(&op, 0, sizeof(op));
			vb_strlcpy(op.gpu, g->addr, sizeof(op.gpu));
			op.on = 1;
			op.wait_ms = 5000;
			r = vb_hda_set(&c->act, c->p, &op);
			if (r < 0 || !is_back(c, h)) {
				vb_err("%s: hda on: %s", g->addr,
				       r < 0 && op.step == VB_HDA_BIT ? "config 0x488 does not read "
				       "(not root, or a 256-byte config space) or the bit does not stick" :
				       r < 0 ? vb_sysfs_strerror(r, NULL) : "function 1 still missing");
				if (op.undo_failed && op.left)
					vb_err("%s: %s", g->addr, op.left);
			} else {
				h->back = 1;
				vb_pcidev_driver(h->addr, h->took, sizeof(h->took));
				/* hda on put the GPU back on what held it after the rescan */
				vb_pcidev_driver(g->addr, g->took, sizeof(g->took));
				step(c, "%s back after hda on, %s%s", h->addr,
				     h->took[0] ? "taken by " : "no driver", h->took);
			}
		}
	}

	/* Functions nobody knew of (the GPU was gone, with no record of its
	 * HDA) that the kernel found with it: where should they end? */
	if (!c->act.dry_run && g && g->back) {
		char **sl;
		size_t ns;
		if (vb_pcidev_slot(g->addr, &sl, &ns) == 0) {
			for (i = 0; i < ns && u->nf < VB_ARRAY_SIZE(u->f); i++) {
				struct fn *f = &u->f[u->nf];
				if (in_unit(u, sl[i]))
					continue;
				memset(f, 0, sizeof(*f));
				vb_strlcpy(f->addr, sl[i], sizeof(f->addr));
				u->nf++;
				fill_fn(c, u, f);
				f->back = 1;
				vb_strlcpy(f->took, f->start.driver, sizeof(f->took));
				step(c, "%s appeared with the GPU (%04x:%04x), %s%s; should end on %s (%s)",
				     f->addr, f->id.vendor, f->id.device, f->took[0] ? "taken by " :
				     "no driver", f->took, f->any ? "any driver" : drv(f->want.driver),
				     f->why);
			}
			vb_sysfs_list_free(sl, ns);
			/* highest function first again (g and u->hda are not used below) */
			qsort(u->f, u->nf, sizeof(u->f[0]), cmp_fn_desc);
		}
	}

	/* What did not come back. */
	if (!c->act.dry_run) {
		missing = 0;
		for (i = 0; i < u->nf; i++) {
			struct fn *f = &u->f[i];
			if (f->back)
				continue;
			missing++;
			if (f->removed)
				lost++;
		}
		if (missing) {
			for (i = 0; i < u->nf; i++) {
				struct fn *f = &u->f[i];
				if (f->back)
					continue;
				vb_err("%s: not back after %.1f s (%d rescan%s of %s): %s", f->addr,
				       (double)c->timeout_ms / 1000.0, rescans, rescans == 1 ? "" : "s",
				       vb_sysfs_unroot(path), f->removed ?
				       "it was removed and does not answer config reads" :
				       "the slot is empty, or the device does not answer config reads");
			}
			rc = vb_worst(rc, lost ? VB_EXIT_STUCK : VB_EXIT_FAIL);
		}
	}

	/* Each function on its driver. */
	for (i = 0; i < u->nf; i++) {
		struct fn *f = &u->f[i];
		if (!c->act.dry_run && !f->back)
			continue;
		if (f->any) {
			vb_pcidev_driver(f->addr, f->final, sizeof(f->final));
			if (!c->act.dry_run)
				step(c, "%s: on %s (nothing says otherwise)", f->addr, drv(f->final));
			else
				vb_act_note(&c->act, "%s: keeps whatever the kernel binds", f->addr);
			continue;
		}
		rc = vb_worst(rc, bind_fn(c, f, &f->want, "bind to"));
	}
	power_back(c, u, &bridge_pw);

	if (c->act.dry_run)
		return rc;
	if (rc == VB_EXIT_OK) {
		printf("recovered %s in %.2f s", u->name, (double)(vb_now_ms() - c->t0) / 1000.0);
		for (i = u->nf; i-- > 0;)
			printf("%s %s on %s", i + 1 == u->nf ? ":" : ",", u->f[i].addr,
			       drv(u->f[i].final));
		putchar('\n');
	} else if (lost || missing) {
		vb_err("%s: state left: %s%s", u->name, lost ? "functions that were removed are still "
		       "gone" : "still gone, as it was", u->bridge[0] ? "; the bridge's power/control "
		       "is as it was" : "");
	}
	return rc;
}

/* The slot key of an address (function 0's address). */
static void slot_of(const char *addr, char *out)
{
	bdf_with_fn(addr, 0, out);
}

static void add_unique_slot(char ***v, size_t *n, const char *addr)
{
	char key[VB_BDF_LEN];
	size_t i;

	slot_of(addr, key);
	for (i = 0; i < *n; i++) {
		char k2[VB_BDF_LEN];
		slot_of((*v)[i], k2);
		if (!strcmp(k2, key))
			return;
	}
	vb_pciops_addr_add(v, n, addr);
}

/* Devices ids matches: present ones, and absent ones known from their
 * claim records. */
static void match_ids(const struct vb_idlist *l, char ***v, size_t *n)
{
	char **all = NULL, **recs = NULL;
	size_t na = 0, nr = 0, i;

	if (vb_pcidev_list(&all, &na) == 0) {
		for (i = 0; i < na; i++) {
			struct vb_pciids id;
			if (vb_pcidev_ids(all[i], &id) == 0 && vb_ids_match(l, &id))
				vb_pciops_addr_add(v, n, all[i]);
		}
		vb_sysfs_list_free(all, na);
	}
	if (vb_record_list(&recs, &nr) == 0) {
		for (i = 0; i < nr; i++) {
			struct vb_record rec;
			if (!vb_pcidev_exists(recs[i]) && vb_record_read(recs[i], &rec) == 0 &&
			    vb_ids_match(l, &rec.id))
				vb_pciops_addr_add(v, n, recs[i]);
		}
		vb_sysfs_list_free(recs, nr);
	}
}

/* With no argument: what the selectors name, else every NVIDIA display
 * function (present, or recorded); of those, the ones missing or reading
 * all-ones. */
static void select_broken(struct ctx *c, char ***sel, size_t *nsel)
{
	char **cand = NULL;
	size_t nc = 0, i;

	if (c->have_conf) {
		for (i = 0; i < c->conf.naddrs; i++)
			vb_pciops_addr_add(&cand, &nc, c->conf.addrs[i]);
		match_ids(&c->conf.ids, &cand, &nc);
	} else {
		struct vb_idlist nv;
		struct vb_id e = { 0x10de, VB_ANY, VB_ANY, VB_ANY, 0x030000, 0xff0000 };
		nv.v = &e;
		nv.n = 1;
		match_ids(&nv, &cand, &nc);
	}
	for (i = 0; i < nc; i++) {
		if (vb_pcidev_exists(cand[i]) && vb_pciops_answers(c->p, cand[i], VB_ANY, VB_ANY) == 1) {
			vb_info("%s answers: nothing to recover there (name it to recover it anyway)",
				cand[i]);
			continue;
		}
		add_unique_slot(sel, nsel, cand[i]);
	}
	vb_sysfs_list_free(cand, nc);
}

int recover_main(int argc, char **argv)
{
	enum { O_SBR = 256, O_BRIDGE, O_CYCLE, O_NORESET };
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "sbr", no_argument, NULL, O_SBR },
		{ "bridge", no_argument, NULL, O_BRIDGE },
		{ "power-cycle", no_argument, NULL, O_CYCLE },
		{ "no-reset", no_argument, NULL, O_NORESET },
		{ "force", no_argument, NULL, 'f' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c;
	struct vb_rebind_ctx rb;
	struct vb_idlist ids = { NULL, 0 };
	char **sel = NULL, err[256] = "";
	size_t nsel = 0, i;
	int o, r, rc = VB_EXIT_OK, lock = -1;

	memset(&c, 0, sizeof(c));
	c.act.out = stdout;
	c.timeout_ms = 10000;
	c.rb = &rb;
	while ((o = getopt_long(argc, argv, "nft:h", lo, NULL)) != -1) {
		switch (o) {
		case 'n': c.act.dry_run = 1; break;
		case O_SBR: c.sbr = 1; break;
		case O_BRIDGE: c.bridge = 1; break;
		case O_CYCLE: c.cycle = 1; break;
		case O_NORESET: c.no_reset = 1; break;
		case 'f': c.force = 1; break;
		case 't':
			if ((r = vb_opt_timeout(optarg, &c.timeout_ms)) != 0)
				return r;
			break;
		case 'h': vb_print_usage(recover_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (argc - optind > 1)
		return vb_usage_err("one GPU at a time: BDF or ids=LIST");
	if (c.sbr && c.no_reset)
		return vb_usage_err("--sbr and --no-reset do not go together");
	if (optind < argc) {
		/* The operand reads as vfio-claim reads its operands. */
		struct vb_select op;
		char operr[VB_TEXT_LEN];

		if (vb_select_load(&op, argv + optind, 1, operr, sizeof(operr)) < 0) {
			vb_select_free(&op);
			return vb_usage_err("%s", operr);
		}
		if (op.naddrs)
			vb_pciops_addr_add(&sel, &nsel, op.addrs[0]);
		ids = op.ids;
		op.ids.v = NULL;
		op.ids.n = 0;
		vb_select_free(&op);
	}

	vb_sysfs_set_wait(c.timeout_ms);
	vb_rebind_ctx_init(&rb, &c.act);
	rb.unbind_timeout_ms = c.timeout_ms;
	rb.probe_wait_ms = 3000;	/* a hot-plug adds the device from another thread */
	if ((r = vb_pciconf_open(&c.p, 1, err, sizeof(err))) < 0) {
		vb_err("libpci: %s", err[0] ? err : vb_sysfs_strerror(r, NULL));
		rc = VB_EXIT_FAIL;
		goto out;
	}
	r = vb_select_load(&c.conf, NULL, 0, err, sizeof(err));
	if (r < 0) {
		vb_err("%s; nothing recovered", err);
		rc = VB_EXIT_USAGE;
		goto out;
	}
	c.have_conf = r > 0;
	/* The lock before the records and the devices are read. */
	if (!c.act.dry_run) {
		lock = vb_lock_rebind(10000, "nothing recovered");
		if (lock < 0) {
			rc = VB_EXIT_FAIL;
			goto out;
		}
	}
	if (ids.n) {
		char **m = NULL;
		size_t nm = 0;
		match_ids(&ids, &m, &nm);
		for (i = 0; i < nm; i++)
			add_unique_slot(&sel, &nsel, m[i]);
		vb_sysfs_list_free(m, nm);
		if (!nsel) {
			vb_err("%s: no device matches (present, or known from a claim record)",
			       argv[optind]);
			rc = VB_EXIT_FAIL;
			goto out;
		}
	} else if (!nsel) {
		select_broken(&c, &sel, &nsel);
		if (!nsel) {
			printf("nothing to recover: no %s is missing or reads all-ones\n",
			       c.have_conf ? "selected device" : "NVIDIA display function");
			goto out;
		}
	}

	for (i = 0; i < nsel; i++) {
		struct unit u;
		build_unit(&c, sel[i], &u);
		if (i)
			putchar('\n');
		rc = vb_worst(rc, recover_unit(&c, &u));
	}
out:
	vb_record_unlock(lock);
	vb_pciconf_close(c.p);
	vb_ids_free(&ids);
	vb_select_free(&c.conf);
	vb_sysfs_list_free(sel, nsel);
	return rc;
}
