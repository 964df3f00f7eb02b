/* pci-remove: hot-remove PCI devices, the way `echo 1 > .../remove` does,
 * and say what else goes with them: everything below a bridge, and with
 * --slot the other functions of the slot (highest first, so the HDA .1
 * goes before the GPU .0, as the seed guide's reset procedure does).
 *
 * Kernel ABI: /sys/bus/pci/devices/ADDR/remove (write 1: the driver is
 * detached, then the device and the buses below it are removed; the write
 * returns once they are gone). pci-rescan brings them back. */
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

const char pci_remove_usage[] =
	"usage: pci-remove [-n] [--slot] BDF...\n"
	"\n"
	"Remove devices from the kernel's view of the bus; their drivers are\n"
	"detached first. Removing a bridge removes everything below it. The other\n"
	"functions of a device's slot stay unless --slot is given. Each removal is\n"
	"checked: the device must be gone afterwards. pci-rescan brings them back.\n"
	"\n"
	"  -s, --slot     also remove the other functions of each device's slot,\n"
	"                 highest function first (the HDA .1 before the GPU .0);\n"
	"                 if one fails, the ones already removed are rescanned\n"
	"  -n, --dry-run  print the writes, change nothing\n"
	"  -h, --help     this text\n";

/* One removal: a device, and what goes with it. */
struct item {
	char addr[VB_BDF_LEN];
	char driver[64];
	char **below;		/* devices below it (a bridge) */
	size_t nbelow;
	int slot_group;		/* index of the slot it was expanded from */
};

static void join(char **v, size_t n, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < n && used + 2 < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%s", i ? " " : "", v[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
}

/* Functions of addr's slot, highest function first. */
static int slot_desc(const char *addr, char ***v, size_t *n)
{
	size_t i;
	int r = vb_pcidev_slot(addr, v, n);

	if (r < 0)
		return r;
	for (i = 0; i < *n / 2; i++) {
		char *t = (*v)[i];
		(*v)[i] = (*v)[*n - 1 - i];
		(*v)[*n - 1 - i] = t;
	}
	return 0;
}

/* Bring back what a failed --slot removal already took away. */
static int undo_slot(const struct vb_act *a, struct item *it, size_t from, size_t to)
{
	char path[VB_PATH_MAX];
	size_t i;
	int r, rc = VB_EXIT_FAIL;
	long long end;

	if ((r = vb_pciops_rescan_attr(it[from].addr, path, sizeof(path))) < 0 ||
	    (r = vb_pciops_rescan(a, path)) < 0) {
		vb_err("%s: undo: rescan: %s", it[from].addr, vb_sysfs_strerror(r, "rescan"));
		rc = VB_EXIT_STUCK;
	}
	end = vb_now_ms() + 2000;
	for (i = from; i < to; i++) {
		while (!vb_pcidev_exists(it[i].addr) && vb_now_ms() < end)
			vb_sleep_ms(20);
		if (!vb_pcidev_exists(it[i].addr)) {
			vb_err("%s: undo: still removed after the rescan", it[i].addr);
			rc = VB_EXIT_STUCK;
		} else {
			vb_info("%s: undo: back after a rescan", it[i].addr);
		}
	}
	return rc;
}

