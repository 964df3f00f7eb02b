/* lib/aml: the AML term walk (definitions with their paths, inside If,
 * method calls by their arities, strings, problems with their offsets) and
 * the name search on it. Tables whose ASL is quoted were compiled by iasl
 * 20200925; the applet test tests/applets/ssdt.test compares the walk with
 * iasl's namespace on real laptop tables. */
#include "unit.h"

#include "fw/aml.h"

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

struct want {
	size_t off;
	const char *kind, *path;
};

static void expect_hits(const unsigned char *t, size_t len, const char *name,
			const struct want *w, size_t nw)
{
	struct vb_acpi_name nm;
	struct vb_aml_hit hit;
	struct vb_aml a;
	size_t pos = 0, i = 0;
	char why[400] = "", nmf[64];

	assert_int_equal(vb_acpi_name_parse(name, &nm), 0);
	vb_acpi_name_format(&nm, nmf, sizeof(nmf));
	vb_aml_walk(&a, t, len);
	while (!why[0] && vb_aml_find(&a, &nm, nmf, &pos, &hit)) {
		if (i == nw)
			snprintf(why, sizeof(why), "%s: extra hit at 0x%zx (%s %s)", name,
				 hit.off, hit.kind, hit.path);
		else if (hit.off != w[i].off || strcmp(hit.kind, w[i].kind) ||
			 strcmp(hit.path, w[i].path))
			snprintf(why, sizeof(why), "%s hit %zu: got 0x%zx %s %s, want 0x%zx %s %s",
				 name, i, hit.off, hit.kind, hit.path, w[i].off, w[i].kind, w[i].path);
		i++;
	}
	vb_aml_free(&a);
	if (!why[0] && i != nw)
		snprintf(why, sizeof(why), "%s: %zu hits, want %zu", name, i, nw);
	if (why[0])
		fail_msg("%s", why);
}

/* The definitions of a walk as "Kind path[ inside If]" lines. */
static void expect_defs(const unsigned char *t, size_t len, const char *want, size_t nbads)
{
	struct vb_aml a;
	char got[4096] = "";
	size_t i, n = 0;

	vb_aml_walk(&a, t, len);
	for (i = 0; i < a.nitems; i++) {
		const struct vb_aml_item *it = &a.items[i];

		if (it->type != VB_AML_DEF)
			continue;
		n += (size_t)snprintf(got + n, sizeof(got) - n, "%s %s%s%s\n", it->kind, it->path,
				      it->cond ? " inside " : "", it->cond ? it->cond : "");
		assert_true(n < sizeof(got));
	}
	if (strcmp(got, want) || a.nbads != nbads) {
		for (i = 0; i < a.nbads; i++)
			print_message("bad at 0x%zx: %s\n", a.bads[i].off, a.bads[i].why);
		fail_msg("defs:\n%swant:\n%s(%zu problems, want %zu)", got, want, a.nbads, nbads);
	}
	vb_aml_free(&a);
}

/* A table of 96 bytes whose body is built by hand (zeros after it). */
static void body(unsigned char *t, const void *b, size_t n)
{
	memset(t, 0, 96);
	memcpy(t, "SSDT", 4);
	t[4] = 96;
	memcpy(t + VB_ACPI_HDR_LEN, b, n);
}

static void test_find_battery(void **state)
{
	const unsigned char *b = vb_acpi_battery;
	size_t n = vb_acpi_battery_len;
	static const struct want sta[] = { { 0x5a, "Method", "\\_SB.PCI0.BAT0._STA" } };
	static const struct want bat[] = { { 0x44, "Device", "\\_SB.PCI0.BAT0" } };
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
	/* a truncated table: the Scope and the Device that run past its end
	 * are walked as far as the bytes go, so BAT0 keeps its path */
	expect_hits(b, 0x48, "BAT0", bat, 1);
	expect_hits(b, 0x48, "PCI0.BAT0", bat, 1);
	expect_hits(b, 0x47, "BAT0", NULL, 0);
	expect_hits(b, 0x48, "_HID", NULL, 0);
	expect_hits(b, 20, "BAT0", NULL, 0);
}

/* A path is also found at the end of an object's absolute path when the
 * table spells it in pieces; a match in a Method's code names the Method. */
