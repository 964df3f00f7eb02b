/* lib/rom: option ROM image chain: signatures, PCIR, lengths, the last-image
 * flag, legacy checksum, EFI header, device lists. */
#include "unit.h"

#include "fw/rom.h"

static void put16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

/* An image of blocks x 512 bytes at p: legacy x86 (code 0) or EFI (3). */
static void image(unsigned char *p, unsigned blocks, unsigned code, unsigned vendor,
		  unsigned device, int last)
{
	unsigned char *pc = p + 0x40;
	unsigned s = 0, i;

	memset(p, 0, blocks * 512);
	p[0] = 0x55;
	p[1] = 0xaa;
	put16(p + 0x18, 0x40);
	memcpy(pc, "PCIR", 4);
	put16(pc + 4, vendor);
	put16(pc + 6, device);
	put16(pc + 0x0a, 0x18);
	pc[0x0c] = 0;
	pc[0x0d] = 0x00;
	pc[0x0e] = 0x00;
	pc[0x0f] = 0x03;		/* display controller */
	put16(pc + 0x10, blocks);
	put16(pc + 0x12, 1);
	pc[0x14] = (unsigned char)code;
	pc[0x15] = last ? 0x80 : 0;
	if (code == 0) {
		p[2] = (unsigned char)blocks;
		p[3] = 0xeb;		/* a jump, as real images have */
		for (i = 0; i < blocks * 512; i++)
			s += p[i];
		p[blocks * 512 - 1] = (unsigned char)(0x100 - (s & 0xff));
	} else if (code == 3) {
		put16(p + 2, blocks);
		put16(p + 4, 0x0ef1);
		put16(p + 8, 0x0b);	/* boot service driver */
		put16(p + 0x0a, 0x8664);
		put16(p + 0x0c, 1);	/* compressed */
		put16(p + 0x16, 0x60);
	}
}

static unsigned char rom[40 * 512];

static void test_legacy_efi(void **state)
{
	struct vb_rom r;

	(void)state;
	image(rom, 4, 0, 0x10de, 0x249d, 0);
	image(rom + 4 * 512, 6, 3, 0x10de, 0x249d, 1);
	assert_int_equal(vb_rom_parse(rom, 10 * 512, &r), VB_ROM_OK);
	assert_int_equal(r.nimg, 2);
	assert_int_equal(r.end, 10 * 512);
	assert_int_equal(r.img[0].offset, 0);
	assert_int_equal(r.img[0].length, 2048);
	assert_int_equal(r.img[0].code_type, VB_ROM_CODE_X86);
	assert_int_equal(r.img[0].init_size, 2048);
	assert_int_equal(r.img[0].sum, 0);
	assert_int_equal(r.img[0].vendor, 0x10de);
	assert_int_equal(r.img[0].device, 0x249d);
	assert_int_equal(r.img[0].class, 0x030000);
	assert_int_equal(r.img[0].pcir, 0x40);
	assert_false(r.img[0].last);
	assert_int_equal(r.img[1].offset, 2048);
	assert_int_equal(r.img[1].length, 3072);
	assert_int_equal(r.img[1].code_type, VB_ROM_CODE_EFI);
	assert_int_equal(r.img[1].efi_machine, 0x8664);
	assert_int_equal(r.img[1].efi_subsystem, 0x0b);
	assert_int_equal(r.img[1].efi_compression, 1);
	assert_true(r.img[1].last);
	assert_true(vb_rom_image_matches(&r.img[0], 0x10de, 0x249d));
	assert_false(vb_rom_image_matches(&r.img[0], 0x10de, 0x249e));
	assert_false(vb_rom_image_matches(&r.img[0], 0x1002, 0x249d));
	/* bytes after the last image are not an error (ROM files are padded) */
	memset(rom + 10 * 512, 0xff, 512);
	assert_int_equal(vb_rom_parse(rom, 11 * 512, &r), VB_ROM_OK);
	assert_int_equal(r.end, 10 * 512);
}

