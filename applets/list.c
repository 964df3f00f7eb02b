/* list: GPUs and their sibling functions (or every device with -a), with
 * what passthrough cares about: ids, driver, IOMMU group and its other
 * members, power state, boot_vga, reset methods, PCIe link.
 *
 * Reads only: /sys/bus/pci/devices/ADDR/{modalias,revision,driver,
 * driver_override,iommu_group,boot_vga,power_state,power/control,
 * power/runtime_status,d3cold_allowed,reset,reset_method,current_link_*,
 * max_link_*} and /sys/kernel/iommu_groups/N/devices. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applet.h"
#include "base/json.h"
#include "pci/pcidev.h"
#include "base/sysfs.h"
#include "base/util.h"

const char list_usage[] =
	"usage: list [-a] [--json] [BDF...]\n"
	"\n"
	"List display devices and the other functions of their slots (01:00.0\n"
	"and its HDA 01:00.1), or every PCI device with -a, or the devices named.\n"
	"For each: address, class, vendor:device, subsystem ids, revision, driver,\n"
	"driver_override, IOMMU group and its other members, power state,\n"
	"boot_vga, reset methods, PCIe link, upstream bridge, SR-IOV VF.\n"
	"\n"
	"  -a, --all     every PCI device\n"
	"  -j, --json    one JSON object (format in README, \"list --json\")\n"
	"  -h, --help    this text\n";

struct list_opts {
	int all, json;
};

static int cmp_str(const void *a, const void *b)
{
	return vb_bdf_cmp(*(char *const *)a, *(char *const *)b);
}

/* Add s to the set v (no duplicates). */
static void add(char ***v, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*v)[i], s))
			return;
	*v = vb_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = vb_xstrdup(s);
}

/* Display devices plus every function of their slots. */
static int select_default(char ***sel, size_t *nsel)
{
	char **all;
	size_t n, i, j;
	int r = vb_pcidev_list(&all, &n);

	if (r < 0)
		return r;
	for (i = 0; i < n; i++) {
		struct vb_pciids id;
		char **slot;
		size_t ns;

		if (vb_pcidev_ids(all[i], &id) < 0 || !vb_class_is_display(id.class))
			continue;
		if (vb_pcidev_slot(all[i], &slot, &ns) < 0)
			continue;
		for (j = 0; j < ns; j++)
			add(sel, nsel, slot[j]);
		vb_sysfs_list_free(slot, ns);
	}
	vb_sysfs_list_free(all, n);
	return 0;
}

static void reset_words(const struct vb_pcidev *d, char *buf, size_t n)
{
	if (d->reset_methods[0])
		vb_strlcpy(buf, d->reset_methods, n);
	else if (d->has_reset && !d->has_reset_method)
		vb_strlcpy(buf, "yes (kernel does not list methods)", n);
	else
		vb_strlcpy(buf, "none", n);
}

static void print_text(const struct vb_pcidev *d, char **members, size_t nm)
{
	char buf[160];
	size_t i;
	int others = 0;

	printf("%s  %s [%04x]  %04x:%04x", d->addr, vb_class_name(d->id.class),
	       d->id.class >> 8, d->id.vendor, d->id.device);
	if (d->id.subvendor || d->id.subdevice)
		printf("  subsystem %04x:%04x", d->id.subvendor, d->id.subdevice);
	if (d->revision >= 0)
		printf("  rev %02x", d->revision);
	putchar('\n');
	printf("  driver         %s", d->driver[0] ? d->driver : "none");
	if (d->override[0])
		printf(" (driver_override %s)", d->override);
	putchar('\n');
	if (d->group >= 0) {
		printf("  iommu group    %d", d->group);
		for (i = 0; i < nm; i++) {
			if (!strcmp(members[i], d->addr))
				continue;
			printf("%s%s", others++ ? " " : ", with ", members[i]);
		}
		if (!others)
			printf(", alone");
		putchar('\n');
	} else {
		printf("  iommu group    none\n");
	}
	printf("  power          %s", d->power_state[0] ? d->power_state : "unknown");
	if (d->power_control[0])
		printf(", control %s", d->power_control);
	if (d->runtime_status[0])
		printf(", runtime %s", d->runtime_status);
	if (d->d3cold_allowed >= 0)
		printf(", d3cold %s", d->d3cold_allowed ? "allowed" : "not allowed");
	putchar('\n');
	if (d->boot_vga >= 0)
		printf("  boot_vga       %d%s\n", d->boot_vga,
		       d->boot_vga ? " (the firmware console)" : "");
	reset_words(d, buf, sizeof(buf));
	printf("  reset          %s\n", buf);
	if (d->link_speed[0]) {
		printf("  link           %s x%d", d->link_speed, d->link_width);
		if (d->max_link_speed[0])
			printf(" (max %s x%d)", d->max_link_speed, d->max_link_width);
		putchar('\n');
	}
	printf("  parent         %s\n", d->parent[0] ? d->parent : "root bus");
	if (d->is_vf)
		printf("  sr-iov         virtual function\n");
}

static void json_hex(const char *key, unsigned v, int w)
{
	printf("\"%s\":\"%0*x\"", key, w, v);
}

