/* rom: PCI expansion ROM image chain. See rom.h. */
#include <errno.h>
#include <string.h>

#include "fw/rom.h"

static unsigned le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

/* The checks of one image's code that do not stop the walk. */
static void check_code(const unsigned char *p, struct vb_rom_image *img)
{
	if (img->code_type == VB_ROM_CODE_X86) {
		size_t i;
		unsigned s = 0;

		img->init_size = (size_t)p[2] * 512;
		if (!img->init_size || img->init_size > img->length) {
			img->status = VB_ROM_BADINIT;
			return;
		}
		for (i = 0; i < img->init_size; i++)
			s += p[i];
		img->sum = (uint8_t)s;
		if (img->sum)
			img->status = VB_ROM_BADSUM;
	} else if (img->code_type == VB_ROM_CODE_EFI) {
		if (le32(p + 4) != 0x0ef1) {
			img->status = VB_ROM_BADEFI;
			return;
		}
		img->efi_subsystem = le16(p + 8);
		img->efi_machine = le16(p + 0x0a);
		img->efi_compression = le16(p + 0x0c);
	}
}

/* One image at p (avail bytes left in the ROM). Returns 0 or the structural
 * problem that stops the walk. */
static int parse_image(const unsigned char *p, size_t avail, struct vb_rom_image *img)
{
	const unsigned char *pc;
	unsigned slen, dl;

	if (avail < 2 || p[0] != 0x55 || p[1] != 0xaa)
		return VB_ROM_NOSIG;
	if (avail < 0x1a)
		return VB_ROM_NOPCIR;
	img->pcir = le16(p + 0x18);
	if ((size_t)img->pcir + 0x18 > avail)
		return VB_ROM_NOPCIR;
	pc = p + img->pcir;
	if (memcmp(pc, "PCIR", 4))
		return VB_ROM_BADPCIR;
	img->vendor = le16(pc + 4);
	img->device = le16(pc + 6);
	dl = le16(pc + 8);
	slen = le16(pc + 0x0a);
	img->pcir_rev = pc[0x0c];
	img->class = (unsigned)pc[0x0d] | (unsigned)pc[0x0e] << 8 | (unsigned)pc[0x0f] << 16;
	img->length = (size_t)le16(pc + 0x10) * 512;
	img->code_rev = le16(pc + 0x12);
	img->code_type = pc[0x14];
	img->last = (pc[0x15] & 0x80) != 0;
	if (slen < 0x18)
		return VB_ROM_BADPCIR;
	if (!img->length)
		return VB_ROM_BADLEN;
	if (img->length > avail)
		return VB_ROM_SHORT;
	if ((size_t)img->pcir + 0x18 > img->length)
		return VB_ROM_NOPCIR;
	if (img->pcir_rev >= 3 && dl) {
		size_t q = (size_t)img->pcir + dl;

		while (q + 2 <= img->length && img->ndev < VB_ROM_MAX_DEVLIST && le16(p + q)) {
			img->devlist[img->ndev++] = le16(p + q);
			q += 2;
		}
	}
	check_code(p, img);
	return 0;
}

int vb_rom_parse(const unsigned char *buf, size_t n, struct vb_rom *rom)
{
	size_t off = 0, i;
	int broke = 0;

	memset(rom, 0, sizeof(*rom));
	if (!n) {
		broke = VB_ROM_EMPTY;
		goto done;
	}
	for (;;) {
		struct vb_rom_image *img;

		if (rom->nimg == VB_ROM_MAX_IMAGES) {
			broke = VB_ROM_TOOMANY;
			break;
		}
		img = &rom->img[rom->nimg];
		memset(img, 0, sizeof(*img));
		img->offset = off;
		broke = parse_image(buf + off, n - off, img);
		if (broke) {
			if (broke == VB_ROM_NOSIG && !off && all_bytes(buf, n, 0xff))
				broke = VB_ROM_ALLFF;
			else if (broke == VB_ROM_NOSIG && !off && all_bytes(buf, n, 0))
				broke = VB_ROM_ALLZERO;
			break;
		}
		rom->nimg++;
		off += img->length;
		if (img->last)
			break;
		if (off >= n) {
			broke = VB_ROM_NOLAST;
			break;
		}
	}
done:
	rom->end = off;
	for (i = 0; i < rom->nimg; i++) {
		if (rom->img[i].status) {
			rom->status = rom->img[i].status;
			rom->bad = i;
			return rom->status;
		}
	}
	rom->status = broke;
	rom->bad = rom->nimg;
	return rom->status;
}

