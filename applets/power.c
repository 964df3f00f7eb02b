/* power: runtime power management of a PCI device, read and set (what
 * bbswitch's ON/OFF did, done the kernel's way).
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/power/control ("on": keep it
 * powered, writing it resumes the device and its parents before returning;
 * "auto": the kernel may suspend it when idle, to D3cold where the platform
 * allows), power/runtime_status (active, suspended, suspending, resuming,
 * error, unsupported), power_state (D0..D3cold, 5.11+), d3cold_allowed
 * (0/1, needs CONFIG_ACPI). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/act.h"
#include "applet.h"
#include "pci/pcidev.h"
#include "base/sysfs.h"
#include "base/util.h"

const char power_usage[] =
	"usage: power [-n] [--d3cold=0|1] BDF [on|auto|status]\n"
	"\n"
	"Runtime power management of a PCI device (and the bridge above it, shown\n"
	"with status).\n"
	"  status   (default) power_state, power/control, power/runtime_status and\n"
	"           d3cold_allowed of the device and of its parent bridge\n"
	"  on       power/control=on: power it up and keep it up; checked by\n"
	"           waiting up to 1 s for runtime_status to read active\n"
	"  auto     power/control=auto: the kernel may power it down when it is\n"
	"           idle (to D3cold where the platform allows and d3cold_allowed=1)\n"
	"\n"
	"  -d, --d3cold=0|1  also set d3cold_allowed\n"
	"  -n, --dry-run     print the writes, change nothing\n"
	"  -h, --help        this text\n";

static void attr(const char *addr, const char *name, char *buf, size_t n)
{
	char p[VB_PATH_MAX];

	if (vb_pcidev_path(p, sizeof(p), addr, name) < 0 || vb_sysfs_read(p, buf, n) < 0)
		vb_strlcpy(buf, "-", n);
}

static void show(const char *addr, const char *label)
{
	char st[32], ctl[16], rt[32], d3[8];

	attr(addr, "power_state", st, sizeof(st));
	attr(addr, "power/control", ctl, sizeof(ctl));
	attr(addr, "power/runtime_status", rt, sizeof(rt));
	attr(addr, "d3cold_allowed", d3, sizeof(d3));
	if (!label) {
		printf("%s\n", addr);
		printf("  power_state     %s\n", st);
		printf("  control         %s\n", ctl);
		printf("  runtime_status  %s\n", rt);
		printf("  d3cold_allowed  %s\n", d3);
	} else {
		printf("  %-15s %s: %s, control %s, runtime %s, d3cold_allowed %s\n", label, addr,
		       st, ctl, rt, d3);
	}
}

static int write_attr(const struct vb_act *a, const char *addr, const char *name, const char *val)
{
	int r = vb_act_dev_write(a, addr, name, val);

	if (r < 0)
		vb_err("%s: %s: %s", addr, name, vb_sysfs_strerror(r, name));
	return r;
}

int power_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "d3cold", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vb_act act = { 0, 0, stdout };
	char addr[VB_BDF_LEN], parent[VB_BDF_LEN], p[VB_PATH_MAX], old[16] = "", oldd3[8] = "";
	const char *op = "status", *d3 = NULL;
	int c, r, wrote_d3 = 0;

	while ((c = getopt_long(argc, argv, "nd:h", lo, NULL)) != -1) {
		switch (c) {
		case 'n': act.dry_run = 1; break;
		case 'd': d3 = optarg; break;
		case 'h': vb_print_usage(power_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (d3 && strcmp(d3, "0") && strcmp(d3, "1"))
		return vb_usage_err("--d3cold=%s: want 0 or 1", d3);
	if (optind >= argc)
		return vb_usage_err("which device? (power BDF [on|auto|status])");
	if (vb_bdf_canon(argv[optind], addr) < 0)
		return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)", argv[optind]);
	if (argc - optind > 2)
		return vb_usage_err("too many arguments");
	if (argc - optind == 2)
		op = argv[optind + 1];
	if (strcmp(op, "on") && strcmp(op, "auto") && strcmp(op, "status"))
		return vb_usage_err("'%s': want on, auto or status", op);
	if (!strcmp(op, "status") && d3)
		return vb_usage_err("--d3cold sets: use it with on or auto");
	if (!vb_pcidev_exists(addr)) {
		vb_err("%s: no such device (not present, or it left the bus)", addr);
		return VB_EXIT_FAIL;
	}

	if (!strcmp(op, "status")) {
		show(addr, NULL);
		if (vb_pcidev_parent(addr, parent) == 0 && parent[0])
			show(parent, "parent");
		return VB_EXIT_OK;
	}

	if (vb_pcidev_path(p, sizeof(p), addr, "power/control") < 0 ||
	    vb_sysfs_read(p, old, sizeof(old)) < 0) {
		vb_err("%s: power/control: no such file (the kernel has no runtime PM for it)", addr);
		return VB_EXIT_FAIL;
	}
	if (d3) {
		if (vb_pcidev_path(p, sizeof(p), addr, "d3cold_allowed") < 0 ||
		    vb_sysfs_read(p, oldd3, sizeof(oldd3)) < 0) {
			vb_err("%s: d3cold_allowed: no such file (the kernel has it only with "
			       "CONFIG_ACPI)", addr);
			return VB_EXIT_FAIL;
		}
		if (strcmp(oldd3, d3)) {
			if (write_attr(&act, addr, "d3cold_allowed", d3) < 0)
				return VB_EXIT_FAIL;
			wrote_d3 = 1;
		}
	}
	if (strcmp(old, op) && write_attr(&act, addr, "power/control", op) < 0) {
		if (wrote_d3 && !act.dry_run && (r = vb_act_dev_write(&act, addr, "d3cold_allowed",
								       oldd3)) < 0) {
			vb_err("%s: undo: d3cold_allowed stays %s: %s", addr, d3,
			       vb_sysfs_strerror(r, "d3cold_allowed"));
			return VB_EXIT_STUCK;
		}
		return VB_EXIT_FAIL;
	}
	if (act.dry_run)
		return VB_EXIT_OK;
	if (!strcmp(op, "on")) {
		char rt[32] = "";
		long long end = vb_now_ms() + 1000;
		for (;;) {
			attr(addr, "power/runtime_status", rt, sizeof(rt));
			if (!strcmp(rt, "active") || !strcmp(rt, "unsupported") || !strcmp(rt, "-"))
				break;
			if (vb_now_ms() >= end) {
				vb_err("%s: power/control is on but runtime_status still reads %s: the "
				       "resume failed (see dmesg)", addr, rt);
				return VB_EXIT_FAIL;
			}
			vb_sleep_ms(20);
		}
	}
	show(addr, NULL);
	if (!strcmp(op, "auto"))
		printf("  (control auto: the kernel powers it down once it is idle)\n");
	return VB_EXIT_OK;
}
