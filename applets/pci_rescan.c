/* pci-rescan: rescan the PCI bus so removed (or re-powered) devices come
 * back, and say which ones did.
 *
 * Kernel ABI: /sys/bus/pci/rescan (every bus); /sys/bus/pci/devices/ADDR/
 * rescan (the bus ADDR sits on, and through each bridge on it the buses
 * below); /sys/class/pci_bus/DDDD:BB/rescan (that bus). All take a non-zero
 * number and return once the scan is done. A device that is gone is placed
 * by its bus number: the bridge whose secondary bus that is. The scan reads
 * config space through that bridge, which a runtime-suspended bridge does
 * not pass on (older kernels do not wake it): its power/control is
 * set to on for the rescan and put back afterwards. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/act.h"
#include "applet.h"
#include "pci/pcidev.h"
#include "pci/pciops.h"
#include "base/sysfs.h"
#include "base/util.h"

const char pci_rescan_usage[] =
	"usage: pci-rescan [-n] [BDF]\n"
	"\n"
	"Rescan the PCI bus and print the devices that appeared. Without BDF, every\n"
	"bus (/sys/bus/pci/rescan). With BDF, present or not, the bus it sits on:\n"
	"through the rescan attribute of its parent bridge (the bridge whose\n"
	"secondary bus is BDF's bus), which also rescans the buses below that\n"
	"bridge; for a device on a root bus, that bus (/sys/class/pci_bus/DDDD:BB/\n"
	"rescan), and every bus when neither is there. The parent bridge (without\n"
	"BDF: every runtime-suspended bridge) is kept awake meanwhile\n"
	"(power/control=on, put back afterwards): a suspended bridge hides what is\n"
	"below it. With BDF, it is an error if BDF is not there afterwards.\n"
	"\n"
	"  -n, --dry-run  print the write, change nothing\n"
	"  -h, --help     this text\n";

/* Wake the bridges that are runtime-suspended now (a whole-bus rescan does
 * not see below them); returns how many were set to power/control=on. */
static size_t wake_bridges(const struct vb_act *a, struct vb_power_save **pw)
{
	char **all, p[VB_PATH_MAX], rt[32];
	size_t n, i, k = 0;

	*pw = NULL;
	if (vb_pcidev_list(&all, &n) < 0)
		return 0;
	*pw = vb_xcalloc(n ? n : 1, sizeof(**pw));
	for (i = 0; i < n; i++) {
		struct vb_pciids id;
		if (vb_pcidev_ids(all[i], &id) < 0 || (id.class >> 8) != 0x0604 ||
		    vb_pcidev_path(p, sizeof(p), all[i], "power/runtime_status") < 0 ||
		    vb_sysfs_read(p, rt, sizeof(rt)) < 0 || strcmp(rt, "suspended"))
			continue;
		if (vb_pciops_power_on(a, all[i], &(*pw)[k]) == 0 && (*pw)[k].changed)
			k++;
	}
	vb_sysfs_list_free(all, n);
	return k;
}

int pci_rescan_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vb_act act = { 0, 0, stdout };
	struct vb_power_save *pw = NULL;
	size_t npw = 0;
	char addr[VB_BDF_LEN] = "", parent[VB_BDF_LEN] = "", path[VB_PATH_MAX];
	char **before = NULL, **after = NULL;
	size_t nb = 0, na = 0, i;
	int c, r, shown = 0, rc = VB_EXIT_OK;
	long long end;

	while ((c = getopt_long(argc, argv, "nh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': act.dry_run = 1; break;
		case 'h': vb_print_usage(pci_rescan_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (argc - optind > 1)
		return vb_usage_err("one device at most (pci-rescan [BDF])");
	if (optind < argc && vb_bdf_canon(argv[optind], addr) < 0)
		return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)", argv[optind]);

	if (addr[0]) {
		if ((r = vb_pciops_parent(addr, parent)) < 0 ||
		    (r = vb_pciops_rescan_attr(addr, path, sizeof(path))) < 0) {
			vb_err("%s: cannot find where it sits: %s", addr, vb_sysfs_strerror(r, NULL));
			return VB_EXIT_FAIL;
		}
		if (parent[0]) {
			vb_act_note(&act, "%s sits behind %s: rescan there", addr, parent);
			/* Devices below a suspended bridge do not answer the scan. */
			pw = vb_xcalloc(1, sizeof(*pw));
			if ((r = vb_pciops_power_on(&act, parent, pw)) < 0)
				vb_warn("%s: power/control on: %s; rescanning anyway", parent,
					vb_sysfs_strerror(r, "power/control"));
			npw = 1;
		} else
			vb_act_note(&act, "%s sits on a root bus", addr);
	} else if ((r = vb_sysfs_path(path, sizeof(path), "/sys/bus/pci/rescan")) < 0) {
		vb_err("/sys/bus/pci/rescan: %s", vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	} else if ((npw = wake_bridges(&act, &pw)) > 0) {
		vb_act_note(&act, "%zu runtime-suspended bridge%s woken for the rescan", npw,
			    npw == 1 ? "" : "s");
	}
	if ((r = vb_pcidev_list(&before, &nb)) < 0) {
		vb_err("/sys/bus/pci/devices: %s", vb_sysfs_strerror(r, NULL));
		rc = VB_EXIT_FAIL;
		goto out;
	}
	r = vb_pciops_rescan(&act, path);
	if (r < 0) {
		vb_err("%s: %s", vb_sysfs_unroot(path), vb_sysfs_strerror(r, "rescan"));
		rc = VB_EXIT_FAIL;
		goto out;
	}
	if (act.dry_run)
		goto out;
	/* The write returns when the scan is done; drivers may still be
	 * binding, which is not waited for. */
	end = vb_now_ms() + 1000;
	while (addr[0] && !vb_pcidev_exists(addr) && vb_now_ms() < end)
		vb_sleep_ms(20);
	if (vb_pcidev_list(&after, &na) < 0)
		na = 0;
	for (i = 0; i < na; i++) {
		if (vb_pciops_addr_has(before, nb, after[i]))
			continue;
		printf("%s %s", shown++ ? "" : "appeared:", after[i]);
	}
	if (shown)
		putchar('\n');
	else
		printf("rescanned %s: nothing new\n", vb_sysfs_unroot(path));
	if (addr[0] && !vb_pcidev_exists(addr)) {
		vb_err("%s: still not there after the rescan (powered off, unplugged, or it does "
		       "not answer config reads)", addr);
		rc = VB_EXIT_FAIL;
	}
out:
	while (npw--) {
		if ((r = vb_pciops_power_restore(&act, &pw[npw])) < 0) {
			vb_err("%s: power/control: could not put back %s: %s", pw[npw].addr,
			       pw[npw].control, vb_sysfs_strerror(r, "power/control"));
			rc = VB_EXIT_STUCK;
		}
	}
	free(pw);
	vb_sysfs_list_free(before, nb);
	vb_sysfs_list_free(after, na);
	return rc;
}
