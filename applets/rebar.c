/* rebar: resize a Resizable BAR, with the device unbound or on vfio-pci.
 *
 * Kernel ABI (drivers/pci/pci-sysfs.c, Linux 6.1+):
 * /sys/bus/pci/devices/ADDR/resourceN_resize reads the sizes the device
 * supports (hex bitmap, bit n = 2^(n+20) bytes, lib/pci/bars) and takes n
 * to resize BAR N; the kernel refuses with EBUSY while any driver is bound,
 * vfio-pci included, so a device on vfio-pci is taken off it for the write
 * (driver_override none: nothing else can bind meanwhile) and put back
 * through the rebind engine. The new size is read back from `resource`; if
 * the write fails or the size is not the one asked for, the old size is
 * written back. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "base/act.h"
#include "base/sysfs.h"
#include "base/util.h"
#include "pci/bars.h"
#include "pci/pcidev.h"
#include "pci/rebind.h"
#include "pci/record.h"

const char rebar_usage[] =
	"usage: rebar [-n] BDF BAR SIZE\n"
	"\n"
	"Resize BAR (0-5) of the device at BDF to SIZE (bytes, or with K, M, G, T,\n"
	"KiB, MiB, GiB, TiB: a power of two the device supports; list shows them).\n"
	"The device must be unbound or on vfio-pci: the kernel resizes only with\n"
	"no driver bound, so vfio-pci is unbound for the write and bound again.\n"
	"Another driver is refused, by name. The size is read back; when it is not\n"
	"the one asked for, the old size is written back. Linux 6.1+.\n"
	"\n"
	"  -n, --dry-run  print the writes, change nothing\n"
	"  -h, --help     this text\n"
	"\n"
	"Exit: 0 resized (or already that size); 1 refused or failed, the old size\n"
	"in place; 2 usage; 3 failed and the old size or the driver could not be\n"
	"put back (the message says what is left).\n";

/* SIZE: bytes, or a number with K/M/G/T (optionally followed by iB or B);
 * the bit of the resize bitmap, or -1. */
static int parse_size(const char *s, int *bit)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10), mul = 1;
	int b;

	if (end == s || *s == '-')
		return -1;
	switch (*end) {
	case 'K': mul = 1ull << 10; end++; break;
	case 'M': mul = 1ull << 20; end++; break;
	case 'G': mul = 1ull << 30; end++; break;
	case 'T': mul = 1ull << 40; end++; break;
	default: break;
	}
	if (mul > 1 && (!strcmp(end, "iB") || !strcmp(end, "B")))
		end += strlen(end);
	if (*end || !v || v > (1ull << 63) / mul)
		return -1;
	v *= mul;
	if (v & (v - 1))
		return -1;
	for (b = 0; (1ull << b) != v; b++)
		;
	if (b < 20)
		return -1;
	*bit = b - 20;
	return 0;
}

/* The current size of BAR bar (0 if not in use), -errno. */
static int bar_now(const char *addr, int bar, struct vb_bar *out)
{
	struct vb_bar b[VB_BAR_N];
	int n = vb_bars_read(addr, b), i;

	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (b[i].index == bar) {
			*out = b[i];
			return 1;
		}
	return 0;
}

static int write_bit(const struct vb_act *a, const char *addr, int bar, int bit)
{
	char attr[32], val[8];

	snprintf(attr, sizeof(attr), "resource%d_resize", bar);
	snprintf(val, sizeof(val), "%d", bit);
	return vb_act_dev_write(a, addr, attr, val);
}

/* Move addr between vfio-pci and unbound (driver_override none) through the
 * rebind engine; in a dry run the state is the one the plan leads to. */
static int move(struct vb_rebind_ctx *rc, const char *addr, const char *target, const char *drv,
		const char *ovr)
{
	struct vb_rebind v;
	int r = rc->act->dry_run ? vb_rebind_plan_known(&v, addr, target, drv, ovr) :
		vb_rebind_plan(&v, addr, target);

	if (r <= 0)
		return r;
	return vb_rebind_run(rc, &v, 1);
}

