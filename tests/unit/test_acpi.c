/* lib/acpi: header parse, length and checksum checks, the built-in battery
 * table, name parsing (the AML walk and search: test_aml.c). */
#include "unit.h"

#include "fw/acpi.h"


static void test_battery(void **state)
{
	struct vb_acpi_hdr h;

	(void)state;
	assert_int_equal(vb_acpi_battery_len, 161);
	assert_int_equal(vb_acpi_sum(vb_acpi_battery, vb_acpi_battery_len), 0);
	assert_int_equal(vb_acpi_check(vb_acpi_battery, vb_acpi_battery_len, &h), VB_ACPI_OK);
	assert_string_equal(h.sig, "SSDT");
	assert_int_equal(h.length, 161);
	assert_int_equal(h.revision, 1);
	assert_int_equal(h.checksum, 0xf4);
	assert_int_equal(h.want_checksum, 0xf4);
	assert_string_equal(h.oem_id, "BOCHS");
	assert_string_equal(h.oem_table_id, "BXPCSSDT");
	assert_int_equal(h.oem_revision, 1);
	assert_string_equal(h.creator_id, "INTL");
	assert_int_equal(h.creator_revision, 0x20191018);
	assert_true(h.has_checksum);
}

static void test_check_errors(void **state)
{
	unsigned char t[200];
	struct vb_acpi_hdr h;

	(void)state;
	memcpy(t, vb_acpi_battery, 161);
	assert_int_equal(vb_acpi_check(t, 0, &h), VB_ACPI_NOHDR);
	assert_int_equal(vb_acpi_check(t, 7, &h), VB_ACPI_NOHDR);
	/* a signature but not a whole header */
	assert_int_equal(vb_acpi_check(t, 35, &h), VB_ACPI_NOHDR);
	assert_string_equal(h.sig, "SSDT");
	assert_int_equal(h.length, 161);
	/* truncated and too long */
	assert_int_equal(vb_acpi_check(t, 160, &h), VB_ACPI_SHORT);
	assert_int_equal(vb_acpi_check(t, 36, &h), VB_ACPI_SHORT);
	t[161] = 0;
	assert_int_equal(vb_acpi_check(t, 162, &h), VB_ACPI_LONG);
	/* one byte changed: bad sum, and the wanted checksum repairs it */
	t[100] ^= 0x01;
	assert_int_equal(vb_acpi_check(t, 161, &h), VB_ACPI_BADSUM);
	assert_int_not_equal(h.want_checksum, h.checksum);
	t[9] = h.want_checksum;
	assert_int_equal(vb_acpi_check(t, 161, &h), VB_ACPI_OK);
	/* length field smaller than the header */
	memcpy(t, vb_acpi_battery, 161);
	t[4] = 20;
	assert_int_equal(vb_acpi_check(t, 161, &h), VB_ACPI_BADLEN);
	/* not a signature */
	memcpy(t, "ss\x01T", 4);
	assert_int_equal(vb_acpi_check(t, 161, &h), VB_ACPI_NOHDR);
	assert_string_equal(h.sig, "ss?T");
	/* '!' is allowed as the last signature character (ACPICA) */
	memcpy(t, vb_acpi_battery, 161);
	memcpy(t, "SSD!", 4);
	assert_int_not_equal(vb_acpi_check(t, 161, &h), VB_ACPI_NOHDR);
	assert_string_equal(vb_acpi_status_str(VB_ACPI_SHORT), "truncated");
	assert_string_equal(vb_acpi_status_str(VB_ACPI_BADSUM), "bad checksum");
}

static void test_facs(void **state)
{
	unsigned char f[64];
	struct vb_acpi_hdr h;

	(void)state;
	memset(f, 0, sizeof(f));
	memcpy(f, "FACS", 4);
	f[4] = 64;
	f[32] = 2;
	f[9] = 0x55;		/* no checksum in a FACS: anything goes */
	assert_int_equal(vb_acpi_check(f, 64, &h), VB_ACPI_OK);
	assert_false(h.has_checksum);
	assert_int_equal(h.revision, 2);
	assert_int_equal(h.length, 64);
	assert_int_equal(vb_acpi_check(f, 40, &h), VB_ACPI_SHORT);
	assert_int_equal(vb_acpi_check(f, 8, &h), VB_ACPI_SHORT);
	f[4] = 4;
	assert_int_equal(vb_acpi_check(f, 64, &h), VB_ACPI_BADLEN);
}