static void test_find_path(void **state)
{
	const unsigned char *b = vb_acpi_battery;
	size_t n = vb_acpi_battery_len, pos = 0;
	static const struct want bat[] = { { 0x44, "Device", "\\_SB.PCI0.BAT0" } };
	static const struct want sta[] = { { 0x5a, "Method", "\\_SB.PCI0.BAT0._STA" } };
	static const struct want hid[] = { { 0x49, "Name", "\\_SB.PCI0.BAT0._HID" } };
	struct vb_acpi_name nm;
	struct vb_aml_hit hit;
	struct vb_aml a;

	(void)state;
	expect_hits(b, n, "PCI0.BAT0", bat, 1);
	expect_hits(b, n, "\\_SB.PCI0.BAT0", bat, 1);
	expect_hits(b, n, "\\_SB.PCI0.BAT0._STA", sta, 1);
	expect_hits(b, n, "bat0._hid", hid, 1);
	/* whole segments only, and only at the end of the path */
	expect_hits(b, n, "CI0.BAT0", NULL, 0);
	expect_hits(b, n, "PCI1.BAT0", NULL, 0);
	expect_hits(b, n, "PCI0.BAT0._XYZ", NULL, 0);

	assert_int_equal(vb_acpi_name_parse("LION", &nm), 0);
	vb_aml_walk(&a, b, n);
	assert_int_equal(a.nbads, 0);
	assert_int_equal(vb_aml_find(&a, &nm, "LION", &pos, &hit), 1);
	assert_non_null(hit.in);
	assert_string_equal(hit.in, "\\_SB.PCI0.BAT0._BIF");
	pos = 0;
	assert_int_equal(vb_acpi_name_parse("_STA", &nm), 0);
	assert_int_equal(vb_aml_find(&a, &nm, "_STA", &pos, &hit), 1);
	assert_null(hit.in);
	vb_aml_free(&a);
}

