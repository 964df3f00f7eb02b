/* pci-reset: reset PCI functions through the kernel, optionally with one
 * chosen method; and the secondary bus reset the kernel refuses for a GPU
 * that shares its bus with its HDA function.
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/reset (write 1; the kernel saves
 * and restores config space and tells the driver; ENOTTY when no enabled
 * method works), reset_method (5.15+: the enabled methods in order; write a
 * space-separated list, "default" to re-probe; an unknown or unsupported
 * method is EINVAL and the old list stays). The kernel's "bus" method needs
 * the device alone on its bus below a bridge. Secondary bus reset: bridge
 * control register 0x3E bit 0x40 of the parent bridge (lib/pci/pciops). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/act.h"
#include "applet.h"
#include "pci/pciconf.h"
#include "pci/pcidev.h"
#include "pci/pciops.h"
#include "base/sysfs.h"
#include "base/util.h"

const char pci_reset_usage[] =
	"usage: pci-reset [-n] [-m METHOD] [--force] BDF...\n"
	"\n"
	"Reset functions through the kernel (/sys/bus/pci/devices/BDF/reset), which\n"
	"saves and restores their config space and tells their drivers. With -m,\n"
	"that method only: reset_method is set to METHOD for the reset and the\n"
	"previous list is put back afterwards, on every path.\n"
	"\n"
	"-m bus on a device that shares its bus with other functions (a GPU .0 and\n"
	"its HDA .1), which the kernel refuses, is done here instead: a secondary\n"
	"bus reset of the parent bridge (bridge control 0x3E bit 0x40 held 2 ms,\n"
	"then 100 ms, then up to 1 s for each device to answer with its ids), with\n"
	"the config space of every device below the bridge saved and restored\n"
	"(and an NVIDIA GPU's 0x488 bit 25, so its HDA function answers again).\n"
	"That resets all of them, so it is refused while any of them is bound to a\n"
	"driver other than vfio-pci or pci-stub, unless --force.\n"
	"\n"
	"  -m, --method=METHOD  flr, af_flr, pm, bus, acpi, device_specific, cxl_bus\n"
	"  -f, --force          bus reset even under other drivers (they are not told)\n"
	"  -n, --dry-run        print the writes, change nothing\n"
	"  -h, --help           this text\n";

static const char *const methods[] = {
	"flr", "af_flr", "pm", "bus", "acpi", "device_specific", "cxl_bus",
};

struct opts {
	struct vb_act act;
	const char *method;
	int force;
};

/* Why the kernel said no, in words. */
static const char *reset_why(int err, const char *addr, const char *methods_now,
			     char *buf, size_t n)
{
	char **peers;
	size_t np;

	if (err == -ENOTTY && strstr(methods_now, "bus") &&
	    vb_pciops_bus_peers(addr, &peers, &np) == 0) {
		if (np) {
			char list[256];
			vb_join_words(peers, np, list, sizeof(list));
			vb_sysfs_list_free(peers, np);
			snprintf(buf, n, "the kernel refuses a bus reset while other functions "
				 "share the bus (%s); -m bus resets the parent bridge's secondary "
				 "bus instead", list);
			return buf;
		}
		vb_sysfs_list_free(peers, np);
		if (!strcmp(methods_now, "bus"))
			return "the kernel's bus reset gave up: the device did not answer in time "
			       "afterwards, or the bridge never reported its link active (dmesg: "
			       "\"not ready\", \"Link Active not set\")";
	}
	if (err == -ENOTTY)
		return "no enabled reset method worked for this device";
	return vb_sysfs_strerror(err, "reset");
}

static const char *method_why(int err, const char *m)
{
	if (err == -EINVAL && !strcmp(m, "bus"))
		return "the kernel offers 'bus' only for a device alone on its bus below a "
		       "bridge, not for a bridge, and not where a quirk forbids it";
	if (err == -EINVAL)
		return "this device does not support that method (the kernel probes it "
		       "before taking it)";
	return vb_sysfs_strerror(err, "reset_method");
}