static void test_blank(void **state)
{
	struct vb_rom r;

	(void)state;
	assert_int_equal(vb_rom_parse(rom, 0, &r), VB_ROM_EMPTY);
	assert_int_equal(r.nimg, 0);
	memset(rom, 0xff, 4096);
	assert_int_equal(vb_rom_parse(rom, 4096, &r), VB_ROM_ALLFF);
	memset(rom, 0, 4096);
	assert_int_equal(vb_rom_parse(rom, 4096, &r), VB_ROM_ALLZERO);
	rom[100] = 1;
	assert_int_equal(vb_rom_parse(rom, 4096, &r), VB_ROM_NOSIG);
	assert_int_equal(r.bad, 0);
	rom[0] = 0x55;
	assert_int_equal(vb_rom_parse(rom, 1, &r), VB_ROM_NOSIG);
}

static void test_structure(void **state)
{
	struct vb_rom r;

	(void)state;
	image(rom, 4, 0, 0x10de, 0x249d, 1);
	assert_int_equal(vb_rom_parse(rom, 0x19, &r), VB_ROM_NOPCIR);
	assert_int_equal(vb_rom_parse(rom, 0x40 + 0x17, &r), VB_ROM_NOPCIR);
	/* a full PCIR but the image is longer than the data */
	assert_int_equal(vb_rom_parse(rom, 0x40 + 0x18, &r), VB_ROM_SHORT);
	assert_int_equal(vb_rom_parse(rom, 2047, &r), VB_ROM_SHORT);
	assert_int_equal(r.nimg, 0);
	assert_int_equal(r.bad, 0);
	put16(rom + 0x18, 0xfff0);
	assert_int_equal(vb_rom_parse(rom, 2048, &r), VB_ROM_NOPCIR);
	image(rom, 4, 0, 0x10de, 0x249d, 1);
	rom[0x41] = 'X';
	assert_int_equal(vb_rom_parse(rom, 2048, &r), VB_ROM_BADPCIR);
	image(rom, 4, 0, 0x10de, 0x249d, 1);
	put16(rom + 0x40 + 0x0a, 0x10);
	assert_int_equal(vb_rom_parse(rom, 2048, &r), VB_ROM_BADPCIR);
	image(rom, 4, 0, 0x10de, 0x249d, 1);
	put16(rom + 0x40 + 0x10, 0);
	assert_int_equal(vb_rom_parse(rom, 2048, &r), VB_ROM_BADLEN);
	/* PCIR inside the data but past the image's own length */
	image(rom, 1, 0, 0x10de, 0x249d, 1);
	put16(rom + 0x18, 0x1f0);
	memcpy(rom + 0x1f0, rom + 0x40, 0x18);	/* image length: 1 block */
	assert_int_equal(vb_rom_parse(rom, 0x220, &r), VB_ROM_NOPCIR);
}

static void test_chain(void **state)
{
	struct vb_rom r;
	size_t i;

	(void)state;
	/* no last flag and the data ends */
	image(rom, 4, 0, 0x10de, 0x249d, 0);
	assert_int_equal(vb_rom_parse(rom, 2048, &r), VB_ROM_NOLAST);
	assert_int_equal(r.nimg, 1);
	assert_int_equal(r.bad, 1);
	/* a broken second image: the first is kept */
	memset(rom + 2048, 0xff, 2048);
	assert_int_equal(vb_rom_parse(rom, 4096, &r), VB_ROM_NOSIG);
	assert_int_equal(r.nimg, 1);
	assert_int_equal(r.bad, 1);
	/* 17 images and no last flag */
	for (i = 0; i < 17; i++)
		image(rom + i * 512, 1, 0, 0x10de, 0x249d, 0);
	assert_int_equal(vb_rom_parse(rom, 17 * 512, &r), VB_ROM_TOOMANY);
	assert_int_equal(r.nimg, VB_ROM_MAX_IMAGES);
	/* the 16th with the flag is fine */
	image(rom + 15 * 512, 1, 0, 0x10de, 0x249d, 1);
	assert_int_equal(vb_rom_parse(rom, 17 * 512, &r), VB_ROM_OK);
	assert_int_equal(r.nimg, 16);
}