static void test_walk(void **state)
{
	(void)state;
	expect_defs(nvrom, sizeof(nvrom),
		    "External \\_SB.PCI0.PEG0.PEGP\n"	/* in iasl's If (Zero), a declaration */
		    "Scope \\_SB.PCI0.PEG0.PEGP\n"
		    "OperationRegion \\_SB.PCI0.PEG0.PEGP.FWCF\n"
		    "Field \\_SB.PCI0.PEG0.PEGP.FSEL\n"
		    "Name \\_SB.PCI0.PEG0.PEGP.RVBS\n"
		    "Method \\_SB.PCI0.PEG0.PEGP._ROM\n"
		    "Method \\_SB.PCI0.PEG0.PEGP.XROM\n", 0);
	expect_defs(vb_acpi_battery, vb_acpi_battery_len,
		    "External \\_SB.PCI0\n"
		    "Scope \\_SB.PCI0\n"
		    "Device \\_SB.PCI0.BAT0\n"
		    "Name \\_SB.PCI0.BAT0._HID\n"
		    "Name \\_SB.PCI0.BAT0._UID\n"
		    "Method \\_SB.PCI0.BAT0._STA\n"
		    "Method \\_SB.PCI0.BAT0._BIF\n"
		    "Method \\_SB.PCI0.BAT0._BST\n", 0);
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
	/* uses resolve by the search rule to the table's own definitions */
	static const struct want fwcf[] = {
		{ 0x55, "OperationRegion", "\\_SB.PCI0.PEG0.PEGP.FWCF" },
		{ 0x62, "reference", "\\_SB.PCI0.PEG0.PEGP.FWCF" },
	};
	static const struct want rvbs[] = { { 0x6d, "Name", "\\_SB.PCI0.PEG0.PEGP.RVBS" } };
	static const struct want fsel[] = {
		{ 0x67, "Field", "\\_SB.PCI0.PEG0.PEGP.FSEL" },
		{ 0x7f, "reference", "\\_SB.PCI0.PEG0.PEGP.FSEL" },
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
	/* a use found by its resolved path: FSEL in _ROM is PEGP.FSEL */
	expect_hits(nvrom, n, "PEGP.FSEL", fsel, 2);
	expect_hits(nvrom, n, "PCI0.PEGP", NULL, 0);
	expect_hits(nvrom, n, "_DSM", NULL, 0);
}

/* Names that are data: inside a string anywhere, or bytes of an integer. */
static void test_data(void **state)
{
	unsigned char t[96];
	static const struct want ab[] = { { 45, "bytes", "AAAA.BBBB" } };
	static const struct want dsm[] = { { 47, "string", "_DSM" } };
	static const struct want dword[] = { { 42, "bytes", "_ROM" } };
	static const struct want name[] = { { 37, "Name", "\\_ROM" } };
	static const struct want pkg[] = { { 44, "reference", "ABCD" } };

	(void)state;
	/* Name (XHCS, "XHCI _DSM"): the name is in the string, not its start */
	body(t, "\x08XHCS\x0dXHCI _DSM\x00", 16);
	expect_hits(t, 96, "_DSM", dsm, 1);
	/* Name (NOPE, 0x4D4F525F): a DWord whose bytes spell _ROM */
	body(t, "\x08NOPE\x0c_ROM", 10);
	expect_hits(t, 96, "_ROM", dword, 1);
	/* Name (BUFF, Buffer () { "AAAABBBB" bytes }) */
	body(t, "\x08" "BUFF\x11\x0b\x0a\x08" "AAAABBBB", 17);
	expect_hits(t, 96, "AAAA.BBBB", ab, 1);
	/* Name then a String */
	body(t, "\x08_ROM\x0dtext\x00", 11);
	expect_hits(t, 96, "_ROM", name, 1);
	/* Name (PKG0, Package () { ABCD }): a name element is a use */
	body(t, "\x08PKG0\x12\x06\x01" "ABCD", 12);
	expect_hits(t, 96, "ABCD", pkg, 1);
}

/* If with an expression predicate, Else, While, CondRefOf, nested. */
static void test_conditionals(void **state)
{
	unsigned char t[96];

	(void)state;
	/* If ((MPGN >= 4)) { Device (PEG3) { Device (PEGP) { } } }:
	 * >= is LNot (LLess (MPGN, 4)) */
	body(t, "\xa0\x17\x92\x95MPGN\x0a\x04[\x82\x0cPEG3[\x82\x05PEGP", 24);
	expect_defs(t, 96, "Device \\PEG3 inside If\nDevice \\PEG3.PEGP inside If\n", 0);
	/* If (CondRefOf (\_SB.PC00.PEG3)) { Scope (\_SB) { Method (_DSM) } }
	 * Else { Name (NONE, One) } */
	body(t, "\xa0 [\x12\x5c/\x03_SB_PC00PEG3\x00\x10\x0c_SB_\x14\x06_DSM\x00\xa1\x07\x08NONE\x01",
	     41);
	expect_defs(t, 96, "Scope \\_SB inside If\nMethod \\_SB._DSM inside If\n"
		    "Name \\NONE inside Else\n", 0);
	/* While (One) { If (Local0) { Name (DEEP, Zero) } Break } */
	body(t, "\xa2\x0c\x01\xa0\x08`\x08" "DEEP\x00\xa5", 13);
	expect_defs(t, 96, "Name \\DEEP inside If\n", 0);
	body(t, "\xa2\x09\x01\x08WHIL\x00\xa5", 10);
	expect_defs(t, 96, "Name \\WHIL inside While\n", 0);
}

static size_t strings(const unsigned char *t, size_t len, int *passes)
{
	struct vb_aml a;
	size_t i, n = 0;

	vb_aml_walk(&a, t, len);
	assert_int_equal(a.nbads, 0);
	for (i = 0; i < a.nitems; i++)
		n += a.items[i].type == VB_AML_STR;
	*passes = a.passes;
	vb_aml_free(&a);
	return n;
}

/* Method invocations take as many arguments as the Method or the External
 * says, whether the definition comes before or after the call. Seen here
 * through Buffer (CALL (args)) {}: what a call does not take as its
 * arguments is the buffer's bytes, so its string arguments are strings
 * only when the count is right. */
static void test_calls(void **state)
{
	unsigned char t[96];
	int passes;

	(void)state;
	/* Name (BUF0, Buffer (MTH2 ("AB", "CD")) {}) and then Method (MTH2, 2) */
	body(t, "\x08" "BUF0\x11\x0dMTH2\x0d" "AB\x00\x0d" "CD\x00\x14\x07MTH2\x02\xa3", 27);
	assert_int_equal(strings(t, 96, &passes), 2);
	assert_int_equal(passes, 2);
	/* External (EXT3, MethodObj) with 3 arguments before the call */
	body(t, "\x15" "EXT3\x08\x03\x08" "BUF1\x11\x0e" "EXT3\x0d" "A\x00\x0d" "B\x00\x0d" "C\x00", 27);
	assert_int_equal(strings(t, 96, &passes), 3);
	/* a name that is no method takes nothing */
	body(t, "\x08" "BUF2\x11\x09NOTM\x0d" "AB\x00", 15);
	assert_int_equal(strings(t, 96, &passes), 0);
	assert_int_equal(passes, 2);
}

/* \ and ^ prefixes; an External whose path starts with ^. */
static void test_prefixes(void **state)
{
	unsigned char t[96];
	static const struct want up[] = { { 45, "Name", "\\ABCD" } };

	(void)state;
	body(t, "\x10\x0d\\_SB_\x08^ABCD\x01", 14);
	expect_hits(t, 96, "ABCD", up, 1);
	/* Scope (\_SB.PEG0) { External (^PEGP.XXXX) Device (PEGQ) } */
	body(t, "\x10\x1f\x5c._SB_PEG0\x15^.PEGPXXXX\x08\x02[\x82\x05PEGQ", 32);
	expect_defs(t, 96, "Scope \\_SB.PEG0\nExternal \\_SB.PEGP.XXXX\nDevice \\_SB.PEG0.PEGQ\n",
		    0);
	/* Scope (\) is RootChar and NullName */
	body(t, "\x10\x0c\x5c\x00\x14\x08_ROM\x00\xa4\x00", 13);
	expect_defs(t, 96, "Scope \\\nMethod \\_ROM\n", 0);
	/* a ^ above the root: said, the walk goes on */
	body(t, "\x15^ABCD\x08\x00" "\x08" "NEXT\x00", 14);
	expect_defs(t, 96, "Name \\NEXT\n", 1);
}

/* What cannot be decoded is said with its offset and skipped by its
 * package where it has one. */
static void test_problems(void **state)
{
	unsigned char t[96];
	struct vb_aml a;

	(void)state;
	/* Device (DEV0) { <0x5B 0x99> } then Name (AFTR): the rest of the
	 * Device is skipped, AFTR is found */
	body(t, "[\x82\x09" "DEV0[\x99\x01\x02\x08" "AFTR\x00", 17);
	expect_defs(t, 96, "Device \\DEV0\nName \\AFTR\n", 1);
	vb_aml_walk(&a, t, 96);
	assert_int_equal(a.bads[0].off, 43);
	assert_int_equal(a.bads[0].to, 47);
	assert_string_equal(a.bads[0].why, "unknown opcode");
	assert_string_equal(a.bads[0].scope, "\\DEV0");
	vb_aml_free(&a);
	/* a bad term inside an If at the top: the rest of the If is skipped */
	body(t, "\xa0\x05\x01\x02\x03\x04\x08" "AFTR\x00", 12);
	expect_defs(t, 96, "Name \\AFTR\n", 1);
	vb_aml_walk(&a, t, 96);
	assert_int_equal(a.bads[0].off, 39);
	assert_int_equal(a.bads[0].to, 42);
	vb_aml_free(&a);
	/* a string without its NUL at the end of the table */
	body(t, "\x08" "STR0" "\x0d", 6);
	memset(t + 42, 'A', 54);
	expect_defs(t, 96, "Name \\STR0\n", 1);
	/* a package longer than the one it is in */
	body(t, "\x10\x0b_SB_\x10 PCI0", 12);
	expect_defs(t, 96, "Scope \\_SB\n", 1);
	/* truncated: a Method that runs past the table (its PkgLength counts
	 * from the byte at 37) is walked to the end of the bytes */
	body(t, "\x14\x3f_ROM\x02\xa3", 8);
	vb_aml_walk(&a, t, 96);
	assert_int_equal(a.truncated, 37 + 0x3f - 96);
	assert_int_equal(a.nbads, 0);
	assert_string_equal(a.items[0].path, "\\_ROM");
	vb_aml_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_battery),
		cmocka_unit_test(test_find_path),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_find_multiname),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_conditionals),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_problems),
	};

	return cmocka_run_group_tests_name("aml", tests, NULL, NULL);
}
