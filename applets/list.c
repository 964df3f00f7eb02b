/* list: GPUs and their sibling functions (or every device with -a), with
 * what passthrough cares about: ids, names, driver, IOMMU group and its other
 * members, power state, boot_vga, reset methods, PCIe link. --groups: every
 * IOMMU group with its devices in lspci -nn's form, marked when it holds the
 * boot VGA or is not viable for vfio. --tree: the topology from each root bus,
 * as lspci -t draws it, with groups, drivers, links and bridges' ACS.
 *
 * Reads only: /sys/bus/pci/devices/ADDR/{modalias,revision,driver,
 * driver_override,iommu_group,boot_vga,power_state,power/control,
 * power/runtime_status,d3cold_allowed,reset,reset_method,current_link_*,
 * max_link_*,resource,resourceN_resize,config} (config through libpci, for ACS and the reset facts of
 * lib/pci/reset), the directory nesting
 * under /sys/devices/pciDDDD:BB, /sys/kernel/iommu_groups/N/devices, and a
 * pci.ids file (lib/pci/names.h says which). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applet.h"
#include "base/json.h"
#include "pci/bars.h"
#include "pci/iommu.h"
#include "pci/names.h"
#include "pci/pciconf.h"
#include "pci/pcidev.h"
#include "pci/reset.h"
#include "pci/topo.h"
#include "pci/vfio.h"
#include "base/sysfs.h"
#include "base/util.h"

const char list_usage[] =
	"usage: list [-a | -g | -t] [-j] [-i FILE] [--timeout=SEC] [BDF...]\n"
	"\n"
	"List display devices and the other functions of their slots (01:00.0\n"
	"and its HDA 01:00.1), or every PCI device with -a, or the devices named.\n"
	"For each: address, class, vendor:device, names, subsystem ids, revision,\n"
	"driver, driver_override, IOMMU group and its other members, power state,\n"
	"boot_vga, reset methods, PCIe link, BARs (with the sizes a resizable\n"
	"BAR supports), upstream bridge, SR-IOV VF, and\n"
	"whether it survives a VM reboot (FLR, NoSoftRst, what a bus reset of its\n"
	"bridge also resets, vendor-reset); on a vfio driver, the interface the\n"
	"kernel gave it: /dev/vfio/GROUP (group), /dev/vfio/devices/vfioN (cdev).\n"
	"Names come from pci.ids (libpci's default path, /usr/share/hwdata or\n"
	"/usr/share/misc) where there is one; without it, ids only.\n"
	"\n"
	"  -a, --all            every PCI device\n"
	"  -g, --groups         every IOMMU group (with BDF: the devices' groups),\n"
	"                       its devices as lspci -nn names them and their\n"
	"                       drivers; marks the boot VGA's group and groups not\n"
	"                       viable for vfio\n"
	"  -t, --tree           the PCI tree from each root bus (with BDF: the path\n"
	"                       to it and its subtree): group, driver, link, ACS\n"
	"  -i, --ids-file FILE  names from FILE (pci.ids format)\n"
	"  -j, --json           one JSON object (formats in docs/json.md)\n"
	"      --timeout=SEC    wait at most SEC (default 10) for a driver_override\n"
	"                       the kernel holds under the device lock (an unbind\n"
	"                       under way); past it the device is said, exit 1\n"
	"  -h, --help           this text\n";

struct list_opts {
	int all, json, groups, tree;
	int color;			/* stdout is a terminal and NO_COLOR is unset */
	int domains;			/* show domains in lspci's short form */
	struct vb_names *nm;		/* NULL without a pci.ids */
	struct vb_pci *pc;		/* config space for the reset facts; NULL
					 * when libpci cannot open */
};

#define NAME_LEN 512

static const char *col(const struct list_opts *o, const char *code)
{
	return o->color ? code : "";
}
#define RED "\033[31m"
#define GREEN "\033[32m"
#define YELLOW "\033[33m"
#define OFF "\033[0m"

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

static const char *bar_kind(const struct vb_bar *b)
{
	if (b->flags & VB_BAR_IO)
		return "io";
	if (b->flags & VB_BAR_MEM64)
		return b->flags & VB_BAR_PREFETCH ? "mem64 pref" : "mem64";
	return b->flags & VB_BAR_PREFETCH ? "mem pref" : "mem";
}

