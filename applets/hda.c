/* hda: the HDMI/DP audio function of NVIDIA GPUs, on, off or status (what
 * the nvhda module did).
 *
 * Kernel ABI and config space: bit 25 of the dword at 0x488 of the GPU
 * (function 0) exposes the HDA controller as function 1; the kernel reads
 * the header's multifunction bit (0x0e bit 7) only when it creates the
 * device, so turning it on takes a rescan when the kernel took the GPU for
 * multifunction already (5.3+: quirk_nvidia_hda), else
 * /sys/bus/pci/devices/GPU/remove and the parent bridge's rescan.
 * power/control of the GPU and its bridge wakes them first. quirk_nvidia_hda
 * (Linux 5.3+) sets the bit on enumeration and resume. See lib/pci/hda.h. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/act.h"
#include "applet.h"
#include "pci/hda.h"
#include "pci/kmod.h"
#include "pci/pciconf.h"
#include "pci/pcidev.h"
#include "pci/record.h"
#include "base/sysfs.h"
#include "base/util.h"

const char hda_usage[] =
	"usage: hda [-n] [--force] on|off|status [BDF]\n"
	"\n"
	"The HDMI/DP audio function of an NVIDIA GPU: bit 25 of config dword 0x488\n"
	"of the GPU (function 0) exposes it as function 1.\n"
	"  status  the bit, the header's multifunction bit, function 1 and its driver,\n"
	"          the power state (as it was before config space was read)\n"
	"  on      set the bit; if function 1 is not listed yet, rescan (enough when\n"
	"          the kernel took the GPU for multifunction when it created it, as\n"
	"          5.3+ do); if it is still missing, remove the GPU and rescan (the\n"
	"          kernel reads the multifunction bit when it creates a device), check\n"
	"          the multifunction bit and function 1, and put the GPU back on its\n"
	"          driver (the kernel forgets driver_override)\n"
	"  off     remove function 1, then clear the bit\n"
	"on and off wake the GPU and its parent bridge first (power/control=on) and\n"
	"put power/control back afterwards. Linux 5.3 and later set the bit again\n"
	"whenever the GPU is rescanned or resumes (quirk_nvidia_hda).\n"
	"BDF is the GPU, function 0; default: every NVIDIA display function 0.\n"
	"\n"
	"  -f, --force    act on a display function 0 that is not NVIDIA's (the bit\n"
	"                 means nothing there; for testing the sequence)\n"
	"  -n, --dry-run  print the writes, change nothing\n"
	"  -h, --help     this text\n";

/* NVIDIA display functions 0, the default targets. */
static int find_gpus(char ***v, size_t *n)
{
	char **all;
	size_t na, i;
	int r = vb_pcidev_list(&all, &na);

	*v = NULL;
	*n = 0;
	if (r < 0)
		return r;
	for (i = 0; i < na; i++) {
		struct vb_pciids id;
		struct vb_bdf b;
		if (vb_bdf_parse(all[i], &b) == 0 && b.fn == 0 &&
		    vb_pcidev_ids(all[i], &id) == 0 && id.vendor == 0x10de &&
		    vb_class_is_display(id.class))
			vb_pciops_addr_add(v, n, all[i]);
	}
	vb_sysfs_list_free(all, na);
	return 0;
}

/* Why 0x488 cannot be read although the GPU answers. */
static const char *why_no_488(const char *gpu)
{
	char p[VB_PATH_MAX];
	struct stat st;

	if (geteuid() != 0)
		return "needs root: other users read only the first 64 bytes of config space";
	if (vb_pcidev_path(p, sizeof(p), gpu, "config") == 0 && stat(p, &st) == 0 &&
	    st.st_size < 4096)
		return "the kernel gives only 256 bytes of config space for this device (no "
		       "extended config access: no MMCONFIG/ECAM, or pci=nommconf)";
	return "extended config space does not read";
}

/* The state, with the power state as it was before config space was read
 * (a read wakes a suspended GPU). */
static void print_status(const char *gpu, const struct vb_pciids *id, const struct vb_hda_status *st,
			 const char *state, const char *ctl)
{
	const char *word;

	if (!st->readable || !st->reg_ok)
		word = "unknown";
	else if (st->bit && st->fn1_present)
		word = "on";
	else if (!st->bit && !st->fn1_present)
		word = "off";
	else if (st->bit)
		word = "on, function 1 not listed (hda on rescans)";
	else
		word = "off, function 1 still listed (hda off removes it)";
	printf("%s  %04x:%04x  hda %s\n", gpu, id->vendor, id->device, word);
	if (st->reg_ok)
		printf("  config 0x488   0x%08x (bit 25 %s)\n", st->reg, st->bit ? "set" : "clear");
	else if (st->readable)
		printf("  config 0x488   unreadable: %s\n", why_no_488(gpu));
	else
		printf("  config 0x488   unreadable: the GPU reads all-ones (powered off, or it "
		       "left the bus)\n");
	if (st->readable)
		printf("  multifunction  %s\n", st->multifunction ? "yes" : "no");
	if (st->fn1_present)
		printf("  function 1     %s %04x:%04x, driver %s\n", st->fn1, st->fn1_id.vendor,
		       st->fn1_id.device, st->fn1_driver[0] ? st->fn1_driver : "none");
	else
		printf("  function 1     %s not listed\n", st->fn1);
	printf("  power          %s, control %s\n", state, ctl);
}