static void test_oem_text(void **state)
{
	unsigned char t[161];
	struct vb_acpi_hdr h;

	(void)state;
	memcpy(t, vb_acpi_battery, 161);
	memcpy(t + 10, "AB  \0\0", 6);	/* blanks then NULs */
	memcpy(t + 16, "X\x7fY\x01    ", 8);
	t[9] = 0;
	t[9] = (uint8_t)(0 - vb_acpi_sum(t, 161));
	assert_int_equal(vb_acpi_check(t, 161, &h), VB_ACPI_OK);
	assert_string_equal(h.oem_id, "AB");
	assert_string_equal(h.oem_table_id, "X?Y?");
}

static void test_sig_aml(void **state)
{
	(void)state;
	assert_true(vb_acpi_is_aml("SSDT"));
	assert_true(vb_acpi_is_aml("DSDT"));
	assert_false(vb_acpi_is_aml("FACP"));
	assert_true(vb_acpi_sig_valid("SSDT"));
	assert_true(vb_acpi_sig_valid("TPM2"));
	assert_true(vb_acpi_sig_valid("$H2O") == 0);
	assert_false(vb_acpi_sig_valid("ssdt"));
	assert_false(vb_acpi_sig_valid("SS/T"));
}

static void test_name_parse(void **state)
{
	struct vb_acpi_name nm;
	char out[64];
	static const char *const bad[] = {
		"", ".", "ABCDE", "1ABC", "A-B", "_SB..X", "_SB.", ".PCI0", "\\", "^",
		"_SB PCI0", "\\\\_SB", "_S\xc3\xa9",
	};
	char longest[256 * 2 + 1], big[256 * 2];
	size_t i;

	(void)state;
	assert_int_equal(vb_acpi_name_parse("_ROM", &nm), 0);
	assert_int_equal(nm.nseg, 1);
	assert_memory_equal(nm.seg[0], "_ROM", 4);
	assert_int_equal(vb_acpi_name_parse("gfx", &nm), 0);
	assert_memory_equal(nm.seg[0], "GFX_", 4);
	assert_int_equal(vb_acpi_name_parse("\\_SB.PCI0.gfx0", &nm), 0);
	assert_int_equal(nm.nseg, 3);
	assert_memory_equal(nm.seg[0], "_SB_", 4);
	assert_memory_equal(nm.seg[1], "PCI0", 4);
	assert_memory_equal(nm.seg[2], "GFX0", 4);
	vb_acpi_name_format(&nm, out, sizeof(out));
	assert_string_equal(out, "_SB.PCI0.GFX0");
	assert_int_equal(vb_acpi_name_parse("^^PEG0", &nm), 0);
	assert_int_equal(nm.nseg, 1);
	assert_int_equal(vb_acpi_name_parse("_", &nm), 0);
	vb_acpi_name_format(&nm, out, sizeof(out));
	assert_string_equal(out, "_");
	/* as deep as a MultiNamePrefix goes (255 segments), not one more */
	for (i = 0; i < 255; i++)
		memcpy(longest + 2 * i, i ? ".A" : "\\A", 2);
	longest[2 * 255] = 0;
	assert_int_equal(vb_acpi_name_parse(longest, &nm), 0);
	assert_int_equal(nm.nseg, 255);
	vb_acpi_name_format(&nm, big, sizeof(big));
	assert_string_equal(big, longest + 1);		/* printed without the '\\' */
	memcpy(longest + 2 * 255, ".A", 3);
	assert_int_equal(vb_acpi_name_parse(longest, &nm), -EINVAL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vb_acpi_name_parse(bad[i], &nm) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_battery),
		cmocka_unit_test(test_check_errors),
		cmocka_unit_test(test_facs),
		cmocka_unit_test(test_oem_text),
		cmocka_unit_test(test_sig_aml),
		cmocka_unit_test(test_name_parse),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