/* "  bars           0: 16 MiB mem, 1: 256 MiB mem64 pref (resizable to
 * 256 MiB, ..., 16 GiB)": nothing for a device without BARs. */
static void bars_text(const char *addr)
{
	struct vb_bar b[VB_BAR_N];
	char sz[32], sizes[600];
	int n = vb_bars_read(addr, b), i;

	if (n <= 0)
		return;
	printf("  bars          ");
	for (i = 0; i < n; i++) {
		vb_bars_size_text(b[i].size, sz, sizeof(sz));
		printf("%s %d: %s %s", i ? "," : "", b[i].index, sz, bar_kind(&b[i]));
		if (b[i].resizable) {
			vb_bars_sizes_text(b[i].sizes, sizes, sizeof(sizes));
			printf(" (resizable to %s)", sizes[0] ? sizes : "no size");
		}
	}
	putchar('\n');
}

static void print_text(const struct list_opts *o, const struct vb_pcidev *d,
		       char **members, size_t nm)
{
	char buf[160], name[NAME_LEN];
	size_t i;
	int others = 0;

	printf("%s  %s [%04x]  %04x:%04x", d->addr, vb_class_name(d->id.class),
	       d->id.class >> 8, d->id.vendor, d->id.device);
	if (d->id.subvendor || d->id.subdevice)
		printf("  subsystem %04x:%04x", d->id.subvendor, d->id.subdevice);
	if (d->revision >= 0)
		printf("  rev %02x", d->revision);
	putchar('\n');
	if (vb_names_vendev(o->nm, d->id.vendor, d->id.device, name, sizeof(name)))
		printf("  name           %s\n", name);
	if (vb_names_subsys(o->nm, &d->id, name, sizeof(name)))
		printf("  subsystem      %s\n", name);
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
	{
		struct vb_reset_info r;
		char facts[VB_TEXT_LEN];

		if (vb_reset_assess(o->pc, d->addr, &r) == 0) {
			int by = r.verdict == VB_RESET_SURVIVES;
			vb_reset_describe(&r, facts, sizeof(facts));
			printf("  vm reboot      %s%s%s%s: %s\n", vb_reset_verdict_name(r.verdict),
			       by ? " (" : "", by ? r.by : "", by ? ")" : "", facts);
		}
	}
	if (d->link_speed[0]) {
		printf("  link           %s x%d", d->link_speed, d->link_width);
		if (d->max_link_speed[0])
			printf(" (max %s x%d)", d->max_link_speed, d->max_link_width);
		putchar('\n');
	}
	bars_text(d->addr);
	if (vb_driver_is_vfio(d->driver)) {
		char gn[64], cn[64];
		/* Which interface the kernel gave it: the group node, the
		 * device cdev, both (lib/pci/vfio). */
		if (vb_vfio_nodes(d->addr, gn, sizeof(gn), cn, sizeof(cn)))
			printf("  vfio           %s%s%s%s%s\n", gn, gn[0] ? " (group)" : "",
			       gn[0] && cn[0] ? ", " : "", cn, cn[0] ? " (cdev)" : "");
		else
			printf("  vfio           no node (neither /dev/vfio/%d nor a device cdev)\n",
			       d->group);
	}
	printf("  parent         %s\n", d->parent[0] ? d->parent : "root bus");
	if (d->is_vf)
		printf("  sr-iov         virtual function\n");
}

static void json_hex(const char *key, unsigned v, int w)
{
	printf("\"%s\":\"%0*x\"", key, w, v);
}

/* "vendor_name", "device_name" (and "subsystem_name"): only with a pci.ids;
 * null when it has no entry. */
static void json_names(const struct list_opts *o, const struct vb_pciids *id, int subsys)
{
	char b[NAME_LEN];

	if (!o->nm)
		return;
	printf(",\"vendor_name\":");
	vb_json_str(stdout, vb_names_vendor(o->nm, id->vendor, b, sizeof(b)), 1);
	printf(",\"device_name\":");
	vb_json_str(stdout, vb_names_devname(o->nm, id->vendor, id->device, b, sizeof(b)), 1);
	if (subsys) {
		printf(",\"subsystem_name\":");
		vb_json_str(stdout, vb_names_subsys(o->nm, id, b, sizeof(b)), 1);
	}
}