int pci_remove_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "slot", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vb_act act = { 0, 0, stdout };
	struct item *it = NULL;
	size_t nit = 0, i, j;
	char **gone = NULL;
	size_t ngone = 0;
	int slot = 0, c, rc = VB_EXIT_OK, group;
	char buf[1024];

	while ((c = getopt_long(argc, argv, "nsh", lo, NULL)) != -1) {
		switch (c) {
		case 'n': act.dry_run = 1; break;
		case 's': slot = 1; break;
		case 'h': vb_print_usage(pci_remove_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (optind >= argc)
		return vb_usage_err("which devices? (pci-remove BDF...)");
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		char canon[VB_BDF_LEN];
		if (vb_bdf_canon(argv[i], canon) < 0)
			return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)", argv[i]);
	}
	/* Everything is checked before the first write. */
	for (group = 0, i = (size_t)optind; i < (size_t)argc; i++, group++) {
		char canon[VB_BDF_LEN], **v;
		size_t nv;

		vb_bdf_canon(argv[i], canon);
		if (!vb_pcidev_exists(canon)) {
			vb_err("%s: no such device (not present, or it left the bus)", canon);
			rc = VB_EXIT_FAIL;
			continue;
		}
		if (slot) {
			if (slot_desc(canon, &v, &nv) < 0) {
				vb_err("%s: cannot list the functions of its slot", canon);
				rc = VB_EXIT_FAIL;
				continue;
			}
		} else {
			v = vb_xcalloc(1, sizeof(*v));
			v[0] = vb_xstrdup(canon);
			nv = 1;
		}
		for (j = 0; j < nv; j++) {
			struct item *x;
			size_t k;
			int dup = 0;

			for (k = 0; k < nit; k++)
				dup |= !strcmp(it[k].addr, v[j]);
			if (dup)
				continue;
			it = vb_xrealloc(it, (nit + 1) * sizeof(*it));
			x = &it[nit++];
			memset(x, 0, sizeof(*x));
			vb_strlcpy(x->addr, v[j], sizeof(x->addr));
			x->slot_group = group;
			vb_pcidev_driver(x->addr, x->driver, sizeof(x->driver));
			if (vb_pciops_below(x->addr, &x->below, &x->nbelow) < 0) {
				x->below = NULL;
				x->nbelow = 0;
			}
		}
		vb_sysfs_list_free(v, nv);
	}
	if (rc != VB_EXIT_OK)
		goto out;

	for (i = 0; i < nit; i++) {
		struct item *x = &it[i];
		int r;

		if (vb_pciops_addr_has(gone, ngone, x->addr)) {
			vb_act_note(&act, "%s: removed already, with the bridge above it", x->addr);
			if (!act.dry_run)
				printf("%s: removed already, with the bridge above it\n", x->addr);
			continue;
		}
		if (x->nbelow) {
			char **left = vb_xcalloc(x->nbelow, sizeof(*left));
			size_t nl = 0;
			for (j = 0; j < x->nbelow; j++)
				if (!vb_pciops_addr_has(gone, ngone, x->below[j]))
					left[nl++] = x->below[j];
			join(left, nl, buf, sizeof(buf));
			free(left);
			if (nl)
				vb_act_note(&act, "%s is a bridge: %s below it go%s too", x->addr, buf,
					    nl == 1 ? "es" : "");
		}
		if (x->driver[0])
			vb_act_note(&act, "%s: %s lets go of it first", x->addr, x->driver);
		if (!slot) {
			char **sib;
			size_t ns, k, m = 0;
			if (vb_pcidev_slot(x->addr, &sib, &ns) == 0) {
				for (k = 0; k < ns; k++)
					if (strcmp(sib[k], x->addr) && !vb_pciops_addr_has(gone, ngone, sib[k]))
						sib[m++] = sib[k];
					else
						free(sib[k]);
				if (m) {
					join(sib, m, buf, sizeof(buf));
					vb_act_note(&act, "%s: the other functions of its slot stay: %s "
						    "(--slot removes them too)", x->addr, buf);
				}
				vb_sysfs_list_free(sib, m);
			}
		}
		r = vb_pciops_remove(&act, x->addr, 500);
		if (r < 0) {
			size_t first = i;
			if (r == -EEXIST)
				vb_err("%s: remove: the kernel took the write but the device is still "
				       "listed", x->addr);
			else
				vb_err("%s: remove: %s", x->addr, vb_sysfs_strerror(r, "remove"));
			rc = vb_worst(rc, VB_EXIT_FAIL);
			/* A slot goes as a whole or not at all. */
			while (first > 0 && it[first - 1].slot_group == x->slot_group && slot)
				first--;
			if (slot && first < i)
				rc = vb_worst(rc, undo_slot(&act, it, first, i));
			while (i + 1 < nit && it[i + 1].slot_group == x->slot_group && slot)
				i++;
			continue;
		}
		vb_pciops_addr_add(&gone, &ngone, x->addr);
		for (j = 0; j < x->nbelow; j++)
			vb_pciops_addr_add(&gone, &ngone, x->below[j]);
		if (!act.dry_run) {
			printf("removed %s", x->addr);
			if (x->driver[0])
				printf(" (was on %s)", x->driver);
			if (x->nbelow) {
				join(x->below, x->nbelow, buf, sizeof(buf));
				printf(", and below it %s", buf);
			}
			putchar('\n');
		}
	}
out:
	for (i = 0; i < nit; i++)
		vb_sysfs_list_free(it[i].below, it[i].nbelow);
	free(it);
	vb_sysfs_list_free(gone, ngone);
	return rc;
}