static void test_code_checks(void **state)
{
	struct vb_rom r;

	(void)state;
	image(rom, 4, 0, 0x10de, 0x249d, 0);
	image(rom + 2048, 2, 3, 0x10de, 0x249d, 1);
	rom[100] ^= 0x20;
	assert_int_equal(vb_rom_parse(rom, 3072, &r), VB_ROM_BADSUM);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.nimg, 2);		/* the walk goes on */
	assert_int_equal(r.img[0].sum, 0x20);
	assert_int_equal(r.img[1].status, VB_ROM_OK);
	rom[100] ^= 0x20;
	/* the checksum covers the initialization size, not the image length */
	rom[2] = 2;
	assert_int_not_equal(vb_rom_parse(rom, 3072, &r), VB_ROM_OK);
	rom[2] = 0;
	assert_int_equal(vb_rom_parse(rom, 3072, &r), VB_ROM_BADINIT);
	rom[2] = 5;
	assert_int_equal(vb_rom_parse(rom, 3072, &r), VB_ROM_BADINIT);
	rom[2] = 4;
	assert_int_equal(vb_rom_parse(rom, 3072, &r), VB_ROM_OK);
	/* EFI image without its signature */
	rom[2048 + 4] = 0;
	assert_int_equal(vb_rom_parse(rom, 3072, &r), VB_ROM_BADEFI);
	assert_int_equal(r.bad, 1);
	/* other code types are walked, not checked */
	image(rom, 2, 0xe0, 0x10de, 0x249d, 1);
	assert_int_equal(vb_rom_parse(rom, 1024, &r), VB_ROM_OK);
	assert_int_equal(r.img[0].code_type, 0xe0);
}

static void test_devlist(void **state)
{
	struct vb_rom r;
	unsigned char *pc = rom + 0x40;

	(void)state;
	image(rom, 2, 3, 0x10de, 0x2400, 1);
	pc[0x0c] = 3;			/* PCI 3.0 data structure */
	put16(pc + 0x0a, 0x1c);
	put16(pc + 8, 0x20);		/* device list at PCIR + 0x20 */
	put16(pc + 0x20, 0x249d);
	put16(pc + 0x22, 0x24dd);
	put16(pc + 0x24, 0);
	assert_int_equal(vb_rom_parse(rom, 1024, &r), VB_ROM_OK);
	assert_int_equal(r.img[0].ndev, 2);
	assert_true(vb_rom_image_matches(&r.img[0], 0x10de, 0x2400));
	assert_true(vb_rom_image_matches(&r.img[0], 0x10de, 0x249d));
	assert_true(vb_rom_image_matches(&r.img[0], 0x10de, 0x24dd));
	assert_false(vb_rom_image_matches(&r.img[0], 0x10de, 0x2488));
	/* a revision 2 structure has no device list there */
	pc[0x0c] = 2;
	assert_int_equal(vb_rom_parse(rom, 1024, &r), VB_ROM_OK);
	assert_int_equal(r.img[0].ndev, 0);
	assert_false(vb_rom_image_matches(&r.img[0], 0x10de, 0x249d));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(vb_rom_code_name(0), "x86");
	assert_string_equal(vb_rom_code_name(3), "EFI");
	assert_null(vb_rom_code_name(0xe0));
	assert_string_equal(vb_rom_efi_machine_name(0x8664), "x64");
	assert_string_equal(vb_rom_efi_machine_name(0xaa64), "AArch64");
	assert_null(vb_rom_efi_machine_name(0x1234));
	assert_string_equal(vb_rom_status_str(VB_ROM_BADSUM), "legacy image checksum is wrong");
	assert_string_equal(vb_rom_status_str(VB_ROM_OK), "ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_legacy_efi),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_code_checks),
		cmocka_unit_test(test_devlist),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("rom", tests, NULL, NULL);
}