/* The identity fields every view's JSON shares; subsys: with the subsystem
 * ids and name (list --json). */
static void json_ident(const struct list_opts *o, const struct vb_pcidev *d, int subsys)
{
	char c[NAME_LEN];

	printf("{\"address\":\"%s\",", d->addr);
	json_hex("class", d->id.class, 6);
	printf(",\"class_name\":");
	vb_json_str(stdout, vb_names_class(o->nm, d->id.class, c, sizeof(c)), 0);
	putchar(',');
	json_hex("vendor", d->id.vendor, 4);
	putchar(',');
	json_hex("device", d->id.device, 4);
	if (subsys) {
		putchar(',');
		json_hex("subsystem_vendor", d->id.subvendor, 4);
		putchar(',');
		json_hex("subsystem_device", d->id.subdevice, 4);
	}
	json_names(o, &d->id, subsys);
	if (d->revision >= 0)
		printf(",\"revision\":\"%02x\"", d->revision);
	else
		printf(",\"revision\":null");
	printf(",\"driver\":");
	vb_json_str(stdout, d->driver, 1);
	printf(",\"driver_override\":");
	vb_json_str(stdout, d->override, 1);
}

static const char *json_tri(int v)
{
	return v < 0 ? "null" : v ? "true" : "false";
}

/* A ", "-separated list as a JSON array of strings. */
static void json_addrs(const char *list)
{
	const char *s = list;
	size_t n;
	int k = 0;

	putchar('[');
	while (*s) {
		n = strcspn(s, ",");
		printf("%s\"%.*s\"", k++ ? "," : "", (int)n, s);
		s += n;
		while (*s == ',' || *s == ' ')
			s++;
	}
	putchar(']');
}

/* "bars": [{"index","size","type","prefetchable","resizable_sizes"}]
 * (docs/json.md); null when the resource file cannot be read. */
static void json_bars(const char *addr)
{
	struct vb_bar b[VB_BAR_N];
	int n = vb_bars_read(addr, b), i, bit, k;

	if (n < 0) {
		printf("null");
		return;
	}
	putchar('[');
	for (i = 0; i < n; i++) {
		printf("%s{\"index\":%d,\"size\":%llu,\"type\":\"%s\",\"prefetchable\":%s,"
		       "\"resizable_sizes\":", i ? "," : "", b[i].index, b[i].size,
		       b[i].flags & VB_BAR_IO ? "io" : b[i].flags & VB_BAR_MEM64 ? "mem64" : "mem",
		       b[i].flags & VB_BAR_PREFETCH ? "true" : "false");
		if (!b[i].resizable) {
			printf("null}");
			continue;
		}
		putchar('[');
		for (bit = 0, k = 0; bit < 44; bit++)
			if (b[i].sizes & 1ull << bit)
				printf("%s%llu", k++ ? "," : "", 1ull << (bit + 20));
		printf("]}");
	}
	putchar(']');
}

/* "vm_reboot": the reset verdict and its facts (docs/json.md). */
static void json_reset(const struct list_opts *o, const char *addr)
{
	struct vb_reset_info r;

	if (vb_reset_assess(o->pc, addr, &r) < 0) {
		printf("null");
		return;
	}
	printf("{\"verdict\":\"%s\",\"by\":", vb_reset_verdict_key(r.verdict));
	vb_json_str(stdout, r.by, 1);
	printf(",\"flr\":%s,\"af_flr\":%s,\"nosoftrst\":%s,\"bus\":\"%s\",\"bridge\":",
	       json_tri(r.flr), json_tri(r.af_flr), json_tri(r.nosoftrst), vb_reset_bus_key(r.bus));
	vb_json_str(stdout, r.bridge, 1);
	printf(",\"also_reset\":");
	json_addrs(r.below);
	printf(",\"outside_group\":");
	json_addrs(r.outside);
	printf(",\"reset_subordinate\":%s,\"vendor_reset_loaded\":%s,\"known_bug\":",
	       r.bridge[0] ? r.reset_subordinate ? "true" : "false" : "null",
	       r.vendor_reset ? "true" : "false");
	if (r.quirk) {
		printf("{\"family\":");
		vb_json_str(stdout, r.quirk->family, 0);
		printf(",\"source\":");
		vb_json_str(stdout, r.quirk->source, 0);
		putchar('}');
	} else {
		printf("null");
	}
	putchar('}');
}

