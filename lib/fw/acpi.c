/* acpi: table header, checksum, length checks, ACPI names. See acpi.h.
 * The AML walk and the name search are lib/fw/aml.c. */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "fw/acpi.h"
#include "base/util.h"

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint8_t vb_acpi_sum(const void *buf, size_t n)
{
	const unsigned char *p = buf;
	unsigned s = 0;

	while (n--)
		s += *p++;
	return (uint8_t)s;
}

static int name_char(int c, int lead)
{
	return (c >= 'A' && c <= 'Z') || c == '_' || (!lead && c >= '0' && c <= '9');
}

int vb_acpi_sig_valid(const char *sig)
{
	int i;

	/* ACPICA's AcpiUtValidNameChar: [A-Z0-9_], and '!' as the last one */
	for (i = 0; i < 4; i++)
		if (!name_char((unsigned char)sig[i], 0) && !(i == 3 && sig[i] == '!'))
			return 0;
	return 1;
}

int vb_acpi_is_aml(const char *sig)
{
	return !strncmp(sig, "DSDT", 4) || !strncmp(sig, "SSDT", 4) ||
	       !strncmp(sig, "PSDT", 4) || !strncmp(sig, "OSDT", 4);
}

/* An OEM text field: up to the first NUL, trailing blanks dropped,
 * anything unprintable shown as '?'. */
static void text(char *out, const unsigned char *p, size_t n)
{
	size_t i, len = 0;

	for (i = 0; i < n && p[i]; i++)
		out[len++] = (p[i] >= 0x20 && p[i] < 0x7f) ? (char)p[i] : '?';
	while (len && out[len - 1] == ' ')
		len--;
	out[len] = 0;
}

int vb_acpi_check(const void *buf, size_t n, struct vb_acpi_hdr *h)
{
	const unsigned char *p = buf;
	uint8_t sum;

	memset(h, 0, sizeof(*h));
	if (n < 8)
		return VB_ACPI_NOHDR;
	memcpy(h->sig, p, 4);
	if (!vb_acpi_sig_valid(h->sig)) {
		text(h->sig, p, 4);
		return VB_ACPI_NOHDR;
	}
	h->length = le32(p + 4);
	if (!strcmp(h->sig, "FACS")) {
		/* Signature, Length, HardwareSignature, ... Version at 32 */
		if (h->length < 8)
			return VB_ACPI_BADLEN;
		if (h->length > 32 && n > 32)
			h->revision = p[32];
		return n < h->length ? VB_ACPI_SHORT : n > h->length ? VB_ACPI_LONG : VB_ACPI_OK;
	}
	h->has_checksum = 1;
	if (n < VB_ACPI_HDR_LEN)
		return VB_ACPI_NOHDR;
	h->revision = p[8];
	h->checksum = p[9];
	text(h->oem_id, p + 10, 6);
	text(h->oem_table_id, p + 16, 8);
	h->oem_revision = le32(p + 24);
	text(h->creator_id, p + 28, 4);
	h->creator_revision = le32(p + 32);
	if (h->length < VB_ACPI_HDR_LEN)
		return VB_ACPI_BADLEN;
	if (n < h->length)
		return VB_ACPI_SHORT;
	sum = vb_acpi_sum(p, h->length);
	h->want_checksum = (uint8_t)(h->checksum - sum);
	if (n > h->length)
		return VB_ACPI_LONG;
	return sum ? VB_ACPI_BADSUM : VB_ACPI_OK;
}

const char *vb_acpi_status_str(int status)
{
	switch (status) {
	case VB_ACPI_OK:
		return "ok";
	case VB_ACPI_NOHDR:
		return "no table header";
	case VB_ACPI_BADLEN:
		return "header length smaller than the header";
	case VB_ACPI_SHORT:
		return "truncated";
	case VB_ACPI_LONG:
		return "longer than its header says";
	case VB_ACPI_BADSUM:
		return "bad checksum";
	}
	return "unknown";
}

