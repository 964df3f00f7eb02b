/* tables: the host's ACPI tables as the kernel exposes them, and a lookup
 * of a definition across their AML (which table defines \_SB...PEGP._ROM).
 *
 * Kernel ABI: /sys/firmware/acpi/tables/SIG[N] and dynamic/SIG[N]
 * (drivers/acpi/sysfs.c): one read-only (0400, root) binary file per table;
 * the instance number N is appended when a signature occurs more than once,
 * counted across static and dynamic tables. data/ holds no tables. */
#ifndef VB_TABLES_H
#define VB_TABLES_H

#include <stddef.h>

#include "base/sysfs.h"
#include "fw/vfct.h"

#define VB_FWTABLES_DIR "/sys/firmware/acpi/tables"
#define VB_FWTABLE_MAX (64u << 20)	/* larger is not a table */

struct vb_fwtable {
	char name[300];		/* "SSDT1", "dynamic/SSDT9" */
	char path[VB_PATH_MAX];
	int dynamic;
	unsigned inst;		/* the kernel's instance number, 0 without */
	char sig[5];
};

struct vb_fwtables {
	struct vb_fwtable *v;	/* static tables first, then by signature and
				 * instance */
	size_t n;
	int dyn_err;		/* -errno reading dynamic/ (other than ENOENT),
				 * else 0 */
};

/* The tables under VB_FWTABLES_DIR. 0, or -errno for the directory itself
 * (-ENOENT: no ACPI, or sysfs not mounted). */
int vb_fwtables_scan(struct vb_fwtables *t);
void vb_fwtables_free(struct vb_fwtables *t);

/* Where an object is defined. */
struct vb_fwdef {
	char table[300];	/* the table's name, "SSDT5" */
	size_t off;		/* offset of its NameString's last segment */
	const char *kind;	/* "Method", ... (static) */
	const char *cond;	/* "If", "Else", "While" or NULL (static) */
	int argc;		/* a Method's argument count, else -1 */
	size_t unreadable;	/* DSDT/SSDTs that could not be read or walked */
};
/* Look for the definition of the absolute path (as the kernel's
 * firmware_node/path or vb_aml items write it: "\_SB_.PCI0.PEGP._ROM" or
 * "\_SB.PCI0.PEGP._ROM") in the DSDT and SSDTs of t: a Method or another
 * object, not an External. Returns 1 and fills d, 0 when no table defines
 * it (d->unreadable says how many could not be searched), -EINVAL for a
 * path that is not one. */
int vb_fwtables_find_def(const struct vb_fwtables *t, const char *path, struct vb_fwdef *d);

/* An absolute ACPI path with its padding dropped ("\_SB_.PCI0" ->
 * "\_SB.PCI0"), as vb_aml prints it. 0 or -EINVAL. */
int vb_fwtables_path_norm(const char *path, char *out, size_t n);

/* The host's VFCT (/sys/firmware/acpi/tables/VFCT) and its entry for the
 * device at bus:dev.fn with vendor:device, as the driver picks it. Returns
 * 1 with *tbl (malloc'd, the whole table; the image at img->off) and *n;
 * 0 when the table has no such entry (*count entries); -ENOENT without a
 * VFCT; -EBADMSG for a table whose header or length is wrong (a bad
 * checksum alone is *badsum, not an error); -EINVAL, -EOVERFLOW, -E2BIG as
 * vb_vfct_parse, when the entry is not among those before the break; other
 * -errno from reading it. */
int vb_vfct_find(unsigned bus, unsigned dev, unsigned fn, unsigned vendor, unsigned device,
		 unsigned char **tbl, size_t *n, struct vb_vfct_image *img, size_t *count,
		 int *badsum);

#endif
