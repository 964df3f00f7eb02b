/* lib/acpi: header parse, length and checksum checks, the built-in battery
 * table, name parsing and the AML name search. */
#include "unit.h"

#include "fw/acpi.h"

/* iasl 20200925 output for tests/unit/test_acpi.c's NVROM table:
 *   External (\_SB.PCI0.PEG0.PEGP, DeviceObj)
 *   Scope (\_SB.PCI0.PEG0.PEGP) {
 *     OperationRegion (FWCF, SystemIO, 0x0510, 0x02)
 *     Field (FWCF, WordAcc, NoLock, Preserve) { FSEL, 16 }
 *     Name (RVBS, 0x00020000)
 *     Method (_ROM, 2) { FSEL = Arg0  Return (Buffer (Arg1) {}) } }
 *   Method (\_SB.PCI0.PEG0.PEGP.XROM, 0) {
 *     Return (\_SB.PCI0.PEG0.PEGP._ROM (Zero, 0x1000)) } */
static const unsigned char nvrom[] = {
	0x53, 0x53, 0x44, 0x54, 0xbd, 0x00, 0x00, 0x00, 0x02, 0x2f, 0x56, 0x42,
	0x54, 0x45, 0x53, 0x54, 0x4e, 0x56, 0x52, 0x4f, 0x4d, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x49, 0x4e, 0x54, 0x4c, 0x25, 0x09, 0x20, 0x20,
	0xa0, 0x18, 0x00, 0x15, 0x5c, 0x2f, 0x04, 0x5f, 0x53, 0x42, 0x5f, 0x50,
	0x43, 0x49, 0x30, 0x50, 0x45, 0x47, 0x30, 0x50, 0x45, 0x47, 0x50, 0x06,
	0x00, 0x10, 0x49, 0x04, 0x5c, 0x2f, 0x04, 0x5f, 0x53, 0x42, 0x5f, 0x50,
	0x43, 0x49, 0x30, 0x50, 0x45, 0x47, 0x30, 0x50, 0x45, 0x47, 0x50, 0x5b,
	0x80, 0x46, 0x57, 0x43, 0x46, 0x01, 0x0b, 0x10, 0x05, 0x0a, 0x02, 0x5b,
	0x81, 0x0b, 0x46, 0x57, 0x43, 0x46, 0x02, 0x46, 0x53, 0x45, 0x4c, 0x10,
	0x08, 0x52, 0x56, 0x42, 0x53, 0x0c, 0x00, 0x00, 0x02, 0x00, 0x14, 0x10,
	0x5f, 0x52, 0x4f, 0x4d, 0x02, 0x70, 0x68, 0x46, 0x53, 0x45, 0x4c, 0xa4,
	0x11, 0x02, 0x69, 0x14, 0x35, 0x5c, 0x2f, 0x05, 0x5f, 0x53, 0x42, 0x5f,
	0x50, 0x43, 0x49, 0x30, 0x50, 0x45, 0x47, 0x30, 0x50, 0x45, 0x47, 0x50,
	0x58, 0x52, 0x4f, 0x4d, 0x00, 0xa4, 0x5c, 0x2f, 0x05, 0x5f, 0x53, 0x42,
	0x5f, 0x50, 0x43, 0x49, 0x30, 0x50, 0x45, 0x47, 0x30, 0x50, 0x45, 0x47,
	0x50, 0x5f, 0x52, 0x4f, 0x4d, 0x00, 0x0b, 0x00, 0x10,
};

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
		"A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P.Q", "_SB PCI0", "\\\\_SB", "_S\xc3\xa9",
	};
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
	assert_int_equal(vb_acpi_name_parse("A.B.C.D.E.F.G.H.I.J.K.L.M.N.O.P", &nm), 0);
	assert_int_equal(nm.nseg, 16);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (vb_acpi_name_parse(bad[i], &nm) != -EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
	}
}

struct want {
	size_t off;
	const char *kind, *path;
};

static void expect_hits(const unsigned char *t, size_t len, const char *name,
			const struct want *w, size_t nw)
{
	struct vb_acpi_name nm;
	struct vb_acpi_hit hit;
	struct vb_acpi_aml a;
	size_t pos = 0, i = 0;
	char why[300] = "";

	assert_int_equal(vb_acpi_name_parse(name, &nm), 0);
	vb_acpi_aml_walk(&a, t, len);
	while (!why[0] && vb_acpi_find(&a, &nm, &pos, &hit)) {
		if (i == nw)
			snprintf(why, sizeof(why), "%s: extra hit at 0x%zx (%s %s)", name,
				 hit.off, hit.kind, hit.path);
		else if (hit.off != w[i].off || strcmp(hit.kind, w[i].kind) ||
			 strcmp(hit.path, w[i].path))
			snprintf(why, sizeof(why), "%s hit %zu: got 0x%zx %s %s, want 0x%zx %s %s",
				 name, i, hit.off, hit.kind, hit.path, w[i].off, w[i].kind, w[i].path);
		i++;
	}
	vb_acpi_aml_free(&a);
	if (!why[0] && i != nw)
		snprintf(why, sizeof(why), "%s: %zu hits, want %zu", name, i, nw);
	if (why[0])
		fail_msg("%s", why);
}