static void print_json(const struct vb_pcidev *d, char **members, size_t nm, int first)
{
	size_t i;
	int k = 0;

	printf("%s\n    {\"address\":\"%s\",", first ? "" : ",", d->addr);
	json_hex("class", d->id.class, 6);
	printf(",\"class_name\":");
	vb_json_str(stdout, vb_class_name(d->id.class), 0);
	putchar(',');
	json_hex("vendor", d->id.vendor, 4);
	putchar(',');
	json_hex("device", d->id.device, 4);
	putchar(',');
	json_hex("subsystem_vendor", d->id.subvendor, 4);
	putchar(',');
	json_hex("subsystem_device", d->id.subdevice, 4);
	if (d->revision >= 0)
		printf(",\"revision\":\"%02x\"", d->revision);
	else
		printf(",\"revision\":null");
	printf(",\"driver\":");
	vb_json_str(stdout, d->driver, 1);
	printf(",\"driver_override\":");
	vb_json_str(stdout, d->override, 1);
	if (d->group >= 0)
		printf(",\"iommu_group\":%d", d->group);
	else
		printf(",\"iommu_group\":null");
	printf(",\"group_members\":[");
	for (i = 0; i < nm; i++)
		if (strcmp(members[i], d->addr))
			printf("%s\"%s\"", k++ ? "," : "", members[i]);
	printf("],\"power_state\":");
	vb_json_str(stdout, d->power_state, 1);
	printf(",\"power_control\":");
	vb_json_str(stdout, d->power_control, 1);
	printf(",\"runtime_status\":");
	vb_json_str(stdout, d->runtime_status, 1);
	printf(",\"d3cold_allowed\":%s",
	       d->d3cold_allowed < 0 ? "null" : d->d3cold_allowed ? "true" : "false");
	printf(",\"boot_vga\":%s", d->boot_vga < 0 ? "null" : d->boot_vga ? "true" : "false");
	printf(",\"reset\":%s,\"reset_methods\":[", d->has_reset ? "true" : "false");
	{
		char m[sizeof(d->reset_methods)], *save = NULL, *w;
		k = 0;
		vb_strlcpy(m, d->reset_methods, sizeof(m));
		for (w = strtok_r(m, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
			printf("%s", k++ ? "," : "");
			vb_json_str(stdout, w, 0);
		}
	}
	printf("],\"link\":");
	if (d->link_speed[0]) {
		printf("{\"speed\":");
		vb_json_str(stdout, d->link_speed, 0);
		printf(",\"width\":%d,\"max_speed\":", d->link_width);
		vb_json_str(stdout, d->max_link_speed, 1);
		printf(",\"max_width\":%d}", d->max_link_width);
	} else {
		printf("null");
	}
	printf(",\"parent\":");
	vb_json_str(stdout, d->parent, 1);
	printf(",\"virtual_function\":%s}", d->is_vf ? "true" : "false");
}

int list_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_opts o = { 0, 0 };
	char **sel = NULL;
	size_t nsel = 0, i;
	int c, r, rc = VB_EXIT_OK, shown = 0;

	while ((c = getopt_long(argc, argv, "ajh", lo, NULL)) != -1) {
		switch (c) {
		case 'a': o.all = 1; break;
		case 'j': o.json = 1; break;
		case 'h': vb_print_usage(list_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		char a[VB_BDF_LEN];
		if (vb_bdf_canon(argv[i], a) < 0) {
			vb_sysfs_list_free(sel, nsel);
			return vb_usage_err("'%s': not a PCI address (DDDD:BB:DD.F or BB:DD.F)", argv[i]);
		}
		add(&sel, &nsel, a);
	}
	if (o.all && nsel) {
		vb_sysfs_list_free(sel, nsel);
		return vb_usage_err("-a and addresses do not go together");
	}
	if (!nsel) {
		if (o.all) {
			r = vb_pcidev_list(&sel, &nsel);
		} else {
			r = select_default(&sel, &nsel);
		}
		if (r < 0) {
			char p[VB_PATH_MAX];
			vb_sysfs_path(p, sizeof(p), "/sys/bus/pci/devices");
			vb_err("%s: %s", vb_sysfs_unroot(p), vb_sysfs_strerror(r, NULL));
			return VB_EXIT_FAIL;
		}
	}
	if (nsel)
		qsort(sel, nsel, sizeof(*sel), cmp_str);

	if (o.json)
		printf("{\"version\":1,\"devices\":[");
	for (i = 0; i < nsel; i++) {
		struct vb_pcidev d;
		char **m = NULL;
		size_t nm = 0;

		r = vb_pcidev_load(sel[i], &d);
		if (r == -ENODEV) {
			vb_warn("%s: no such device (not present, or it left the bus)", sel[i]);
			if (argc > optind)
				rc = VB_EXIT_FAIL;
			continue;
		}
		if (r < 0) {
			vb_err("%s: read: %s", sel[i], vb_sysfs_strerror(r, NULL));
			rc = VB_EXIT_FAIL;
			continue;
		}
		if (d.group >= 0)
			vb_pcidev_group_members(d.group, &m, &nm);
		if (o.json) {
			print_json(&d, m, nm, !shown);
		} else {
			if (shown)
				putchar('\n');
			print_text(&d, m, nm);
		}
		shown++;
		vb_sysfs_list_free(m, nm);
	}
	if (o.json)
		printf("%s]}\n", shown ? "\n  " : "");
	else if (!shown && !o.all && argc == optind)
		vb_info("no display devices found ('list -a' shows every device)");
	vb_sysfs_list_free(sel, nsel);
	return rc;
}