static void print_json(const struct list_opts *o, const struct vb_pcidev *d,
		       char **members, size_t nm, int first)
{
	size_t i;
	int k = 0;

	printf("%s\n    ", first ? "" : ",");
	json_ident(o, d, 1);
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
	printf(",\"virtual_function\":%s,\"vm_reboot\":", d->is_vf ? "true" : "false");
	json_reset(o, d->addr);
	printf(",\"bars\":");
	json_bars(d->addr);
	printf(",\"vfio\":");
	if (vb_driver_is_vfio(d->driver)) {
		char gn[64], cn[64];
		vb_vfio_nodes(d->addr, gn, sizeof(gn), cn, sizeof(cn));
		printf("{\"group\":");
		vb_json_str(stdout, gn, 1);
		printf(",\"cdev\":");
		vb_json_str(stdout, cn, 1);
		putchar('}');
	} else {
		printf("null");
	}
	putchar('}');
}

/* ---- lspci's terse form ------------------------------------------------- */

/* "01:00.0", or "0000:01:00.0" when some device has a domain other than 0
 * (lspci's rule for showing domains). */
static const char *short_addr(const struct list_opts *o, const char *addr)
{
	return o->domains ? addr : addr + (strncmp(addr, "0000:", 5) ? 0 : 5);
}

/* lspci -nn's line after the address: "VGA compatible controller [0300]:
 * NVIDIA Corporation GA104M [GeForce RTX 3070 Mobile / Max-Q] [10de:249d]
 * (rev a1)". */
static void print_terse(const struct list_opts *o, const struct vb_pcidev *d)
{
	char c[NAME_LEN], v[NAME_LEN];

	printf("%s [%04x]: %s", vb_names_class(o->nm, d->id.class, c, sizeof(c)),
	       d->id.class >> 8, vb_names_mixed(o->nm, d->id.vendor, d->id.device, v, sizeof(v)));
	if (d->revision > 0)
		printf(" (rev %02x)", d->revision);
}


static void json_head(const struct list_opts *o)
{
	printf("{\"version\":1,");
	if (o->nm) {
		printf("\"pci_ids\":");
		vb_json_str(stdout, vb_names_file(o->nm), 0);
		putchar(',');
	}
}

/* ---- --groups ------------------------------------------------------------ */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

/* Every IOMMU group number, ascending; n 0 without /sys/kernel/iommu_groups. */
static int all_groups(int **gv, size_t *ng)
{
	char p[VB_PATH_MAX], **names;
	size_t n, i;
	int r;

	*gv = NULL;
	*ng = 0;
	if ((r = vb_sysfs_path(p, sizeof(p), "/sys/kernel/iommu_groups")) < 0)
		return r;
	if ((r = vb_sysfs_list(p, &names, &n)) < 0)
		return r == -ENOENT ? 0 : r;
	*gv = vb_xcalloc(n ? n : 1, sizeof(**gv));
	for (i = 0; i < n; i++) {
		unsigned long g;
		if (vb_parse_ulong(names[i], 10, 0x7fffffff, &g) == 0)
			(*gv)[(*ng)++] = (int)g;
	}
	vb_sysfs_list_free(names, n);
	if (*ng)
		qsort(*gv, *ng, sizeof(**gv), cmp_int);
	return 0;
}

static void add_int(int **v, size_t *n, int x)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i] == x)
			return;
	*v = vb_xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = x;
}

