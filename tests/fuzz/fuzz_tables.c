/* libFuzzer target for lib/acpi (header checks), lib/aml (the AML walk,
 * the name search) and lib/rom (the option ROM image chain).
 *
 * Input: the body of an SSDT (a header is put in front of it) and, the same
 * bytes, an option ROM. Checked, besides the sanitizers:
 *   - the walk's items are in table order inside the body and do not
 *     overlap (vb_aml_find relies on it); its problems lie in the body;
 *   - every hit is inside the body, after the one before it;
 *   - the same bytes as a VFCT table: its images lie inside it;
 *   - the ROM's images follow each other inside the data. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fw/acpi.h"
#include "fw/aml.h"
#include "fw/rom.h"
#include "fw/vfct.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
	"_ROM", "PEGP", "PEG0.PEGP", "\\_SB.PCI0.PEG0.PEGP._ROM", "A", "AB.CD.EF",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = VB_ACPI_HDR_LEN + size, i, pos, last;
	unsigned char *t = malloc(len);
	struct vb_acpi_hdr h;
	struct vb_aml a;
	struct vb_acpi_name nm;
	struct vb_aml_hit hit;
	char nmf[VB_ACPI_MAX_SEGS * 5 + 2];
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
	vb_aml_walk(&a, t, len);
	for (i = 0; i < a.nitems; i++)
		if (a.items[i].start < VB_ACPI_HDR_LEN || a.items[i].end < a.items[i].first ||
		    a.items[i].first < a.items[i].start || a.items[i].end > len ||
		    (i && a.items[i].start < a.items[i - 1].end) ||
		    (a.items[i].type != VB_AML_STR && !a.items[i].path) ||
		    a.items[i].method > i)
			abort();
	for (i = 0; i < a.nbads; i++)
		if (a.bads[i].off < VB_ACPI_HDR_LEN || a.bads[i].at < a.bads[i].off ||
		    a.bads[i].to > len || a.bads[i].to < a.bads[i].off || !a.bads[i].why)
			abort();
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (vb_acpi_name_parse(names[i], &nm) < 0)
			abort();
		vb_acpi_name_format(&nm, nmf, sizeof(nmf));
		pos = 0;
		last = 0;
		while (vb_aml_find(&a, &nm, nmf, &pos, &hit)) {
			if (hit.off < VB_ACPI_HDR_LEN || hit.off >= len || (last && hit.off <= last) ||
			    pos <= hit.off || !hit.kind || !hit.path)
				abort();
			last = hit.off;
		}
	}
	vb_aml_free(&a);

	{
		struct vb_vfct_image img[VB_VFCT_MAX_IMAGES];
		size_t count;

		vb_vfct_parse(t, len, img, &count);
		for (i = 0; i < count; i++)
			if (img[i].off + img[i].len > len || img[i].off < VB_VFCT_HDR_LEN)
				abort();
	}
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
