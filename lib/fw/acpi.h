/* acpi: ACPI system description tables as the kernel exposes them in
 * /sys/firmware/acpi/tables (and dynamic/): the 36-byte header, the length
 * and checksum rules, and a search for ACPI names in AML.
 *
 * Table header (ACPI spec 5.2.6): Signature[4] Length(u32) Revision(u8)
 * Checksum(u8) OEMID[6] OEMTableID[8] OEMRevision(u32) CreatorID[4]
 * CreatorRevision(u32), little-endian; all Length bytes must sum to zero.
 * FACS is the exception: Signature and Length only, no checksum (ACPICA
 * skips it in AcpiTbVerifyChecksum too). */
#ifndef VB_ACPI_H
#define VB_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define VB_ACPI_HDR_LEN 36
#define VB_ACPI_MAX_SEGS 255	/* a MultiNamePrefix holds at most 255 */

struct vb_acpi_hdr {
	char sig[5];
	uint32_t length;		/* what the header says */
	uint8_t revision;		/* FACS: its version byte */
	uint8_t checksum;
	char oem_id[7];			/* printable, trailing blanks dropped */
	char oem_table_id[9];
	uint32_t oem_revision;
	char creator_id[5];
	uint32_t creator_revision;
	int has_checksum;		/* 0 for FACS */
	uint8_t want_checksum;		/* the value that makes the sum zero */
};

/* What vb_acpi_check found (non-negative; 0 is fine). */
enum {
	VB_ACPI_OK = 0,
	VB_ACPI_NOHDR,		/* shorter than a header, or not a signature */
	VB_ACPI_BADLEN,		/* header length smaller than the header */
	VB_ACPI_SHORT,		/* fewer bytes than the header's length */
	VB_ACPI_LONG,		/* more bytes than the header's length */
	VB_ACPI_BADSUM,		/* Length bytes do not sum to zero */
};

/* Parse the header of the n bytes at buf into h (as far as they go) and
 * check length and checksum. Returns one of the VB_ACPI_* values. */
int vb_acpi_check(const void *buf, size_t n, struct vb_acpi_hdr *h);
/* A short phrase for a VB_ACPI_* value ("ok", "bad checksum", ...). */
const char *vb_acpi_status_str(int status);
/* Sum of n bytes, modulo 256. */
uint8_t vb_acpi_sum(const void *buf, size_t n);
/* 1 for a signature whose body is AML (DSDT, SSDT, PSDT, OSDT). */
int vb_acpi_is_aml(const char *sig);
/* 1 for four characters of [A-Z0-9_] (a table signature as sysfs names it). */
int vb_acpi_sig_valid(const char *sig);

/* An ACPI name to look for: one or more NameSegs, each padded to four
 * characters with '_' as ASL does ("GFX" is "GFX_"). */
struct vb_acpi_name {
	size_t nseg;
	char seg[VB_ACPI_MAX_SEGS][4];
};
/* Parse "_ROM", "gfx0", "PEG0.PEGP" or "\_SB.PCI0.GFX0" (a leading '\' or
 * '^'s are accepted and ignored): segments of 1 to 4 characters, the first
 * [A-Z_], the rest [A-Z0-9_], case-insensitive. 0 or -EINVAL. */
int vb_acpi_name_parse(const char *s, struct vb_acpi_name *nm);
/* Print nm as "\_SB.PCI0" would be printed: segments joined by '.', padding
 * '_' dropped. */
void vb_acpi_name_format(const struct vb_acpi_name *nm, char *out, size_t n);

/* The fake-battery SSDT of the seed guides (OEM "BOCHS", table "BXPCSSDT"):
 * \_SB.PCI0.BAT0, a PNP0C0A control method battery with _STA, _BIF, _BST. */
extern const unsigned char vb_acpi_battery[];
extern const size_t vb_acpi_battery_len;

#endif