/* Reset through the kernel, with reset_method set to o->method meanwhile. */
static int kernel_reset(const struct opts *o, const char *addr)
{
	char mpath[VB_PATH_MAX], rpath[VB_PATH_MAX], saved[128] = "", why[512];
	int r, rc = VB_EXIT_OK, have_rm;

	vb_pcidev_path(rpath, sizeof(rpath), addr, "reset");
	vb_pcidev_path(mpath, sizeof(mpath), addr, "reset_method");
	have_rm = vb_sysfs_exists(mpath);
	if (have_rm && (r = vb_sysfs_read(mpath, saved, sizeof(saved))) < 0) {
		vb_err("%s: reset_method: %s", addr, vb_sysfs_strerror(r, "reset_method"));
		return VB_EXIT_FAIL;
	}
	if (!vb_sysfs_exists(rpath) && !o->method) {
		vb_err("%s: no reset attribute: the kernel knows no way to reset this device",
		       addr);
		return VB_EXIT_FAIL;
	}
	if (o->method) {
		if (!have_rm) {
			vb_err("%s: this kernel has no reset_method (Linux 5.15+): a method cannot "
			       "be chosen; run without -m", addr);
			return VB_EXIT_FAIL;
		}
		if ((r = vb_act_write(&o->act, mpath, o->method)) < 0) {
			vb_err("%s: reset_method %s: %s", addr, o->method, method_why(r, o->method));
			return VB_EXIT_FAIL;	/* the kernel kept the old list */
		}
	}
	r = vb_act_write(&o->act, rpath, "1");
	if (r < 0) {
		vb_err("%s: reset: %s", addr,
		       reset_why(r, addr, o->method ? o->method : saved, why, sizeof(why)));
		rc = VB_EXIT_FAIL;
	} else if (!o->act.dry_run) {
		printf("%s: reset (%s)\n", addr, o->method ? o->method : saved[0] ? saved : "kernel's choice");
	}
	if (o->method && strcmp(saved, o->method)) {
		/* Put the list back, whatever happened. */
		r = vb_act_write(&o->act, mpath, saved[0] ? saved : "\n");
		if (r == -EINVAL) {
			char now[128] = "";
			/* e.g. "bus" listed at enumeration, before the HDA was
			 * found: the kernel no longer takes it */
			if (vb_act_write(&o->act, mpath, "default") == 0) {
				vb_sysfs_read(mpath, now, sizeof(now));
				vb_warn("%s: reset_method: the kernel no longer takes '%s'; it is "
					"back to its default '%s'", addr, saved, now);
				return rc;
			}
		}
		if (r < 0) {
			vb_err("%s: reset_method: could not put back '%s' (%s): it stays '%s'",
			       addr, saved, vb_sysfs_strerror(r, "reset_method"), o->method);
			return VB_EXIT_STUCK;
		}
	}
	return rc;
}