static void test_find_battery(void **state)
{
	const unsigned char *b = vb_acpi_battery;
	size_t n = vb_acpi_battery_len;
	static const struct want sta[] = { { 0x5a, "Method", "\\_SB.PCI0.BAT0._STA" } };
	static const struct want bat[] = { { 0x44, "Device", "\\_SB.PCI0.BAT0" } };
	static const struct want bat_cut[] = { { 0x44, "reference", "BAT0" } };
	static const struct want hid[] = { { 0x49, "Name", "\\_SB.PCI0.BAT0._HID" } };
	static const struct want pci[] = {
		{ 0x2e, "External", "\\_SB.PCI0" }, { 0x3c, "Scope", "\\_SB.PCI0" },
	};
	static const struct want sb[] = {
		{ 0x2a, "External", "\\_SB.PCI0" }, { 0x38, "Scope", "\\_SB.PCI0" },
	};
	static const struct want lion[] = { { 0x87, "string", "LION" } };

	(void)state;
	expect_hits(b, n, "_STA", sta, 1);
	expect_hits(b, n, "bat0", bat, 1);
	expect_hits(b, n, "_HID", hid, 1);
	expect_hits(b, n, "PCI0", pci, 2);
	expect_hits(b, n, "\\_SB.PCI0", sb, 2);
	expect_hits(b, n, "_SB", sb, 2);
	expect_hits(b, n, "LION", lion, 1);
	/* the header's "BXPCSSDT" is not searched */
	expect_hits(b, n, "SSDT", NULL, 0);
	expect_hits(b, n, "_ROM", NULL, 0);
	/* a truncated table is searched only as far as it goes; the Scope
	 * that runs past its end is not walked, so BAT0 is just a name */
	expect_hits(b, 0x48, "BAT0", bat_cut, 1);
	expect_hits(b, 0x47, "BAT0", NULL, 0);
	expect_hits(b, 0x48, "_HID", NULL, 0);
	expect_hits(b, 20, "BAT0", NULL, 0);
}

/* A path is also found at the end of an object's absolute path when the
 * table spells it in pieces (Device (BAT0) in Scope (\_SB.PCI0)); a match
 * in a Method's code names that Method. */
static void test_find_path(void **state)
{
	const unsigned char *b = vb_acpi_battery;
	size_t n = vb_acpi_battery_len, pos = 0;
	static const struct want bat[] = { { 0x44, "Device", "\\_SB.PCI0.BAT0" } };
	static const struct want sta[] = { { 0x5a, "Method", "\\_SB.PCI0.BAT0._STA" } };
	static const struct want hid[] = { { 0x49, "Name", "\\_SB.PCI0.BAT0._HID" } };
	struct vb_acpi_name nm;
	struct vb_acpi_hit hit;
	struct vb_acpi_aml a;

	(void)state;
	expect_hits(b, n, "PCI0.BAT0", bat, 1);
	expect_hits(b, n, "\\_SB.PCI0.BAT0", bat, 1);
	expect_hits(b, n, "\\_SB.PCI0.BAT0._STA", sta, 1);
	expect_hits(b, n, "bat0._hid", hid, 1);
	/* whole segments only, and only at the end of the path */
	expect_hits(b, n, "CI0.BAT0", NULL, 0);
	expect_hits(b, n, "PCI1.BAT0", NULL, 0);
	expect_hits(b, n, "PCI0.BAT0._XYZ", NULL, 0);
	/* not walked (the Scope runs past the end): no path to end with */
	expect_hits(b, 0x48, "PCI0.BAT0", NULL, 0);

	assert_int_equal(vb_acpi_name_parse("LION", &nm), 0);
	vb_acpi_aml_walk(&a, b, n);
	assert_int_equal(vb_acpi_find(&a, &nm, &pos, &hit), 1);
	assert_non_null(hit.in);
	assert_string_equal(hit.in, "\\_SB.PCI0.BAT0._BIF");
	pos = 0;
	assert_int_equal(vb_acpi_name_parse("_STA", &nm), 0);
	assert_int_equal(vb_acpi_find(&a, &nm, &pos, &hit), 1);
	assert_null(hit.in);
	vb_acpi_aml_free(&a);
}