static int show_group(const struct list_opts *o, int g, int first)
{
	char **m = NULL, why[1024], words[VB_TEXT_LEN];
	size_t nm = 0, i;
	struct vb_pcidev *d;
	int viable, boot = 0, r, rc = VB_EXIT_OK, *unread;

	if ((r = vb_pcidev_group_members(g, &m, &nm)) < 0) {
		vb_err("iommu group %d: %s", g, vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	d = vb_xcalloc(nm ? nm : 1, sizeof(*d));
	unread = vb_xcalloc(nm ? nm : 1, sizeof(*unread));
	for (i = 0; i < nm; i++) {
		if ((r = vb_pcidev_load(m[i], &d[i])) < 0) {
			/* Not read (driver_override held under the device lock):
			 * said, exit 1; one that left the bus is only warned of. */
			unread[i] = r != -ENODEV;
			rc = unread[i] ? VB_EXIT_FAIL : rc;
			/* A member that left the bus a moment ago: show its address. */
			memset(&d[i], 0, sizeof(d[i]));
			vb_strlcpy(d[i].addr, m[i], sizeof(d[i].addr));
			d[i].revision = -1;
			d[i].boot_vga = -1;
			d[i].group = g;
			(unread[i] ? vb_err : vb_warn)("%s: %s", m[i],
						       vb_dev_read_words(r, words, sizeof(words)));
		}
		boot |= d[i].boot_vga == 1;
	}
	viable = vb_iommu_group_viable(g, why, sizeof(why));
	if (o->json) {
		printf("%s\n    {\"group\":%d,\"viable\":%s,\"boot_vga\":%s,\"devices\":[",
		       first ? "" : ",", g, viable < 0 ? "null" : viable ? "true" : "false",
		       boot ? "true" : "false");
		for (i = 0; i < nm; i++) {
			printf("%s\n      ", i ? "," : "");
			json_ident(o, &d[i], 0);
			printf(",\"boot_vga\":%s,\"keeps_group_from_vfio\":%s}",
			       d[i].boot_vga < 0 ? "null" : d[i].boot_vga ? "true" : "false",
			       vb_pcidev_dma_ok(d[i].addr, d[i].id.class, d[i].driver) ? "false" : "true");
		}
		printf("%s]}", nm ? "\n    " : "");
	} else {
		printf("IOMMU Group %d:", g);
		if (boot)
			printf(" %sboot VGA (the firmware console)%s%s", col(o, YELLOW), col(o, OFF),
			       viable == 0 ? ";" : "");
		if (viable == 0)
			printf(" %snot viable for vfio: %s%s", col(o, RED), why, col(o, OFF));
		putchar('\n');
		for (i = 0; i < nm; i++) {
			printf("\t%s ", short_addr(o, d[i].addr));
			print_terse(o, &d[i]);
			printf("\n\t\tdriver: %s", unread[i] ? "not read" :
			       d[i].driver[0] ? d[i].driver : "none");
			if (d[i].override[0])
				printf(" (driver_override %s)", d[i].override);
			putchar('\n');
		}
	}
	free(d);
	free(unread);
	vb_sysfs_list_free(m, nm);
	return rc;
}

static int list_groups(const struct list_opts *o, char **sel, size_t nsel)
{
	int *gv = NULL, rc = VB_EXIT_OK, r;
	size_t ng = 0, i;

	if (nsel) {
		for (i = 0; i < nsel; i++) {
			if (!vb_pcidev_exists(sel[i])) {
				vb_warn("%s: no such device (not present, or it left the bus)", sel[i]);
				rc = VB_EXIT_FAIL;
				continue;
			}
			if ((r = vb_pcidev_group(sel[i])) < 0) {
				vb_warn("%s: no IOMMU group", sel[i]);
				rc = VB_EXIT_FAIL;
				continue;
			}
			add_int(&gv, &ng, r);
		}
		if (ng)
			qsort(gv, ng, sizeof(*gv), cmp_int);
	} else if ((r = all_groups(&gv, &ng)) < 0) {
		vb_err("/sys/kernel/iommu_groups: %s", vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	if (o->json) {
		json_head(o);
		printf("\"groups\":[");
	}
	for (i = 0; i < ng; i++)
		rc = vb_worst(rc, show_group(o, gv[i], !i));
	if (o->json)
		printf("%s]}\n", ng ? "\n  " : "");
	else if (!ng && !nsel)
		vb_info("no IOMMU groups: the IOMMU is off or absent "
			"(intel_iommu=on or amd_iommu=on, and VT-d/AMD-Vi in the firmware)");
	free(gv);
	return rc;
}

/* ---- --tree -------------------------------------------------------------- */

struct acs {
	int state;		/* 1 present, 0 absent, -1 config unreadable */
	uint16_t cap, ctl;
};

static void read_acs(struct vb_pci *pc, const char *addr, struct acs *a)
{
	int r = pc ? vb_pciconf_acs(pc, addr, &a->cap, &a->ctl) : -EIO;

	a->state = r < 0 ? -1 : r;
}

static void acs_text(const struct list_opts *o, const struct acs *a)
{
	char flags[128];
	unsigned miss;

	if (a->state < 0) {
		printf("  ACS unknown (config space unreadable)");
		return;
	}
	if (!a->state) {
		printf("  %sno ACS%s", col(o, RED), col(o, OFF));
		return;
	}
	miss = vb_pciconf_acs_missing(a->cap, a->ctl);
	if (!miss) {
		printf("  %sACS on%s", col(o, GREEN), col(o, OFF));
		return;
	}
	vb_pciconf_acs_flags(miss, flags, sizeof(flags));
	printf("  %sACS %s (%s)%s", col(o, RED), a->ctl ? "partial" : "off", flags, col(o, OFF));
}

static int is_bridge_hdr(const struct vb_pcidev *d)
{
	unsigned sub = d->id.class >> 8;

	return sub == 0x0604 || sub == 0x0609 || sub == 0x0607;
}

struct tree {
	const struct list_opts *o;
	struct vb_topo t;
	struct vb_pci *pc;
	char *show;		/* per node: on the path to or below a selected device */
	int rc;
};

static int next_shown(const struct tree *tr, int i)
{
	while (i >= 0 && !tr->show[i])
		i = tr->t.v[i].next;
	return i;
}

static void tree_node_json(struct tree *tr, int i);

static void tree_children_json(struct tree *tr, int first)
{
	int k, n = 0;

	printf(",\"children\":[");
	for (k = next_shown(tr, first); k >= 0; k = next_shown(tr, tr->t.v[k].next)) {
		if (n++)
			putchar(',');
		tree_node_json(tr, k);
	}
	printf("]}");
}

static int load_node(struct tree *tr, int i, struct vb_pcidev *d)
{
	char words[VB_TEXT_LEN];
	int r = vb_pcidev_load(tr->t.v[i].addr, d);

	if (r < 0) {
		vb_err("%s: %s", tr->t.v[i].addr, vb_dev_read_words(r, words, sizeof(words)));
		memset(d, 0, sizeof(*d));
		vb_strlcpy(d->addr, tr->t.v[i].addr, sizeof(d->addr));
		d->revision = d->group = d->boot_vga = -1;
		tr->rc = VB_EXIT_FAIL;
	}
	return r;
}

static void tree_node_json(struct tree *tr, int i)
{
	const struct list_opts *o = tr->o;
	struct vb_pcidev d;
	struct acs a;

	load_node(tr, i, &d);
	read_acs(tr->pc, d.addr, &a);
	json_ident(o, &d, 0);
	if (d.group >= 0)
		printf(",\"iommu_group\":%d", d.group);
	else
		printf(",\"iommu_group\":null");
	printf(",\"link\":");
	if (d.link_speed[0]) {
		printf("{\"speed\":");
		vb_json_str(stdout, d.link_speed, 0);
		printf(",\"width\":%d}", d.link_width);
	} else {
		printf("null");
	}
	printf(",\"bridge\":%s,\"acs\":", is_bridge_hdr(&d) ? "true" : "false");
	if (a.state < 0)
		printf("null");
	else if (!a.state)
		printf("{\"present\":false}");
	else
		printf("{\"present\":true,\"capability\":\"%04x\",\"control\":\"%04x\","
		       "\"isolates\":%s}", a.cap, a.ctl,
		       vb_pciconf_acs_isolates(a.cap, a.ctl) ? "true" : "false");
	tree_children_json(tr, tr->t.v[i].child);
}

/* lspci -t's drawing, one device a line: "+-" for a sibling that has more
 * after it, "\-" for the last, "| " down the side of open subtrees. */
static void tree_node_text(struct tree *tr, int i, char *prefix, size_t plen, int last)
{
	const struct list_opts *o = tr->o;
	struct vb_pcidev d;
	struct acs a;
	size_t l = strlen(prefix);
	int k, unread;

	unread = load_node(tr, i, &d) < 0;
	printf("%s%s%s  ", prefix, last ? "\\-" : "+-", short_addr(o, d.addr));
	print_terse(o, &d);
	if (d.group >= 0)
		printf("  group %d", d.group);
	else
		printf("  no group");
	printf("  driver %s", unread ? "not read" : d.driver[0] ? d.driver : "none");
	if (d.link_speed[0])
		printf("  link %s x%d", d.link_speed, d.link_width);
	read_acs(tr->pc, d.addr, &a);
	if (is_bridge_hdr(&d) || a.state > 0)
		acs_text(o, &a);
	putchar('\n');
	if (l + 3 >= plen)
		return;
	strcpy(prefix + l, last ? "  " : "| ");
	for (k = next_shown(tr, tr->t.v[i].child); k >= 0;) {
		int nx = next_shown(tr, tr->t.v[k].next);
		tree_node_text(tr, k, prefix, plen, nx < 0);
		k = nx;
	}
	prefix[l] = 0;
}

static int list_tree(const struct list_opts *o, char **sel, size_t nsel)
{
	struct tree tr;
	char err[256];
	size_t i, r0;
	int r, nroot = 0;

	memset(&tr, 0, sizeof(tr));
	tr.o = o;
	if ((r = vb_topo_build(&tr.t)) < 0) {
		vb_err("/sys/bus/pci/devices: %s", vb_sysfs_strerror(r, NULL));
		return VB_EXIT_FAIL;
	}
	tr.show = vb_xcalloc(tr.t.n ? tr.t.n : 1, 1);
	if (!nsel)
		memset(tr.show, 1, tr.t.n);
	for (i = 0; i < nsel; i++) {
		int k = vb_topo_find(&tr.t, sel[i]);
		size_t j;

		if (k < 0) {
			vb_warn("%s: no such device (not present, or it left the bus)", sel[i]);
			tr.rc = VB_EXIT_FAIL;
			continue;
		}
		for (j = (size_t)k; (int)j >= 0; j = (size_t)tr.t.v[j].parent)
			tr.show[j] = 1;
		/* The subtree: every node that has k as an ancestor. */
		for (j = 0; j < tr.t.n; j++) {
			int a;
			for (a = tr.t.v[j].parent; a >= 0 && a != k; a = tr.t.v[a].parent)
				;
			if (a == k)
				tr.show[j] = 1;
		}
	}
	if (vb_pciconf_open(&tr.pc, 0, err, sizeof(err)) < 0) {
		vb_warn("libpci: %s: ACS not shown", err[0] ? err : "cannot open");
		tr.pc = NULL;
	}
	if (o->json) {
		json_head(o);
		printf("\"roots\":[");
	}
	for (r0 = 0; r0 < tr.t.nroots; r0++) {
		const char *bus = tr.t.v[tr.t.roots[r0]].root;
		int first = -1, k, n = 0;
		char prefix[256] = "";

		/* Devices on this root bus: parentless, same root, contiguous. */
		for (i = (size_t)tr.t.roots[r0]; i < tr.t.n; i++) {
			if (tr.t.v[i].parent >= 0)
				continue;
			if (strcmp(tr.t.v[i].root, bus))
				break;
			if (tr.show[i] && first < 0)
				first = (int)i;
		}
		if (first < 0)
			continue;
		if (o->json) {
			printf("%s\n    {\"bus\":\"%s\",\"devices\":[", nroot ? "," : "", bus);
		} else {
			if (nroot)
				putchar('\n');
			printf("[%s]\n", bus);
		}
		nroot++;
		for (i = (size_t)first; i < tr.t.n; i++) {
			int last = 1;
			size_t j;

			if (tr.t.v[i].parent >= 0 || !tr.show[i])
				continue;
			if (strcmp(tr.t.v[i].root, bus))
				break;
			for (j = i + 1; j < tr.t.n; j++) {
				if (tr.t.v[j].parent >= 0 || !tr.show[j])
					continue;
				last = strcmp(tr.t.v[j].root, bus) != 0;
				break;
			}
			k = (int)i;
			if (o->json) {
				printf("%s\n      ", n ? "," : "");
				tree_node_json(&tr, k);
			} else {
				tree_node_text(&tr, k, prefix, sizeof(prefix), last);
			}
			n++;
		}
		if (o->json)
			printf("\n    ]}");
	}
	if (o->json)
		printf("%s]}\n", nroot ? "\n  " : "");
	vb_pciconf_close(tr.pc);
	free(tr.show);
	vb_topo_free(&tr.t);
	return tr.rc;
}

/* ---- main ---------------------------------------------------------------- */

static int any_domain(void)
{
	char **all;
	size_t n, i;
	int d = 0;

	if (vb_pcidev_list(&all, &n) < 0)
		return 0;
	for (i = 0; i < n && !d; i++)
		d = strncmp(all[i], "0000:", 5) != 0;
	vb_sysfs_list_free(all, n);
	return d;
}

int list_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "groups", no_argument, NULL, 'g' },
		{ "tree", no_argument, NULL, 't' },
		{ "ids-file", required_argument, NULL, 'i' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_opts o;
	long timeout_ms = 10000;
	const char *ids = NULL, *nc;
	char **sel = NULL, err[256];
	size_t nsel = 0, i;
	int c, r, rc = VB_EXIT_OK, shown = 0;

	memset(&o, 0, sizeof(o));
	while ((c = getopt_long(argc, argv, "agti:jh", lo, NULL)) != -1) {
		switch (c) {
		case 'a': o.all = 1; break;
		case 'g': o.groups = 1; break;
		case 't': o.tree = 1; break;
		case 'i': ids = optarg; break;
		case 'j': o.json = 1; break;
		case 'T':
			if ((r = vb_opt_timeout(optarg, &timeout_ms)) != 0)
				return r;
			break;
		case 'h': vb_print_usage(list_usage); return 0;
		default: return vb_usage_err("unknown option");
		}
	}
	if (o.all + o.groups + o.tree > 1)
		return vb_usage_err("-a, -g and -t do not go together");
	vb_sysfs_set_wait(timeout_ms);	/* driver_override: read under the device lock */
	if (ids && !*ids)
		return vb_usage_err("--ids-file: empty file name");
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
	r = vb_names_open(&o.nm, ids, err, sizeof(err));
	if (r < 0 && ids) {
		vb_sysfs_list_free(sel, nsel);
		return vb_usage_err("--ids-file %s: %s", ids, r == -EINVAL ? err : vb_sysfs_strerror(r, NULL));
	}
	if (r < 0 && r != -ENOENT)
		vb_warn("pci.ids: %s: names not shown", r == -EINVAL ? err : vb_sysfs_strerror(r, NULL));
	nc = getenv("NO_COLOR");
	o.color = !o.json && isatty(STDOUT_FILENO) && !(nc && *nc);
	o.domains = any_domain();
	if (o.groups || o.tree) {
		if (nsel)
			qsort(sel, nsel, sizeof(*sel), cmp_str);
		rc = o.groups ? list_groups(&o, sel, nsel) : list_tree(&o, sel, nsel);
		vb_names_close(o.nm);
		vb_sysfs_list_free(sel, nsel);
		return rc;
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
			vb_names_close(o.nm);
			return VB_EXIT_FAIL;
		}
	}
	if (nsel)
		qsort(sel, nsel, sizeof(*sel), cmp_str);
	if (vb_pciconf_open(&o.pc, 0, err, sizeof(err)) < 0)
		o.pc = NULL;	/* the reset facts say what is unknown */

	if (o.json) {
		json_head(&o);
		printf("\"devices\":[");
	}
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
			char words[VB_TEXT_LEN];
			vb_err("%s: %s", sel[i], vb_dev_read_words(r, words, sizeof(words)));
			rc = VB_EXIT_FAIL;
			continue;
		}
		if (d.group >= 0)
			vb_pcidev_group_members(d.group, &m, &nm);
		if (o.json) {
			print_json(&o, &d, m, nm, !shown);
		} else {
			if (shown)
				putchar('\n');
			print_text(&o, &d, m, nm);
		}
		shown++;
		vb_sysfs_list_free(m, nm);
	}
	if (o.json)
		printf("%s]}\n", shown ? "\n  " : "");
	else if (!shown && !o.all && argc == optind)
		vb_info("no display devices found ('list -a' shows every device)");
	if (o.pc)
		vb_pciconf_close(o.pc);
	vb_names_close(o.nm);
	vb_sysfs_list_free(sel, nsel);
	return rc;
}
