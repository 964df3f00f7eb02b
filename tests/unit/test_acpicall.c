/* lib/acpicall: replies of the acpi_call module as it writes them
 * (acpi_call.c's acpi_result_to_string, 256-byte text), and lib/rom's
 * chain length from the headers, which the _ROM reads stop at. */
#include "unit.h"

#include "fw/acpicall.h"
#include "fw/rom.h"

static void test_parse(void **state)
{
	unsigned char b[64];
	size_t got;
	int cut;

	(void)state;
	assert_int_equal(vb_acpicall_parse_buffer("{0x55, 0xaa, 0x00, 0xff}", b, sizeof(b), &got, &cut), 0);
	assert_int_equal(got, 4);
	assert_int_equal(cut, 0);
	assert_int_equal(b[0], 0x55);
	assert_int_equal(b[1], 0xaa);
	assert_int_equal(b[3], 0xff);
	/* cut by the module: a trailing comma and no brace */
	assert_int_equal(vb_acpicall_parse_buffer("{0x01, 0x02,", b, sizeof(b), &got, &cut), 0);
	assert_int_equal(got, 2);
	assert_int_equal(cut, 1);
	/* an empty buffer */
	assert_int_equal(vb_acpicall_parse_buffer("{}", b, sizeof(b), &got, &cut), 0);
	assert_int_equal(got, 0);
	assert_int_equal(vb_acpicall_parse_buffer("Error: AE_NOT_FOUND", b, sizeof(b), &got, &cut),
			 -EREMOTEIO);
	assert_int_equal(vb_acpicall_parse_buffer("not called", b, sizeof(b), &got, &cut), -ENOMSG);
	/* not a buffer, or garbled */
	assert_int_equal(vb_acpicall_parse_buffer("0x0", b, sizeof(b), &got, &cut), -EPROTO);
	assert_int_equal(vb_acpicall_parse_buffer("\"text\"", b, sizeof(b), &got, &cut), -EPROTO);
	assert_int_equal(vb_acpicall_parse_buffer("[0x1, 0x2]", b, sizeof(b), &got, &cut), -EPROTO);
	assert_int_equal(vb_acpicall_parse_buffer("{0x100}", b, sizeof(b), &got, &cut), -EPROTO);
	assert_int_equal(vb_acpicall_parse_buffer("{0x01 0x02}", b, sizeof(b), &got, &cut), -EPROTO);
	assert_int_equal(vb_acpicall_parse_buffer("{0x01}x", b, sizeof(b), &got, &cut), -EPROTO);
	assert_int_equal(vb_acpicall_parse_buffer("{12}", b, sizeof(b), &got, &cut), -EPROTO);
	assert_int_equal(vb_acpicall_parse_buffer("{", b, sizeof(b), &got, &cut), -EPROTO);
	/* more than asked for */
	assert_int_equal(vb_acpicall_parse_buffer("{0x01, 0x02, 0x03}", b, 2, &got, &cut), -EPROTO);
}

/* an image of blocks x 512 bytes, PCIR at 0x40, last or not */
static void image(unsigned char *p, unsigned blocks, int last)
{
	memset(p, 0, blocks * 512);
	p[0] = 0x55;
	p[1] = 0xaa;
	p[0x18] = 0x40;
	memcpy(p + 0x40, "PCIR", 4);
	p[0x40 + 0x10] = (unsigned char)blocks;
	p[0x40 + 0x15] = last ? 0x80 : 0;
}

static void test_chain_len(void **state)
{
	static unsigned char rom[6 * 512];
	size_t len = 0, n;

	(void)state;
	image(rom, 2, 0);
	image(rom + 1024, 4, 1);
	/* not enough to know until the second image's PCIR is in */
	for (n = 0; n < 1024 + 0x40 + 0x18; n += 7)
		assert_int_equal(vb_rom_chain_len(rom, n, &len), 0);
	assert_int_equal(vb_rom_chain_len(rom, 1024 + 0x40 + 0x18, &len), 1);
	assert_int_equal(len, 6 * 512);
	assert_int_equal(vb_rom_chain_len(rom, sizeof(rom), &len), 1);
	rom[1024] = 0;			/* no 0x55AA where the second image starts */
	assert_int_equal(vb_rom_chain_len(rom, sizeof(rom), &len), -EINVAL);
	rom[1024] = 0x55;
	rom[0x40 + 0x10] = 0;		/* image length 0 */
	assert_int_equal(vb_rom_chain_len(rom, sizeof(rom), &len), -EINVAL);
	rom[0x40 + 0x10] = 2;
	memcpy(rom + 0x40, "PCIX", 4);
	assert_int_equal(vb_rom_chain_len(rom, sizeof(rom), &len), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_chain_len),
	};

	return cmocka_run_group_tests_name("acpicall", tests, NULL, NULL);
}