int vb_acpi_name_parse(const char *s, struct vb_acpi_name *nm)
{
	memset(nm, 0, sizeof(*nm));
	if (*s == '\\')
		s++;
	else
		while (*s == '^')
			s++;
	for (;;) {
		size_t i = 0;

		if (nm->nseg == VB_ACPI_MAX_SEGS)
			return -EINVAL;
		while (*s && *s != '.') {
			int c = toupper((unsigned char)*s);
			if (i == 4 || !name_char(c, i == 0))
				return -EINVAL;
			nm->seg[nm->nseg][i++] = (char)c;
			s++;
		}
		if (!i)
			return -EINVAL;
		while (i < 4)
			nm->seg[nm->nseg][i++] = '_';
		nm->nseg++;
		if (!*s)
			return 0;
		s++;		/* the '.' */
	}
}

/* Append one NameSeg, padding '_' dropped (at least one character kept). */
static void put_seg(char *out, size_t n, size_t *len, const char *seg)
{
	size_t k = 4;

	while (k > 1 && seg[k - 1] == '_')
		k--;
	if (*len + k + 1 < n) {
		memcpy(out + *len, seg, k);
		*len += k;
	}
	out[*len] = 0;
}

static void put_char(char *out, size_t n, size_t *len, char c)
{
	if (*len + 2 < n)
		out[(*len)++] = c;
	out[*len] = 0;
}

void vb_acpi_name_format(const struct vb_acpi_name *nm, char *out, size_t n)
{
	size_t i, len = 0;

	if (!n)
		return;
	out[0] = 0;
	for (i = 0; i < nm->nseg; i++) {
		if (i)
			put_char(out, n, &len, '.');
		put_seg(out, n, &len, nm->seg[i]);
	}
}

const unsigned char vb_acpi_battery[] = {
	0x53, 0x53, 0x44, 0x54, 0xa1, 0x00, 0x00, 0x00, 0x01, 0xf4, 0x42, 0x4f,
	0x43, 0x48, 0x53, 0x00, 0x42, 0x58, 0x50, 0x43, 0x53, 0x53, 0x44, 0x54,
	0x01, 0x00, 0x00, 0x00, 0x49, 0x4e, 0x54, 0x4c, 0x18, 0x10, 0x19, 0x20,
	0xa0, 0x0f, 0x00, 0x15, 0x5c, 0x2e, 0x5f, 0x53, 0x42, 0x5f, 0x50, 0x43,
	0x49, 0x30, 0x06, 0x00, 0x10, 0x4c, 0x06, 0x2e, 0x5f, 0x53, 0x42, 0x5f,
	0x50, 0x43, 0x49, 0x30, 0x5b, 0x82, 0x4f, 0x05, 0x42, 0x41, 0x54, 0x30,
	0x08, 0x5f, 0x48, 0x49, 0x44, 0x0c, 0x41, 0xd0, 0x0c, 0x0a, 0x08, 0x5f,
	0x55, 0x49, 0x44, 0x00, 0x14, 0x09, 0x5f, 0x53, 0x54, 0x41, 0x00, 0xa4,
	0x0a, 0x1f, 0x14, 0x2b, 0x5f, 0x42, 0x49, 0x46, 0x00, 0xa4, 0x12, 0x23,
	0x0d, 0x01, 0x0b, 0x70, 0x17, 0x0b, 0x70, 0x17, 0x01, 0x0b, 0xd0, 0x39,
	0x0b, 0x58, 0x02, 0x0b, 0x2c, 0x01, 0x0a, 0x3c, 0x0a, 0x3c, 0x0d, 0x00,
	0x0d, 0x00, 0x0d, 0x4c, 0x49, 0x4f, 0x4e, 0x00, 0x0d, 0x00, 0x14, 0x12,
	0x5f, 0x42, 0x53, 0x54, 0x00, 0xa4, 0x12, 0x0a, 0x04, 0x00, 0x00, 0x0b,
	0x70, 0x17, 0x0b, 0xd0, 0x39,
};
const size_t vb_acpi_battery_len = sizeof(vb_acpi_battery);