int rebar_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vb_act act = { 0, 0, stdout };
	struct vb_rebind_ctx rc;
	struct vb_bar old;
	char addr[VB_BDF_LEN], drv[VB_DRV_LEN] = "", ovr[VB_DRV_LEN] = "", want[32], have[32],
	     sizes[600], attr[32], p[VB_PATH_MAX];
	unsigned long bar;
	int c, bit, oldbit, r, rc_exit = VB_EXIT_OK, on_vfio, lock = -1;

	while ((c = getopt_long(argc, argv, "nh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': act.dry_run = 1; break;
		case 'h': vb_print_usage(rebar_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (argc - optind != 3)
		return vb_usage_err("want BDF BAR SIZE");
	if (vb_bdf_canon(argv[optind], addr) < 0)
		return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)", argv[optind]);
	if (vb_parse_ulong(argv[optind + 1], 10, 5, &bar) < 0)
		return vb_usage_err("'%s': BAR is 0 to 5", argv[optind + 1]);
	if (parse_size(argv[optind + 2], &bit) < 0)
		return vb_usage_err("'%s': SIZE is a power of two of 1 MiB or more (e.g. 256M, 8G)",
				    argv[optind + 2]);
	vb_bars_size_text(1ull << (bit + 20), want, sizeof(want));

	if (!vb_pcidev_exists(addr)) {
		vb_err("%s: no such device", addr);
		return VB_EXIT_FAIL;
	}
	snprintf(attr, sizeof(attr), "resource%lu_resize", bar);
	if (vb_pcidev_path(p, sizeof(p), addr, attr) < 0 || !vb_sysfs_exists(p)) {
		vb_err("%s: BAR %lu is not resizable (no %s: not in the device's Resizable BAR "
		       "capability, or a kernel before 6.1)", addr, bar, attr);
		return VB_EXIT_FAIL;
	}
	if ((r = bar_now(addr, (int)bar, &old)) <= 0 || !old.resizable) {
		vb_err("%s: BAR %lu: %s", addr, bar, r < 0 ? vb_sysfs_strerror(r, "resource") :
		       "not in use, or its resize sizes are unreadable");
		return VB_EXIT_FAIL;
	}
	vb_bars_size_text(old.size, have, sizeof(have));
	if (!(old.sizes & 1ull << bit)) {
		vb_bars_sizes_text(old.sizes, sizes, sizeof(sizes));
		vb_err("%s: BAR %lu cannot be %s: the device supports %s", addr, bar, want, sizes);
		return VB_EXIT_FAIL;
	}
	if (old.size == 1ull << (bit + 20)) {
		printf("%s: BAR %lu is %s already\n", addr, bar, want);
		return VB_EXIT_OK;
	}
	for (oldbit = 0; oldbit < 44 && (1ull << (oldbit + 20)) != old.size; oldbit++)
		;
	vb_pcidev_driver(addr, drv, sizeof(drv));
	vb_pcidev_override(addr, ovr, sizeof(ovr));
	on_vfio = vb_driver_is_vfio(drv);
	if (drv[0] && !on_vfio) {
		vb_err("%s: on %s, which uses the BAR: the kernel resizes only with no driver; "
		       "move it to vfio-pci (vfio-claim %s) or unbind it first; nothing changed",
		       addr, drv, addr);
		return VB_EXIT_FAIL;
	}
	if (!act.dry_run && (lock = vb_lock_rebind(10000, "nothing changed")) < 0)
		return VB_EXIT_FAIL;
	vb_rebind_ctx_init(&rc, &act);
	if (act.dry_run)
		vb_act_note(&act, "BAR %lu of %s: %s -> %s%s%s", bar, addr, have, want,
			    on_vfio ? "; off " : "", on_vfio ? drv : "");
	if (on_vfio && (r = move(&rc, addr, VB_TARGET_NONE, drv, ovr)) < 0) {
		vb_err("%s: %s: %s; nothing changed", addr, rc.fail_step, rc.fail_detail);
		rc_exit = rc.stuck ? VB_EXIT_STUCK : VB_EXIT_FAIL;
		goto out;
	}
	r = write_bit(&act, addr, (int)bar, bit);
	if (!act.dry_run) {
		struct vb_bar now;
		int got = r < 0 ? 0 : bar_now(addr, (int)bar, &now);
		if (r < 0 || got <= 0 || now.size != 1ull << (bit + 20)) {
			char n2[32] = "";
			if (got > 0)
				vb_bars_size_text(now.size, n2, sizeof(n2));
			vb_err("%s: BAR %lu to %s: %s", addr, bar, want, r < 0 ?
			       vb_sysfs_strerror(r, attr) : got > 0 ? "the kernel took it, but "
			       "the BAR reads another size" : "the BAR is not in use afterwards");
			if (got > 0)
				vb_err("%s: BAR %lu reads %s; writing %s back", addr, bar, n2, have);
			rc_exit = VB_EXIT_FAIL;
			if (r >= 0 || got > 0) {
				int w = write_bit(&act, addr, (int)bar, oldbit);
				if (w < 0 || bar_now(addr, (int)bar, &now) <= 0 || now.size != old.size) {
					vb_err("%s: state left: BAR %lu not back at %s (%s)", addr, bar,
					       have, w < 0 ? vb_sysfs_strerror(w, attr) :
					       "reads another size");
					rc_exit = VB_EXIT_STUCK;
				}
			}
		} else {
			printf("%s: BAR %lu resized from %s to %s\n", addr, bar, have, want);
		}
	}
	if (on_vfio && (r = move(&rc, addr, drv, "", VB_TARGET_NONE)) < 0) {
		vb_err("%s: back to %s: %s: %s; state left: %s", addr, drv, rc.fail_step,
		       rc.fail_detail, "unbound, driver_override none");
		rc_exit = VB_EXIT_STUCK;
	}
out:
	if (lock >= 0)
		vb_record_unlock(lock);
	return rc_exit;
}
