/* libFuzzer target for lib/acpi (header checks, the AML walk, the name
 * search) and lib/rom (the option ROM image chain).
 *
 * Input: the body of an SSDT (a header is put in front of it) and, the same
 * bytes, an option ROM. Checked, besides the sanitizers:
 *   - the walk's objects are in table order and their NameStrings do not
 *     overlap (vb_acpi_find relies on it);
 *   - every hit is inside the body, after the one before it;
 *   - the ROM's images follow each other inside the data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw/acpi.h"
#include "fw/rom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"_ROM", "PEGP", "PEG0.PEGP", "\\_SB.PCI0.PEG0.PEGP._ROM", "A", "AB.CD.EF",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = VB_ACPI_HDR_LEN + size, i, pos, last;
	unsigned char *t = malloc(len);
	struct vb_acpi_hdr h;
	struct vb_acpi_aml a;
	struct vb_acpi_name nm;
	struct vb_acpi_hit hit;
	struct vb_rom r;

	if (!t)
		return 0;
	memset(t, 0, VB_ACPI_HDR_LEN);
	memcpy(t, "SSDT", 4);
	t[4] = (unsigned char)len;
	t[5] = (unsigned char)(len >> 8);
	t[6] = (unsigned char)(len >> 16);
	memcpy(t + VB_ACPI_HDR_LEN, data, size);
	vb_acpi_check(t, len, &h);
	vb_acpi_aml_walk(&a, t, len);
	if (a.walked_to > len)
		abort();
	for (i = 0; i < a.ndefs; i++)
		if (a.defs[i].end < a.defs[i].first || a.defs[i].end > len ||
		    (i && a.defs[i].first < a.defs[i - 1].end))
			abort();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (vb_acpi_name_parse(names[i], &nm) < 0)
			abort();
		pos = 0;
		last = 0;
		while (vb_acpi_find(&a, &nm, &pos, &hit)) {
			if (hit.off < VB_ACPI_HDR_LEN || hit.off >= len || (last && hit.off <= last) ||
			    pos <= hit.off || !hit.kind)
				abort();
			last = hit.off;
		}
	}
	vb_acpi_aml_free(&a);
	free(t);

	vb_rom_parse(data, size, &r);
	if (r.nimg > VB_ROM_MAX_IMAGES)
		abort();
	for (i = 0; i < r.nimg; i++)
		if (r.img[i].offset + r.img[i].length > size ||
		    (i && r.img[i].offset != r.img[i - 1].offset + r.img[i - 1].length))
			abort();
	return 0;
}
