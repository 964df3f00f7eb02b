/* rom: PCI expansion ROM images (PCI Firmware Specification 3.0, 5.1; UEFI
 * spec "PCI Option ROMs").
 *
 * A ROM is a chain of images. Each starts with 0x55 0xAA; the 16-bit word at
 * 0x18 points (from the image start) at the PCI Data Structure: "PCIR",
 * vendor id, device id, device list pointer (revision 3), structure length,
 * revision, class code, image length in 512-byte units (0x10), code revision,
 * code type (0x14: 0 x86 legacy, 1 Open Firmware, 2 PA-RISC, 3 EFI) and the
 * indicator byte (0x15, bit 7: last image). A legacy x86 image holds its
 * initialization size in 512-byte units at 0x02, and those bytes sum to zero
 * (what SeaBIOS checks). An EFI image has 0x0EF1 at 0x04, then subsystem,
 * machine type and compression type. The kernel's rom attribute walks the
 * same chain (pci_get_rom_size) and returns only the images it found. */
#ifndef VB_ROM_H
#define VB_ROM_H

#include <stddef.h>
#include <stdint.h>

#define VB_ROM_MAX_IMAGES 16
#define VB_ROM_MAX_DEVLIST 32
#define VB_ROM_CODE_X86 0
#define VB_ROM_CODE_EFI 3

/* What is wrong with an image (or the whole ROM); 0 is fine. */
enum {
	VB_ROM_OK = 0,
	VB_ROM_EMPTY,		/* no bytes at all */
	VB_ROM_ALLFF,		/* every byte 0xFF: nothing answers at the ROM BAR */
	VB_ROM_ALLZERO,		/* every byte 0x00 */
	VB_ROM_NOSIG,		/* no 0x55 0xAA at the image start */
	VB_ROM_NOPCIR,		/* the PCIR pointer points outside the data */
	VB_ROM_BADPCIR,		/* no "PCIR" there, or a too short structure */
	VB_ROM_BADLEN,		/* image length 0 */
	VB_ROM_SHORT,		/* the image runs past the end of the data */
	VB_ROM_NOLAST,		/* data ends before an image with the last flag */
	VB_ROM_BADINIT,		/* legacy initialization size 0 or past the image */
	VB_ROM_BADSUM,		/* legacy image bytes do not sum to zero */
	VB_ROM_BADEFI,		/* code type EFI without the 0x0EF1 signature */
	VB_ROM_TOOMANY,		/* more than VB_ROM_MAX_IMAGES images */
};

struct vb_rom_image {
	size_t offset;		/* of the image in the ROM */
	size_t length;		/* PCIR image length in bytes */
	unsigned pcir;		/* PCIR offset from the image start */
	unsigned vendor, device;
	unsigned pcir_rev;
	unsigned class;		/* 24 bits */
	unsigned code_type;
	unsigned code_rev;
	int last;		/* indicator bit 7 */
	size_t ndev;		/* PCI 3.0 device list (other device ids) */
	unsigned devlist[VB_ROM_MAX_DEVLIST];
	size_t init_size;	/* legacy: byte 2 x 512 */
	uint8_t sum;		/* legacy: sum of init_size bytes */
	unsigned efi_subsystem, efi_machine, efi_compression;
	int status;		/* VB_ROM_* for this image */
};

struct vb_rom {
	size_t nimg;
	struct vb_rom_image img[VB_ROM_MAX_IMAGES];
	int status;		/* the first problem, VB_ROM_OK if none */
	size_t bad;		/* index of the image it is in (== nimg: the
				 * chain broke before a complete image) */
	size_t end;		/* offset after the last parsed image */
};

/* Walk the image chain of the n bytes at buf. Returns the first problem
 * (rom->status), 0 when every image is sound. Images before a structural
 * break are kept in rom->img. */
int vb_rom_parse(const unsigned char *buf, size_t n, struct vb_rom *rom);
/* How long the image chain at buf is, from the headers alone (the n bytes
 * read so far): 1 and *len when every image up to the one marked last is
 * in view; 0 when more bytes are needed to know; -EINVAL when the chain is
 * broken there (no 0x55AA, no PCIR, image length 0, too many images; what
 * is wrong vb_rom_parse says). For reading a ROM in pieces (ACPI _ROM). */
int vb_rom_chain_len(const unsigned char *buf, size_t n, size_t *len);
/* 1 if img names vendor:device (its PCIR ids or its device list). */
int vb_rom_image_matches(const struct vb_rom_image *img, unsigned vendor, unsigned device);
/* A phrase for a VB_ROM_* value. */
const char *vb_rom_status_str(int status);
/* "x86", "EFI", "Open Firmware", "PA-RISC", or NULL for other code types. */
const char *vb_rom_code_name(unsigned code_type);
/* "x64", "IA32", "AArch64", "EBC", ... or NULL for an unknown machine. */
const char *vb_rom_efi_machine_name(unsigned machine);

#endif