static int do_status(struct vb_pci *p, const char *gpu)
{
	char ctl[16] = "-", state[32] = "-", path[VB_PATH_MAX];
	struct vb_hda_status st;
	struct vb_pciids id;
	int r;

	if (vb_pcidev_path(path, sizeof(path), gpu, "power_state") == 0)
		vb_sysfs_read(path, state, sizeof(state));
	if (vb_pcidev_path(path, sizeof(path), gpu, "power/control") == 0)
		vb_sysfs_read(path, ctl, sizeof(ctl));
	if ((r = vb_pcidev_ids(gpu, &id)) < 0 ||
	    ((r = vb_hda_status(p, gpu, &st)) < 0 && !(r == -EIO && st.readable))) {
		vb_err("%s: %s", gpu, vb_sysfs_strerror(r, "config"));
		return VB_EXIT_FAIL;
	}
	print_status(gpu, &id, &st, state, ctl);
	if (!st.reg_ok && st.readable) {
		vb_err("%s: config 0x488: %s", gpu, why_no_488(gpu));
		return VB_EXIT_FAIL;
	}
	return VB_EXIT_OK;
}

static const char *step_words(enum vb_hda_step s)
{
	switch (s) {
	case VB_HDA_WAKE: return "wake";
	case VB_HDA_BIT: return "config 0x488";
	case VB_HDA_REMOVE: return "remove";
	case VB_HDA_RESCAN: return "rescan";
	case VB_HDA_BACK: return "rescan";
	case VB_HDA_NOFN1: return "function 1";
	case VB_HDA_BIND: return "rebind";
	case VB_HDA_OK: break;
	}
	return "hda";
}

static int do_set(const struct vb_act *a, struct vb_pci *p, const char *gpu, int on)
{
	struct vb_hda_op op;
	struct vb_pciids id;
	char rel[64] = "";
	int r;

	memset(&op, 0, sizeof(op));
	vb_strlcpy(op.gpu, gpu, sizeof(op.gpu));
	op.on = on;
	if (vb_pcidev_ids(gpu, &id) < 0)
		memset(&id, 0, sizeof(id));
	r = vb_hda_set(a, p, &op);
	if (r < 0) {
		const char *why;
		if (op.step == VB_HDA_WAKE && r == -EIO && vb_pciops_bbswitch(gpu) == 1)
			why = "the GPU reads all-ones: bbswitch holds it OFF (echo ON > "
			      "/proc/acpi/bbswitch)";
		else if (op.step == VB_HDA_WAKE && r == -EIO)
			why = "the GPU reads all-ones after power/control=on (powered off for good, "
			      "or it left the bus: vfiobox recover)";
		else if (op.step == VB_HDA_BIT && r == -EIO && op.before.readable &&
			 !op.before.reg_ok)
			why = why_no_488(gpu);
		else if (op.step == VB_HDA_BIT && r == -EIO)
			why = "the bit does not stick (not an NVIDIA GPU, or one without an HDA "
			      "function)";
		else if (op.step == VB_HDA_REMOVE && r == -EEXIST)
			why = "the kernel took the write but the device is still listed";
		else if (op.step == VB_HDA_BACK)
			why = "the GPU did not come back after the rescan (vfiobox recover)";
		else if (op.step == VB_HDA_NOFN1)
			why = op.multifunction_after || !on ?
			      "function 1 does not answer" :
			      "the GPU does not report multifunction with the bit set: it has no "
			      "HDA function, or its firmware hides it another way";
		else if (op.step == VB_HDA_BIND)
			why = "could not put the GPU back on its driver";
		else
			why = vb_sysfs_strerror(r, step_words(op.step));
		vb_err("%s: hda %s: %s: %s", gpu, on ? "on" : "off", step_words(op.step), why);
		if (op.step == VB_HDA_BIND && op.bind_step[0] && !op.undo_failed)
			vb_err("%s: %s: %s", gpu, op.bind_step, op.bind_detail);
		if (op.undo_failed) {
			vb_err("%s: undo failed: %s", gpu, op.left ? op.left : "state unknown");
			return VB_EXIT_STUCK;
		}
		if (op.step == VB_HDA_BACK)	/* the GPU is gone */
			return VB_EXIT_STUCK;
		return VB_EXIT_FAIL;
	}
	if (a->dry_run) {
		if (!op.changed)
			vb_act_note(a, "%s: hda is %s already: nothing to do", gpu, on ? "on" : "off");
	} else if (!op.changed) {
		printf("%s: hda %s already\n", gpu, on ? "on" : "off");
	} else {
		printf("%s: hda %s", gpu, on ? "on" : "off");
		if (on)
			printf(", %s %s", op.after.fn1,
			       op.after.fn1_present ? "present" : "not listed");
		if (on && op.after.fn1_present)
			printf(" (driver %s)", op.after.fn1_driver[0] ? op.after.fn1_driver : "none");
		if (op.reenumerated)
			printf(", GPU re-enumerated");
		putchar('\n');
		if (op.reenumerated && op.took[0] && op.binding.driver[0] &&
		    strcmp(op.took, op.binding.driver))
			printf("%s: %s took the GPU when it came back; it is on %s again\n", gpu,
			       op.took, op.bound[0] ? op.bound : "no driver");
		if (on && op.after.fn1_present && !strcmp(op.binding.driver, "vfio-pci") &&
		    strcmp(op.after.fn1_driver, "vfio-pci"))
			printf("%s: the GPU is on vfio-pci but %s is on %s: its IOMMU group is not "
			       "viable until vfio-claim takes %s too\n", gpu, op.after.fn1,
			       op.after.fn1_driver[0] ? op.after.fn1_driver : "no driver", op.after.fn1);
	}
	if (!on && vb_kmod_release(rel, sizeof(rel)) == 0 && vb_hda_quirk(rel, id.device) &&
	    id.vendor == 0x10de)
		vb_warn("%s: Linux %s sets the bit again when the GPU is rescanned or resumes "
			"(quirk_nvidia_hda): run hda off again after those", gpu, rel);
	return VB_EXIT_OK;
}