int vb_rom_chain_len(const unsigned char *buf, size_t n, size_t *len)
{
	size_t off = 0, i;

	for (i = 0; i < VB_ROM_MAX_IMAGES; i++) {
		const unsigned char *p = buf + off;
		unsigned pcir;
		size_t ilen;

		if (n < off + 2)
			return 0;
		if (p[0] != 0x55 || p[1] != 0xaa)
			return -EINVAL;
		if (n < off + 0x1a)
			return 0;
		pcir = le16(p + 0x18);
		if (n < off + pcir + 0x18)
			return 0;
		if (memcmp(p + pcir, "PCIR", 4))
			return -EINVAL;
		ilen = (size_t)le16(p + pcir + 0x10) * 512;
		if (!ilen)
			return -EINVAL;
		off += ilen;
		if (p[pcir + 0x15] & 0x80) {
			*len = off;
			return 1;
		}
	}
	return -EINVAL;
}

int vb_rom_image_matches(const struct vb_rom_image *img, unsigned vendor, unsigned device)
{
	size_t i;

	if (img->vendor != vendor)
		return 0;
	if (img->device == device)
		return 1;
	for (i = 0; i < img->ndev; i++)
		if (img->devlist[i] == device)
			return 1;
	return 0;
}

const char *vb_rom_status_str(int status)
{
	switch (status) {
	case VB_ROM_OK:
		return "ok";
	case VB_ROM_EMPTY:
		return "the ROM is empty";
	case VB_ROM_ALLFF:
		return "the ROM reads as all 0xFF (nothing answers at the ROM BAR)";
	case VB_ROM_ALLZERO:
		return "the ROM reads as all zeros";
	case VB_ROM_NOSIG:
		return "no 0x55AA signature at the image start";
	case VB_ROM_NOPCIR:
		return "the PCI data structure pointer points outside the image";
	case VB_ROM_BADPCIR:
		return "no valid PCI data structure (PCIR)";
	case VB_ROM_BADLEN:
		return "image length is 0";
	case VB_ROM_SHORT:
		return "the image runs past the end of the data (truncated)";
	case VB_ROM_NOLAST:
		return "the data ends before an image marked last (truncated)";
	case VB_ROM_BADINIT:
		return "legacy initialization size is 0 or larger than the image";
	case VB_ROM_BADSUM:
		return "legacy image checksum is wrong";
	case VB_ROM_BADEFI:
		return "EFI image without the 0x0EF1 signature";
	case VB_ROM_TOOMANY:
		return "too many images";
	}
	return "unknown problem";
}

const char *vb_rom_code_name(unsigned code_type)
{
	switch (code_type) {
	case VB_ROM_CODE_X86:
		return "x86";
	case 1:
		return "Open Firmware";
	case 2:
		return "PA-RISC";
	case VB_ROM_CODE_EFI:
		return "EFI";
	}
	return NULL;
}

const char *vb_rom_efi_machine_name(unsigned machine)
{
	switch (machine) {
	case 0x014c:
		return "IA32";
	case 0x0200:
		return "Itanium";
	case 0x0ebc:
		return "EBC";
	case 0x8664:
		return "x64";
	case 0x01c2:
		return "ARM";
	case 0xaa64:
		return "AArch64";
	case 0x5032:
		return "RISC-V32";
	case 0x5064:
		return "RISC-V64";
	case 0x6264:
		return "LoongArch64";
	}
	return NULL;
}