/* The kernel's refusal, done by hand: a secondary bus reset of bridge. */
static int bus_reset(const struct opts *o, struct vb_pci *p, const char *bridge)
{
	struct vb_sbr s;
	char **below, list[1024], busy[1024] = "";
	size_t nbelow, i, used = 0;
	int r, rc;

	if ((r = vb_pciops_below(bridge, &below, &nbelow)) < 0) {
		vb_err("%s: cannot list the devices below it: %s", bridge, vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	for (i = 0; i < nbelow; i++) {
		char drv[64];
		if (vb_pcidev_driver(below[i], drv, sizeof(drv)) < 0 || vb_driver_passive(drv, VB_PASSIVE_VFIO))
			continue;
		int w = snprintf(busy + used, sizeof(busy) - used, "%s%s (%s)", used ? ", " : "",
				 below[i], drv);
		if (w > 0 && (size_t)w < sizeof(busy) - used)
			used += (size_t)w;
	}
	vb_join_words(below, nbelow, list, sizeof(list));
	vb_sysfs_list_free(below, nbelow);
	if (busy[0] && !o->force) {
		vb_err("%s: a secondary bus reset resets everything below it (%s), and %s %s "
		       "bound to a driver it would pull the device from under; unbind first "
		       "(vfio-claim), or --force", bridge, list, busy,
		       strchr(busy, ',') ? "are" : "is");
		return VB_EXIT_FAIL;
	}
	if (busy[0]) {
		if (o->act.dry_run)
			vb_act_note(&o->act, "--force: %s not told of the reset", busy);
		else
			vb_warn("%s: --force: %s not told of the reset; their drivers may need to be "
				"bound again", bridge, busy);
	}
	vb_act_note(&o->act, "secondary bus reset of %s: resets %s", bridge, list);
	memset(&s, 0, sizeof(s));
	vb_strlcpy(s.bridge, bridge, sizeof(s.bridge));
	s.wait_ms = 1000;
	r = vb_pciops_sbr(&o->act, p, &s);
	rc = VB_EXIT_OK;
	if (r < 0) {
		switch (s.step) {
		case VB_SBR_SAVE:
			vb_err("%s: save config: %s (nothing was reset)", s.failed,
			       r == -EIO ? "config space reads all-ones (powered off, or gone)" :
			       vb_sysfs_strerror(r, "config"));
			rc = VB_EXIT_FAIL;
			break;
		case VB_SBR_ASSERT:
			vb_err("%s: set bridge control bit 0x40: %s (nothing was reset)", bridge,
			       vb_pciconf_last_error(p)[0] ? vb_pciconf_last_error(p) :
			       vb_sysfs_strerror(r, "config"));
			rc = VB_EXIT_FAIL;
			break;
		case VB_SBR_DEASSERT:
			vb_err("%s: clear bridge control bit 0x40: %s: the bus below it is held in "
			       "reset (setpci -s %s 0x3e.W=0:0x40 releases it)", bridge,
			       vb_pciconf_last_error(p), bridge);
			rc = VB_EXIT_STUCK;
			break;
		case VB_SBR_WAIT:
			vb_err("%s: does not answer %ld ms after the bus reset; its config space "
			       "could not be restored (vfiobox recover brings it back)", s.failed,
			       s.wait_ms + 100);
			rc = VB_EXIT_STUCK;
			break;
		case VB_SBR_RESTORE:
			if (s.bad_offset >= 0)
				vb_err("%s: restore config: register 0x%02x reads back different "
				       "from what was saved", s.failed, s.bad_offset);
			else
				vb_err("%s: restore config: %s", s.failed, vb_sysfs_strerror(r, "config"));
			rc = VB_EXIT_STUCK;
			break;
		case VB_SBR_OK:
			vb_err("%s: %s", bridge, vb_sysfs_strerror(r, NULL));
			rc = VB_EXIT_FAIL;
			break;
		}
	} else if (!o->act.dry_run) {
		printf("%s: secondary bus reset: %s reset, back after %ld ms, config restored "
		       "(%d register%s written back)\n", bridge, list, s.back_ms, s.restored,
		       s.restored == 1 ? "" : "s");
	}
	vb_pciops_sbr_free(&s);
	return rc;
}

int pci_reset_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "method", required_argument, NULL, 'm' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o;
	char **addrs = NULL, **bridges = NULL, **kern = NULL;
	size_t naddr = 0, nbr = 0, nkern = 0, i;
	struct vb_pci *p = NULL;
	int c, rc = VB_EXIT_OK;

	memset(&o, 0, sizeof(o));
	o.act.out = stdout;
	while ((c = getopt_long(argc, argv, "nm:fh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': o.act.dry_run = 1; break;
		case 'm': o.method = optarg; break;
		case 'f': o.force = 1; break;
		case 'h': vb_print_usage(pci_reset_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (o.method) {
		int ok = 0;
		for (i = 0; i < VB_ARRAY_SIZE(methods); i++)
			ok |= !strcmp(o.method, methods[i]);
		if (!ok)
			return vb_usage_err("-m %s: not a reset method (flr, af_flr, pm, bus, acpi, "
					    "device_specific, cxl_bus)", o.method);
	}
	if (optind >= argc)
		return vb_usage_err("which devices? (pci-reset BDF...)");
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		char canon[VB_BDF_LEN];
		if (vb_bdf_canon(argv[i], canon) < 0)
			return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)", argv[i]);
		vb_pciops_addr_add(&addrs, &naddr, canon);
	}
	for (i = 0; i < naddr; i++) {
		if (!vb_pcidev_exists(addrs[i])) {
			vb_err("%s: no such device (not present, or it left the bus)", addrs[i]);
			rc = VB_EXIT_FAIL;
		}
	}
	if (rc != VB_EXIT_OK)
		goto out;

	/* Sort the work: kernel resets, and bus resets by parent bridge. */
	for (i = 0; i < naddr; i++) {
		char **peers, parent[VB_BDF_LEN];
		size_t np;

		if (!o.method || strcmp(o.method, "bus") ||
		    vb_pciops_bus_peers(addrs[i], &peers, &np) < 0) {
			vb_pciops_addr_add(&kern, &nkern, addrs[i]);
			continue;
		}
		if (!np) {
			vb_sysfs_list_free(peers, np);
			vb_pciops_addr_add(&kern, &nkern, addrs[i]);
			continue;
		}
		vb_pcidev_parent(addrs[i], parent);
		if (!parent[0]) {
			vb_err("%s: sits on a root bus next to other devices: there is no bridge "
			       "above it whose secondary bus could be reset", addrs[i]);
			rc = VB_EXIT_FAIL;
		} else {
			char list[512];
			vb_join_words(peers, np, list, sizeof(list));
			vb_act_note(&o.act, "%s: the kernel refuses a bus reset while %s share%s its "
				    "bus: resetting the secondary bus of %s instead", addrs[i], list,
				    np > 1 ? "" : "s", parent);
			vb_pciops_addr_add(&bridges, &nbr, parent);
		}
		vb_sysfs_list_free(peers, np);
	}
	if (rc != VB_EXIT_OK)
		goto out;

	for (i = 0; i < nkern; i++)
		rc = vb_worst(rc, kernel_reset(&o, kern[i]));
	if (nbr) {
		char err[256];
		int r = vb_pciconf_open(&p, 1, err, sizeof(err));
		if (r < 0) {
			vb_err("libpci: %s", err[0] ? err : vb_sysfs_strerror(r, NULL));
			rc = vb_worst(rc, VB_EXIT_FAIL);
			goto out;
		}
		for (i = 0; i < nbr; i++)
			rc = vb_worst(rc, bus_reset(&o, p, bridges[i]));
	}
out:
	vb_pciconf_close(p);
	vb_sysfs_list_free(addrs, naddr);
	vb_sysfs_list_free(bridges, nbr);
	vb_sysfs_list_free(kern, nkern);
	return rc;
}