int hda_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vb_act act = { 0, 0, stdout };
	struct vb_pci *p = NULL;
	char **gpus = NULL, err[256] = "";
	size_t ngpu = 0, i;
	int c, r, force = 0, rc = VB_EXIT_OK, lock = -1;
	const char *op;

	while ((c = getopt_long(argc, argv, "nfh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': act.dry_run = 1; break;
		case 'f': force = 1; break;
		case 'h': vb_print_usage(hda_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (optind >= argc)
		return vb_usage_err("on, off or status?");
	op = argv[optind++];
	if (strcmp(op, "on") && strcmp(op, "off") && strcmp(op, "status"))
		return vb_usage_err("'%s': want on, off or status", op);
	if (argc - optind > 1)
		return vb_usage_err("one GPU at most (hda %s [BDF])", op);
	if (optind < argc) {
		char canon[VB_BDF_LEN];
		struct vb_pciids id;
		struct vb_bdf b;

		if (vb_bdf_canon(argv[optind], canon) < 0)
			return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)",
					    argv[optind]);
		if (!vb_pcidev_exists(canon)) {
			vb_err("%s: no such device (not present, or it left the bus: vfiobox "
			       "recover)", canon);
			return VB_EXIT_FAIL;
		}
		vb_bdf_parse(canon, &b);
		if (vb_pcidev_ids(canon, &id) < 0 || !vb_class_is_display(id.class) || b.fn) {
			b.fn = 0;
			vb_bdf_format(&b, canon);
			return vb_usage_err("%s: not a display function 0; the bit lives on the GPU "
					    "(%s)", argv[optind], canon);
		}
		if (id.vendor != 0x10de && !force)
			return vb_usage_err("%s: %04x:%04x is not an NVIDIA GPU (--force to write "
					    "0x488 anyway)", canon, id.vendor, id.device);
		vb_pciops_addr_add(&gpus, &ngpu, canon);
	} else if ((r = find_gpus(&gpus, &ngpu)) < 0) {
		vb_err("/sys/bus/pci/devices: %s", vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	if (!ngpu) {
		vb_err("no NVIDIA display device found (name one: hda %s BDF)", op);
		return VB_EXIT_FAIL;
	}
	if ((r = vb_pciconf_open(&p, strcmp(op, "status") != 0, err, sizeof(err))) < 0) {
		vb_err("libpci: %s", err[0] ? err : vb_sysfs_strerror(r, NULL));
		rc = VB_EXIT_FAIL;
		goto out;
	}
	if (strcmp(op, "status") && !act.dry_run) {
		lock = vb_lock_rebind(10000, "nothing changed");
		if (lock < 0) {
			rc = VB_EXIT_FAIL;
			goto out;
		}
	}
	for (i = 0; i < ngpu; i++) {
		if (!strcmp(op, "status")) {
			if (i)
				putchar('\n');
			rc = vb_worst(rc, do_status(p, gpus[i]));
		}
		else {
			rc = vb_worst(rc, do_set(&act, p, gpus[i], !strcmp(op, "on")));
		}
	}
out:
	vb_record_unlock(lock);
	vb_pciconf_close(p);
	vb_sysfs_list_free(gpus, ngpu);
	return rc;
}