static void test_walk(void **state)
{
	struct vb_acpi_aml a;
	static const char *const defs[] = {
		"External \\_SB.PCI0.PEG0.PEGP", "Scope \\_SB.PCI0.PEG0.PEGP",
		"OperationRegion \\_SB.PCI0.PEG0.PEGP.FWCF", "Field \\_SB.PCI0.PEG0.PEGP.FSEL",
		"Name \\_SB.PCI0.PEG0.PEGP.RVBS", "Method \\_SB.PCI0.PEG0.PEGP._ROM",
		"Method \\_SB.PCI0.PEG0.PEGP.XROM",
	};
	char got[200];
	size_t i;

	(void)state;
	vb_acpi_aml_walk(&a, nvrom, sizeof(nvrom));
	assert_int_equal(a.walked_to, sizeof(nvrom));
	assert_int_equal(a.ndefs, sizeof(defs) / sizeof(defs[0]));
	for (i = 0; i < a.ndefs; i++) {
		snprintf(got, sizeof(got), "%s %s", a.defs[i].kind, a.defs[i].path);
		assert_string_equal(got, defs[i]);
	}
	vb_acpi_aml_free(&a);

	vb_acpi_aml_walk(&a, vb_acpi_battery, vb_acpi_battery_len);
	assert_int_equal(a.walked_to, vb_acpi_battery_len);
	assert_int_equal(a.ndefs, 8);	/* External, Scope, BAT0, _HID, _UID, _STA, _BIF, _BST */
	vb_acpi_aml_free(&a);
}

static void test_find_multiname(void **state)
{
	size_t n = sizeof(nvrom);
	static const struct want rom[] = {
		{ 0x78, "Method", "\\_SB.PCI0.PEG0.PEGP._ROM" },
		{ 0xb5, "reference", "\\_SB.PCI0.PEG0.PEGP._ROM" },
	};
	static const struct want pegp[] = {
		{ 0x37, "External", "\\_SB.PCI0.PEG0.PEGP" },
		{ 0x4f, "Scope", "\\_SB.PCI0.PEG0.PEGP" },
		{ 0x98, "Method", "\\_SB.PCI0.PEG0.PEGP.XROM" },
		{ 0xb1, "reference", "\\_SB.PCI0.PEG0.PEGP._ROM" },
	};
	static const struct want path[] = {
		{ 0x33, "External", "\\_SB.PCI0.PEG0.PEGP" },
		{ 0x4b, "Scope", "\\_SB.PCI0.PEG0.PEGP" },
		{ 0x94, "Method", "\\_SB.PCI0.PEG0.PEGP.XROM" },
		{ 0xad, "reference", "\\_SB.PCI0.PEG0.PEGP._ROM" },
	};
	static const struct want fwcf[] = {
		{ 0x55, "OperationRegion", "\\_SB.PCI0.PEG0.PEGP.FWCF" },
		{ 0x62, "reference", "FWCF" },
	};
	static const struct want rvbs[] = { { 0x6d, "Name", "\\_SB.PCI0.PEG0.PEGP.RVBS" } };
	static const struct want fsel[] = {
		{ 0x67, "Field", "\\_SB.PCI0.PEG0.PEGP.FSEL" }, { 0x7f, "reference", "FSEL" },
	};

	(void)state;
	assert_int_equal(vb_acpi_sum(nvrom, n), 0);
	expect_hits(nvrom, n, "_ROM", rom, 2);
	expect_hits(nvrom, n, "PEGP", pegp, 4);
	expect_hits(nvrom, n, "PEG0.PEGP", path, 4);
	expect_hits(nvrom, n, "PEGP.XROM", &pegp[2], 1);
	expect_hits(nvrom, n, "FWCF", fwcf, 2);
	expect_hits(nvrom, n, "RVBS", rvbs, 1);
	expect_hits(nvrom, n, "FSEL", fsel, 2);
	/* segments that are not next to each other in any name */
	expect_hits(nvrom, n, "PCI0.PEGP", NULL, 0);
	expect_hits(nvrom, n, "_DSM", NULL, 0);
}

/* A table of 64 bytes whose body is built by hand. */
static void body(unsigned char *t, const void *b, size_t n)
{
	memset(t, 0, 64);
	memcpy(t, "SSDT", 4);
	t[4] = 64;
	memcpy(t + VB_ACPI_HDR_LEN, b, n);
}

static void test_find_bytes(void **state)
{
	unsigned char t[64];
	static const struct want ab[] = { { 40, "bytes", "AAAA.BBBB" } };
	static const struct want ref[] = { { 38, "reference", "_ROM" } };
	static const struct want meth[] = { { 38, "Method", "\\_ROM" } };
	static const struct want meth2[] = { { 39, "Method", "\\_ROM" } };
	static const struct want ref2[] = { { 39, "reference", "_ROM" } };
	static const struct want ext[] = { { 41, "External", "\\_ROM" } };
	static const struct want ref3[] = { { 42, "reference", "\\_ROM" } };
	static const struct want name[] = { { 37, "Name", "\\_ROM" } };
	static const struct want scoped[] = { { 45, "Method", "\\_SB.XROM" } };
	static const struct want root_rom[] = { { 42, "Method", "\\_ROM" } };
	static const struct want up[] = { { 45, "Name", "\\ABCD" } };
	static const struct want cfld[] = { { 46, "BufferField", "\\CFLD" } };
	static const struct want aft1[] = { { 51, "Name", "\\AFT1" } };
	static const struct want pwen[] = { { 49, "Field", "\\PWEN" } };
	static const struct want pwen2[] = { { 48, "Field", "\\PWEN" } };
	static const struct want xrom[] = { { 45, "Method", "\\XROM" } };
	static const struct want aft1b[] = { { 51, "Name", "\\AFT1" } };
	struct vb_acpi_aml a;

	(void)state;
	/* two segments that are adjacent bytes but in no NameString */
	body(t, "\x00\x00\x00\x00" "AAAABBBB", 12);
	expect_hits(t, 64, "AAAA.BBBB", ab, 1);
	/* a PkgLength that would run past the table is not a Method */
	body(t, "\x14\x3f_ROM", 6);
	expect_hits(t, 64, "_ROM", ref, 1);
	body(t, "\x14\x10_ROM", 6);
	expect_hits(t, 64, "_ROM", meth, 1);
	/* two-byte PkgLengths: lead 0x4N, then bits 4-11 */
	body(t, "\x14\x4f\x01_ROM", 7);			/* 0x1f: 37 + 31 > 64 */
	expect_hits(t, 64, "_ROM", ref2, 1);
	body(t, "\x14\x40\x01_ROM", 7);			/* 0x10 */
	expect_hits(t, 64, "_ROM", meth2, 1);
	body(t, "\x14\x50\x01_ROM", 7);			/* bits 5-4 set: not a PkgLength */
	expect_hits(t, 64, "_ROM", ref2, 1);
	/* If (Zero) { External } as iasl writes it; If (Local0) too, but not
	 * an If whose predicate is an expression */
	body(t, "\xa0\x0a\x00\x15\\_ROM\x08\x02", 12);
	expect_hits(t, 64, "_ROM", ext, 1);
	body(t, "\xa0\x0a\x60\x15\\_ROM\x08\x02", 12);
	expect_hits(t, 64, "_ROM", ext, 1);
	body(t, "\xa0\x0b\x92\x60\x15\\_ROM\x08\x02", 13);
	expect_hits(t, 64, "_ROM", ref3, 1);
	/* Name then a String; a Method inside a Scope by a relative name */
	body(t, "\x08_ROM\x0dtext\x00", 11);
	expect_hits(t, 64, "_ROM", name, 1);
	body(t, "\x10\x0d\\_SB_\x14\x06XROM\x00", 14);
	expect_hits(t, 64, "XROM", scoped, 1);
	/* Scope (\) is RootChar and NullName */
	body(t, "\x10\x0c\\\x00\x14\x08_ROM\x00\xa4\x00", 14);
	expect_hits(t, 64, "_ROM", root_rom, 1);
	/* CreateField (buffer, bit index, bit count, name) does not stop the
	 * walk, nor does a Connection () in a field list */
	body(t, "\x5b\x13" "BUF0" "\x0a\x08" "\x0a\x10" "CFLD" "\x08" "AFT1\x01", 21);
	expect_hits(t, 64, "CFLD", cfld, 1);
	expect_hits(t, 64, "AFT1", aft1, 1);
	body(t, "\x5b\x81\x10" "GPOR" "\x01" "\x02" "GPI0" "PWEN\x01", 18);
	expect_hits(t, 64, "PWEN", pwen, 1);
	body(t, "\x5b\x81\x0f" "GPOR" "\x01" "\x02\x11\x02\x00" "PWEN\x01", 17);
	expect_hits(t, 64, "PWEN", pwen2, 1);
	/* a term the walk cannot size (Store at the top level) is stepped
	 * over to the next Scope, Method, Device... whose package fits */
	body(t, "\x70\x0a\x01" "ABCD" "\x14\x06" "XROM\x00" "\x08" "AFT1\x01", 20);
	expect_hits(t, 64, "XROM", xrom, 1);
	expect_hits(t, 64, "AFT1", aft1b, 1);
	vb_acpi_aml_walk(&a, t, 64);
	assert_int_equal(a.walked_to, 36);
	vb_acpi_aml_free(&a);
	/* '^' goes up a level from \_SB */
	body(t, "\x10\x0d\\_SB_\x08^ABCD\x01", 14);
	expect_hits(t, 64, "ABCD", up, 1);
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
		cmocka_unit_test(test_find_battery),
		cmocka_unit_test(test_find_path),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_find_multiname),
		cmocka_unit_test(test_find_bytes),
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
